"""The built site in real Chromium: the paste box on every kind of page, deep links,
instant navigation keeping the runtime, the no-match message, and no third-party requests."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from browser_support import CHROMIUM_ARGS, RESULTS, chromium_path, run_paste

NODE_RESET = """Error: read ECONNRESET
    at TLSWrap.onStreamRead (node:internal/stream_base_commons:216:20) {
  errno: -104,
  code: 'ECONNRESET',
  syscall: 'read'
}"""

PY_RESET = """Traceback (most recent call last):
  File "/app/sync.py", line 18, in <module>
    r = requests.get(url, timeout=30)
requests.exceptions.ConnectionError: ('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))"""

KEYERROR = """Traceback (most recent call last):
  File "app.py", line 12, in <module>
    value = config["timeout"]
KeyError: 'timeout'"""


def ranked_ids(page):
    return page.eval_on_selector_all(f"{RESULTS} [data-rule-id]", "els => els.map(e => e.dataset.ruleId)")


def test_home_page_diagnoses_a_node_paste(page, site):
    page.goto(site.url(""))
    run_paste(page, NODE_RESET)
    assert ranked_ids(page)[0] == "econnreset"
    mark = page.text_content(f"{RESULTS} [data-rule-id] mark")
    assert mark == "ECONNRESET"


def test_error_page_carries_the_widget_and_diagnoses_python(page, site):
    page.goto(site.url("errors/econnreset/"))
    assert page.locator("textarea[data-diagnose-input]").count() == 1
    run_paste(page, PY_RESET)
    assert ranked_ids(page)[0] == "econnreset"
    link = page.get_attribute(f"{RESULTS} [data-rule-id] a", "href")
    assert link.endswith("errors/econnreset/?tab=Python")


def test_result_link_opens_the_runtime_fix_tab(page, site):
    page.goto(site.url("errors/econnreset/?tab=Python"))
    label = page.locator(".tabbed-labels > label", has_text="Python").first
    page.wait_for_function(
        "() => { const l = [...document.querySelectorAll('.tabbed-labels > label')].find(l => l.textContent.trim() === 'Python');"
        " return l && document.getElementById(l.htmlFor).checked; }"
    )
    assert label.is_visible()


def test_diagnose_page_deep_link_fills_and_runs(page, site):
    page.goto(site.url("diagnose/") + "#diagnose=" + quote(NODE_RESET, safe=""))
    page.wait_for_selector(f"{RESULTS}[data-state=done]", timeout=90_000)
    assert page.input_value("textarea[data-diagnose-input]") == NODE_RESET
    assert ranked_ids(page)[0] == "econnreset"


def test_no_match_says_so_and_points_to_the_catalog(page, site):
    page.goto(site.url("diagnose/"))
    run_paste(page, KEYERROR)
    assert ranked_ids(page) == []
    message = page.text_content(f"{RESULTS} [data-diagnose-nomatch]")
    assert "No known" in message
    assert page.get_attribute(f"{RESULTS} [data-diagnose-nomatch] a", "href").endswith("/errors/")


def test_instant_navigation_keeps_the_booted_runtime(page, site):
    page.goto(site.url(""))
    run_paste(page, NODE_RESET)
    page.evaluate("window.__sameDocument = true; window.__worker = window.errataDiagnostic.runtime.worker")
    page.click(".md-content a[href$='errors/econnreset/']")  # instant navigation: the page is swapped, not loaded
    page.wait_for_url("**/errors/econnreset/")
    page.wait_for_selector("textarea[data-diagnose-input]")
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded instead of swapped"
    assert page.evaluate("window.errataDiagnostic.runtime.ready && window.errataDiagnostic.runtime.worker === window.__worker")
    run_paste(page, PY_RESET)
    assert ranked_ids(page)[0] == "econnreset"


def test_hostile_paste_stays_inert_text(page, site):
    hostile = '<img src=x onerror="window.__pwned=1"></textarea><script>window.__pwned=2</script> read ECONNRESET <svg onload="window.__pwned=3">'
    page.goto(site.url("diagnose/") + "#diagnose=" + quote(hostile, safe=""))
    page.wait_for_selector(f"{RESULTS}[data-state=done]", timeout=90_000)
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator(f"{RESULTS} img, {RESULTS} script, {RESULTS} svg").count() == 0
    assert "onerror" in page.text_content(f"{RESULTS} [data-rule-id] pre")


def test_faq_structured_data_is_valid_json(page, site):
    page.goto(site.url("errors/econnreset/"))
    data = json.loads(page.text_content("script[type='application/ld+json']"))
    assert data["@type"] == "FAQPage" and len(data["mainEntity"]) >= 3


def test_search_finds_codes_and_messages(page, site):
    page.goto(site.url(""))
    for query, expected in (("10054", "errors/econnreset/"), ("socket hang up", "errors/econnreset/")):
        page.keyboard.press("/")
        page.keyboard.press("Control+A")
        page.keyboard.type(query)
        page.wait_for_function(
            # The whole query, so results for a half-typed one ("socket u") do not count.
            "q => [...document.querySelectorAll('.md-search-result__item a')].some(a => a.href.includes('h=' + q.replace(/ /g, '+')))",
            arg=query, timeout=30_000)
        hrefs = page.eval_on_selector_all(".md-search-result__item a", "els => els.map(e => e.getAttribute('href'))")
        assert any(expected in h for h in hrefs[:3]), (query, hrefs[:5])
        page.keyboard.press("Escape")


def test_playground_opens_a_rule_and_tries_it(page, site):
    page.goto(site.url("playground/?rule=econnreset"))
    page.wait_for_function("() => document.querySelector('[data-playground-rule]').value.includes('id: econnreset')")
    page.fill("textarea[data-playground-input]", NODE_RESET)
    page.click("button[data-playground-run]")
    page.wait_for_selector("[data-playground-results][data-state=done]", timeout=120_000)
    assert page.locator("[data-playground-results] [data-rule-id=econnreset]").count() == 1
    assert page.locator("[data-playground-problem]").count() == 0


def test_playground_reports_located_problems_in_broken_yaml(page, site):
    page.goto(site.url("playground/"))
    page.wait_for_function("() => document.querySelector('[data-playground-rule]').value.includes('id: ')")
    page.fill("textarea[data-playground-rule]", "id: broken-rule\ntitle: [unclosed\nsummary: x\n")
    page.click("button[data-playground-run]")
    page.wait_for_selector("[data-playground-results][data-state=done]", timeout=120_000)
    problems = page.eval_on_selector_all("[data-playground-problem]", "els => els.map(e => e.textContent)")
    assert problems and all(__import__("re").match(r"\d+:\d+ ", p) for p in problems), problems
    # The template itself explains the fields and fails until filled in.
    page.goto(site.url("playground/"))
    page.wait_for_function("() => document.querySelector('[data-playground-rule]').value.includes('id: ')")
    page.click("button[data-playground-run]")
    page.wait_for_selector("[data-playground-results][data-state=done]", timeout=120_000)
    assert page.locator("[data-playground-problem]").count() > 3


SECRET = "sk-ant-api03-Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LzXcVbNm"


def test_missing_error_report_is_redacted_and_only_on_click(page, site):
    page.goto(site.url("diagnose/"))
    run_paste(page, KEYERROR + "\nANTHROPIC_API_KEY=" + SECRET)
    assert page.locator("[data-diagnose-share]").count() == 0
    page.click("[data-diagnose-report-missing]")
    page.wait_for_selector("[data-diagnose-share] a[href*='issues/new']")
    shown = page.text_content("[data-diagnose-redacted]")
    href = page.get_attribute("[data-diagnose-share] a", "href")
    assert SECRET not in shown and SECRET not in href
    assert "[REDACTED anthropic-key]" in shown
    assert "template=missing-error.yml" in href


def test_share_link_is_redacted_and_carried_in_the_fragment(page, site):
    page.goto(site.url("diagnose/"))
    run_paste(page, NODE_RESET + "\n> Authorization: Bearer " + SECRET)
    page.click("[data-diagnose-share-link]")
    page.wait_for_selector("[data-diagnose-copy-link]")
    link = page.get_attribute("[data-diagnose-copy-link]", "data-diagnose-copy-link")
    assert "#diagnose=" in link and "?" not in link
    assert SECRET not in link and quote(SECRET) not in link
    page.goto(link)
    # The same page with a new fragment: the earlier answer stays "done" until the hashchange
    # handler fills the box with the linked text and runs it (which leaves "done" at once).
    page.wait_for_function("() => document.querySelector('textarea[data-diagnose-input]').value.includes('[REDACTED')")
    page.wait_for_selector(f"{RESULTS}[data-state=done]", timeout=90_000)
    assert ranked_ids(page)[0] == "econnreset"


def test_runtime_that_fails_to_load_gives_a_clear_error_state(chromium, site):
    context = chromium.new_context()
    context.route("**/runtime/pyodide/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    page.fill("textarea[data-diagnose-input]", NODE_RESET)
    page.click("button[data-diagnose-run]")
    page.wait_for_selector(f"{RESULTS}[data-state=error]", timeout=90_000)
    message = page.text_content(RESULTS)
    assert "could not start" in message and page.locator(f"{RESULTS} a[href$='/errors/']").count() == 1
    assert page.locator(".md-search__input").count() == 1  # the rest of the page still works
    context.close()


def test_huge_paste_is_answered_and_marked_partial_while_the_tab_stays_responsive(page, site):
    page.goto(site.url("diagnose/"))
    page.evaluate("""() => {
        const noise = "2026-11-25T10:00:00Z INFO worker processed a job in 12ms\\n".repeat(60000);
        document.querySelector('[data-diagnose-input]').value = noise + "Error: read ECONNRESET\\n" + noise;
    }""")
    page.click("button[data-diagnose-run]")
    # The page thread stays free while the worker reads: a timer keeps firing.
    # Resolves on any final state, or after 120 s, so a slow machine fails instead of hanging.
    ticks, state = page.evaluate("""() => new Promise(resolve => {
        let n = 0; const t = setInterval(() => n++, 20); const began = Date.now();
        const poll = () => {
            const state = document.querySelector('[data-diagnose-results]').dataset.state;
            if (state === 'done' || state === 'error' || Date.now() - began > 120000) {
                clearInterval(t); resolve([n, state]);
            } else setTimeout(poll, 20);
        };
        poll();
    })""")
    assert state == "done", page.text_content(RESULTS)
    assert ticks > 3
    assert ranked_ids(page) == ["econnreset"]
    assert page.locator(".errata-partial").count() == 1



def test_a_diagnosis_over_its_budget_restarts_the_worker_and_later_ones_work(page, site):
    page.goto(site.url("diagnose/"))
    run_paste(page, NODE_RESET)  # boot first: boot time never counts against the budget
    page.evaluate("""() => {
        window.__errataBudgetMs = 30;
        const noise = "2026-11-25T10:00:00Z INFO worker processed a job in 12ms\\n".repeat(60000);
        document.querySelector('[data-diagnose-input]').value = noise + "Error: read ECONNRESET\\n" + noise;
    }""")
    page.click("button[data-diagnose-run]")
    page.wait_for_selector(f"{RESULTS}[data-state=error]", timeout=30_000)
    message = page.text_content(RESULTS)
    assert "took too long to read (over 0.03 s); the diagnostic was restarted" in message
    assert "shorter excerpt around the error" in message
    assert page.locator(f"{RESULTS} [data-rule-id]").count() == 0
    page.evaluate("() => { delete window.__errataBudgetMs; }")
    run_paste(page, PY_RESET)  # a fresh worker boots and answers
    assert ranked_ids(page)[0] == "econnreset"


def test_the_policy_allows_no_inline_script_and_the_theme_still_works(chromium, site):
    # Its own context: the refused script below is a console error on purpose.
    context = chromium.new_context()
    page = context.new_page()
    page.goto(site.url("errors/econnreset/"))
    policy = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    assert "sha256-" not in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "base-uri 'none'" in policy and "form-action 'none'" in policy and "object-src 'none'" in policy
    # A script that content managed to place inline would be refused by the browser.
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = 1'; document.body.append(s); }""")
    assert page.evaluate("window.__pwned") is None
    # The theme's own scripts, now files, still run: storage helpers, palette toggle, tabs.
    assert page.evaluate("typeof __md_get") == "function"
    before = page.get_attribute("body", "data-md-color-scheme")
    page.click("label.md-header__button[for^='__palette']:visible")
    page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== {before!r}")
    context.close()


def test_the_code_loads_as_modules_and_renders_the_engines_excerpt(page, site):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site.url("diagnose/"))
    assert page.locator("script[type=module][src$='assets/errata/diagnose.js']").count() == 1
    assert page.get_attribute("[data-diagnose]", "data-repo-url") == "https://github.com/errata-dev/errata"
    run_paste(page, "😀 🙂 " + NODE_RESET)  # astral characters before the evidence
    assert page.text_content(f"{RESULTS} [data-rule-id] mark") == "ECONNRESET"
    assert page.text_content(f"{RESULTS} [data-rule-id] pre").startswith("😀 🙂 Error: read ECONNRESET")
    loaded = {url.rsplit("/", 1)[-1] for url in requests if "/assets/errata/" in url}
    assert {"diagnose.js", "protocol.js", "runtime.js", "render.js", "worker.js"} <= loaded, loaded


def test_playground_rule_names_stay_inside_the_published_rules(chromium, site):
    # Its own context: the refused name's 404 is a console error on purpose.
    context = chromium.new_context()
    page = context.new_page()
    page.goto(site.url("playground/?rule=" + quote("../../index.html?x#", safe="")))
    page.wait_for_function("() => document.querySelector('[data-playground]').dataset.loaded === '_template.yaml'")
    assert "id: " in page.input_value("textarea[data-playground-rule]")
    assert "Could not open" in page.text_content("[data-playground-status]")
    context.close()


def test_no_request_leaves_the_origin_and_no_console_errors(site, browser_log):
    """Checked over every page visited by the tests above (runs last in this module)."""
    foreign = [u for u in browser_log.requests if not u.startswith(site.base) and not u.startswith(("data:", "blob:"))]
    assert foreign == []
    assert browser_log.errors == []


PY_ENOTFOUND = """Traceback (most recent call last):
  File "/app/client.py", line 9, in <module>
    r = requests.get("https://api.anthropc.com/v1/models")
requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.anthropc.com', port=443): Max retries exceeded with url: /v1/models (Caused by NameResolutionError("<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to resolve 'api.anthropc.com' ([Errno -2] Name or service not known)"))"""

NODE_ALTNAME = """Error: Hostname/IP does not match certificate's altnames: Host: api.internal.example. is not in the cert's altnames: DNS:*.corp.example, DNS:corp.example
    at Object.checkServerIdentity (node:tls:316:12)
    at TLSSocket.onConnectSecure (node:_tls_wrap:1687:27) {
  reason: "Host: api.internal.example. is not in the cert's altnames: DNS:*.corp.example, DNS:corp.example",
  host: 'api.internal.example',
  code: 'ERR_TLS_CERT_ALTNAME_INVALID'
}"""

FIRST = f"{RESULTS} [data-rule-id]:first-child"


def facts_in_card(page):
    return page.eval_on_selector_all(f"{FIRST} [data-diagnose-fact]", "els => Object.fromEntries(els.map(e => [e.dataset.diagnoseFact, e.textContent]))")


def test_the_card_shows_facts_and_the_runtime_fix_inline(page, site):
    page.goto(site.url("diagnose/"))
    start = page.url
    run_paste(page, PY_ENOTFOUND)
    assert ranked_ids(page)[0] == "enotfound"
    facts = facts_in_card(page)
    assert facts["host"] == "api.anthropc.com" and facts["port"] == "443", facts
    fix = page.locator(f"{FIRST} [data-diagnose-fix]")
    assert fix.count() == 1 and fix.get_attribute("data-runtime") == "python"
    assert "Fix for Python" in fix.text_content()
    assert page.locator(f"{FIRST} [data-advice=typo]").text_content().startswith("Did you mean api.anthropic.com?")
    # Code blocks are elements with a copy button; "If that does not work" is folded below.
    assert page.locator(f"{FIRST} [data-diagnose-fix] pre code").count() >= 1
    assert page.locator(f"{FIRST} [data-diagnose-fix] .errata-copy").count() >= 1
    assert page.locator(f"{FIRST} details.errata-fix__more:not([open]) > summary", has_text="If that does not work").count() == 1

    run_paste(page, NODE_ALTNAME)
    assert ranked_ids(page)[0] == "err-tls-cert-altname-invalid"
    facts = facts_in_card(page)
    assert facts["host"] == "api.internal.example" and facts["cert_names"] == "DNS:*.corp.example, DNS:corp.example", facts
    assert page.get_attribute(f"{FIRST} [data-diagnose-fix]", "data-runtime") == "node"
    assert page.url == start  # the answer came without navigating
    assert page.locator(f"{RESULTS} [data-diagnose-fix]").count() == 1  # only the first match carries the fix hook


def test_later_matches_are_compact_until_clicked(page, site):
    page.goto(site.url("diagnose/"))
    run_paste(page, (Path(__file__).parent / "pastes" / "node" / "fetch-failed-enotfound-cause.txt").read_text())
    assert ranked_ids(page) == ["enotfound", "fetch-failed"]
    assert "is only the wrapper (fetch-failed)" in page.text_content(f"{FIRST} .errata-match__chain")
    second = page.locator(f"{RESULTS} [data-rule-id=fetch-failed] details")
    assert second.get_attribute("open") is None
    assert not page.locator(f"{RESULTS} [data-rule-id=fetch-failed] .errata-evidence").is_visible()
    page.click(f"{RESULTS} [data-rule-id=fetch-failed] summary .errata-match__meta")
    assert page.locator(f"{RESULTS} [data-rule-id=fetch-failed] .errata-evidence").is_visible()


def test_a_hostile_fact_stays_text(page, site):
    hostile = ("Error: Hostname/IP does not match certificate's altnames: Host: evil.example. is not in the cert's altnames: "
               "DNS:<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>\n"
               "    at TLSSocket.onConnectSecure (node:_tls_wrap:1687:27) {\n  code: 'ERR_TLS_CERT_ALTNAME_INVALID'\n}")
    page.goto(site.url("diagnose/"))
    run_paste(page, hostile)
    assert ranked_ids(page)[0] == "err-tls-cert-altname-invalid"
    assert facts_in_card(page)["cert_names"].startswith("DNS:<img src=x onerror=")
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator(f"{RESULTS} img, {RESULTS} script").count() == 0


def test_no_match_offers_a_search_and_no_guesses_for_a_program_error(page, site):
    page.goto(site.url("diagnose/"))
    run_paste(page, KEYERROR)
    assert page.locator(f"{RESULTS} [data-diagnose-guess]").count() == 0
    href = page.get_attribute(f"{RESULTS} [data-diagnose-search]", "href")
    assert "q=KeyError" in href  # a traceback's last line, not the first line that says "timeout"
    assert page.locator(f"{RESULTS} [data-diagnose-report-missing]").count() == 1


def test_not_sure_guesses_are_marked_and_never_matches(page, site):
    page.goto(site.url("diagnose/"))
    run_paste(page, "websocket closed before handshake finished abnormally")
    assert ranked_ids(page) == []
    guesses = page.eval_on_selector_all(f"{RESULTS} [data-diagnose-guess]", "els => els.map(e => e.dataset.diagnoseGuess)")
    assert guesses[0] == "websocket-1006" and len(guesses) <= 3
    assert page.locator(f"{RESULTS} [data-diagnose-guess][data-rule-id], {RESULTS} [data-diagnose-guess].errata-match").count() == 0
    assert "(a guess)" in page.text_content(f"{RESULTS} [data-diagnose-guess]")


def test_a_diagnosis_of_this_pages_error_says_so_and_opens_the_runtime_tab(page, site):
    page.goto(site.url("errors/econnreset/"))
    run_paste(page, PY_RESET)
    assert page.text_content(f"{RESULTS} [data-diagnose-this-page=econnreset]") == "Yes, this is the error on this page."
    page.wait_for_function(
        "() => { const l = [...document.querySelectorAll('.tabbed-labels > label')].find(l => l.textContent.trim() === 'Python');"
        " return l && document.getElementById(l.htmlFor).checked; }")
    page.goto(site.url("errors/enotfound/"))
    run_paste(page, PY_RESET)
    assert page.locator(f"{RESULTS} [data-diagnose-this-page]").count() == 0


def test_error_page_box_sits_under_the_summary_in_the_toc_two_tabs_away(page, site):
    page.goto(site.url("errors/enotfound/"))
    in_order = page.evaluate("""() => {
        const q = (s) => document.querySelector(s);
        const els = [q('.md-content h1'), q('.md-content h1 + p'), q('#paste-your-error'), q('[data-diagnose-input]'), q('#what-it-means')];
        return els.every(Boolean) && els.every((e, i) => !i || (els[i - 1].compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0);
    }""")
    assert in_order, "h1, summary, 'Paste your error', the box, 'What it means'"
    assert page.locator("nav.md-nav--secondary a[href$='#paste-your-error']").count() >= 1
    assert page.locator("[data-diagnose]").count() == 1
    page.wait_for_selector("[data-errata-skip]", state="attached")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to the paste box"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.matches('[data-diagnose-input]')")
    run_paste(page, PY_ENOTFOUND)
    assert page.locator(f"{RESULTS} [data-diagnose-this-page=enotfound]").count() == 1


