"""The runtime compiled for Pyodide (overrides/precompiled.py, overrides/pyodide/build.mjs).

The trimmed bytecode stdlib must hold every import the site's features need (they run
under Node.js Pyodide with only that zip and must answer exactly as CPython does), hold
no sources, and the memory snapshot must carry no path of the machine that built it.
The outputs are cached in .cache/pyodide/ (the site build shares them), so only the
first run on a machine pays for the Node work.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest

from engine import mcp, web
from engine.loader import load_rules
from overrides import assets, precompiled

ROOT = Path(__file__).resolve().parent.parent
PYODIDE = ROOT / "node_modules" / "pyodide"
CACHE = ROOT / ".cache"
pytestmark = pytest.mark.skipif(shutil.which("node") is None or not PYODIDE.is_dir(), reason="needs Node.js and npm ci")


@pytest.fixture(scope="module")
def built():
    rules, problems = load_rules(ROOT / "rules")
    assert not problems
    version, files = assets._pyodide(ROOT, PYODIDE)
    bundle = assets.rules_bundle(rules)
    wheel = assets.engine_wheel(ROOT, CACHE)
    pyyaml = assets.pyyaml_wheel(ROOT, CACHE)
    out = precompiled.precompiled(pyodide_files=files, engine_wheel=wheel, pyyaml_wheel=pyyaml, bundle=bundle,
                                  rules=rules, rules_dir=ROOT / "rules", template=ROOT / "rules" / "templates" / "new-rule.yaml",
                                  schema=ROOT / "rules" / "schema.json", cache_dir=CACHE)
    return out, bundle, pyyaml


def _playground_cases() -> list[tuple[str, str]]:
    """Real rules against their first example, plus every broken and hostile rule file."""
    cases = []
    for path in sorted((ROOT / "rules").glob("*.yaml"))[:10]:
        cases.append((path.read_text(encoding="utf-8"), "Error: read ECONNRESET"))
    for folder in ("broken_rules", "hostile_rules"):
        for path in sorted((ROOT / "tests" / folder).glob("*.yaml")):
            cases.append((path.read_text(encoding="utf-8"), "Error: connect ETIMEDOUT 10.0.0.1:443"))
    return cases


def _mcp_requests() -> list[dict]:
    """The MCP page's calls: an entry built for every client and platform, and a broken file checked as each."""
    stdio = {"name": "fs", "transport": "stdio", "command": "npx", "args": ["-y", "@scope/server", "./data"],
             "env": {"API_KEY": "sk-ant-api03-" + "x" * 40}, "cwd": "tools"}
    http = {"name": "remote", "transport": "http", "url": "https://mcp.example.com/mcp",
            "headers": {"Authorization": "Bearer abc123"}}
    broken = ('{"servers": {"fs": {"command": "npx", "args": ["-y", "pkg"], "env": {"TOKEN": "ghp_' + "a" * 36 + '"}},\n'
              '  "fs": {"url": "http://x"}}}')
    requests = [{"action": "build", "entry": entry, "platform": platform}
                for entry in (stdio, http) for platform in ("windows", "posix")]
    requests += [{"action": "check", "text": broken, "client": client, "platform": platform, "committed": True}
                 for client in mcp.CLIENT_IDS for platform in ("windows", "posix")]
    requests.append({"action": "check", "text": '{"mcpServers": {', "client": "cursor", "platform": "posix"})
    return requests


