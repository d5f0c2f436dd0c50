"""The catalog's tables in a real browser: lines break between codes, never inside one, at any width."""

from __future__ import annotations

import pytest

# For every code in the catalog's tables: how many lines it takes, and for the long messages
# allowed to wrap between their words, how many lines the longest-cut word takes. Then
# how far the page and the tables' scrolling wrappers reach past their width.
MEASURE = """() => {
  const codes = [...document.querySelectorAll('article table td:nth-child(2) code')];
  const cut = [];
  for (const code of codes) {
    if (!code.classList.contains('errata-catalog-code--words')) {
      if (code.getClientRects().length !== 1) cut.push(code.textContent);
      continue;
    }
    const text = code.firstChild;
    for (const word of text.data.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(text, word.index);
      range.setEnd(text, word.index + word[0].length);
      if (range.getClientRects().length !== 1) cut.push(word[0] + ' in ' + text.data);
    }
  }
  const root = document.documentElement;
  const wrappers = [...document.querySelectorAll('article .md-typeset__scrollwrap')];
  return {
    codes: codes.length,
    marked: codes.filter(c => c.classList.contains('errata-catalog-code')).length,
    cut,
    page: root.scrollWidth - root.clientWidth,
    scrolling: wrappers.filter(w => w.scrollWidth > w.clientWidth).length,
    tables: wrappers.length,
  };
}"""


@pytest.mark.parametrize("width", [390, 320, 1280])
@pytest.mark.parametrize("path", ["errors/", ""], ids=["catalog", "home"])
def test_catalog_codes_stay_whole_and_nothing_scrolls_sideways(chromium, site, path, width):
    context = chromium.new_context(viewport={"width": width, "height": 844})
    try:
        page = context.new_page()
        page.goto(site.url(path))
        page.wait_for_selector("article .md-typeset__scrollwrap table")  # the theme wraps tables from its script
        found = page.evaluate(MEASURE)
    finally:
        context.close()
    assert found["tables"] == 4, found  # one per category
    assert found["codes"] > 150 and found["marked"] == found["codes"], found
    assert found["cut"] == [], f"codes broken across lines at {width}px: {found['cut']}"
    assert found["page"] <= 0, f"the page scrolls sideways by {found['page']}px at {width}px"
    # A table that scrolled would need a focusable, named scrolling region; none does.
    assert found["scrolling"] == 0, found


def test_the_narrow_catalog_stays_a_table_for_assistive_technology(chromium, site):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.goto(site.url("errors/"))
        tree = page.locator("article table").first.aria_snapshot()
    finally:
        context.close()
    assert tree.startswith("- table"), tree[:200]
    for role in ('columnheader "Error"', 'columnheader "Codes"', 'columnheader "What happened"', "- cell "):
        assert role in tree, (role, tree[:400])
