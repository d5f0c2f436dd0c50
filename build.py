#!/usr/bin/env python3
"""Build Errata: rules -> pages -> engine wheel + rules bundle + Pyodide -> mkdocs build.

    python build.py            build the site into site/
    python build.py check      validate every rule; problems as path:line:col: message
    python build.py serve      build, then serve with live reload on 127.0.0.1:8000
    python build.py new <id>   write a new rule file from the template

Each step is a function that can be run and tested alone. A failing step stops
the build with a clear message; site/ is replaced only after mkdocs succeeded.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine import __version__  # noqa: E402
from engine.checks import check_catalog  # noqa: E402
from engine.compile import Problem  # noqa: E402
from engine.bundle import rule_to_data  # noqa: E402
from engine.loader import load_rules  # noqa: E402
from engine.model import Rule  # noqa: E402
from overrides.audit import audit_site  # noqa: E402

RULES = ROOT / "rules"
DOCS = ROOT / "docs"
SITE = ROOT / "site"
RUNTIME = DOCS / "runtime"  # generated: Pyodide, engine wheel, rules bundle (not in git)
PYODIDE_PACKAGE = ROOT / "node_modules" / "pyodide"
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
TEMPLATE = ROOT / "rules" / "templates" / "new-rule.yaml"
REPO_EDIT = "https://github.com/errata-dev/errata/edit/main/"

__all__ = [
    "BuildError",
    "build_site",
    "build_wheel",
    "bundle_rules",
    "catalog_markdown",
    "copy_runtime",
    "load_and_check",
    "new_rule",
    "prepare_docs",
    "render_pages",
]


class BuildError(Exception):
    """A step failed; the message says what and where."""


# --- step 1: load and check ---------------------------------------------------


def load_and_check(rules_dir: Path = RULES, thorough: bool = True) -> tuple[list[Rule], list[Problem]]:
    """Read every rule and run the checks. Returns the rules and all problems at once.

    `thorough` adds what only `check` and the tests need: timed regex runs and
    every example ranked against the whole catalog. The build runs the rest.
    """
    rules, problems = load_rules(rules_dir)
    # Check what did load even when some files are broken, so one run shows everything.
    return rules, sorted(problems + check_catalog(rules, thorough=thorough))


def _checked_rules(rules_dir: Path = RULES) -> list[Rule]:
    rules, problems = load_and_check(rules_dir, thorough=False)
    if problems:
        raise BuildError("invalid rules:\n" + "\n".join(str(p) for p in problems))
    return rules


# --- step 2: one Markdown page per rule ------------------------------------------

CATEGORY_TITLES = {
    "network": "Network and sockets",
    "tls": "TLS and certificates",
    "api": "API responses",
    "tooling": "Tools: npm and MCP",
}


def _literal(text: str) -> str:
    """Rule text as inert HTML: every character that Markdown or HTML could read as syntax is an entity."""
    return "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in text)


def _code(text: str) -> str:
    """Inline code that no text can break out of (a backtick fence can be; entities cannot)."""
    return f"<code>{_literal(text)}</code>"


def _fenced(text: str, lang: str = "text") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.strip().splitlines())


def _jsonld(rule: Rule) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": f.q, "acceptedAnswer": {"@type": "Answer", "text": f.a.strip()}}
            for f in rule.faqs
        ],
    }
    # "<" escaped so that no text can close the <script> element it sits in.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def _related(rule: Rule, catalog: dict[str, Rule]) -> list[Rule]:
    """Related rules: the ones this rule names, then the ones that name it."""
    ids = list(rule.related) + sorted(r.id for r in catalog.values() if rule.id in r.related and r.id not in rule.related)
    return [catalog[i] for i in ids if i in catalog and i != rule.id]


def page_markdown(rule: Rule, catalog: dict[str, Rule]) -> str:
    """The Markdown page for one rule."""
    import yaml

    from engine.model import RUNTIME_LABELS

    front = {
        "title": rule.title,
        "description": rule.summary,
        "diagnose": "bottom",
        "rule": rule.id,
        "rule_path": f"rules/{rule.id}.yaml",
        "jsonld": _jsonld(rule),
        "search": {"boost": 2},
    }
    out = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).strip(), "---", ""]
    out += [f"# {rule.title}", "", rule.summary, ""]
    if rule.sample:
        out += [_fenced(rule.sample), ""]
    facts = [f"**Category:** {CATEGORY_TITLES[rule.category]}"]
    if rule.codes:
        facts.append("**Codes:** " + " · ".join(_code(c) for c in rule.codes))
    out += ["  \n".join(facts), ""]
    if rule.messages:
        out += ["**Messages you may see:**", ""] + [f"- {_code(m)}" for m in rule.messages] + [""]
    out += ["## What it means", "", rule.meaning.strip(), ""]
    out += ["## Why it happens", ""] + [f"{i}. {c.strip()}" for i, c in enumerate(rule.causes, 1)] + [""]
    out += ["## How to fix it", ""]
    for runtime, body in rule.fixes:
        out += [f'=== "{RUNTIME_LABELS[runtime]}"', "", _indent(body), ""]
    out += ["## If that does not work", "", rule.if_that_fails.strip(), ""]
    out += ["## How to prevent it", "", rule.prevention.strip(), ""]
    out += ["## Frequently asked questions", ""]
    for faq in rule.faqs:
        out += [f"### {faq.q.strip()}", "", faq.a.strip(), ""]
    out += ["## Related errors", ""]
    out += [f"- [{r.title}]({r.id}.md): {r.summary}" for r in _related(rule, catalog)] + [""]
    out += ["## Sources", ""] + [f'- <a href="{_literal(s.url)}">{_literal(s.title)}</a>' for s in rule.sources] + [""]
    return "\n".join(out)


def catalog_markdown(rules: list[Rule], prefix: str = "") -> str:
    """Every error by category: title, codes, summary. `prefix` is the path to errors/."""
    out: list[str] = []
    for category, heading in CATEGORY_TITLES.items():
        members = [r for r in rules if r.category == category]
        if not members:
            continue
        out += [f"## {heading}", "", "| Error | Codes | What happened |", "| --- | --- | --- |"]
        for r in members:
            codes = ", ".join(_code(c) for c in r.codes[:4])
            summary = r.summary.replace("|", "\\|")
            out.append(f"| [{r.title}]({prefix}{r.id}.md) | {codes} | {summary} |")
        out.append("")
    return "\n".join(out)


def render_pages(rules: list[Rule], out_dir: Path) -> list[Path]:
    """Write errors/<id>.md for every rule and errors/index.md; remove pages of deleted rules."""
    out_dir.mkdir(parents=True, exist_ok=True)
    catalog = {r.id: r for r in rules}
    written = []
    for rule in rules:
        path = out_dir / f"{rule.id}.md"
        text = page_markdown(rule, catalog)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    index = out_dir / "index.md"
    head = ["---", "title: All errors", "description: Every error in the catalog, with its codes.", "---", "",
            "# All errors", "", f"{len(rules)} errors, grouped by where they happen. Use the search (press `/`) to find a code or a message.", ""]
    index.write_text("\n".join(head) + catalog_markdown(rules), encoding="utf-8")
    written.append(index)
    for stale in set(out_dir.glob("*.md")) - set(written):
        stale.unlink()
    return written


# --- steps 3-5: engine wheel, rules bundle, Pyodide runtime -------------------------


def build_wheel(out_dir: Path) -> Path:
    """Build the engine as a pure-Python wheel with `python -m build` (what Pyodide loads)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("errata_engine-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        # -P: do not put the project folder on sys.path, where build.py would shadow the `build` package.
        proc = subprocess.run(
            [sys.executable, "-P", "-m", "build", "--wheel", "--outdir", tmp, str(ROOT)],
            cwd=tmp, capture_output=True, text=True,
        )
        shutil.rmtree(ROOT / "build", ignore_errors=True)
        if proc.returncode != 0:
            raise BuildError(f"building the engine wheel failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        wheels = list(Path(tmp).glob("errata_engine-*-py3-none-any.whl"))
        if len(wheels) != 1:
            raise BuildError(f"expected one py3-none-any wheel, got {[w.name for w in wheels]}")
        target = out_dir / wheels[0].name
        shutil.copy2(wheels[0], target)
    return target


def bundle_rules(rules: list[Rule], out: Path) -> Path:
    """Write the compact JSON the browser loads (it never parses YAML)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    bundle = {"engine": __version__, "rules": [rule_to_data(r) for r in rules]}
    out.write_text(json.dumps(bundle, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    return out


def _pinned(package: str) -> str:
    """The version requirements.txt pins for a package."""
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        name, _, version = line.partition("==")
        if name.strip().lower() == package.lower():
            return version.strip()
    raise BuildError(f"requirements.txt does not pin {package}")


def build_pyyaml_wheel(out_dir: Path) -> Path:
    """A pure-Python PyYAML wheel for the rule playground (PyPI has none Pyodide can load).

    Built once from the pinned source release with the C extension turned off, then reused.
    """
    version = _pinned("PyYAML")
    target = out_dir / f"pyyaml-{version}-py3-none-any.whl"
    if target.is_file():
        return target
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--no-binary", "pyyaml", f"pyyaml=={version}", "--wheel-dir", tmp],
            cwd=tmp, capture_output=True, text=True, env=dict(os.environ, PYYAML_FORCE_LIBYAML="0"),
        )
        built = list(Path(tmp).glob("*-py3-none-any.whl"))
        if proc.returncode != 0 or len(built) != 1:
            raise BuildError(f"building a pure-Python PyYAML {version} wheel failed:\n{proc.stderr[-2000:]}")
        shutil.copy2(built[0], target)
    return target


def publish_rule_sources(out_dir: Path, rules_dir: Path = RULES) -> None:
    """Copy the rule YAML files (and the new-rule template) for the playground's ?rule=<id>."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.yaml"):
        old.unlink()
    for path in rules_dir.glob("*.yaml"):
        shutil.copy2(path, out_dir / path.name)
    shutil.copy2(TEMPLATE, out_dir / "_template.yaml")


def _pinned_pyodide_version() -> str:
    lock = json.loads((ROOT / "package-lock.json").read_text())
    return lock["packages"]["node_modules/pyodide"]["version"]


def copy_runtime(out_dir: Path) -> str:
    """Copy the self-hosted Pyodide runtime from node_modules (installed by `npm ci`)."""
    pinned = _pinned_pyodide_version()
    meta = PYODIDE_PACKAGE / "package.json"
    if not meta.is_file():
        raise BuildError("Pyodide is not installed: run `npm ci` (or ./dev setup) first")
    installed = json.loads(meta.read_text())["version"]
    if installed != pinned:
        raise BuildError(f"node_modules has pyodide {installed} but package-lock.json pins {pinned}: run `npm ci`")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in PYODIDE_FILES:
        src = PYODIDE_PACKAGE / name
        if not src.is_file():
            raise BuildError(f"pyodide {installed} is missing {name}")
        dst = out_dir / name
        if not dst.exists() or dst.stat().st_size != src.stat().st_size or dst.stat().st_mtime < src.stat().st_mtime:
            shutil.copy2(src, dst)
    return installed


def _engine_sources_newer_than(path: Path) -> bool:
    if not path.exists():
        return True
    stamp = path.stat().st_mtime
    return any(p.stat().st_mtime > stamp for p in (ROOT / "engine").glob("*.py")) or (ROOT / "pyproject.toml").stat().st_mtime > stamp


def prepare_docs(rules: list[Rule], rules_dir: Path = RULES) -> None:
    """Steps 2-5 into docs/: pages, engine wheel, rules bundle, runtime, manifest."""
    render_pages(rules, DOCS / "errors")
    shutil.copy2(rules_dir / "schema.json", DOCS / "schema.json")
    existing = sorted(RUNTIME.glob("errata_engine-*.whl"))
    if not existing or _engine_sources_newer_than(existing[-1]):
        wheel_path = build_wheel(RUNTIME)
    else:
        wheel_path = existing[-1]
    bundle = bundle_rules(rules, RUNTIME / "rules.json")
    version = copy_runtime(RUNTIME / "pyodide")
    pyyaml = build_pyyaml_wheel(RUNTIME)
    publish_rule_sources(RUNTIME / "rules", rules_dir)
    manifest = {
        "engine": __version__,
        "wheel": wheel_path.name,
        "pyyaml": pyyaml.name,
        "rules": bundle.name,
        "pyodide": version,
        # Changes whenever the engine or the rules change, to bust caches.
        "stamp": f"{int(wheel_path.stat().st_mtime)}-{int(bundle.stat().st_mtime_ns % 10**9)}",
    }
    (RUNTIME / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


# --- step 6: mkdocs ---------------------------------------------------------------


def _mkdocs(*args: str, site_url: str | None = None, rules_dir: Path = RULES) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ERRATA_PAGES_READY="1", NO_MKDOCS_2_WARNING="1", ERRATA_RULES=str(rules_dir))
    if site_url:
        env["ERRATA_SITE_URL"] = site_url
    return subprocess.run([sys.executable, "-m", "mkdocs", *args], cwd=ROOT, env=env, capture_output=True, text=True)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.resolve().is_relative_to(ROOT) else str(path)


def build_site(site_dir: Path = SITE, site_url: str | None = None, rules_dir: Path = RULES) -> Path:
    """The whole pipeline. site/ is swapped in only when every step succeeded.

    `site_url` overrides where the site will live (instant navigation only works
    for pages under it); by default it is mkdocs.yml's.
    """
    started = time.perf_counter()
    rules = _checked_rules(rules_dir)
    print(f"[1/3] {len(rules)} rules loaded and checked", flush=True)
    prepare_docs(rules, rules_dir=rules_dir)
    print("[2/3] pages, engine wheel, rules bundle and Pyodide runtime ready in docs/", flush=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        proc = _mkdocs("build", "--strict", "--site-dir", str(staging), site_url=site_url, rules_dir=rules_dir)
        if proc.returncode != 0:
            raise BuildError("mkdocs build --strict failed:\n" + (proc.stderr or proc.stdout)[-4000:])
        if not (staging / "index.html").is_file():
            raise BuildError("mkdocs produced no index.html")
        findings = audit_site(staging, rules_dir=_shown(rules_dir))
        if findings:
            raise BuildError("the built pages failed the safety audit:\n" + "\n".join(str(f) for f in findings[:50]))
        old = site_dir.with_name(site_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if site_dir.exists():
            site_dir.rename(old)
        staging.rename(site_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"[3/3] site built into {site_dir.relative_to(ROOT) if site_dir.is_relative_to(ROOT) else site_dir} "
          f"in {time.perf_counter() - started:.1f}s", flush=True)
    return site_dir


# --- commands -------------------------------------------------------------------


def new_rule(rule_id: str, rules_dir: Path = RULES) -> Path:
    """Write rules/<id>.yaml from the template; it fails `check` until filled in."""
    import re

    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule_id):
        raise BuildError(f"id: expected lowercase words joined by hyphens (like proxy-error), got \"{rule_id}\"")
    target = rules_dir / f"{rule_id}.yaml"
    if target.exists():
        raise BuildError(f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target} already exists")
    target.write_text(TEMPLATE.read_text(encoding="utf-8").replace("{id}", rule_id), encoding="utf-8")
    return target


def cmd_check(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    rules, problems = load_and_check(Path(args.rules))
    for problem in problems:
        print(problem, flush=True)
    took = time.perf_counter() - start
    if problems:
        print(f"{len(problems)} problem(s) in {len(rules)} loaded rule(s) ({took:.1f}s)", file=sys.stderr)
        return 1
    print(f"{len(rules)} rules OK ({took:.1f}s)", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    build_site()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    prepare_docs(_checked_rules())
    env = dict(os.environ, ERRATA_SERVE="1", NO_MKDOCS_2_WARNING="1")
    print(f"serving on http://127.0.0.1:{args.port}/ (Ctrl-C to stop)", flush=True)
    return subprocess.call(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{args.port}", "--livereload"], cwd=ROOT, env=env
    )


def cmd_new(args: argparse.Namespace) -> int:
    path = new_rule(args.id)
    print(f"wrote {path.relative_to(ROOT)}; fill it in, then run: python build.py check")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    check = commands.add_parser("check", help="validate every rule")
    check.add_argument("--rules", default=str(RULES), help="rules directory (default: rules/)")
    serve = commands.add_parser("serve", help="build and serve with live reload on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    new = commands.add_parser("new", help="write a new rule file from the template")
    new.add_argument("id")
    commands.add_parser("build", help="build the site into site/ (the default)")
    args = parser.parse_args(argv)
    handler = {"check": cmd_check, "serve": cmd_serve, "new": cmd_new}.get(args.command, cmd_build)
    try:
        return handler(args)
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
