// Draws the dashboards' charts (facility data, emissions, parks, programmes) from the JSON the server computed.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source) { return; }   // a period without data has no chart-data block, and no charts to draw
  var data = JSON.parse(source.textContent);
  // The page's language as the server formats it (CLDR through site/numbers.py): separators and month names,
  // never the browser's own tables (Chromium writes Khmer months in English, Vietnamese numbers ungrouped).
  var format = JSON.parse(document.getElementById("number-format").textContent);
  var months = data.months.map(function (m) { return format.months[m - 1]; });
  var apart = data.apart || [];   // series reported apart from the stack (biogenic CO2): a line, never stacked
  function grouped(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, format.group);
  }
  function number(v) {   // at most 2 decimals, as the charts round; grouped every 3 digits like every language shipped
    if (v === null || v === undefined || isNaN(v)) { return ""; }
    var text = Math.abs(v).toFixed(2).replace(/\.?0+$/, "");
    var parts = text.split(".");
    return (v < 0 ? format.minus : "") + grouped(parts[0]) + (parts.length > 1 ? format.decimal + parts[1] : "");
  }
  // The legend is HTML under the chart, not ECharts' own: names of any length wrap at any width, in any script,
  // where the canvas legend cut them ("Refe", "B") or paged them ("1/3") on a phone. A button per series shows or
  // hides it, as ECharts' legend did.
  function legend(el, chart, series) {
    var palette = chart.getOption().color;
    var list = document.createElement("ul");
    list.className = "chart-legend";
    list.dataset.legendFor = el.dataset.chart;
    series.forEach(function (s, i) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.setAttribute("aria-pressed", "true");
      var swatch = document.createElement("span");
      swatch.className = "swatch " + s.type + (s.stack ? "" : " unstacked");
      swatch.setAttribute("aria-hidden", "true");
      swatch.style.backgroundColor = palette[i % palette.length];   // CSSOM, which the CSP allows (no style attribute)
      button.appendChild(swatch);
      button.appendChild(document.createTextNode(s.name));
      button.addEventListener("click", function () {
        chart.dispatchAction({ type: "legendToggleSelect", name: s.name });
        button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
      });
      item.appendChild(button);
      list.appendChild(item);
    });
    el.insertAdjacentElement("afterend", list);
  }
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var key = el.dataset.chart, block = data[key] || {}, stacked = el.dataset.stack === "1";
    var line = key.endsWith("_yoy") || el.dataset.line === "1";
    var labels = el.dataset.x ? data[el.dataset.x] : months;   // data-x: another axis (years) from the data
    var names = Object.keys(block);
    el.dataset.series = String(names.length);
    if (!names.length) { el.classList.add("empty"); return; }
    var chart = echarts.init(el);
    var series = names.map(function (name) {
      var alone = apart.indexOf(name) >= 0;
      return { name: data.names[name] || name, type: line || alone ? "line" : "bar",
               stack: stacked && !alone ? "total" : undefined, z: alone ? 3 : 2,
               data: block[name].map(function (v) { return v === null ? null : Math.round(v * 100) / 100; }) };  // null: no data, a gap
    });
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: number },   // drawn on the canvas: the CSP allows no inline style attributes
      legend: { show: false },   // the HTML legend below (legend()) selects the series
      grid: { left: 60, right: 16, top: 16, bottom: 28 },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", axisLabel: { formatter: number } },
      series: series
    });
    legend(el, chart, series);
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
