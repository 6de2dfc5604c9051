/* The company page's credit score line (ECharts), from the json_script next to it. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("sz-credit-chart");
    var src = document.getElementById("sz-credit-data");
    if (!el || !src || !window.echarts) return;
    var d = JSON.parse(src.textContent);
    var chart = echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis", renderMode: "richText" }, // the HTML one writes style attributes the CSP refuses
      grid: { left: 40, right: 10, top: 20, bottom: 30 },
      xAxis: { type: "category", data: d.at },
      yAxis: { type: "value", min: 0, max: 100 },
      series: [{ name: d.label, type: "line", step: "end", data: d.score, itemStyle: { color: "#b71c1c" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
