/* spreiding map renderer: draws a payload built by spreiding.maps.map_payload on Leaflet.
 * Only local assets. Names in the payload are HTML-escaped by Python. */
(function (global) {
  "use strict";
  var state = { map: null, layers: null, tiles: null, fitted: "", plain: false };

  function plainBackground(map, note) {
    if (state.plain) { return; }
    state.plain = true;
    if (state.tiles) { map.removeLayer(state.tiles); state.tiles = null; }
    map.getContainer().style.background = "#f4f1ea";
    if (note) { note.style.display = "block"; }
  }

  function legendControl(payload) {
    var ctl = L.control({ position: "bottomright" });
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", "spreiding-legend");
      div.style.cssText = "background:rgba(255,255,255,0.92);padding:4px 6px;font:11px sans-serif;opacity:0.9;" +
        "line-height:13px;border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,0.3);max-width:170px";
      var html = "<b>" + payload.legend_title + "</b><br>";
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
        "geen achtergrondkaart bereikbaar</div>";
      div.innerHTML = html;
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    return ctl;
  }

  function draw(map, payload, onEvent) {
    if (state.layers) { map.removeLayer(state.layers); }
    var group = L.layerGroup();
    var c = payload.cells;
    for (var i = 0; i < c.s.length; i++) {
      var rect = L.rectangle([[c.s[i], c.w[i]], [c.n[i], c.e[i]]], {
        stroke: false, fillColor: c.c[i], fillOpacity: 0.6, className: "spreiding-cell"
      });
      rect.bindTooltip((c.km[i] < 0 ? "niet bereikbaar" : c.km[i] + " km") + " · " + c.pop[i] + " inw." +
        (c.cov[i] ? " · binnen de norm" : " · buiten de norm"));
      group.addLayer(rect);
    }
    payload.outlines.forEach(function (line) {
      group.addLayer(L.polyline(line, { color: "#333", weight: 1, opacity: 0.7, interactive: false }));
    });
    payload.facilities.forEach(function (f) {
      var m = L.circleMarker([f.lat, f.lon], {
        radius: f.r + (f.selected ? 4 : 0), color: f.selected ? "#ffd400" : "#ffffff",
        weight: f.selected ? 4 : 1.5, fillColor: f.color, fillOpacity: f.counted ? 0.95 : 0.35,
        className: "spreiding-facility"
      });
      m.bindPopup("<b>" + f.name + "</b><br>" + f.kind + ", " + f.status + "<br><small>" + f.id + "</small>");
      m.on("click", function (ev) {
        L.DomEvent.stopPropagation(ev);
        if (onEvent) { onEvent({ type: "select", id: f.id }); }
      });
      group.addLayer(m);
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

  function render(el, payload, onEvent, fitKey) {
    var map = state.map;
    if (!map) {
      map = L.map(el, { zoomControl: true, attributionControl: true });
      state.map = map;
      map.attributionControl.setPrefix(false);
      map.attributionControl.addAttribution(payload.credit);
      L.control.scale({ metric: true, imperial: false, position: "bottomleft" }).addTo(map);
      legendControl(payload).addTo(map);
      var note = el.querySelector(".spreiding-plain-note");
      if (payload.tiles) {
        var loaded = 0;
        state.tiles = L.tileLayer(payload.tiles, { maxZoom: 18, attribution: "" });
        state.tiles.on("tileload", function () { loaded += 1; });
        state.tiles.on("tileerror", function () { if (loaded === 0) { plainBackground(map, note); } });
        state.tiles.addTo(map);
        setTimeout(function () { if (loaded === 0) { plainBackground(map, note); } }, 4000);
      } else {
        plainBackground(map, note);
      }
      if (onEvent) {
        map.on("click", function (ev) { onEvent({ type: "click", lat: ev.latlng.lat, lon: ev.latlng.lng }); });
      }
    }
    var key = fitKey === undefined ? "" : String(fitKey);
    if (state.fitted === "" || state.fitted !== "k:" + key) {
      map.fitBounds(payload.bounds);
      state.fitted = "k:" + key;
    }
    draw(map, payload, onEvent);
    return map;
  }

  global.SpreidingMap = { render: render };
})(window);
