// The runtime's downloads, watched: bytes loaded for the page's progress bar, and
// a plain reason when a file fails (which file, what answered) instead of the
// runtime's own "Program terminated with exit(1)" or a silent hang.
// Shared by both sides: worker.js installs the fetch watcher; runtime.js (the page)
// uses describeResponse and explainFailure for the worker script itself.
import * as protocol from "./protocol.js";

// What the first bytes of a file must be, by how its name ends. A TLS-inspecting proxy
// or a captive portal answers with its own page, often with status 200.
const SIGNATURES = [
  [".wasm", [0x00, 0x61, 0x73, 0x6d], "WebAssembly"], // \0asm
  [".zip", [0x50, 0x4b], "a zip archive"], // PK
  [".whl", [0x50, 0x4b], "a wheel (zip archive)"],
];

// Error texts from browsers and the runtime, by what they mean. The first that matches wins.
const EXPLANATIONS = [
  [/Refused to compile or instantiate WebAssembly|wasm-unsafe-eval|unsafe-eval/i,
    "the browser refused to run WebAssembly on this page (a Content-Security-Policy without 'wasm-unsafe-eval', or a setting or extension that blocks it)"],
  [/WebAssembly is not defined|WebAssembly\.\w+ is not a function/i,
    "this browser has no WebAssembly, or it is turned off"],
  [/Failed to fetch dynamically imported module:?\s*(\S+)|error loading dynamically imported module:?\s*(\S+)|Importing a module script failed/i,
    "a script of the runtime could not be loaded"],
  [/out of memory|Out of memory|Maximum call stack/i,
    "the browser ran out of memory while starting the runtime"],
];

/** The last part of a URL's path: the file a reader can look for. */
export const fileName = (url) => {
  try {
    return decodeURIComponent(new URL(String(url), self.location.href).pathname.split("/").filter(Boolean).pop() || String(url));
  } catch (_) {
    return String(url);
  }
};

const megabytes = (n) => `${(n / 1e6).toFixed(1)} MB`;

