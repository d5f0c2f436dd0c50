// The MCP config page (mcp-config/): build each client's configuration from the form and
// check a pasted one, with engine/mcp.py in the same worker as the paste box. Python
// computes every text shown here; this module only collects the form and renders.
import { runtime, startRuntime, mcp } from "./runtime.js";
import { el, errorView, scrollable } from "./render.js";
import { whenIdle } from "./site.js";

const lines = (text) => text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);

function field(root, name) {
  if (name === "transport") {
    const checked = root.querySelector('[data-mcp-field="transport"]:checked');
    return checked ? checked.value : "stdio";
  }
  const node = root.querySelector(`[data-mcp-field="${name}"]`);
  return node ? node.value : "";
}

function entryOf(root) {
  return {
    name: field(root, "name").trim(),
    transport: field(root, "transport"),
    command: field(root, "command").trim(),
    args: lines(field(root, "args")),
    env: lines(field(root, "env")),
    cwd: field(root, "cwd").trim(),
    url: field(root, "url").trim(),
    headers: lines(field(root, "headers")),
  };
}

function showTransport(root) {
  const remote = field(root, "transport") !== "stdio";
  root.querySelector('[data-mcp-when="stdio"]').hidden = remote;
  root.querySelector('[data-mcp-when="remote"]').hidden = !remote;
}

async function copy(text, status, what) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = `Copied ${what}.`;
  } catch (_) {
    status.textContent = `Could not copy ${what}: select it and copy it yourself.`;
  }
}

// A block of text the reader copies: <pre><code> and its copy button.
function copyable(text, attrs, label, status) {
  const code = scrollable(el("code", attrs, text), label[0].toUpperCase() + label.slice(1));
  const copyButton = el("button", { type: "button", class: "md-button errata-mcp__copy", "data-mcp-copy": "" }, `Copy ${label}`);
  copyButton.addEventListener("click", () => copy(text, status, label));
  return el("div", { class: "errata-mcp__block" }, el("pre", {}, code), copyButton);
}

function notesView(notes) {
  return notes.length ? el("ul", { class: "errata-mcp__notes" }, ...notes.map((n) => el("li", {}, n))) : "";
}

function sourcesView(sources) {
  return el("p", { class: "errata-mcp__sources" }, "Sources: ", ...sources.flatMap((s, i) => [
    i ? "; " : "",
    el("a", { href: s.url }, s.title),
    ` (${s.version}${s.seen === "quoted" ? ", read through quotations of it" : ""})`,
  ]));
}

function clientView(c, status) {
  const section = el("section", { class: "errata-mcp__client", "data-mcp-output": c.id, "aria-label": c.name },
    el("h3", {}, c.name));
  const files = el("ul", { class: "errata-mcp__files" }, ...c.files.map((f) =>
    el("li", {}, el("code", {}, f.path), ` (${f.scope}): ${f.note}. ${f.committed ? "Usually committed." : "Not shared."}`)));
  section.append(files);
  if (c.text !== null) {
    section.append(copyable(c.text, { "data-mcp-text": "" }, `${c.name} JSON`, status));
  }
  section.append(notesView(c.notes));
  c.commands.forEach((cmd) => {
    section.append(el("p", { class: "errata-mcp__scope" }, "Or add it with ", el("code", {}, `--scope ${cmd.scope}`), ":"),
      copyable(cmd.text, { "data-mcp-command": cmd.scope }, `the ${cmd.scope} command`, status), notesView(cmd.notes));
  });
  section.append(sourcesView(c.sources));
  return section;
}

async function build(root, ui) {
  const ticket = (ui.ticket = (ui.ticket || 0) + 1);
  ui.outputs.setAttribute("data-state", runtime.ready ? "running" : "loading");
  ui.status.textContent = runtime.ready ? "Building…" : "Starting the Python runtime…";
  try {
    const result = await mcp({ action: "build", entry: entryOf(root), platform: field(root, "platform") });
    if (ui.ticket !== ticket) return;
    ui.outputs.replaceChildren();
    if (result.problems.length) {
      ui.outputs.append(el("p", {}, "Fix these first:"),
        el("ul", { class: "errata-problems" }, ...result.problems.map((p) => el("li", { "data-mcp-form-problem": "" }, p))));
    }
    const wanted = field(root, "client");
    result.clients.filter((c) => !wanted || c.id === wanted).forEach((c) => ui.outputs.append(clientView(c, ui.status)));
    ui.outputs.setAttribute("data-state", "done");
    ui.status.textContent = result.problems.length ? `${result.problems.length} field(s) to fix.` : "Built.";
  } catch (error) {
    if (ui.ticket !== ticket) return;
    ui.outputs.replaceChildren(errorView(String(error.message || error)));
    ui.outputs.setAttribute("data-state", "error");
    ui.status.textContent = "";
  }
}

async function check(root, ui) {
  const ticket = (ui.checkTicket = (ui.checkTicket || 0) + 1);
  const results = ui.checkResults;
  results.setAttribute("data-state", runtime.ready ? "running" : "loading");
  const committed = root.querySelector("[data-mcp-check-committed]").value;
  try {
    const result = await mcp({
      action: "check",
      text: ui.checkInput.value,
      client: root.querySelector("[data-mcp-check-client]").value,
      platform: root.querySelector("[data-mcp-check-platform]").value,
      committed: committed === "" ? null : committed === "yes",
    });
    if (ui.checkTicket !== ticket) return;
    const n = result.problems.length;
    results.replaceChildren(el("p", {}, n ? `${n} problem${n === 1 ? "" : "s"} for ${result.name}:` : ""));
    if (n) {
      results.append(el("ul", { class: "errata-problems" }, ...result.problems.map((p) =>
        el("li", { "data-mcp-problem": "", "data-line": String(p.line), "data-column": String(p.column) },
          el("code", {}, `${p.line}:${p.column}`), ` ${p.message}`))));
    } else {
      results.replaceChildren(el("p", { class: "errata-ok", "data-mcp-ok": "" }, `No problems found for ${result.name}.`));
    }
    results.setAttribute("data-state", "done");
  } catch (error) {
    if (ui.checkTicket !== ticket) return;
    results.replaceChildren(errorView(String(error.message || error)));
    results.setAttribute("data-state", "error");
  }
}

/** Wire a [data-mcp-config] element once. */
export function setupMcp(root) {
  if (root.dataset.wired) return;
  root.dataset.wired = "1";
  const ui = {
    outputs: root.querySelector("[data-mcp-outputs]"),
    status: root.querySelector("[data-mcp-status]"),
    checkInput: root.querySelector("[data-mcp-check-input]"),
    checkResults: root.querySelector("[data-mcp-check-results]"),
  };
  root.querySelectorAll('[data-mcp-field="transport"]').forEach((radio) =>
    radio.addEventListener("change", () => showTransport(root)));
  showTransport(root);
  root.querySelector("[data-mcp-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    build(root, ui);
  });
  root.querySelector("[data-mcp-check-run]").addEventListener("click", () => check(root, ui));
  root.addEventListener("focusin", startRuntime, { once: true });
  whenIdle(startRuntime);
}
