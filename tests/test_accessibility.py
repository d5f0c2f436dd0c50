"""axe-core in real Chromium on every kind of page and state, in both colour schemes: 0 violations.

axe-core comes from npm (node_modules/axe-core, a devDependency in package.json) and is
served to the page by the test itself, at an address on the site's own origin that the
test answers from that file: nothing is fetched from outside, and the site's
Content-Security-Policy (script-src 'self') stays as it is, in force while axe runs.

A failure names each violated rule with its impact, the elements (CSS targets) and axe's
summary of what to fix, per scheme and state.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser_support import RESULTS, run_paste

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "__axe-core-from-the-test__/axe.min.js"  # answered by the test's route, never by the site
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (landmarks, headings, regions).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
# Material's two palettes in mkdocs.yml, stored the way its palette toggle stores the reader's choice.
SCHEMES = {
    "default": {"index": 0, "color": {"media": "(prefers-color-scheme: light)", "scheme": "default",
                                      "primary": "indigo", "accent": "deep-orange"}},
    "slate": {"index": 1, "color": {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
                                    "primary": "indigo", "accent": "deep-orange"}},
}

NODE_RESET = """Error: read ECONNRESET
    at TLSWrap.onStreamRead (node:internal/stream_base_commons:216:20) {
  errno: -104,
  code: 'ECONNRESET',
  syscall: 'read'
}"""
# Two matches (the cause and its wrapper), facts and advice: every part of the answer card.
FETCH_FAILED = (ROOT / "tests" / "pastes" / "node" / "fetch-failed-enotfound-cause.txt")
NO_MATCH = "websocket closed before handshake finished abnormally"  # no match, with "not sure" guesses
MCP_BROKEN = """{
  "mcpServers": {
    "github": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github", "./x"],
      "env": {"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"}}
  }
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    assert AXE.is_file(), f"{AXE} is missing: run ./dev setup (npm ci installs axe-core from package-lock.json)"
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(params=list(SCHEMES))
def scheme(request) -> str:
    return request.param


@pytest.fixture
def context(chromium, site, scheme, axe_source):
    context = chromium.new_context(viewport={"width": 1400, "height": 900},
                                   color_scheme="light" if scheme == "default" else "dark")
    scope = urlsplit(site.base).path  # Material keys its storage by the site's path
    context.add_init_script(f"localStorage.setItem({json.dumps(scope + '.__palette')}, {json.dumps(json.dumps(SCHEMES[scheme]))})")
    context.route(f"**/{AXE_PATH}", lambda route: route.fulfill(status=200, content_type="text/javascript", body=axe_source))
    context.scheme = scheme
    yield context
    context.close()


def axe_violations(page, site) -> list[dict]:
    """axe's violations on the page as it is now (a same-origin script tag: the CSP allows it)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=site.url(AXE_PATH))
    return page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary}))}));
    }""", TAGS)


def report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:30]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def open_page(context, site, path: str):
    page = context.new_page()
    page.goto(site.url(path))
    page.wait_for_function("(s) => document.body.getAttribute('data-md-color-scheme') === s", arg=context.scheme)
    page.wait_for_load_state("load")
    return page


def check(page, site) -> None:
    # Let transitions (the box growing, the palette's fade) end: axe reads computed colours.
    page.wait_for_timeout(300)
    violations = axe_violations(page, site)
    assert not violations, f"{page.url} ({page.evaluate('document.body.dataset.mdColorScheme')}):\n{report(violations)}"


# --- the page types and states ------------------------------------------------------


def _home(page, site):
    pass


def _error_page(page, site):
    pass


def _error_page_with_results(page, site):
    run_paste(page, FETCH_FAILED.read_text())
    page.click(f"{RESULTS} [data-rule-id=fetch-failed] summary .errata-match__meta")  # a later match opened too


def _no_match(page, site):
    run_paste(page, NO_MATCH)
    assert page.locator(f"{RESULTS} [data-diagnose-nomatch]").count() == 1
    assert page.locator(f"{RESULTS} [data-diagnose-guess]").count() >= 1


def _share_panel(page, site):
    run_paste(page, NODE_RESET)
    page.click("[data-diagnose-share-link]")
    page.wait_for_selector("[data-diagnose-copy-link]")


def _playground(page, site):
    page.wait_for_function("() => document.querySelector('[data-playground-rule]').value.includes('id: econnreset')")
    page.fill("textarea[data-playground-input]", NODE_RESET)
    page.click("button[data-playground-run]")
    page.wait_for_selector("[data-playground-results][data-state=done]", timeout=120_000)
    assert page.locator("[data-playground-results] [data-rule-id=econnreset]").count() == 1


def _mcp_config(page, site):
    page.fill("[data-mcp-field=name]", "github")
    page.fill("[data-mcp-field=command]", "npx")
    page.fill("[data-mcp-field=args]", "-y\n@modelcontextprotocol/server-github")
    page.click("button[data-mcp-build]")
    page.wait_for_selector("[data-mcp-outputs][data-state=done]", timeout=120_000)
    page.fill("[data-mcp-check-input]", MCP_BROKEN)
    page.click("button[data-mcp-check-run]")
    page.wait_for_selector("[data-mcp-check-results][data-state=done]", timeout=60_000)
    assert page.locator("[data-mcp-check-results] [data-mcp-problem]").count() >= 1


def _runtime_fails(page, site):
    page.fill("textarea[data-diagnose-input]", NODE_RESET)
    page.click("button[data-diagnose-run]")
    page.wait_for_selector(f"{RESULTS}[data-state=error]", timeout=60_000)


def _loading(page, site):
    page.fill("textarea[data-diagnose-input]", NODE_RESET)
    page.click("button[data-diagnose-run]")
    page.wait_for_selector("[data-diagnose-progress]:not([hidden])", timeout=30_000)
    assert page.get_attribute(RESULTS, "data-state") == "loading"


def _search_open(page, site):
    page.keyboard.press("/")
    page.keyboard.type("ECONNRESET")
    page.wait_for_selector(".md-search-result__item a", timeout=30_000)


def _fail_the_runtime(context):
    context.route("**/pyodide.asm.wasm", lambda route: route.fulfill(status=404, body="not here"))


def _stall_the_runtime(context):
    context.route("**/pyodide.asm.wasm", lambda route: None)  # never answered: the box stays loading


STATES = {
    "home": ("", _home, None),
    "error-page": ("errors/econnreset/", _error_page, None),
    "error-page-results": ("errors/fetch-failed/", _error_page_with_results, None),
    "no-match": ("errors/websocket-1006/", _no_match, None),
    "share-panel": ("diagnose/", _share_panel, None),
    "playground-result": ("playground/?rule=econnreset", _playground, None),
    "catalog": ("errors/", _home, None),
    "not-found": ("no/such/page/", _home, None),
    "diagnose": ("diagnose/", _home, None),
    "mcp-config": ("mcp-config/", _mcp_config, None),
    "runtime-fails": ("diagnose/", _runtime_fails, _fail_the_runtime),
    "runtime-loading": ("", _loading, _stall_the_runtime),
    "search-open": ("errors/econnreset/", _search_open, None),
}


@pytest.mark.parametrize("state", list(STATES))
def test_axe_finds_no_violation(context, site, state):
    path, act, prepare = STATES[state]
    if prepare:
        prepare(context)
    page = open_page(context, site, path)
    act(page, site)
    check(page, site)
