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
  [".gz", [0x1f, 0x8b], "a gzip file"],
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
  sent: 0, // of those, the ones that crossed the link as they are (no Content-Encoding): what timeLink counts
  timers: [], // link measurements waiting for bytes (measureLink)
  expected: 0, // their declared sizes, where known
  unknown: false, // some file's size is not known (a compressed transfer)
  pending: new Map(), // names of the files still downloading
  optional: new Set(), // URLs whose failure the caller handles (the snapshot): never a start failure
  prefetched: new Map(), // URL -> the response promise of a download started before the runtime asked
  compiling: new Set(), // wasm URLs compileAhead started on
  gzipped: new Set(), // URLs the site also ships as URL.gz (manifest "gzipped"): see gzippedCopy
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
  // A .gz sent with Content-Encoding (Apache's AddEncoding) arrives decoded: its first bytes
  // are those of the file named without .gz.
  const looksLike = encoded ? withoutGz(url) : url;
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
        const wrong = describeStart(looksLike, head);
        if (wrong) {
          problem(wrong);
          reader.cancel().catch(() => {});
          return;
        }
      }
      state.loaded += value.byteLength;
      if (!encoded) {
        state.sent += value.byteLength;
        timeLink();
      }
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
  state.realFetch = self.fetch.bind(self);
  self.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const early = state.prefetched.get(url);
    if (early) {
      state.prefetched.delete(url); // the runtime asks once; the download is already under way
      return early;
    }
    return download(input, init);
  };
}

