/* Zone codes over the zoning, so that a zone is told by its code and not by
 * its colour alone (WCAG 2.1, 1.4.1).
 *
 * A zoning tile layer (mvt.js, option `codes`: the palette's ink and halo,
 * layers/styles.py) gets a companion grid of transparent canvases in the
 * "codes" pane: the zoning is laid translucent as a whole layer, its codes must
 * not be. Each zoning tile, once drawn (mvt.js's "tiledrawn" event carries its
 * decoded features), writes the code of each zone it shows on the companion
 * tile, from CODES_MIN_ZOOM: at the most central spot of the zone's part of the
 * tile where the code fits whole inside the zone and the tile, clear of the
 * codes already written there. Codes never cross a tile's edge, so they never
 * meet those of the next tile, and a large zone shows its code in every tile
 * (256 px) of it: wherever it is in view, it says what it is. The codes written
 * on a tile are listed in its `data-codes` (JSON: each code, the centre and
 * size of its box in tile pixels), which the browser tests read. */
(function () {
  "use strict";

  // From where parcels are drawn (tiles/catalog.py): the scale of choosing a plot.
  var CODES_MIN_ZOOM = 15;
  var FONT = "bold 12px system-ui, sans-serif";
  var HALF_HEIGHT = 8; // half the code's box, its halo included (pixels)
  var PAD = 3; // room around a code, and between a code and a tile's edge
  var STEP = 8; // spacing of the spots tried (pixels)

  // The zone on a grid of STEP-pixel cells over the tile: each cell its
  // distance (in cells) to the nearest cell outside the zone or the tile, 0
  // outside. Rows are filled between their crossings of the rings (even-odd,
  // as the zoning is filled), then two chessboard distance passes: a few
  // milliseconds a tile, however many vertices its zones have.
  function clearance(rings, size) {
    var n = Math.floor(size / STEP), cells = new Uint16Array(n * n), crossings = [];
    for (var row = 0; row < n; row++) crossings.push([]);
    // Each edge meets the rows whose centre line lies in [its lower y, upper y).
    eachSegment(rings, function (x0, y0, x1, y1) {
      var top = Math.max(0, Math.ceil(Math.min(y0, y1) / STEP - 0.5));
      var end = Math.min(n, Math.ceil(Math.max(y0, y1) / STEP - 0.5));
      for (var r = top; r < end; r++) {
        var y = (r + 0.5) * STEP;
        crossings[r].push(x0 + (y - y0) * (x1 - x0) / (y1 - y0));
      }
    });
    for (row = 0; row < n; row++) {
      var xs = crossings[row].sort(function (a, b) { return a - b; });
      for (var k = 0; k + 1 < xs.length; k += 2) {
        var first = Math.max(0, Math.ceil(xs[k] / STEP - 0.5));
        var last = Math.min(n - 1, Math.floor(xs[k + 1] / STEP - 0.5));
        for (var column = first; column <= last; column++) cells[row * n + column] = 1;
      }
    }
    function at(r, c) { return r < 0 || c < 0 || r >= n || c >= n ? 0 : cells[r * n + c]; }
    for (var r = 0; r < n; r++) {
      for (var c = 0; c < n; c++) {
        if (cells[r * n + c]) {
          cells[r * n + c] = 1 + Math.min(at(r - 1, c - 1), at(r - 1, c), at(r - 1, c + 1), at(r, c - 1));
        }
      }
    }
    for (r = n - 1; r >= 0; r--) {
      for (c = n - 1; c >= 0; c--) {
        if (cells[r * n + c]) {
          cells[r * n + c] = Math.min(cells[r * n + c],
            1 + Math.min(at(r + 1, c + 1), at(r + 1, c), at(r + 1, c - 1), at(r, c + 1)));
        }
      }
    }
    return { n: n, cells: cells };
  }

  // Whether the segment crosses the box (Liang–Barsky clipping).
  function crosses(box, x0, y0, x1, y1) {
    var t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
    var sides = [[-dx, x0 - box.x0], [dx, box.x1 - x0], [-dy, y0 - box.y0], [dy, box.y1 - y0]];
    for (var k = 0; k < 4; k++) {
      var p = sides[k][0], q = sides[k][1];
      if (p === 0) {
        if (q < 0) return false;
      } else {
        var r = q / p;
        if (p < 0) t0 = Math.max(t0, r);
        else t1 = Math.min(t1, r);
        if (t0 > t1) return false;
      }
    }
    return true;
  }

  function eachSegment(rings, handle) {
    rings.forEach(function (ring) {
      for (var i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
        handle(ring[j], ring[j + 1], ring[i], ring[i + 1]);
      }
    });
  }

  function overlaps(a, b) {
    return a.x0 < b.x1 + PAD && b.x0 < a.x1 + PAD && a.y0 < b.y1 + PAD && b.y0 < a.y1 + PAD;
  }

  // The most central spot of the zone (by its cells' clearance) where a box
  // of half sizes (hw, hh) fits inside it and the tile, clear of `taken`; null
  // when none of the TRIES most central spots will do.
  var TRIES = 24;
  function place(rings, size, hw, hh, taken) {
    var grid = clearance(rings, size), n = grid.n, spots = [];
    for (var index = 0; index < n * n; index++) {
      if (grid.cells[index] * STEP >= hh) spots.push(index);
    }
    spots.sort(function (a, b) { return grid.cells[b] - grid.cells[a]; });
    for (var s = 0; s < Math.min(spots.length, TRIES); s++) {
      var x = (spots[s] % n + 0.5) * STEP, y = (Math.floor(spots[s] / n) + 0.5) * STEP;
      x = Math.min(Math.max(x, hw + PAD), size - hw - PAD);
      y = Math.min(Math.max(y, hh + PAD), size - hh - PAD);
      var box = { x0: x - hw, y0: y - hh, x1: x + hw, y1: y + hh };
      if (taken.some(function (other) { return overlaps(box, other); })) continue;
      var clear = true;
      eachSegment(rings, function (x0, y0, x1, y1) {
        if (clear && crosses(box, x0, y0, x1, y1)) clear = false;
      });
      // Clear of every edge, and the cell centre under it inside: the whole
      // box is inside.
      if (clear && insideAt(grid, x, y)) return box;
    }
    return null;
  }

  function insideAt(grid, x, y) {
    var column = Math.min(grid.n - 1, Math.floor(x / STEP));
    var row = Math.min(grid.n - 1, Math.floor(y / STEP));
    return grid.cells[row * grid.n + column] > 0;
  }

  function scaled(rings, scale) {
    return rings.map(function (ring) {
      return ring.map(function (value) { return value * scale; });
    });
  }

  function drawCodes(tile, layers, size, colours) {
    var ratio = tile.width / size, context = tile.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, size, size);
    context.font = FONT;
    context.textAlign = "center";
    context.textBaseline = "middle";
    // Codes (R+4, UA1…) read left to right on Arabic pages too.
    context.direction = "ltr";
    context.lineJoin = "round";
    context.lineWidth = 3;
    var taken = [], written = [];
    Object.keys(layers).forEach(function (name) {
      var layer = layers[name], scale = size / layer.extent;
      layer.features.forEach(function (feature) {
        var code = feature.properties.code;
        if (feature.type !== 3 || !code) return;
        var hw = context.measureText(code).width / 2 + 2;
        var box = place(scaled(feature.rings, scale), size, hw, HALF_HEIGHT, taken);
        if (!box) return;
        taken.push(box);
        var x = (box.x0 + box.x1) / 2, y = (box.y0 + box.y1) / 2;
        context.globalAlpha = colours.halo_opacity;
        context.strokeStyle = colours.halo;
        context.strokeText(code, x, y);
        context.globalAlpha = 1;
        context.fillStyle = colours.ink;
        context.fillText(code, x, y);
        written.push({ code: code, x: x, y: y, width: box.x1 - box.x0, height: box.y1 - box.y0 });
      });
    });
    tile.dataset.codes = JSON.stringify(written);
  }

  var ZoneCodes = L.GridLayer.extend({
    options: { pane: "codes", updateWhenZooming: false, keepBuffer: 1 },

    initialize: function (colours, options) {
      this._colours = colours;
      this._decoded = {};
      L.GridLayer.prototype.initialize.call(this, options);
    },

    createTile: function (coords) {
      var tile = L.DomUtil.create("canvas", "zone-codes-tile");
      var size = this.getTileSize(), ratio = window.devicePixelRatio || 1;
      tile.width = size.x * ratio;
      tile.height = size.y * ratio;
      tile.setAttribute("role", "presentation");
      var layers = this._decoded[this._tileCoordsToKey(coords)];
      if (layers) drawCodes(tile, layers, size.x, this._colours);
      return tile;
    },

    // A zoning tile was drawn: its codes go on the tile of the same place,
    // now if that tile exists, or when it is made.
    zoningDrawn: function (event) {
      var key = this._tileCoordsToKey(event.coords);
      this._decoded[key] = event.layers;
      var tile = this._tiles && this._tiles[key];
      if (tile) drawCodes(tile.el, event.layers, this.getTileSize().x, this._colours);
    },

    zoningUnloaded: function (event) {
      delete this._decoded[this._tileCoordsToKey(event.coords)];
    },
  });

  L.MvtLayer.addInitHook(function () {
    if (!this.options.codes) return;
    var options = this.options;
    var codes = new ZoneCodes(options.codes, {
      minZoom: Math.max(options.minZoom || 0, CODES_MIN_ZOOM),
      maxZoom: options.maxZoom,
      maxNativeZoom: options.maxNativeZoom,
      bounds: options.bounds,
    });
    this.on("tiledrawn", codes.zoningDrawn, codes);
    this.on("tileunload", codes.zoningUnloaded, codes);
    this.on("add", function (event) { event.target._map.addLayer(codes); });
    this.on("remove", function (event) { event.target._map.removeLayer(codes); });
  });
})();
