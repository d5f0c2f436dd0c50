// Module worker that runs the Python rule engine under Pyodide, off the page's thread.
// It speaks protocol.js; it starts booting as soon as it is created.
// The runtime, the engine wheel and the rules all come from this site's own origin.
import * as protocol from "./protocol.js";
import { adoptCached, cachedResponse, compileAhead, downloadFailure, explainFailure, fetchOptional, measureLink, prefetch, snapshot, useGzippedCopies, watchRuntimeFiles } from "./loading.js";
import { chooseBoot, snapshotBytes, snapshotPays } from "./boot.js";

// Before anything is fetched: count the runtime's bytes and name a file that fails.
watchRuntimeFiles((message) => postMessage(message));

const runtimeURL = new URL("../../runtime/", import.meta.url);

let engine = null; // the errata_engine.web module (engine/web.py), once loaded
let booting = null;
let timings = null;
let manifestPromise = null;
let playgroundReady = null;

async function fetchOk(url, as) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
  return as === "json" ? response.json() : as === "text" ? response.text() : response.arrayBuffer();
}

function manifest() {
  if (!manifestPromise) manifestPromise = fetchOk(new URL("manifest.json", runtimeURL), "json");
  return manifestPromise;
}

// Two ways to boot, both compiled for Pyodide at build time: see boot.js.
async function bootRuntime(loadPyodide, createPyodideModule, files, how, cachedSnapshot = null) {
  const pyodideBase = new URL("pyodide/", runtimeURL);
  const options = {
    indexURL: pyodideBase.href,
    createPyodideModule, // its script, loaded already (see boot())
    stdLibURL: new URL(files.stdlib, runtimeURL).href,
    _sysExecutable: "/usr/bin/python3", // what the snapshot was made with
    stdout: () => {}, stderr: () => {},
  };
  // The snapshot is optional: a missing, broken or stalled one falls back to the bytecode
  // boot (see boot()), so its download problems are not a start failure.
  if (how === "snapshot") {
    const body = cachedSnapshot ? cachedSnapshot.body : fetchOptional(new URL(files.snapshot.file, runtimeURL));
    options._loadSnapshot = snapshotBytes(body, files.snapshot.bytes, files.snapshot.segments);
  }
  return loadPyodide(options);
}

async function boot() {
  postMessage(protocol.progress("Loading the Python runtime"));
  const pyodideBase = new URL("pyodide/", runtimeURL);
  // Start everything at once; the runtime is the long pole. Its 1.2 MB script is loaded
  // here too, beside the manifest, rather than once loadPyodide asks for it.
  const script = import(new URL("pyodide.asm.mjs", pyodideBase).href);
  script.catch(() => {}); // reported when the boot awaits it
  const [{ loadPyodide }, files] = await Promise.all([import(new URL("pyodide.mjs", pyodideBase).href), manifest()]);
  // Where the host does not compress, the gzip copies the build made (manifest "gzipped").
  useGzippedCopies((files.gzipped || []).map((name) => new URL(name, runtimeURL)));
  const rules = () => fetchOk(new URL(`${files.rules}?v=${files.stamp}`, runtimeURL), "text");
  // Both boots need the runtime's wasm and the stdlib.
  const wasm = new URL("pyodide.asm.wasm", pyodideBase);
  const stdlib = new URL(files.stdlib, runtimeURL);
  let how = chooseBoot(files, self.navigator, typeof DecompressionStream === "function");
  let link = null;
  let cachedSnapshot = null;
  if (how === "snapshot") {
    // What an earlier visit left in the HTTP cache decides first: timing cached files would
    // not time the link.
    const [snapshotHere, runtimeHere] = await Promise.all([
      cachedResponse(new URL(files.snapshot.file, runtimeURL)), adoptCached(wasm)]);
    if (snapshotHere) {
      cachedSnapshot = snapshotHere; // no download at all
      link = Infinity;
    } else if (runtimeHere) {
      how = "bytecode"; // the runtime is here and the snapshot is not: an earlier visit chose bytecode
    }
  }
  prefetch([wasm, stdlib]); // what the cache did not give (adoptCached) starts downloading
  compileAhead(wasm);
  if (how === "snapshot" && link === null) {
    // Nothing cached: time the link on those two downloads.
    link = await measureLink({ enough: 1_000_000, within: 400, file: stdlib });
    if (!snapshotPays(files, link)) how = "bytecode";
  }
  const createPyodideModule = (await script).default;
  let pyodide = null;
  let fallback = null;
  if (how === "snapshot") {
    try {
      pyodide = await bootRuntime(loadPyodide, createPyodideModule, files, "snapshot", cachedSnapshot);
      engine = pyodide.pyimport("errata_engine.web"); // imported, rules loaded: nothing left to do
    } catch (error) {
      // Missing, corrupt, refused or from another build ("Snapshot build id mismatch").
      fallback = String(error && error.message || error).split("\n")[0];
      how = "bytecode";
      pyodide = null;
      engine = null;
    }
  }
  let booted, imported;
  if (how === "bytecode") {
    const enginePyc = fetchOk(new URL(files.engine_pyc, runtimeURL));
    const bundle = rules();
    pyodide = await bootRuntime(loadPyodide, createPyodideModule, files, "bytecode");
    booted = performance.now();
    postMessage(protocol.progress("Loading the rules"));
    pyodide.unpackArchive(await enginePyc, "zip");
    const web = pyodide.pyimport("errata_engine.web");
    imported = performance.now();
    web.load(await bundle);
    engine = web;
  } else {
    booted = imported = performance.now();
  }
  self.pyodide = pyodide;
  const loaded = performance.now();
  const count = engine.rule_count();
  timings = { origin: performance.timeOrigin, booted, imported, loaded, rules: count, boot: how, fallback,
    link: link === null ? null : Math.round(Math.min(link, 1e10)) }; // bytes/s the choice saw
}

