/* The map (一张图): draws the layers graphsvc put in #map-data with Leaflet (vendored). No base tiles unless
   GRAPHSVC_TILE_URL is set; nothing is fetched from anywhere else. Exposes window.gsMap for checks. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var map = L.map("map", { zoomSnap: 0.25, preferCanvas: false, attributionControl: !!data.tile_url });
  if (data.tile_url) {
    L.tileLayer(data.tile_url, { maxZoom: 19, attribution: "底图" }).addTo(map);
  }
  L.control.scale({ imperial: false, metric: true, position: "bottomleft" }).addTo(map);
  var North = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var d = L.DomUtil.create("div", "gs-north");
      d.title = "指北针：上方为北";
      d.innerHTML = '<svg width="18" height="22" viewBox="0 0 18 22" aria-hidden="true"><path d="M9 1 L16 20 L9 15 L2 20 Z" fill="#b71c1c"/></svg><br>北';
      return d;
    }
  });
  new North().addTo(map);

  function el(tag, text) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; }
  function popup(p) {
    var box = el("div"); box.className = "gs-popup";
    box.appendChild(el("b", p.name || p.id));
    var dl = el("dl");
    (p.facts || []).forEach(function (f) { dl.appendChild(el("dt", f[0])); dl.appendChild(el("dd", f[1])); });
    box.appendChild(dl);
    if (p.href) { var a = el("a", "查看详情 →"); a.href = p.href; box.appendChild(a); }
    return box;
  }
  function hover(layer, p) { if (p.label || p.name) layer.bindTooltip(p.label || p.name, { direction: "top", sticky: false }); }

  var styles = {
    communities: function () { return { color: "#8d6e63", weight: 2.2, fillColor: "#d7ccc8", fillOpacity: 0.08, className: "gs-communities" }; },
    grids: function () { return { color: "#a1887f", weight: 1, dashArray: "4 4", fill: false, className: "gs-grids" }; },
    co_construction: function (f) { return { color: f.properties.color, weight: 2, opacity: 0.75, className: "gs-co_construction" }; },
    urban_rural: function (f) { return { color: f.properties.color, weight: 2.5, opacity: 0.8, dashArray: "8 4", className: "gs-urban_rural" }; }
  };
  var points = {
    reach: function (f, ll) { return L.circle(ll, { radius: f.properties.radius, color: "#00838f", weight: 0.8, opacity: 0.55, fillOpacity: 0.025, className: "gs-reach", interactive: false }); },
    buildings: function (f, ll) { return L.circleMarker(ll, { radius: 4.5, color: "#fff", weight: 1, fillColor: f.properties.color, fillOpacity: 0.95, className: "gs-buildings" }); },
    units: function (f, ll) { return L.circleMarker(ll, { radius: 6, color: f.properties.color, weight: 2.5, fillColor: "#fff", fillOpacity: 1, className: "gs-units" }); },
    service_points: function (f, ll) { return L.circleMarker(ll, { radius: 7, color: "#fff", weight: 2, fillColor: "#00838f", fillOpacity: 1, className: "gs-service_points" }); },
    gaps: function (f, ll) {
      var n = f.properties.total, w = n > 99 ? 26 : n > 9 ? 20 : 16;
      return L.marker(ll, { icon: L.divIcon({ className: "gs-gap", html: String(n), iconSize: [w, 16], iconAnchor: [-4, 20] }), keyboard: false });
    }
  };

  var overlays = {}, groups = {}, labels = L.layerGroup();
  data.layers.forEach(function (layer) {
    var g = L.geoJSON(layer, {
      style: styles[layer.id],
      pointToLayer: points[layer.id] ? function (f, ll) { return points[layer.id](f, ll); } : undefined,
      onEachFeature: function (f, l) {
        if (layer.id !== "reach") l.bindPopup(function () { return popup(f.properties); });
        if (layer.id !== "communities" && layer.id !== "reach" && layer.id !== "gaps") hover(l, f.properties);
        if (layer.id === "communities") {
          labels.addLayer(L.tooltip({ permanent: true, direction: "center", className: "gs-label", interactive: false })
            .setLatLng(l.getBounds().getCenter()).setContent(f.properties.label));
        }
      }
    });
    groups[layer.id] = g;
    overlays[layer.zh + "（" + layer.count + "）"] = g;
    if (!data.show || data.show.indexOf(layer.id) >= 0) g.addTo(map);
  });
  overlays["社区名称"] = labels;
  if (!data.show || data.show.indexOf("communities") >= 0) labels.addTo(map);
  L.control.layers(null, overlays, { collapsed: false, position: "topright" }).addTo(map);

  /* Labels never pile up: a label that would overlap one already shown is hidden (hover shows every name). */
  function declutter() {
    var shown = [];
    document.querySelectorAll(".gs-label").forEach(function (e) {
      e.style.visibility = "visible";
      var r = e.getBoundingClientRect();
      var hit = shown.some(function (s) { return r.left < s.right && r.right > s.left && r.top < s.bottom && r.bottom > s.top; });
      if (hit) e.style.visibility = "hidden"; else shown.push(r);
    });
  }
  map.on("zoomend moveend overlayadd", declutter);

  if (data.bounds) map.fitBounds(data.bounds, { padding: [20, 20] }); else map.setView([31.79, 119.96], 13);
  declutter();

  window.gsMap = {
    map: map, groups: groups,
    counts: function () {
      var out = {};
      Object.keys(groups).forEach(function (k) { out[k] = groups[k].getLayers().length; });
      return out;
    },
    declutter: declutter
  };
  document.body.dataset.ready = "1";
})();
