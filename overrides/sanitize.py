"""The allowlist every page's rendered content passes through before it reaches a template.

Rule text comes from strangers' pull requests. Markdown can carry raw HTML, so the
HTML it renders to is cleaned by nh3 (the maintained Rust `ammonia` sanitizer, a
build-time dependency only): just the elements and attributes the page scaffolding
needs, links to http(s) or relative targets, and ids that cannot collide with the
theme's own (`__config`, `__drawer`, `__search`, ...).
"""

from __future__ import annotations

import re

import nh3

__all__ = ["ALLOWED_TAGS", "clean_html"]

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "input", "kbd", "label", "li", "ol", "p", "pre",
    "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href"},
    "div": {"data-tabs"},
    "input": {"type", "name", "checked"},
    "label": {"for"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
# Heading slugs, and the ids the tabbed and highlight extensions generate themselves.
_SAFE_ID = re.compile(r"[a-z0-9][a-z0-9_.-]*|__tabbed_\d+_\d+|__codelineno-\d+-\d+")
_SAFE_CLASS = re.compile(r"[A-Za-z0-9_-]+")


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute in ("id", "for", "name"):
        if attribute == "name" and re.fullmatch(r"__tabbed_\d+", value):
            return value
        return value if _SAFE_ID.fullmatch(value) else None
    if attribute == "class":
        kept = [c for c in value.split() if _SAFE_CLASS.fullmatch(c)]
        return " ".join(kept) or None
    if attribute == "type":
        return value if tag == "input" and value == "radio" else None
    return value


def clean_html(html: str) -> str:
    """`html` with everything outside the allowlist removed (scripts, handlers, styles, frames, foreign schemes)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={k: set(v) for k, v in _ATTRIBUTES.items()},
        attribute_filter=_filter,
        url_schemes={"http", "https"},
        strip_comments=True,
        link_rel=None,
    )
