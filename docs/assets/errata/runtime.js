// The page's side of the worker protocol: one Python runtime per tab, kept across
// instant navigation, with a time budget per request.
import * as protocol from "./protocol.js";
import { ROOT } from "./site.js";

export const runtime = {
  worker: null,
  ready: false,
  failed: null,
  timings: null, // the worker's clock at boot, for the benchmarks
  nextId: 1,
  waiting: new Map(), // id -> {resolve, reject, timer}
  listeners: new Set(), // progress callbacks: a stage name, or null once ready or failed
};

// A request the worker has not answered this long after the runtime was ready is
// abandoned: Python cannot be interrupted, so the worker is replaced. Boot time does
// not count. Tests lower it with window.__errataBudgetMs, read at request time.
const BUDGET_MS = 10000;

function notify(stage) {
  runtime.listeners.forEach((fn) => fn(stage));
}

function failAll(message) {
  runtime.failed = message;
  runtime.waiting.forEach(({ reject }) => reject(new Error(message)));
  runtime.waiting.clear();
  notify(null);
}

function settle(msg) {
  const pending = runtime.waiting.get(msg.id);
  runtime.waiting.delete(msg.id);
  if (!pending) return;
  clearTimeout(pending.timer);
  if (msg.type === protocol.RESULT) pending.resolve(msg.result);
  else pending.reject(new Error(msg.message));
}

function onMessage(event) {
  const msg = event.data || {};
  if (msg.type === protocol.PROGRESS) notify(msg.stage);
  else if (msg.type === protocol.READY) {
    runtime.ready = true;
    runtime.timings = msg.timings;
    runtime.waiting.forEach((_, id) => arm(id)); // the budget starts once the runtime is ready
    notify(null);
  } else if (msg.type === protocol.RESULT || (msg.type === protocol.ERROR && msg.id)) settle(msg);
  else if (msg.type === protocol.ERROR) failAll(msg.message);
}

/** Start the worker (idempotent). The runtime keeps running across page changes. */
export function startRuntime() {
  if (runtime.worker || runtime.failed) return;
  if (window.__errataWorkerFailed) {
    failAll("The diagnostic could not start: its files failed to load.");
    return;
  }
  if (typeof Worker === "undefined" || typeof WebAssembly === "undefined") {
    failAll("This browser cannot run the diagnostic (it needs WebAssembly and module workers).");
    return;
  }
  try {
    // early.js in <head> may have started it already, for a #diagnose= link.
    runtime.worker = window.__errataWorker || new Worker(new URL("assets/errata/worker.js", ROOT), { type: "module" });
  } catch (error) {
    failAll("This browser cannot run the diagnostic (module workers are not supported).");
    return;
  }
  runtime.worker.onmessage = onMessage;
  runtime.worker.onerror = (event) => {
    event.preventDefault();
    failAll("The diagnostic could not start: its files failed to load.");
  };
  runtime.worker.postMessage({ type: protocol.START });
}

function restartRuntime(message) {
  const worker = runtime.worker;
  runtime.worker = null;
  runtime.ready = false;
  window.__errataWorker = null; // the <head> worker is the one being killed
  if (worker) worker.terminate();
  runtime.waiting.forEach(({ reject, timer }) => {
    clearTimeout(timer);
    reject(new Error(message));
  });
  runtime.waiting.clear();
  startRuntime();
}

function arm(id) {
  const pending = runtime.waiting.get(id);
  if (!pending || pending.timer) return;
  const budget = Number(window.__errataBudgetMs) > 0 ? Number(window.__errataBudgetMs) : BUDGET_MS;
  pending.timer = setTimeout(() => {
    if (!runtime.waiting.has(id)) return;
    const seconds = budget >= 1000 ? Math.round(budget / 1000) : budget / 1000;
    restartRuntime(`This paste took too long to read (over ${seconds} s); the diagnostic was restarted. ` +
      "Try a shorter excerpt around the error.");
  }, budget);
}

/** Ask the worker for one of protocol.REQUESTS; resolves with the engine's answer. */
export function request(type, fields) {
  startRuntime();
  if (runtime.failed) return Promise.reject(new Error(runtime.failed));
  const id = runtime.nextId++;
  return new Promise((resolve, reject) => {
    runtime.waiting.set(id, { resolve, reject });
    runtime.worker.postMessage(protocol.request(type, id, fields));
    if (runtime.ready) arm(id);
  });
}

export const diagnose = (text) => request(protocol.DIAGNOSE, { text });
export const redact = (text, limit) => request(protocol.REDACT, { text, limit });
export const checkRule = (yaml, paste) => request(protocol.PLAYGROUND, { yaml, paste });
export const mcp = (fields) => request(protocol.MCP, fields);
