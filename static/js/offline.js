// The installable, offline side of every page: registers the service worker, saves a quick log
// on the phone when it cannot be sent, sends what is waiting when it can, shows what waits, and
// on log-out forgets this person's cached pages and queue.
(function () {
  var script = document.currentScript;
  var QUICK_LOG = script.dataset.quickLog;
  var queue = window.SpasmlogQueue;
  var accountMeta = document.querySelector('meta[name="spasmlog-account"]');
  var account = accountMeta ? accountMeta.content : null;
  var region = document.querySelector("[data-offline-queue]");
  if (!queue || !window.indexedDB || !("serviceWorker" in navigator)) return;

  navigator.serviceWorker.register(script.dataset.serviceWorker).catch(function () {});

  function csrfToken() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function entriesText(count) {
    return count + (count === 1 ? " entry" : " entries");
  }

  function entryLine(entry) {
    var when = new Date(entry.tapped_at).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
    return when + ", " + (entry.label || entry.fields.muscle);
  }

  // What waits on this phone, on every page (the home page first of all).
  function show() {
    if (!region) return Promise.resolve();
    if (!account) return queue.entries(null, true).then(function (all) {
      region.replaceChildren();
      if (all.length) {
        var note = document.createElement("p");
        note.className = "alert alert-warning";
        note.textContent = entriesText(all.length) + " saved on this phone will be sent after you log in.";
        region.append(note);
      }
      region.hidden = !all.length;
    });
    return queue.entries(account).then(function (mine) {
      region.replaceChildren();
      var waiting = mine.filter(function (entry) { return !entry.refused; });
      var refused = mine.filter(function (entry) { return entry.refused; });
      if (waiting.length) {
        var status = document.createElement("p");
        status.className = "alert alert-warning mb-2";
        status.textContent = "Saved on this phone, it will be sent when you are online (" +
          waiting.length + " waiting).";
        var list = document.createElement("ul");
        list.className = "small mb-0 mt-1";
        waiting.forEach(function (entry) {
          var item = document.createElement("li");
          item.textContent = entryLine(entry);
          list.append(item);
        });
        status.append(list);
        region.append(status);
      }
      refused.forEach(function (entry) {
        var box = document.createElement("div");
        box.className = "alert alert-danger mb-2";
        box.textContent = "Not saved: " + entryLine(entry) + ". " + entry.refused + " ";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-danger";
        button.textContent = "Remove it from this phone";
        button.addEventListener("click", function () { queue.remove(entry.client_id).then(show); });
        box.append(button);
        region.append(box);
      });
      region.hidden = !region.childElementCount;
    });
  }

  function sendWaiting() {
    if (!account) return Promise.resolve();
    return queue.send(account, QUICK_LOG, csrfToken()).then(show, show);
  }

  function askForBackgroundSync() {
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register("spasmlog-queue");
    }).catch(function () {});
  }

  // Keep this person's quick log for a night without a connection, even if they never open it.
  function keepQuickLog() {
    caches.open(queue.PAGES_CACHE).then(function (cache) {
      return cache.match(QUICK_LOG).then(function (kept) {
        if (kept) return;
        return fetch(QUICK_LOG, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(QUICK_LOG, response);
        });
      });
    }).catch(function () {});
  }

  function quickLog(form) {
    var idInput = form.querySelector('input[name="client_id"]');
    // A page opened from the phone's copy carries that copy's id: each showing gets its own.
    function freshId() { if (idInput) idInput.value = queue.newId(); }
    freshId();
    window.addEventListener("pageshow", function (event) { if (event.persisted) freshId(); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      var fields = {};
      data.forEach(function (value, name) {
        if (["csrfmiddlewaretoken", "client_id", "tapped_at"].indexOf(name) === -1) fields[name] = value;
      });
      var checked = form.querySelector('input[name="muscle"]:checked');
      var label = checked && form.querySelector('label[for="' + checked.id + '"]');
      var entry = {
        client_id: data.get("client_id") || queue.newId(),
        account: account,
        tapped_at: new Date().toISOString(),
        fields: fields,
        label: label ? label.textContent.trim() : "",
      };
      // On the phone first: whatever happens to the request, the tap is not lost.
      queue.add(entry).then(function () {
        return queue.sendOne(entry, form.action, csrfToken());
      }).then(function (result) {
        if (result.outcome === "sent") {
          window.location.assign(result.url);
        } else if (result.outcome === "refused") {
          queue.remove(entry.client_id).then(function () { form.submit(); }); // the form shows why
        } else {
          freshId();
          askForBackgroundSync();
          return show().then(function () { region.focus(); });
        }
      });
    });
  }

  function logOut(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      queue.entries(account).then(function (mine) {
        var waiting = mine.filter(function (entry) { return !entry.refused; }).length;
        if (waiting && !window.confirm(entriesText(waiting) +
            " saved on this phone not sent yet. Log out and delete them?")) return;
        // A shared phone keeps no one's diary: this person's queue and every cached page go.
        return queue.forget(account).then(function () { return queue.forgetCaches(true); })
          .then(function () { form.submit(); });
      }).catch(function () { form.submit(); });
    });
  }

  if (account) {
    var quickLogForm = document.querySelector("form.quick-log");
    if (quickLogForm) quickLog(quickLogForm);
    var logoutForm = document.querySelector("form[data-log-out]");
    if (logoutForm) logOut(logoutForm);
    window.addEventListener("online", sendWaiting);
    show().then(sendWaiting).then(keepQuickLog);
  } else {
    // Signed out (or the session expired): no one's pages stay; the queue waits for a log-in.
    queue.forgetCaches(false).catch(function () {});
    show();
  }
})();
