"""axe-core in real Chromium on every kind of page and state, in both colour schemes: 0 violations.

axe-core comes from npm (node_modules/axe-core, a devDependency in package.json) and is
served to the page by the test itself, at an address on the site's own origin that the
test answers from that file: nothing is fetched from outside, and the site's
Content-Security-Policy (script-src 'self') stays as it is, in force while axe runs.

A failure names each violated rule with its impact, the elements (CSS targets) and axe's
summary of what to fix, per scheme and state.
"""

from __future__ import annotations

import base64
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
    context.add_init_script(CSP_WATCH)
    context.route(f"**/{AXE_PATH}", lambda route: route.fulfill(status=200, content_type="text/javascript", body=axe_source))
    context.scheme = scheme
    yield context
    context.close()


# Anything the page's Content-Security-Policy refuses, axe included, is recorded here.
CSP_WATCH = """window.__cspRefused = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspRefused.push(`${e.violatedDirective} ${e.blockedURI}`));"""


def axe_violations(page, site) -> list[dict]:
    """axe's violations on the page as it is now (a same-origin script tag: the CSP allows it)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=site.url(AXE_PATH))
    result = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
        return {passed: result.passes.length, violations: result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary}))}))};
    }""", TAGS)
    # A run that checked next to nothing (axe not really loaded, an empty page) must not pass for clean.
    assert result["passed"] >= 15, f"axe passed only {result['passed']} rules on {page.url}"
    return result["violations"]


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
    # axe ran under the site's own policy, which refused nothing (neither axe nor the page).
    assert page.evaluate("window.__cspRefused") == []
    assert "script-src 'self'" in page.get_attribute("meta[http-equiv='Content-Security-Policy']", "content")
    # axe does not ask live regions for a name; the issue does: a screen reader's list of regions names each.
    unnamed = page.evaluate("""() => [...document.querySelectorAll('[role=status], [role=alert], [role=log], [aria-live]')]
        .filter((n) => !(n.getAttribute('aria-label') || '').trim() && !n.getAttribute('aria-labelledby'))
        .map((n) => n.outerHTML.slice(0, 120))""")
    assert unnamed == [], f"live regions without a name on {page.url}: {unnamed}"


# --- the page types and states ------------------------------------------------------


def _as_loaded(page, site):
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
    "home": ("", _as_loaded, None),
    "error-page": ("errors/econnreset/", _as_loaded, None),
    "error-page-results": ("errors/fetch-failed/", _error_page_with_results, None),
    "no-match": ("errors/websocket-1006/", _no_match, None),
    "share-panel": ("diagnose/", _share_panel, None),
    "playground-result": ("playground/?rule=econnreset", _playground, None),
    "catalog": ("errors/", _as_loaded, None),
    "not-found": ("no/such/page/", _as_loaded, None),
    "diagnose": ("diagnose/", _as_loaded, None),
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


# --- evidence keeps its underscores at every pixel density (issue 17, item 4) ------------

UNDICI_TIMEOUT = """TypeError: fetch failed
    at node:internal/deps/undici/undici:13502:13 {
  [cause]: ConnectTimeoutError: Connect Timeout Error (attempted address: api.anthropic.com:443, timeout: 10000ms)
      at onConnectTimeout (node:internal/deps/undici/undici:2602:28) {
    code: 'UND_ERR_CONNECT_TIMEOUT'
  }
}"""

# Pixels of two screenshots of the same block that differ inside each span (x in CSS pixels of the block).
DIFFERING_PIXELS = """async ([before, after, spans, scale]) => {
    const decode = async (b64) => {
        // Decoded here, not fetched: the page's CSP (connect-src 'self') refuses data: addresses.
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const bitmap = await createImageBitmap(new Blob([bytes], {type: 'image/png'}));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext('2d');
        context.drawImage(bitmap, 0, 0);
        return context.getImageData(0, 0, bitmap.width, bitmap.height);
    };
    const [a, b] = [await decode(before), await decode(after)];
    return spans.map(([left, right]) => {
        let count = 0;
        for (let y = 0; y < a.height; y++) {
            for (let x = Math.ceil(left * scale); x < Math.floor(right * scale); x++) {
                const i = (y * a.width + x) * 4;
                const delta = Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1]) + Math.abs(a.data[i + 2] - b.data[i + 2]);
                if (delta > 60) count++;
            }
        }
        return count;
    });
}"""


