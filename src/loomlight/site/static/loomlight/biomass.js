// Draws the biomass pages' charts from the page's JSON: the heating value as received against moisture (guide),
// numbers written with the page's CLDR symbols (site/numbers.py's chart_format, in #number-format).
(function () {
  "use strict";
  var source = document.getElementById("biomass-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var format = JSON.parse(document.getElementById("number-format").textContent);
  function number(v, decimals) {   // fixed decimals, grouped and separated as the language writes them
    if (v === null || v === undefined || isNaN(v)) { return ""; }
    var parts = Math.abs(v).toFixed(decimals).split(".");
    var text = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, format.group) + (parts[1] ? format.decimal + parts[1] : "");
    return (v < 0 ? format.minus : "") + text;
  }
  document.querySelectorAll("[data-biomass-chart=lhv]").forEach(function (el) {
    var chart = echarts.init(el);
    var series = [{ name: data.name, type: "line", data: data.points, symbolSize: 6 }];
    if (data.marker) {
      series.push({ name: data.marker_name, type: "scatter", data: [data.marker], symbolSize: 12 });
    }
    chart.setOption({
      animation: false,
      grid: { left: 48, right: 16, top: 32, bottom: 80 },
      legend: { bottom: 0 },
      tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) {
        return p.seriesName + "\n" + number(p.value[0], 0) + " %: " + number(p.value[1], 2) + " GJ/t";
      } },
      xAxis: { type: "value", min: 0, max: 60, name: data.x_label, nameLocation: "middle", nameGap: 28,
               axisLabel: { formatter: function (v) { return number(v, 0); } } },
      yAxis: { type: "value", min: 0, name: data.y_label, nameLocation: "end", nameTextStyle: { align: "left" },
               axisLabel: { formatter: function (v) { return number(v, 0); } } },
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.drawn = "1";
  });
})();
