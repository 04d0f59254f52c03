/* The public list of requests and a request's public page: the requests'
   places (a parcel's point, a drawn place rounded to about 100 m), each
   opening its public page. The data is the page's JSON block; a popup's
   words are set as text, never as HTML. */
(function () {
  "use strict";
  var element = document.getElementById("public-map");
  var data = document.getElementById("public-map-data");
  if (!element || !data || !window.L) { return; }
  var map = L.map(element, { scrollWheelZoom: false });
  map.attributionControl.setPrefix(false);
  // The map page's base map when one is configured (an XYZ template or a
  // WMS address with its LAYERS), else the points on a plain background.
  var url = element.dataset.basemapUrl;
  if (url) {
    var options = { attribution: element.dataset.basemapAttribution, maxZoom: 20 };
    if (!/[?&]service=wms/i.test(url)) {
      L.tileLayer(url, options).addTo(map);
    } else {
      var address = new URL(url, location.href), wms = { format: "image/png" };
      address.searchParams.forEach(function (value, key) {
        if (!/^(service|request|version|bbox|width|height|crs|srs)$/i.test(key)) {
          wms[key.toLowerCase()] = value;
        }
      });
      L.tileLayer.wms(address.origin + address.pathname, Object.assign(wms, options))
        .addTo(map);
    }
  }
  var points = L.geoJSON(JSON.parse(data.textContent), {
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, {
        radius: 7, color: "#0b5cad", weight: 2, fillColor: "#0b5cad", fillOpacity: 0.5
      });
    },
    onEachFeature: function (feature, layer) {
      var properties = feature.properties;
      var popup = document.createElement("div");
      var link = document.createElement("a");
      link.href = properties.url;
      link.textContent = properties.reference;
      link.dir = "ltr";
      var kind = document.createElement("div");
      kind.textContent = properties.kind;
      var state = document.createElement("div");
      state.textContent = properties.state;
      popup.append(link, kind, state);
      layer.bindPopup(popup);
    }
  }).addTo(map);
  map.fitBounds(points.getBounds().pad(0.5), { maxZoom: 16 });
}());
