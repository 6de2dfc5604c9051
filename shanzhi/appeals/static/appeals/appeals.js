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
