"""Rule fields that are not Markdown (codes, messages, source titles and URLs) reach the page as inert text."""

from __future__ import annotations

import dataclasses

import markdown

from overrides import pages

HOSTILE = "x`` <script>window.__pwned=1</script> ``<img src=x onerror=alert(1)>|*a*"


def _html(rule, catalog):
    return markdown.markdown(pages.page_markdown(rule, catalog), extensions=["tables"])


def test_code_spans_cannot_be_broken_out_of(catalog):
    rule = dataclasses.replace(catalog[0], codes=(HOSTILE,), messages=(HOSTILE,))
    html = _html(rule, {r.id: r for r in catalog})
    assert "<script" not in html and "<img" not in html
    assert html.count("<code>x`` &lt;script&gt;") == 2 or html.count("&#60;script&#62;") == 2


def test_catalog_table_keeps_hostile_codes_inert(catalog):
    rule = dataclasses.replace(catalog[0], codes=(HOSTILE,))
    html = markdown.markdown(pages.catalog_markdown([rule]), extensions=["tables"])
    assert "<script" not in html and "<img" not in html
