#!/usr/bin/env python3
"""Build Errata: rules -> pages, engine wheel, rules bundle and Pyodide (mkdocs hooks) -> mkdocs build -> audit.

    .venv/bin/python build.py            build the site into site/
    .venv/bin/python build.py --site-url https://example.org/errata/
                                         build it for where it will be served (instant navigation)
    .venv/bin/python build.py check      validate every rule; problems as path:line:col: message
    .venv/bin/python build.py serve      build, serve on http://127.0.0.1:8000/errata/ (site_url's path),
                                         rebuild once per save and reload the open pages
    .venv/bin/python build.py new <id>   write a new rule file from the template

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
import signal
import socket
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from engine.compile import Problem
from engine.model import Rule
from overrides import catalog, settings
from overrides.commands import command
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
    """Keeps mkdocs' warnings and errors for the failure message; shows the hooks' progress.

    `live` (serve) prints each warning as it comes too: a served build goes on past them.
    """

    def __init__(self, live: bool = False) -> None:
        super().__init__(logging.INFO)
        self.problems: list[str] = []
        self.live = live

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            if record.name == "mkdocs.livereload" and " code 30" in record.getMessage():
                return  # the dev server's redirects (/ to the site's path, a folder to its slash)
            self.problems.append(record.getMessage())
            if self.live:
                print(f"  {record.levelname}: {record.getMessage()}", flush=True)
        elif record.name == "mkdocs.errata":
            print(f"  {record.getMessage().removeprefix('errata: ')}", flush=True)


@contextlib.contextmanager
def _mkdocs_session(live: bool = False) -> Iterator[_Log]:
    """mkdocs' log routed to a _Log, and the process environment as it was afterwards."""
    logger = logging.getLogger("mkdocs")
    handler, level, propagate = _Log(live), logger.level, logger.propagate
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


# --- serve: mkdocs' dev server, one build per edit, live reload under the CSP ------------


def _watched(config, rules_dir: Path) -> list[Path]:
    """Every source of the site: docs/, mkdocs.yml, the theme's overrides/, the rules and mkdocs.yml's `watch:`."""
    paths = [Path(config.docs_dir), Path(config.config_file_path), ROOT / "overrides", rules_dir]
    paths += [Path(p) for p in config.watch if Path(p).resolve() != RULES.resolve()]  # another --rules replaces rules/
    return list(dict.fromkeys(p.resolve() for p in paths))


def serve_site(port: int = 8000, rules_dir: Path = RULES, site_url: str | None = None) -> int:
    """Build, serve on 127.0.0.1:port and rebuild once per change of a source, until Ctrl-C.

    mkdocs' own dev server (mkdocs.livereload) and build, driven as `mkdocs serve`
    drives them, with three differences: the rules may come from another folder, each
    build goes to a fresh folder that replaces the served one only when it succeeded,
    and each build is counted on the terminal. The hooks (on_serve) let the live-reload
    script run under the site's CSP; the runtime is the plain boot until the compiled
    one for the current rules is in the cache (overrides/assets.py).
    """
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    # No .pyc beside the sources: engine/ and overrides/ are watched, and such a write
    # would count as an edit and start another build. The children too (timed regex
    # runs, the wheel build) through the environment.
    sys.dont_write_bytecode = True
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    work = Path(tempfile.mkdtemp(prefix="errata-serve-"))
    served, staging = work / "site", work / "next"
    served.mkdir()
    # Served under the path of site_url, as mkdocs serve does (the links expect it there).
    mount = urllib.parse.urlsplit(site_url or load_config(str(CONFIG)).site_url or "/").path.strip("/")
    mount = f"/{mount}/" if mount else "/"
    address = f"http://127.0.0.1:{port}{mount}"
    builds = 0

    def configured():
        config = load_config(str(CONFIG), site_dir=str(staging), dev_addr=f"127.0.0.1:{port}")
        config.extra.setdefault("errata", {})["rules_dir"] = str(rules_dir.resolve())
        config.site_url = address  # as mkdocs serve does: pages link to where they are served
        return config

    def builder(config=None) -> None:
        nonlocal builds
        builds += 1
        started, cpu = time.perf_counter(), time.process_time()
        shutil.rmtree(staging, ignore_errors=True)
        log.problems.clear()
        try:
            build(config or configured(), serve_url=address)
        except Exception as exc:  # mkdocs reports through its log, then raises
            detail = "" if log.problems else f": {type(exc).__name__}: {exc}"
            print(f"build {builds} failed{detail}; still serving the last good build", flush=True)
            return
        old = work / "old"
        served.rename(old)
        staging.rename(served)
        shutil.rmtree(old, ignore_errors=True)
        # The CPU time beside the wall time: on a busy machine the two differ a lot.
        print(f"build {builds} done in {time.perf_counter() - started:.1f}s "
              f"({time.process_time() - cpu:.1f}s CPU)", flush=True)

    # Ctrl-C and a plain kill both end the server and remove its folder.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with _mkdocs_session(live=True) as log:
        config = configured()
        config.plugins.on_startup(command="serve", dirty=False)
        server = LiveReloadServer(builder=builder, host="127.0.0.1", port=port, root=str(served), mount_path=mount)
        server.error_handler = lambda code: (served / "404.html").read_bytes() if code == 404 and (served / "404.html").is_file() else None
        try:
            builder(config)
            watched = _watched(config, rules_dir)
            for path in watched:
                server.watch(str(path))
            server = config.plugins.on_serve(server, config=config, builder=builder)
            print(f"serving on {address} (Ctrl-C to stop); watching {', '.join(_shown(p) for p in watched)}", flush=True)
            server.serve()
        except KeyboardInterrupt:
            print("stopped", flush=True)
        finally:
            server.shutdown()
            config.plugins.on_shutdown()
            shutil.rmtree(work, ignore_errors=True)
    return 0


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


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def cmd_serve(args: argparse.Namespace) -> int:
    # Fail before the first build, not after it: a broken rule, a port in use.
    _checked_rules(Path(args.rules))
    if not _port_free(args.port):
        raise BuildError(f"127.0.0.1:{args.port} is in use (another serve?); choose another with --port")
    return serve_site(args.port, Path(args.rules), getattr(args, "site_url", None))


def cmd_new(args: argparse.Namespace) -> int:
    path = new_rule(args.id, Path(args.rules))
    print(f"wrote {_shown(path)}; fill it in, then run: {command('build.py', 'check')}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description=(__doc__ or "").splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    check = commands.add_parser("check", help="validate every rule")
    check.add_argument("--rules", default=str(RULES), help="rules directory (default: rules/)")
    serve = commands.add_parser("serve", help="build and serve with live reload on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--rules", default=str(RULES), help="rules directory (default: rules/)")
    new = commands.add_parser("new", help="write a new rule file from the template")
    new.add_argument("id")
    new.add_argument("--rules", default=str(RULES), help="rules directory (default: rules/)")
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
