/* Mapbox Vector Tiles for Leaflet: a small protobuf reader, an MVT decoder and
 * a canvas GridLayer that draws the decoded features. Written for this portal
 * (AGPL-3.0-or-later), no dependency besides Leaflet.
 *
 * L.mvtLayer(urlTemplate, {style: function (properties, layerName) → {fill,
 * outline, opacity, width}, lineWidth, pointRadius, ...GridLayer options}) */
(function () {
  "use strict";

  var textDecoder = new TextDecoder("utf-8");

  /* --- protobuf wire format ------------------------------------------------ */
  function Reader(bytes, start, end) {
    this.bytes = bytes;
    this.pos = start || 0;
    this.end = end === undefined ? bytes.length : end;
  }
  Reader.prototype.varint = function () {
    var bytes = this.bytes, value = 0, factor = 1, b;
    do {
      b = bytes[this.pos++];
      value += (b & 0x7f) * factor;
      factor *= 128;
    } while (b >= 0x80);
    return value;
  };
  Reader.prototype.svarint = function () {
    var n = this.varint();
    return n % 2 === 1 ? (n + 1) / -2 : n / 2;
  };
  Reader.prototype.sub = function () {
    var length = this.varint(), start = this.pos;
    this.pos += length;
    return new Reader(this.bytes, start, start + length);
  };
  Reader.prototype.string = function () {
    var length = this.varint(), start = this.pos;
    this.pos += length;
    return textDecoder.decode(this.bytes.subarray(start, start + length));
  };
  Reader.prototype.packed = function () {
    var sub = this.sub(), values = [];
    while (sub.pos < sub.end) values.push(sub.varint());
    return values;
  };
  Reader.prototype.fixed = function (size) {
    var view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, size);
    this.pos += size;
    return size === 4 ? view.getFloat32(0, true) : view.getFloat64(0, true);
  };
  Reader.prototype.skip = function (wire) {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.pos += this.varint();
    else if (wire === 5) this.pos += 4;
    else throw new Error("unsupported protobuf wire type " + wire);
  };
  Reader.prototype.each = function (handle) {
    while (this.pos < this.end) {
      var key = this.varint();
      if (!handle(key >> 3, key & 7)) this.skip(key & 7);
    }
  };

  /* --- MVT (vector_tile.proto 2.1) ----------------------------------------- */
  function readValue(reader) {
    var value = null;
    reader.each(function (field, wire) {
      if (field === 1) value = reader.string();
      else if (field === 2) value = reader.fixed(4);
      else if (field === 3) value = reader.fixed(8);
      else if (field === 4 || field === 5) value = reader.varint();
      else if (field === 6) value = reader.svarint();
      else if (field === 7) value = reader.varint() !== 0;
      else return false;
      return true;
    });
    return value;
  }

  function readGeometry(commands) {
    var rings = [], ring = null, x = 0, y = 0, i = 0;
    while (i < commands.length) {
      var command = commands[i++], id = command & 7, count = command >> 3;
      if (id === 7) continue; // ClosePath: the canvas closes rings itself
      for (var k = 0; k < count; k++) {
        var c = commands[i++], d = commands[i++];
        x += (c >> 1) ^ -(c & 1);
        y += (d >> 1) ^ -(d & 1);
        if (id === 1) {
          ring = [];
          rings.push(ring);
        }
        ring.push(x, y);
      }
    }
    return rings;
  }

  function readFeature(reader, keys, values) {
    var feature = { id: null, type: 0, properties: {}, rings: [] };
    reader.each(function (field) {
      if (field === 1) feature.id = reader.varint();
      else if (field === 2) {
        var tags = reader.packed();
        for (var t = 0; t + 1 < tags.length; t += 2) {
          feature.properties[keys[tags[t]]] = values[tags[t + 1]];
        }
      } else if (field === 3) feature.type = reader.varint();
      else if (field === 4) feature.rings = readGeometry(reader.packed());
      else return false;
      return true;
    });
    return feature;
  }

  function readLayer(reader) {
    var layer = { name: "", extent: 4096, keys: [], values: [], raw: [], features: [] };
    reader.each(function (field) {
      if (field === 1) layer.name = reader.string();
      else if (field === 2) layer.raw.push(reader.sub());
      else if (field === 3) layer.keys.push(reader.string());
      else if (field === 4) layer.values.push(readValue(reader.sub()));
      else if (field === 5) layer.extent = reader.varint();
      else return false;
      return true;
    });
    // Features refer to keys and values that may come after them.
    layer.features = layer.raw.map(function (sub) {
      return readFeature(sub, layer.keys, layer.values);
    });
    delete layer.raw;
    return layer;
  }

  /** Decode MVT bytes into {layerName: {name, extent, features: [...]}}. */
  function decodeTile(buffer) {
    var reader = new Reader(new Uint8Array(buffer)), layers = {};
    reader.each(function (field) {
      if (field !== 3) return false;
      var layer = readLayer(reader.sub());
      layers[layer.name] = layer;
      return true;
    });
    return layers;
  }

  /* --- drawing -------------------------------------------------------------- */
  function tracePath(context, rings, scale, close) {
    context.beginPath();
    rings.forEach(function (ring) {
      for (var i = 0; i < ring.length; i += 2) {
        var px = ring[i] * scale, py = ring[i + 1] * scale;
        if (i === 0) context.moveTo(px, py);
        else context.lineTo(px, py);
      }
      if (close) context.closePath();
    });
  }

  function drawLayer(context, layer, size, style, options) {
    var opaque = options.opaqueFills;
    var scale = size / layer.extent;
    // Fills first, then every outline, so shared edges never show seams.
    [true, false].forEach(function (fillPass) {
      layer.features.forEach(function (feature) {
        var s = style(feature.properties, layer.name);
        if (!s) return;
        if (feature.type === 3) {
          tracePath(context, feature.rings, scale, true);
          if (fillPass && s.opacity > 0) {
            // Opaque on the canvas: the layer's own opacity makes it see-through,
            // so tiles of two zoom levels never stack into darker bands.
            context.globalAlpha = opaque ? 1 : s.opacity;
            context.fillStyle = s.fill;
            context.fill("evenodd");
          } else if (!fillPass) {
            context.globalAlpha = 1;
            context.lineWidth = s.width || 1;
            context.strokeStyle = s.outline;
            context.stroke();
          }
        } else if (!fillPass && feature.type === 2) {
          tracePath(context, feature.rings, scale, false);
          context.globalAlpha = 1;
          context.lineWidth = options.lineWidth || 2;
          context.strokeStyle = s.outline;
          context.stroke();
        } else if (!fillPass && feature.type === 1) {
          context.globalAlpha = 1;
          context.fillStyle = s.outline;
          feature.rings.forEach(function (ring) {
            context.beginPath();
            context.arc(ring[0] * scale, ring[1] * scale, options.pointRadius || 4, 0, 2 * Math.PI);
            context.fill();
          });
        }
      });
    });
    context.globalAlpha = 1;
  }

  var MvtLayer = L.GridLayer.extend({
    options: { style: null, opaqueFills: true, updateWhenZooming: false, keepBuffer: 1 },

    initialize: function (url, options) {
      this._url = url;
      this._controllers = {};
      L.GridLayer.prototype.initialize.call(this, options);
      this.on("tileunload", function (event) {
        var key = this._tileCoordsToKey(event.coords), controller = this._controllers[key];
        if (controller) controller.abort();
        delete this._controllers[key];
      });
    },

    createTile: function (coords, done) {
      var tile = L.DomUtil.create("canvas", "mvt-tile");
      var size = this.getTileSize(), ratio = window.devicePixelRatio || 1;
      tile.width = size.x * ratio;
      tile.height = size.y * ratio;
      tile.setAttribute("role", "presentation");
      var url = L.Util.template(this._url, { z: coords.z, x: coords.x, y: coords.y });
      var key = this._tileCoordsToKey(coords), controller = new AbortController();
      var style = this.options.style, layer = this;
      this._controllers[key] = controller;
      fetch(url, { signal: controller.signal, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error("tile " + url + ": HTTP " + response.status);
          return response.arrayBuffer();
        })
        .then(function (buffer) {
          delete layer._controllers[key];
          var context = tile.getContext("2d"), layers = decodeTile(buffer);
          context.scale(ratio, ratio);
          Object.keys(layers).forEach(function (name) {
            drawLayer(context, layers[name], size.x, style, layer.options);
          });
          // The decoded layers and the canvas go with the event, so a listener
          // (viewer/bearings.js: street and neighbourhood names) draws on top.
          layer.fire("tiledrawn", {
            coords: coords, features: countFeatures(layers), layers: layers, tile: tile,
          });
          done(null, tile);
        })
        .catch(function (error) {
          delete layer._controllers[key];
          if (error.name === "AbortError") return;
          done(error, tile);
        });
      return tile;
    },
  });

  function countFeatures(layers) {
    return Object.keys(layers).reduce(function (sum, name) {
      return sum + layers[name].features.length;
    }, 0);
  }

  L.MvtLayer = MvtLayer;
  L.mvtLayer = function (url, options) {
    return new MvtLayer(url, options);
  };
  L.MvtLayer.decode = decodeTile;
})();
