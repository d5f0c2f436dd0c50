"""A small JSON reader that keeps the line and column of every key and value.

The json module drops positions and silently keeps the last of two equal keys;
checking an MCP configuration needs both (a problem is shown where it is, and two
servers with one name are a finding). Standard library only: the browser runs it.
It reads strict JSON, or, with `comments=True`, JSON with // and /* */ comments and
trailing commas (how VS Code reads its mcp.json). Hostile input gives a located
JsonError, never a traceback or a deep recursion: depth and size are capped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["JsonError", "Node", "parse"]

MAX_CHARS = 1024 * 1024
MAX_DEPTH = 64

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_STRING_RUN = re.compile(r'[^"\\\x00-\x1f]*')
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_WORDS = (("true", True), ("false", False), ("null", None))


class JsonError(ValueError):
    """Text that is not JSON, with the 1-based line and column of the first fault."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(f"{line}:{column}: {message}")
        self.message, self.line, self.column = message, line, column


@dataclass
class Node:
    """A value with its place. Objects keep every entry in order, equal keys included."""

    kind: str  # object, array, string, number, true, false, null
    value: Any  # str, float/int, bool, None; for arrays a list of Node; for objects a list of Entry
    line: int
    column: int

    def get(self, key: str) -> Node | None:
        """The value of the last entry named `key` (what JSON.parse keeps), or None."""
        if self.kind != "object":
            return None
        found = None
        for entry in self.value:
            if entry.key == key:
                found = entry.value
        return found

    def entry(self, key: str) -> Entry | None:
        """The last entry named `key`, or None."""
        found = None
        for entry in self.value if self.kind == "object" else ():
            if entry.key == key:
                found = entry
        return found

    def plain(self) -> Any:
        """The value as json.loads would give it (the last of equal keys wins)."""
        if self.kind == "object":
            return {e.key: e.value.plain() for e in self.value}
        if self.kind == "array":
            return [n.plain() for n in self.value]
        return self.value


@dataclass
class Entry:
    """One `"key": value` of an object, with the place of the key."""

    key: str
    line: int
    column: int
    value: Node = field(repr=False)


