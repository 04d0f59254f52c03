/* Orthophotos: the agencies' published raster base maps, offered as layers
 * the reader switches on under the plan (image tiles read from each map's
 * Cloud-Optimized GeoTIFF, /tiles/raster/…). Kept apart from map.js: it needs
 * only the map (window.geoportailMap) and its own data (#map-orthophotos). */
(function () {
  "use strict";
  var map = window.geoportailMap;
  var data = JSON.parse(document.getElementById("map-orthophotos").textContent);
  if (!map || !data.maps.length) return;
  // On the side opposite the zoom buttons, mirrored in Arabic as they are.
  var rtl = document.documentElement.dir === "rtl";
  var control = L.control({ position: rtl ? "topleft" : "topright" });

  control.onAdd = function () {
    var box = L.DomUtil.create(
      "div", "leaflet-control-layers leaflet-control-layers-expanded orthophotos");
    box.setAttribute("role", "group");
    var heading = L.DomUtil.create("strong", "", box);
    heading.id = "orthophotos-heading";
    heading.textContent = data.heading;
    box.setAttribute("aria-labelledby", heading.id);
    data.maps.forEach(function (photo) {
      var layer = L.tileLayer(photo.url, {
        bounds: L.latLngBounds(photo.bounds),
        minNativeZoom: photo.minzoom,
        maxNativeZoom: photo.maxzoom,
        maxZoom: 20,
        // Above the street base map, below the plan's panes.
        zIndex: 5,
        attribution: photo.agency,
      });
      var label = L.DomUtil.create("label", "", box);
      var input = L.DomUtil.create("input", "", label);
      input.type = "checkbox";
      input.dataset.orthophoto = photo.name;
      // Text, never markup: titles are the agencies' words.
      label.appendChild(document.createTextNode(" " + photo.title + " — " + photo.agency));
      input.addEventListener("change", function () {
        if (input.checked) layer.addTo(map);
        else map.removeLayer(layer);
      });
    });
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  };
  control.addTo(map);
})();