function start() {
  if (!booting) booting = boot();
  return booting;
}

// The playground also needs PyYAML (a pure-Python wheel built with the site) and the schema.
function preparePlayground() {
  if (!playgroundReady) {
    playgroundReady = (async () => {
      await start();
      const files = await manifest();
      const [yamlWheel, schema] = await Promise.all([
        fetchOk(new URL(files.pyyaml, runtimeURL)),
        fetchOk(new URL("../schema.json", runtimeURL), "text"),
      ]);
      self.pyodide.unpackArchive(yamlWheel, "wheel");
      return schema;
    })();
  }
  return playgroundReady;
}

// One handler per request type; each returns the engine's JSON answer.
const handlers = {
  [protocol.DIAGNOSE]: async (m) => engine.diagnose(String(m.text)),
  // No limit, no argument: a JS null would reach Python as jsnull, not None.
  [protocol.REDACT]: async (m) => (Number.isInteger(m.limit) ? engine.redact(String(m.text), m.limit) : engine.redact(String(m.text))),
  [protocol.PLAYGROUND]: async (m) => engine.check_rule(String(m.yaml), String(m.paste || ""), await preparePlayground()),
  [protocol.MCP]: async (m) => engine.mcp(JSON.stringify(m)),
};

// A download problem found by loading.js is the cause; anything else is put in plain words.
function startFailure(error) {
  const reason = downloadFailure() || explainFailure(error);
  return `The diagnostic could not start: ${reason}.`;
}

onmessage = async (event) => {
  const message = event.data || {};
  if (message.type === protocol.START) {
    // Every start request is answered once the engine is ready. A page that adopts a
    // worker started in <head> may have missed its messages: say where it stands.
    if (downloadFailure()) postMessage(protocol.failure(startFailure(null)));
    else if (!engine) postMessage(protocol.progress("Loading the Python runtime", snapshot()));
    start().then(
      () => postMessage(protocol.ready(timings)),
      (error) => postMessage(protocol.failure(startFailure(error))),
    );
    return;
  }
  const handler = Object.hasOwn(handlers, message.type) ? handlers[message.type] : null;
  if (!handler) return;
  try {
    await start().catch((error) => {
      throw new Error(startFailure(error));
    });
    const result = JSON.parse(await handler(message));
    postMessage(protocol.result(message.id, result));
  } catch (error) {
    postMessage(protocol.failure(String(error.message || error).split("\n").slice(-3).join(" "), message.id));
  }
};

// Boot at once: whoever created this worker wants the runtime (early.js posts nothing).
start().catch(() => {}); // a failure is reported to each START
