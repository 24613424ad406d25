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
    option.animation = false;   // drawn at once: no half-drawn curve on a slow laptop or in a screenshot
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
    el.dataset.drawn = "1";
  }
  document.querySelectorAll("[data-case-chart]").forEach(function (el) {
    var key = el.dataset.caseChart;
    if (key === "tornado" && data.tornado) {
      // each end of an input its own bar from the base NPV (0 on the axis), not stacked: a bar's length is the
      // change of that end alone. Both ends of an input share its row (barGap -100 %): of each row the longer end
      // is drawn behind the shorter, so that neither hides the other when both move the NPV the same way (four
      // series, two of each name: the legend shows and hides both of a name).
      var t = data.tornado;
      var low = t.low.slice().reverse(), high = t.high.slice().reverse();
      var colours = {};
      colours[t.low_label] = "#5470c6";
      colours[t.high_label] = "#91cc75";
      var lowLonger = low.map(function (v, i) { return Math.abs(v) >= Math.abs(high[i]); });
      var pick = function (values, where) {   // the values of the rows where ``where`` holds, none elsewhere
        return values.map(function (v, i) { return where(i) ? v : null; });
      };
      var bar = function (name, values) {
        return { name: name, type: "bar", data: values, barGap: "-100%", barWidth: "60%",
                 itemStyle: { color: colours[name] } };
      };
      var lowIsLonger = function (i) { return lowLonger[i]; }, highIsLonger = function (i) { return !lowLonger[i]; };
      draw(el, {
        grid: { left: 120, right: 24, top: 44, bottom: 28 },
        legend: { top: 0, data: [t.low_label, t.high_label] },
        tooltip: { trigger: "axis", renderMode: "richText", formatter: function (p) {
          var i = (Array.isArray(p) ? p[0] : p).dataIndex;
          return t.inputs[t.inputs.length - 1 - i] + "\n" + t.low_label + ": " + number(low[i]) + "\n" +
            t.high_label + ": " + number(high[i]);
        } },
        xAxis: { type: "value", splitNumber: 4, axisLabel: { formatter: number, hideOverlap: true } },
        yAxis: { type: "category", data: t.inputs.slice().reverse(),
                 axisLabel: { width: 110, overflow: "break", lineHeight: 14 } },   // a wrapped name's lines apart
        series: [bar(t.low_label, pick(low, lowIsLonger)), bar(t.high_label, pick(high, highIsLonger)),   // behind
                 bar(t.low_label, pick(low, highIsLonger)), bar(t.high_label, pick(high, lowIsLonger))]   // in front
      });
    } else if (key === "histogram" && data.histogram) {
      var h = data.histogram;
      draw(el, {
        grid: { left: 48, right: 16, top: 16, bottom: 96 },
        xAxis: { type: "category", data: h.labels,
                 axisLabel: { rotate: 45, interval: el.clientWidth < 600 ? 3 : 1 } },   // every label where they fit
        yAxis: { type: "value" },
        series: [{ name: h.name, type: "bar", data: h.counts, barCategoryGap: "0%" }]
      });
    } else if (key === "curve" && data.bars) {
      // bars of varying width: each a filled rectangle (a closed line with its area) on a value axis, x the
      // cumulative t CO2e a year, y the cost per t; the no-regret bars in green, the others in red
      var colours = { no_regret: "#2e7d32", regret: "#c62828" };
      var series = data.bars.map(function (b) {
        var kind = b.no_regret ? "no_regret" : "regret";
        return { name: data.names[kind], type: "line", symbol: "none", silent: false,
                 data: [[b.from, 0], [b.from, b.cost], [b.to, b.cost], [b.to, 0]],
                 lineStyle: { color: colours[kind], width: 1 }, itemStyle: { color: colours[kind] },
                 areaStyle: { color: colours[kind], opacity: 0.75, origin: 0 } };
      });
      draw(el, {
        grid: { left: 64, right: 24, top: 32, bottom: 48 },
        legend: { top: 0 },
        tooltip: { trigger: "axis", renderMode: "richText", formatter: function (p) {
          var x = (Array.isArray(p) ? p[0] : p).axisValue;
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
