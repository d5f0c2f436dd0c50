// The rule playground (CONTRACT section 6): check a rule's YAML as build.py check
// does and try it on a paste, in the worker.
import { runtime, startRuntime, checkRule } from "./runtime.js";
import { el, errorView, excerptView, problemsView } from "./render.js";
import { ROOT, configured, whenIdle } from "./site.js";

function render(pg, result) {
  pg.results.replaceChildren();
  if (result.rule && result.score !== null) {
    pg.results.append(el("div", { class: "errata-match", "data-rule-id": result.rule },
      el("strong", {}, `${result.rule} matched`),
      ` with score ${result.score.toFixed(2)}, ranked #${result.rank} of ${result.matches.length}` +
        (result.context ? `, from ${result.context}` : "") + ".",
      excerptView(result.excerpt)));
  } else if (result.rule && pg.input.value.trim()) {
    const others = result.matches.map((m) => m.id).join(", ");
    pg.results.append(el("p", {}, `${result.rule} did not match this paste.` + (others ? ` It matched: ${others}.` : "")));
  }
  const n = result.problems.length;
  if (n) {
    pg.results.append(el("p", {}, `${n} problem${n === 1 ? "" : "s"} that build.py check would report:`),
      problemsView(result.problems));
  } else if (result.rule) {
    pg.results.append(el("p", { class: "errata-ok" }, "No problems: this rule passes every check."));
  }
}

async function runPlayground(pg) {
  const ticket = (pg.ticket = (pg.ticket || 0) + 1);
  const starting = !runtime.ready;
  pg.results.setAttribute("data-state", starting ? "loading" : "running");
  pg.status.textContent = starting ? "Starting the Python runtime…" : "Checking…";
  try {
    const result = await checkRule(pg.rule.value, pg.input.value);
    if (pg.ticket !== ticket) return;
    render(pg, result);
    pg.results.setAttribute("data-state", "done");
    pg.status.textContent = "";
  } catch (error) {
    if (pg.ticket !== ticket) return;
    pg.results.replaceChildren(errorView(String(error.message || error)));
    pg.results.setAttribute("data-state", "error");
    pg.status.textContent = "";
  }
}

async function fetchRule(name) {
  const response = await fetch(new URL(`runtime/rules/${encodeURIComponent(name)}`, ROOT));
  if (!response.ok) throw new Error(`no rule named ${name.replace(/\.yaml$/, "")}`);
  return response.text();
}

// ?rule=<id> opens that rule. The name is not checked against a copy of the id
// pattern: encoded as one path segment under runtime/rules/ (it always ends in
// .yaml, so it is never a dot segment), anything that is not a published rule is
// simply not found there on this origin, and the template opens instead.
async function openRule(root, pg) {
  const wanted = new URLSearchParams(location.search).get("rule");
  let name = wanted ? `${wanted}.yaml` : "_template.yaml";
  let yaml;
  try {
    yaml = await fetchRule(name);
  } catch (error) {
    pg.status.textContent = `Could not open ${name}: ${error.message}. Starting from the template instead.`;
    if (name === "_template.yaml") return;
    name = "_template.yaml";
    yaml = await fetchRule(name).catch(() => null);
    if (yaml === null) return;
  }
  if (!pg.rule.value.trim()) pg.rule.value = yaml;
  root.dataset.loaded = name;
}

/** Wire a [data-playground] element once and open the rule the address names. */
export async function setupPlayground(root) {
  if (root.dataset.wired) return;
  root.dataset.wired = "1";
  const pg = {
    rule: root.querySelector("[data-playground-rule]"),
    input: root.querySelector("[data-playground-input]"),
    results: root.querySelector("[data-playground-results]"),
    status: root.querySelector("[data-playground-status]"),
  };
  root.querySelector("[data-playground-run]").addEventListener("click", () => runPlayground(pg));
  pg.rule.addEventListener("focus", startRuntime, { once: true });
  root.querySelector("[data-playground-copy]").addEventListener("click", () => {
    if (navigator.clipboard) navigator.clipboard.writeText(pg.rule.value);
  });
  root.querySelector("[data-playground-pr]").addEventListener("click", () => {
    const id = (pg.rule.value.match(/^id:\s*["']?([a-z0-9-]+)/m) || [])[1] || "new-rule";
    // The repository is mkdocs.yml's repo_url, which the template put on the playground.
    const url = new URL("new/main/rules", configured(root, "repoUrl"));
    url.searchParams.set("filename", `${id}.yaml`);
    url.searchParams.set("value", pg.rule.value);
    window.open(url.href, "_blank", "noopener");
  });
  await openRule(root, pg);
  whenIdle(startRuntime);
}
