// Spasmlog's service worker (made by diary/views/app.py). Pages come from the network first,
// so nothing stale is shown online; without a connection the quick log opens from the copy
// kept at the last visit, and any other page shows the offline page.
importScripts("{{ queue_script|escapejs }}");

var SHELL_CACHE = SpasmlogQueue.SHELL_CACHE_PREFIX + "{{ version|escapejs }}";
var SHELL = {{ shell|safe }};
var OFFLINE_PAGE = "{{ offline_page|escapejs }}";
var QUICK_LOG = "{{ quick_log|escapejs }}";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf(SpasmlogQueue.SHELL_CACHE_PREFIX) === 0 && name !== SHELL_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function isQuickLog(url) {
  return url.pathname === QUICK_LOG;
}

function page(request) {
  var url = new URL(request.url);
  return fetch(request).then(function (response) {
    if (isQuickLog(url) && response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(SpasmlogQueue.PAGES_CACHE).then(function (cache) { cache.put(QUICK_LOG, copy); });
    }
    return response;
  }, function () {
    var kept = isQuickLog(url)
      ? caches.open(SpasmlogQueue.PAGES_CACHE).then(function (cache) { return cache.match(QUICK_LOG); })
      : Promise.resolve(undefined);
    return kept.then(function (response) {
      return response || caches.match(OFFLINE_PAGE, { cacheName: SHELL_CACHE });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request, { cacheName: SHELL_CACHE }).then(function (hit) {
      return hit || fetch(request);
    }));
  }
});

// Background Sync: the connection is back and perhaps no page is open. The quick log page
// (from the network) says who is signed in and carries a fresh CSRF token; a redirect to the
// log-in page means the session has expired, and the entries wait for the next log-in.
function sendInBackground() {
  return fetch(QUICK_LOG, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
    if (response.type === "opaqueredirect" || !response.ok) return;
    return response.text().then(function (html) {
      var account = /<meta name="spasmlog-account" content="(\d+)">/.exec(html);
      var token = /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html);
      if (account && token) return SpasmlogQueue.send(account[1], QUICK_LOG, token[1]);
    });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag === "spasmlog-queue") event.waitUntil(sendInBackground());
});