def test_404_at_any_depth_has_a_working_paste_box_search_and_catalog(chromium, site):
    # Its own context: the missing page's 404 is a console error on purpose.
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    missing: list[str] = []
    page.on("response", lambda r: r.status == 404 and missing.append(r.url))
    response = page.goto(site.url("no/such/deep/page/"))
    assert response.status == 404
    assert page.text_content(".md-content h1") == "Page not found"
    # Styles, scripts and the Python runtime resolve from /no/such/deep/page/: nothing else is missing.
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    run_paste(page, NODE_RESET)
    assert ranked_ids(page)[0] == "econnreset"
    assert missing == [site.url("no/such/deep/page/")]
    page.click("[data-errata-open-search]")
    page.wait_for_function("document.activeElement && document.activeElement.matches('[data-md-component=search-query]')")
    assert page.evaluate("document.getElementById('__search').checked")
    page.keyboard.press("Escape")
    page.click("[data-errata-catalog]")
    page.wait_for_url(site.url("errors/"))
    page.wait_for_selector(".md-content h1:text-is('All errors')")  # instant navigation swaps the content after the URL
    context.close()


def test_print_shows_the_article_without_the_box_or_the_chrome(page, site):
    page.goto(site.url("errors/econnreset/"))
    assert page.is_visible("[data-diagnose]")
    page.emulate_media(media="print")
    for chrome in ("[data-diagnose]", "#paste-your-error", ".md-header", ".md-sidebar--primary", ".md-footer",
                   ".md-content__button"):
        assert not page.is_visible(chrome), chrome
    assert page.is_visible(".md-content h1") and page.is_visible("#what-it-means")
    after = page.evaluate("""() => {
        const a = document.querySelector('#sources ~ ul a[href^="http"]');
        return [a.getAttribute('href'), getComputedStyle(a, '::after').content];
    }""")
    assert after[1] == f'" ({after[0]})"'


