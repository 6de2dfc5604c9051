/* The metrics page's ranking chart (ECharts), from the json_script next to it. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("sz-metrics-chart");
    var src = document.getElementById("sz-metrics-data");
    if (!el || !src || !window.echarts) return;
    var d = JSON.parse(src.textContent);
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" }, // the HTML one writes style attributes the CSP refuses
      // ECharts 6 puts the legend at the bottom by default, over the rotated unit names.
      legend: { data: d.labels, top: 0 },
      grid: { left: 40, right: 10, top: 40, bottom: 80 },
      xAxis: { type: "category", data: d.names, axisLabel: { rotate: 40 } },
      yAxis: { type: "value", max: 100 },
      series: [
        { name: d.labels[0], type: "bar", data: d.on_time, itemStyle: { color: "#b71c1c" } },
        { name: d.labels[1], type: "bar", data: d.satisfaction, itemStyle: { color: "#e69100" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
