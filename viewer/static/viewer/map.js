/* The citizens' map: agencies' territories at national scale, the zoning's
 * overview (WMS) further in, layers as vector tiles, search, identify, notes,
 * drawing, the date of the zoning, permalinks, printing. Configuration comes
 * from the page (json_script), so the strict Content-Security-Policy needs no
 * inline script. */
(function () {
  "use strict";

  performance.mark("map-script-start");
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var text = JSON.parse(document.getElementById("map-messages").textContent);
  var rtl = document.documentElement.dir === "rtl";
  var lang = document.documentElement.lang || "fr";
  var numberLocale = lang === "ar" ? "ar-MA" : lang;
  var $ = function (id) { return document.getElementById(id); };
  // "Surface : 215 m²" in French typography, "Area: 215 m²" elsewhere.
  var colon = lang === "fr" ? "\u00a0: " : ": ";

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }
  function number(value, digits) {
    return new Intl.NumberFormat(numberLocale, {
      maximumFractionDigits: digits === undefined ? 0 : digits,
    }).format(value);
  }
  // A measure with its unit in the page's language: "12 m", "12 م".
  function metres(value, digits) {
    return format(text.metres, { value: number(value, digits) });
  }
  function squareMetres(value, digits) {
    return format(text.square_metres, { value: number(value, digits) });
  }
  // A count-bearing text: its forms by plural category (viewer/messages.py).
  var pluralRules = new Intl.PluralRules(numberLocale);
  function counted(forms, count) {
    var form = forms[pluralRules.select(count)] || forms.other;
    return format(form, { count: number(count) });
  }
  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      if (child) node.append(child);
    });
    return node;
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(readJSON);
  }
  function postJSON(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(body),
    }).then(readJSON);
  }
  function readJSON(response) {
    return response.json().then(function (data) {
      if (!response.ok) {
        var error = new Error((data.error && data.error.message) || response.statusText);
        error.api = data.error;
        throw error;
      }
      return data;
    });
  }

  /* --- the map ------------------------------------------------------------- */
  var map = L.map("map", {
    zoomControl: false,
    // The map's keys are ours ("the keyboard", below): Leaflet's handler zooms
    // three steps on "+" typed with Shift and cannot identify a place.
    keyboard: false,
    doubleClickZoom: true,
    // Explicit, or Leaflet would take the layers' own limits (the overview's
    // and the tiles' minimum zooms) as the map's, and refuse the national view.
    minZoom: 3,
    maxZoom: 20,
    worldCopyJump: false,
  });
  // Controls sit on the reading side: mirrored in Arabic.
  var start = rtl ? "right" : "left", end = rtl ? "left" : "right";
  // Its buttons are named in the page's language, and are links with the role
  // of buttons: Space presses them too, as it does a button.
  var zoomControl = L.control.zoom({
    position: "top" + start, zoomInTitle: text.zoom_in_button, zoomOutTitle: text.zoom_out_button,
  }).addTo(map);
  zoomControl.getContainer().querySelectorAll("[role=button]").forEach(function (button) {
    button.addEventListener("keydown", function (event) {
      if (event.key !== " ") return;
      event.preventDefault();
      event.stopPropagation();  // not a corner of a drawing, nor an identify
      button.click();
    });
  });
  L.control.scale({ position: "bottom" + start, metric: true, imperial: false }).addTo(map);
  map.attributionControl.setPosition("bottom" + end);
  map.attributionControl.setPrefix(false);
  // The base map: an XYZ template, or a WMS address with its LAYERS. When it
  // cannot be reached the portal's own layers stay on a plain background.
  function baseMap(url) {
    var options = { attribution: config.basemap.attribution, maxZoom: 20 };
    if (!/[?&]service=wms/i.test(url)) return L.tileLayer(url, options);
    var address = new URL(url, location.href), wms = { format: "image/png" };
    address.searchParams.forEach(function (value, key) {
      if (!/^(service|request|version|bbox|width|height|crs|srs)$/i.test(key)) {
        wms[key.toLowerCase()] = value;
      }
    });
    return L.tileLayer.wms(address.origin + address.pathname, Object.assign(wms, options));
  }
  if (config.basemap.url) baseMap(config.basemap.url).addTo(map);
  ["territories", "overview", "zones", "overlays", "parcels", "codes", "selection"].forEach(
    function (name, index) { map.createPane(name).style.zIndex = 380 + index * 10; });
  map.getPane("codes").style.pointerEvents = "none";
  map.getPane("selection").style.pointerEvents = "none";
  // What is drawn at each zoom, so the map is never an empty canvas: the
  // agencies' territories and names up to TERRITORY_MAX_ZOOM; the zoning drawn
  // by WMS from OVERVIEW_MIN_ZOOM until each layer's vector tiles begin
  // (tiles/catalog.py: LAYER_MIN_ZOOM, or later for dense layers).
  var TERRITORY_MAX_ZOOM = 9, OVERVIEW_MIN_ZOOM = 8;
  // The day whose zoning is shown ("" is today): tiles carry it in their
  // address (viewer/selectors.py), WMS as TIME, identify and compose as as_of.
  var asOf = config.at;

  // Every colour, opacity and width comes from the server: each layer's style
  // (tiles/style.py, as in its TileJSON) and the palette for the panel's
  // swatches, both from layers/styles.py, which WMS and the note PDF draw with.
  var palette = config.palette;
  function featureStyle(style) {
    if (style.property) {
      return function (properties) {
        return style.swatches[properties[style.property]] || style.swatches[style.fallback];
      };
    }
    return function () { return style.swatch; };
  }

  var tileLayers = {};
  var firstDrawn = false;
  var pending = {};
  function countPending() {
    document.body.dataset.tilesPending = String(Object.keys(pending).length);
  }
  countPending();
  // The first meaningful picture: territories, an overview image or a tile.
  function drawn() {
    if (firstDrawn) return;
    firstDrawn = true;
    document.body.dataset.firstLayerDrawn = String(performance.now());
    if (window.performance && performance.mark) performance.mark("first-layer-drawn");
  }
  function trackLoading(name, layer) {
    layer.on("loading", function () { pending[name] = true; countPending(); });
    layer.on("load remove", function () { delete pending[name]; countPending(); });
  }
  // An agency's tiles are asked only around its territory (padded: data may
  // stray a little past it), not over every other agency's land in view.
  var territoryBounds = {};
  config.agencies.forEach(function (agency) {
    var b = agency.bounds;
    if (b) territoryBounds[agency.code] = L.latLngBounds([b[1], b[0]], [b[3], b[2]]).pad(0.1);
  });
  config.tree.forEach(function (agency) {
    var entries = [];
    agency.documents.forEach(function (doc) { entries = entries.concat(doc.layers); });
    if (agency.parcels) entries.push(agency.parcels);
    entries.forEach(function (entry) {
      var pane = entry.kind === "zoning" ? "zones" : entry.kind === "parcels" ? "parcels" : "overlays";
      // Fills are opaque on the canvas; the layer is laid at the style's opacity.
      var layer = L.mvtLayer(entry.url, {
        style: featureStyle(entry.style),
        opacity: entry.style.opacity,
        lineWidth: entry.style.line_width,
        pointRadius: entry.style.point_radius,
        labels: entry.style.labels,
        // Zones' codes over them, in the palette's ink (zonecodes.js).
        codes: entry.kind === "zoning" ? palette.codes : null,
        pane: pane,
        minZoom: entry.minzoom,
        maxNativeZoom: entry.maxzoom,
        maxZoom: 20,
        bounds: territoryBounds[agency.code],
      });
      layer.on("tiledrawn", drawn);
      // How many layers still load tiles: tests and benchmarks wait for 0.
      trackLoading(entry.name, layer);
      tileLayers[entry.name] = layer;
      layer.addTo(map);
    });
  });

  /* --- the zoning's overview: WMS images until the vector tiles begin ------- */
  // One image layer per tile minimum zoom (a layer's overview ends where its
  // tiles begin), its LAYERS the zoning layers switched on, in drawing order,
  // at most config.wmsMaxLayers names a request (ows/limits.py).
  var zoningEntries = [];
  config.tree.forEach(function (agency) {
    agency.documents.forEach(function (doc) {
      doc.layers.forEach(function (entry) {
        if (entry.kind === "zoning") zoningEntries.push(entry);
      });
    });
  });
  var overviewLayers = [];
  function refreshOverview() {
    overviewLayers.forEach(function (layer) { map.removeLayer(layer); });
    overviewLayers = [];
    var groups = {};
    zoningEntries.forEach(function (entry) {
      if (!map.hasLayer(tileLayers[entry.name])) return;
      (groups[entry.minzoom] = groups[entry.minzoom] || []).push(entry.wms_name);
    });
    Object.keys(groups).forEach(function (minzoom) {
      var names = groups[minzoom];
      for (var first = 0; first < names.length; first += config.wmsMaxLayers) {
        var params = {
          layers: names.slice(first, first + config.wmsMaxLayers).join(","),
          styles: "", format: "image/png", transparent: true, version: "1.3.0",
          pane: "overview", minZoom: OVERVIEW_MIN_ZOOM, maxZoom: Number(minzoom) - 1,
          className: "overview-tile",
        };
        if (asOf) params.time = asOf;
        var layer = L.tileLayer.wms(config.api.wms, params);
        layer.on("tileload", drawn);
        trackLoading("overview-" + minzoom + "-" + first, layer);
        overviewLayers.push(layer.addTo(map));
      }
    });
  }
  refreshOverview();

  /* --- the agencies' territories with their names (national scale) --------- */
  function agencyName(agency) {
    return agency.names[lang] || agency.names.fr;
  }
  function agencyBounds(agency) {
    var b = agency.bounds;
    return L.latLngBounds([[b[1], b[0]], [b[3], b[2]]]);
  }
  var territories = L.geoJSON(null, {
    pane: "territories",
    style: function () {
      var swatch = palette.territory;
      return { color: swatch.outline, weight: swatch.width, fillColor: swatch.fill,
               fillOpacity: swatch.opacity };
    },
    onEachFeature: function (feature, layer) {
      // A territory, or its name (a larger target far out), leads to its
      // agency: the click zooms there rather than asking for a parcel.
      function zoomToAgency(event) {
        L.DomEvent.stopPropagation(event);
        map.fitBounds(agencyBounds(feature.properties));
      }
      layer.bindTooltip(agencyName(feature.properties), {
        permanent: true, direction: "center", className: "territory-label",
        interactive: true,
      });
      layer.on("click", zoomToAgency);
      layer.getTooltip().on("click", zoomToAgency);
    },
  });
  getJSON(config.api.territories).then(function (collection) {
    territories.addData(collection);
    showTerritories();
    if (collection.features.length) drawn();
  }).catch(function () {
    // Offline before the app kept them: the offline banner says why the
    // national view is empty; the rest of the map still works.
  });
  function showTerritories() {
    var wanted = map.getZoom() <= TERRITORY_MAX_ZOOM;
    if (wanted && !map.hasLayer(territories)) territories.addTo(map);
    else if (!wanted && map.hasLayer(territories)) map.removeLayer(territories);
  }
  map.on("zoomend", showTerritories);

  // Far out only the territories are drawn: say what to do next.
  var zoomHint = L.control({ position: "bottom" + end });
  zoomHint.onAdd = function () {
    // A polite live region: the hint comes and goes with the zoom, heard too.
    var hint = L.DomUtil.create("div", "zoom-hint");
    hint.setAttribute("role", "status");
    return hint;
  };
  zoomHint.addTo(map);
  function updateZoomHint() {
    var zoom = map.getZoom(), hidden = zoom < OVERVIEW_MIN_ZOOM &&
      Object.keys(tileLayers).some(function (name) { return map.hasLayer(tileLayers[name]); });
    var hint = zoomHint.getContainer(), wanted = hidden ? text.zoom_in : "";
    // Said once when it changes, not again at every zoom.
    if (hint.textContent !== wanted) hint.textContent = wanted;
  }
  map.on("zoomend", updateZoomHint);
  map.whenReady(updateZoomHint);
  document.querySelectorAll("input[data-layer]").forEach(function (box) {
    box.addEventListener("change", function () {
      var layer = tileLayers[box.dataset.layer];
      if (!layer) return;
      if (box.checked) layer.addTo(map);
      else map.removeLayer(layer);
      refreshOverview();
      updateZoomHint();
      describePrint();
    });
  });

  /* --- permalink: #map=z/lat/lon&agency=code&parcel=TF… -------------------- */
  // A parcel is named by its agency and its reference: a reference may be
  // registered in several agencies, parcels may overlap at a point.
  var state = { parcel: "", agency: "" };
  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var view = (params.get("map") || "").split("/").map(Number);
    return {
      view: view.length === 3 && view.every(isFinite) ? view : null,
      parcel: params.get("parcel") || "",
      agency: params.get("agency") || "",
    };
  }
  function setParcel(reference, agency) {
    state.parcel = reference || "";
    state.agency = (reference && agency) || "";
    writeHash();
  }
  function writeHash() {
    var center = map.getCenter(), zoom = map.getZoom();
    var hash = "#map=" + zoom + "/" + center.lat.toFixed(6) + "/" + center.lng.toFixed(6);
    if (state.agency) hash += "&agency=" + encodeURIComponent(state.agency);
    if (state.parcel) hash += "&parcel=" + encodeURIComponent(state.parcel);
    history.replaceState(null, "", location.pathname + location.search + hash);
    // The language switch returns to the same view and parcel.
    document.querySelectorAll(".language-switch input[name=next]").forEach(function (input) {
      input.value = location.pathname + location.search + hash;
    });
  }
  map.on("moveend", writeHash);

  performance.mark("map-layers-added");
  var initial = readHash();
  if (initial.view) {
    map.setView([initial.view[1], initial.view[2]], initial.view[0]);
  } else if (config.start.bounds) {
    var b = config.start.bounds;
    // Room for the agencies' names at the edges and the date control on top.
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]], { padding: [80, 80] });
  } else {
    map.setView(config.start.center, config.start.zoom);
  }

  /* --- the information panel ----------------------------------------------- */
  var info = $("info"), infoTitle = $("info-title"), infoBody = $("info-body");
  var selection = L.featureGroup().addTo(map);

  // The control whose action opened the panel (the search box, the map, a
  // tool): closing the panel gives it the focus back, never to <body>.
  var opener = null;
  function showInfo(title, nodes, focus) {
    // Only the control that opened a hidden panel: an answer replacing another
    // (a permalink's parcel found after its first paint) keeps the opener.
    if (info.hidden) {
      var active = document.activeElement;
      opener = active && active !== document.body && !info.contains(active)
        ? active : null;
    }
    infoTitle.textContent = title;
    infoBody.replaceChildren.apply(infoBody, nodes);
    info.hidden = false;
    document.body.classList.add("has-info");
    // On a phone the answer was brought into view from its title (revealInfo);
    // focusing it must not scroll on to its end.
    if (focus) info.focus({ preventScroll: phoneLayout.matches });
  }
  var phoneLayout = window.matchMedia("(max-width: 760px)");
  // On a phone the panel is below the map: bring a new answer into view.
  function revealInfo() {
    if (phoneLayout.matches) info.scrollIntoView({ block: "start" });
  }
  function closeInfo() {
    var back = opener && opener.isConnected && opener.getClientRects().length
      ? opener : map.getContainer();
    info.hidden = true;
    back.focus();
    document.body.classList.remove("has-info");
    selection.clearLayers();
    setParcel("");
  }
  $("info-close").addEventListener("click", closeInfo);

  function highlight(geometry) {
    selection.clearLayers();
    if (!geometry) return;
    L.geoJSON(geometry, {
      pane: "selection",
      interactive: false,
      style: { color: "#f2a900", weight: 4, fillOpacity: 0.1, fillColor: "#f2a900" },
      pointToLayer: function (_, latlng) {
        return L.circleMarker(latlng, { pane: "selection", radius: 8, color: "#f2a900" });
      },
    }).addTo(selection);
  }

  var listFormat = window.Intl && Intl.ListFormat
    ? new Intl.ListFormat(numberLocale, { type: "unit", style: "short" }) : null;
  function joinList(values) {
    var texts = values.map(textOf);
    return listFormat ? listFormat.format(texts) : texts.join(", ");
  }

  // The articles of the law a rule cites, each a link to its page (as it
  // read on the note's day), named as the content's "articles" name them.
  function citationLinks(references, articles) {
    var byReference = {};
    (articles || []).forEach(function (article) { byReference[article.reference] = article; });
    var links = [], separator = lang === "ar" ? "\u060c " : ", ";
    references.forEach(function (reference, index) {
      var article = byReference[reference];
      if (index) links.push(document.createTextNode(separator));
      links.push(article && article.url
        ? element("a", { class: "citation", href: article.url, text: article.label })
        : element("bdi", { dir: "ltr", text: reference }));
    });
    return element("span", { class: "citations" }, links);
  }

  function rulesList(rules, articles) {
    if (!rules) return null;
    var items = [];
    // Figures without a unit read left to right inside Arabic text ("60 %",
    // "R+4"); a measure with its unit takes the unit's direction (bdi).
    function add(label, value, measure) {
      if (value === null || value === undefined || value === "" ||
          (Array.isArray(value) && !value.length)) return;
      var shown = element("bdi", { text: Array.isArray(value) ? joinList(value) : String(value) });
      if (measure) shown.setAttribute("dir", "ltr");
      items.push(element("li", {}, [
        element("span", { class: "rule-name", text: label + colon }), shown,
      ]));
    }
    if (Array.isArray(rules)) {
      rules.forEach(function (rule) {
        if (typeof rule === "string") add("", rule);
        else add(rule.label || rule.name || "", rule.value);
      });
    } else if (typeof rules === "object") {
      add(text.floors, rules.height_label || rules.floors, true);
      add(text.height, rules.max_height_m ? metres(rules.max_height_m, 1) : null);
      add(text.cos, rules.cos ? number(rules.cos, 2) : null, true);
      add(text.ces, rules.ces ? number(rules.ces, 0) + " %" : null, true);
      add(text.min_plot, rules.min_plot_area_m2 ? squareMetres(rules.min_plot_area_m2) : null);
      add(text.allowed, rules.allowed_uses);
      add(text.forbidden, rules.forbidden_uses);
      add(text.articles, rules.articles);
      if (rules.citations && rules.citations.length) {
        items.push(element("li", {}, [
          element("span", { class: "rule-name", text: text.citations + colon }),
          citationLinks(rules.citations, articles),
        ]));
      }
    }
    return items.length ? element("ul", { class: "rules" }, items) : null;
  }

  function zoneItem(zone, articles) {
    var swatch = element("span", { class: "swatch", "aria-hidden": "true" });
    var style = palette.zones[zone.category] || palette.zones.other;
    swatch.style.backgroundColor = style.fill;
    swatch.style.borderColor = style.outline;
    var share = zone.share !== undefined && zone.share !== null
      ? element("span", { class: "share" }, [
          element("bdi", { dir: "ltr", text: number(zone.share, 1) + " %" })]) : null;
    return element("li", { class: "zone" }, [
      element("div", { class: "zone-head" }, [
        swatch,
        element("strong", { class: "zone-code", text: zone.code || "" }),
        element("span", { text: " " + (zone.label || "") }),
        share,
      ]),
      zone.area_m2 ? element("div", { class: "hint" }, [
        element("bdi", { text: squareMetres(zone.area_m2) })]) : null,
      rulesList(zone.rules, articles),
    ]);
  }

  function textOf(item) {
    if (typeof item === "string") return item;
    return item.label || item.title || item.message || item.type || item.code || "";
  }

  function contentNodes(content) {
    var nodes = [];
    var area = content.area_m2;
    if (area) {
      nodes.push(element("p", { class: "area" }, [
        element("span", { text: text.area + colon }),
        element("bdi", { text: squareMetres(area) }),
      ]));
    }
    var zones = content.zones || [];
    if (zones.length) {
      nodes.push(element("h3", { text: text.zones }));
      nodes.push(element("ul", { class: "zones" }, zones.map(function (zone) {
        return zoneItem(zone, content.articles);
      })));
    }
    nodes.push(element("h3", { text: text.overlays }));
    var overlays = content.overlays || [];
    nodes.push(overlays.length
      ? element("ul", { class: "overlays" }, overlays.map(function (o) {
          var share = o.share ? " (" + number(o.share, 1) + " %)" : "";
          var label = [o.type_label, o.label].filter(Boolean).join(" — ") || textOf(o);
          return element("li", { text: label + share });
        }))
      : element("p", { class: "hint", text: text.no_overlay }));
    var documents = content.documents || [];
    if (documents.length) {
      nodes.push(element("h3", { text: text.documents }));
      nodes.push(element("ul", { class: "documents-in-force" }, documents.map(function (d) {
        var label = [d.reference, d.title].filter(Boolean).join(" — ") || textOf(d);
        var agencyCode = (content.agency && content.agency.code) || "";
        var href = d.url || (agencyCode && d.reference
          ? config.documentUrl.replace("AGENCY", encodeURIComponent(agencyCode))
              .replace("REFERENCE", encodeURIComponent(d.reference)) : "");
        return element("li", {}, [href ? element("a", { href: href, text: label })
                                       : element("span", { text: label })]);
      })));
    }
    var warnings = content.warnings || [];
    if (warnings.length) {
      nodes.push(element("h3", { text: text.warnings }));
      nodes.push(element("ul", { class: "warnings" }, warnings.map(function (w) {
        return element("li", { text: textOf(w) });
      })));
    }
    return nodes;
  }

  function noteButton(subject) {
    var button = element("button", { type: "button", class: "button primary", id: "issue-note",
                                      text: text.issue_note });
    var status = element("p", { class: "status-line", role: "status", id: "note-status" });
    // Busy, the button stays focusable (aria-disabled): a disabled button
    // would drop the focus to <body>.
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-disabled") === "true") return;
      button.setAttribute("aria-disabled", "true");
      status.textContent = text.issuing;
      postJSON(config.api.notes, subject)
        .then(function (note) {
          status.replaceChildren(
            element("span", { text: format(text.issued, { reference: note.reference }) + " " }),
            element("a", { href: note.pdf_url, download: "", id: "note-pdf", text: text.download_pdf }),
            document.createTextNode(" · "),
            element("a", { href: note.verify_url, text: text.verify })
          );
          // The status says it; the focus goes on to the PDF's link.
          $("note-pdf").focus();
          $("note-pdf").click();
        })
        .catch(function (error) {
          status.textContent = error.message || text.issue_failed;
          status.classList.add("error");
        })
        .finally(function () { button.removeAttribute("aria-disabled"); });
    });
    var link = subject.parcel ? requestLink(subject) : [];
    return element("div", { class: "note-actions" }, [button, status].concat(link));
  }

  // requête-e: file a request about this parcel, or this point where no
  // parcel is registered (requete/citizen.py fills the form from the link).
  function requestLink(place) {
    var query = new URLSearchParams(place.parcel ? { parcel: place.parcel }
                                                 : { lon: place.lon, lat: place.lat });
    if (place.agency) query.set("agency", place.agency);
    return [element("p", { class: "request-link" }, [
      element("a", { href: config.requestUrl + "?" + query, id: "file-request",
                     text: place.parcel ? text.file_request : text.file_request_here }),
    ])];
  }

  // The parcel's own page (geoportal/parcel_views.py: it redirects the
  // reference as written to its canonical key), as of the map's day.
  function parcelPageLink(reference, agency) {
    var url = config.parcelUrl.replace("AGENCY", encodeURIComponent(agency))
      .replace("REFERENCE", encodeURIComponent(reference).replace(/%2F/gi, "/"));
    if (asOf) url += "?at=" + asOf;
    return element("p", { class: "parcel-page-link" }, [
      element("a", { href: url, id: "parcel-page-link", text: text.parcel_page }),
    ]);
  }

  // A subject of compose and of a note, as of the map's day.
  function dated(subject) {
    if (asOf) subject.as_of = asOf;
    return subject;
  }

  var identifyRequest = 0;
  function identify(latlng, options) {
    options = options || {};
    var ticket = ++identifyRequest;
    showInfo(text.parcel, [element("p", { class: "hint", text: text.loading })], false);
    // A tap on the map keeps the map in view (the answer shows just below it).
    if (options.focus) revealInfo();
    var url = config.api.identify + "?lon=" + latlng.lng.toFixed(7) + "&lat=" + latlng.lat.toFixed(7);
    if (asOf) url += "&as_of=" + asOf;
    return getJSON(url)
      .then(function (data) {
        if (ticket !== identifyRequest) return;
        var parcel = data.parcel;
        if ((data.parcels || []).length > 1) {
          // Parcels overlap here: the citizen says which one is meant.
          setParcel("");
          highlight({ type: "Point", coordinates: [latlng.lng, latlng.lat] });
          showInfo(text.parcel, parcelChoice(data.parcels), options.focus);
          return;
        }
        if (!parcel) {
          setParcel("");
          highlight({ type: "Point", coordinates: [latlng.lng, latlng.lat] });
          var nodes = [element("p", { class: "hint", text: text.nothing_here })];
          var here = { lon: latlng.lng.toFixed(7), lat: latlng.lat.toFixed(7) };
          showInfo(text.parcel, nodes.concat(contentNodes(data), requestLink(here)), options.focus);
          return;
        }
        setParcel(parcel.reference, parcel.agency);
        var title = text.parcel + " " + parcel.reference;
        var area = parcel.area_m2;
        // The zones and shares first; the rules, overlays and documents follow.
        var nodes = contentNodes({ area_m2: area, zones: data.zones });
        nodes.push(element("p", { class: "hint", id: "details-loading", text: text.loading }));
        showInfo(title, nodes, options.focus);
        document.body.dataset.panelShownAt = String(performance.now());
        var subject = dated({ parcel: parcel.reference, agency: parcel.agency });
        return postJSON(config.api.compose, subject).then(function (content) {
          if (ticket !== identifyRequest) return;
          var full = contentNodes(Object.assign({}, content, { area_m2: area }));
          full.push(parcelPageLink(parcel.reference, parcel.agency));
          full.push(noteButton(subject));
          showInfo(title, full, false);
          highlight(content.subject && content.subject.geometry);
          document.body.dataset.detailsShownAt = String(performance.now());
        }, function (error) {
          if (ticket !== identifyRequest) return;
          var full = contentNodes({ area_m2: area, zones: data.zones });
          full.push(element("p", { class: "error", text: error.message || text.identify_failed }));
          full.push(parcelPageLink(parcel.reference, parcel.agency));
          full.push(noteButton(subject));
          showInfo(title, full, false);
        });
      })
      .catch(function (error) {
        if (ticket !== identifyRequest) return;
        showInfo(text.parcel, [element("p", { class: "error", text: error.message || text.identify_failed })],
                 options.focus);
      });
  }

  // The parcels overlapping at a point (each {agency, agency_name,
  // reference}), as a list of buttons: each opens its parcel.
  function parcelChoice(parcels) {
    var heading = element("p", { id: "parcel-choice-label", class: "hint",
                                 text: counted(text.parcels_here, parcels.length) });
    var list = element("ul", { class: "parcel-choice", "aria-labelledby": "parcel-choice-label" },
      parcels.map(function (parcel) {
        var button = element("button", { type: "button", class: "button parcel-choice-button" }, [
          element("bdi", { text: parcel.reference }),
          document.createTextNode(" — " + parcel.agency_name),
        ]);
        button.addEventListener("click", function () { openParcel(parcel, { focus: true }); });
        return element("li", {}, [button]);
      }));
    return [heading, list];
  }

  // The panel of one parcel, named by its agency and reference (a search
  // result, a choice among overlapping parcels, a shared link): composed for
  // that parcel, never identified again at a point of it.
  function openParcel(parcel, options) {
    options = options || {};
    var ticket = ++identifyRequest;
    var title = text.parcel + " " + parcel.reference;
    setParcel(parcel.reference, parcel.agency);
    showInfo(title, [element("p", { class: "hint", text: text.loading })], options.focus);
    if (options.focus) revealInfo();
    // The body the panel of a click sends too: the worker keeps one copy.
    var subject = dated(parcel.agency ? { parcel: parcel.reference, agency: parcel.agency }
                                      : { parcel: parcel.reference });
    return postJSON(config.api.compose, subject).then(function (content) {
      if (ticket !== identifyRequest) return;
      var nodes = contentNodes(Object.assign({}, content, { area_m2: content.subject.area_m2 }));
      nodes.unshift(element("p", { class: "parcel-agency" }, [
        element("span", { text: text.agency + colon }),
        element("span", { text: content.agency.name }),
      ]));
      nodes.push(parcelPageLink(parcel.reference, content.agency.code));
      nodes.push(noteButton(subject));
      showInfo(title, nodes, false);
      highlight(content.subject.geometry);
      if (options.zoom) {
        map.fitBounds(L.geoJSON(content.subject.geometry).getBounds(),
                      { maxZoom: 18, padding: [20, 20] });
      }
      document.body.dataset.detailsShownAt = String(performance.now());
    }, function (error) {
      if (ticket !== identifyRequest) return;
      if (error.api && error.api.code === "several_parcels") {
        // A link naming a reference of several agencies: say which exist.
        setParcel("");
        showInfo(text.parcel, parcelChoice(error.api.details.parcels), false);
        return;
      }
      showInfo(title, [element("p", { class: "error", text: error.message || text.identify_failed })],
               false);
    });
  }

  map.on("click", function (event) {
    if (drawing) return;
    document.body.dataset.clickAt = String(performance.now());
    identify(event.latlng, { focus: false });
  });

  /* --- the keyboard: the focused map and its crosshair ---------------------- */
  // Arrows pan (Shift: three times as far), + and − zoom one step however they
  // are typed (Shift, keypad), Enter or Space identify under the crosshair at
  // the centre (map.css) as a click there would, the panel taking the focus
  // (closing it brings the focus back here). No animation: each key moves the
  // map by exactly its step, however fast keys come. While drawing, Space and
  // Enter belong to the drawing (below).
  var PAN_STEP = 80;
  var panKeys = {
    ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1],
  };
  var zoomKeys = { "+": 1, "=": 1, "-": -1, "_": -1, "\u2212": -1 };
  map.getContainer().addEventListener("keydown", function (event) {
    if (event.target !== map.getContainer()) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    var pan = panKeys[event.key], zoom = zoomKeys[event.key];
    if (pan) {
      var step = PAN_STEP * (event.shiftKey ? 3 : 1);
      map.panBy([pan[0] * step, pan[1] * step], { animate: false });
    } else if (zoom) {
      map.setZoom(map.getZoom() + zoom, { animate: false });
    } else if ((event.key === "Enter" || event.key === " ") && !drawing) {
      identify(map.getCenter(), { focus: true });
    } else {
      return;
    }
    event.preventDefault();
  });

  /* --- search box (combobox with suggestions) ------------------------------ */
  var input = $("search-input"), list = $("search-results"), searchStatus = $("search-status");
  var results = [], active = -1, searchTimer = null, searchTicket = 0;

  function renderResults() {
    list.replaceChildren.apply(list, results.map(function (result, index) {
      var option = element("li", {
        role: "option",
        id: "search-option-" + index,
        class: "suggestion kind-" + result.kind,
        "aria-selected": String(index === active),
      }, [
        element("bdi", { class: "suggestion-label", text: result.label }),
        element("span", { class: "suggestion-detail", text: result.detail }),
        result.status ? element("span", { class: "suggestion-status", text: result.status })
                      : null,
      ]);
      option.addEventListener("mousedown", function (event) { event.preventDefault(); });
      option.addEventListener("click", function () { choose(index); });
      return option;
    }));
    var open = results.length > 0;
    list.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    if (active >= 0) input.setAttribute("aria-activedescendant", "search-option-" + active);
    else input.removeAttribute("aria-activedescendant");
  }

  // "Choose your commune or agency": the agencies, found by any of their
  // names whatever the accents, hamza forms and short vowels typed.
  function folded(value) {
    return (value || "").normalize("NFD").toLowerCase()
      .replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g, "")
      .replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627").replace(/\u0624/g, "\u0648")
      .replace(/[\u0626\u0649]/g, "\u064a").replace(/\u0629/g, "\u0647")
      .replace(/[-'’]/g, " ");
  }
  function agencyResults(query) {
    var wanted = folded(query).trim();
    return config.agencies.filter(function (agency) {
      return !wanted || ["fr", "ar", "en"].some(function (language) {
        return folded(agency.names[language]).indexOf(wanted) >= 0;
      });
    }).map(function (agency) {
      var b = agency.bounds;
      return { kind: "agency", label: agencyName(agency), detail: text.agency,
               bbox: b, code: agency.code };
    });
  }
  function listAgencies() {
    results = agencyResults("");
    active = -1;
    renderResults();
    searchStatus.textContent = results.length ? text.choose_agency : "";
  }

  function runSearch(query, then) {
    var ticket = ++searchTicket;
    searchStatus.textContent = text.searching;
    var url = config.api.search + "?q=" + encodeURIComponent(query);
    // Zones and documents in force on the map's day.
    if (asOf) url += "&at=" + asOf;
    return getJSON(url)
      .then(function (data) {
        if (ticket !== searchTicket) return;
        results = agencyResults(query).concat(data.results || []);
        active = -1;
        renderResults();
        searchStatus.textContent = results.length
          ? counted(text.results, results.length) : text.no_result;
        if (then) then();
      })
      .catch(function () {
        if (ticket !== searchTicket) return;
        searchStatus.textContent = text.search_failed;
      });
  }

  function zoomTo(result) {
    var box = result.bbox;
    if (!box) return;
    if (box[0] === box[2] && box[1] === box[3]) {
      map.setView([box[1], box[0]], Math.max(map.getZoom(), 17));
    } else {
      map.fitBounds([[box[1], box[0]], [box[3], box[2]]], { maxZoom: 18, padding: [20, 20] });
    }
  }

  function choose(index) {
    var result = results[index];
    if (!result) return;
    input.value = result.label;
    results = [];
    active = -1;
    renderResults();
    searchStatus.textContent = "";
    zoomTo(result);
    var opensParcel = result.kind === "parcel" || result.kind === "address" ||
      result.kind === "point";
    if (!opensParcel && state.parcel) {
      // The selection moved on: the link no longer names the old parcel.
      selection.clearLayers();
      setParcel("");
    }
    if (result.agency && result.reference) {
      // A parcel or an address: that parcel, whatever else lies there.
      openParcel({ reference: result.reference, agency: result.agency }, { focus: true });
    } else if (opensParcel) {
      identify(L.latLng(result.anchor[1], result.anchor[0]), { focus: true });
    } else if (result.kind === "text" && result.url) {
      // A text of the law library: its page.
      location.assign(result.url);
    } else if ((result.kind === "document" || result.kind === "zone") && result.url) {
      showInfo(result.label, [
        element("p", { text: result.detail }),
        result.status ? element("p", { class: "result-status", text: result.status }) : null,
        element("p", {}, [element("a", { href: result.url, text: result.label })]),
      ], true);
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(searchTimer);
    var query = input.value.trim();
    if (!query) {
      listAgencies();
      return;
    }
    // The agencies matching at once; the server's answers follow.
    results = agencyResults(query);
    active = -1;
    renderResults();
    if (query.length < 2) {
      searchStatus.textContent = "";
      return;
    }
    searchTimer = setTimeout(function () { runSearch(query); }, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!results.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + results.length) % results.length;
      renderResults();
    } else if (event.key === "Escape") {
      results = [];
      active = -1;
      renderResults();
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(active);
    }
  });
  input.addEventListener("focus", function () {
    if (!input.value.trim()) listAgencies();
  });
  input.addEventListener("blur", function () {
    setTimeout(function () { results = []; active = -1; renderResults(); }, 150);
  });
  $("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(searchTimer);
    var query = input.value.trim();
    if (!query) return;
    runSearch(query, function () {
      if (results.length) choose(0);
    });
  });

  /* --- tools: locate, draw, share, print ----------------------------------- */
  var toolStatus = $("tool-status");
  var locateButton = $("locate-button");
  if (!("geolocation" in navigator)) locateButton.hidden = true;
  locateButton.addEventListener("click", function () {
    toolStatus.textContent = text.locating;
    navigator.geolocation.getCurrentPosition(function (position) {
      toolStatus.textContent = "";
      var here = L.latLng(position.coords.latitude, position.coords.longitude);
      map.setView(here, 17);
      identify(here, { focus: true });
    }, function () {
      toolStatus.textContent = text.locate_failed;
    }, { enableHighAccuracy: true, timeout: 15000 });
  });

  var drawing = false, vertices = [], sketch = L.featureGroup().addTo(map);
  var drawButton = $("draw-button");
  function redrawSketch() {
    sketch.clearLayers();
    if (!vertices.length) return;
    L.polygon(vertices, { color: "#0b5cad", weight: 2, dashArray: "4 4", interactive: false })
      .addTo(sketch);
    vertices.forEach(function (v) {
      L.circleMarker(v, { radius: 4, color: "#0b5cad", interactive: false }).addTo(sketch);
    });
  }
  function setDrawing(on) {
    drawing = on;
    vertices = [];
    redrawSketch();
    drawButton.setAttribute("aria-pressed", String(on));
    document.body.classList.toggle("drawing", on);
    toolStatus.textContent = on ? text.draw_help : "";
    if (on) map.doubleClickZoom.disable();
    else map.doubleClickZoom.enable();
  }
  function finishDrawing() {
    if (vertices.length < 3) {
      toolStatus.textContent = text.draw_too_few;
      return;
    }
    var ring = vertices.map(function (v) { return [v.lng, v.lat]; });
    ring.push(ring[0]);
    var geometry = { type: "Polygon", coordinates: [ring] };
    setDrawing(false);
    highlight(geometry);
    setParcel("");
    var subject = dated({ geometry: geometry, srs: "EPSG:4326" });
    showInfo(text.drawn_plot, [element("p", { class: "hint", text: text.loading })], true);
    revealInfo();
    postJSON(config.api.compose, subject)
      .then(function (content) {
        var merged = Object.assign({}, content, {
          area_m2: content.subject && content.subject.area_m2,
        });
        var nodes = contentNodes(merged);
        nodes.push(noteButton(subject));
        showInfo(text.drawn_plot, nodes, true);
      })
      .catch(function (error) {
        showInfo(text.drawn_plot, [element("p", { class: "error", text: error.message })], true);
      });
  }
  drawButton.addEventListener("click", function () { setDrawing(!drawing); });
  map.on("click", function (event) {
    if (!drawing) return;
    vertices.push(event.latlng);
    redrawSketch();
  });
  map.on("dblclick", function () {
    if (!drawing) return;
    // The double-click's two clicks each added the same corner.
    vertices.pop();
    finishDrawing();
  });
  map.getContainer().addEventListener("keydown", function (event) {
    if (!drawing || event.target !== map.getContainer()) return;
    if (event.key === " ") {
      event.preventDefault();
      vertices.push(map.getCenter());
      redrawSketch();
    } else if (event.key === "Enter") {
      event.preventDefault();
      finishDrawing();
    } else if (event.key === "Backspace") {
      event.preventDefault();
      vertices.pop();
      redrawSketch();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (drawing && event.key === "Escape") setDrawing(false);
  });

  $("share-button").addEventListener("click", function () {
    writeHash();
    var url = location.href;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () {
        toolStatus.textContent = text.link_copied;
      }, function () { showLink(url); });
    } else {
      showLink(url);
    }
  });
  function showLink(url) {
    var field = element("input", { type: "text", readonly: "", value: url, class: "share-field",
                                    "aria-label": text.link_ready });
    toolStatus.replaceChildren(element("span", { text: text.link_ready + " " }), field);
    field.select();
  }

  // The printed page says what it shows: the agencies and documents in view
  // and the day of the zoning (kept current, as print media can come anytime).
  var printDay = asOf ? new Date(asOf + "T12:00:00") : new Date();
  $("print-as-of").textContent = format(text.zoning_as_of, {
    date: printDay.toLocaleDateString(numberLocale, { dateStyle: "long" }),
  });
  function describePrint() {
    var view = map.getBounds(), agencies = [], documents = [];
    config.tree.forEach(function (agency) {
      var known = config.agencies.filter(function (a) { return a.code === agency.code; })[0];
      if (known && !view.intersects(agencyBounds(known))) return;
      agencies.push(agency.name);
      agency.documents.forEach(function (doc) {
        var shown = doc.layers.some(function (entry) { return map.hasLayer(tileLayers[entry.name]); });
        if (shown) documents.push(doc.reference + " — " + doc.title);
      });
    });
    $("print-agency").textContent = agencies.join(" ; ");
    $("print-documents").textContent = documents.join(" ; ");
  }
  map.on("moveend", describePrint);
  $("print-button").addEventListener("click", function () { window.print(); });
  // The printed map has another size: let Leaflet fetch the tiles it needs.
  window.addEventListener("beforeprint", function () { map.invalidateSize(); });
  window.addEventListener("afterprint", function () { map.invalidateSize(); });

  /* --- the date of the zoning ---------------------------------------------- */
  // Another day is another set of layers: the page reloads for it, keeping
  // the view and the parcel (?at= then stays in the link).
  $("date-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var day = $("date-input").value;
    writeHash();
    location.assign(location.pathname + (day ? "?at=" + day : "") + location.hash);
  });
  var today = $("date-today");
  if (today) {
    today.addEventListener("click", function (event) {
      event.preventDefault();
      writeHash();
      location.assign(location.pathname + location.hash);
    });
  }

  /* --- reopen a shared link ------------------------------------------------- */
  if (initial.parcel) {
    openParcel({ reference: initial.parcel, agency: initial.agency },
               { focus: false, zoom: !initial.view });
  }
  writeHash();
  describePrint();
  window.geoportailMap = map;
  performance.mark("map-script-end");
})();
