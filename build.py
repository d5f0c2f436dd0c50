#!/usr/bin/env python3
"""Build Errata: rules -> pages, engine wheel, rules bundle and Pyodide (mkdocs hooks) -> mkdocs build -> audit.

    python build.py            build the site into site/
    python build.py --site-url https://example.org/errata/
                               build it for where it will be served (instant navigation)
    python build.py check      validate every rule; problems as path:line:col: message
    python build.py serve      build, then serve with live reload on 127.0.0.1:8000
    python build.py new <id>   write a new rule file from the template

This is the command line. The site's generation happens inside mkdocs' own event
flow (overrides/hooks.py, with overrides/pages.py and overrides/assets.py), so a
plain `mkdocs build` or `mkdocs serve` makes the same site; nothing is written
into docs/. A failing step stops the build with a clear message; site/ is
replaced only after mkdocs and the safety audit succeeded.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from engine.compile import Problem
from engine.model import Rule
from overrides import catalog, settings
from overrides.audit import audit_site

ROOT = Path(__file__).resolve().parent
CONFIG = ROOT / "mkdocs.yml"
SITE = ROOT / "site"
_OPTIONS = settings.from_file(CONFIG)
RULES = _OPTIONS["rules_dir"]
TEMPLATE = _OPTIONS["rule_template"]

__all__ = ["BuildError", "build_site", "load_and_check", "main", "new_rule"]


class BuildError(Exception):
    """A step failed; the message says what and where."""


def load_and_check(rules_dir: Path = RULES, thorough: bool = True) -> tuple[list[Rule], list[Problem]]:
    """Read every rule and run the checks. Returns the rules and all problems at once."""
    return catalog.load_and_check(rules_dir, thorough=thorough)


def _checked_rules(rules_dir: Path = RULES) -> list[Rule]:
    rules, problems = load_and_check(rules_dir, thorough=False)
    if problems:
        raise BuildError("invalid rules:\n" + "\n".join(str(p) for p in problems))
    return rules


# --- the build: mkdocs in this process, its log kept for the error message -------------


class _Log(logging.Handler):
    """Keeps mkdocs' warnings and errors for the failure message; shows the hooks' progress."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.problems: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.problems.append(record.getMessage())
        elif record.name == "mkdocs.errata":
            print(f"  {record.getMessage().removeprefix('errata: ')}", flush=True)


@contextlib.contextmanager
def _mkdocs_session() -> Iterator[_Log]:
    """mkdocs' log routed to a _Log, and the process environment as it was afterwards."""
    logger = logging.getLogger("mkdocs")
    handler, level, propagate = _Log(), logger.level, logger.propagate
    # The hooks set SOURCE_DATE_EPOCH for a reproducible build; do not leak it into the caller.
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
        if epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch


def _mkdocs_build(site_dir: Path, site_url: str | None, rules_dir: Path) -> None:
    """`mkdocs build --strict` into site_dir, for site_url, from rules_dir."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's banner is noise here
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    overrides: dict[str, object] = {"site_dir": str(site_dir), "strict": True}
    if site_url:
        overrides["site_url"] = site_url
    with _mkdocs_session() as log:
        try:
            config = load_config(str(CONFIG), **overrides)
            config.extra.setdefault("errata", {})["rules_dir"] = str(rules_dir.resolve())
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
        except Exception as exc:  # mkdocs reports through its log, then raises Abort or a config error
            details = "\n".join(log.problems) or f"{type(exc).__name__}: {exc}"
            raise BuildError(f"mkdocs build --strict failed:\n{details[-6000:]}") from exc


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.resolve().is_relative_to(ROOT) else str(path)


def build_site(site_dir: Path = SITE, site_url: str | None = None, rules_dir: Path = RULES) -> Path:
    """The whole pipeline. site/ is swapped in only when every step succeeded.

    `site_url` overrides where the site will live (instant navigation only works
    for pages under it); by default it is mkdocs.yml's.
    """
    started = time.perf_counter()
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        print("[1/2] mkdocs build (rules checked, pages and runtime generated by the hooks)", flush=True)
        _mkdocs_build(staging, site_url, rules_dir)
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
    print(f"[2/2] audited; site built into {_shown(site_dir)} in {time.perf_counter() - started:.1f}s", flush=True)
    return site_dir


# --- commands -------------------------------------------------------------------


def _id_pattern() -> str:
    """The rule id pattern, as rules/schema.json states it."""
    schema = json.loads((RULES / "schema.json").read_text(encoding="utf-8"))
    return schema["properties"]["id"]["pattern"]


def new_rule(rule_id: str, rules_dir: Path = RULES) -> Path:
    """Write rules/<id>.yaml from the template; it fails `check` until filled in."""
    if not re.search(_id_pattern(), rule_id):
        raise BuildError(f"id: expected lowercase words joined by hyphens (like proxy-error), got \"{rule_id}\"")
    target = rules_dir / f"{rule_id}.yaml"
    if target.exists():
        raise BuildError(f"{_shown(target)} already exists")
    target.write_text(TEMPLATE.read_text(encoding="utf-8").replace("{id}", rule_id), encoding="utf-8")
    return target


def cmd_check(args: argparse.Namespace) -> int:
    start = time.perf_counter()
    rules, problems = load_and_check(Path(args.rules))
    for problem in problems:
        print(problem, flush=True)
    took = time.perf_counter() - start
    if problems:
        files = len({p.path for p in problems})
        print(f"{len(problems)} problem(s) in {files} file(s), all found in one pass; "
              f"{len(rules)} rule(s) without problems ({took:.1f}s)", file=sys.stderr)
        return 1
    print(f"{len(rules)} rules OK ({took:.1f}s)", file=sys.stderr)
    return 0


def site_url_option(value: str) -> str:
    """--site-url: an absolute http(s) address, with the trailing slash mkdocs expects."""
    parts = urllib.parse.urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise argparse.ArgumentTypeError(f"expected an http(s) address like https://example.org/errata/, got \"{value}\"")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + "/", "", ""))


def cmd_build(args: argparse.Namespace) -> int:
    build_site(site_url=getattr(args, "site_url", None))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    # mkdocs serve builds into a temporary folder; the hooks write nothing into the
    # watched docs/, rules/ or engine/, so each edit gives exactly one rebuild.
    _checked_rules()  # fail before starting the server, as the build does
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    print(f"serving on http://127.0.0.1:{args.port}/ (Ctrl-C to stop)", flush=True)
    return subprocess.call(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{args.port}", "--livereload"], cwd=ROOT, env=env
    )


def cmd_new(args: argparse.Namespace) -> int:
    path = new_rule(args.id)
    print(f"wrote {_shown(path)}; fill it in, then run: python build.py check")
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
    # Where the site will be served; Material's instant navigation only works there.
    site_url_help = "the address the site is served at (default: site_url in mkdocs.yml)"
    parser.add_argument("--site-url", type=site_url_option, help=site_url_help)
    commands.add_parser("build", help="build the site into site/ (the default)").add_argument(
        "--site-url", type=site_url_option, help=site_url_help, default=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    handler = {"check": cmd_check, "serve": cmd_serve, "new": cmd_new}.get(args.command, cmd_build)
    try:
        return handler(args)
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
