"""`build.py serve`: live reload under the site's CSP, one build per edit, the same pages as a clean build.

Each test drives a real `build.py serve` (tests/serve_support.py) on a copy of rules/,
so the edits never touch the checkout.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
import urllib.request
from pathlib import Path

import pytest

from serve_support import Serve

CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# Published: the site's own origin and WebAssembly, nothing inline (overrides/hooks.py).
PUBLISHED_SCRIPT_SRC = "script-src 'self' 'wasm-unsafe-eval'"


def _script_src(policy: str) -> str:
    return next(d.strip() for d in policy.split(";") if d.strip().startswith("script-src"))


@pytest.fixture(scope="module")
def serve():
    server = Serve().started()
    yield server
    server.stop()


def test_published_pages_allow_no_inline_script(site):
    pages = sorted(Path(site.root).rglob("*.html"))
    assert len(pages) > 60
    for path in pages:
        text = path.read_text(encoding="utf-8")
        policies = CSP.findall(text)
        assert len(policies) == 1, path
        assert _script_src(policies[0]) == PUBLISHED_SCRIPT_SRC, path
        assert not re.search(r"'(sha256-|sha384-|sha512-|nonce-)", policies[0]), path
        assert "livereload" not in text, path


def test_served_page_allows_exactly_its_own_livereload_script(serve):
    first, second = serve.fetch("errors/econnreset/"), serve.fetch("errors/econnreset/")
    hashes = []
    for html in (first, second):
        scripts = INLINE_SCRIPT.findall(html)
        assert len(scripts) == 1 and "livereload(" in scripts[0]  # mkdocs' script, the page's only inline one
        digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
        (policy,) = CSP.findall(html)
        assert _script_src(policy) == f"{PUBLISHED_SCRIPT_SRC} 'sha256-{digest}'"
        hashes.append(digest)
    # Each response carries its own request id, so each allows only its own script.
    assert hashes[0] != hashes[1]


def test_contributings_preview_address_is_where_serve_serves_the_page(serve):
    contributing = (Path(__file__).parent.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    (address,) = set(re.findall(r"http://127\.0\.0\.1:8000(/\S*?)my-error-id/", contributing))
    assert serve.base == f"http://127.0.0.1:{serve.port}{address.removesuffix('errors/')}"
    assert "<h1" in serve.fetch(address.removeprefix("/errata/") + "econnreset/")
    assert "serving on " + serve.base in serve.output()
    with urllib.request.urlopen(f"http://127.0.0.1:{serve.port}/", timeout=60) as response:
        assert response.url == serve.base  # / redirects to the site's path


def test_one_edit_gives_one_build_and_the_new_page(serve):
    before = serve.settle()
    serve.edit("epipe", '\ntitle: "', '\ntitle: "Edited once: ')
    serve.wait_for(lambda: len(serve.builds()) > before, timeout=120)
    time.sleep(15)  # anything the build wrote into a watched folder would have started another by now
    after = serve.builds()
    assert len(after) == before + 1, serve.output()[-2000:]
    assert after[-1][1] is not None, serve.output()[-2000:]
    assert "Edited once: " in serve.fetch("errors/epipe/")


def test_rebuilt_pages_match_a_clean_build(serve, tmp_path):
    """The pages serve reuses across builds (overrides/rerender.py) are the pages a clean build makes."""
    import build

    before = serve.settle()
    serve.edit("econnreset", "summary: ", "summary: Compared with a clean build. ")
    serve.wait_for(lambda: len(serve.builds()) > before, timeout=120)
    serve.settle()
    clean = build.build_site(tmp_path / "site", site_url=serve.base, rules_dir=serve.rules)
    pages = sorted(p.relative_to(clean).as_posix() for p in clean.rglob("*.html"))
    assert len(pages) > 60
    for relative in pages:
        url = relative.removesuffix("index.html")
        if relative == "404.html":
            continue  # served only as the error page, without live reload
        served = INLINE_SCRIPT.sub("", serve.fetch(url))
        served = re.sub(r" 'sha256-[^']+'", "", served)
        built = (clean / relative).read_text(encoding="utf-8")
        assert served == built, f"{relative} differs between serve and a clean build"
    assert serve.fetch("search/search_index.json") == (clean / "search" / "search_index.json").read_text(encoding="utf-8")


def test_a_broken_rule_is_reported_and_its_page_keeps_the_last_good_version(serve):
    before = serve.settle()
    serve.edit("econnrefused", '\ntitle: "', '\ntitle: "Never published: ')
    serve.edit("econnrefused", "weight: 0.95", "weight: high")
    serve.wait_for(lambda: len(serve.builds()) > before and "rules/econnrefused.yaml:" in serve.output(), timeout=120)
    serve.settle()
    assert re.search(r"ERROR: \S*rules/econnrefused\.yaml:\d+:\d+: match\.patterns\[0\]\.weight: ", serve.output())
    assert serve.builds()[-1][1] is not None  # the build went on, with the last good rules
    page = serve.fetch("errors/econnrefused/")
    assert "ECONNREFUSED: connection refused" in page and "Never published" not in page
    serve.edit("econnrefused", "weight: high", "weight: 0.95")
    serve.wait_for(lambda: "Never published" in serve.fetch("errors/econnrefused/"), timeout=120)


def test_serve_refuses_a_port_in_use(serve):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "build.py", "serve", "--port", str(serve.port)], cwd=Path(__file__).parent.parent,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert f"127.0.0.1:{serve.port} is in use" in proc.stderr


def test_edit_shows_in_the_open_page_without_a_reload(serve, page, browser_log):
    """A contributor's loop: the page open in a real browser changes on save; its paste box answers with the edit."""
    from browser_support import RESULTS, run_paste

    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.goto(serve.base + "errors/etimedout/")
    serve.wait_for(lambda: "log: Enabled live reload" in messages, timeout=30)  # mkdocs' script ran
    page.evaluate("() => { window.errataSameDocument = true; }")
    before = serve.settle()
    serve.edit("etimedout", '\ntitle: "', '\ntitle: "Timed out, as edited: ')
    page.wait_for_function("() => document.querySelector('h1').textContent.includes('Timed out, as edited')", timeout=120_000)
    assert page.evaluate("() => window.errataSameDocument") is None  # the live-reload script reloaded it, not this test
    assert len(serve.builds()) == before + 1
    assert not [m for m in messages if "Content Security Policy" in m or "Content-Security-Policy" in m], messages
    # The rules changed, so serve ships the plain boot until `build.py` compiles the runtime for them:
    # the box still answers, with the edited rule.
    manifest = serve.fetch("runtime/manifest.json")
    assert '"snapshot": null' in manifest and '"stdlib": "pyodide/python_stdlib.zip"' in manifest
    run_paste(page, "Error: connect ETIMEDOUT 10.0.0.5:443\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)",
              timeout=180_000)
    first = page.locator(f"{RESULTS} [data-rule-id]").first
    assert first.get_attribute("data-rule-id") == "etimedout"
    assert "Timed out, as edited" in first.text_content()
    assert not [e for e in browser_log.errors if serve.base in e], browser_log.errors


def test_only_the_injected_script_is_ever_allowed():
    """The allowance is for the one script the dev server added; anything else leaves the page's policy as built."""
    from overrides.hooks import allow_injected_script, content_security_policy, csp_meta

    built = f"<html><head>{csp_meta(content_security_policy())}</head><body><p>x</p></body></html>".encode()
    injected = built.replace(b"</body>", b"<script>livereload(1, 2);</script></body>")
    allowed = allow_injected_script(built, injected)
    digest = base64.b64encode(hashlib.sha256(b"livereload(1, 2);").digest()).decode()
    assert f"script-src 'self' 'wasm-unsafe-eval' 'sha256-{digest}'".encode() in allowed
    assert allowed.count(b"sha256-") == 1
    # A page that differs from the build in anything but one added inline script gets no allowance.
    tampered = injected.replace(b"<p>x</p>", b"<p>y</p>")
    assert allow_injected_script(built, tampered) == tampered
    assert allow_injected_script(built, built) == built
