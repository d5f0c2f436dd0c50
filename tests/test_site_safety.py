"""A stranger's rule cannot put markup on a page: sanitizer, audit and a hostile build."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from overrides.audit import audit_page
from overrides.sanitize import clean_html

ROOT = Path(__file__).resolve().parent.parent
CSP = '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'">'


def _page(body: str, head: str = CSP) -> str:
    return f"<!doctype html><html><head>{head}<title>t</title></head><body>{body}</body></html>"


@pytest.mark.parametrize(("body", "finding"), [
    ("<script>fetch('//evil.example')</script>", "inline <script>"),
    ('<p onclick="steal()">x</p>', "event-handler attribute onclick="),
    ('<svg/onload="steal()">', "event-handler attribute onload="),
    ('<img src=x onerror="steal()">', "event-handler attribute onerror="),
    ('<a href=" java\tscript:steal()">x</a>', "javascript: URL"),
    ('<a href="data:text/html,<script>x</script>">x</a>', "data: URL"),
    ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "meta http-equiv=refresh"),
    ('<div style="position:fixed;inset:0">cover</div>', "style attribute on <div>"),
    ('<iframe src="/x"></iframe>', "<iframe> element"),
    ('<object data="/x"></object>', "<object> element"),
    ('<base href="https://evil.example/">', "<base> element"),
    ('<script src="https://cdn.example/x.js"></script>', "script from another origin"),
    ('<img src="https://tracker.example/p.gif">', "resource from another origin on <img>"),
    ('<div id="__config"></div><script id="__config" type="application/json">{}</script>', "id '__config' is used twice"),
])
def test_audit_finds_each_kind_of_injection(body, finding):
    found = audit_page(_page(body), "errors/x/index.html", "rules/x.yaml")
    assert any(finding in f.message for f in found), found
    assert all(str(f).startswith("errors/x/index.html:") and str(f).endswith("(from rules/x.yaml)") for f in found)


def test_audit_passes_the_sites_own_shapes():
    body = ('<script id="__config" type="application/json">{"base": "."}</script>'
            '<script type="application/ld+json">{"@type": "FAQPage"}</script>'
            '<script src="../assets/errata/diagnose.js"></script><a href="https://nodejs.org/api/">docs</a>'
            '<link rel="canonical" href="https://errata-dev.github.io/errata/">')
    assert audit_page(_page(body), "index.html") == []


def test_audit_requires_the_policy_first_in_head():
    found = audit_page(_page("", head='<meta charset="utf-8">' + CSP), "index.html")
    assert [f.message for f in found] == ["the Content-Security-Policy <meta> is not the first element in <head>"]


@pytest.mark.parametrize("html", [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '<svg/onload="window.__pwned=1">',
    '<p style="position:fixed" onclick="x" id="__config">t</p>',
    '<a href="javascript:alert(1)">j</a>',
    '<iframe src="https://evil.example/"></iframe>',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
])
def test_sanitizer_leaves_nothing_the_audit_would_find(html):
    cleaned = clean_html(html)
    assert audit_page(_page(cleaned), "p.html") == [], cleaned
    assert "__pwned" not in cleaned.replace("window.__pwned=1", "") or "<" not in cleaned


def test_sanitizer_keeps_the_scaffolding():
    html = ('<h2 id="how-to-fix-it">How<a class="headerlink" href="#how-to-fix-it">¶</a></h2>'
            '<div class="tabbed-set tabbed-alternate" data-tabs="1:1"><input checked="checked" id="__tabbed_1_1" name="__tabbed_1" type="radio">'
            '<div class="tabbed-labels"><label for="__tabbed_1_1">Node.js</label></div></div>'
            '<div class="highlight"><pre><span></span><code><span class="n">x</span></code></pre></div>')
    assert clean_html(html) == html


# Each field put markup on a page in the outside attack. The Markdown lint now
# catches some of them; the test turns the lint off to show that the layers behind
# it (escaping, no attr_list, the sanitizer, the audit) hold on their own.
HOSTILE_FIELDS = {
    "summary": '0;url=https://evil.example/" http-equiv="refresh',
    "meaning": "An escaped \\`<script>window.__pwned=1</script>\\` backtick.\n\n{: #__config }\n",
    "prevention": "A code span `that crosses\n\n<img src=x onerror=window.__pwned=2>\n\na blank line`.\n\n    ```\n    <script>window.__pwned=3</script>\n    ```\n",
    "if_that_fails": "Click me\n{: onclick=\"window.__pwned=4\" style=\"position:fixed;inset:0\" }\n",
}


# Structured data sits in a <script>: an answer must not be able to close it.
HOSTILE_FAQ = {"q": 'Does "</script><script>window.__pwned=6</script>" close it?',
               "a": "No: `</script><!--` and <b onclick=\"window.__pwned=7\">bold</b>\nstay text."}


def _elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def test_a_rule_that_passes_check_still_cannot_put_markup_on_a_page(tmp_path, monkeypatch):
    import build
    from engine import checks

    monkeypatch.setattr(checks, "FAST_CHECKS", tuple(c for c in checks.FAST_CHECKS if c is not checks.check_markdown))

    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    path = rules / "econnreset.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(HOSTILE_FIELDS)
    data["codes"] = data["codes"] + [{"code": "``<script>window.__pwned=5</script>``", "display_only": True}]
    data["faqs"] = data["faqs"] + [HOSTILE_FAQ]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    site = build.build_site(tmp_path / "site", rules_dir=rules)  # the audit is its last step
    for page in [site / "errors" / "econnreset" / "index.html", site / "index.html", site / "errors" / "index.html"]:
        html = page.read_text(encoding="utf-8")
        elements = _elements(html)
        assert not [a for _, attrs in elements for a, _ in attrs if a.startswith("on") or a == "style"], page
        assert not [t for t, attrs in elements if t == "script" and not {"src", "type"} & {a for a, _ in attrs}], page
        assert not [t for t, attrs in elements if t == "meta" and ("http-equiv", "refresh") in attrs], page
        assert sum(1 for _, attrs in elements if ("id", "__config") in attrs) == 1
        assert re.search(r"<head>\s*<meta http-equiv=\"Content-Security-Policy\"", html)
    rule_page = (site / "errors" / "econnreset" / "index.html").read_text(encoding="utf-8")
    assert "An escaped" in rule_page and "crosses" in rule_page  # the prose is kept, the markup is not
    # The link-preview description is the summary's text in one attribute, quotes and all.
    metas = [dict(attrs) for tag, attrs in _elements(rule_page) if tag == "meta"]
    assert [m["content"] for m in metas if m.get("property") == "og:description"] == [HOSTILE_FIELDS["summary"]]
    assert not [m for m in metas if "refresh" in (m.get("http-equiv") or "")]
    # The FAQ structured data stays one intact JSON document of plain text.
    [jsonld] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', rule_page, re.S)
    answer = json.loads(jsonld)["mainEntity"][-1]
    assert answer["name"] == 'Does "" close it?'  # raw HTML is dropped, as from the page's heading
    assert answer["acceptedAnswer"]["text"] == "No: </script><!-- and bold stay text."
