/* The document form's perimeter: a small drawing tool on the bundled Leaflet.
   "Draw a polygon" starts a ring, each click on the map adds a corner,
   "Finish the polygon" closes it (three corners at least); the perimeter is
   every finished polygon, written as a GeoJSON MultiPolygon into the form's
   perimeter field (the server checks it). The agency's territory is drawn
   beneath for bearings. Texts come from the page (translated there). */
(function () {
  "use strict";
  var element = document.getElementById("perimeter-map");
  var field = document.querySelector(".perimeter-geojson");
  if (!element || !field || !window.L) { return; }
  var status = document.getElementById("draw-status");
  var button = function (name) { return document.querySelector("[data-draw='" + name + "']"); };
  var map = L.map(element, { doubleClickZoom: false });
  var territories = JSON.parse(document.getElementById("territories-data").textContent);
  var ground = L.geoJSON(territories, {
    style: { color: "#7a7f87", weight: 1, dashArray: "4 3", fillOpacity: 0.04 },
    interactive: false
  });
  var drawn = L.featureGroup();
  var polygons = [];   // finished rings, each [[lng, lat], …] closed
  var corners = null;  // the ring being drawn, as LatLngs
  var sketch = L.polyline([], { color: "#0b5cad", dashArray: "6 4", interactive: false });

  function read() {
    var text = field.value.trim();
    if (!text) { return; }
    try {
      var geometry = JSON.parse(text);
      var parts = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
      parts.forEach(function (rings) { polygons.push(rings[0]); });
    } catch (error) {
      polygons = [];  // the server says what is wrong with it
    }
  }

  function write() {
    field.value = polygons.length ? JSON.stringify({
      type: "MultiPolygon",
      coordinates: polygons.map(function (ring) { return [ring]; })
    }) : "";
  }

  function render() {
    drawn.clearLayers();
    polygons.forEach(function (ring) {
      L.polygon(ring.map(function (c) { return [c[1], c[0]]; }),
        { color: "#0b5cad", weight: 2, fillOpacity: 0.2, interactive: false }).addTo(drawn);
    });
    sketch.setLatLngs(corners || []);
    button("finish").disabled = !corners || corners.length < 3;
    button("undo").disabled = !corners || corners.length === 0;
    button("start").disabled = corners !== null;
    var state = corners ? "drawing" : (polygons.length ? "drawn" : "empty");
    status.textContent = status.dataset[state];
    element.dataset.polygons = String(polygons.length);
    element.dataset.corners = String(corners ? corners.length : 0);
  }

  button("start").addEventListener("click", function () {
    corners = [];
    element.classList.add("drawing");
    render();
  });
  button("finish").addEventListener("click", function () {
    var ring = corners.map(function (p) { return [p.lng, p.lat]; });
    ring.push(ring[0]);
    polygons.push(ring);
    corners = null;
    element.classList.remove("drawing");
    write();
    render();
  });
  button("undo").addEventListener("click", function () {
    corners.pop();
    render();
  });
  button("clear").addEventListener("click", function () {
    polygons = [];
    corners = null;
    element.classList.remove("drawing");
    write();
    render();
  });
  map.on("click", function (event) {
    if (corners === null) { return; }
    corners.push(event.latlng);
    render();
  });

  // A view first: Leaflet draws nothing on a map without one.
  read();
  var bounds = L.latLngBounds([]);
  polygons.forEach(function (ring) {
    ring.forEach(function (c) { bounds.extend([c[1], c[0]]); });
  });
  if (!bounds.isValid()) { bounds = ground.getBounds(); }
  if (bounds.isValid()) { map.fitBounds(bounds); } else { map.setView([31.8, -7.1], 5); }
  ground.addTo(map);
  drawn.addTo(map);
  sketch.addTo(map);
  render();
}());