class _Reader:
    def __init__(self, text: str, comments: bool) -> None:
        self.text = text
        self.comments = comments
        self.pos = 0
        # Line starts, to turn an offset into line:col only when a place is needed.
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def place(self, pos: int) -> tuple[int, int]:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:  # the last line start at or before pos
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, pos - self.starts[lo] + 1

    def fail(self, message: str, pos: int | None = None) -> JsonError:
        line, column = self.place(self.pos if pos is None else pos)
        return JsonError(message, line, column)

    def skip(self) -> None:
        text = self.text
        while True:
            self.pos = _WS.match(text, self.pos).end()
            if not text.startswith("/", self.pos):
                return
            nxt = text[self.pos + 1:self.pos + 2]
            if nxt not in ("/", "*"):
                return
            if not self.comments:
                raise self.fail("comments are not allowed in JSON")
            if nxt == "/":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                end = text.find("*/", self.pos + 2)
                if end < 0:
                    raise self.fail("comment is never closed (*/ missing)")
                self.pos = end + 2

    def what(self) -> str:
        if self.pos >= len(self.text):
            return "the end of the text"
        char = self.text[self.pos]
        return f"'{char}'" if char.isprintable() else f"character U+{ord(char):04X}"

    def value(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            raise self.fail(f"nested more than {MAX_DEPTH} levels deep")
        self.skip()
        line, column = self.place(self.pos)
        text = self.text
        char = text[self.pos:self.pos + 1]
        if char == "{":
            return Node("object", self.members(depth), line, column)
        if char == "[":
            return Node("array", self.items(depth), line, column)
        if char == '"':
            return Node("string", self.string(), line, column)
        match = _NUMBER.match(text, self.pos)
        if match and match.end() > self.pos:
            self.pos = match.end()
            number = match.group()
            return Node("number", float(number) if any(c in number for c in ".eE") else (int(number) if len(number) <= 400 else float(number)), line, column)
        for word, val in _WORDS:
            if text.startswith(word, self.pos):
                self.pos += len(word)
                return Node(word, val, line, column)
        if char == "'":
            raise self.fail("strings take double quotes in JSON, not single quotes")
        raise self.fail(f"expected a value, found {self.what()}")

    def string(self) -> str:
        text = self.text
        start = self.pos
        self.pos += 1
        parts: list[str] = []
        while True:
            run = _STRING_RUN.match(text, self.pos)
            parts.append(run.group())
            self.pos = run.end()
            if self.pos >= len(text):
                raise self.fail("string is never closed (a \" is missing)", start)
            char = text[self.pos]
            if char == '"':
                self.pos += 1
                return "".join(parts)
            if char == "\\":
                esc = text[self.pos + 1:self.pos + 2]
                if esc in _ESCAPES:
                    parts.append(_ESCAPES[esc])
                    self.pos += 2
                elif esc == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[self.pos + 2:self.pos + 6]):
                    parts.append(chr(int(text[self.pos + 2:self.pos + 6], 16)))
                    self.pos += 6
                else:
                    raise self.fail("invalid escape in a string (a Windows path needs \\\\ for each \\)")
            else:
                what = "a line break" if char in "\r\n" else f"control character U+{ord(char):04X}"
                raise self.fail(f"{what} inside a string (is a closing \" missing?)")

    def items(self, depth: int) -> list[Node]:
        self.pos += 1
        out: list[Node] = []
        self.skip()
        if self.text.startswith("]", self.pos):
            self.pos += 1
            return out
        while True:
            out.append(self.value(depth + 1))
            self.skip()
            char = self.text[self.pos:self.pos + 1]
            if char == "]":
                self.pos += 1
                return out
            if char != ",":
                raise self.fail(f"expected ',' or ']' after an array item, found {self.what()}")
            comma = self.pos
            self.pos += 1
            self.skip()
            if self.text.startswith("]", self.pos):
                if not self.comments:
                    raise self.fail("trailing comma before ']' is not allowed in JSON", comma)
                self.pos += 1
                return out

    def members(self, depth: int) -> list[Entry]:
        self.pos += 1
        out: list[Entry] = []
        self.skip()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return out
        while True:
            self.skip()
            if not self.text.startswith('"', self.pos):
                if self.text.startswith("'", self.pos):
                    raise self.fail("keys take double quotes in JSON, not single quotes")
                raise self.fail(f"expected a key in double quotes, found {self.what()}")
            line, column = self.place(self.pos)
            key = self.string()
            self.skip()
            if not self.text.startswith(":", self.pos):
                raise self.fail(f"expected ':' after the key \"{key[:40]}\", found {self.what()}")
            self.pos += 1
            out.append(Entry(key, line, column, self.value(depth + 1)))
            self.skip()
            char = self.text[self.pos:self.pos + 1]
            if char == "}":
                self.pos += 1
                return out
            if char != ",":
                hint = " (is a comma missing?)" if char == '"' else ""
                raise self.fail(f"expected ',' or '}}' after a value, found {self.what()}{hint}")
            comma = self.pos
            self.pos += 1
            self.skip()
            if self.text.startswith("}", self.pos):
                if not self.comments:
                    raise self.fail("trailing comma before '}' is not allowed in JSON", comma)
                self.pos += 1
                return out


def parse(text: str, comments: bool = False) -> Node:
    """The located tree of a JSON text; JsonError (with line and column) if it is not JSON."""
    if len(text) > MAX_CHARS:
        raise JsonError(f"file is larger than {MAX_CHARS // 1024} KB", 1, 1)
    reader = _Reader(text[1:] if text.startswith("\ufeff") else text, comments)
    reader.skip()
    if reader.pos >= len(reader.text):
        raise reader.fail("the file is empty: expected a JSON object")
    node = reader.value(0)
    reader.skip()
    if reader.pos < len(reader.text):
        raise reader.fail(f"unexpected {reader.what()} after the end of the JSON value")
    return node
