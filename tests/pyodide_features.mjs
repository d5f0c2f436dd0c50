// The site's Python features under Node.js Pyodide with ONLY the trimmed bytecode stdlib
// (tests/test_precompiled.py): every call the worker makes, on real inputs, answers
// written as JSON for the test to compare with CPython's. An import the trimmed zip lacks
// shows up as a ModuleNotFoundError in an answer, which then differs from CPython's.
//
//   node tests/pyodide_features.mjs CONFIG.json OUT.json
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const config = JSON.parse(await readFile(process.argv[2], "utf8"));
const { loadPyodide } = await import(join(config.pyodide, "pyodide.mjs"));
const read = async (path) => new Uint8Array(await readFile(path));

// Every failure becomes text in the answers: the test shows which call lacked what.
function attempt(fn) {
  try {
    return { ok: fn() };
  } catch (error) {
    return { error: String(error.message || error).split("\n").filter(Boolean).slice(-1)[0] };
  }
}

async function main() {
  const pyodide = await loadPyodide({ indexURL: config.pyodide + "/", stdLibURL: config.stdlib, stdout: () => {}, stderr: () => {} });
  pyodide.unpackArchive(await read(config.engine), "zip");
  pyodide.unpackArchive(await read(config.pyyaml_wheel), "wheel");
  const web = pyodide.pyimport("errata_engine.web");
  const schema = await readFile(config.schema, "utf8");
  const bundle = await readFile(config.rules, "utf8");
  const out = {
    loaded: attempt(() => web.load(bundle)),
    diagnose: config.pastes.map((text) => attempt(() => web.diagnose(text))),
    redact: config.secrets.map((text) => attempt(() => web.redact(text))),
    redact_limited: config.secrets.map((text) => attempt(() => web.redact(text, 120))),
    mcp: config.mcp.map((request) => attempt(() => web.mcp(JSON.stringify(request)))),
    playground: config.playground.map(([yaml, paste]) => attempt(() => web.check_rule(yaml, paste, schema))),
    // What the trimmed zip served, for the report (the test compares it with the zip).
    stdlib_imported: pyodide.runPython(
      "import sys; sorted(m.__spec__.origin for m in list(sys.modules.values()) if getattr(getattr(m, '__spec__', None), 'origin', '') and m.__spec__.origin.startswith('/lib/python3'))").toJs(),
  };
  await writeFile(process.argv[3], JSON.stringify(out));
}

main().catch((error) => {
  console.error(`pyodide features failed: ${error.message || error}`);
  process.exit(1);
});
