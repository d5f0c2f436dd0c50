#!/usr/bin/env python3
"""Errata's benchmarks: print a table of figures. Nothing here is asserted.

    .venv/bin/python bench/run.py            everything (a few minutes)
    .venv/bin/python bench/run.py --quick    fewer repeats, no 1,000-rule build, no Lighthouse (under two minutes)
    .venv/bin/python bench/run.py --only engine|browser|build|lighthouse|serve

Figures that compare two things (cold first diagnosis vs a bare Pyodide boot,
3,000 rules vs the real catalog, the pipeline vs a plain mkdocs build) are taken
in the same run on the same machine, so their ratios mean something even on a
busy machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
import os
import platform
import random
import re
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from engine import analyse  # noqa: E402
from engine.compile import NoLocations, compile_rule  # noqa: E402
from engine.keys import Keys  # noqa: E402
from engine.loader import load_rules  # noqa: E402
from engine.match import Catalog  # noqa: E402

PASTES = sorted((ROOT / "tests" / "pastes").rglob("*.txt"))
ROWS: list[tuple[str, str, str]] = []


def row(section: str, name: str, value: str) -> None:
    ROWS.append((section, name, value))
    print(f"  {name:<58} {value}", flush=True)


def best_of(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def synthetic_rules(count: int) -> list:  # type: ignore[type-arg]
    """Rules shaped like real ones (literals, bounded regexes) that match nothing real."""
    rules = []
    for i in range(count):
        data = {
            "id": f"synthetic-{i}",
            "title": f"Synthetic error {i}",
            "summary": "A generated rule for benchmarks.",
            "category": "network",
            "match": {
                "patterns": [
                    {"regex": rf"\bESYNTH{i}[A-Z]*\b", "weight": 0.9},
                    {"literal": f"synthetic failure number {i}", "weight": 0.8},
                    {"regex": rf"(?i)\bsynth_{i}_(?:reset|timeout)\b", "weight": 0.7, "implies": "node"},
                ]
            },
        }
        rule, problems = compile_rule(data, "synthetic", NoLocations())
        assert rule is not None, problems
        rules.append(rule)
    return rules


# Regex syntax a cipher must leave alone: escapes, classes, group openers, repeat bounds.
_REGEX_SYNTAX = re.compile(r"""
    \\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}]*\}|[0-7]{1,3}|.)
  | \[\^?\]?(?:\\.|[^\]\\])*\]
  | \(\?(?:P?<[^>]*>|P=[^)]*\)|\#[^)]*\)|[aiLmsux-]*:?|[=!]|<[=!])
  | \{\d*(?:,\d*)?\}
""", re.X | re.S)


def _cipher(n: int) -> dict[int, str]:
    """A substitution of letters (case kept) and of digits, by letters, one per copy.

    Digits become letters: ciphered into digits, a copy's numbers would be found in
    any log full of timestamps and counters.
    """
    rnd = random.Random(n)
    lower = list(string.ascii_lowercase)
    rnd.shuffle(lower)
    digits = rnd.sample(string.ascii_lowercase, len(string.digits))
    table = {ord(a): b for a, b in zip(string.ascii_lowercase, lower)}
    table.update({ord(a.upper()): b.upper() for a, b in zip(string.ascii_lowercase, lower)})
    table.update({ord(a): b for a, b in zip(string.digits, digits)})
    return table


def _ciphered(pattern, table: dict[int, str]):  # type: ignore[no-untyped-def]
    if pattern.kind == "literal":
        source = pattern.source.translate(table)
    else:
        parts, last = [], 0
        for m in _REGEX_SYNTAX.finditer(pattern.source):
            parts += [pattern.source[last:m.start()].translate(table), m.group()]
            last = m.end()
        source = "".join(parts) + pattern.source[last:].translate(table)
    # The cipher maps literal for literal, so the keys are the original keys ciphered:
    # what keys.required() derives, up to which of two equally good words it picks
    # (a spot check of 20 copies found only such ties), without parsing 70,000 regexes.
    keys = Keys(frozenset((kind, value.translate(table)) for kind, value in pattern.keys.alternatives))
    return dataclasses.replace(pattern, source=source, keys=keys)


def ciphered_rules(rules: list, total: int) -> list:  # type: ignore[type-arg]
    """The real rules, then copies under new ids with every literal letter and digit ciphered.

    Copies keep the real rules' shapes (how many patterns, which kinds of key, how
    long) but match nothing real: what a catalog of `total` rules looks like.
    """
    out, n = list(rules), 0
    while len(out) < total:
        table = _cipher(n)
        for rule in rules[: total - len(out)]:
            out.append(dataclasses.replace(
                rule, id=f"{rule.id}-copy-{n}",
                patterns=tuple(_ciphered(p, table) for p in rule.patterns),
                excludes=tuple(_ciphered(p, table) for p in rule.excludes)))
        n += 1
    return out


def best_of_pair(first, second, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Best times of two workloads run in turn, so both see the same machine load."""
    a, b = [], []
    for _ in range(repeat):
        a.append(best_of(first, 1))
        b.append(best_of(second, 1))
    return min(a), min(b)


