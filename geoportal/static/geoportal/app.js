/* The installable app, on every page: registers the service worker, shows the
   offline banner, and on the map keeps the last parcel viewed (localStorage)
   to reopen it. Loaded before the map's own script, which it leaves alone: it
   reads the map's permalink (#map=…&parcel=…) and its panel title. */
(function () {
  "use strict";
  var script = document.currentScript;
  var LAST_PARCEL = "geoportail.lastParcel";

  /* --- offline banner ------------------------------------------------------ */
  var banner = document.getElementById("offline-banner");
  function showConnection() {
    banner.hidden = navigator.onLine;
  }
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  showConnection();

  /* --- the last parcel viewed, on the map ---------------------------------- */
  var configNode = document.getElementById("map-config");
  var storage = null;
  try {
    storage = window.localStorage;
  } catch (error) {
    // Storage refused (private mode, policy): the map works without it.
  }
  function hashParams() {
    return new URLSearchParams(location.hash.replace(/^#/, ""));
  }
  var title = document.getElementById("info-title");
  if (configNode && title && storage) {
    var config = JSON.parse(configNode.textContent);
    var last = storage.getItem(LAST_PARCEL);
    // A plain visit reopens it; a shared link or a view of the map wins.
    if (last && !location.hash) {
      history.replaceState(null, "", location.pathname + location.search +
                           "#parcel=" + encodeURIComponent(last));
    }
    new MutationObserver(function () {
      var parcel = hashParams().get("parcel");
      if (!parcel || parcel === storage.getItem(LAST_PARCEL)) return;
      storage.setItem(LAST_PARCEL, parcel);
      keepForOffline(config, parcel);
    }).observe(title, { childList: true, characterData: true, subtree: true });
  }

  /* What reopening a parcel asks (map.js, "reopen a shared link"): its search
     and the identify at its anchor; fetched once online so that the service
     worker keeps them for an offline reopening. */
  function keepForOffline(config, parcel) {
    if (!navigator.onLine) return;
    var search = config.api.search + "?q=" + encodeURIComponent(parcel);
    fetch(search, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        var hit = (data.results || []).filter(function (r) { return r.kind === "parcel"; })[0];
        if (!hit || !hit.anchor) return;
        fetch(config.api.identify + "?lon=" + hit.anchor[0].toFixed(7) +
              "&lat=" + hit.anchor[1].toFixed(7),
              { credentials: "same-origin", headers: { Accept: "application/json" } });
      })
      .catch(function () {});
  }

  /* --- service worker --------------------------------------------------------- */
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  var ready = navigator.serviceWorker.register(script.dataset.serviceWorker)
    .then(function () { return navigator.serviceWorker.ready; });
  ready.then(function () {
    document.documentElement.dataset.serviceWorker = "ready";
  }, function () {
    // No worker (refused by the browser): the site works online as before.
  });
  // What did not go through the worker (this first visit, until it takes
  // charge) is reported to it; it keeps those it keeps (cacheFor).
  function report(urls) {
    ready.then(function (registration) {
      registration.active.postMessage({ type: "keep", urls: urls });
    }, function () {});
  }
  if (!navigator.serviceWorker.controller) report([location.href.split("#")[0]]);
  new PerformanceObserver(function (list) {
    var missed = list.getEntries().filter(function (entry) { return entry.workerStart === 0; });
    if (missed.length) report(missed.map(function (entry) { return entry.name; }));
  }).observe({ type: "resource", buffered: true });
})();
