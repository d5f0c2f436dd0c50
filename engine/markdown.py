"""The Markdown subset rule text uses, as a small block tree that front ends render as DOM.

The browser never parses rule Markdown or sets innerHTML: it walks this tree and
makes elements and text nodes. Blocks (JSON-ready lists and dicts):

    {"type": "p", "inline": [...]}
    {"type": "code", "lang": "python", "text": "..."}
    {"type": "ol", "start": 1, "items": [[block, ...], ...]}     (and "ul" without start)

Inline runs: a string is text; ["code", text], ["strong", runs], ["em", runs] and
["link", href, runs] (href http(s) only; any other link stays as its text).
Anything else (HTML included) is text.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Block", "blocks", "inline"]

Block = dict[str, Any]

_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*$")
_ITEM = re.compile(r"^( {0,3})(?:(\d{1,9})[.)]|([-*+]))( +|$)")
_INLINE = re.compile(
    r"(?P<code>`+)(?P<codebody>.+?)(?P=code)(?!`)"
    r"|\*\*(?P<strong>[^*\s](?:.*?[^*\s])?)\*\*"
    r"|(?<![\w*])\*(?P<em>[^*\s](?:[^*]*?[^*\s])?)\*(?![\w*])"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<href>[^)\s]+)\)",
    re.DOTALL,
)
_MAX_DEPTH = 8  # nested lists deeper than this stay as text


def inline(text: str, depth: int = 0) -> list[Any]:
    """Inline runs of one paragraph's text (line breaks inside it become spaces)."""
    runs: list[Any] = []
    pos = 0

    def text_run(s: str) -> None:
        if not s:
            return
        if runs and isinstance(runs[-1], str):
            runs[-1] += s
        else:
            runs.append(s)

    for m in _INLINE.finditer(text):
        text_run(text[pos : m.start()])
        pos = m.end()
        if m.group("code"):
            body = m.group("codebody")
            # CommonMark strips one space each side of a code span that has both.
            if len(body) > 2 and body[0] == body[-1] == " ":
                body = body[1:-1]
            runs.append(["code", body.replace("\n", " ")])
        elif m.group("strong") is not None:
            runs.append(["strong", inline(m.group("strong"), depth + 1) if depth < _MAX_DEPTH else [m.group("strong")]])
        elif m.group("em") is not None:
            runs.append(["em", inline(m.group("em"), depth + 1) if depth < _MAX_DEPTH else [m.group("em")]])
        else:
            label, href = m.group("label"), m.group("href")
            if re.match(r"https?://[^\s]+$", href):
                runs.append(["link", href, inline(label, depth + 1) if depth < _MAX_DEPTH else [label]])
            else:
                text_run(label)  # a relative or other-scheme link is shown as its text
    text_run(text[pos:])
    return [r.replace("\n", " ") if isinstance(r, str) else r for r in runs]


def _dedent(lines: list[str], width: int) -> list[str]:
    """Lines with up to `width` leading spaces removed (a list item's continuation)."""
    out = []
    for line in lines:
        spaces = len(line) - len(line.lstrip(" "))
        out.append(line[min(spaces, width) :])
    return out


def _parse(lines: list[str], depth: int) -> list[Block]:
    out: list[Block] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        fence = _FENCE.match(line)
        if fence:
            indent, marks, lang = fence.group(1), fence.group(2), fence.group(3)
            body: list[str] = []
            i += 1
            while i < n and not re.match(r"^ {0,3}" + re.escape(marks[0]) + "{" + str(len(marks)) + r",}[ \t]*$", lines[i]):
                body.append(lines[i])
                i += 1
            i += 1  # the closing fence (or the end of the text)
            out.append({"type": "code", "lang": lang, "text": "\n".join(_dedent(body, len(indent)))})
            continue
        item = _ITEM.match(line)
        if item and depth < _MAX_DEPTH:
            ordered = item.group(2) is not None
            items: list[list[Block]] = []
            start = int(item.group(2)) if ordered else 1
            while i < n:
                m = _ITEM.match(lines[i])
                if not m or (m.group(2) is not None) != ordered:
                    break
                width = len(m.group(0)) if m.group(4) else len(m.group(0)) + 1
                body = [lines[i][len(m.group(0)) :]]
                i += 1
                while i < n:
                    nxt = lines[i]
                    if not nxt.strip():
                        # A blank line continues the item only if indented text follows.
                        j = i
                        while j < n and not lines[j].strip():
                            j += 1
                        if j < n and lines[j].startswith(" " * width):
                            body.extend(lines[i:j])
                            i = j
                            continue
                        break
                    if nxt.startswith(" " * width) or not (_ITEM.match(nxt) or _FENCE.match(nxt)):
                        body.append(nxt)
                        i += 1
                        continue
                    break
                items.append(_parse(_dedent(body, width), depth + 1))
                while i < n and not lines[i].strip():
                    j = i
                    while j < n and not lines[j].strip():
                        j += 1
                    if j < n and _ITEM.match(lines[j]):
                        i = j
                    break
            block: Block = {"type": "ol" if ordered else "ul", "items": items}
            if ordered:
                block["start"] = start
            out.append(block)
            continue
        para = [line.strip()]
        i += 1
        while i < n and lines[i].strip() and not _FENCE.match(lines[i]) and not _ITEM.match(lines[i]):
            para.append(lines[i].strip())
            i += 1
        out.append({"type": "p", "inline": inline("\n".join(para), depth)})
    return out


def blocks(markdown: str) -> list[Block]:
    """The block tree of a Markdown text (the subset rules use); never raises."""
    return _parse(markdown.replace("\r\n", "\n").expandtabs(4).split("\n"), 0)