def test_the_site_features_work_with_only_the_trimmed_stdlib(built, tmp_path, monkeypatch):
    out, bundle, pyyaml = built
    pastes = [p.read_text(encoding="utf-8", errors="replace") for p in sorted((ROOT / "tests" / "pastes").rglob("*.txt"))]
    secrets = [v["paste"] for v in json.loads((ROOT / "tests" / "redaction" / "vectors.json").read_text(encoding="utf-8"))]
    playground = _playground_cases()
    (tmp_path / "rules.json").write_bytes(bundle)
    config = {"pyodide": str(PYODIDE.resolve()), "stdlib": str(out.stdlib), "engine": str(out.engine),
              "pyyaml_wheel": str(pyyaml), "rules": str(tmp_path / "rules.json"),
              "schema": str(ROOT / "rules" / "schema.json"), "pastes": pastes, "secrets": secrets,
              "playground": playground, "mcp": _mcp_requests()}
    (tmp_path / "config.json").write_text(json.dumps(config))
    proc = subprocess.run(["node", str(ROOT / "tests" / "pyodide_features.mjs"), str(tmp_path / "config.json"),
                           str(tmp_path / "out.json")], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads((tmp_path / "out.json").read_text())

    # CPython, same engine, same inputs: the answers must be identical. The browser starts
    # no child processes, so its rule check has no timed ReDoS runs (redos_timed.timed_risks).
    monkeypatch.setattr("engine.checks.timed_risks", lambda *args, **kwargs: {})
    schema = (ROOT / "rules" / "schema.json").read_text(encoding="utf-8")
    assert got["loaded"] == {"ok": web.load(bundle.decode("utf-8"))}
    assert got["diagnose"] == [{"ok": web.diagnose(t)} for t in pastes]
    assert got["redact"] == [{"ok": web.redact(t)} for t in secrets]
    assert got["redact_limited"] == [{"ok": web.redact(t, 120)} for t in secrets]
    assert got["mcp"] == [{"ok": web.mcp(json.dumps(r))} for r in config["mcp"]]
    assert got["playground"] == [{"ok": web.check_rule(y, p, schema)} for y, p in playground]
    # ... and everything imported from the stdlib came from the trimmed zip, as bytecode.
    in_zip = set(zipfile.ZipFile(out.stdlib).namelist())
    imported = [o for o in got["stdlib_imported"] if o.startswith("/lib/python314.zip/")]
    assert imported and [o for o in imported if not o.endswith(".pyc") or o.removeprefix("/lib/python314.zip/") not in in_zip] == []


def test_the_trimmed_stdlib_is_bytecode_only_and_smaller(built):
    out, _, _ = built
    names = zipfile.ZipFile(out.stdlib).namelist()
    assert not [n for n in names if n.endswith(".py")]
    pycs = [n for n in names if n.endswith(".pyc")]
    assert "json/__init__.pyc" in pycs and "re/__init__.pyc" in pycs and "zipfile/__init__.pyc" in pycs
    with zipfile.ZipFile(out.stdlib) as archive:
        header = archive.read("json/__init__.pyc")[:16]
    # PEP 552: flags word 0b01 = hash-based, not checked against a source (there is none).
    assert int.from_bytes(header[4:8], "little") == 0b01
    full = zipfile.ZipFile(PYODIDE / "python_stdlib.zip").namelist()
    assert len(pycs) < len([n for n in full if n.endswith(".py")]) / 2


def test_the_engine_ships_with_its_bytecode_beside_the_sources(built):
    out, _, _ = built
    names = set(zipfile.ZipFile(out.engine).namelist())
    assert "errata_engine/web.py" in names
    assert any(n.startswith("errata_engine/__pycache__/web.cpython-314") and n.endswith(".pyc") for n in names)


def test_the_snapshot_carries_no_path_of_the_build_machine(built):
    out, _, _ = built
    raw = gzip.decompress(out.snapshot.read_bytes())  # the snapshot without its long zero runs
    assert out.snapshot_bytes % 65536 == 0  # cut at a page boundary
    assert len(raw) == sum(length for _, length in out.snapshot_segments) < out.snapshot_bytes
    ends = [offset + length for offset, length in out.snapshot_segments]
    assert ends[-1] <= out.snapshot_bytes and all(a < b for a, b in zip(ends, (o for o, _ in out.snapshot_segments[1:])))
    leaks = {str(ROOT), str(CACHE.resolve()), str(PYODIDE.resolve()), tempfile.gettempdir() + "/errata",
             os.path.expanduser("~") + "/", shutil.which("node")}
    # The runtime's own data holds some paths of Pyodide's build machine (/root/repo/cpython/...):
    # a path counts only when the package itself does not carry it.
    runtime = (PYODIDE / "pyodide.asm.wasm").read_bytes()
    leaks = {p for p in leaks if p and p not in ("/", "//") and p.encode() not in runtime}
    assert [p for p in leaks if p.encode() in raw] == []
    assert b"/work/" not in raw
    # sys.executable is the neutral name given to _sysExecutable, not the node binary.
    assert b"/usr/bin/python3" in raw


def test_any_changed_input_gives_a_new_key(tmp_path):
    parts = [b"script", b"wasm", b"stdlib", b"wheel", b"rules"]
    key = precompiled._digest(parts)
    assert key == precompiled._digest(list(parts))
    for i in range(len(parts)):
        changed = list(parts)
        changed[i] += b"!"
        assert precompiled._digest(changed) != key
    # Moving bytes between inputs is a change too.
    assert precompiled._digest([b"ab", b"c"]) != precompiled._digest([b"a", b"bc"])


def test_the_worker_chooses_the_bytecode_boot_for_saved_data_or_a_slow_link():
    """docs/assets/errata/boot.js's choice, under Node.js with the navigator a browser would give."""
    script = """
        import { chooseBoot, snapshotBytes, snapshotPays } from "./docs/assets/errata/boot.js";
        const files = { snapshot: { file: "s.bin.gz", bytes: 8, pays_above: 5e6 } };
        const pays = [snapshotPays(files, 2.5e6), snapshotPays(files, 5e6), snapshotPays(files, Infinity),
                      snapshotPays({}, Infinity), snapshotPays(files, 0)];
        const nav = (connection) => ({ connection });
        const cases = [
          chooseBoot(files, nav(undefined), true),
          chooseBoot(files, nav({ effectiveType: "4g", downlink: 10, rtt: 50 }), true),
          chooseBoot(files, nav({ saveData: true, effectiveType: "4g" }), true),
          chooseBoot(files, nav({ effectiveType: "3g" }), true),
          chooseBoot(files, nav({ effectiveType: "slow-2g" }), true),
          chooseBoot({}, nav(undefined), true),
          chooseBoot(files, nav(undefined), false),
        ];
        const gz = new Uint8Array(await new Response(new Blob([new Uint8Array([1,2,3,4,5,6,7,8])]).stream()
          .pipeThrough(new CompressionStream("gzip"))).arrayBuffer());
        // A body as the network gives it: in chunks, here of one byte (the gzip magic split too).
        const body = (bytes) => new ReadableStream({
          start(c) { for (const b of bytes) c.enqueue(new Uint8Array([b])); c.close(); } });
        const plain = Array.from(await snapshotBytes(body(gz), 8));
        const already = Array.from(await snapshotBytes(body([9, 9]), 2));
        // The build leaves out long zero runs: the segments place the rest.
        const placed = Array.from(await snapshotBytes(body(gz), 14, [[1, 3], [9, 5]]));
        const errors = [];
        for (const [size, segments] of [[9, undefined], [14, [[1, 3], [9, 4]]], [20, [[0, 3], [9, 6]]]]) {
          try { await snapshotBytes(body(gz), size, segments); errors.push(""); } catch (e) { errors.push(e.message); }
        }
        console.log(JSON.stringify({ cases, pays, plain, already, placed, errors }));
    """
    proc = subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got["cases"] == ["snapshot", "snapshot", "bytecode", "bytecode", "bytecode", "bytecode", "bytecode"]
    # 20 Mbit/s (2.5 MB/s) is below the build's break-even speed; a fast link is above it.
    assert got["pays"] == [False, True, True, False, False]
    assert got["plain"] == [1, 2, 3, 4, 5, 6, 7, 8] and got["already"] == [9, 9]
    assert got["placed"] == [0, 1, 2, 3, 0, 0, 0, 0, 0, 4, 5, 6, 7, 8]
    short, larger, shorter = got["errors"]
    assert "shorter than the manifest says" in short and "shorter" in shorter
    assert "larger than the manifest says" in larger


def test_the_snapshot_leaves_out_only_long_runs_of_zeros():
    data = b"ab" + b"\0" * 10 + b"c" + b"\0" * 3 + b"d" + b"\0" * 10
    segments = precompiled.nonzero_segments(data, 8)
    assert segments == [(0, 2), (12, 5)]
    rebuilt = bytearray(len(data))
    kept = b"".join(data[a:a + n] for a, n in segments)
    at = 0
    for offset, length in segments:
        rebuilt[offset:offset + length] = kept[at:at + length]
        at += length
    assert bytes(rebuilt) == data
    assert precompiled.nonzero_segments(b"\0" * 20, 8) == [] and precompiled.nonzero_segments(b"xy", 8) == [(0, 2)]


def test_the_snapshot_pays_above_the_speed_at_which_its_extra_bytes_take_the_time_it_saves():
    # 4.9 MB more than the engine's bytecode and the rules, saving one second: 4.9 MB/s.
    assert assets.snapshot_pays_above(5_800_000, 400_000, 500_000) == round(4_900_000 / assets.SNAPSHOT_SAVES_SECONDS)
    assert assets.snapshot_pays_above(100, 400_000, 500_000) == 0  # smaller than what it replaces: always
