/* Maps and small charts of the registry pages.
 *
 * Data comes from json_script tags named by data-source; nothing is fetched. Maps draw the
 * GeoJSON on a plain background: no tile layer, because deployments sit on intranets and a
 * street map from the internet would also leak which grids staff look at.
 */
(function () {
  "use strict";

  var BAND_COLORS = { low: "#e69100", ok: "#2e7d32", high: "#b71c1c" };

  function readJSON(id) {
    var el = id && document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function polygonStyle(feature) {
    var band = feature.properties && feature.properties.band;
    var color = BAND_COLORS[band] || "#b71c1c";
    return { color: color, weight: 2, fillColor: color, fillOpacity: band ? 0.25 : 0.12 };
  }

  function drawMap(el) {
    var data = readJSON(el.dataset.source);
    if (!data || !window.L) return;
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false });
    var link = el.dataset.link;
    var fewAreas = data.features.type === "FeatureCollection" && data.features.features.length <= 12;
    // Layers are built first and added once the view is set: Leaflet cannot clip vector
    // layers against a map that has no view yet.
    var areas = L.geoJSON(data.features, {
      style: polygonStyle,
      onEachFeature: function (feature, layer) {
        var p = feature.properties || {};
        var label = p.name || "";
        if (p.households !== undefined) label += "（" + p.households + " 户）";
        // With few areas every one is named (a phone has no hover); with many, on hover only.
        if (label) {
          layer.bindTooltip(label, fewAreas ? { permanent: true, direction: "center", className: "sz-map-label" }
                                            : { sticky: true });
        }
        if (link && p.code) {
          layer.on("click", function () { window.location.href = link.replace("CODE", p.code); });
        }
      }
    });
    var markers = (data.markers || []).map(function (m) {
      return L.circleMarker([m.lat, m.lng], {
        radius: 6, color: "#fff", weight: 2, fillColor: "#1565c0", fillOpacity: 1
      }).bindTooltip(m.label || m.name, {
        // Name every building while there are few; beyond that the labels would cover the map.
        permanent: data.markers.length <= 12, direction: "top", offset: [0, -6], className: "sz-map-label"
      });
    });
    var bounds = areas.getBounds();
    markers.forEach(function (m) {
      bounds = bounds.isValid() ? bounds.extend(m.getLatLng()) : L.latLngBounds([m.getLatLng()]);
    });
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24] });
    } else {
      map.setView([35, 105], 4);
    }
    areas.addTo(map);
    markers.forEach(function (m) { m.addTo(map); });
    window.addEventListener("resize", function () { map.invalidateSize(); });
  }

  function drawChart(el) {
    var data = readJSON(el.dataset.source);
    if (!data || !window.echarts) return;
    var horizontal = el.dataset.szChart === "hbar";
    var chart = echarts.init(el, null, { renderer: "svg" });
    var categoryAxis = {
      type: "category", data: data.labels, axisTick: { show: false },
      axisLabel: { color: "#555", interval: 0, fontSize: 12 }
    };
    var valueAxis = { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eee" } } };
    if (horizontal) categoryAxis.inverse = true;
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 28, top: horizontal ? 8 : 24, bottom: 8, containLabel: true },
      // richText: drawn by the chart itself; the HTML tooltip writes style attributes the CSP refuses.
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: [{
        type: "bar",
        barMaxWidth: horizontal ? 18 : 56,
        data: data.values.map(function (v, i) {
          return { value: v, itemStyle: { color: (data.colors || [])[i] || "#b71c1c", borderRadius: 3 } };
        }),
        label: { show: true, position: horizontal ? "right" : "top", color: "#333" }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function each(root, selector, draw) {
    root.querySelectorAll(selector).forEach(function (el) {
      if (el.dataset.szReady) return;
      el.dataset.szReady = "1";
      try { draw(el); } catch (err) { console.error(err); }  // one broken widget must not blank the rest
    });
  }

  function init(root) {
    each(root, "[data-sz-map]", drawMap);
    each(root, "[data-sz-chart]", drawChart);
  }

  init(document);
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();
