/* Version page: the version's features, the current version's beside them, and
   the problems of the report (overlaps, gaps, invalid or outside features). */
(function () {
  "use strict";
  var element = document.getElementById("version-map");
  if (!element || !window.L) { return; }
  var map = L.map(element);
  var bounds = L.latLngBounds([]);
  var problems = JSON.parse(document.getElementById("problems-data").textContent);

  function popup(feature, layer) {
    var p = feature.properties || {};
    var text = p.message || [p.code, p.label].filter(Boolean).join(" — ");
    if (text) {
      var node = document.createElement("span");
      node.textContent = text;
      layer.bindPopup(node);
    }
  }

  function add(url, style) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var layer = L.geoJSON(data, {
          style: style, onEachFeature: popup,
          pointToLayer: function (f, latlng) { return L.circleMarker(latlng, style); }
        }).addTo(map);
        if (layer.getBounds().isValid()) { bounds.extend(layer.getBounds()); }
        return layer;
      });
  }

  var loads = [];
  if (element.dataset.currentUrl) {
    loads.push(add(element.dataset.currentUrl,
      { color: "#7a7f87", weight: 1, dashArray: "4 3", fillOpacity: 0.05 }));
  }
  loads.push(add(element.dataset.draftUrl, { color: "#0b5cad", weight: 1, fillOpacity: 0.15 }));
  Promise.all(loads).then(function () {
    var problemLayer = L.geoJSON(problems, {
      style: { color: "#c62828", weight: 2, fillOpacity: 0.5 },
      onEachFeature: popup,
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 7, color: "#c62828", fillOpacity: 0.7 });
      }
    }).addTo(map);
    if (problemLayer.getBounds().isValid()) { bounds.extend(problemLayer.getBounds()); }
    if (bounds.isValid()) { map.fitBounds(bounds); } else { map.setView([33.95, -6.85], 10); }
  });
}());
