/* Bearings on the map: the names of streets, neighbourhoods and landmarks
 * (reference layers) drawn over their tiles, in the page's language (the
 * other one when a feature has no name in it).
 *
 * A tile layer whose style says `labels` ("line", "area" or "point", from
 * tiles/style.py) gets its names drawn on each tile once the tile is drawn
 * (mvt.js's "tiledrawn" event carries the decoded layers and the canvas):
 * a street's name along its longest straight stretch in the tile, when it
 * fits inside the tile; a neighbourhood's once, at its label point (the
 * tile's anchor_x/anchor_y, Web Mercator metres), in the tile holding it; a
 * landmark's beside its point. The names drawn on a tile are listed in its
 * `data-labels` (one per line), which the browser tests read. */
(function () {
  "use strict";

  var arabic = (document.documentElement.lang || "fr").indexOf("ar") === 0;
  var FONTS = {
    line: "600 11px system-ui, sans-serif",
    area: "bold 15px system-ui, sans-serif",
    point: "12px system-ui, sans-serif",
  };
  // Neighbourhoods a shade darker than their outline (layers/styles.py), streets and
  // landmarks in dark ink.
  var INK = { line: "#3d3a33", area: "#3f3769", point: "#2b2d42" };

  function nameOf(properties) {
    var fr = properties.label_fr || "", ar = properties.label_ar || "";
    return arabic ? ar || fr : fr || ar;
  }

  // The longest straight stretch of a feature's lines, in tile pixels.
  function longestStretch(rings, scale) {
    var best = null;
    rings.forEach(function (ring) {
      for (var i = 2; i < ring.length; i += 2) {
        var x0 = ring[i - 2] * scale, y0 = ring[i - 1] * scale;
        var x1 = ring[i] * scale, y1 = ring[i + 1] * scale;
        var length = Math.hypot(x1 - x0, y1 - y0);
        if (!best || length > best.length) {
          best = { x0: x0, y0: y0, x1: x1, y1: y1, length: length };
        }
      }
    });
    return best;
  }

  // An area's label point (Web Mercator metres) in the pixels of tile coords.
  var HALF_WORLD = 20037508.342789244;
  function areaAnchor(properties, coords, size) {
    if (properties.anchor_x === undefined) return null;
    var span = 2 * HALF_WORLD / Math.pow(2, coords.z);
    return {
      x: (properties.anchor_x + HALF_WORLD - coords.x * span) / span * size,
      y: (HALF_WORLD - properties.anchor_y - coords.y * span) / span * size,
    };
  }

  function inside(x, y, size) {
    return x >= 0 && x <= size && y >= 0 && y <= size;
  }

  function drawText(context, name, x, y, angle, placement) {
    context.save();
    context.translate(x, y);
    context.rotate(angle);
    context.font = FONTS[placement];
    context.textAlign = placement === "point" ? "start" : "center";
    context.textBaseline = "middle";
    context.direction = arabic ? "rtl" : "ltr";
    context.lineJoin = "round";
    context.lineWidth = placement === "area" ? 4 : 3;
    context.strokeStyle = "rgba(255, 255, 255, 0.9)";
    var dx = placement === "point" ? 6 : 0;
    context.strokeText(name, dx, 0);
    context.fillStyle = INK[placement];
    context.fillText(name, dx, 0);
    context.restore();
  }

  function drawLabels(event) {
    var placement = this.options.labels, tile = event.tile;
    var context = tile.getContext("2d"), size = this.getTileSize().x;
    var drawn = [];
    context.font = FONTS[placement];
    Object.keys(event.layers).forEach(function (layerName) {
      var layer = event.layers[layerName], scale = size / layer.extent;
      layer.features.forEach(function (feature) {
        var name = nameOf(feature.properties);
        if (!name) return;
        var width = context.measureText(name).width;
        if (placement === "line" && feature.type === 2) {
          var stretch = longestStretch(feature.rings, scale);
          if (!stretch || stretch.length < width + 16) return;
          var midX = (stretch.x0 + stretch.x1) / 2, midY = (stretch.y0 + stretch.y1) / 2;
          var angle = Math.atan2(stretch.y1 - stretch.y0, stretch.x1 - stretch.x0);
          // The whole name inside the tile: its neighbour cannot draw the rest.
          var reachX = Math.abs(Math.cos(angle)) * (width / 2 + 3) + 6;
          var reachY = Math.abs(Math.sin(angle)) * (width / 2 + 3) + 6;
          if (!inside(midX - reachX, midY - reachY, size)
              || !inside(midX + reachX, midY + reachY, size)) return;
          // Upright: never upside down.
          if (angle > Math.PI / 2) angle -= Math.PI;
          if (angle < -Math.PI / 2) angle += Math.PI;
          drawText(context, name, midX, midY, angle, placement);
        } else if (placement === "area" && feature.type === 3) {
          var anchor = areaAnchor(feature.properties, event.coords, size);
          if (!anchor || !inside(anchor.x, anchor.y, size)) return;
          // Kept whole within the tile that holds the point.
          var x = Math.min(Math.max(anchor.x, width / 2 + 4), size - width / 2 - 4);
          var y = Math.min(Math.max(anchor.y, 10), size - 10);
          drawText(context, name, x, y, 0, placement);
        } else if (placement === "point" && feature.type === 1) {
          var point = feature.rings[0];
          drawText(context, name, point[0] * scale, point[1] * scale, 0, placement);
        } else {
          return;
        }
        drawn.push(name);
      });
    });
    tile.dataset.labels = drawn.join("\n");
  }

  L.MvtLayer.addInitHook(function () {
    if (this.options.labels) this.on("tiledrawn", drawLabels);
  });
})();
