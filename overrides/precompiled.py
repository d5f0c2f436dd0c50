"""The runtime compiled for Pyodide: a trimmed bytecode stdlib, a precompiled engine, a memory snapshot.

All three are made inside the pinned Pyodide under Node.js by overrides/pyodide/build.mjs
(this machine need not have a host Python of Pyodide's version). They are cached in
.cache/pyodide/<key>/, keyed by a digest of every input: the script, the runtime's
files, the engine and PyYAML wheels, the rules bundle, the warm-up pastes and the
schema. A change to any of them makes a new key, so a snapshot never outlives the
runtime, engine, rules or stdlib it was taken with; the key is also in the file names
the site serves.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from engine.model import Rule

__all__ = ["PrecompileError", "Precompiled", "SCRIPT", "ZERO_RUN", "nonzero_segments", "precompiled", "warm_up_pastes"]

SCRIPT = Path(__file__).resolve().parent / "pyodide" / "build.mjs"
NODE_TIMEOUT = 600  # seconds; a normal run takes 10-30 s
KEEP_SLOTS = 6  # test runs build several rule sets; keep each one's outputs
# The playground's PyYAML in the snapshot: +0.5 MB gzip for a page few visit, so no.
SNAPSHOT_PYYAML = False
WARM_UP_RULES = 8  # examples of this many rules (the first ones by id) warm the engine up
# The snapshot ships without its runs of zeros at least this long: 11 MB of its 26 MB are
# whole zero pages in a few long runs, and the browser need not gunzip them (the worker
# starts from zeroed memory and places the rest by the manifest's segments).
ZERO_RUN = 4096


class PrecompileError(Exception):
    """Node.js or the Pyodide step failed; the message says what to run."""


@dataclass(frozen=True)
class Precompiled:
    """The outputs of one Node run, in their cache slot."""

    key: str
    stdlib: Path  # trimmed stdlib, .pyc only
    engine: Path  # the engine's sources plus __pycache__/ hash-based .pyc, a zip
    snapshot: Path  # memory snapshot without its zero runs, gzip
    snapshot_bytes: int  # its size once decompressed and placed
    snapshot_segments: tuple[tuple[int, int], ...]  # (offset, length) of each part the gzip holds, in order
    modules: tuple[str, ...]  # what the trimmed stdlib holds (in-zip paths)


def warm_up_pastes(rules: list[Rule]) -> list[str]:
    """Real pastes from the rules' own examples: what the snapshot's warm-up diagnoses."""
    pastes = []
    for rule in sorted(rules, key=lambda r: r.id):
        if rule.examples:
            pastes.append(rule.examples[0].paste)
        if len(pastes) == WARM_UP_RULES:
            break
    return pastes or ["Error: read ECONNRESET"]


def _digest(parts: list[bytes]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()[:16]


def _playground_rule(rules_dir: Path, template: Path) -> str:
    for path in sorted(rules_dir.glob("*.yaml")):
        return path.read_text(encoding="utf-8")
    return template.read_text(encoding="utf-8")


def precompiled(*, pyodide_files: list[Path], engine_wheel: Path, pyyaml_wheel: Path, bundle: bytes,
                rules: list[Rule], rules_dir: Path, template: Path, schema: Path, cache_dir: Path,
                make: bool = True) -> Precompiled | None:
    """The precompiled runtime for these inputs, made once per change of any of them.

    `make=False` (`build.py serve`): only what the cache already holds, else None,
    since making it takes a Node.js run of 10-30 s and a rule edit must show in seconds.
    """
    pastes = warm_up_pastes(rules)
    playground_rule = _playground_rule(rules_dir, template)
    inputs = [SCRIPT.read_bytes(), *(p.read_bytes() for p in pyodide_files), engine_wheel.read_bytes(),
              pyyaml_wheel.read_bytes(), bundle, json.dumps(pastes).encode(), playground_rule.encode(),
              schema.read_bytes(), str(SNAPSHOT_PYYAML).encode(), f"zero runs of {ZERO_RUN}".encode()]
    key = _digest(inputs)
    root = cache_dir / "pyodide"
    slot = root / key
    if not (slot / "report.json").is_file():
        if not make:
            return None
        _build(slot, key, pyodide_dir=pyodide_files[0].parent, engine_wheel=engine_wheel, pyyaml_wheel=pyyaml_wheel,
               bundle=bundle, pastes=pastes, playground_rule=playground_rule, schema=schema)
        _prune(root, keep=slot)
    slot.touch()  # most recently used
    report = json.loads((slot / "report.json").read_text())
    return Precompiled(key=key, stdlib=slot / "stdlib.zip", engine=slot / "engine-pyc.zip",
                       snapshot=slot / "snapshot.bin.gz", snapshot_bytes=int(report["snapshot_bytes"]),
                       snapshot_segments=tuple((int(a), int(n)) for a, n in report["snapshot_segments"]),
                       modules=tuple(json.loads((slot / "stdlib-modules.json").read_text())))


def _build(slot: Path, key: str, *, pyodide_dir: Path, engine_wheel: Path, pyyaml_wheel: Path, bundle: bytes,
           pastes: list[str], playground_rule: str, schema: Path) -> None:
    node = shutil.which("node")
    if node is None:
        raise PrecompileError("Node.js is needed to precompile the runtime: install nodejs (./dev setup does)")
    slot.parent.mkdir(parents=True, exist_ok=True)
    # Build beside the slot and rename, so an interrupted build leaves no half a slot.
    staging = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=slot.parent))
    try:
        (staging / "rules.json").write_bytes(bundle)
        config = {
            "pyodide": str(pyodide_dir.resolve()), "engine_wheel": str(engine_wheel.resolve()),
            "pyyaml_wheel": str(pyyaml_wheel.resolve()), "rules": str(staging / "rules.json"),
            "schema": str(schema.resolve()), "pastes": pastes, "playground_rule": playground_rule,
            "snapshot_pyyaml": SNAPSHOT_PYYAML, "out": str(staging),
        }
        (staging / "config.json").write_text(json.dumps(config))
        try:
            proc = subprocess.run([node, str(SCRIPT), str(staging / "config.json")], capture_output=True, text=True,
                                  timeout=NODE_TIMEOUT, cwd=staging)
        except subprocess.TimeoutExpired as exc:
            raise PrecompileError(f"precompiling the runtime took over {NODE_TIMEOUT} s") from exc
        if proc.returncode != 0:
            raise PrecompileError(f"precompiling the runtime failed:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}")
        raw = (staging / "snapshot.bin").read_bytes()
        segments = nonzero_segments(raw, ZERO_RUN)
        kept = b"".join(raw[offset:offset + length] for offset, length in segments)
        # mtime=0: the same snapshot compresses to the same bytes on every build.
        (staging / "snapshot.bin.gz").write_bytes(gzip.compress(kept, compresslevel=9, mtime=0))
        report = json.loads((staging / "report.json").read_text())
        report["snapshot_segments"] = segments
        (staging / "report.json").write_text(json.dumps(report, indent=1))
        for scratch in ("snapshot.bin", "rules.json", "config.json"):
            (staging / scratch).unlink()
        staging.chmod(0o755)  # mkdtemp makes it private; the cache is an ordinary folder
        shutil.rmtree(slot, ignore_errors=True)
        staging.rename(slot)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def nonzero_segments(data: bytes, zero_run: int) -> list[tuple[int, int]]:
    """(offset, length) of the parts of `data` between runs of at least `zero_run` zero bytes."""
    segments = []
    start = 0
    for gap in re.finditer(b"\0{%d,}" % zero_run, data):
        if gap.start() > start:
            segments.append((start, gap.start() - start))
        start = gap.end()
    if start < len(data):
        segments.append((start, len(data) - start))
    return segments


def _prune(root: Path, keep: Path) -> None:
    """Drop the least recently used slots beyond KEEP_SLOTS."""
    slots = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [s for s in slots if s != keep][KEEP_SLOTS - 1:]:
        shutil.rmtree(old, ignore_errors=True)
