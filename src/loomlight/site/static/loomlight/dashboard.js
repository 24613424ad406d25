// Draws the dashboards' charts (facility data, emissions, parks, programmes) from the JSON the server computed.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source) { return; }   // a period without data has no chart-data block, and no charts to draw
  var data = JSON.parse(source.textContent);
  var months = data.months.map(function (m) { return new Date(2000, m - 1, 1).toLocaleString(document.documentElement.lang, { month: "short" }); });
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var key = el.dataset.chart, block = data[key] || {}, stacked = el.dataset.stack === "1";
    var line = key.endsWith("_yoy") || el.dataset.line === "1";
    var labels = el.dataset.x ? data[el.dataset.x] : months;   // data-x: another axis (years) from the data
    var names = Object.keys(block);
    el.dataset.series = String(names.length);
    if (!names.length) { el.classList.add("empty"); return; }
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },   // drawn on the canvas: the CSP allows no inline style attributes
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 60, right: 16, top: 16, bottom: 48 },
      xAxis: { type: "category", data: labels },
      yAxis: { type: "value" },
      series: names.map(function (name) {
        return { name: data.names[name] || name, type: line ? "line" : "bar", stack: stacked ? "total" : undefined,
                 data: block[name].map(function (v) { return v === null ? null : Math.round(v * 100) / 100; }) };  // null: no data, a gap
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
