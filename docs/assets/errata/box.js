// The "paste your error" box (CONTRACT section 5): runs a diagnosis and shows it.
//   textarea[data-diagnose-input], button[data-diagnose-run],
//   [data-diagnose-results] with data-state idle|loading|running|done|error,
//   one [data-rule-id] element per match, in rank order.
import { runtime, startRuntime, diagnose } from "./runtime.js";
import { el, button, answerView, catalogLink, compactMatchView, errorView, guessesView, noMatchView, partialView, searchLink } from "./render.js";
import { reportMissing, reportWrong, share } from "./share.js";

function setState(box, state, status) {
  box.results.setAttribute("data-state", state);
  if (box.status) box.status.textContent = status || "";
  if (box.progress) box.progress.hidden = state !== "loading";
}

// While the runtime starts: its bytes so far, of the declared total where the host says it.
function showProgress(box, stage, progress) {
  const { loaded = 0, total = null } = progress || {};
  const mb = (n) => (n / 1e6).toFixed(1);
  const bytes = !loaded ? "" : total ? `: ${mb(loaded)} of ${mb(total)} MB` : `: ${mb(loaded)} MB`;
  setState(box, "loading", `${stage}${bytes}…`);
  if (!box.progress) return;
  if (total && loaded) {
    box.progress.max = total;
    box.progress.value = Math.min(loaded, total);
  } else box.progress.removeAttribute("value"); // indeterminate: the total is not known
}

function renderResult(box, result) {
  const results = box.results;
  results.replaceChildren();
  const wrong = (match) => button({ class: "errata-match__wrong", "data-diagnose-report-wrong": match.id }, "Wrong match?",
    () => reportWrong(box, match.id));
  if (!result.matches.length) {
    results.append(...[noMatchView(), guessesView(result.guesses), searchLink(result.search)].filter(Boolean),
      button({ class: "md-button", "data-diagnose-report-missing": "" }, "Report this missing error", () => reportMissing(box)));
  } else {
    const [first, ...others] = result.matches;
    results.append(
      el("ol", { class: "errata-matches" }, answerView(first, result.chain, wrong(first)),
        ...others.map((match) => compactMatchView(match, wrong(match)))),
      button({ class: "md-button", "data-diagnose-share-link": "" }, "Share this diagnosis", () => share(box)),
    );
  }
  if (result.partial) results.append(partialView());
  if (result.matches.length && box.root.dataset.pageRule === result.matches[0].id) thisPage(box, result.matches[0]);
}

// On the error page of the first match: say so, and open (and show) the fix tab of the paste's runtime.
function thisPage(box, match) {
  box.results.prepend(el("p", { class: "errata-this-page", "data-diagnose-this-page": match.id }, "Yes, this is the error on this page."));
  if (!match.tab) return;
  const label = Array.from(document.querySelectorAll(".tabbed-labels > label")).find((node) => node.textContent.trim() === match.tab);
  if (!label) return;
  label.click();
  label.scrollIntoView({ block: "start", behavior: "smooth" });
}

// What a reader can do when the diagnostic cannot: none of it needs the runtime.
function stillWorks() {
  return el("p", { class: "errata-still-works", "data-diagnose-still-works": "" },
    "What still works: ", catalogLink("browse the catalog of errors"), ", use the site search at the top of the page, or diagnose on your own machine with ",
    el("code", {}, "python -m engine diagnose"), " from the project's repository.");
}

/** Diagnose the box's text and render the answer; a newer run supersedes an older one. */
export async function run(box) {
  const text = box.input.value;
  if (!text.trim()) {
    setState(box, "idle", "Paste an error first.");
    box.results.replaceChildren();
    return;
  }
  const ticket = (box.ticket = (box.ticket || 0) + 1);
  const panel = box.root.querySelector(".errata-share");
  if (panel) panel.remove();
  const starting = !runtime.ready;
  setState(box, starting ? "loading" : "running", starting ? "Starting the Python runtime (first time only)…" : "Reading…");
  const onStage = (stage, progress) => {
    if (stage && box.ticket === ticket) showProgress(box, stage, progress);
    if (!stage && runtime.ready && box.ticket === ticket) setState(box, "running", "Reading…");
  };
  runtime.listeners.add(onStage);
  try {
    const result = await diagnose(text);
    if (box.ticket !== ticket) return; // a newer run replaced this one
    renderResult(box, result);
    const n = result.matches.length;
    setState(box, "done", n ? `${n} match${n === 1 ? "" : "es"}` : "No match");
  } catch (error) {
    if (box.ticket !== ticket) return;
    box.results.replaceChildren(errorView(String(error.message || error)), stillWorks());
    setState(box, "error", "");
  } finally {
    runtime.listeners.delete(onStage);
  }
}

const boxes = new WeakMap(); // root element -> its box, so a page wired again keeps its run tickets

/** Wire a [data-diagnose] element once (a hash change sets the page up again); returns its box. */
export function wireBox(root) {
  if (boxes.has(root)) return boxes.get(root);
  const box = {
    root,
    input: root.querySelector("[data-diagnose-input]"),
    button: root.querySelector("[data-diagnose-run]"),
    results: root.querySelector("[data-diagnose-results]"),
    status: root.querySelector("[data-diagnose-status]"),
    progress: root.querySelector("[data-diagnose-progress]"),
  };
  boxes.set(root, box);
  root.dataset.wired = "1";
  box.button.addEventListener("click", () => run(box));
  box.input.addEventListener("focus", startRuntime, { once: true });
  box.input.addEventListener("input", startRuntime, { once: true });
  box.input.addEventListener("paste", () => {
    startRuntime();
    setTimeout(() => run(box), 0); // after the pasted text is in the box
  });
  box.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run(box);
  });
  if (runtime.failed) setState(box, "error", "");
  return box;
}
