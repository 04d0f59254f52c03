/* The installable app, on every page: registers the service worker, shows the
   offline banner, and on the map keeps the last parcel viewed (localStorage)
   to reopen it. Loaded before the map's own script, which it leaves alone: it
   reads the map's permalink (#map=…&agency=…&parcel=…) and its panel title. */
(function () {
  "use strict";
  var script = document.currentScript;
  // The parcel's reference and its agency's code: together, what names it.
  var LAST_PARCEL = "geoportail.lastParcel", LAST_AGENCY = "geoportail.lastAgency";

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
    var last = storage.getItem(LAST_PARCEL), lastAgency = storage.getItem(LAST_AGENCY);
    // A plain visit reopens it; a shared link or a view of the map wins.
    if (last && !location.hash) {
      var hash = new URLSearchParams();
      if (lastAgency) hash.set("agency", lastAgency);
      hash.set("parcel", last);
      history.replaceState(null, "", location.pathname + location.search + "#" +
                           hash.toString().replace(/\+/g, "%20"));
    }
    new MutationObserver(function () {
      var parcel = hashParams().get("parcel"), agency = hashParams().get("agency") || "";
      if (!parcel || (parcel === storage.getItem(LAST_PARCEL) &&
                      agency === (storage.getItem(LAST_AGENCY) || ""))) return;
      storage.setItem(LAST_PARCEL, parcel);
      storage.setItem(LAST_AGENCY, agency);
      keepForOffline(config, parcel, agency);
    }).observe(title, { childList: true, characterData: true, subtree: true });
  }

  /* What reopening a parcel asks (map.js, "reopen a shared link"): its
     composed content, by agency and reference, for today (a plain visit has
     no date); asked once online so that the service worker keeps it for an
     offline reopening, with the body map.js sends. */
  function keepForOffline(config, parcel, agency) {
    if (!navigator.onLine) return;
    var subject = agency ? { parcel: parcel, agency: agency } : { parcel: parcel };
    fetch(config.api.compose, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(subject),
    }).catch(function () {});
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
