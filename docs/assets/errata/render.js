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

/** A block that may scroll, made reachable and named for the keyboard (WCAG 2.1.1): a tab stop that
 *  arrow keys scroll, announced by its label. A group, because a generic element may not carry a name. */
export function scrollable(node, label) {
  node.setAttribute("tabindex", "0");
  node.setAttribute("role", "group");
  node.setAttribute("aria-label", label);
  return node;
}

/** An excerpt from engine.excerpt: windows of lines of [text, marked] segments. */
export function excerptView(windows) {
  const code = scrollable(el("code"), "The lines of your paste that matched");
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

/** Inline runs of engine.markdown: strings are text; code, strong, em and http(s) links are elements. */
export function inlineView(runs) {
  return (runs || []).map((run) => {
    if (typeof run === "string") return document.createTextNode(run);
    const [kind, ...rest] = run;
    if (kind === "code") return el("code", {}, String(rest[0]));
    if (kind === "strong") return el("strong", {}, ...inlineView(rest[0]));
    if (kind === "em") return el("em", {}, ...inlineView(rest[0]));
    if (kind === "link" && /^https?:\/\//i.test(String(rest[0]))) {
      return el("a", { href: String(rest[0]), rel: "noopener noreferrer" }, ...inlineView(rest[1]));
    }
    return document.createTextNode(kind === "link" ? "" : String(rest[0] ?? ""));
  });
}

/** A copy button for a code block. */
function copyButton(text) {
  return button({ class: "errata-copy", "aria-label": "Copy this code", title: "Copy" }, "Copy", async (event) => {
    const target = event.currentTarget;
    try {
      await navigator.clipboard.writeText(text);
      target.textContent = "Copied";
    } catch {
      target.textContent = "Select and copy";
    }
    setTimeout(() => { target.textContent = "Copy"; }, 1500);
  });
}

/** The block tree of engine.markdown as elements (never HTML): paragraphs, code with copy buttons, lists. */
export function blocksView(blocks) {
  return (blocks || []).map((block) => {
    if (block.type === "code") {
      const code = scrollable(el("code", block.lang ? { class: `language-${String(block.lang).replace(/[^\w+#.-]/g, "")}` } : {}, block.text), "Code");
      return el("div", { class: "errata-code" }, copyButton(block.text), el("pre", {}, code));
    }
    if (block.type === "ol" || block.type === "ul") {
      const attrs = block.type === "ol" && block.start > 1 ? { start: String(block.start) } : {};
      return el(block.type, attrs, ...block.items.map((item) => el("li", {}, ...blocksView(item))));
    }
    return el("p", {}, ...inlineView(block.inline));
  });
}

/** The facts read from the paste: each value a [data-diagnose-fact] element holding only the value. */
export function factsView(facts) {
  const names = Object.keys(facts || {});
  if (!names.length) return null;
  return el("ul", { class: "errata-facts", "aria-label": "Read from your paste" }, ...names.map((name) =>
    el("li", {}, el("span", { class: "errata-facts__name" }, `${name.replace(/_/g, " ")} `),
      el("code", { "data-diagnose-fact": name }, facts[name]))));
}

/** Advice from the facts: a sentence, and label/value rows side by side. */
function adviceView(advice) {
  if (!advice || !advice.length) return null;
  return el("ul", { class: "errata-advice" }, ...advice.map((a) => el("li", { "data-advice": a.kind },
    el("p", {}, a.text),
    ...(a.rows && a.rows.length ? [el("dl", { class: "errata-advice__rows" },
      ...a.rows.flatMap(([label, value]) => [el("dt", {}, label), el("dd", {}, el("code", {}, value))]))] : []))));
}

/** The fix for the detected runtime, and "If that does not work" folded below it. */
export function fixView(match) {
  const heading = match.fix_label ? `Fix for ${match.fix_label}` : "What to do";
  const fix = el("section", { class: "errata-fix", "data-diagnose-fix": "", "data-runtime": match.fix.runtime || "" },
    el("h3", { class: "errata-fix__title" }, heading), ...blocksView(match.fix_blocks));
  const parts = [fix];
  if (match.if_that_fails_blocks && match.if_that_fails_blocks.length) {
    parts.push(el("details", { class: "errata-fix__more" }, el("summary", {}, "If that does not work"),
      ...blocksView(match.if_that_fails_blocks)));
  }
  return parts;
}

function titleLink(match, text) {
  const href = new URL(match.url, ROOT);
  if (match.tab) href.searchParams.set("tab", match.tab);
  return el("a", { class: text ? "errata-match__page" : "errata-match__title", href: href.pathname + href.search }, text || match.title);
}

function meta(match) {
  const parts = [`${Math.round(match.score * 100)}% confidence`];
  if (match.context_label) parts.push(`from ${match.context_label}`);
  return el("span", { class: "errata-match__meta" }, ` ${parts.join(" · ")}`);
}

/** One ranked match of engine.web.diagnose, with its own controls appended. */
export function matchView(match, ...controls) {
  return el("li", { class: "errata-match", "data-rule-id": match.id, "data-score": String(match.score) },
    titleLink(match), meta(match),
    el("p", { class: "errata-match__summary" }, match.summary),
    excerptView(match.excerpt),
    ...controls);
}

/** The first match as the answer: sentence, chain, facts, advice, evidence, then the fix inline. */
export function answerView(match, chain, ...controls) {
  const parts = [titleLink(match), meta(match), el("p", { class: "errata-match__summary" }, match.summary)];
  if (match.diagnosis) parts.push(el("p", { class: "errata-match__diagnosis" }, match.diagnosis));
  if (chain) parts.push(el("p", { class: "errata-match__chain" }, chain));
  [factsView(match.facts), adviceView(match.advice)].forEach((part) => part && parts.push(part));
  parts.push(excerptView(match.excerpt), ...fixView(match), ...controls);
  return el("li", { class: "errata-match errata-match--answer", "data-rule-id": match.id, "data-score": String(match.score) }, ...parts);
}

/** A match after the first: one line, its details (summary, evidence, fix) on click. The line is the
 *  disclosure's own label, so the link to the page is inside (no link nested in the summary control). */
export function compactMatchView(match, ...controls) {
  return el("li", { class: "errata-match errata-match--compact", "data-rule-id": match.id, "data-score": String(match.score) },
    el("details", {}, el("summary", {}, el("span", { class: "errata-match__title" }, match.title), meta(match)),
      el("p", { class: "errata-match__summary" }, match.summary, " ", titleLink(match, "Open its page")),
      excerptView(match.excerpt), ...fixView(match).slice(0, 1).map(demote), ...controls));
}

// A later match's fix is not the answer's: it keeps its content but not the hook.
function demote(node) {
  node.removeAttribute("data-diagnose-fix");
  return node;
}

/** "Not sure" candidates when nothing matched: plain links marked as guesses, never styled as matches. */
export function guessesView(guesses) {
  if (!guesses || !guesses.length) return null;
  return el("div", { class: "errata-guesses" },
    el("p", {}, "Not sure, but it may be one of these:"),
    el("ul", {}, ...guesses.map((g) => el("li", { "data-diagnose-guess": g.id },
      el("a", { href: new URL(g.url, ROOT).pathname }, g.title), " (a guess) ", el("span", { class: "errata-guesses__summary" }, g.summary)))));
}

/** A link that opens the site search with the paste's first error line. */
export function searchLink(query) {
  if (!query) return null;
  const href = new URL(ROOT);
  href.searchParams.set("q", query);
  return el("p", { class: "errata-search" }, el("a", { href: href.pathname + href.search, "data-diagnose-search": "" }, "Search the site for "),
    el("code", {}, query));
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
