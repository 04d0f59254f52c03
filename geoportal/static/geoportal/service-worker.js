/* The installable app's service worker, served at /service-worker.js so that its
   scope is the whole site (geoportal/webapp.py).

   What it keeps, and only that: the map page and the offline page (at install),
   the static files, the agencies' territories, the map's tiles and look-ups (identify, search, TileJSON,
   composed content), and the issued notes a citizen opened (page, map, PDF).
   Planner pages, the admin and verification pages always go to the network,
   and no answer marked private or no-store is kept (a planner's map page and
   draft tiles): a shared device must never show them to the next person.

   Strategies: pages and data try the network first and fall back on the copy
   kept (then on the offline page); static files answer from the copy and
   refresh it behind (their names change with their content in production). */
"use strict";

var CACHE = "geoportail-app-v1";
var TILES = "geoportail-tiles-v1";
var LOOKUPS = "geoportail-lookups-v1";
// The most entries kept, oldest dropped first: about 30 MB of vector tiles,
// the look-ups of the last parcels and places opened.
var LIMITS = { "geoportail-tiles-v1": 1500, "geoportail-lookups-v1": 300 };
var SCOPE = new URL(self.registration.scope);
var MAP_PAGE = new URL("./", SCOPE).href;
var OFFLINE_PAGE = new URL("./offline", SCOPE).href;
var COMPOSE = new URL("./api/v1/notes/compose", SCOPE).pathname;
/* Pages vary by language and cookie; offline, the copy this device kept is
   the answer, whatever headers the request that kept it carried. */
var MATCH = { ignoreVary: true };

/* Which same-origin GET addresses are kept, and in which cache. */
function cacheFor(url) {
  if (url.origin !== SCOPE.origin) return null;
  var path = url.pathname;
  if (/^\/tiles\/[^/]+\.json$/.test(path)) return CACHE; // TileJSON
  if (/^\/tiles\//.test(path)) return TILES;
  // A navigation's address keeps its fragment (the map's #map=…&parcel=…).
  var page = url.href.split("#")[0];
  if (page === MAP_PAGE || page === OFFLINE_PAGE) return CACHE;
  if (/^\/static\//.test(path)) return CACHE;
  if (/^\/notes\/[^/]+\/(pdf|map\.png)?$/.test(path)) return CACHE;
  if (path === "/territories.geojson") return CACHE; // the national view
  if (/^\/api\/v1\/(identify|search)$/.test(path)) return LOOKUPS;
  return null;
}

function keepable(response) {
  var control = (response && response.headers.get("Cache-Control")) || "";
  return Boolean(response) && response.ok && response.type === "basic" &&
    !/\b(private|no-store)\b/.test(control);
}

function keep(cacheName, request, response) {
  if (!keepable(response)) return Promise.resolve();
  return caches.open(cacheName).then(function (cache) {
    return cache.put(request, response).then(function () {
      return LIMITS[cacheName] ? trim(cache, LIMITS[cacheName]) : undefined;
    });
  });
}

function trim(cache, limit) {
  return cache.keys().then(function (keys) {
    // Oldest first: the cache keeps the order of insertion.
    return Promise.all(keys.slice(0, Math.max(0, keys.length - limit)).map(function (key) {
      return cache.delete(key);
    }));
  });
}

/* The page gets the network's answer at once; its copy is written (and the
   cache trimmed) behind it, never in the answer's way. */
function networkFirst(event, request, cacheName, fallback) {
  return fetch(request).then(function (response) {
    event.waitUntil(keep(cacheName, request, response.clone()).catch(function () {}));
    return response;
  }, function () {
    return caches.match(request, MATCH).then(function (kept) {
      return kept || fallback();
    });
  });
}

function fromCacheThenRefresh(event, request) {
  var refresh = fetch(request).then(function (response) {
    return keep(CACHE, request, response.clone()).then(function () { return response; });
  });
  event.waitUntil(refresh.catch(function () {}));
  return caches.match(request, MATCH).then(function (kept) { return kept || refresh; });
}

/* The composed content is a POST: its copy is kept under a GET address made of
   the body, so the last parcels opened read the same offline. */
function composeKey(body) {
  return new Request(COMPOSE + "?body=" + encodeURIComponent(body));
}

function compose(event, request) {
  return request.clone().text().then(function (body) {
    var key = composeKey(body);
    return fetch(request).then(function (response) {
      event.waitUntil(keep(LOOKUPS, key, response.clone()).catch(function () {}));
      return response;
    }, function () {
      return caches.match(key, MATCH).then(function (kept) {
        return kept || Promise.reject(new TypeError("offline"));
      });
    });
  });
}

function offlinePage() {
  return caches.match(OFFLINE_PAGE, MATCH).then(function (page) {
    return page || Response.error();
  });
}

self.addEventListener("install", function (event) {
  // Not cache.addAll: it would keep a planner's private map page too.
  event.waitUntil(
    Promise.all([MAP_PAGE, OFFLINE_PAGE].map(function (address) {
      return fetch(address, { credentials: "same-origin" }).then(function (response) {
        return keep(CACHE, new Request(address), response);
      });
    })).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name !== CACHE && name !== TILES && name !== LOOKUPS;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method === "POST" && url.origin === SCOPE.origin && url.pathname === COMPOSE) {
    event.respondWith(compose(event, request));
    return;
  }
  if (request.method !== "GET") return;
  var cacheName = cacheFor(url);
  if (request.mode === "navigate") {
    event.respondWith(cacheName
      ? networkFirst(event, request, cacheName, offlinePage)
      : fetch(request).catch(offlinePage));
    return;
  }
  if (!cacheName) return;
  if (/^\/static\//.test(url.pathname)) {
    event.respondWith(fromCacheThenRefresh(event, request));
    return;
  }
  event.respondWith(networkFirst(event, request, cacheName, function () { return Response.error(); }));
});

/* A page reports what it loaded before this worker controlled it (its first
   visit): the kept ones among them are fetched into the caches. */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) return;
  event.waitUntil(Promise.all(data.urls.map(function (address) {
    var url = new URL(address, SCOPE);
    var cacheName = cacheFor(url);
    if (!cacheName) return null;
    return caches.match(url.href, MATCH).then(function (kept) {
      if (kept) return null;
      return fetch(url.href, { credentials: "same-origin" }).then(function (response) {
        return keep(cacheName, new Request(url.href), response);
      }).catch(function () {});
    });
  })));
});