// One watched download: counted, checked, and replaced by its gzip copy where that pays.
async function download(input, init) {
  const url = input instanceof Request ? input.url : String(input);
  const name = fileName(url);
  const problem = (message) => problemWith(url, message);
  state.pending.set(name, true); // a download waiting for its first byte is pending too
  report("Downloading the Python runtime", true);
  let response;
  try {
    response = await state.realFetch(input, init);
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
  if (sentUncompressed(url, response)) {
    response.body.cancel().catch(() => {});
    state.pending.set(fileName(copyOf(url)), true);
    finished(name);
    return gzippedCopy(url, () => download(input, init));
  }
  watchBody(url, response);
  return response;
}

// The copy's address: the file's with .gz after its name (a ?query stays), and back.
function copyOf(url) {
  const copy = new URL(url, self.location.href);
  copy.pathname += ".gz";
  return copy.href;
}

function withoutGz(url) {
  const file = new URL(url, self.location.href);
  file.pathname = file.pathname.replace(/\.gz$/, "");
  return file.href;
}

// Which files have a copy, by address without the ?query (the rules' carries a cache stamp).
function withoutQuery(url) {
  const plain = new URL(url, self.location.href);
  plain.search = "";
  return plain.href;
}

// A host that does not compress (a plain static server, a bucket) sends the wasm as its
// 9.6 MB; its gzip copy is 3.5 MB. The file itself is asked for first: a host that
// compresses (GitHub Pages) answers it with Content-Encoding, and the browser's own
// decoding keeps the response cacheable as compiled wasm. Otherwise the .gz copy is
// fetched and decoded here, at the cost of one round trip.
const sentUncompressed = (url, response) =>
  state.gzipped.has(withoutQuery(url)) && !response.headers.get("content-encoding") && typeof DecompressionStream === "function";

/** The site's gzip copy of `url` as if the host had decoded it; `plain()` asks for the file
 * itself again when the copy is missing or is not gzip. */
async function gzippedCopy(url, plain) {
  const copyURL = copyOf(url);
  state.gzipped.delete(withoutQuery(url)); // asked once: the fallback below gets the file itself
  let copy = null;
  try {
    copy = await state.realFetch(copyURL);
  } catch {
    copy = null;
  }
  if (!copy || !copy.ok || !copy.body || describeResponse(copyURL, copy)) {
    finished(fileName(copyURL));
    if (copy && copy.body) copy.body.cancel().catch(() => {});
    return plain();
  }
  return asIfDecoded(url, copy);
}

// What a response of the file would have been: its type, and the copy's bytes gunzipped.
const TYPES = [[".wasm", "application/wasm"], [".json", "application/json"]]; // what GZIPPED holds

function asIfDecoded(url, copy) {
  const copyURL = copyOf(url);
  // A host may send the .gz itself with Content-Encoding (Apache's AddEncoding): the browser
  // has decoded it already, and its bytes are the file's own.
  const decodedByHost = Boolean(copy.headers.get("content-encoding"));
  watchBody(copyURL, copy);
  const path = new URL(url, self.location.href).pathname;
  const type = (TYPES.find(([end]) => path.endsWith(end)) || [null, "application/octet-stream"])[1];
  return new Response(decodedByHost ? copy.body : decoded(url, copy.body),
    { status: 200, statusText: "OK", headers: { "content-type": type } });
}

// The copy's body, gunzipped; a damaged copy fails the start with the file's name (the
// runtime itself would only warn and wait).
function decoded(url, body) {
  const reader = body.pipeThrough(new DecompressionStream("gzip")).getReader();
  return new ReadableStream({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(problemWith(url, `${fileName(url)}.gz arrived damaged (${error.message || error})`));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** The files the site also ships gzipped (manifest "gzipped", URLs): see gzippedCopy. */
export function useGzippedCopies(urls) {
  for (const url of urls) state.gzipped.add(withoutQuery(url));
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

/** Compile the runtime's wasm as it downloads, before the runtime asks: Pyodide starts
 * compiling only once its script has loaded and run, and on a fast link that compile was the
 * last thing the answer waited for. Its own WebAssembly.instantiateStreaming calls on this
 * response or this URL (a second boot after a failed snapshot) get the module compiled
 * here; any other call goes through as it was. */
export function compileAhead(url) {
  const href = String(url);
  const response = state.prefetched.get(href);
  if (!response || state.compiling.has(href) || typeof WebAssembly.compileStreaming !== "function") return;
  const compiled = WebAssembly.compileStreaming(response);
  compiled.catch(() => {}); // the runtime's own call reports it
  state.compiling.add(href);
  const instantiateStreaming = WebAssembly.instantiateStreaming;
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const given = await source;
    if (given !== (await response) && given.url !== href) return instantiateStreaming.call(WebAssembly, given, imports);
    const module = await compiled;
    return { module, instance: await WebAssembly.instantiate(module, imports) };
  };
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
function adopt(url, response) {
  const href = String(url);
  if (describeResponse(href, response) || !response.body) return false; // the runtime's own fetch names it
  state.pending.set(fileName(href), true);
  watchBody(href, response);
  state.prefetched.set(href, Promise.resolve(response));
  return true;
}

/** Adopt `url` from the HTTP cache, or its gzip copy there (left by an earlier visit to a
 * host that does not compress); true when either was found and adopted. */
export async function adoptCached(url) {
  const href = String(url);
  const own = await cachedResponse(href);
  if (own) return adopt(href, own);
  if (!state.gzipped.has(withoutQuery(href))) return false;
  const copyURL = copyOf(href);
  const copy = await cachedResponse(copyURL);
  if (!copy || !copy.body || describeResponse(copyURL, copy)) return false;
  state.gzipped.delete(withoutQuery(href));
  state.pending.set(fileName(copyURL), true);
  state.prefetched.set(href, Promise.resolve(asIfDecoded(href, copy)));
  return true;
}

// The link's speed, from the bytes of runtime files that crossed it as they are (a body the
// host compressed arrives decoded, which would make the link look faster): the first byte
// after the call starts the clock (so latency does not count), and the measurement ends
// once `enough` bytes have arrived or `within` milliseconds have passed.
function timeLink() {
  const now = performance.now();
  for (const timer of state.timers.slice()) {
    if (timer.firstAt === null) {
      timer.firstAt = now;
      timer.from = state.sent;
    } else if (state.sent - timer.from >= timer.enough) {
      timer.finish();
    }
  }
}

// The browser's own timing of one finished download (Resource Timing: its bytes as sent,
// over its first to last byte), in bytes/s, or 0 while it is not finished.
function timedByTheBrowser(url) {
  const href = new URL(url, self.location.href).href;
  const entry = performance.getEntriesByName(href).find((e) => e.responseEnd > 0);
  if (!entry) return 0;
  const seconds = (entry.responseEnd - entry.responseStart) / 1000;
  const bytes = entry.encodedBodySize || entry.transferSize;
  return seconds > 0 ? bytes / seconds : bytes > 0 ? Infinity : 0;
}

/** Bytes per second over the next downloads (0 when nothing arrived in time). The count
 * runs on this worker's thread, which a compile can hold up, so arrivals look later than
 * they were: when `file` has finished by then, the browser's timing of it counts as well
 * (the higher of the two; alone it would undercount, sharing the link with the others). */
export function measureLink({ enough, within, file }) {
  return new Promise((resolve) => {
    const timer = { firstAt: null, from: state.sent, enough };
    timer.finish = () => {
      clearTimeout(timer.deadline);
      state.timers = state.timers.filter((t) => t !== timer);
      const seconds = timer.firstAt === null ? 0 : (performance.now() - timer.firstAt) / 1000;
      const counted = seconds > 0 ? (state.sent - timer.from) / seconds : timer.firstAt === null ? 0 : Infinity;
      resolve(Math.max(counted, file ? timedByTheBrowser(file) : 0));
    };
    timer.deadline = setTimeout(timer.finish, within);
    state.timers.push(timer);
  });
}

// An optional file that sends nothing for this long is given up, well before the page's own
// watchdog (10 s without progress, runtime.js) would call the whole start failed.
const OPTIONAL_STALL_MS = 4000;

/** The body of a file the caller can do without, as a stream: counted like the others, but
 * a 404, a refused, broken, replaced or stalled download only errors this stream (the page is
 * not told the start failed), so the caller can go on without it. */
export function fetchOptional(url, { stallMs = OPTIONAL_STALL_MS } = {}) {
  const href = String(url);
  state.optional.add(href);
  const controller = new AbortController(); // aborting fails the fetch and any read of its body
  let timer = null;
  // Only waiting for the network counts: a reader that starts late (the snapshot is asked for
  // before the boot reads it) is not a stall.
  const waiting = (step) => {
    timer = setTimeout(() => controller.abort(new Error(`${fileName(href)} sent nothing for ${stallMs / 1000} s`)), stallMs);
    return step.finally(() => clearTimeout(timer));
  };
  const response = waiting(self.fetch(href, { signal: controller.signal }));
  response.catch(() => {}); // reported when the stream is read
  let reader = null;
  return new ReadableStream({
    async pull(out) {
      try {
        if (!reader) reader = (await response).body.getReader();
        const { done, value } = await waiting(reader.read());
        if (done) out.close();
        else out.enqueue(value);
      } catch (error) {
        out.error(controller.signal.aborted ? controller.signal.reason : error); // say it stalled, not that it failed
      }
    },
    cancel(reason) {
      clearTimeout(timer);
      controller.abort(reason);
    },
  });
}

export { megabytes };
