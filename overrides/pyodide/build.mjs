// Build-time work that needs Pyodide itself, run under Node.js by overrides/precompiled.py:
//
//   node overrides/pyodide/build.mjs CONFIG.json
//
// CONFIG names the pinned npm package's folder, the engine and PyYAML wheels, the rules
// bundle, warm-up pastes and an output folder. Three boots of the same runtime:
//
//  1. A normal boot from the package's own python_stdlib.zip (sources only). It does what
//     the site does (unpack the wheels, import every module the engine and PyYAML name,
//     load the rules, diagnose, redact, check a rule) and then lists the standard-library
//     modules that ended up in sys.modules. Each is compiled with compile(), its in-zip
//     path as the file name, into an unchecked hash-based .pyc, and written to a trimmed
//     zip without the sources: stdlib.zip. The engine's own modules get the same treatment
//     in engine-pyc.zip (sources kept beside __pycache__/, so tracebacks show lines).
//  2. A boot with _makeSnapshot from that trimmed zip, the same warm-up, then
//     makeMemorySnapshot(), cut above the heap's break (sbrk(0)) and written as snapshot.bin.
//  3. A boot with _loadSnapshot from that cut snapshot: it must answer a diagnosis the
//     same way boot 2 did, or the build fails (a snapshot that does not restore is useless).
//
// Pyodide's _makeSnapshot/_loadSnapshot/_sysExecutable are private options of the pinned
// version (pyodide.mjs: prepareSnapshot, createSettings): keep Pyodide pinned, and the
// caller keys every output on the runtime's bytes so a new runtime rebuilds them.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

const config = JSON.parse(await readFile(process.argv[2], "utf8"));
const { loadPyodide } = await import(join(config.pyodide, "pyodide.mjs"));

// What sys.executable reads inside the snapshot: a neutral name, not this machine's node path.
const SYS_EXECUTABLE = "/usr/bin/python3";
const quiet = { stdout: () => {}, stderr: (line) => config.verbose && console.error(line) };

// The engine wheel's import name (pyproject.toml maps the repository's engine/ to it).
const ENGINE = "errata_engine";

const bytes = async (path) => new Uint8Array(await readFile(path));
const engineWheel = await bytes(config.engine_wheel);
const yamlWheel = await bytes(config.pyyaml_wheel);
const rulesJSON = await readFile(config.rules, "utf8");
const schemaJSON = await readFile(config.schema, "utf8");

// The MCP config page's two calls: build an entry, check a pasted file.
const MCP_REQUESTS = [
  { action: "build", entry: { name: "fs", transport: "stdio", command: "npx", args: ["-y", "pkg"] }, platform: "windows" },
  { action: "check", text: '{"mcpServers": {"x": {"command": "npx"}}}', client: "claude-desktop", platform: "windows" },
];

// The worker's own calls, so the modules and caches they need are in memory (and, for
// boot 1, in the trimmed zip). Returns the answers, to compare boots with each other.
function warmUp(pyodide, { playground }) {
  const web = pyodide.pyimport(`${ENGINE}.web`);
  web.load(rulesJSON);
  const answers = config.pastes.map((text) => web.diagnose(text));
  web.redact(config.pastes.join("\n"));
  web.redact("sk-ant-api03-" + "x".repeat(90), 200);
  if (playground) web.check_rule(config.playground_rule, config.pastes[0], schemaJSON);
  for (const request of MCP_REQUESTS) web.mcp(JSON.stringify(request));
  return answers;
}

const IMPORT_ALL = String.raw`
import ast, importlib, pathlib, sys
def _names(root):
    for path in sorted(pathlib.Path(root).rglob("*.py")):
        tree = ast.parse(path.read_bytes())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                yield from (a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield node.module
import os
site = os.getcwd()  # unpackArchive's default target, first on sys.path (as "")
for _pkg in ("${ENGINE}", "yaml"):
    for _name in sorted(set(_names(f"{site}/{_pkg}"))):
        try:
            importlib.import_module(_name)
        except ImportError:
            pass  # optional imports (a C extension, another platform's module)
    for _path in sorted(pathlib.Path(site, _pkg).rglob("*.py")):
        _mod = ".".join(_path.relative_to(site).with_suffix("").parts).removesuffix(".__init__")
        if _mod in ("${ENGINE}.__main__", "${ENGINE}.redos_timed"):  # the command line only
            continue
        try:
            importlib.import_module(_mod)
        except ImportError:
            if _pkg == "${ENGINE}":
                raise
            # yaml.cyaml needs the C extension the pure-Python wheel leaves out
# What tracebacks and warnings use when something goes wrong at run time.
import traceback, linecache, warnings, tokenize
site_modules = sorted(n for n, m in sys.modules.items()
                      if n.split(".")[0] in ("${ENGINE}", "yaml") and getattr(m, "__file__", None))
`;

// Boot 2 imports what boot 1 found (no source parsing: its garbage would grow the heap).
const IMPORT_LISTED = String.raw`
import gc, importlib, json
for _name in json.loads(listed):
    importlib.import_module(_name)
del _name, listed
gc.collect()
`;

