// Accessibility fixes to what the theme's own script builds, applied on every page (diagnose.js).

/**
 * Material puts each code block's copy button in a <nav>: a navigation landmark with no name,
 * one per block, so a page with two visible blocks has indistinguishable landmarks and a screen
 * reader's landmark list fills with copy buttons. The button is no site navigation: the <nav>
 * keeps its look and loses only the landmark role.
 */
export function demoteCodeNavs(root = document) {
  root.querySelectorAll("nav.md-code__nav:not([role])").forEach((nav) => nav.setAttribute("role", "none"));
}

// A table wider than the screen scrolls sideways inside Material's wrapper, which the keyboard
// cannot scroll: then the wrapper is a named tab stop (WCAG 2.1.1), and again an ordinary box
// when a wider window makes the table fit.
const tables = typeof ResizeObserver === "function"
  ? new ResizeObserver((entries) => entries.forEach(({ target }) => reachable(target)))
  : null;

function reachable(wrap) {
  if (wrap.scrollWidth > wrap.clientWidth + 1) {
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "group");
    wrap.setAttribute("aria-label", "Table, scrolls sideways");
  } else {
    ["tabindex", "role", "aria-label"].forEach((name) => wrap.removeAttribute(name));
  }
}

/** Watch the page's table wrappers (Material builds them just before, on the same document$). */
export function reachableTables(root = document) {
  if (tables) tables.disconnect(); // the previous page's wrappers (instant navigation swapped them out)
  root.querySelectorAll(".md-typeset__scrollwrap").forEach((wrap) => (tables ? tables.observe(wrap) : reachable(wrap)));
}
