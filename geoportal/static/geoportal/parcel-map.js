/* The parcel's page: the parcel (red outline) over the zones in force around
   it, each zone named by its code, from the page's JSON block; and the print
   button, which needs this script (the browser's own printing works without). */
(function () {
  "use strict";
  var print = document.getElementById("parcel-print");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  var element = document.getElementById("parcel-map");
  var data = document.getElementById("parcel-map-data");
  if (!element || !data || !window.L) { return; }
  var map = L.map(element, { scrollWheelZoom: false, zoomSnap: 0.25 });
  var layers = L.geoJSON(JSON.parse(data.textContent), {
    style: function (feature) {
      return feature.properties.role === "parcel"
        ? { color: "#b3261e", weight: 3, fillOpacity: 0.08 }
        : { color: "#0b5cad", weight: 1, fillOpacity: 0.08 };
    },
    onEachFeature: function (feature, layer) {
      if (feature.properties.code) {
        layer.bindTooltip(feature.properties.code, { permanent: true, direction: "center",
                                                     className: "zone-code" });
      }
    }
  }).addTo(map);
  var parcel = layers.getLayers().filter(function (layer) {
    return layer.feature.properties.role === "parcel";
  })[0];
  parcel.bringToFront();
  map.fitBounds(parcel.getBounds().pad(1), { maxZoom: 19 });
  document.body.dataset.parcelMapReady = "true";
}());
