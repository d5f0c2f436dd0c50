"""The Markdown the site generates from rules: one page per rule and the catalog of all of them."""

from __future__ import annotations

import json

import yaml

from engine.model import RUNTIME_LABELS, Rule
from overrides.plaintext import plain_text

__all__ = ["CATEGORY_TITLES", "DIAGNOSE_HEADING", "catalog_markdown", "catalog_page", "page_markdown", "related"]

CATEGORY_TITLES = {
    "network": "Network and sockets",
    "tls": "TLS and certificates",
    "api": "HTTP and API responses",
    "tooling": "Tools: npm, git, SSH and MCP",
}


# The heading the paste box follows on an error page; its slug is the id partials/content.html looks for.
DIAGNOSE_HEADING = "Paste your error"


def _literal(text: str) -> str:
    """Rule text as inert HTML: every character that Markdown or HTML could read as syntax is an entity."""
    return "".join(c if c.isalnum() or c == " " else f"&#{ord(c)};" for c in text)


def _code(text: str, css_class: str = "") -> str:
    """Inline code that no text can break out of (a backtick fence can be; entities cannot)."""
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<code{attribute}>{_literal(text)}</code>"


# A code in the catalog longer than this may wrap between its words: a whole message such
# as "upstream connect error or disconnect/reset before headers" is wider than a phone.
# The longest one-word codes (ERR_SSL_DECRYPTION_FAILED_OR_BAD_RECORD_MAC) are 43 characters.
_CATALOG_CODE_UNBROKEN = 40


def _catalog_code(text: str) -> str:
    """A code in the catalog's table: catalog.css keeps it on one line, so a narrow table
    breaks between codes, never inside one (short ones such as "errno 104" included)."""
    words = " " in text.strip() and len(text) > _CATALOG_CODE_UNBROKEN
    return _code(text, "errata-catalog-code" + (" errata-catalog-code--words" if words else ""))


def _fenced(text: str, lang: str = "text") -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line.strip() else "" for line in text.strip().splitlines())


def _jsonld(rule: Rule) -> str:
    """The FAQPage structured data: questions and answers as plain text, as search engines read them."""
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": plain_text(f.q), "acceptedAnswer": {"@type": "Answer", "text": plain_text(f.a)}}
            for f in rule.faqs
        ],
    }
    # "<" escaped so that no text can close the <script> element it sits in.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def related(rule: Rule, catalog: dict[str, Rule]) -> list[Rule]:
    """Related rules: the ones this rule names, then the ones that name it."""
    ids = list(rule.related) + sorted(r.id for r in catalog.values() if rule.id in r.related and r.id not in rule.related)
    return [catalog[i] for i in ids if i in catalog and i != rule.id]


def page_markdown(rule: Rule, catalog: dict[str, Rule], see_also: list[tuple[str, str, str]] = ()) -> str:
    """The Markdown page for one rule; `see_also` (title, docs path, description) lists site pages for it."""
    front = {
        "title": rule.title,
        "description": plain_text(rule.summary),  # the meta description: text, not Markdown
        # The paste box sits under the summary, at the "Paste your error" heading (partials/content.html).
        "diagnose": "summary",
        "rule": rule.id,
        "jsonld": _jsonld(rule),
        "search": {"boost": 2},
    }
    out = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).strip(), "---", ""]
    out += [f"# {rule.title}", "", rule.summary, ""]
    out += [f"## {DIAGNOSE_HEADING}", ""]
    if rule.sample:
        out += [_fenced(rule.sample), ""]
    facts = [f"**Category:** {CATEGORY_TITLES[rule.category]}"]
    if rule.codes:
        facts.append("**Codes:** " + " · ".join(_code(c) for c in rule.codes))
    out += ["  \n".join(facts), ""]
    if rule.messages:
        out += ["**Messages you may see:**", ""] + [f"- {_code(m)}" for m in rule.messages] + [""]
    if rule.spellings:
        # Other names and texts (glibc and Windows translations too) from the error tables the rule
        # references: the engine recognises each of them, and readers search for them.
        out += ["**Also seen as:** " + " · ".join(_code(s) for s in rule.spellings), ""]
    out += ["## What it means", "", rule.meaning.strip(), ""]
    out += ["## Why it happens", ""] + [f"{i}. {c.strip()}" for i, c in enumerate(rule.causes, 1)] + [""]
    out += ["## How to fix it", ""]
    for runtime, body in rule.fixes:
        out += [f'=== "{RUNTIME_LABELS[runtime]}"', "", _indent(body), ""]
    out += ["## If that does not work", "", rule.if_that_fails.strip(), ""]
    out += ["## How to prevent it", "", rule.prevention.strip(), ""]
    out += ["## Frequently asked questions", ""]
    for faq in rule.faqs:
        out += [f"### {faq.q.strip()}", "", faq.a.strip(), ""]
    out += ["## Related errors", ""]
    out += [f"- [{r.title}]({r.id}.md): {r.summary}" for r in related(rule, catalog)]
    out += [f"- [{title}](../{path}): {text}" for title, path, text in see_also] + [""]
    out += ["## Sources", ""] + [f'- <a href="{_literal(s.url)}">{_literal(s.title)}</a>' for s in rule.sources] + [""]
    return "\n".join(out)


def see_also_pages(docs: list[tuple[str, str]]) -> dict[str, list[tuple[str, str, str]]]:
    """Rule id -> the hand-written pages (docs path, text) whose front matter lists it under `see_also_for`."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for path, text in sorted(docs):
        if not text.startswith("---\n"):
            continue
        head = text[4:].split("\n---", 1)[0]
        try:
            front = yaml.safe_load(head) or {}
        except yaml.YAMLError:
            continue
        ids = front.get("see_also_for") if isinstance(front, dict) else None
        for rule_id in ids if isinstance(ids, list) else []:
            out.setdefault(str(rule_id), []).append((str(front.get("title", path)), path, str(front.get("description", ""))))
    return out


def catalog_markdown(rules: list[Rule], prefix: str = "") -> str:
    """Every error by category: title, codes, summary. `prefix` is the path to errors/."""
    out: list[str] = []
    for category, heading in CATEGORY_TITLES.items():
        members = [r for r in rules if r.category == category]
        if not members:
            continue
        out += [f"## {heading}", "", "| Error | Codes | What happened |", "| --- | --- | --- |"]
        for r in members:
            codes = ", ".join(_catalog_code(c) for c in r.codes[:4])
            summary = r.summary.replace("|", "\\|")
            out.append(f"| [{r.title}]({prefix}{r.id}.md) | {codes} | {summary} |")
        out.append("")
    return "\n".join(out)


def catalog_page(rules: list[Rule]) -> str:
    """errors/index.md: the catalog as a page of its own."""
    head = ["---", "title: All errors", "description: Every error in the catalog, with its codes.", "---", "",
            "# All errors", "",
            f"{len(rules)} errors, grouped by where they happen. Use the search (press `/`) to find a code or a message.", ""]
    return "\n".join(head) + catalog_markdown(rules)
