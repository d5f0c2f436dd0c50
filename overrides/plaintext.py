"""Markdown as one line of plain text: what structured data and social-card meta tags carry."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import markdown

__all__ = ["plain_text"]

# Their content is code or styling, never prose a reader would want in a summary.
_DROPPED = {"script", "style", "template", "textarea", "noscript"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._dropped = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _DROPPED:
            self._dropped += 1
        elif tag in {"br", "p", "li", "div", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre"}:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED:
            self._dropped = max(0, self._dropped - 1)

    def handle_data(self, data: str) -> None:
        if not self._dropped:
            self.parts.append(data)


def plain_text(text: str) -> str:
    """The words of a Markdown text: no markup, no backticks, no line breaks, whitespace collapsed.

    Anything is accepted (rule text is hostile input): raw HTML is read as tags and
    dropped, entities are decoded, and the result is text to be escaped where it goes.
    """
    html = markdown.markdown(text or "")
    parser = _Text()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()
