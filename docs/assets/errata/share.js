// Sharing and reporting: always redacted, always shown before anything leaves the page.
import { redact } from "./runtime.js";
import { el, button, errorView, scrollable } from "./render.js";
import { ROOT, configured } from "./site.js";

const MAX_REPORT = 4000; // keep prefilled GitHub URLs within what browsers and GitHub accept

// Show the redacted text and what was removed, then offer the action as a link or a copy.
async function sharePanel(box, action) {
  const old = box.root.querySelector(".errata-share");
  if (old) old.remove();
  const panel = el("div", { class: "errata-share", "data-diagnose-share": action.kind });
  box.root.append(panel);
  panel.append(el("p", {}, "Preparing a redacted copy…"));
  let redacted;
  try {
    redacted = await redact(box.input.value, action.limit); // the engine redacts the whole paste, then cuts
  } catch (error) {
    panel.replaceChildren(errorView(String(error.message || error)));
    return;
  }
  const removed = Object.entries(redacted.removed).map(([kind, n]) => `${n} ${kind}${n > 1 ? "s" : ""}`);
  panel.replaceChildren(
    el("p", {}, removed.length ? `Removed before sharing: ${removed.join(", ")}. Check the text below for anything else private.`
      : "No secrets were found. Check the text below for anything private before sharing."),
    scrollable(el("pre", { class: "errata-share__text", "data-diagnose-redacted": "" }, redacted.text), "The text that would be shared"),
    action.render(redacted),
  );
}

// The repository is mkdocs.yml's repo_url, which the template put on the box.
function issueLink(box, template, fields) {
  const url = new URL("issues/new", configured(box.root, "repoUrl"));
  url.searchParams.set("template", template);
  Object.entries(fields).forEach(([key, value]) => url.searchParams.set(key, value));
  return url.href;
}

const issueButton = (href, label) => el("a", { class: "md-button", href, target: "_blank", rel: "noopener" }, label);

/** Offer a prefilled "missing error" issue with the redacted paste. */
export function reportMissing(box) {
  sharePanel(box, {
    kind: "missing", limit: MAX_REPORT,
    render: ({ text, title }) => issueButton(issueLink(box, "missing-error.yml", {
      title: `Missing error: ${title}`, paste: text,
      skeleton: "id: \ntitle: \nmatch:\n  patterns:\n    - literal: \n      weight: 0.9\n",
    }), "Open the issue on GitHub"),
  });
}

/** Offer a prefilled "wrong diagnosis" issue naming the rule that matched. */
export function reportWrong(box, ruleId) {
  sharePanel(box, {
    kind: "wrong", limit: MAX_REPORT,
    render: ({ text, title }) => issueButton(issueLink(box, "wrong-diagnosis.yml", {
      title: `Wrong diagnosis: ${ruleId} for ${title}`, paste: text, got: ruleId,
    }), "Open the report on GitHub"),
  });
}

/** Offer a link that carries the redacted paste in its fragment. */
export function share(box) {
  sharePanel(box, {
    kind: "link",
    render: ({ text }) => {
      // This copy of the site, as the reader sees it (a local build shares local links).
      const link = new URL("diagnose/", ROOT);
      link.hash = "diagnose=" + encodeURIComponent(text);
      const copy = button({ class: "md-button", "data-diagnose-copy-link": link.href }, "Copy the link",
        () => navigator.clipboard && navigator.clipboard.writeText(link.href));
      return el("p", {}, copy, " The text travels in the link's fragment, which browsers never send to a server.");
    },
  });
}
