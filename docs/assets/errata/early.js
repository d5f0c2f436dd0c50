// A #diagnose= link: start the Python runtime before the rest of the page loads.
// A file, not an inline script, so the Content-Security-Policy allows no inline script.
// A classic script in <head> before the stylesheets (overrides/main.html puts it only on
// pages with a paste box), so nothing waits for them: it only creates the worker, which
// boots on creation; runtime.js adopts it and speaks protocol.js with it. The reader
// asked for a diagnosis, so this starts on any connection, metered or not.
(function () {
  var script = document.currentScript;
  if (location.hash.indexOf("#diagnose=") !== 0 || !window.Worker || !window.WebAssembly || !script) return;
  try {
    window.__errataWorker = new Worker(new URL(script.dataset.worker, location.href), { type: "module" });
    window.__errataWorker.onerror = function () { window.__errataWorkerFailed = true; };
  } catch (e) {}
})();
