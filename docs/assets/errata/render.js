// DOM building for results. The engine computes everything shown (excerpts come cut
// into segments); this only turns it into elements. Pasted text and evidence are
// only ever inserted as text nodes, never as HTML.
import { ROOT } from "./site.js";

/** An element with attributes and children (strings become text nodes). */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([key, value]) => {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  });
  children.forEach((child) => node.append(child instanceof Node ? child : document.createTextNode(String(child))));
  return node;
}

/** An excerpt from engine.excerpt: windows of lines of [text, marked] segments. */
export function excerptView(windows) {
  const code = el("code");
  (windows || []).forEach((lines, index) => {
    if (index) code.append(document.createTextNode("\n…\n"));
    lines.forEach((line, i) => {
      if (i) code.append(document.createTextNode("\n"));
      line.segments.forEach(([text, marked]) => code.append(marked ? el("mark", {}, text) : document.createTextNode(text)));
    });
  });
  return el("pre", { class: "errata-evidence" }, code);
}

/** A link to the catalog, for messages that have no answer. */
export const catalogLink = (text) => el("a", { href: new URL("errors/", ROOT).href }, text);

/** One ranked match of engine.web.diagnose, with its own controls appended. */
export function matchView(match, ...controls) {
  const href = new URL(match.url, ROOT);
  if (match.tab) href.searchParams.set("tab", match.tab);
  const meta = [`${Math.round(match.score * 100)}% confidence`];
  if (match.context_label) meta.push(`from ${match.context_label}`);
  return el("li", { class: "errata-match", "data-rule-id": match.id, "data-score": String(match.score) },
    el("a", { class: "errata-match__title", href: href.pathname + href.search }, match.title),
    el("span", { class: "errata-match__meta" }, ` ${meta.join(" · ")}`),
    el("p", { class: "errata-match__summary" }, match.summary),
    excerptView(match.excerpt),
    ...controls);
}

/** The message shown when nothing matched. */
export const noMatchView = () => el("p", { class: "errata-nomatch", "data-diagnose-nomatch": "" },
  "No known network, TLS or API error was found in this paste. ",
  catalogLink("Browse the catalog"),
  " or use the search (press /) with the error code or message.");

/** The note for a paste read in windows. */
export const partialView = () => el("p", { class: "errata-partial" },
  "This paste is very long: only its beginning, its end and the lines that look like errors were read.");

/** An error message, in the results. */
export const errorView = (message, ...more) => el("p", { class: "errata-error" }, message, ...more);

/** A button that runs `onClick`. */
export function button(attrs, label, onClick) {
  const node = el("button", { type: "button", ...attrs }, label);
  node.addEventListener("click", onClick);
  return node;
}

/** The located problems of engine.web.check_rule. */
export const problemsView = (problems) => el("ul", { class: "errata-problems" }, ...problems.map((p) =>
  el("li", { "data-playground-problem": "", "data-line": String(p.line), "data-column": String(p.column) },
    el("code", {}, `${p.line}:${p.column}`), ` ${p.message}`)));