# --- the boot compiled for Pyodide: snapshot, and the fallback when it cannot be used ---------


def _timings(page):
    return page.evaluate("() => window.errataDiagnostic.runtime.timings")


def test_a_fast_link_restores_the_snapshot_and_answers(chromium, site):
    context = chromium.new_context()
    page = context.new_page()
    page.goto(site.url("diagnose/#diagnose=" + quote(NODE_RESET, safe="")))
    page.wait_for_selector(f"{RESULTS}[data-state=done]", timeout=90_000)
    assert ranked_ids(page)[0] == "econnreset"
    timings = _timings(page)
    assert timings["boot"] == "snapshot" and timings["fallback"] is None and timings["rules"] > 40
    manifest = page.evaluate("() => fetch('../runtime/manifest.json').then((r) => r.json())")
    assert timings["link"] >= manifest["snapshot"]["pays_above"] > 1_000_000
    # The next visit finds the snapshot in the HTTP cache and restores it without timing the link.
    page.reload()
    page.wait_for_selector(f"{RESULTS}[data-state=done]", timeout=90_000)
    again = _timings(page)
    assert again["boot"] == "snapshot" and again["fallback"] is None and again["link"] == 1e10, again
    context.close()


def test_a_20_mbit_link_boots_from_bytecode_which_downloads_less(chromium, site):
    # Chrome DevTools Protocol network emulation of the slow link: 20 Mbit/s, 40 ms.
    context = chromium.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 40, "downloadThroughput": 20e6 / 8,
                                                  "uploadThroughput": 20e6 / 8})
    page.goto(site.url("diagnose/#diagnose=" + quote(NODE_RESET, safe="")))
    page.wait_for_selector(f"{RESULTS}[data-state=done]", timeout=120_000)
    assert ranked_ids(page)[0] == "econnreset"
    timings = _timings(page)
    assert timings["boot"] == "bytecode" and timings["fallback"] is None
    assert 0 < timings["link"] < 20e6 / 8 * 1.2  # what it measured: about the emulated speed
    context.close()


