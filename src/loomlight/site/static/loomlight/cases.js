// Draws the business-case charts (tornado, Monte Carlo histogram, abatement-cost curve) from the page's JSON.
(function () {
  "use strict";
  var source = document.getElementById("case-chart-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var format = JSON.parse(document.getElementById("number-format").textContent);
  function number(v) {   // whole numbers, grouped with the language's separator (site/numbers.py's symbols)
    if (v === null || v === undefined || isNaN(v)) { return ""; }
    var text = String(Math.round(Math.abs(v))).replace(/\B(?=(\d{3})+(?!\d))/g, format.group);
    return (v < 0 ? format.minus : "") + text;
  }
  function draw(el, option) {
    var chart = echarts.init(el);
    option.tooltip = option.tooltip || { trigger: "axis", renderMode: "richText", valueFormatter: number };
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.drawn = "1";
  }
  document.querySelectorAll("[data-case-chart]").forEach(function (el) {
    var key = el.dataset.caseChart;
    if (key === "tornado" && data.tornado) {
      var t = data.tornado;
      draw(el, {
        grid: { left: 120, right: 24, top: 24, bottom: 28 },
        legend: { top: 0, data: [t.low_label, t.high_label] },
        xAxis: { type: "value", scale: true, axisLabel: { formatter: number } },
        yAxis: { type: "category", data: t.inputs.slice().reverse() },
        series: [{ name: t.low_label, type: "bar", data: t.low.slice().reverse() },
                 { name: t.high_label, type: "bar", data: t.high.slice().reverse() }]
      });
    } else if (key === "histogram" && data.histogram) {
      var h = data.histogram;
      draw(el, {
        grid: { left: 48, right: 16, top: 16, bottom: 60 },
        xAxis: { type: "category", data: h.labels, axisLabel: { rotate: 45 } },
        yAxis: { type: "value" },
        series: [{ name: h.name, type: "bar", data: h.counts, barCategoryGap: "0%" }]
      });
    } else if (key === "curve" && data.bars) {
      // bars of varying width as filled steps on a value axis: x = cumulative t CO2e a year, y = cost per t
      var series = [];
      [["no_regret", "#2e7d32"], ["regret", "#c62828"]].forEach(function (pair) {
        if (!data[pair[0]].length) { return; }
        series.push({ name: data.names[pair[0]], type: "line", data: data[pair[0]].map(function (p) { return p === null ? [null, null] : p; }),
                      connectNulls: false, symbol: "none", lineStyle: { color: pair[1], width: 1 },
                      itemStyle: { color: pair[1] }, areaStyle: { color: pair[1], opacity: 0.7, origin: 0 } });
      });
      draw(el, {
        grid: { left: 64, right: 24, top: 32, bottom: 48 },
        legend: { top: 0 },
        tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) {
          var x = p.value && p.value[0];
          var bar = data.bars.filter(function (b) { return x >= b.from && x <= b.to; })[0];
          return bar ? bar.label + "\n" + number(bar.cost) + " / t · " + number(bar.tco2e) + " t" : "";
        } },
        xAxis: { type: "value", name: data.x_label, nameLocation: "middle", nameGap: 28, axisLabel: { formatter: number } },
        yAxis: { type: "value", name: data.y_label, axisLabel: { formatter: number } },
        series: series
      });
    }
  });
})();
