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
