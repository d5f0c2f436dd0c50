// The page's side of the worker protocol: one Python runtime per tab, kept across
// instant navigation, with a time budget per request and a watchdog while it starts.
import * as protocol from "./protocol.js";
import { describeResponse, fileName, megabytes } from "./loading.js";
import { ROOT } from "./site.js";

export const runtime = {
  worker: null,
  ready: false,
  failed: null,
  timings: null, // the worker's clock at boot, for the benchmarks
  progress: null, // the last {stage, loaded, total, files} while starting
  nextId: 1,
  waiting: new Map(), // id -> {resolve, reject, timer}
  listeners: new Set(), // progress callbacks: (stage, progress), or (null) once ready or failed
  stallTimer: null,
};

// A request the worker has not answered this long after the runtime was ready is
// abandoned: Python cannot be interrupted, so the worker is replaced. Boot time does
// not count. Tests lower it with window.__errataBudgetMs, read at request time.
const BUDGET_MS = 10000;

// A start that sends nothing (no bytes, no stage) for this long has failed: a stalled
// download. Tests lower it with window.__errataStallMs.
const STALL_MS = 10000;
// Once the files are in, Python starts inside the worker and cannot say anything until
// it is done: on a 2-core machine shared by several test runs that took 13 s and once
// over 30 s, so a silent start gets longer before it counts as stuck. Tests lower it
// with window.__errataStartMs.
const START_MS = 60000;

// The worker script and its imports: when the worker cannot even run, each is asked
// again to say which one failed and what answered.
const WORKER_FILES = ["worker.js", "protocol.js", "loading.js"];

function notify(stage, progress) {
  runtime.listeners.forEach((fn) => fn(stage, progress));
}

function stopWatchdog() {
  clearTimeout(runtime.stallTimer);
  runtime.stallTimer = null;
}

/** The runtime could not start: the first reason is kept; the worker, if any, is stopped. */
function failAll(message) {
  stopWatchdog();
  if (!runtime.failed) runtime.failed = message;
  if (runtime.worker) runtime.worker.terminate();
  runtime.worker = null;
  window.__errataWorker = null;
  runtime.waiting.forEach(({ reject }) => reject(new Error(runtime.failed)));
  runtime.waiting.clear();
  notify(null);
}

function stalled(limit) {
  const progress = runtime.progress || {};
  const seconds = Math.round(limit / 100) / 10;
  const received = progress.loaded ? ` (${megabytes(progress.loaded)} received so far)` : "";
  const files = (progress.files || []).join(", ");
  failAll(files
    ? `The diagnostic could not start: nothing arrived for ${seconds} s while downloading ${files}${received}; the connection stalled or something on the way is holding the file.`
    : `The diagnostic could not start: the Python runtime made no progress for ${seconds} s at the step "${progress.stage || "Starting"}"${received}.`);
}

const downloading = () => !runtime.progress || Boolean(runtime.progress.files && runtime.progress.files.length);
const setting = (name, fallback) => (Number(window[name]) > 0 ? Number(window[name]) : fallback);
const stallMs = () => (downloading() ? setting("__errataStallMs", STALL_MS) : setting("__errataStartMs", START_MS));

function armWatchdog() {
  stopWatchdog();
  const limit = stallMs();
  if (!runtime.ready && !runtime.failed) runtime.stallTimer = setTimeout(() => stalled(limit), limit);
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
  if (msg.type === protocol.PROGRESS) {
    if (runtime.ready) return; // later downloads (the playground's) are not the start
    runtime.progress = { ...runtime.progress, ...msg };
    armWatchdog(); // any word from a starting worker is progress
    notify(msg.stage, runtime.progress);
  } else if (msg.type === protocol.READY) {
    stopWatchdog();
    runtime.ready = true;
    runtime.timings = msg.timings;
    runtime.waiting.forEach((_, id) => arm(id)); // the budget starts once the runtime is ready
    notify(null);
  } else if (msg.type === protocol.RESULT || (msg.type === protocol.ERROR && msg.id)) settle(msg);
  else if (msg.type === protocol.ERROR) failAll(msg.message);
}

// The worker did not run at all: ask for its files again to say which one failed and how.
async function workerFailed() {
  for (const name of WORKER_FILES) {
    const url = new URL(`assets/errata/${name}`, ROOT);
    let problem;
    try {
      problem = describeResponse(url, await fetch(url, { cache: "no-store" }));
    } catch (_) {
      problem = `${fileName(url)} could not be downloaded (the connection failed or something on the way blocked it)`;
    }
    if (problem) return failAll(`The diagnostic could not start: ${problem}.`);
  }
  // Module workers: Chrome 80, Firefox 114, Safari 15 (https://developer.mozilla.org/en-US/docs/Web/API/Worker/Worker).
  failAll("The diagnostic could not start: its worker script did not run. This browser may not support module workers (Chrome 80, Firefox 114 and Safari 15 do).");
}

/** Start the worker (idempotent). The runtime keeps running across page changes. */
export function startRuntime() {
  if (runtime.worker || runtime.failed) return;
  if (typeof WebAssembly === "undefined") {
    failAll("The diagnostic could not start: this browser has no WebAssembly, or it is turned off (the Python runtime needs it).");
    return;
  }
  if (typeof Worker === "undefined") {
    failAll("The diagnostic could not start: this browser has no web workers (the Python runtime runs in one).");
    return;
  }
  if (window.__errataWorkerFailed) {
    runtime.worker = window.__errataWorker; // so a second start does not create another
    workerFailed();
    return;
  }
  try {
    // early.js in <head> may have started it already, for a #diagnose= link.
    runtime.worker = window.__errataWorker || new Worker(new URL("assets/errata/worker.js", ROOT), { type: "module" });
  } catch (error) {
    failAll("The diagnostic could not start: this browser does not support module workers (Chrome 80, Firefox 114 and Safari 15 do).");
    return;
  }
  runtime.worker.onmessage = onMessage;
  runtime.worker.onerror = (event) => {
    event.preventDefault();
    if (!runtime.ready) workerFailed();
  };
  armWatchdog();
  runtime.worker.postMessage({ type: protocol.START });
}

function restartRuntime(message) {
  const worker = runtime.worker;
  runtime.worker = null;
  runtime.ready = false;
  runtime.progress = null;
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
