#!/usr/bin/env python3
"""Lighthouse's accessibility and SEO scores of the built site, with every failing audit.

    python bench/lighthouse.py                  build the site for a local address, serve it, audit
    python bench/lighthouse.py --site DIR       audit a site already built (served at the root)
    python bench/lighthouse.py --desktop        also audit with Lighthouse's desktop preset
    python bench/lighthouse.py --json FILE      also write the scores and failures as JSON

The home page and an error page (errors/econnreset/), served on 127.0.0.1, audited by
Lighthouse from npm (package.json's devDependencies, installed by ./dev's npm ci) in the
system Chromium. The target is 100 in both categories on both pages; nothing is asserted
here (tests/test_lighthouse.py does that), the figures are printed. Exit 0 when every
audit ran, 2 when Lighthouse or Chromium is missing or a run fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser_support import CHROMIUM_ARGS, chromium_path, serve  # noqa: E402

__all__ = ["CATEGORIES", "PAGES", "Audit", "Report", "lighthouse", "main", "print_report"]

CATEGORIES = ("accessibility", "seo")
PAGES = {"home page": "", "error page": "errors/econnreset/"}
CLI = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
# Audits that score nothing: the manual checklist, those that do not apply, and notes.
_UNSCORED = {"manual", "notApplicable", "informative"}


@dataclass
class Audit:
    """One failing audit: its id, title and the elements or lines it names."""

    id: str
    title: str
    category: str
    items: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Lighthouse's scores (0 to 100) for one page and form factor, and what failed."""

    page: str
    url: str
    form_factor: str
    lighthouse: str
    scores: dict[str, int]
    failures: list[Audit]


def _item(item: dict) -> str:  # type: ignore[type-arg]
    """What an audit's detail row points at: an element, a link, a line of robots.txt..."""
    node = item.get("node") if isinstance(item.get("node"), dict) else None
    if node:
        return f"{node.get('selector', '')}  {(node.get('snippet') or '')[:160]}".strip()
    parts = [f"{k}={v}" for k, v in item.items() if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
    return ", ".join(parts)[:200]


def lighthouse(url: str, page: str = "", desktop: bool = False, timeout: float = 240) -> Report:
    """Run Lighthouse on `url` in the system Chromium and read its JSON report."""
    chrome = chromium_path()
    if not CLI.is_file():
        raise RuntimeError(f"Lighthouse is not installed ({CLI} is missing): run ./dev setup (npm ci)")
    if not chrome:
        raise RuntimeError("no Chromium found: install Debian's chromium or set ERRATA_CHROMIUM")
    node = shutil.which("node")
    if not node:
        raise RuntimeError("Node.js is needed to run Lighthouse")
    with tempfile.TemporaryDirectory(prefix="errata-lighthouse-") as work:
        out = Path(work) / "report.json"
        command = [
            node, str(CLI), url,
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json", f"--output-path={out}", "--quiet",
            # The same flags as the browser tests: without the background-networking ones,
            # Chromium keeps calling Google's hosts, which a closed network refuses.
            "--chrome-flags=" + " ".join(["--headless", *CHROMIUM_ARGS]),
        ] + (["--preset=desktop"] if desktop else [])
        # chrome-launcher takes the browser from CHROME_PATH and writes its profile under TMPDIR.
        env = {**os.environ, "CHROME_PATH": chrome, "TMPDIR": work}
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0 or not out.is_file():
            raise RuntimeError(f"Lighthouse failed on {url} (exit {done.returncode}): {done.stderr.strip()[-800:]}")
        data = json.loads(out.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        raise RuntimeError(f"Lighthouse could not load {url}: {data['runtimeError'].get('message')}")
    scores, failures = {}, []
    for name in CATEGORIES:
        category = data["categories"][name]
        scores[name] = round((category["score"] or 0) * 100)
        for ref in category["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if audit["scoreDisplayMode"] in _UNSCORED or (audit["score"] is not None and audit["score"] >= 1):
                continue
            items = [_item(i) for i in (audit.get("details") or {}).get("items", []) if isinstance(i, dict)]
            if audit["scoreDisplayMode"] == "error":  # counted as a failure by Lighthouse too
                items.insert(0, f"the audit could not run: {audit.get('errorMessage', '')}")
            failures.append(Audit(ref["id"], audit["title"], name, items))
    return Report(page, url, data["configSettings"]["formFactor"], data["lighthouseVersion"], scores, failures)


def print_report(report: Report) -> None:
    scores = ", ".join(f"{name} {score}" for name, score in report.scores.items())
    print(f"{report.page or report.url} ({report.form_factor}): {scores}", flush=True)
    for audit in report.failures:
        print(f"  {audit.category}: {audit.id}: {audit.title}")
        for item in audit.items[:8]:
            print(f"      {item}")
        if len(audit.items) > 8:
            print(f"      ... and {len(audit.items) - 8} more")


def audit_site(base: str, desktop: bool = False) -> list[Report]:
    """Every page in PAGES, mobile (Lighthouse's default) and, when asked, desktop."""
    reports = []
    for form in [False, True] if desktop else [False]:
        for page, path in PAGES.items():
            reports.append(lighthouse(base + path, page, desktop=form))
            print_report(reports[-1])
    return reports


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--site", metavar="DIR", help="a built site to serve instead of building one")
    parser.add_argument("--desktop", action="store_true", help="also run Lighthouse's desktop preset")
    parser.add_argument("--json", metavar="FILE", help="also write the reports as JSON")
    args = parser.parse_args(argv)
    work = None
    if args.site:
        target = Path(args.site)
        if not (target / "index.html").is_file():
            print(f"error: {target} holds no built site (no index.html)", file=sys.stderr)
            return 2
    else:
        work = Path(tempfile.mkdtemp(prefix="errata-lighthouse-site-"))
        target = work / "site"
    server, base = serve(target)
    try:
        if work:
            import build

            print(f"Building the site for {base} ...", flush=True)
            with open(os.devnull, "w") as quiet:
                stdout, sys.stdout = sys.stdout, quiet
                try:
                    build.build_site(target, site_url=base)  # for the address it is served at, as on the real host
                finally:
                    sys.stdout = stdout
        reports = audit_site(base, desktop=args.desktop)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        server.shutdown()
        if work:
            shutil.rmtree(work, ignore_errors=True)
    if reports:
        print(f"Lighthouse {reports[0].lighthouse}; target: 100 for each category on each page")
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in reports], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