// The compiler, run inside boot 1: trimmed stdlib zip and precompiled engine tree.
const COMPILE = String.raw`
import importlib.util, io, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

STAMP = (1980, 1, 1, 0, 0, 0)  # fixed entry times: two builds of the same inputs agree byte for byte

def _pyc(source, filename):
    code = compile(source, filename, "exec", dont_inherit=True)
    return bytes(_code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False))

def _entry(out, name, data):
    info = zipfile.ZipInfo(name, STAMP)
    info.compress_type = zipfile.ZIP_DEFLATED
    out.writestr(info, data)

def trimmed_stdlib(stdlib_path):
    archive = zipfile.ZipFile(stdlib_path)
    names = set(archive.namelist())
    wanted = set()
    for mod in list(sys.modules.values()):
        spec = getattr(mod, "__spec__", None)
        origin = getattr(spec, "origin", None) or ""
        if origin.startswith(stdlib_path + "/"):
            wanted.add(origin[len(stdlib_path) + 1:])
    # A package's parents must come along (importing a.b.c imports a and a.b).
    for inner in list(wanted):
        parts = inner.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            init = "/".join(parts[:i]) + "/__init__.py"
            if init in names:
                wanted.add(init)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for inner in sorted(wanted):
            if not inner.endswith(".py"):
                _entry(out, inner, archive.read(inner))
                continue
            source = archive.read(inner)
            _entry(out, inner[:-3] + ".pyc", _pyc(source, f"{stdlib_path}/{inner}"))
    return buffer.getvalue(), sorted(wanted)

def precompiled_tree(root, packages):
    # Sources stay (tracebacks and FileFinder look for them); each gets its __pycache__ .pyc.
    import pathlib
    tag = sys.implementation.cache_tag
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for pkg in packages:
            base = pathlib.Path(root)
            for path in sorted((base / pkg).rglob("*")):
                if "__pycache__" in path.parts or not path.is_file():
                    continue
                inner = path.relative_to(base).as_posix()
                _entry(out, inner, path.read_bytes())
                if path.suffix == ".py":
                    cached = f"{path.parent.relative_to(base).as_posix()}/__pycache__/{path.stem}.{tag}.pyc"
                    _entry(out, cached, _pyc(path.read_bytes(), str(path)))
        for dist in sorted(pathlib.Path(root).glob("errata_engine-*.dist-info")):
            for path in sorted(dist.rglob("*")):
                if path.is_file():
                    _entry(out, path.relative_to(base).as_posix(), path.read_bytes())
    return buffer.getvalue()
`;

const stdlibFS = (pyodide) => pyodide.runPython("import sys; next(p for p in sys.path if p.endswith('.zip'))");

async function boot(options) {
  return loadPyodide({ indexURL: config.pyodide + "/", _sysExecutable: SYS_EXECUTABLE, ...quiet, ...options });
}

// Pyodide's errors carry the whole minified runtime as their source line: print the message only.
main().catch((error) => {
  console.error(`pyodide build step failed: ${error.message || error}`);
  process.exit(1);
});

async function main() {
// 1. Normal boot: find what the site imports, compile it.
const started = Date.now();
const first = await boot({});
first.unpackArchive(engineWheel, "wheel");
first.unpackArchive(yamlWheel, "wheel");
const expected = warmUp(first, { playground: true });
first.runPython(IMPORT_ALL);
const siteModules = first.globals.get("site_modules").toJs();
first.runPython(COMPILE);
const zipPath = stdlibFS(first);
const [stdlibProxy, modulesProxy] = first.globals.get("trimmed_stdlib")(zipPath);
const stdlib = stdlibProxy.toJs();
const modules = modulesProxy.toJs();
const site = first.runPython("import os; os.getcwd()"); // where unpackArchive put the wheels
const enginePyc = first.globals.get("precompiled_tree")(site, first.toPy([ENGINE])).toJs();
await writeFile(join(config.out, "stdlib.zip"), stdlib);
await writeFile(join(config.out, "engine-pyc.zip"), enginePyc);
await writeFile(join(config.out, "stdlib-modules.json"), JSON.stringify(modules, null, 0));

// 2. Snapshot boot from the trimmed zip, with the precompiled engine: the same warm-up.
const snapshotOptions = { stdLibURL: join(config.out, "stdlib.zip"), _makeSnapshot: true };
const second = await boot(snapshotOptions);
second.unpackArchive(enginePyc, "zip", { extractDir: site });
if (config.snapshot_pyyaml) second.unpackArchive(yamlWheel, "wheel");
const answers = warmUp(second, { playground: config.snapshot_pyyaml });
second.globals.set("listed", JSON.stringify(siteModules.filter((name) => config.snapshot_pyyaml || !name.startsWith("yaml"))));
second.runPython(IMPORT_LISTED);
if (JSON.stringify(answers) !== JSON.stringify(expected)) throw new Error("the trimmed stdlib answers differently from the full one");
// Memory above the heap's break is unused (free pages of a grown heap): leave it out.
const brk = second._module._sbrk(0) >>> 0;
const full = second.makeMemorySnapshot();
const header = full.length - second._module.HEAP8.length;
const cut = Math.ceil((header + brk) / 65536) * 65536; // whole wasm pages
const snapshot = full.slice(0, Math.min(full.length, cut));
await writeFile(join(config.out, "snapshot.bin"), snapshot);

// 3. Restore the cut snapshot and check it answers as boot 2 did.
const third = await boot({ stdLibURL: join(config.out, "stdlib.zip"), _loadSnapshot: snapshot });
const web = third.pyimport(`${ENGINE}.web`);
const restored = config.pastes.map((text) => web.diagnose(text));
if (JSON.stringify(restored) !== JSON.stringify(expected)) throw new Error("the restored snapshot answers differently");

await writeFile(join(config.out, "report.json"), JSON.stringify({
  modules: modules.length,
  stdlib_bytes: stdlib.length,
  engine_pyc_bytes: enginePyc.length,
  snapshot_bytes: snapshot.length,
  snapshot_full_bytes: full.length,
  heap_break: brk,
  seconds: (Date.now() - started) / 1000,
}));
}