@pytest.mark.parametrize("scale", [1, 2])
def test_highlighted_evidence_shows_every_underscore(chromium, site, scale):
    """Each "_" inside a highlight changes pixels in its own column: the block is shot as it is and with
    the underscores turned into spaces, and each underscore's span must differ by at least half a line."""
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, device_scale_factor=scale)
    try:
        page = context.new_page()
        page.goto(site.url("diagnose/"))
        run_paste(page, UNDICI_TIMEOUT)
        mark = page.locator(f"{RESULTS} .errata-match--answer .errata-evidence mark", has_text="UND_ERR_CONNECT_TIMEOUT").first
        code = page.locator(f"{RESULTS} .errata-match--answer .errata-evidence code").first
        code.scroll_into_view_if_needed()
        spans = mark.evaluate("""(mark) => {
            const box = mark.closest('code').getBoundingClientRect();
            const text = mark.firstChild, spans = [];
            for (let i = 0; i < text.data.length; i++) {
                if (text.data[i] !== '_') continue;
                const range = document.createRange();
                range.setStart(text, i);
                range.setEnd(text, i + 1);
                const r = range.getBoundingClientRect();
                spans.push([r.left - box.left, r.right - box.left]);
            }
            return spans;
        }""")
        assert len(spans) == 3, spans
        before = code.screenshot(animations="disabled")
        mark.evaluate("(mark) => { mark.firstChild.data = mark.firstChild.data.replace(/_/g, ' '); }")
        after = code.screenshot(animations="disabled")
        counts = page.evaluate(DIFFERING_PIXELS, [base64.b64encode(before).decode(), base64.b64encode(after).decode(), spans, scale])
        width = spans[0][1] - spans[0][0]
        assert all(count >= width * scale / 2 for count in counts), (
            f"underscores at {scale}x change only {counts} pixels (a glyph is {width * scale:.0f} wide): hidden under the highlight")
    finally:
        context.close()


# --- visible focus (WCAG 2.4.7) on everything the keyboard reaches in a result ------------------

# How a control looks, and the contrast of its outline against what is around it (WCAG 1.4.11: 3:1).
FOCUS_STYLE = """(node) => {
    const rgba = (c) => (c.match(/[\\d.]+/g) || []).map(Number).concat([1]).slice(0, 4);
    const over = ([r, g, b, a], [R, G, B]) => [r * a + R * (1 - a), g * a + G * (1 - a), b * a + B * (1 - a)];
    const lum = (c) => c.map((v) => v / 255).map((v) => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    // The colour the outline is drawn on: the backgrounds around the control, composited from the page up.
    const layers = [];
    for (let n = node.parentElement; n; n = n.parentElement) layers.push(rgba(getComputedStyle(n).backgroundColor));
    const s = getComputedStyle(node);
    // A ring drawn inside the control (a negative offset as wide as the ring) lies on the control's own background.
    if (parseFloat(s.outlineOffset) + parseFloat(s.outlineWidth) <= 0) layers.unshift(rgba(s.backgroundColor));
    const around = layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255]);
    const ring = over(rgba(s.outlineColor), around);
    const [hi, lo] = [lum(ring), lum(around)].sort((a, b) => b - a);
    return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && rgba(s.outlineColor)[3] > 0,
            contrast: (hi + 0.05) / (lo + 0.05),
            look: [s.boxShadow, s.backgroundColor, s.color, s.borderColor, s.textDecorationLine].join('|')};
}"""


def test_every_control_in_a_result_shows_its_focus(context, site):
    """Tab from the paste box through a full answer (links, buttons, disclosures, scrollable blocks) and
    the share panel: each stop draws an outline, or looks different focused than after the focus moved on."""
    page = open_page(context, site, "diagnose/")
    run_paste(page, FETCH_FAILED.read_text())
    page.click("[data-diagnose-share-link]")
    page.wait_for_selector("[data-diagnose-copy-link]")
    page.focus("textarea[data-diagnose-input]")
    seen, previous = [], None
    for _ in range(80):
        page.keyboard.press("Tab")
        if previous:  # the focus moved on: the last stop must have looked different while focused
            node, focused, name = previous
            assert focused["outline"] or focused["look"] != node.evaluate(FOCUS_STYLE)["look"], f"no visible focus on {name}"
            if focused["outline"]:
                assert focused["contrast"] >= 3, f"the focus ring of {name} is {focused['contrast']:.2f}:1 against its background"
        node = page.evaluate_handle("document.activeElement")
        if not node.evaluate("(n) => !!n.closest('[data-diagnose]')"):
            break
        name = node.evaluate("(n) => n.tagName.toLowerCase() + [...n.classList].filter((c) => c !== 'focus-visible').slice(0, 1).map((c) => '.' + c).join('')"
                             " + ' ' + (n.getAttribute('aria-label') || n.textContent).trim().slice(0, 30)")
        previous = (node, node.evaluate(FOCUS_STYLE), name)
        seen.append(name)
    kinds = "\n".join(seen)
    # The walk went through every kind of control of the answer and the panel, not just the first few.
    for expected in ("a.errata-match__title", "button.errata-copy", "summary", "button.errata-match__wrong",
                     "code The lines of your paste", "code.language-", "pre.errata-share__text", "Copy the link"):
        assert expected in kinds, (expected, seen)


