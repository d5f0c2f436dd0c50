"""What the browser runs, as site files: engine wheel, rules bundle, self-hosted Pyodide, manifest.

Wheels are built into a cache outside docs/ and reused while their sources are
unchanged; every other asset is computed from the rules on each build.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from engine import __version__
from engine.bundle import encode_bundle
from engine.model import Rule

from . import precompiled as compiled

__all__ = ["GZIPPED", "Asset", "AssetError", "PYODIDE_FILES", "build_wheel", "engine_wheel", "pyyaml_wheel",
           "rules_bundle", "runtime_assets"]

PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")


class AssetError(Exception):
    """An asset could not be made; the message says what to run."""


@dataclass(frozen=True)
class Asset:
    """One site file: its path under the site and either its bytes or the file to copy."""

    uri: str
    content: bytes | None = None
    path: Path | None = None


def build_wheel(project: Path, out_dir: Path, with_rules: bool = True) -> Path:
    """Build the engine as a pure-Python wheel with `python -m build` (what Pyodide loads).

    `with_rules`: carry the rules bundle compiled from project/rules (setup.py), as the
    installed command line needs. The site's copy goes without: the browser loads the
    bundle of the site's rules beside it, and a rule edit must not rebuild the wheel.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("errata_engine-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        # -P: do not put the project folder on sys.path, where build.py would shadow the `build` package.
        proc = subprocess.run(
            [sys.executable, "-P", "-m", "build", "--wheel", "--outdir", tmp, str(project)],
            cwd=tmp, capture_output=True, text=True,
            env={**os.environ, "ERRATA_WHEEL_WITHOUT_RULES": "0" if with_rules else "1"},
        )
        shutil.rmtree(project / "build", ignore_errors=True)
        if proc.returncode != 0:
            raise AssetError(f"building the engine wheel failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        wheels = list(Path(tmp).glob("errata_engine-*-py3-none-any.whl"))
        if len(wheels) != 1:
            raise AssetError(f"expected one py3-none-any wheel, got {[w.name for w in wheels]}")
        target = out_dir / wheels[0].name
        shutil.copy2(wheels[0], target)
    return target


def _sources_hash(project: Path) -> str:
    """A digest of everything that goes into the site's engine wheel (file names and bytes).

    Not rules/: the site's wheel is built without the rules bundle (see build_wheel).
    """
    digest = hashlib.sha256()
    files = [p for p in (project / "engine").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    files += [project / "pyproject.toml", project / "setup.py", project / "README.md"]
    for path in sorted(files):
        digest.update(path.relative_to(project).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def engine_wheel(project: Path, cache_dir: Path) -> Path:
    """The engine wheel for the current sources, built once per change of them."""
    slot = cache_dir / "wheels" / f"engine-{_sources_hash(project)}"
    existing = sorted(slot.glob("errata_engine-*.whl"))
    if existing:
        return existing[-1]
    # Build beside the slot and rename, so an interrupted build leaves no half a slot.
    staging = Path(tempfile.mkdtemp(prefix=".engine-", dir=_made(cache_dir / "wheels")))
    try:
        built = build_wheel(project, staging, with_rules=False)
        for old in slot.parent.glob("engine-*"):
            shutil.rmtree(old, ignore_errors=True)
        staging.chmod(0o755)  # mkdtemp makes it private; the cache is an ordinary folder
        staging.rename(slot)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return slot / built.name


def _made(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pinned(project: Path, package: str) -> str:
    """The version requirements.txt pins for a package."""
    for line in (project / "requirements.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() == package.lower():
            return version.strip()
    raise AssetError(f"requirements.txt does not pin {package}")


def pyyaml_wheel(project: Path, cache_dir: Path) -> Path:
    """A pure-Python PyYAML wheel for the rule playground (PyPI has none Pyodide can load).

    Built once from the pinned source release with the C extension turned off, then reused.
    """
    version = _pinned(project, "PyYAML")
    target = _made(cache_dir / "wheels") / f"pyyaml-{version}-py3-none-any.whl"
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--no-binary", "pyyaml", f"pyyaml=={version}", "--wheel-dir", tmp],
            cwd=tmp, capture_output=True, text=True, env=dict(os.environ, PYYAML_FORCE_LIBYAML="0"),
        )
        built = list(Path(tmp).glob("*-py3-none-any.whl"))
        if proc.returncode != 0 or len(built) != 1:
            raise AssetError(f"building a pure-Python PyYAML {version} wheel failed:\n{proc.stderr[-2000:]}")
        shutil.copy2(built[0], target.with_suffix(".part"))
        target.with_suffix(".part").rename(target)
    return target


def _pyodide(project: Path, pyodide_dir: Path) -> tuple[str, list[Path]]:
    """The installed Pyodide's version and files, checked against package-lock.json's pin."""
    lock = json.loads((project / "package-lock.json").read_text())
    pinned = lock["packages"]["node_modules/pyodide"]["version"]
    meta = pyodide_dir / "package.json"
    if not meta.is_file():
        raise AssetError("Pyodide is not installed: run `npm ci` (or ./dev setup) first")
    installed = json.loads(meta.read_text())["version"]
    if installed != pinned:
        raise AssetError(f"node_modules has pyodide {installed} but package-lock.json pins {pinned}: run `npm ci`")
    missing = [name for name in PYODIDE_FILES if not (pyodide_dir / name).is_file()]
    if missing:
        raise AssetError(f"pyodide {installed} is missing {', '.join(missing)}")
    return installed, [pyodide_dir / name for name in PYODIDE_FILES]


# Files the site also ships gzipped, as <name>.gz, for hosts that do not compress (a plain
# static server, a bucket): the worker asks for the file itself and takes the copy only
# when the file comes without Content-Encoding (docs/assets/errata/loading.js). Paths
# under runtime/. The wasm is 9.6 MB and 3.5 MB gzipped; the zips and the snapshot are
# compressed already.
GZIPPED = ("pyodide/pyodide.asm.wasm", "pyodide/pyodide-lock.json", "rules.json")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)  # mtime=0: the same bytes on every build


def gzipped_copies(assets: list[Asset], cache_dir: Path) -> list[Asset]:
    """The .gz copy of each asset GZIPPED names. A copied file's (the wasm) is made once per
    content and cached, so a rule edit under `build.py serve` does not gzip 9.6 MB again."""
    copies = []
    for asset in assets:
        name = asset.uri.removeprefix("runtime/")
        if name not in GZIPPED:
            continue
        if asset.content is not None:
            copies.append(Asset(f"{asset.uri}.gz", content=_gzip(asset.content)))
            continue
        assert asset.path is not None
        data = asset.path.read_bytes()
        cached = _made(cache_dir / "gzip") / f"{hashlib.sha256(data).hexdigest()[:24]}.gz"
        if not cached.is_file():
            cached.with_suffix(".part").write_bytes(_gzip(data))
            cached.with_suffix(".part").rename(cached)
        copies.append(Asset(f"{asset.uri}.gz", path=cached))
    return copies


def rules_bundle(rules: list[Rule]) -> bytes:
    """The compact JSON the browser loads (it never parses YAML); the wheel carries the same for the CLI."""
    return encode_bundle(rules, __version__)


# What restoring the snapshot saves against the bytecode boot: Python's start-up, the
# engine's import and the rules' load. bench/run.py (2026-12-03, 2 cores): cold first
# diagnosis 1,438 ms from the snapshot, 2,631 ms from bytecode, at full speed. A faster
# processor saves less, so a round second is taken.
SNAPSHOT_SAVES_SECONDS = 1.0


def snapshot_pays_above(snapshot_gz: int, engine_pyc: int, rules: int) -> int:
    """The link speed (bytes/s) above which downloading the snapshot beats the bytecode boot.

    The snapshot replaces the engine's bytecode and the rules; the rest (the wasm, the
    stdlib) both boots download. Below this speed its extra bytes take longer than the
    start-up it saves.
    """
    extra = max(0, snapshot_gz - engine_pyc - rules)
    return round(extra / SNAPSHOT_SAVES_SECONDS)


def runtime_assets(rules: list[Rule], *, project: Path, rules_dir: Path, template: Path,
                   pyodide_dir: Path, cache_dir: Path, serving: bool = False) -> list[Asset]:
    """Every runtime file under runtime/, plus schema.json for editors, in a stable order.

    `serving` (`build.py serve`): when the compiled runtime for these rules is not in
    the cache, the plain boot instead of making it (see plain_boot).
    """
    wheel = engine_wheel(project, cache_dir)
    pyyaml = pyyaml_wheel(project, cache_dir)
    bundle = rules_bundle(rules)
    version, runtime = _pyodide(project, pyodide_dir)
    try:
        pre = compiled.precompiled(pyodide_files=runtime, engine_wheel=wheel, pyyaml_wheel=pyyaml, bundle=bundle,
                                   rules=rules, rules_dir=rules_dir, template=template,
                                   schema=rules_dir / "schema.json", cache_dir=cache_dir, make=not serving)
    except compiled.PrecompileError as exc:
        raise AssetError(str(exc)) from exc
    if pre is None:
        plain = plain_boot(rules_dir=rules_dir, template=template, wheel=wheel, pyyaml=pyyaml, bundle=bundle,
                           version=version, runtime=runtime)
        return plain + gzipped_copies(plain, cache_dir)
    # Content-named: a new runtime, engine, rules or stdlib gives new names (the snapshot
    # is only valid with the exact stdlib zip and runtime it was taken with).
    stdlib_name = f"stdlib-{pre.key}.zip"
    engine_pyc_name = f"engine-{pre.key}.zip"
    snapshot_name = f"snapshot-{pre.key}.bin.gz"
    manifest = {
        **_manifest_head(wheel, pyyaml, bundle, version),
        # Compiled for Pyodide (overrides/precompiled.py): the bytecode stdlib both boots
        # use, the engine with its .pyc, and the memory snapshot taken after the warm-up.
        "stdlib": stdlib_name,
        "engine_pyc": engine_pyc_name,
        "snapshot": {"file": snapshot_name, "bytes": pre.snapshot_bytes, "segments": pre.snapshot_segments,
                     "pyyaml": compiled.SNAPSHOT_PYYAML,
                     "pays_above": snapshot_pays_above(pre.snapshot.stat().st_size, pre.engine.stat().st_size, len(bundle))},
    }
    assets = [
        Asset("runtime/manifest.json", content=json.dumps(manifest).encode()),
        Asset("runtime/rules.json", content=bundle),
        Asset(f"runtime/{wheel.name}", path=wheel),
        Asset(f"runtime/{pyyaml.name}", path=pyyaml),
        Asset(f"runtime/{stdlib_name}", path=pre.stdlib),
        Asset(f"runtime/{engine_pyc_name}", path=pre.engine),
        Asset(f"runtime/{snapshot_name}", path=pre.snapshot),
        *_other_files(runtime, rules_dir, template),
    ]
    return assets + gzipped_copies(assets, cache_dir)


def _manifest_head(wheel: Path, pyyaml: Path, bundle: bytes, version: str) -> dict[str, object]:
    return {
        "engine": __version__,
        "wheel": wheel.name,
        "pyyaml": pyyaml.name,
        "rules": "rules.json",
        "pyodide": version,
        "gzipped": list(GZIPPED),
        # A digest of what the browser caches, so it changes exactly when they do (and
        # two builds of one commit agree byte for byte, unlike file times).
        "stamp": hashlib.sha256(wheel.read_bytes() + b"\0" + bundle).hexdigest()[:16],
    }


def _other_files(runtime: list[Path], rules_dir: Path, template: Path) -> list[Asset]:
    return [
        *(Asset(f"runtime/pyodide/{p.name}", path=p) for p in runtime),
        # The playground's ?rule=<id> opens a rule's own YAML, comments included.
        *(Asset(f"runtime/rules/{p.name}", path=p) for p in sorted(rules_dir.glob("*.yaml"))),
        Asset("runtime/rules/_template.yaml", path=template),
        Asset("schema.json", path=rules_dir / "schema.json"),
    ]


def plain_boot(*, rules_dir: Path, template: Path, wheel: Path, pyyaml: Path, bundle: bytes, version: str,
               runtime: list[Path]) -> list[Asset]:
    """The runtime files without the compiled runtime: what `build.py serve` ships until it exists.

    The manifest names no snapshot, so the worker (docs/assets/errata/worker.js) takes
    its bytecode boot, here from Pyodide's own python_stdlib.zip (every module, as
    sources) and the plain engine wheel, a zip like engine-pyc.zip. Slower to start than
    the compiled boot; it answers with the rules as edited.
    """
    manifest = {**_manifest_head(wheel, pyyaml, bundle, version),
                "stdlib": "pyodide/python_stdlib.zip", "engine_pyc": wheel.name, "snapshot": None}
    return [
        Asset("runtime/manifest.json", content=json.dumps(manifest).encode()),
        Asset("runtime/rules.json", content=bundle),
        Asset(f"runtime/{wheel.name}", path=wheel),
        Asset(f"runtime/{pyyaml.name}", path=pyyaml),
        *_other_files(runtime, rules_dir, template),
    ]
