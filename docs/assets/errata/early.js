// A #diagnose= link: start the Python runtime before the rest of the page loads.
// A file, not an inline script, so the Content-Security-Policy allows no inline script.
// A classic script in <head> before the stylesheets (overrides/main.html puts it only on
// pages with a paste box), so nothing waits for them: it only creates the worker, which
// boots on creation; runtime.js adopts it and speaks protocol.js with it. The reader
// asked for a diagnosis, so this starts on any connection, metered or not.
(function () {
  var script = document.currentScript;
  if (location.hash.indexOf("#diagnose=") !== 0 || !window.Worker || !window.WebAssembly || !script) return;
  var worker;
  try {
    worker = window.__errataWorker = new Worker(new URL(script.dataset.worker, location.href), { type: "module" });
    worker.onerror = function () { window.__errataWorkerFailed = true; };
  } catch (e) {
    return;
  }
  holdSearchIndex(worker);
})();

// The theme loads its search index as the page starts (search/search_index.json, 1 MB
// before compression, then indexed by its search worker), and on a deep link that
// competes with the runtime for the link and the processor. Material has no setting for
// when it loads, so its request is held here until the worker answers (ready or failed),
// the reader reaches for the search, or 15 s have passed; then it goes out as it was.
function holdSearchIndex(worker) {
  var request = XMLHttpRequest.prototype;
  var open = request.open;
  var send = request.send;
  var held = [];
  var released = false;
  function release() {
    if (released) return;
    released = true;
    held.forEach(function (call) { send.apply(call[0], call[1]); });
    held = [];
  }
  request.open = function (method, url) {
    this.__errataSearchIndex = /\/search\/search_index\.json(\?|$)/.test(String(url));
    return open.apply(this, arguments);
  };
  request.send = function () {
    if (!released && this.__errataSearchIndex) {
      held.push([this, arguments]);
      return undefined;
    }
    return send.apply(this, arguments);
  };
  worker.addEventListener("message", function (event) {
    var type = event.data && event.data.type;
    if (type === "ready" || type === "error") release(); // protocol.js READY and ERROR
  });
  worker.addEventListener("error", release);
  // The search opens by its label or field, or by its keyboard shortcuts (f, s, /).
  document.addEventListener("focusin", function (event) {
    if (event.target && event.target.closest && event.target.closest(".md-search, [data-md-toggle=search]")) release();
  }, true);
  document.addEventListener("click", function (event) {
    if (event.target && event.target.closest && event.target.closest("label[for=__search], .md-search")) release();
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key === "f" || event.key === "s" || event.key === "/") release();
  }, true);
  setTimeout(release, 15000);
}
