/* The map widgets that need no tile server (issue 13 §2).
 *
 * Every widget draws the registry's own layers (grid polygons with their names, compounds,
 * buildings) as its base, fetched from the scoped layers endpoint named by data-layers. A tile
 * layer is added only when the deployment configured one (data-tiles, data-attribution); the
 * server sends every coordinate already in the tiles' system (WGS-84 or GCJ-02) and converts the
 * picked point back, so nothing here converts.
 *
 *   [data-sz-picker]  the point picker: a click inside a drawn grid, or on a building (the point
 *                     snaps to it), fills the inputs named by data-lng / data-lat.
 *   [data-sz-cases]   a map of appeals: the points from the json_script named by data-source.
 *   [data-sz-point]   one appeal's place (data-lng, data-lat).
 */
(function () {
  "use strict";

  var COLORS = { grid: "#b71c1c", compound: "#6c757d", building: "#1565c0" };

  function $(sel) { return sel ? document.querySelector(sel) : null; }

  function newMap(el) {
    var map = L.map(el, { attributionControl: !!el.dataset.tiles, zoomSnap: 0.25, scrollWheelZoom: false, maxZoom: 19 });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    }
    window.addEventListener("resize", function () { map.invalidateSize(); });
    return map;
  }

  // Ray casting over a GeoJSON polygon's rings ([lng, lat] positions); holes count as outside.
  function inRing(lng, lat, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > lat) !== (yj > lat) && lng < (xj - xi) * (lat - yi) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  function inGeometry(lng, lat, g) {
    var polys = g.type === "Polygon" ? [g.coordinates] : g.type === "MultiPolygon" ? g.coordinates : [];
    return polys.some(function (rings) {
      return inRing(lng, lat, rings[0]) && !rings.slice(1).some(function (h) { return inRing(lng, lat, h); });
    });
  }

  // Builds the layers; calls onBuilding(feature) when a building is clicked. Resolves to
  // { grids: [features], bounds: LatLngBounds, show() }: the caller sets the view first, then
  // calls show(), because Leaflet cannot clip vector layers against a map that has no view yet.
  function drawBase(map, el, onBuilding) {
    var url = el.dataset.layers;
    var none = { grids: [], bounds: L.latLngBounds([]), show: function () {} };
    if (!url) return Promise.resolve(none);
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (data) {
        var grids = data.features.filter(function (f) { return f.properties.kind === "grid"; });
        var fewGrids = grids.length <= 12;
        var layer = L.geoJSON(data, {
          // GeoJSON's style applies to points too: each kind gets its whole style here.
          style: function (f) {
            var kind = f.properties.kind;
            if (kind === "grid") {
              return { color: COLORS.grid, weight: 2, fillColor: COLORS.grid, fillOpacity: 0.06, className: "sz-grid" };
            }
            if (kind === "building") {
              return { color: "#fff", weight: 1.5, fillColor: COLORS.building, fillOpacity: 1, className: "sz-building" };
            }
            return { color: COLORS.compound, weight: 1, dashArray: "3 3", fillOpacity: 0.04, interactive: false };
          },
          pointToLayer: function (f, at) { return L.circleMarker(at, { radius: 6 }); },
          onEachFeature: function (f, lyr) {
            var p = f.properties;
            if (p.kind === "grid") {
              // A phone has no hover: with few grids every name is shown.
              lyr.bindTooltip(p.name, fewGrids ? { permanent: true, direction: "center", className: "sz-map-label" }
                                               : { sticky: true });
            } else if (p.kind === "building") {
              lyr.bindTooltip(p.name, { direction: "top", offset: [0, -4] });
              if (onBuilding) {
                lyr.on("click", function (e) { L.DomEvent.stop(e); onBuilding(f); });
              }
            }
          }
        });
        return { grids: grids, bounds: layer.getBounds(), show: function () { layer.addTo(map); } };
      })
      .catch(function (err) { console.error(err); return none; });
  }

  function fit(map, bounds, fallback) {
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16] });
    else map.setView(fallback || [35, 105], fallback ? 16 : 4);
  }

  function picker(el) {
    var lng = $(el.dataset.lng), lat = $(el.dataset.lat), label = $(el.dataset.label);
    var map = newMap(el);
    var marker = null, grids = [];
    var picked = lat.value && lng.value ? [parseFloat(lat.value), parseFloat(lng.value)] : null;

    function show(latlng, text) {
      if (marker) marker.setLatLng(latlng);
      else marker = L.circleMarker(latlng, { radius: 9, color: "#b71c1c", weight: 3, fillOpacity: 0.5 }).addTo(map);
      if (label) label.textContent = text;
    }

    function choose(lngValue, latValue, text) {
      lng.value = lngValue.toFixed(6);
      lat.value = latValue.toFixed(6);
      show([latValue, lngValue], text);
      var choice = $(el.dataset.choice);
      if (choice) choice.checked = true;
      el.dispatchEvent(new CustomEvent("sz-picked", { bubbles: true }));
      document.body.dispatchEvent(new Event("sz-place-changed"));
    }

    function gridAt(x, y) {
      for (var i = 0; i < grids.length; i++) if (inGeometry(x, y, grids[i].geometry)) return grids[i];
      return null;
    }

    drawBase(map, el, function (f) {
      var c = f.geometry.coordinates;
      choose(c[0], c[1], (el.dataset.snapped || "") + f.properties.name);
    }).then(function (base) {
      grids = base.grids;
      fit(map, base.bounds, picked);
      base.show();
      if (picked) {
        var g = gridAt(picked[1], picked[0]);
        show(picked, (g ? g.properties.name + " · " : "") + lng.value + ", " + lat.value);
      }
    });

    map.on("click", function (e) {
      var x = e.latlng.lng, y = e.latlng.lat;
      var g = gridAt(x, y);
      // With grids drawn, a point outside all of them is refused here, before anything is sent;
      // without any (no layers in this scope), the server decides.
      if (grids.length && !g) {
        if (label) label.textContent = el.dataset.outside || "";
        return;
      }
      choose(x, y, (g ? g.properties.name + " · " : "") + x.toFixed(6) + ", " + y.toFixed(6));
    });
  }

  function cases(el) {
    var map = newMap(el);
    var src = document.getElementById(el.dataset.source);
    var points = src ? JSON.parse(src.textContent) : [];
    drawBase(map, el, null).then(function (base) {
      var bounds = base.bounds;
      var markers = points.map(function (p) {
        var m = L.circleMarker([p.lat, p.lng], {
          radius: 7, color: "#fff", weight: 2, fillOpacity: 1,
          fillColor: p.alarm === "red" ? "#b71c1c" : p.alarm === "yellow" ? "#e69100" : "#2e7d32"
        });
        var box = document.createElement("div");
        var a = document.createElement("a");
        a.href = p.url; a.textContent = p.number;
        box.appendChild(a);
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(p.title + " · " + p.status + (p.left ? " · " + p.left : "")));
        m.bindPopup(box);
        bounds = bounds.isValid() ? bounds.extend(m.getLatLng()) : L.latLngBounds([m.getLatLng()]);
        return m;
      });
      fit(map, bounds, null);
      base.show();
      markers.forEach(function (m) { m.addTo(map); });
    });
  }

  function point(el) {
    var at = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
    var map = newMap(el);
    map.setView(at, 16);
    drawBase(map, el, null).then(function (base) {
      base.show();
      L.circleMarker(at, { radius: 9, color: "#b71c1c", weight: 3 }).addTo(map);
    });
  }

  function each(selector, draw) {
    document.querySelectorAll(selector).forEach(function (el) {
      if (el.dataset.szReady) return;
      el.dataset.szReady = "1";
      try { draw(el); } catch (err) { console.error(err); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) return;
    each("[data-sz-picker]", picker);
    each("[data-sz-cases]", cases);
    each("[data-sz-point]", point);
  });
})();
