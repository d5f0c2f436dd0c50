// A #diagnose= link: start the Python runtime before the rest of the page loads.
// A file, not an inline script, so the Content-Security-Policy allows no inline script.
// A classic script (it must run in <head>, before the modules): it only creates the
// worker, which boots on creation; runtime.js adopts it and speaks protocol.js with it.
(function () {
  var script = document.currentScript;
  if (location.hash.indexOf("#diagnose=") !== 0 || !window.Worker || !script) return;
  try {
    window.__errataWorker = new Worker(new URL(script.dataset.worker, location.href), { type: "module" });
    window.__errataWorker.onerror = function () { window.__errataWorkerFailed = true; };
  } catch (e) {}
})();
