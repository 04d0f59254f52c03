/* Comparison page: what a version adds (green), removes (red) and changes
   (orange: the area where the geometries differ), from the page's GeoJSON. */
(function () {
  "use strict";
  var element = document.getElementById("compare-map");
  if (!element || !window.L) { return; }
  var colours = { added: "#2e7d32", removed: "#c62828", changed: "#e07b00" };
  var data = JSON.parse(document.getElementById("differences-data").textContent);
  var map = L.map(element);
  var layer = L.geoJSON(data, {
    style: function (feature) {
      var colour = colours[feature.properties.change] || "#0b5cad";
      return { color: colour, weight: 2, fillColor: colour, fillOpacity: 0.35 };
    },
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 6 });
    },
    onEachFeature: function (feature, item) {
      var node = document.createElement("span");
      node.textContent = feature.properties.key;
      item.bindTooltip(node);
    }
  }).addTo(map);
  if (layer.getBounds().isValid()) {
    map.fitBounds(layer.getBounds(), { padding: [12, 12] });
  } else {
    map.setView([33.95, -6.85], 10);
  }
  element.dataset.features = String(data.features.length);
}());
