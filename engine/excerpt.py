"""The lines of a paste that hold evidence, cut into plain and marked segments.

Computed once here for every front end: the CLI prints the segments as lines with
carets under the marked ones, and the browser turns them into text nodes and
<mark> elements without measuring or slicing the paste itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Line", "Window", "excerpt"]

# The browser's defaults: room for a wide result box, four windows at most.
WIDTH = 400
LEAD = 120
LIMIT = 4


@dataclass(frozen=True)
class Line:
    """One line of a window: its number, its segments, and whether it was cut short."""

    number: int  # 1-based line number in the paste
    segments: tuple[tuple[str, bool], ...]  # (text, marked), in order
    cut_before: bool = False  # a long line, shown from past its start
    cut_after: bool = False  # ... and stopped before its end

    def to_json(self) -> dict[str, object]:
        """The line as JSON: {"number", "segments": [[text, marked], ...], "cut": [before, after]}."""
        return {"number": self.number, "segments": [[t, m] for t, m in self.segments], "cut": [self.cut_before, self.cut_after]}


@dataclass(frozen=True)
class Window:
    """Consecutive lines of the paste that hold evidence."""

    lines: tuple[Line, ...]

    def to_json(self) -> list[dict[str, object]]:
        """The window as a JSON list of lines."""
        return [line.to_json() for line in self.lines]


def _marks(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping spans joined; touching ones stay apart, as the evidence reported them."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _ranges(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The whole lines each span touches, merged where they overlap or are adjacent."""
    ranges: list[tuple[int, int]] = []
    for start, end in spans:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", max(end - 1, start))
        if line_end == -1:
            line_end = len(text)
        if ranges and line_start <= ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], line_end))
        else:
            ranges.append((line_start, line_end))
    return ranges


def _touches(s: int, e: int, a: int, b: int) -> bool:
    """Whether the span [s, e) shows in [a, b]: overlapping it, or an empty span inside it."""
    return s < b and e > a if s < e else a <= s <= b


def _line(text: str, number: int, start: int, end: int, marks: list[tuple[int, int]], width: int, lead: int) -> Line:
    """One line, windowed around its first evidence when longer than `width`."""
    while end > start and text[end - 1] == "\r":  # a CRLF paste: the CR is not part of the line
        end -= 1
    mine = [(s, e) for s, e in marks if _touches(s, e, start, end)]
    a, b = start, end
    if end - start > width:
        anchor = max(mine[0][0], start) if mine else start
        a = start + max(0, min(anchor - start - lead, end - start - width))
        b = a + width
    segments: list[tuple[str, bool]] = []
    pos = a
    for s, e in mine:
        if not _touches(s, e, a, b):
            continue
        s, e = max(s, a), min(e, b)
        if s > pos:
            segments.append((text[pos:s], False))
        segments.append((text[s:e], True))
        pos = e
    if pos < b:
        segments.append((text[pos:b], False))
    return Line(number, tuple(segments), a > start, b < end)


def excerpt(
    text: str, spans: Iterable[tuple[int, int]], *, width: int = WIDTH, lead: int = LEAD, limit: int = LIMIT
) -> tuple[Window, ...]:
    """The lines that hold the spans (character offsets), in at most `limit` windows.

    Lines touched by spans are grouped into windows of consecutive lines; a line
    longer than `width` characters is shown as `width` of them, starting `lead`
    before its first evidence. Overlapping spans become one marked segment.
    """
    ordered = sorted(spans)
    marks = _marks(ordered)
    windows = []
    for first, last in _ranges(text, ordered)[:limit]:
        number = text.count("\n", 0, first) + 1
        lines = []
        pos = first
        while True:
            newline = text.find("\n", pos, last)
            end = last if newline == -1 else newline
            lines.append(_line(text, number, pos, end, marks, width, lead))
            if newline == -1:
                break
            pos, number = newline + 1, number + 1
        windows.append(Window(tuple(lines)))
    return tuple(windows)
