// The phone's queue of quick logs saved without a connection, shared by the pages and the
// service worker. Each entry keeps the moment Save was tapped and its own id (client_id), so
// sending it late dates it right and sending it twice saves it once.
(function (scope) {
  var DB_NAME = "spasmlog";
  var STORE = "queue";
  var PAGES_CACHE = "spasmlog-pages"; // the person's own pages (the quick log): never shared
  var SHELL_CACHE_PREFIX = "spasmlog-shell-";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "client_id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(STORE, mode);
        var result = work(transaction.objectStore(STORE));
        transaction.oncomplete = function () { db.close(); resolve(result && result.result); };
        transaction.onerror = function () { db.close(); reject(transaction.error); };
      });
    });
  }

  function newId() {
    if (scope.crypto.randomUUID) return scope.crypto.randomUUID();
    var bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // Entries of one person (the account id of the page they were tapped on), or everyone's.
  function entries(account, everyone) {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (all) {
      return all.filter(function (entry) { return everyone || entry.account === account; })
        .sort(function (a, b) { return a.tapped_at < b.tapped_at ? -1 : 1; });
    });
  }

  function add(entry) {
    return withStore("readwrite", function (store) { store.put(entry); });
  }

  function remove(clientId) {
    return withStore("readwrite", function (store) { store.delete(clientId); });
  }

  function forget(account) {
    return entries(account).then(function (mine) {
      return withStore("readwrite", function (store) {
        mine.forEach(function (entry) { store.delete(entry.client_id); });
      });
    });
  }

  // What happened to one entry: {outcome: "sent", url}, "refused" (the server will never take
  // it as it is; the entry stays, marked, until the person removes it), or "later" (no
  // connection, or no session: it waits for the next load, log-in or Background Sync).
  function sendOne(entry, url, csrfToken) {
    var body = new FormData();
    Object.keys(entry.fields).forEach(function (name) { body.append(name, entry.fields[name]); });
    body.append("client_id", entry.client_id);
    body.append("tapped_at", entry.tapped_at);
    body.append("csrfmiddlewaretoken", csrfToken);
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json || (!response.ok && response.status !== 400)) return { outcome: "later" };
      return response.json().then(function (answer) {
        if (response.ok) {
          return remove(entry.client_id).then(function () { return { outcome: "sent", url: answer.url }; });
        }
        var messages = [];
        Object.keys(answer.errors).forEach(function (field) {
          messages = messages.concat(answer.errors[field]);
        });
        entry.refused = messages.join(" ");
        return add(entry).then(function () { return { outcome: "refused", errors: answer.errors }; });
      });
    }, function () { return { outcome: "later" }; });
  }

  // Send this person's waiting entries one by one, oldest first; stop at the first "later".
  var sending = null;
  function send(account, url, csrfToken) {
    if (sending) return sending; // one round at a time per page; the server dedups the rest
    sending = entries(account).then(function (mine) {
      var waiting = mine.filter(function (entry) { return !entry.refused; });
      return waiting.reduce(function (previous, entry) {
        return previous.then(function (stopped) {
          if (stopped) return true;
          return sendOne(entry, url, csrfToken).then(function (result) { return result.outcome === "later"; });
        });
      }, Promise.resolve(false));
    }).then(function (stopped) { sending = null; return stopped; }, function (error) { sending = null; throw error; });
    return sending;
  }

  function forgetCaches(all) {
    return scope.caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name === PAGES_CACHE || (all && name.indexOf(SHELL_CACHE_PREFIX) === 0);
      }).map(function (name) { return scope.caches.delete(name); }));
    });
  }

  scope.SpasmlogQueue = {
    PAGES_CACHE: PAGES_CACHE,
    SHELL_CACHE_PREFIX: SHELL_CACHE_PREFIX,
    newId: newId,
    entries: entries,
    add: add,
    remove: remove,
    forget: forget,
    sendOne: sendOne,
    send: send,
    forgetCaches: forgetCaches,
  };
})(self);