def test_a_visit_with_the_runtime_cached_does_not_mistake_the_cache_for_a_fast_link(chromium, site, tmp_path):
    """On the slow link the first visit boots from bytecode; the next ones find the runtime in the HTTP
    cache (a profile on disk keeps the 9.6 MB wasm), and timing those files would call the link fast
    and fetch the snapshot over it. They boot from bytecode again and never ask for the snapshot."""
    context = chromium.browser_type.launch_persistent_context(str(tmp_path / "profile"), executable_path=chromium_path(),
                                                             args=CHROMIUM_ARGS)
    asked: list[str] = []
    try:
        for visit in range(2):
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 40, "downloadThroughput": 20e6 / 8,
                                                          "uploadThroughput": 20e6 / 8})
            # Downloads only: the worker's questions to the cache (only-if-cached) fail when it has nothing.
            page.on("requestfinished", lambda r: asked.append(r.url))
            page.goto(site.url("diagnose/#diagnose=" + quote(NODE_RESET, safe="")))
            page.wait_for_selector(f"{RESULTS}[data-state=done]", timeout=120_000)
            timings = _timings(page)
            assert timings["boot"] == "bytecode", (visit, timings)
            if visit:
                assert timings["link"] is None, timings  # decided by the cache, not by timing it
            page.close()
        assert not [u for u in asked if "/runtime/snapshot-" in u], asked
    finally:
        context.close()


