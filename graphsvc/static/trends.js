/* Coverage trends drawn with ECharts (vendored); the same numbers are in the table beside each chart. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("trend-data").textContent);
  var font = { fontFamily: '"Noto Sans CJK SC","Microsoft YaHei",sans-serif' };
  function draw(id, d) {
    var box = document.getElementById(id);
    if (!box || !d.times.length) return;
    var chart = echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      animation: false, textStyle: font,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      legend: { type: "scroll", top: 0, textStyle: font },
      grid: { left: 48, right: 16, top: 56, bottom: 32 },
      xAxis: { type: "category", data: d.times, boundaryGap: false },
      yAxis: { type: "value", name: "覆盖率（%）", max: 100, min: function (v) { return Math.max(0, Math.floor(v.min / 10) * 10); } },
      series: d.series.map(function (s) { return { name: s.name, type: "line", data: s.data, connectNulls: true, symbolSize: 6 }; })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    (window.gsCharts = window.gsCharts || {})[id] = chart;
  }
  draw("chart-all", data.all);
  draw("chart-parts", data.parts);
  document.body.dataset.ready = "1";
})();
