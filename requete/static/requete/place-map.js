/* A request's page: its place (outlined) over the zones in force around it,
   each zone named by its code. The data is the page's JSON block. */
(function () {
  "use strict";
  var element = document.getElementById("place-map");
  var data = document.getElementById("place-map-data");
  if (!element || !data || !window.L) { return; }
  var map = L.map(element, { scrollWheelZoom: false });
  var zones = L.geoJSON(JSON.parse(data.textContent), {
    style: function (feature) {
      return feature.properties.role === "place"
        ? { color: "#b3261e", weight: 3, fillOpacity: 0.1 }
        : { color: "#0b5cad", weight: 1, fillOpacity: 0.08 };
    },
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 7, color: "#b3261e", fillOpacity: 0.6 });
    },
    onEachFeature: function (feature, layer) {
      if (feature.properties.code) {
        layer.bindTooltip(feature.properties.code, { permanent: true, direction: "center" });
      }
    }
  }).addTo(map);
  var place = zones.getLayers().filter(function (layer) {
    return layer.feature.properties.role === "place";
  })[0];
  var bounds = place.getBounds ? place.getBounds() : L.latLngBounds([place.getLatLng()]);
  map.fitBounds(bounds.pad(1.5), { maxZoom: 18 });
}());
