// Module worker that runs the Python rule engine under Pyodide, off the page's thread.
// Messages in:  {type: "start"}, {type: "diagnose" | "redact" | "playground", id, ...}
// Messages out: {type: "progress", stage}, {type: "ready", rules}, {type: "result", id, result},
//               {type: "error", id?, message}
// The runtime, the engine wheel and the rules all come from this site's own origin.

const runtimeURL = new URL("../../runtime/", import.meta.url);

let engine = null; // the engine.web module, once loaded
let booting = null;

function progress(stage) {
  postMessage({ type: "progress", stage });
}

async function fetchOk(url, as) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url.pathname} answered ${response.status}`);
  return as === "json" ? response.json() : as === "text" ? response.text() : response.arrayBuffer();
}

let timings = null;
let manifestPromise = null;
let playgroundReady = null;

function manifest() {
  if (!manifestPromise) manifestPromise = fetchOk(new URL("manifest.json", runtimeURL), "json");
  return manifestPromise;
}

async function boot() {
  progress("Loading the Python runtime");
  const pyodideBase = new URL("pyodide/", runtimeURL);
  // Start everything at once; the runtime is the long pole.
  const runtime = import(new URL("pyodide.mjs", pyodideBase).href).then(({ loadPyodide }) =>
    loadPyodide({ indexURL: pyodideBase.href, stdout: () => {}, stderr: () => {} }));
  const files = await manifest();
  const wheel = fetchOk(new URL(`${files.wheel}?v=${files.stamp}`, runtimeURL));
  const rules = fetchOk(new URL(`${files.rules}?v=${files.stamp}`, runtimeURL), "text");
  const pyodide = await runtime;
  self.pyodide = pyodide;
  const booted = performance.now();
  progress("Loading the rules");
  pyodide.unpackArchive(await wheel, "wheel");
  const web = pyodide.pyimport("engine.web");
  const imported = performance.now();
  const count = web.load(await rules);
  engine = web;
  const loaded = performance.now();
  timings = { origin: performance.timeOrigin, booted, imported, loaded, rules: count };
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

const handlers = {
  diagnose: async (m) => engine.diagnose(String(m.text)),
  redact: async (m) => engine.redact(String(m.text)),
  playground: async (m) => engine.check_rule(String(m.yaml), String(m.paste || ""), await preparePlayground()),
};

function start() {
  if (!booting) booting = boot();
  return booting;
}

function startFailure(error) {
  return `The diagnostic could not start: ${error.message || error}`;
}

onmessage = async (event) => {
  const message = event.data || {};
  if (message.type === "start") {
    // Every start request is answered once the engine is ready, so a page that
    // adopts an already running worker still learns that it is ready.
    start().then(
      () => postMessage({ type: "ready", timings }),
      (error) => postMessage({ type: "error", message: startFailure(error) }),
    );
    return;
  }
  const handler = handlers[message.type];
  if (!handler) return;
  try {
    await start().catch((error) => {
      throw new Error(startFailure(error));
    });
    const result = JSON.parse(await handler(message));
    postMessage({ type: "result", id: message.id, result });
  } catch (error) {
    postMessage({ type: "error", id: message.id, message: String(error.message || error).split("\n").slice(-3).join(" ") });
  }
};
