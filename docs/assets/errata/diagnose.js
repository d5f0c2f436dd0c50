// Page wiring, on every page: the paste boxes, the playground, deep links and fix
// tabs. Material's instant navigation swaps pages without reloading, so this module
// stays alive (and the Python runtime with it) and wires each new page on document$.
// A page opened with #diagnose=<percent-encoded text> fills the first box and runs.
import { demoteCodeNavs, reachableTables } from "./a11y.js";
import { runtime, startRuntime, diagnose, request } from "./runtime.js";
import { run, wireBox } from "./box.js";
import { setupPlayground } from "./playground.js";
import { setupMcp } from "./mcp.js";
import { el } from "./render.js";
import { wireSearchButtons } from "./search-link.js";
import { ROOT, metered, whenIdle } from "./site.js";

function deepLinkText() {
  const hash = location.hash;
  if (!hash.startsWith("#diagnose=")) return null;
  try {
    return decodeURIComponent(hash.slice("#diagnose=".length));
  } catch (_) {
    return hash.slice("#diagnose=".length);
  }
}

// A result link names the fix tab for the paste's runtime: ?tab=<label>.
function selectFixTab() {
  const wanted = new URLSearchParams(location.search).get("tab");
  if (!wanted) return;
  const label = Array.from(document.querySelectorAll(".tabbed-labels > label")).find(
    (node) => node.textContent.trim() === wanted);
  if (label) label.click();
}

// On an error page the box sits under the summary: a second skip link, beside the theme's
// "Skip to content", puts the cursor in it (Tab, Tab, Enter from the top of the page).
function skipToBox(box) {
  const skip = document.querySelector('[data-md-component="skip"]');
  if (!skip || !box.root.closest(".errata-diagnose-inline") || skip.querySelector("[data-errata-skip]")) return;
  const link = el("a", { class: "md-skip", href: "#paste-your-error", "data-errata-skip": "" }, "Skip to the paste box");
  link.addEventListener("click", (event) => {
    // Not a page change: Material's instant navigation, which listens further up, would
    // sometimes fetch this page again for the fragment and swap its content under the box.
    event.preventDefault();
    event.stopPropagation();
    box.input.focus();
    box.input.scrollIntoView({ block: "center" });
  });
  skip.append(link);
}

function setup() {
  demoteCodeNavs(); // Material built the page's code blocks and table wrappers just before (its document$ runs first)
  reachableTables();
  selectFixTab();
  wireSearchButtons();
  document.querySelectorAll("[data-playground]").forEach(setupPlayground);
  document.querySelectorAll("[data-mcp-config]").forEach(setupMcp);
  const boxes = Array.from(document.querySelectorAll("[data-diagnose]")).map(wireBox);
  if (!boxes.length) return;
  skipToBox(boxes[0]);
  const linked = deepLinkText();
  if (linked !== null) {
    boxes[0].input.value = linked;
    run(boxes[0]);
  } else if (/^\/(diagnose\/)?$/.test(location.pathname.replace(ROOT.pathname, "/"))) {
    // Home and diagnose/: readers came to paste, so start the runtime when the page is idle,
    // unless the connection is metered or slow: then on focus, input or paste (box.js).
    if (!metered()) whenIdle(startRuntime);
  }
}

window.addEventListener("hashchange", () => {
  if (deepLinkText() !== null) setup();
});

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(setup);
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", setup);
} else {
  setup();
}

// For tests and benchmarks.
window.errataDiagnostic = { startRuntime, diagnose, request, runtime };
