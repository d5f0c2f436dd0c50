// The "paste your error" box. Hooks (CONTRACT section 5):
//   textarea[data-diagnose-input], button[data-diagnose-run],
//   [data-diagnose-results] with data-state idle|loading|running|done|error,
//   one [data-rule-id] element per match, in rank order; #diagnose=<text> deep links.
// Pasted text and evidence are only ever inserted as text nodes, never as HTML.
(function () {
  "use strict";

  const runtime = {
    worker: null,
    ready: false,
    failed: null,
    nextId: 1,
    waiting: new Map(), // id -> {resolve, reject}
    listeners: new Set(), // progress callbacks
  };

  function siteRoot() {
    const config = document.getElementById("__config");
    let base = ".";
    try {
      base = JSON.parse(config.textContent).base || ".";
    } catch (_) {
      /* keep "." */
    }
    return new URL(base.replace(/\/?$/, "/"), location.href);
  }

  // The site root is fixed at first load; instant navigation keeps this script alive.
  const ROOT = siteRoot();

  function notify(stage) {
    runtime.listeners.forEach((fn) => fn(stage));
  }

  function failAll(message) {
    runtime.failed = message;
    runtime.waiting.forEach(({ reject }) => reject(new Error(message)));
    runtime.waiting.clear();
    notify(null);
  }

  // Start the worker (idempotent). The runtime keeps running across page changes.
  function startRuntime() {
    if (runtime.worker || runtime.failed) return;
    if (window.__errataWorkerFailed) {
      failAll("The diagnostic could not start: its files failed to load.");
      return;
    }
    if (typeof Worker === "undefined" || typeof WebAssembly === "undefined") {
      failAll("This browser cannot run the diagnostic (it needs WebAssembly and module workers).");
      return;
    }
    try {
      // A script in <head> may have started it already, for a #diagnose= link.
      runtime.worker = window.__errataWorker || new Worker(new URL("assets/errata/worker.js", ROOT), { type: "module" });
    } catch (error) {
      failAll("This browser cannot run the diagnostic (module workers are not supported).");
      return;
    }
    runtime.worker.onmessage = (event) => {
      const msg = event.data || {};
      if (msg.type === "progress") notify(msg.stage);
      else if (msg.type === "ready") {
        runtime.ready = true;
        runtime.timings = msg.timings; // worker clock, for the benchmarks
        runtime.waiting.forEach((_, id) => arm(id)); // the budget starts once the runtime is ready
        notify(null);
      } else if (msg.type === "result" || (msg.type === "error" && msg.id)) {
        const pending = runtime.waiting.get(msg.id);
        runtime.waiting.delete(msg.id);
        if (!pending) return;
        clearTimeout(pending.timer);
        if (msg.type === "result") pending.resolve(msg.result);
        else pending.reject(new Error(msg.message));
      } else if (msg.type === "error") {
        failAll(msg.message);
      }
    };
    runtime.worker.onerror = (event) => {
      event.preventDefault();
      failAll("The diagnostic could not start: its files failed to load.");
    };
    runtime.worker.postMessage({ type: "start" });
  }

  // A request the worker has not answered this long after the runtime was ready is
  // abandoned: Python cannot be interrupted, so the worker is replaced. Boot time does
  // not count. Tests lower it with window.__errataBudgetMs, read at request time.
  const BUDGET_MS = 10000;

  function restartRuntime(message) {
    const worker = runtime.worker;
    runtime.worker = null;
    runtime.ready = false;
    window.__errataWorker = null; // the <head> worker is the one being killed
    if (worker) worker.terminate();
    runtime.waiting.forEach(({ reject, timer }) => {
      clearTimeout(timer);
      reject(new Error(message));
    });
    runtime.waiting.clear();
    startRuntime();
  }

  function arm(id) {
    const pending = runtime.waiting.get(id);
    if (!pending || pending.timer) return;
    const budget = Number(window.__errataBudgetMs) > 0 ? Number(window.__errataBudgetMs) : BUDGET_MS;
    pending.timer = setTimeout(() => {
      if (!runtime.waiting.has(id)) return;
      const seconds = budget >= 1000 ? Math.round(budget / 1000) : budget / 1000;
      restartRuntime(`This paste took too long to read (over ${seconds} s); the diagnostic was restarted. ` +
        "Try a shorter excerpt around the error.");
    }, budget);
  }

  // Ask the worker for something ({type: "diagnose" | "redact" | "playground", ...}).
  function request(message) {
    startRuntime();
    if (runtime.failed) return Promise.reject(new Error(runtime.failed));
    const id = runtime.nextId++;
    return new Promise((resolve, reject) => {
      runtime.waiting.set(id, { resolve, reject });
      runtime.worker.postMessage({ ...message, id });
      if (runtime.ready) arm(id);
    });
  }

  const diagnose = (text) => request({ type: "diagnose", text });

  // --- rendering ---------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([key, value]) => {
      if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    });
    children.forEach((child) => node.append(child instanceof Node ? child : document.createTextNode(String(child))));
    return node;
  }

  // The lines of the paste that hold evidence, with each span wrapped in <mark>.
  function excerpt(text, evidence) {
    const spans = evidence.map((e) => [e.start, e.end]).sort((a, b) => a[0] - b[0]);
    const pre = el("pre", { class: "errata-evidence" });
    const code = el("code");
    pre.append(code);
    const ranges = [];
    spans.forEach(([start, end]) => {
      const lineStart = text.lastIndexOf("\n", start - 1) + 1;
      let lineEnd = text.indexOf("\n", Math.max(end - 1, start));
      if (lineEnd === -1) lineEnd = text.length;
      const last = ranges[ranges.length - 1];
      if (last && lineStart <= last[1] + 1) last[1] = Math.max(last[1], lineEnd);
      else ranges.push([lineStart, lineEnd]);
    });
    ranges.slice(0, 4).forEach(([from, to], index) => {
      if (index) code.append(document.createTextNode("\n…\n"));
      // Very long lines: show a window around the evidence.
      let a = from;
      let b = to;
      if (b - a > 400) {
        const first = spans.find(([s]) => s >= from && s <= to) || [from];
        a = Math.max(from, first[0] - 120);
        b = Math.min(to, a + 400);
      }
      let pos = a;
      spans.forEach(([s, e]) => {
        if (e <= a || s >= b) return;
        const ms = Math.max(s, pos);
        const me = Math.min(e, b);
        if (ms > pos) code.append(document.createTextNode(text.slice(pos, ms)));
        if (me > ms) code.append(el("mark", {}, text.slice(ms, me)));
        pos = Math.max(pos, me);
      });
      if (pos < b) code.append(document.createTextNode(text.slice(pos, b)));
    });
    return pre;
  }

  // --- sharing and reporting: always redacted, always shown before anything leaves ------

  const REPO = "https://github.com/errata-dev/errata";
  const MAX_REPORT = 4000; // keep prefilled GitHub URLs within what browsers and GitHub accept

  function firstErrorLine(text) {
    const line = text.split("\n").find((l) => /error|exception|fail|refused|reset|timed? ?out/i.test(l)) || text.split("\n")[0];
    return line.trim().slice(0, 80);
  }

  // Show the redacted text and what was removed, then offer the action as a link or a copy.
  async function sharePanel(box, action) {
    const old = box.root.querySelector(".errata-share");
    if (old) old.remove();
    const panel = el("div", { class: "errata-share", "data-diagnose-share": action.kind });
    box.root.append(panel);
    panel.append(el("p", {}, "Preparing a redacted copy…"));
    let redacted;
    try {
      // Redact the whole paste first, then cut: a secret straddling the cut must not leak its head.
      redacted = await request({ type: "redact", text: box.input.value });
      redacted.text = redacted.text.slice(0, action.limit || Infinity);
    } catch (error) {
      panel.replaceChildren(el("p", { class: "errata-error" }, String(error.message || error)));
      return;
    }
    const removed = Object.entries(redacted.removed).map(([kind, n]) => `${n} ${kind}${n > 1 ? "s" : ""}`);
    panel.replaceChildren(
      el("p", {}, removed.length ? `Removed before sharing: ${removed.join(", ")}. Check the text below for anything else private.`
        : "No secrets were found. Check the text below for anything private before sharing."),
      el("pre", { class: "errata-share__text", "data-diagnose-redacted": "" }, redacted.text),
      action.render(redacted.text),
    );
  }

  function issueLink(template, fields) {
    const url = new URL(`${REPO}/issues/new`);
    url.searchParams.set("template", template);
    Object.entries(fields).forEach(([key, value]) => url.searchParams.set(key, value));
    return url.href;
  }

  function reportMissing(box) {
    sharePanel(box, {
      kind: "missing", limit: MAX_REPORT,
      render: (text) => el("a", { class: "md-button", href: issueLink("missing-error.yml", {
        title: `Missing error: ${firstErrorLine(text)}`, paste: text,
        skeleton: "id: \ntitle: \nmatch:\n  patterns:\n    - literal: \n      weight: 0.9\n",
      }), target: "_blank", rel: "noopener" }, "Open the issue on GitHub"),
    });
  }

  function reportWrong(box, ruleId) {
    sharePanel(box, {
      kind: "wrong", limit: MAX_REPORT,
      render: (text) => el("a", { class: "md-button", href: issueLink("wrong-diagnosis.yml", {
        title: `Wrong diagnosis: ${ruleId} for ${firstErrorLine(text)}`, paste: text, got: ruleId,
      }), target: "_blank", rel: "noopener" }, "Open the report on GitHub"),
    });
  }

  function share(box) {
    sharePanel(box, {
      kind: "link",
      render: (text) => {
        const link = new URL("diagnose/", ROOT);
        link.hash = "diagnose=" + encodeURIComponent(text);
        const button = el("button", { type: "button", class: "md-button", "data-diagnose-copy-link": link.href }, "Copy the link");
        button.addEventListener("click", () => navigator.clipboard && navigator.clipboard.writeText(link.href));
        return el("p", {}, button, " The text travels in the link's fragment, which browsers never send to a server.");
      },
    });
  }

  function renderResult(box, text, result) {
    const results = box.results;
    results.replaceChildren();
    if (!result.matches.length) {
      results.append(
        el("p", { class: "errata-nomatch", "data-diagnose-nomatch": "" },
          "No known network, TLS or API error was found in this paste. ",
          el("a", { href: new URL("errors/", ROOT).href }, "Browse the catalog"),
          " or use the search (press /) with the error code or message."),
      );
      const missing = el("button", { type: "button", class: "md-button", "data-diagnose-report-missing": "" }, "Report this missing error");
      missing.addEventListener("click", () => reportMissing(box));
      results.append(missing);
    } else {
      const list = el("ol", { class: "errata-matches" });
      result.matches.forEach((match) => {
        const href = new URL(match.url, ROOT);
        if (match.tab) href.searchParams.set("tab", match.tab);
        const percent = Math.round(match.score * 100);
        const meta = [`${percent}% confidence`];
        if (match.context_label) meta.push(`from ${match.context_label}`);
        list.append(
          el("li", { class: "errata-match", "data-rule-id": match.id, "data-score": String(match.score) },
            el("a", { class: "errata-match__title", href: href.pathname + href.search }, match.title),
            el("span", { class: "errata-match__meta" }, ` ${meta.join(" · ")}`),
            el("p", { class: "errata-match__summary" }, match.summary),
            excerpt(text, match.evidence),
            wrongButton(box, match.id)),
        );
      });
      results.append(list);
      const shareButton = el("button", { type: "button", class: "md-button", "data-diagnose-share-link": "" }, "Share this diagnosis");
      shareButton.addEventListener("click", () => share(box));
      results.append(shareButton);
    }
    if (result.partial) {
      results.append(el("p", { class: "errata-partial" },
        "This paste is very long: only its beginning, its end and the lines that look like errors were read."));
    }
  }

  function wrongButton(box, ruleId) {
    const button = el("button", { type: "button", class: "errata-match__wrong", "data-diagnose-report-wrong": ruleId }, "Wrong match?");
    button.addEventListener("click", () => reportWrong(box, ruleId));
    return button;
  }

  function setState(box, state, status) {
    box.results.setAttribute("data-state", state);
    if (box.status) box.status.textContent = status || "";
  }

  async function run(box) {
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
    const onStage = (stage) => {
      if (stage && box.ticket === ticket) setState(box, "loading", `${stage}…`);
      if (!stage && runtime.ready && box.ticket === ticket) setState(box, "running", "Reading…");
    };
    runtime.listeners.add(onStage);
    try {
      const result = await diagnose(text);
      if (box.ticket !== ticket) return; // a newer run replaced this one
      renderResult(box, text, result);
      const n = result.matches.length;
      setState(box, "done", n ? `${n} match${n === 1 ? "" : "es"}` : "No match");
    } catch (error) {
      if (box.ticket !== ticket) return;
      box.results.replaceChildren(
        el("p", { class: "errata-error" }, String(error.message || error), " You can still ",
          el("a", { href: new URL("errors/", ROOT).href }, "browse the catalog"), " or use the search."),
      );
      setState(box, "error", "");
    } finally {
      runtime.listeners.delete(onStage);
    }
  }

  // --- the rule playground (CONTRACT section 6) ----------------------------------------

  function playgroundProblems(result) {
    return el("ul", { class: "errata-problems" }, ...result.problems.map((p) =>
      el("li", { "data-playground-problem": "", "data-line": String(p.line), "data-column": String(p.column) },
        el("code", {}, `${p.line}:${p.column}`), ` ${p.message}`)));
  }

  async function runPlayground(pg) {
    const ticket = (pg.ticket = (pg.ticket || 0) + 1);
    const starting = !runtime.ready;
    pg.results.setAttribute("data-state", starting ? "loading" : "running");
    pg.status.textContent = starting ? "Starting the Python runtime…" : "Checking…";
    try {
      const result = await request({ type: "playground", yaml: pg.rule.value, paste: pg.input.value });
      if (pg.ticket !== ticket) return;
      pg.results.replaceChildren();
      if (result.rule && result.score !== null) {
        pg.results.append(el("div", { class: "errata-match", "data-rule-id": result.rule },
          el("strong", {}, `${result.rule} matched`),
          ` with score ${result.score.toFixed(2)}, ranked #${result.rank} of ${result.matches.length}` +
            (result.context ? `, from ${result.context}` : "") + ".",
          excerpt(pg.input.value, result.evidence)));
      } else if (result.rule && pg.input.value.trim()) {
        const others = result.matches.map((m) => m.id).join(", ");
        pg.results.append(el("p", {}, `${result.rule} did not match this paste.` + (others ? ` It matched: ${others}.` : "")));
      }
      if (result.problems.length) {
        pg.results.append(el("p", {}, `${result.problems.length} problem${result.problems.length === 1 ? "" : "s"} that build.py check would report:`),
          playgroundProblems(result));
      } else if (result.rule) {
        pg.results.append(el("p", { class: "errata-ok" }, "No problems: this rule passes every check."));
      }
      pg.results.setAttribute("data-state", "done");
      pg.status.textContent = "";
    } catch (error) {
      if (pg.ticket !== ticket) return;
      pg.results.replaceChildren(el("p", { class: "errata-error" }, String(error.message || error)));
      pg.results.setAttribute("data-state", "error");
      pg.status.textContent = "";
    }
  }

  async function setupPlayground(root) {
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
      const url = new URL(`${REPO}/new/main/rules`);
      url.searchParams.set("filename", `${id}.yaml`);
      url.searchParams.set("value", pg.rule.value);
      window.open(url.href, "_blank", "noopener");
    });
    const wanted = new URLSearchParams(location.search).get("rule");
    const name = wanted && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(wanted) ? `${wanted}.yaml` : "_template.yaml";
    try {
      const response = await fetch(new URL(`runtime/rules/${name}`, ROOT));
      if (!response.ok) throw new Error(`no rule named ${wanted}`);
      if (!pg.rule.value.trim()) pg.rule.value = await response.text();
      root.dataset.loaded = name;
    } catch (error) {
      pg.status.textContent = `Could not open ${name}: ${error.message}. Starting from the template instead.`;
    }
    (window.requestIdleCallback || ((fn) => setTimeout(fn, 200)))(startRuntime);
  }

  // --- wiring, on every page (instant navigation swaps pages without reloading) ----

  function deepLinkText() {
    const hash = location.hash;
    if (!hash.startsWith("#diagnose=")) return null;
    try {
      return decodeURIComponent(hash.slice("#diagnose=".length));
    } catch (_) {
      return hash.slice("#diagnose=".length);
    }
  }

  function selectFixTab() {
    const wanted = new URLSearchParams(location.search).get("tab");
    if (!wanted) return;
    const label = Array.from(document.querySelectorAll(".tabbed-labels > label")).find(
      (node) => node.textContent.trim() === wanted);
    if (label) label.click();
  }

  function setup() {
    selectFixTab();
    document.querySelectorAll("[data-playground]").forEach(setupPlayground);
    const boxes = Array.from(document.querySelectorAll("[data-diagnose]")).map((root) => ({
      root,
      input: root.querySelector("[data-diagnose-input]"),
      button: root.querySelector("[data-diagnose-run]"),
      results: root.querySelector("[data-diagnose-results]"),
      status: root.querySelector("[data-diagnose-status]"),
    }));
    boxes.forEach((box) => {
      if (box.root.dataset.wired) return;
      box.root.dataset.wired = "1";
      box.button.addEventListener("click", () => run(box));
      box.input.addEventListener("focus", startRuntime, { once: true });
      box.input.addEventListener("paste", () => {
        startRuntime();
        setTimeout(() => run(box), 0); // after the pasted text is in the box
      });
      box.input.addEventListener("keydown", (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) run(box);
      });
      if (runtime.failed) setState(box, "error", "");
    });
    if (!boxes.length) return;
    const linked = deepLinkText();
    if (linked !== null) {
      boxes[0].input.value = linked;
      run(boxes[0]);
    } else if (/^\/(diagnose\/)?$/.test(location.pathname.replace(ROOT.pathname, "/"))) {
      // Home and diagnose/: readers came to paste, so start the runtime when the page is idle.
      (window.requestIdleCallback || ((fn) => setTimeout(fn, 200)))(startRuntime);
    }
  }

  window.addEventListener("hashchange", () => {
    if (deepLinkText() !== null) setup();
  });

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }

  window.errataDiagnostic = { startRuntime, diagnose, request, runtime };
})();