# --- engine on CPython ------------------------------------------------------------------


def bench_engine(quick: bool) -> None:
    print("Engine on CPython", flush=True)
    loaded, problems = load_rules(ROOT / "rules")
    assert not problems
    rules = Catalog(loaded)
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in PASTES]
    repeat = 3 if quick else 7
    took = best_of(lambda: [analyse(t, rules) for t in texts], repeat)
    row("engine", f"tests/pastes ({len(texts)} pastes, {len(loaded)} rules)", f"{len(texts) / took:,.0f} pastes/s")
    sample = (ROOT / "tests/pastes/node/econnrefused-fetch-failed-aggregate.txt").read_text()
    noise = "2026-11-25T10:00:00Z INFO worker 7 processed job 1234 in 12ms\n"
    for label, size in (("1 KB", 1_000), ("100 KB", 100_000), ("1 MB", 1_000_000), ("5 MB", 5_000_000)):
        log = (noise * (size // len(noise) + 1))[: max(0, size - len(sample))] + sample
        took = best_of(lambda: analyse(log, rules), 1 if size >= 1_000_000 else repeat)
        row("engine", f"{label} log with one error at the end", f"{took * 1000:,.1f} ms")
    errors_only = (sample * (1_000_000 // len(sample) + 1))[:1_000_000]
    took = best_of(lambda: analyse(errors_only, rules), 1 if quick else 3)
    row("engine", "1 MB of nothing but error lines (worst case)", f"{took * 1000:,.1f} ms")
    # Degenerate pastes: time for n and 2n characters; a ratio near 2 means linear.
    shapes = {"blank lines": "\n", "spaces": " ", "tabs": "\t", "CRLF": "\r\n", "codes": "ECONNRESET ",
              "stack lines": "    at x\n", "one huge line": "x"}
    n = 100_000  # 2n stays under normalize.MAX_CHARS, so both sizes are read whole
    for label, unit in shapes.items():
        small, large = (best_of(lambda k=k: analyse(unit * (k // len(unit)), rules), 3) for k in (n, 2 * n))
        row("engine", f"{label}: 100k / 200k chars", f"{small * 1000:,.0f} / {large * 1000:,.0f} ms ({large / small:.2f}x)")
    from engine.redact import redact

    secrets = [("".join(f"password=secretvalue{i:06d}\n" for i in range(k))) for k in (10_000, 20_000)]
    small, large = (best_of(lambda s=s: redact(s), 3) for s in secrets)
    row("engine", "redaction: 10k / 20k secrets", f"{small * 1000:,.0f} / {large * 1000:,.0f} ms ({large / small:.2f}x)")
    mixed = ("".join(texts) * (1_000_000 // max(1, len("".join(texts))) + 1))[:1_000_000]
    row("engine", "redaction: 1 MB of golden pastes", f"{best_of(lambda: redact(mixed), 1 if quick else 3) * 1000:,.0f} ms")
    # The answer card (facts, advice, the fix as a block tree) on top of the diagnosis itself.
    import json as _json

    from engine import web
    from engine.bundle import rule_to_data

    web.load(_json.dumps({"rules": [rule_to_data(r) for r in loaded]}))
    bare, full = best_of_pair(lambda: [analyse(t, web._rules) for t in texts], lambda: [web.diagnose(t) for t in texts], repeat)
    row("engine", "answer card (facts, advice, fix blocks, JSON) over the diagnosis", f"+{(full - bare) * 1000 / len(texts):.2f} ms/paste ({bare * 1000 / len(texts):.2f} -> {full * 1000 / len(texts):.2f})")
    for count in (300, 3000):
        many = Catalog(list(loaded) + synthetic_rules(count))
        base, took = best_of_pair(lambda: [analyse(t, rules) for t in texts], lambda: [analyse(t, many) for t in texts], repeat)
        row("engine", f"real catalog + {count:,} synthetic rules vs real catalog", f"{took / base:.2f}x ({took * 1000 / len(texts):.2f} ms/paste)")
    # The prefilter's promise: cost that grows with the paste, not the catalog.
    copies = ciphered_rules(list(loaded), 3000)
    start = time.perf_counter()
    big = Catalog(copies)
    row("engine", "3,000 rules (real ones + ciphered copies): Catalog build", f"{(time.perf_counter() - start) * 1000:,.0f} ms")
    real, many = best_of_pair(lambda: [analyse(t, rules) for t in texts], lambda: [analyse(t, big) for t in texts], repeat)
    row("engine", "3,000 rules vs real catalog: tests/pastes", f"{many / real:.2f}x ({many * 1000 / len(texts):.2f} vs {real * 1000 / len(texts):.2f} ms/paste)")
    distinct = "".join(f"2026-11-25T10:{i // 60 % 60:02d}:{i % 60:02d}Z INFO worker {i % 97} job {i * 7919} done in {i % 89}ms\n"
                       for i in range(1_000_000 // 70))[: 1_000_000 - len(sample)] + sample
    real, many = best_of_pair(lambda: analyse(distinct, rules), lambda: analyse(distinct, big), 1 if quick else 3)
    row("engine", "3,000 rules vs real catalog: 1 MB log, every line distinct", f"{many / real:.2f}x ({many * 1000:,.0f} vs {real * 1000:,.0f} ms)")
    bench_cli_start(quick)


def bench_cli_start(quick: bool) -> None:
    """`errata diagnose` on one short paste, start to exit: installed (the wheel's rules bundle)
    against the checkout's `python -m engine` (reading rules/ as YAML), in the same run."""
    from overrides import assets

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        wheel = assets.build_wheel(ROOT, work / "wheel")
        env_dir = work / "env"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
        subprocess.run([sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install", "--quiet",
                        "--no-index", "--no-deps", str(wheel)], check=True)
        paste = work / "error.log"
        paste.write_text(RESET + "\n", encoding="utf-8")

        def start(args: list[str], cwd: Path) -> None:
            subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL)

        repeat = 3 if quick else 5
        bundled = best_of(lambda: start([str(env_dir / "bin" / "errata"), "diagnose", str(paste)], work), repeat)
        yaml = best_of(lambda: start([sys.executable, "-m", "engine", "diagnose", str(paste)], ROOT), repeat)
        bare = best_of(lambda: start([sys.executable, "-c", "pass"], work), repeat)
    row("engine", "CLI start to answer: installed (bundle) vs checkout (YAML)",
        f"{bundled * 1000:,.0f} vs {yaml * 1000:,.0f} ms (bare interpreter {bare * 1000:,.0f} ms)")


# --- the browser path ------------------------------------------------------------------------

BARE_HTML = """<!doctype html><meta charset="utf-8"><title>bare</title>
<script type="module">
const worker = new Worker(new URL("bare-worker.js", location.href), { type: "module" });
worker.onmessage = () => { window.__booted = performance.now(); };
</script>"""
BARE_WORKER = """import { loadPyodide } from "./runtime/pyodide/pyodide.mjs";
await loadPyodide({ indexURL: new URL("./runtime/pyodide/", import.meta.url).href });
postMessage("ready");
"""
# The unmodified npm package booted on the page's own thread (what most sites do).
BARE_MAIN_HTML = """<!doctype html><meta charset="utf-8"><title>bare main</title>
<script type="module">
import { loadPyodide } from "./runtime/pyodide/pyodide.mjs";
await loadPyodide({ indexURL: new URL("./runtime/pyodide/", location.href).href });
window.__booted = performance.now();
</script>"""
RESET = "Error: read ECONNRESET\n    at TLSWrap.onStreamRead (node:internal/stream_base_commons:216:20) {\n  errno: -104,\n  code: 'ECONNRESET',\n  syscall: 'read'\n}"
DONE = "() => document.querySelector('[data-diagnose-results]')?.dataset.state === 'done' && performance.now()"
# Chrome DevTools Protocol network emulation: 20 Mbit/s both ways, 40 ms added latency.
THROTTLED = {"offline": False, "latency": 40, "downloadThroughput": 20_000_000 / 8, "uploadThroughput": 20_000_000 / 8}
LINKS = (("full speed", None), ("20 Mbit/s + 40 ms", THROTTLED))
# The same throttled link from a server that gzips on the fly what GitHub Pages (the deploy
# target) compresses: scripts, JSON, HTML and the wasm; zips and the .gz snapshot go as they are.
GZIP_LINK = ("20 Mbit/s + 40 ms, gzip as GitHub Pages", THROTTLED)


def _link(page, conditions) -> None:  # type: ignore[no-untyped-def]
    if conditions:
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", conditions)


def _force_boot(page, how: str) -> None:  # type: ignore[no-untyped-def]
    """One boot on any link, by the manifest: without a snapshot (bytecode), or one that pays at any speed."""
    def rewrite(route) -> None:  # type: ignore[no-untyped-def]
        response = route.fetch()
        manifest = response.json()
        if how == "bytecode":
            manifest.pop("snapshot", None)
        else:
            manifest["snapshot"]["pays_above"] = 0
        route.fulfill(response=response, json=manifest)
    page.route("**/runtime/manifest.json", rewrite)


def _bytes_until(page, url: str) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Open url, wait for the first answer: (its time on the page's clock, bytes received by then)."""
    sizes: list[int] = []

    def record(request) -> None:  # type: ignore[no-untyped-def]
        try:
            got = request.sizes()
            sizes.append(got["responseBodySize"] + got["responseHeadersSize"])
        except Exception:  # noqa: BLE001 - aborted and redirected requests, or a request finishing as the page closes
            pass

    page.on("requestfinished", record)
    page.goto(url)
    took = page.wait_for_function(DONE, timeout=180_000).json_value()
    return took, sum(sizes)


def _gzip_size(body: bytes) -> int:
    return len(gzip.compress(body, 6))


def bench_browser(quick: bool) -> None:
    import build
    from browser_support import CHROMIUM_ARGS, chromium_path, serve
    from playwright.sync_api import sync_playwright

    print("Browser path (headless Chromium, site served on 127.0.0.1)", flush=True)
    target = Path(tempfile.mkdtemp(prefix="errata-bench-")) / "site"
    server, base = serve(target)
    gzip_server, gzip_base = serve(target, compress=True)
    try:
        with open(os.devnull, "w") as quiet:
            stdout, sys.stdout = sys.stdout, quiet
            try:
                build.build_site(target, site_url=base)
            finally:
                sys.stdout = stdout
        (target / "bare.html").write_text(BARE_HTML)
        (target / "bare-worker.js").write_text(BARE_WORKER)
        (target / "bare-main.html").write_text(BARE_MAIN_HTML)
        runs = 5  # medians of five: the floor, and a throttled run takes seconds
        deep_path = "diagnose/#diagnose=" + quote(RESET, safe="")
        deep = base + deep_path
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)

            def fresh(link, url: str, wait: str, boot: str | None = None) -> tuple[float, int]:
                ctx = browser.new_context()
                page = ctx.new_page()
                _link(page, link)
                if boot:
                    _force_boot(page, boot)
                if wait == "diagnosis":
                    took, size = _bytes_until(page, url)
                else:
                    page.goto(url)
                    took, size = page.wait_for_function("() => window.__booted", timeout=180_000).json_value(), 0
                ctx.close()
                return took, size

            cold_ratio = {}
            for label, link in (*LINKS, GZIP_LINK):
                site = gzip_base if (label, link) == GZIP_LINK else base
                deep = site + deep_path
                cells: dict[str, list[tuple[float, int]]] = {k: [] for k in ("main", "worker", "choice", "snapshot", "bytecode", "reboot")}
                for _ in range(runs):  # interleaved, so every figure sees the same machine load
                    cells["main"].append(fresh(link, site + "bare-main.html", "boot"))
                    cells["worker"].append(fresh(link, site + "bare.html", "boot"))
                    cells["choice"].append(fresh(link, deep, "diagnosis"))
                    cells["snapshot"].append(fresh(link, deep, "diagnosis", boot="snapshot"))
                    cells["bytecode"].append(fresh(link, deep, "diagnosis", boot="bytecode"))
                    # A reboot after a full page load: same tab, warm HTTP cache, new worker.
                    ctx = browser.new_context()
                    page = ctx.new_page()
                    _link(page, link)
                    page.goto(deep)
                    page.wait_for_function(DONE, timeout=180_000)
                    page.goto(site + "errors/")
                    page.goto(deep)
                    cells["reboot"].append((page.wait_for_function(DONE, timeout=180_000).json_value(), 0))
                    ctx.close()
                med = {k: statistics.median(t for t, _ in v) for k, v in cells.items()}
                size = {k: statistics.median(n for _, n in v) for k, v in cells.items()}
                row("browser", f"[{label}] bare Pyodide boot, main thread (median)", f"{med['main']:,.0f} ms")
                row("browser", f"[{label}] bare Pyodide boot, module worker (median)", f"{med['worker']:,.0f} ms")
                row("browser", f"[{label}] cold first diagnosis, deep link (the worker's own choice)", f"{med['choice']:,.0f} ms ({med['choice'] / med['main']:.2f}x main-thread boot, {size['choice'] / 1e6:.1f} MB)")
                row("browser", f"[{label}]   ... always the snapshot boot", f"{med['snapshot']:,.0f} ms ({med['snapshot'] / med['main']:.2f}x main-thread boot, {size['snapshot'] / 1e6:.1f} MB)")
                row("browser", f"[{label}]   ... always the bytecode boot", f"{med['bytecode']:,.0f} ms ({med['bytecode'] / med['main']:.2f}x main-thread boot, {size['bytecode'] / 1e6:.1f} MB)")
                row("browser", f"[{label}] reboot after a full page load (warm HTTP cache)", f"{med['reboot']:,.0f} ms")
                cold_ratio[label] = med["choice"] / med["main"]

                # A repeat visit in a persistent profile: Chromium keeps compiled wasm only there.
                profile = Path(tempfile.mkdtemp(prefix="errata-profile-"))
                try:
                    ctx = pw.chromium.launch_persistent_context(str(profile), executable_path=chromium_path(), args=CHROMIUM_ARGS)
                    repeat = []
                    for i in range(runs + 1):  # the first visit fills the caches
                        page = ctx.new_page()
                        _link(page, link)
                        page.goto(deep)
                        took = page.wait_for_function(DONE, timeout=180_000).json_value()
                        if i:
                            repeat.append(took)
                        page.close()
                    ctx.close()
                finally:
                    shutil.rmtree(profile, ignore_errors=True)
                row("browser", f"[{label}] repeat visit, persistent profile (median)", f"{statistics.median(repeat):,.0f} ms")
            row("browser", "  targets: cold first answer <= 0.40x main-thread boot at full speed, <= 0.80x throttled (plain / gzip)",
                " / ".join(f"{v:.2f}x" for v in cold_ratio.values()))

            # A diagnosis after in-site (instant) navigation, and the per-call engine time
            # (throttled first: the full-speed page stays open for the rows below).
            for label, link in reversed(LINKS):
                ctx = browser.new_context()
                page = ctx.new_page()
                _link(page, link)
                page.goto(base)
                page.wait_for_function("() => window.errataDiagnostic && (window.errataDiagnostic.startRuntime(), true)")
                page.wait_for_function("() => window.errataDiagnostic.runtime.ready", timeout=180_000)
                after_nav = []
                for _ in range(2 * runs):  # more: one page change is quick, and the first pays for warming up
                    page.click(".md-content a[href$='errors/econnreset/']")
                    # The box answers once diagnose.js has wired the new page (Material's document$); the
                    # home page's own box is wired too, so wait for the swap to the error page first.
                    page.wait_for_function("() => location.pathname.endsWith('/errors/econnreset/') && "
                                           "document.title.includes('ECONNRESET') && "
                                           "document.querySelector('[data-diagnose][data-wired] textarea[data-diagnose-input]')")
                    after_nav.append(page.evaluate(
                        """async (text) => {
                            const box = document.querySelector('[data-diagnose]');
                            const results = box.querySelector('[data-diagnose-results]');
                            box.querySelector('[data-diagnose-input]').value = text;
                            const t0 = performance.now();
                            box.querySelector('[data-diagnose-run]').click();
                            while (results.dataset.state !== 'done') { if (performance.now() - t0 > 60000) throw new Error('no answer in 60 s: ' + results.dataset.state); await new Promise(r => setTimeout(r, 1)); }
                            return performance.now() - t0;
                        }""", RESET))
                    page.go_back()
                    page.wait_for_selector(".md-content a[href$='errors/econnreset/']")
                row("browser", f"[{label}] diagnosis after in-site navigation (median, click to result; target < 50 ms)",
                    f"{statistics.median(after_nav):,.1f} ms (the first: {after_nav[0]:,.1f} ms)")
                if link:
                    ctx.close()
            # The fix comes in the same answer as the diagnosis: time from the click to the fix on screen.
            fix_seen = []
            for _ in range(runs):
                fix_seen.append(page.evaluate(
                    """async (text) => {
                        const box = document.querySelector('[data-diagnose]');
                        const results = box.querySelector('[data-diagnose-results]');
                        box.querySelector('[data-diagnose-input]').value = text + " ".repeat(Math.random() * 5 | 0);
                        const t0 = performance.now();
                        box.querySelector('[data-diagnose-run]').click();
                        while (!results.querySelector('[data-diagnose-fix]') || results.dataset.state !== 'done') { if (performance.now() - t0 > 60000) throw new Error('no fix in 60 s'); await new Promise(r => setTimeout(r, 1)); }
                        return performance.now() - t0;
                    }""", RESET))
            row("browser", "warm runtime: click to the fix visible in the card (median; target: diagnosis + 100 ms)", f"{statistics.median(fix_seen):,.1f} ms")
            texts = [p.read_text(encoding="utf-8", errors="replace") for p in PASTES]
            per_call = page.evaluate(
                """async (texts) => {
                    const t0 = performance.now();
                    for (const t of texts) await window.errataDiagnostic.diagnose(t);
                    return (performance.now() - t0) / texts.length;
                }""", texts)
            row("browser", f"engine under Pyodide, per paste incl. worker round trip ({len(texts)} pastes)", f"{per_call:,.2f} ms")
            ctx.close()

            # Bytes: an error page before the runtime loads, then after a diagnosis.
            ctx = browser.new_context()
            page = ctx.new_page()
            bodies: dict[str, int] = {}

            def record(response) -> None:  # type: ignore[no-untyped-def]
                try:
                    bodies[response.url] = _gzip_size(response.body())
                except Exception:  # noqa: BLE001 - redirects and aborted requests have no body
                    pass

            page.on("response", record)
            page.goto(base + "errors/econnreset/", wait_until="networkidle")
            before = sum(bodies.values())
            page.fill("textarea[data-diagnose-input]", RESET)
            page.click("button[data-diagnose-run]")
            page.wait_for_selector("[data-diagnose-results][data-state=done]", timeout=120_000)
            page.wait_for_load_state("networkidle")
            after = sum(bodies.values())
            row("browser", "error page weight before the runtime loads (gzip)", f"{before / 1024:,.0f} KB")
            row("browser", "  ... after the runtime, engine and rules load (gzip)", f"{after / 1024:,.0f} KB")
            ctx.close()
            browser.close()
    finally:
        server.shutdown()
        gzip_server.shutdown()
        shutil.rmtree(target.parent, ignore_errors=True)


# --- the build ----------------------------------------------------------------------------------


def _write_synthetic_rule_files(rules_dir: Path, count: int) -> None:
    """Copies of a real rule under new ids: real-sized pages for the build benchmark."""
    template = (ROOT / "rules" / "econnreset.yaml").read_text(encoding="utf-8")
    shutil.copy(ROOT / "rules" / "schema.json", rules_dir / "schema.json")
    for i in range(count):
        rid = f"synthetic-{i:04d}"
        text = template.replace("id: econnreset", f"id: {rid}", 1)
        text = text.replace("related: [epipe, etimedout, econnrefused, fetch-failed, proxy-error]",
                            f"related: [synthetic-{(i + 1) % count:04d}, synthetic-{(i + 2) % count:04d}]")
        (rules_dir / f"{rid}.yaml").write_text(text, encoding="utf-8")


def bench_build(quick: bool) -> None:
    import build

    print("Build", flush=True)
    sizes = [("real catalog", None)] + ([] if quick else [("1,000 synthetic rules", 1000)])
    for label, count in sizes:
        work = Path(tempfile.mkdtemp(prefix="errata-build-"))
        try:
            rules_dir = ROOT / "rules"
            if count:
                rules_dir = work / "rules"
                rules_dir.mkdir()
                _write_synthetic_rule_files(rules_dir, count)
            with open(os.devnull, "w") as quiet:
                stdout, sys.stdout = sys.stdout, quiet
                try:
                    start = time.perf_counter()
                    build.build_site(work / "site", rules_dir=rules_dir)
                    pipeline = time.perf_counter() - start
                finally:
                    sys.stdout = stdout
            # mkdocs alone (the pages and runtime are generated inside it, by the hooks);
            # the pipeline adds the safety audit and the swap of site/.
            start = time.perf_counter()
            build._mkdocs_build(work / "plain", None, rules_dir)
            plain = time.perf_counter() - start
            pages = len(list((work / "site").rglob("index.html")))
            size = sum(p.stat().st_size for p in (work / "site").rglob("*") if p.is_file() and "runtime" not in p.parts)
            row("build", f"{label}: pipeline vs plain mkdocs build", f"{pipeline:.1f}s vs {plain:.1f}s ({pipeline / plain:.2f}x)")
            row("build", f"{label}: site size per page (without the runtime)", f"{size / pages / 1024:,.0f} KB ({pages} pages)")
        finally:
            shutil.rmtree(work, ignore_errors=True)


def bench_lighthouse(quick: bool) -> None:
    import build
    import lighthouse
    from browser_support import serve

    print("Lighthouse (accessibility / SEO, target 100; bench/lighthouse.py lists each failing audit)", flush=True)
    target = Path(tempfile.mkdtemp(prefix="errata-lighthouse-")) / "site"
    server, base = serve(target)
    try:
        with open(os.devnull, "w") as quiet:
            stdout, sys.stdout = sys.stdout, quiet
            try:
                build.build_site(target, site_url=base)
            finally:
                sys.stdout = stdout
        for desktop in [False] if quick else [False, True]:  # mobile is Lighthouse's default
            for page, path in lighthouse.PAGES.items():
                try:
                    report = lighthouse.lighthouse(base + path, page, desktop=desktop)
                except (RuntimeError, subprocess.TimeoutExpired) as error:
                    row("lighthouse", f"{page}: not run", str(error)[:120])
                    return
                failing = ", ".join(a.id for a in report.failures) or "none"
                scores = " / ".join(str(report.scores[c]) for c in lighthouse.CATEGORIES)
                row("lighthouse", f"{page} ({report.form_factor}): accessibility / SEO", f"{scores} (failing: {failing})")
    finally:
        server.shutdown()
        shutil.rmtree(target.parent, ignore_errors=True)


def bench_serve(quick: bool) -> None:
    """`build.py serve` as a contributor uses it: the time from saving a rule to its rebuilt pages being served."""
    from serve_support import Serve

    print("Serve (build.py serve, one rule edited at a time)", flush=True)
    edits = 3 if quick else 5
    server = Serve()
    try:
        server.started()
        waits, builds, cpu = [], [], []
        for i in range(edits):
            before = server.settle(quiet=2.0)
            # A new summary each time: the rule's page, the catalog and its related pages change.
            server.edit("econnreset", "\nsummary: ", f"\nsummary: Edit {i}. ")
            saved = time.perf_counter()
            server.wait_for(lambda: len(server.builds()) > before, timeout=300, step=0.02)
            waits.append(time.perf_counter() - saved)
            _, took, used = server.builds()[-1]
            builds.append(took if took is not None else float("nan"))
            cpu.append(used if used is not None else float("nan"))
        extra = len(server.builds()) - 1 - edits
        load = os.getloadavg()[0]
    finally:
        server.stop()
    row("serve", "serve: rebuild after one rule edit",
        f"{statistics.median(waits):.1f}s median of {edits} from save to served (the build "
        f"{statistics.median(builds):.1f}s, {statistics.median(cpu):.1f}s of it CPU; {extra} extra builds; "
        f"load {load:.1f} on {os.cpu_count()} cores)")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    chromium = ""
    try:
        from browser_support import chromium_path

        path = chromium_path()
        if path:
            chromium = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:  # noqa: BLE001
        pass
    return f"{os.cpu_count()} cores, {cpu}; Python {platform.python_version()}; {chromium or 'Chromium'}"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats; skip the 1,000-rule build")
    parser.add_argument("--only", choices=("engine", "browser", "build", "lighthouse", "serve"))
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args()
    print(f"Machine: {machine()}\n", flush=True)
    for name, fn in (("engine", bench_engine), ("browser", bench_browser), ("build", bench_build),
                     ("lighthouse", bench_lighthouse), ("serve", bench_serve)):
        if name == "lighthouse" and args.quick and args.only is None:
            continue  # its own build and four runs of about 15 s would break --quick's two minutes
        if args.only in (None, name):
            fn(args.quick)
            print(flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "rows": ROWS}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
