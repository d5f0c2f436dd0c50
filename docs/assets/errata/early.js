// A #diagnose= link: start the Python runtime before the rest of the page loads.
// A file, not an inline script, so the Content-Security-Policy allows no inline script.
(function () {
  var script = document.currentScript;
  if (location.hash.indexOf("#diagnose=") !== 0 || !window.Worker || !script) return;
  try {
    window.__errataWorker = new Worker(new URL(script.dataset.worker, location.href), { type: "module" });
    window.__errataWorker.onerror = function () { window.__errataWorkerFailed = true; };
    window.__errataWorker.postMessage({ type: "start" });
  } catch (e) {}
})();
