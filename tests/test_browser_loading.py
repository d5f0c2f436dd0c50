"""The runtime's start in real Chromium: when it starts (connection, deep link), what the
box says when a runtime file fails (which file, what answered, what still works, within
10 s), the progress it shows while loading, and status colours readable in both schemes.

Every test has its own browser context: the failures are forced with page.route and
would otherwise land in the console log that test_browser.py checks is empty.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from browser_support import RESULTS

NODE_RESET = "Error: read ECONNRESET\n    at TLSWrap.onStreamRead (node:internal/stream_base_commons:216:20)"
RUNTIME_FILES = "**/runtime/**"
FAILED = f"{RESULTS}[data-state=error]"


@pytest.fixture
def context(chromium):
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    context.requested = []  # every request of the context's pages and workers
    context.on("request", lambda request: context.requested.append(request.url))
    yield context
    context.close()


def connection(effective_type: str = "4g", save_data: bool = False) -> str:
    """An init script that makes navigator.connection report this link."""
    return (
        "Object.defineProperty(Navigator.prototype, 'connection', {configurable: true, get: () => ("
        f"{{effectiveType: '{effective_type}', saveData: {str(save_data).lower()}, addEventListener() {{}}}})}});"
    )


def runtime_requests(page) -> list[str]:
    """Requests made so far under runtime/ (the worker's included)."""
    return [url for url in page.context.requested if "/runtime/" in url]


def wait_for_request(page, ending: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not any(url.endswith(ending) for url in page.context.requested):
        assert time.monotonic() < deadline, f"no request for {ending}"
        page.wait_for_timeout(100)


def worker_started(page) -> bool:
    return page.evaluate("() => Boolean(window.errataDiagnostic && window.errataDiagnostic.runtime.worker)")


def run_and_fail(page, within: float = 10.0) -> str:
    """Run the box; it must reach data-state=error within `within` seconds. Returns its text."""
    page.fill("textarea[data-diagnose-input]", NODE_RESET)
    began = time.monotonic()
    page.click("button[data-diagnose-run]")
    page.wait_for_selector(FAILED, timeout=(within + 10) * 1000)
    took = time.monotonic() - began
    message = page.text_content(RESULTS)
    assert took < within, f"the error took {took:.1f} s: {message}"
    assert "Program terminated" not in message and "exit(" not in message
    assert "What still works" in message and "python -m engine diagnose" in message
    assert page.locator(f"{RESULTS} a[href$='/errors/']").count() == 1  # the catalog
    assert page.locator(".md-search__input").count() == 1  # the search is still there
    return message


# --- when the runtime starts (issue 15 item 4) -------------------------------------


def test_home_page_fetches_the_runtime_on_idle_on_an_unmetered_link(context, site):
    context.add_init_script(connection("4g"))
    page = context.new_page()
    page.goto(site.url(""))
    page.wait_for_function("() => window.errataDiagnostic && window.errataDiagnostic.runtime.worker", timeout=15_000)
    wait_for_request(page, "pyodide.asm.wasm")


@pytest.mark.parametrize("link, event", [
    ({"save_data": True}, "focus"),
    ({"effective_type": "3g"}, "input"),
    ({"effective_type": "2g"}, "paste"),
])
def test_on_a_metered_link_the_runtime_waits_for_the_reader(context, site, link, event):
    context.add_init_script(connection(**link))
    page = context.new_page()
    page.goto(site.url(""))
    page.wait_for_selector("[data-diagnose][data-wired]")
    page.wait_for_timeout(1500)  # past the idle callback that would have started it
    assert not worker_started(page)
    assert runtime_requests(page) == []
    box = page.locator("textarea[data-diagnose-input]")
    if event == "focus":
        box.focus()
    elif event == "input":
        box.press_sequentially("E")
    else:
        box.dispatch_event("paste")
    page.wait_for_function("() => window.errataDiagnostic.runtime.worker", timeout=5_000)
    wait_for_request(page, "pyodide.asm.wasm")


def test_a_deep_link_starts_the_worker_before_the_stylesheets(context, site):
    context.add_init_script(connection(save_data=True))  # a deep link asks for a diagnosis: any link
    page = context.new_page()
    page.goto(site.url("diagnose/") + "#diagnose=" + quote(NODE_RESET, safe=""), wait_until="commit")
    page.wait_for_function("() => window.__errataWorker", timeout=15_000)
    # A classic script runs when the parser reaches it: before it, no stylesheet is in the document.
    order = page.evaluate("""() => {
        const early = document.querySelector('script[src$="early.js"]');
        return [...document.querySelectorAll('link[rel=stylesheet]')].every(
            link => early.compareDocumentPosition(link) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")
    assert order
    page.wait_for_selector(f"{RESULTS}[data-state=done]", timeout=90_000)
    assert page.evaluate("() => window.errataDiagnostic.runtime.worker === window.__errataWorker")


def test_a_page_without_a_box_starts_nothing(context, site):
    page = context.new_page()
    page.goto(site.url("errors/") + "#diagnose=" + quote(NODE_RESET, safe=""))
    page.wait_for_timeout(1000)
    assert page.locator('script[src$="early.js"]').count() == 0
    assert page.evaluate("() => !window.__errataWorker") and runtime_requests(page) == []


# --- never hang, always say why (item 5) ------------------------------------------


def test_a_missing_wasm_file_is_named_with_its_status(context, site):
    context.route("**/pyodide.asm.wasm", lambda route: route.fulfill(status=404, body="not here"))
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    message = run_and_fail(page)
    assert "could not start: pyodide.asm.wasm answered 404" in message


def test_a_proxys_web_page_instead_of_wasm_is_named(context, site):
    html = "<!doctype html><title>Blocked</title><p>This download was blocked by your network's security policy.</p>"
    context.route("**/pyodide.asm.wasm", lambda route: route.fulfill(status=200, content_type="text/html", body=html))
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    message = run_and_fail(page)
    assert "pyodide.asm.wasm was answered with a web page (text/html)" in message
    assert "proxy or filter" in message


def test_a_wasm_file_that_is_not_wasm_is_named_even_with_the_right_type(context, site):
    body = "<html><body>Access denied</body></html>"
    context.route("**/pyodide.asm.wasm", lambda route: route.fulfill(status=200, content_type="application/wasm", body=body))
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    message = run_and_fail(page)
    assert "pyodide.asm.wasm is not WebAssembly: it was answered with text" in message


def test_an_aborted_download_is_named(context, site):
    # The standard library as the site ships it: bytecode, content-named (stdlib-<key>.zip).
    context.route("**/runtime/stdlib-*.zip", lambda route: route.abort("connectionreset"))
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    message = run_and_fail(page)
    assert re.search(r"stdlib-[0-9a-f]+\.zip could not be downloaded", message), message


def test_a_missing_worker_script_is_named(context, site):
    context.route("**/assets/errata/worker.js", lambda route: route.fulfill(status=404, body="gone"))
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    message = run_and_fail(page)
    assert "worker.js answered 404" in message


def test_a_policy_that_forbids_wasm_is_named(context, site):
    # The worker's own policy governs it: served without 'wasm-unsafe-eval', WebAssembly is refused.
    def strict(route):
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": "script-src 'self'"})

    context.route("**/assets/errata/worker.js", strict)
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    message = run_and_fail(page)
    assert "refused to run WebAssembly" in message and "wasm-unsafe-eval" in message


def test_a_browser_without_webassembly_says_so(context, site):
    context.add_init_script("delete globalThis.WebAssembly;")
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    message = run_and_fail(page)
    assert "no WebAssembly" in message
    assert runtime_requests(page) == []


def test_a_browser_without_module_workers_says_so(context, site):
    context.add_init_script("""{
        const Real = globalThis.Worker;
        globalThis.Worker = function (url, options) {
            if (options && options.type === 'module') throw new TypeError('Module scripts are not supported in workers');
            return new Real(url, options);
        };
    }""")
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    message = run_and_fail(page)
    assert "does not support module workers" in message


def test_a_download_that_stalls_fails_naming_the_file(context, site):
    held = []  # routes never answered: the wasm download makes no progress at all
    context.route("**/pyodide.asm.wasm", lambda route: held.append(route))
    context.add_init_script("window.__errataStallMs = 2000;")
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    message = run_and_fail(page, within=8)
    assert "nothing arrived for 2 s" in message or "no progress for 2 s" in message
    assert page.evaluate("() => window.errataDiagnostic.runtime.worker === null")  # the stuck worker is gone


def test_the_default_stall_limit_is_10_seconds(context, site):
    context.route("**/pyodide.asm.wasm", lambda route: None)  # never answered
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    message = run_and_fail(page, within=14)
    assert "for 10 s" in message


# --- progress while loading -----------------------------------------------------


def test_loading_shows_the_bytes_of_the_runtime_files(context, site):
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    progress = page.locator("[data-diagnose-progress]")
    assert progress.get_attribute("aria-label")
    assert progress.is_hidden()
    page.evaluate("""() => {
        window.__seen = [];
        const bar = document.querySelector('[data-diagnose-progress]');
        new MutationObserver(() => { if (!bar.hidden) window.__seen.push([bar.value, bar.max, bar.position,
            document.querySelector('[data-diagnose-status]').textContent]); })
          .observe(bar, {attributes: true});
    }""")
    page.fill("textarea[data-diagnose-input]", NODE_RESET)
    page.click("button[data-diagnose-run]")
    page.wait_for_selector(f"{RESULTS}[data-state=done]", timeout=90_000)
    seen = page.evaluate("() => window.__seen")
    assert seen, "the progress bar never showed"
    wasm = (Path(site.root) / "runtime/pyodide/pyodide.asm.wasm").stat().st_size
    loaded = page.evaluate("() => window.errataDiagnostic.runtime.progress.loaded")
    assert loaded >= wasm  # every byte of the wasm was counted, and more (the stdlib, the rules)
    assert any(" MB" in text for *_, text in seen)
    assert progress.is_hidden()  # gone once answered


# --- readable status colours ---------------------------------------------------

CONTRAST = """(selector) => {
    const parse = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
    const over = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
                                   b: top.b * top.a + under.b * (1 - top.a), a: 1});
    const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                         return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
    const node = document.querySelector(selector);
    // The background actually behind the text: every layer from the page up to the element.
    const layers = [];
    for (let n = node; n; n = n.parentElement) layers.push(parse(getComputedStyle(n).backgroundColor));
    let background = {r: 255, g: 255, b: 255, a: 1};
    layers.reverse().forEach((layer) => { background = over(layer, background); });
    const text = over(parse(getComputedStyle(node).color), background);
    const [hi, lo] = [lum(text), lum(background)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
}"""


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_error_and_success_text_meet_wcag_aa_in_both_schemes(context, site, scheme):
    context.route("**/pyodide.asm.wasm", lambda route: route.fulfill(status=404, body=""))
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    page.evaluate(f"() => document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    run_and_fail(page)
    assert page.evaluate(CONTRAST, f"{RESULTS} .errata-error") >= 4.5
    assert page.evaluate(CONTRAST, "[data-diagnose-status]") >= 4.5
    # Success text: the same colour the "this is the error on this page" line and the playground's OK use.
    page.evaluate("""() => document.querySelector('[data-diagnose-results]').append(
        Object.assign(document.createElement('p'), {className: 'errata-this-page', textContent: 'Yes'}))""")
    assert page.evaluate(CONTRAST, f"{RESULTS} .errata-this-page") >= 4.5


# --- instant navigation wherever the site is served (item 6) ----------------------


def test_a_site_built_for_its_address_navigates_instantly_there(chromium, tmp_path):
    """Built for http://127.0.0.1:<port>/docs/errata/ and served there: links are intercepted."""
    import build
    from browser_support import serve

    server, base = serve(tmp_path)
    try:
        url = base + "docs/errata/"
        (tmp_path / "docs").mkdir()
        build.build_site(tmp_path / "docs" / "errata", site_url=url)
        context = chromium.new_context()
        page = context.new_page()
        page.goto(url + "errors/")
        assert page.get_attribute("link[rel=canonical]", "href") == url + "errors/"
        page.evaluate("window.__sameDocument = true")
        page.click(".md-content a[href$='econnreset/']")
        page.wait_for_url("**/docs/errata/errors/econnreset/")
        page.wait_for_selector("textarea[data-diagnose-input]")
        assert page.evaluate("window.__sameDocument === true"), "the page was reloaded instead of swapped"
        context.close()
    finally:
        server.shutdown()


# --- gzip copies for hosts that do not compress ------------------------------------

WASM = "runtime/pyodide/pyodide.asm.wasm"


@pytest.fixture
def counted(chromium):
    """A context whose `finished` maps file name -> bytes received, for every download that
    finished (cache questions that fail, and downloads the worker cancelled, do not finish)."""
    context = chromium.new_context()
    context.finished = {}

    def record(request) -> None:
        try:
            context.finished[request.url.split("?", 1)[0].rsplit("/", 1)[-1]] = request.sizes()["responseBodySize"]
        except Exception:  # noqa: BLE001 - a request finishing as the page closes
            pass

    context.on("requestfinished", record)
    yield context
    context.close()


@pytest.fixture
def site_copy(site, tmp_path):
    """The built site as links in a folder of this test's own, to take files away or damage them."""
    import os
    import shutil

    root = tmp_path / "site"
    shutil.copytree(site.root, root, copy_function=os.symlink)
    return root


def boot_on(page, base: str) -> dict:
    page.goto(base + "diagnose/#diagnose=" + quote(NODE_RESET, safe=""))
    page.wait_for_selector(f"{RESULTS}[data-state=done]", timeout=90_000)
    assert page.eval_on_selector_all(f"{RESULTS} [data-rule-id]", "els => els.map(e => e.dataset.ruleId)")[0] == "econnreset"
    return page.evaluate("() => window.errataDiagnostic.runtime.timings")


def test_a_host_that_does_not_compress_gets_the_gzip_copy_of_the_wasm(counted, site):
    """The test server, like a plain static host, sends files as they are: the worker asks for
    the wasm, sees no Content-Encoding, and downloads its 3.5 MB copy instead of 9.6 MB."""
    page = counted.new_page()
    boot_on(page, site.base)
    got = page.context.finished
    copy = (site.root / (WASM + ".gz")).stat().st_size
    assert got["pyodide.asm.wasm.gz"] == copy < (site.root / WASM).stat().st_size / 2
    assert "pyodide.asm.wasm" not in got  # asked for, then cancelled at its headers
    assert got["pyodide-lock.json.gz"] > 0 and "pyodide-lock.json" not in got


def test_the_bytecode_boot_takes_the_gzip_copy_of_the_rules(counted, site):
    def without_snapshot(route) -> None:  # the bytecode boot, which loads rules.json
        response = route.fetch()
        route.fulfill(response=response, json={**response.json(), "snapshot": None})

    counted.route("**/runtime/manifest.json", without_snapshot)
    page = counted.new_page()
    assert boot_on(page, site.base)["boot"] == "bytecode"
    got = page.context.finished
    assert got["rules.json.gz"] == (site.root / "runtime" / "rules.json.gz").stat().st_size
    assert "rules.json" not in got and "pyodide.asm.wasm" not in got


def test_a_host_that_compresses_gets_the_files_themselves(counted, site):
    """GitHub Pages compresses the wasm and JSON itself: no copy is asked for."""
    from browser_support import serve

    server, base = serve(site.root, compress=True)
    try:
        page = counted.new_page()
        boot_on(page, base)
        got = page.context.finished
        assert got["pyodide.asm.wasm"] > 0 and got["pyodide-lock.json"] > 0
        assert not [name for name in got if name.endswith((".wasm.gz", ".json.gz"))], got
    finally:
        server.shutdown()


def test_a_host_that_decodes_the_gz_files_itself_still_boots(counted, site):
    """Apache's AddEncoding sends a .gz with Content-Encoding: gzip; the browser then hands over
    the file's own bytes (the snapshot's too), which must not be gunzipped again."""
    from browser_support import serve

    server, base = serve(site.root, gz_encoded=True)
    try:
        page = counted.new_page()
        timings = boot_on(page, base)
        assert timings["boot"] == "snapshot" and timings["fallback"] is None, json.dumps(timings)
        assert "pyodide.asm.wasm.gz" in page.context.finished
    finally:
        server.shutdown()


def test_a_missing_copy_falls_back_to_the_file_itself(counted, site_copy):
    from browser_support import serve

    (site_copy / (WASM + ".gz")).unlink()
    server, base = serve(site_copy)
    try:
        page = counted.new_page()
        boot_on(page, base)
        assert page.context.finished["pyodide.asm.wasm"] == (site_copy / WASM).stat().st_size
    finally:
        server.shutdown()


def test_a_damaged_copy_is_named(context, site_copy):
    from browser_support import serve

    copy = site_copy / (WASM + ".gz")
    data = copy.read_bytes()
    copy.unlink()
    copy.write_bytes(data[: len(data) // 2])  # cut short, as by a dropped connection a proxy passed on
    server, base = serve(site_copy)
    try:
        page = context.new_page()
        page.goto(base + "diagnose/")
        message = run_and_fail(page)
        assert "pyodide.asm.wasm.gz arrived damaged" in message, message
    finally:
        server.shutdown()


# --- the theme's search index waits for the first answer on a deep link ----------


def test_a_deep_link_loads_the_search_index_after_the_first_answer(context, site):
    page = context.new_page()
    page.goto(site.url("diagnose/#diagnose=" + quote(NODE_RESET, safe="")))
    page.wait_for_selector(f"{RESULTS}[data-state=done]", timeout=90_000)
    page.wait_for_function("() => performance.getEntriesByType('resource').some((e) => e.name.includes('search_index.json'))")
    started, ready = page.evaluate("""() => {
        const entry = performance.getEntriesByType('resource').find((e) => e.name.includes('search_index.json'));
        const t = window.errataDiagnostic.runtime.timings;
        return [entry.startTime, t.loaded + t.origin - performance.timeOrigin];
    }""")
    assert started >= ready, (started, ready)
    # The search works once it has loaded.
    page.click(".md-search__input")
    page.keyboard.type("ECONNRESET")
    page.wait_for_selector(".md-search-result__item a[href*='econnreset']")


def test_reaching_for_the_search_loads_its_index_while_the_runtime_still_downloads(context, site):
    context.route("**/pyodide.asm.wasm*", lambda route: None)  # the runtime never arrives
    page = context.new_page()
    page.goto(site.url("diagnose/#diagnose=" + quote(NODE_RESET, safe="")))
    page.wait_for_timeout(500)
    assert not [url for url in context.requested if "search_index.json" in url]
    page.click(".md-search__input")
    page.keyboard.type("ECONNRESET")
    page.wait_for_selector(".md-search-result__item a[href*='econnreset']", timeout=15_000)
