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
  function grouped(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, format.group);
  }
  function number(v) {   // at most 2 decimals, as the charts round; grouped every 3 digits like every language shipped
    if (v === null || v === undefined || isNaN(v)) { return ""; }
    var text = Math.abs(v).toFixed(2).replace(/\.?0+$/, "");
    var parts = text.split(".");
    return (v < 0 ? format.minus : "") + grouped(parts[0]) + (parts.length > 1 ? format.decimal + parts[1] : "");
  }
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var key = el.dataset.chart, block = data[key] || {}, stacked = el.dataset.stack === "1";
    var line = key.endsWith("_yoy") || el.dataset.line === "1";
    var labels = el.dataset.x ? data[el.dataset.x] : months;   // data-x: another axis (years) from the data
    var names = Object.keys(block);
    el.dataset.series = String(names.length);
    if (!names.length) { el.classList.add("empty"); return; }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: number },   // drawn on the canvas: the CSP allows no inline style attributes
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 60, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value", axisLabel: { formatter: number } },
      series: names.map(function (name) {
        return { name: data.names[name] || name, type: line ? "line" : "bar", stack: stacked ? "total" : undefined,
                 data: block[name].map(function (v) { return v === null ? null : Math.round(v * 100) / 100; }) };  // null: no data, a gap
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