def _corrupt(route):
    response = route.fetch()
    route.fulfill(response=response, body=b"\x1f\x8b not a gzip stream at all")


def _other_build(route):
    """A real snapshot whose header names another runtime build (bytes 16-47: the build id)."""
    import gzip

    response = route.fetch()
    raw = bytearray(gzip.decompress(response.body()))
    raw[16:48] = b"0" * 32
    route.fulfill(response=response, body=gzip.compress(bytes(raw), 1))


@pytest.mark.parametrize("failure, expected", [
    (lambda route: route.fulfill(status=404, body="not here"), "answered 404"),
    (_corrupt, ""),
    (_other_build, "Snapshot build id mismatch"),
    (lambda route: route.abort("connectionrefused"), "could not be downloaded"),
    (lambda route: None, "sent nothing for 4 s"),  # never answered: a proxy holding the biggest file
], ids=["missing", "corrupt", "other-build", "refused", "stalled"])
def test_a_snapshot_that_cannot_be_used_falls_back_to_a_normal_boot(chromium, site, failure, expected):
    context = chromium.new_context()
    context.route("**/runtime/snapshot-*.bin.gz", failure)
    page = context.new_page()
    page.goto(site.url("diagnose/"))
    run_paste(page, NODE_RESET)
    assert ranked_ids(page)[0] == "econnreset"
    timings = _timings(page)
    assert timings["boot"] == "bytecode" and expected in timings["fallback"]
    context.close()

