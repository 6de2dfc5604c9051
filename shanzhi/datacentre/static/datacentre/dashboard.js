/* The data centre's dashboard (issue 10): ECharts from the json_script "dc-data", and the map of
 * the units one level down, drawn from the registry's own polygons (no tile server), coloured by
 * the chosen measure, with a legend, a hover card and drill-down by click. Every chart is also a
 * table in the page (the charts are aria-hidden), and every figure is a link to its list. */
(function () {
  "use strict";
  var dataEl = document.getElementById("dc-data");
  if (!dataEl) return;
  var data = JSON.parse(dataEl.textContent);
  var L_ = data.labels;
  var RED = "#b71c1c", BLUE = "#1565c0", GREEN = "#2e7d32", GREY = "#9e9e9e";

  function chart(id, option, onClick) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) return;
    el.textContent = "";
    var dark = document.documentElement.dataset.bsTheme === "dark";
    var c = echarts.init(el, dark ? "dark" : null, { renderer: "canvas" });
    c.setOption(Object.assign({ backgroundColor: "transparent", animation: false, grid: { left: 8, right: 12, top: 28, bottom: 8, containLabel: true } }, option));
    if (onClick) c.on("click", onClick);
    window.addEventListener("resize", function () { c.resize(); });
  }

  function go(url) { if (url) window.location.href = url; }

  chart("dc-trend-chart", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [L_.received, L_.accepted, L_.resolved] },
    xAxis: { type: "category", data: data.trend.map(function (p) { return p.label.slice(5); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: L_.received, type: "line", data: data.trend.map(function (p) { return p.received; }), color: RED },
      { name: L_.accepted, type: "line", data: data.trend.map(function (p) { return p.accepted; }), color: BLUE },
      { name: L_.resolved, type: "line", data: data.trend.map(function (p) { return p.resolved; }), color: GREEN }
    ]
  });

  chart("dc-rates-chart", {
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [L_.now, L_.previous, L_.year_earlier] },
    xAxis: { type: "category", data: data.rates.map(function (r) { return r.label; }) },
    yAxis: { type: "value", max: 100 },
    series: [
      { name: L_.now, type: "bar", data: data.rates.map(function (r) { return r.value; }), color: RED },
      { name: L_.previous, type: "bar", data: data.rates.map(function (r) { return r.previous; }), color: GREY },
      { name: L_.year_earlier, type: "bar", data: data.rates.map(function (r) { return r.year_earlier; }), color: BLUE }
    ]
  });

  var cats = data.categories.slice().reverse();
  if (cats.length) {
    chart("dc-cat-chart", {
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: [L_.now, L_.previous] },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: cats.map(function (c) { return c.name; }), axisLabel: { width: 110, overflow: "truncate" } },
      series: [
        { name: L_.now, type: "bar", data: cats.map(function (c) { return c.received; }), color: RED },
        { name: L_.previous, type: "bar", data: cats.map(function (c) { return c.previous; }), color: GREY }
      ]
    }, function (p) { go(cats[p.dataIndex] && cats[p.dataIndex].url); });
  } else {
    var ce = document.getElementById("dc-cat-chart"); if (ce) ce.remove();
  }

  var ranks = data.ranking.slice().reverse();
  if (ranks.length) {
    chart("dc-rank-chart", {
      tooltip: { trigger: "axis" },
      xAxis: { type: "value", max: 100 },
      yAxis: { type: "category", data: ranks.map(function (u) { return u.name; }), axisLabel: { width: 110, overflow: "truncate" } },
      series: [{ name: L_.composite, type: "bar", data: ranks.map(function (u) { return u.composite; }), color: RED }]
    }, function (p) { go(ranks[p.dataIndex] && ranks[p.dataIndex].url); });
  } else {
    var re = document.getElementById("dc-rank-chart"); if (re) re.remove();
  }

  var hist = data.histogram || [];
  if (hist.length && document.getElementById("dc-hist-chart")) {
    chart("dc-hist-chart", {
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: hist.map(function (b) { return b.label; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ name: L_.closed, type: "bar", data: hist.map(function (b) { return b.count; }), color: BLUE }]
    }, function (p) { go(hist[p.dataIndex] && hist[p.dataIndex].url); });
  }

  // 三率 as gauges (the big screen): one ECharts gauge per rate, "—" when there is no sample.
  var gauges = document.getElementById("dc-gauges");
  if (gauges && window.echarts) {
    data.rates.forEach(function (r, i) {
      var el = document.createElement("div");
      el.className = "sz-screen-gauge col-6 col-xl-3";
      gauges.appendChild(el);
      var c = echarts.init(el, "dark", { renderer: "canvas" });
      c.setOption({
        backgroundColor: "transparent", animation: false,
        series: [{
          type: "gauge", min: 0, max: 100, radius: "92%", center: ["50%", "55%"],
          progress: { show: true, width: 12 }, axisLine: { lineStyle: { width: 12 } },
          axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false },
          pointer: { show: false }, anchor: { show: false }, itemStyle: { color: [RED, BLUE, GREEN, "#f9a825"][i % 4] },
          title: { offsetCenter: [0, "62%"], fontSize: 14, color: "#ccc" },
          detail: { offsetCenter: [0, "0%"], fontSize: 26, fontWeight: "bold", color: "#fff", formatter: function (v) { return r.value == null ? "—" : v + "%"; } },
          data: [{ value: r.value == null ? 0 : r.value, name: r.label }]
        }]
      });
      window.addEventListener("resize", function () { c.resize(); });
    });
  }

  // --- the map ---------------------------------------------------------------------------------
  var mapEl = document.getElementById("dc-map");
  if (!mapEl || !window.L) return;
  var measureEl = document.getElementById("dc-measure");
  var map = null, layer = null, legend = null;
  // Five classes from good (light) to bad (dark red); rates run the other way.
  var SCALE = ["#fde0dd", "#fcc5c0", "#fa9fb5", "#f768a1", "#c51b8a"];

  function esc(s) { var d = document.createElement("div"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }

  function classes(values) {
    var v = values.filter(function (x) { return x != null; });
    if (!v.length) return null;
    var lo = Math.min.apply(null, v), hi = Math.max.apply(null, v);
    return { lo: lo, hi: hi, step: (hi - lo) / SCALE.length };
  }

  function colour(value, k, highIsBad) {
    if (value == null || !k) return "#eeeeee";
    if (!k.step) return SCALE[2];  // every unit alike: one colour
    var i = Math.min(SCALE.length - 1, Math.floor((value - k.lo) / k.step));
    return SCALE[highIsBad ? i : SCALE.length - 1 - i];
  }

  function card(p) {
    var v = p.values;
    function row(label, x) { return "<div>" + esc(label) + "：" + (x == null ? esc(mapEl.dataset.none) : esc(x)) + "</div>"; }
    return "<strong>" + esc(p.name) + "</strong>" +
      row(measureEl.options[0].text, v.per_1000) + row(measureEl.options[1].text, v.received) +
      row(measureEl.options[2].text, v.overdue) + row(measureEl.options[3].text, v.satisfaction_rate) +
      row(measureEl.options[4].text, v.on_time_rate) + row(mapEl.dataset.households, v.households) +
      (mapEl.dataset.hint ? "<div class='text-muted'>" + esc(mapEl.dataset.hint) + "</div>" : "");
  }

  function fillTable(features) {
    var body = document.querySelector("#dc-map-table tbody");
    if (!body) return;
    body.innerHTML = features.map(function (f) {
      var p = f.properties, v = p.values;
      function c(x) { return "<td>" + (x == null ? "—" : esc(x)) + "</td>"; }
      var name = p.url ? "<a href='" + esc(p.url) + "'>" + esc(p.name) + "</a>" : esc(p.name);
      return "<tr><th scope='row'>" + name + "</th>" + c(v.received) + c(v.per_1000) +
        c(v.overdue) + c(v.satisfaction_rate) + c(v.on_time_rate) + "</tr>";
    }).join("");
  }

  function draw(geo) {
    if (!map) {
      mapEl.textContent = "";
      map = L.map(mapEl, { attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false });
      window.addEventListener("resize", function () { map.invalidateSize(); });
    }
    if (layer) layer.remove();
    if (legend) legend.remove();
    var k = classes(geo.features.map(function (f) { return f.properties.value; }));
    layer = L.geoJSON(geo, {
      style: function (f) {
        return { color: "#555", weight: 1, fillOpacity: 0.75, fillColor: colour(f.properties.value, k, geo.high_is_bad) };
      },
      onEachFeature: function (f, l) {
        l.bindTooltip(card(f.properties), { sticky: true });
        if (f.properties.url) l.on("click", function () { go(f.properties.url); });
        l.on("mouseover", function () { l.setStyle({ weight: 3 }); });
        l.on("mouseout", function () { l.setStyle({ weight: 1 }); });
      }
    }).addTo(map);
    // Names on the map, so that a unit can be found without hovering (and clicked on a phone).
    geo.features.forEach(function (f) {
      var c = L.geoJSON(f).getBounds().getCenter();
      L.marker(c, { icon: L.divIcon({ className: "sz-dc-label", html: esc(f.properties.name), iconSize: null }), interactive: true })
        .on("click", function () { go(f.properties.url); }).addTo(layer);
      // (a big screen's features carry no url: go() does nothing)
    });
    var bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
    legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "sz-dc-legend");
      var html = "<strong>" + esc(geo.label) + "</strong>";
      if (k && !k.step) {
        html += "<div><i style-bg='" + SCALE[2] + "'></i> " + k.lo.toFixed(1) + "</div>";
      } else if (k) {
        for (var i = 0; i < SCALE.length; i++) {
          var from = k.lo + i * k.step, to = i === SCALE.length - 1 ? k.hi : k.lo + (i + 1) * k.step;
          html += "<div><i style-bg='" + colour(from, k, geo.high_is_bad) + "'></i> " + from.toFixed(1) + " – " + to.toFixed(1) + "</div>";
        }
      } else {
        html += "<div>" + esc(mapEl.dataset.none) + "</div>";
      }
      div.innerHTML = html;
      // Colours through the CSSOM (the CSP refuses style attributes).
      Array.prototype.forEach.call(div.querySelectorAll("i[style-bg]"), function (i) { i.style.background = i.getAttribute("style-bg"); });
      return div;
    };
    legend.addTo(map);
    fillTable(geo.features);
    mapEl.dataset.ready = "1";
  }

  // The points over the units: clusters of the period's appeals at grid level (titles only). Above
  // it the server sends a heat layer of cells (the rollups' grid counts spread over each grid): on
  // a dashboard an ECharts heatmap of its own (drawHeat), on the big screen shaded cells on the map.
  var pointsLayer = null, lastGeo = null, pointsAsked = false;
  var heatEl = document.getElementById("dc-heat");
  function drawPoints(res) {
    if (!map || !res || !res.points) return;
    if (res.kind === "heat" && heatEl) { drawHeat(res); return; }
    if (pointsLayer) pointsLayer.remove();
    pointsLayer = L.layerGroup();
    var max = Math.max.apply(null, res.points.map(function (p) { return p.count; }).concat([1]));
    var half = (res.size || 0) / 2;
    res.points.forEach(function (p) {
      var share = p.count / max;
      if (res.kind === "heat") {
        L.rectangle([[p.lat - half, p.lng - half], [p.lat + half, p.lng + half]], {
          stroke: false, fillColor: "#ff6f00", fillOpacity: 0.2 + 0.6 * share,
          interactive: false  // the unit under it keeps its hover card and its drill-down
        }).addTo(pointsLayer);
        return;
      }
      var titles = p.titles.map(esc).join("<br>") + (p.count > p.titles.length ? "<br>…" : "");
      L.marker([p.lat, p.lng], {
        icon: L.divIcon({ className: "sz-dc-cluster", html: String(p.count), iconSize: [26 + Math.round(14 * Math.sqrt(share)), 26 + Math.round(14 * Math.sqrt(share))] }),
        keyboard: false
      }).bindTooltip(titles).addTo(pointsLayer);
    });
    pointsLayer.addTo(map);
  }

  // The heat map: the units' outlines (the map layer already fetched) as an ECharts geo, the cells
  // as a heatmap series over it, the legend a continuous visual map. No tiles.
  function drawHeat(res) {
    if (!window.echarts || !lastGeo) return;
    heatEl.textContent = "";
    var d = heatEl.dataset, name = "sz-dc-heat";
    echarts.registerMap(name, { type: "FeatureCollection", features: lastGeo.features });
    var lats = res.cells.map(function (c) { return c[1]; });
    var mid = lats.length ? (Math.min.apply(null, lats) + Math.max.apply(null, lats)) / 2 : 35;
    var dark = document.documentElement.dataset.bsTheme === "dark";
    var c = echarts.init(heatEl, dark ? "dark" : null, { renderer: "canvas" });
    // Appeals per km² (the cells carry counts: they sum to the total, whatever their size).
    var km2 = res.km2 || 1, max = (res.max || 1) / km2, round = function (v) { return v >= 10 ? Math.round(v) : +v.toFixed(1); };
    var data = res.cells.map(function (cell) { return [cell[0], cell[1], cell[2] / km2]; });
    c.setOption({
      backgroundColor: "transparent", animation: false,
      // layoutCenter/layoutSize keep the aspect (a top/bottom/left/right box would stretch the map).
      geo: { map: name, roam: false, aspectScale: Math.cos(mid * Math.PI / 180), layoutCenter: ["50%", "45%"], layoutSize: "84%",
             silent: true, label: { show: false }, itemStyle: { areaColor: dark ? "#222" : "#f5f5f5", borderColor: "#999" } },
      visualMap: { type: "continuous", min: 0, max: max, calculable: false, orient: "horizontal", left: "center", bottom: 4,
                   itemWidth: 12, itemHeight: 160, text: [d.more + " " + round(max), d.less + " 0"],
                   inRange: { color: ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"] } },
      series: [{ type: "heatmap", coordinateSystem: "geo", data: data, pointSize: 8, blurSize: 12 }]
    });
    // A cell's side in pixels at this size of the chart: the heat then covers the cells it stands for.
    function fit() {
      if (!res.cells.length || !res.size) return;
      var a = c.convertToPixel({ geoIndex: 0 }, [res.cells[0][0], res.cells[0][1]]);
      var b = c.convertToPixel({ geoIndex: 0 }, [res.cells[0][0] + res.size, res.cells[0][1]]);
      var px = Math.max(2, Math.abs(b[0] - a[0]));
      c.setOption({ series: [{ pointSize: Math.ceil(px * 0.7), blurSize: Math.ceil(px * 1.1) }] });
    }
    fit();
    window.addEventListener("resize", function () { c.resize(); fit(); });
    var text = document.getElementById("dc-heat-text");
    if (text) {
      text.textContent = res.cells.length ? d.summary.replace("{total}", res.total)
        .replace("{max}", round(max)) : d.none;
    }
    heatEl.dataset.ready = "1";
  }
  function loadPoints() {
    if (!mapEl.dataset.points) return;
    fetch(mapEl.dataset.points, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(drawPoints);
  }

  function load() {
    var url = mapEl.dataset.layers + "&measure=" + encodeURIComponent(measureEl.value);
    mapEl.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { features: [] }; })
      .then(function (geo) { lastGeo = geo; draw(geo); mapEl.removeAttribute("aria-busy"); if (!pointsAsked) { pointsAsked = true; loadPoints(); } else if (pointsLayer) { pointsLayer.remove(); pointsLayer.addTo(map); } });
  }
  measureEl.addEventListener("change", load);
  load();
})();