/** Why a response is not the file that was asked for, or null when it looks right (headers only). */
export function describeResponse(url, response) {
  const name = fileName(url);
  if (!response.ok) return `${name} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  const type = (response.headers.get("content-type") || "").split(";")[0].trim();
  if (/^text\/html$/i.test(type) && !/\.html?$/i.test(new URL(String(url), self.location.href).pathname)) {
    return `${name} was answered with a web page (${type}) instead of the file; a proxy or filter on your network may have replaced it`;
  }
  return null;
}

function signatureOf(url) {
  const path = new URL(String(url), self.location.href).pathname.toLowerCase();
  const found = SIGNATURES.find(([end]) => path.endsWith(end));
  return found ? { bytes: found[1], kind: found[2] } : null;
}

function looksLikeText(bytes) {
  return bytes.length > 0 && Array.from(bytes.slice(0, 64)).every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
}

/** Why the first bytes of a file are not what its name promises, or null. */
export function describeStart(url, head) {
  const signature = signatureOf(url);
  if (!signature || head.length < signature.bytes.length) return null;
  if (signature.bytes.every((b, i) => head[i] === b)) return null;
  const what = looksLikeText(head) ? "text (probably a web page from a proxy or filter on your network)" : "something else";
  return `${fileName(url)} is not ${signature.kind}: it was answered with ${what}`;
}

/** A start failure in plain words: which file or what the browser refused. Never the runtime's exit code. */
export function explainFailure(error) {
  const text = String((error && error.message) || error || "");
  for (const [pattern, meaning] of EXPLANATIONS) {
    const match = text.match(pattern);
    if (!match) continue;
    const url = match.slice(1).find(Boolean);
    return url ? `${meaning} (${fileName(url)})` : meaning;
  }
  if (/Program terminated|exit\(\d+\)|Aborted\(|RuntimeError/i.test(text)) return "the Python runtime stopped while starting";
  return text.split("\n").slice(-2).join(" ").slice(0, 300) || "an unknown error";
}

// --- the worker's side ----------------------------------------------------------------

const state = {
  failure: null, // the first problem found in a download, in plain words
  loaded: 0, // bytes of runtime files received so far
  expected: 0, // their declared sizes, where known
  unknown: false, // some file's size is not known (a compressed transfer)
  pending: new Map(), // names of the files still downloading
  optional: new Set(), // URLs whose failure the caller handles (the snapshot): never a start failure
  prefetched: new Map(), // URL -> the response promise of a download started before the runtime asked
  timers: [], // link measurements waiting for bytes (measureLink)
  realFetch: null, // the browser's fetch, before watchRuntimeFiles wrapped it
  post: () => {},
  lastPost: 0,
};

/** What the worker knows about the downloads, for a PROGRESS message. */
export function snapshot() {
  return {
    loaded: state.loaded,
    total: state.unknown ? null : state.expected,
    files: Array.from(state.pending.keys()),
  };
}

/** The first download problem, or null. */
export const downloadFailure = () => state.failure;

function report(stage, force) {
  const now = Date.now();
  if (!force && now - state.lastPost < 100) return;
  state.lastPost = now;
  state.post(protocol.progress(stage, snapshot()));
}

function fail(message) {
  if (!state.failure) {
    state.failure = message;
    state.post(protocol.failure(`The diagnostic could not start: ${message}.`));
  }
  return new Error(message);
}

// A file's problem: the start failure, unless the file is optional (then only an error).
const problemWith = (url, message) => (state.optional.has(url) ? new Error(message) : fail(message));

// Counts a copy of the body (a tee), so the runtime gets the original response: its URL
// and headers stay the browser's own (WebAssembly.instantiateStreaming needs the
// content-type, and Chromium caches compiled wasm only for real network responses).
async function watchBody(url, response) {
  const name = fileName(url);
  const problem = (message) => problemWith(url, message);
  const length = Number(response.headers.get("content-length"));
  const encoded = Boolean(response.headers.get("content-encoding"));
  if (length > 0 && !encoded) state.expected += length;
  else state.unknown = true;
  let head = new Uint8Array(0);
  try {
    const reader = response.clone().body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (head.length < 8) {
        head = new Uint8Array([...head, ...value.slice(0, 8 - head.length)]);
        const wrong = describeStart(url, head);
        if (wrong) {
          problem(wrong);
          reader.cancel().catch(() => {});
          return;
        }
      }
      state.loaded += value.byteLength;
      timeLink();
      report("Downloading the Python runtime");
    }
  } catch (error) {
    problem(`${name} stopped downloading (${error.message || error})`);
  } finally {
    finished(name);
  }
}

function finished(name) {
  state.pending.delete(name);
  report(state.pending.size ? "Downloading the Python runtime" : "Starting Python", true);
}

// The runtime hangs, rather than fails, when the browser refuses to compile its
// WebAssembly (a Content-Security-Policy without 'wasm-unsafe-eval'): compile the
// smallest module first (its 8-byte header) to find out at once.
function checkWasmAllowed() {
  if (typeof WebAssembly === "undefined") return fail("this browser has no WebAssembly in workers, or it is turned off");
  try {
    new WebAssembly.Module(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  } catch (error) {
    return fail(explainFailure(error));
  }
  return null;
}

/** Wrap this worker's fetch (the runtime's, too) to count bytes and name failing files. */
export function watchRuntimeFiles(post) {
  state.post = post;
  checkWasmAllowed();
  const realFetch = self.fetch.bind(self);
  state.realFetch = realFetch;
  self.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const early = state.prefetched.get(url);
    if (early) {
      state.prefetched.delete(url); // the runtime asks once; the download is already under way
      return early;
    }
    const name = fileName(url);
    const problem = (message) => problemWith(url, message);
    state.pending.set(name, true); // a download waiting for its first byte is pending too
    report("Downloading the Python runtime", true);
    let response;
    try {
      response = await realFetch(input, init);
    } catch (error) {
      finished(name);
      throw problem(`${name} could not be downloaded (the connection failed or something on the way blocked it)`);
    }
    const wrong = describeResponse(url, response);
    if (wrong || !response.body) {
      finished(name);
      if (wrong) throw problem(wrong);
      return response;
    }
    watchBody(url, response);
    return response;
  };
}

/** Start downloading files the runtime will ask for; its own fetch of them then gets these. */
export function prefetch(urls) {
  for (const url of urls) {
    const href = String(url);
    if (state.prefetched.has(href)) continue;
    const response = self.fetch(href);
    response.catch(() => {}); // a failure is reported by the watcher, and again to the runtime when it asks
    state.prefetched.set(href, response);
  }
}

// The link's speed, from the bytes of runtime files received: the first byte after the
// call starts the clock (so latency does not count), and the measurement ends once
// `enough` bytes have arrived or `within` milliseconds have passed.
function timeLink() {
  const now = performance.now();
  for (const timer of state.timers.slice()) {
    if (timer.firstAt === null) {
      timer.firstAt = now;
      timer.from = state.loaded;
    } else if (state.loaded - timer.from >= timer.enough) {
      timer.finish();
    }
  }
}

/** The response for `url` from the browser's HTTP cache, or null; nothing is downloaded.
 * A visit after one that took another boot would otherwise time its cached files, not the
 * link, and call any link fast. */
export async function cachedResponse(url, { within = 1000 } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), within); // a lookup this slow counts as a miss
  try {
    // The browser's own fetch: a miss (a network error for only-if-cached) is an answer here.
    const response = await (state.realFetch || self.fetch.bind(self))(String(url),
      { cache: "only-if-cached", mode: "same-origin", signal: controller.signal });
    return response.ok ? response : null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/** Hand the runtime a cached response when it asks for `url`, checked and counted like a
 * download; false (and nothing adopted) when its headers already show it is not the file. */
export function adopt(url, response) {
  const href = String(url);
  if (describeResponse(href, response) || !response.body) return false; // the runtime's own fetch names it
  state.pending.set(fileName(href), true);
  watchBody(href, response);
  state.prefetched.set(href, Promise.resolve(response));
  return true;
}

/** Bytes per second over the next downloads (0 when nothing arrived in time). */
export function measureLink({ enough, within }) {
  return new Promise((resolve) => {
    const timer = { firstAt: null, from: state.loaded, enough };
    timer.finish = () => {
      clearTimeout(timer.deadline);
      state.timers = state.timers.filter((t) => t !== timer);
      const seconds = timer.firstAt === null ? 0 : (performance.now() - timer.firstAt) / 1000;
      resolve(seconds > 0 ? (state.loaded - timer.from) / seconds : timer.firstAt === null ? 0 : Infinity);
    };
    timer.deadline = setTimeout(timer.finish, within);
    state.timers.push(timer);
  });
}

// An optional file that sends nothing for this long is given up, well before the page's own
// watchdog (10 s without progress, runtime.js) would call the whole start failed.
const OPTIONAL_STALL_MS = 4000;

/** The bytes of a file the caller can do without: counted like the others, but a 404, a
 * refused, broken, replaced or stalled download only rejects this promise (the page is not
 * told the start failed), so the caller can go on without it. */
export async function fetchOptional(url, { stallMs = OPTIONAL_STALL_MS } = {}) {
  const href = String(url);
  state.optional.add(href);
  const controller = new AbortController(); // aborting fails the fetch and any read of its body
  let timer = null;
  const wait = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`${fileName(href)} sent nothing for ${stallMs / 1000} s`)), stallMs);
  };
  wait();
  try {
    const reader = (await self.fetch(href, { signal: controller.signal })).body.getReader();
    const chunks = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      wait();
    }
    return await new Blob(chunks).arrayBuffer();
  } catch (error) {
    throw controller.signal.aborted ? controller.signal.reason : error; // say it stalled, not that it failed
  } finally {
    clearTimeout(timer);
  }
}

export { megabytes };
