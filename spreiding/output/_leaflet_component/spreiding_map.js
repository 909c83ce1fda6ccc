/* spreiding map renderer: draws a payload built by spreiding.maps.map_payload on Leaflet.
 * Only local assets. Names and ids in the payload are plain data; esc() escapes them where HTML is built. */
(function (global) {
  "use strict";
  var state = { map: null, layers: null, tiles: null, fitted: "", plain: false, legend: null, legendOpen: true,
    bounds: null, touched: false, cells: null, cellRects: [], cellSig: "", places: null, focusKey: "" };
  var PLACE_ZOOM = [0, 10, 12];  /* rank 0 (city, town) always; villages from zoom 10; hamlets from 12 */
  var LEGEND_WIDTH_PX = 150;
  var LEGEND_OPEN_MIN_PX = 480;  /* a narrower map (two side by side) starts with its legend folded away */

  function esc(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  }

  function plainBackground(map) {
    if (state.plain) { return; }
    state.plain = true;
    if (state.tiles) { map.removeLayer(state.tiles); state.tiles = null; }
    map.getContainer().style.background = "#f4f1ea";
    var note = map.getContainer().querySelector(".spreiding-plain-note");
    if (note) { note.style.display = "block"; }
  }

  function legendControl(payload) {
    /* top right: the corner outside the region at the default view; the view is fitted with the
     * legend's width as padding (see render), and a click on the title folds the legend away. */
    var ctl = L.control({ position: "topright" });
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "spreiding-legend");
      div.style.cssText = "background:rgba(255,255,255,0.92);padding:4px 6px;font:11px sans-serif;opacity:0.9;" +
        "line-height:13px;border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,0.3);max-width:" + LEGEND_WIDTH_PX + "px";
      var html = '<div class="spreiding-legend-head" style="cursor:pointer;font-weight:bold" ' +
        'title="klik om de legenda in of uit te klappen">Legenda <span class="spreiding-legend-arrow">▾</span></div>' +
        '<div class="spreiding-legend-body"><b>' + payload.legend_title + "</b><br>";
      payload.legend.forEach(function (it) {
        html += '<i style="display:inline-block;width:12px;height:12px;margin-right:5px;background:' +
          it.color + ';opacity:0.7"></i>' + it.label + "<br>";
      });
      html += "<b>Voorzieningen</b><br>";
      payload.status_legend.forEach(function (it) {
        html += '<i style="display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:5px;background:' +
          it.color + '"></i>' + it.label + "<br>";
      });
      html += '<span style="color:#555">groot = vestiging, klein = servicepunt; open rand = telt niet</span>';
      html += '<div class="spreiding-plain-note" style="display:none;color:#555;margin-top:4px">' +
        "geen achtergrondkaart bereikbaar</div></div>";
      div.innerHTML = html;
      var body = div.querySelector(".spreiding-legend-body");
      var arrow = div.querySelector(".spreiding-legend-arrow");
      function show(open) {
        state.legendOpen = open;
        body.style.display = open ? "block" : "none";
        arrow.textContent = open ? "▾" : "▸";
      }
      show(state.legendOpen);
      div.querySelector(".spreiding-legend-head").addEventListener("click", function () {
        show(body.style.display === "none");
      });
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    return ctl;
  }

  function cellTip(c, i) {
    if (c.tip) { return esc(c.tip[i]); }
    return (c.km[i] < 0 ? "niet bereikbaar" : c.km[i] + " km") + " · " + c.pop[i] + " inw." +
      (c.cov[i] ? " · binnen de norm" : " · buiten de norm") + (c.k && c.k[i] ? " · " + c.k[i] : "");
  }

  /* cells: built once per set of cells; a scenario edit only recolours them (fast for ~2,000 squares) */
  function drawCells(map, c) {
    var n = c.s.length;
    var sig = n ? [n, c.s[0], c.w[0], c.n[n - 1], c.e[n - 1]].join(":") : "0";
    if (state.cells && state.cellSig === sig) {
      for (var j = 0; j < n; j++) {
        var r = state.cellRects[j];
        r.setStyle({ fillColor: c.c[j], fillOpacity: c.c[j] === "#ffffff" ? 0 : 0.6 });
        r.setTooltipContent(cellTip(c, j));
      }
      return;
    }
    if (state.cells) { map.removeLayer(state.cells); }
    var cells = L.layerGroup();
    var rects = [];
    for (var i = 0; i < n; i++) {
      var rect = L.rectangle([[c.s[i], c.w[i]], [c.n[i], c.e[i]]], {
        stroke: false, fillColor: c.c[i], fillOpacity: c.c[i] === "#ffffff" ? 0 : 0.6, className: "spreiding-cell"
      });
      rect.bindTooltip(cellTip(c, i));
      cells.addLayer(rect);
      rects.push(rect);
    }
    cells.addTo(map);
    state.cells = cells;
    state.cellRects = rects;
    state.cellSig = sig;
  }

  function draw(map, payload, onEvent) {
    drawCells(map, payload.cells);
    if (state.layers) { map.removeLayer(state.layers); }
    var group = L.layerGroup();
    payload.outlines.forEach(function (line) {
      group.addLayer(L.polyline(line, { color: "#333", weight: 1, opacity: 0.7, interactive: false }));
    });
    var scale = map.getZoom() < 9 ? 0.7 : 1;  /* smaller markers on a small (side-by-side) map */
    payload.facilities.forEach(function (f) {
      var m = L.circleMarker([f.lat, f.lon], {
        radius: f.r * scale + (f.selected ? 4 : 0), color: f.selected ? "#ffd400" : "#ffffff",
        weight: f.selected ? 4 : 1.5, fillColor: f.color, fillOpacity: f.counted ? 0.95 : 0.35,
        className: "spreiding-facility"
      });
      var here = f.here > 1 ? "<br>" + f.here + " punten op deze plek" : "";
      m.bindTooltip("<b>" + esc(f.name) + "</b> (" + esc(f.status) + ")<br>" + esc(f.kind) + here + '<br><small style="color:#666">' + esc(f.id) + "</small>",
        { direction: "top", className: "spreiding-facility-tip" });
      m.on("click", function (ev) {
        L.DomEvent.stopPropagation(ev);
        if (onEvent) { onEvent({ type: "select", id: f.id }); }
      });
      group.addLayer(m);
      if (f.badge > 1) {  /* a count badge on the top marker of points that overlap at this zoom */
        group.addLayer(L.marker([f.lat, f.lon], { interactive: false, keyboard: false, icon: L.divIcon({
          className: "spreiding-badge", iconSize: [16, 16], iconAnchor: [-4, 18],
          html: '<span style="display:inline-block;min-width:14px;height:14px;border-radius:7px;background:#222;' +
            'color:#fff;font:bold 10px/14px sans-serif;text-align:center">' + f.badge + "</span>"
        }) }));
      }
    });
    if (payload.marker) {
      group.addLayer(L.circleMarker([payload.marker.lat, payload.marker.lon], {
        radius: 9, color: "#7b2cbf", weight: 3, fillColor: "#ffffff", fillOpacity: 0.9, dashArray: "3 3",
        className: "spreiding-pending"
      }).bindTooltip("nieuw punt"));
    }
    group.addTo(map);
    state.layers = group;
  }

  /* village and town names, offline (OSM place points); smaller places appear when zoomed in */
  function drawPlaces(map, places) {
    if (state.places) { map.removeLayer(state.places); state.places = null; }
    if (!places || !places.length) { return; }
    var layers = [L.layerGroup(), L.layerGroup(), L.layerGroup()];
    places.forEach(function (p) {
      var big = p.rank === 0;
      layers[Math.min(p.rank, 2)].addLayer(L.marker([p.lat, p.lon], { interactive: false, keyboard: false,
        icon: L.divIcon({ className: "spreiding-place", iconSize: null, iconAnchor: [0, 0],
          html: '<span style="position:relative;left:-50%;white-space:nowrap;font:' + (big ? "bold 12px" : "11px") +
            ' sans-serif;color:#3b3b3b;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff">' + esc(p.name) +
            "</span>" }) }));
    });
    var all = L.layerGroup();
    function update() {
      var z = map.getZoom();
      layers.forEach(function (layer, rank) {
        var want = z >= PLACE_ZOOM[rank];
        if (want && !all.hasLayer(layer)) { all.addLayer(layer); }
        if (!want && all.hasLayer(layer)) { all.removeLayer(layer); }
      });
    }
    update();
    if (!state.placesHooked) { map.on("zoomend", function () { if (state.placesUpdate) { state.placesUpdate(); } }); }
    state.placesHooked = true;
    state.placesUpdate = update;
    all.addTo(map);
    state.places = all;
  }

  /* fit the region with room on the right for the legend (top right), so it hides no cell */
  function fit(map) {
    if (!state.bounds) { return; }
    var legendEl = state.legend ? state.legend.getContainer() : null;
    var pad = Math.max(legendEl ? legendEl.offsetWidth : 0, LEGEND_WIDTH_PX) + 14;
    map.fitBounds(state.bounds, { paddingTopLeft: [0, 0], paddingBottomRight: [pad, 20] });  // Leaflet pads TL and BR only
  }

  function render(el, payload, onEvent, fitKey) {
    var map = state.map;
    if (!map) {
      map = L.map(el, { zoomControl: true, attributionControl: true, zoomSnap: 0.25 });  /* fits narrow maps too */
      state.map = map;
      state.legendOpen = (el.clientWidth || LEGEND_OPEN_MIN_PX) >= LEGEND_OPEN_MIN_PX;  /* narrow maps: folded */
      map.attributionControl.setPrefix(false);
      map.attributionControl.addAttribution(payload.credit);
      L.control.scale({ metric: true, imperial: false, position: "bottomleft" }).addTo(map);
      if (payload.tiles) {
        var loaded = 0;
        state.tiles = L.tileLayer(payload.tiles, { maxZoom: 18, attribution: "" });
        state.tiles.on("tileload", function () { loaded += 1; });
        state.tiles.on("tileerror", function () { if (loaded === 0) { plainBackground(map); } });
        state.tiles.addTo(map);
        setTimeout(function () { if (loaded === 0) { plainBackground(map); } }, 4000);
      } else {
        plainBackground(map);
      }
      /* until the user pans or zooms, a resize of the frame re-fits the view */
      ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (name) {
        el.addEventListener(name, function () { state.touched = true; }, { passive: true });
      });
      map.on("resize", function () { if (!state.touched) { fit(map); } });
      if (onEvent) {
        map.on("click", function (ev) { onEvent({ type: "click", lat: ev.latlng.lat, lon: ev.latlng.lng }); });
      }
    }
    if (state.legend) { map.removeControl(state.legend); }  /* the colour key follows the payload */
    state.legend = legendControl(payload).addTo(map);
    var plainNote = el.querySelector(".spreiding-plain-note");
    if (plainNote && state.plain) { plainNote.style.display = "block"; }
    var key = fitKey === undefined ? "" : String(fitKey);
    state.bounds = payload.bounds;
    if (state.fitted === "" || state.fitted !== "k:" + key) {
      state.touched = false;
      fit(map);
      state.fitted = "k:" + key;
    }
    draw(map, payload, onEvent);
    var placeSig = (payload.places || []).length;
    if (!state.places || state.placeSig !== placeSig) { drawPlaces(map, payload.places); state.placeSig = placeSig; }
    if (payload.focus && payload.focus.key !== state.focusKey) {  /* the search box centres the map once per choice */
      state.focusKey = payload.focus.key;
      state.touched = true;
      map.setView([payload.focus.lat, payload.focus.lon], payload.focus.zoom);
    }
    return map;
  }

  global.SpreidingMap = { render: render };
})(window);
