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
        notify(null);
      } else if (msg.type === "result" || (msg.type === "error" && msg.id)) {
        const pending = runtime.waiting.get(msg.id);
        runtime.waiting.delete(msg.id);
        if (!pending) return;
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

  function diagnose(text) {
    startRuntime();
    if (runtime.failed) return Promise.reject(new Error(runtime.failed));
    const id = runtime.nextId++;
    return new Promise((resolve, reject) => {
      runtime.waiting.set(id, { resolve, reject });
      runtime.worker.postMessage({ type: "diagnose", id, text });
    });
  }

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
            excerpt(text, match.evidence)),
        );
      });
      results.append(list);
    }
    if (result.partial) {
      results.append(el("p", { class: "errata-partial" },
        "This paste is very long: only its beginning, its end and the lines that look like errors were read."));
    }
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
    } else if (document.querySelector(".errata-diagnose--eager, [data-diagnose-eager]") || /^\/(diagnose\/)?$/.test(location.pathname.replace(ROOT.pathname, "/"))) {
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

  window.errataDiagnostic = { startRuntime, diagnose, runtime };
})();