def _focus_name(node) -> str:
    return node.evaluate("(n) => n.tagName.toLowerCase() + [...n.classList].filter((c) => c !== 'focus-visible').slice(0, 1)"
                         ".map((c) => '.' + c).join('') + ' ' + (n.getAttribute('aria-label') || n.textContent).trim().slice(0, 30)"
                         " + ' in ' + ([['.md-search__inner', 'search'], ['.md-header', 'header'], ['.md-tabs, .md-sidebar', 'nav'],"
                         " ['.md-content', 'main'], ['.md-footer', 'footer']].find(([sel]) => n.closest(sel)) || [0, 'page'])[1]")


@pytest.mark.parametrize("path", ["errors/econnreset/", "mcp-config/"])
def test_every_focus_ring_on_the_page_stands_out_from_its_background(context, site, path):
    """Tab through the whole page, header, navigation, article and footer: each ring is 3:1 (WCAG 1.4.11)
    against the colour it is drawn on, the indigo header and the dark footer included."""
    page = open_page(context, site, path)
    if path.startswith("errors/"):
        page.wait_for_selector("[data-diagnose][data-wired]", timeout=60_000)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    seen, weak, first = [], [], None
    for _ in range(400):
        page.keyboard.press("Tab")
        node = page.evaluate_handle("document.activeElement")
        if node.evaluate("(n) => n === document.body"):
            continue
        if first is not None and node.evaluate("(n, f) => n === f", first):
            break  # round the whole page once
        first = first or node
        style = node.evaluate(FOCUS_STYLE)
        name = _focus_name(node)
        seen.append(name)
        if style["outline"] and style["contrast"] < 3:
            weak.append(f"{name}: {style['contrast']:.2f}:1")
    regions = {name.rsplit(" in ", 1)[1] for name in seen}
    assert {"header", "nav", "main", "footer"} <= regions, (regions, seen[:20])
    assert not weak, "focus rings under 3:1 against their background:\n" + "\n".join(weak)


# --- on a phone: tables and code scroll sideways, the navigation is a drawer --------------------

PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("path", ["errors/econnreset/", "errors/", "mcp-config/", "performance/"])
def test_axe_finds_no_violation_on_a_phone(context, site, path):
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(site.url(path))
    page.wait_for_function("(s) => document.body.getAttribute('data-md-color-scheme') === s", arg=context.scheme)
    page.wait_for_load_state("load")
    check(page, site)


def test_a_table_that_scrolls_sideways_is_a_named_tab_stop_only_while_it_scrolls(chromium, site):
    context = chromium.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(site.url("mcp-config/"))
        wrap = page.locator(".md-typeset__scrollwrap").first
        page.wait_for_function("() => document.querySelector('.md-typeset__scrollwrap').getAttribute('tabindex') === '0'")
        assert wrap.get_attribute("aria-label") and wrap.get_attribute("role") == "group"
        wrap.focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function("() => document.querySelector('.md-typeset__scrollwrap').scrollLeft > 0")
        page.set_viewport_size({"width": 3000, "height": 900})  # wide enough for the table: no longer a stop
        page.wait_for_function("() => !document.querySelector('.md-typeset__scrollwrap').hasAttribute('tabindex')")
    finally:
        context.close()


# --- focus not obscured (WCAG 2.4.11): the sticky header never covers what has the focus --------

@pytest.mark.parametrize("width", [1400, 390])
def test_shift_tab_never_leaves_the_focus_under_the_header(chromium, site, width):
    """Backwards through an error page from its footer: each control the focus lands on is scrolled
    into view below the header, not to the very top of the window, where the header hides it."""
    context = chromium.new_context(viewport={"width": width, "height": 700})
    try:
        page = context.new_page()
        page.goto(site.url("errors/econnreset/"))
        page.wait_for_selector("[data-diagnose][data-wired]")  # the site's modules have set the page up
        page.focus(".md-copyright a")
        page.wait_for_function("() => document.activeElement.matches('.md-copyright a')")
        page.wait_for_timeout(300)  # the scroll to the footer settles (Material reacts to it) before the first key
        covered, stops = [], 0
        for _ in range(120):
            page.keyboard.press("Shift+Tab")
            inside, top, bottom, header, name = page.evaluate("""() => {
                const node = document.activeElement, box = node.getBoundingClientRect();
                return [!!node.closest('.md-container'), box.top, box.bottom, document.querySelector('.md-header').getBoundingClientRect().bottom,
                        node.tagName + ' ' + (node.textContent || '').trim().slice(0, 30)];
            }""")
            if not inside:  # back at the header, the skip links or the page itself: the walk is done
                break
            if bottom > top:  # a control on screen (the drawer's hidden links have no box)
                stops += 1
                if top < header:
                    covered.append(f"{name}: top {top:.0f}, header ends at {header:.0f}")
        assert stops > 40 and not covered, (stops, covered, page.evaluate("document.activeElement.outerHTML.slice(0, 200)"))
    finally:
        context.close()
