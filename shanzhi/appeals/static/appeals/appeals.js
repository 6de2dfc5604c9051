/* Intake point picker and the appeal's location map. No tile layer (intranet deployments):
 * the visible grid boundaries are drawn on a plain background, as on the registry pages. */
(function () {
  "use strict";
  var CENTER = [34.862, 117.554];

  function picker(el) {
    var lng = document.getElementById("id_lng"), lat = document.getElementById("id_lat");
    var label = document.getElementById("sz-pick-label");
    var map = L.map(el, { attributionControl: false, scrollWheelZoom: false });
    var start = lat.value ? [parseFloat(lat.value), parseFloat(lng.value)] : CENTER;
    map.setView(start, 15);
    var marker = lat.value ? L.marker(start).addTo(map) : null;
    map.on("click", function (e) {
      lng.value = e.latlng.lng.toFixed(6);
      lat.value = e.latlng.lat.toFixed(6);
      if (marker) { marker.setLatLng(e.latlng); } else { marker = L.marker(e.latlng).addTo(map); }
      label.textContent = lng.value + ", " + lat.value;
      var mapChoice = document.getElementById("place_map");
      if (mapChoice) mapChoice.checked = true;
      document.body.dispatchEvent(new Event("sz-place-changed"));
    });
  }

  function point(el) {
    var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
    var map = L.map(el, { attributionControl: false, scrollWheelZoom: false }).setView(at, 16);
    L.circleMarker(at, { radius: 9, color: "#b71c1c" }).addTo(map);
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) return;
    var pick = document.getElementById("sz-pick-map");
    if (pick) picker(pick);
    document.querySelectorAll("[data-sz-point]").forEach(point);
  });
})();

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
