"""Clean a paste for matching while remembering where every character came from.

A `View` is the cleaned text plus, for each of its characters, the span of the
original paste it stands for. Evidence found in a view maps back with `span()`.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["MAX_CHARS", "View", "error_line", "normalize", "reshaped", "views"]

# Pastes longer than this are read in windows: the head, the tail, and the lines
# in between that carry error signals. The rest is skipped, and the caller is told.
MAX_CHARS = 256_000
_HEAD = 64_000
_TAIL = 64_000
# Each window reaches this far either side of a signal, and the search for signals
# starts this far inside the head and tail, so a window touching the head or tail
# merges with it instead of leaving a cut. A rule's match lies on one line or a few
# stack lines around its error code; 4 KB covers a long log line, so no match that
# carries a signal word can straddle a cut. Windows are merged, never duplicated,
# so each original character is read once and evidence maps back through `starts`.
_OVERLAP = 4_096

# Words that mark a line worth reading in a long paste, searched in an ASCII-lowered
# copy (a case-insensitive alternation tries every branch at every position: 4x slower
# on a 7 MB log), and codes or statuses, searched as written.
_SIGNAL_WORDS = re.compile(
    r"error|exception|errno|fail|refused|reset|timed? ?out|certificate|ssl|tls|curl|"
    r"status|denied|proxy|socket|overloaded|rate.?limit"
)
_SIGNAL_CODES = re.compile(r"\bE[A-Z]{4,}\b|\b[45]\d\d\b")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _signals(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of each error signal in text[start:end], in order of start."""
    end = len(text) if end is None else end
    lowered = text.translate(_ASCII_LOWER)  # same length: offsets carry over
    words = (m.span() for m in _SIGNAL_WORDS.finditer(lowered, start, end))
    codes = (m.span() for m in _SIGNAL_CODES.finditer(text, start, end))
    return heapq.merge(words, codes)


@dataclass(frozen=True)
class View:
    """Cleaned text; starts[i]/ends[i] bound the original characters behind text[i]."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    partial: bool = False

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of this view back to the original paste."""
        if end <= start:
            at = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return at, at
        return self.starts[start], self.ends[end - 1]


class _Buffer:
    """Text under construction with per-character origins."""

    def __init__(self, text: str, starts: list[int], ends: list[int]) -> None:
        self.text, self.starts, self.ends = text, starts, ends

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], str]) -> None:
        """Replace each match; replacement characters stand for the whole match."""
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        last = 0
        for m in pattern.finditer(self.text):
            a, b = m.span()
            parts.append(self.text[last:a])
            starts.extend(self.starts[last:a])
            ends.extend(self.ends[last:a])
            new = repl(m)
            if new:
                origin_start = self.starts[a] if a < len(self.starts) else 0
                origin_end = self.ends[b - 1] if b > a else origin_start
                parts.append(new)
                starts.extend([origin_start] * len(new))
                ends.extend([origin_end] * len(new))
            last = b
        if last == 0 and not parts:
            return
        parts.append(self.text[last:])
        starts.extend(self.starts[last:])
        ends.extend(self.ends[last:])
        self.text, self.starts, self.ends = "".join(parts), starts, ends

    def view(self, partial: bool) -> View:
        return View(self.text, tuple(self.starts), tuple(self.ends), partial)


# --- the cleaning steps, in order ---------------------------------------------

_CRLF = re.compile(r"\r\n?")
_JSON_HINT = re.compile(r'\\n\s*at |\\n\s*(?:Traceback|Caused by|File \\")|"(?:stack|message|error)"\s*:\s*"[^"\n]*\\n')
_JSON_ESCAPE = re.compile(r'\\(?:u([0-9a-fA-F]{4})|([nrt"\\/]))')
_JSON_SIMPLE = {"n": "\n", "r": "\n", "t": "\t", '"': '"', "\\": "\\", "/": "/"}
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot|apos|nbsp)|#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_ENTITY_NAMES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'", "nbsp": " "}
# Box-drawing borders and the gutter glyphs CLIs such as Claude Code print.
_BOX = re.compile(r"[\u2500-\u259f\u23bf\u23fa\u2022\u25cf\u25cb\u276f]")
# Controls, NUL, bidi and zero-width marks: never part of an error message.
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]")
_NBSP = re.compile(r"[\u00a0\u2007\u202f]")


def _json_unescape(m: re.Match[str]) -> str:
    if m.group(1):
        return chr(int(m.group(1), 16))
    return _JSON_SIMPLE[m.group(2)]


def _entity(m: re.Match[str]) -> str:
    if m.group(1):
        return _ENTITY_NAMES[m.group(1)]
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    return chr(code) if 0 < code < 0x110000 and not 0xD800 <= code < 0xE000 else "\ufffd"


def _windows(text: str) -> list[tuple[int, int]]:
    """Original ranges to read from a paste that is too long to read whole."""
    n = len(text)
    if n <= MAX_CHARS:
        return [(0, n)]
    middle_end = n - _TAIL
    ranges = [(0, _HEAD)]
    budget = MAX_CHARS - _HEAD - _TAIL
    for m_start, m_end in _signals(text, _HEAD - _OVERLAP, middle_end + _OVERLAP):
        a = max(ranges[-1][1], m_start - _OVERLAP)
        b = min(middle_end, m_end + _OVERLAP, a + budget)
        if b <= a:
            continue
        if a == ranges[-1][1]:
            ranges[-1] = (ranges[-1][0], b)
        else:
            ranges.append((a, b))
        budget -= b - a
        if budget <= 0:
            break
    if ranges[-1][1] == middle_end:
        ranges[-1] = (ranges[-1][0], n)
    else:
        ranges.append((middle_end, n))
    return ranges


def _select(text: str) -> tuple[_Buffer, bool]:
    ranges = _windows(text)
    if len(ranges) == 1:
        n = len(text)
        return _Buffer(text, list(range(n)), list(range(1, n + 1))), False
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for a, b in ranges:
        if parts:  # a line break between windows keeps them from running together
            parts.append("\n")
            starts.append(a)
            ends.append(a)
        parts.append(text[a:b])
        starts.extend(range(a, b))
        ends.extend(range(a + 1, b + 1))
    return _Buffer("".join(parts), starts, ends), True


def normalize(text: str) -> View:
    """Return the cleaned view of a paste (ANSI, CRLF, JSON escapes, entities, borders)."""
    buf, partial = _select(text)
    buf.sub(_CRLF, lambda m: "\n")
    if _JSON_HINT.search(buf.text):
        buf.sub(_JSON_ESCAPE, _json_unescape)
    buf.sub(_ANSI, lambda m: "")
    if "&" in buf.text:
        buf.sub(_ENTITY, _entity)
    buf.sub(_BOX, lambda m: "")
    buf.sub(_INVISIBLE, lambda m: "")
    buf.sub(_NBSP, lambda m: " ")
    return buf.view(partial)


# --- terminal hard wraps -------------------------------------------------------

_COMMON_WIDTHS = frozenset({80, 100, 120, 132, 140, 160, 200})


def _unwrapped(view: View) -> View | None:
    """The hard-wrapped stretches of a view with their breaks removed, or None when there are none.

    A terminal cuts long lines at its width, often mid-word ("ECONNRE" / "SET").
    Lines exactly as long as the widest line are taken as cut when that width is
    a common terminal width or several lines share it. Only the joined stretches
    are kept (each on its own line): the rest of the paste is in the base view.
    """
    lines = view.text.split("\n")
    if len(lines) < 2:
        return None
    widths = [len(line) for line in lines[:-1]]
    width = max(widths)
    if width < 60 or (width not in _COMMON_WIDTHS and widths.count(width) < 2):
        return None
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    text_parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i = 0
    while i < len(lines) - 1:
        if widths[i] != width:
            i += 1
            continue
        j = i
        while j < len(lines) - 1 and widths[j] == width:
            j += 1  # lines i..j-1 were cut; line j ends the stretch
        if text_parts:
            text_parts.append("\n")
            starts.append(view.starts[offsets[i]])
            ends.append(view.starts[offsets[i]])
        for k in range(i, j + 1):
            a, b = offsets[k], offsets[k] + len(lines[k])
            text_parts.append(lines[k])
            starts.extend(view.starts[a:b])
            ends.extend(view.ends[a:b])
        i = j + 1
    if not text_parts:
        return None
    return View("".join(text_parts), tuple(starts), tuple(ends), view.partial)


# --- paste shapes ----------------------------------------------------------------
# How people paste errors: inside Markdown fences and quotes, behind log prefixes,
# JSON-escaped, as Erlang terms, wrapped with an indent. The reshaped view undoes each
# shape with one anchored, bounded pattern (so it stays linear); the base view keeps
# the paste as written, so rules that expect a prefix (`^npm ERR! code`) still see it.

# A Markdown fence line: ``` or ~~~, optionally with an info string (```text, ```console).
_FENCE = re.compile(r"^[ \t]{0,3}(?:`{3,}|~{3,})[ \t]*[\w+#.-]{0,30}[ \t]*$", re.M)
# E-mail and Markdown quote markers, nested ("> > ") included.
_QUOTE = re.compile(r"^[ \t]{0,3}>(?:[ \t]?>)*[ \t]?", re.M)
# One log-prefix token: a timestamp, a level, a bracketed or pipe-ended tag, npm's
# debug-log "906 verbose stack", "npm ERR!", a syslog "host proc[123]:", k8s/docker names.
_STAMP = (
    r"\[?\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d)?(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d| ?UTC)?)?\]?"
    r"|\[?\d\d:\d\d:\d\d(?:[.,]\d{1,9})?\]?"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d"
    r"|\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d{1,9})?"
)
_LEVEL = r"(?:ERROR|ERR|WARN(?:ING)?|INFO|DEBUG|TRACE|FATAL|CRITICAL|NOTICE|error|warn(?:ing)?|info|debug|verbose|silly|http|timing)"
_PREFIX_TOKEN = (
    r"(?:" + _STAMP + r")"
    r"|\d{1,7} " + _LEVEL + r"(?: stack)?(?= )"  # npm debug log: "906 verbose stack", "12 error"
    r"|npm (?:ERR!|error|WARN|warn|notice|verbose|info)(?= )"
    r"|\[[^\]\n]{1,60}\]"  # [info] [server] [pod/web-1/app]
    # A bare level only in capitals or with its colon: "error code: 1006" is a message, not a prefix.
    r"|\(" + _LEVEL + r"\):?|(?:ERROR|WARN(?:ING)?|INFO|DEBUG|TRACE|FATAL|CRITICAL|NOTICE):?(?= )|" + _LEVEL + r":(?= )"
    r"|level=" + _LEVEL + r"|(?:ts|time)=\S{1,40}"
    r"|(?<=[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d )[\w.-]{1,63} [\w.-]{1,63}(?:\[\d{1,7}\])?:"  # syslog "host sshd[123]:"
    r"|[\w.-]{1,63}[ \t]{1,40}\|"  # docker compose "web-1  |"
)
_LOG_PREFIX = re.compile(r"^(?:(?:" + _PREFIX_TOKEN + r")[ \t]{1,8}){1,8}", re.M)
# Erlang and Elixir terms: {error,econnrefused}, {:error, %Mint.TransportError{reason: :nxdomain}},
# {failed_connect,[...,{inet,[inet],econnrefused}]}, "Erlang error: :econnrefused". Elixir atoms
# lose their colon so both read alike ({:tls_alert, {:unknown_ca, ...}} -> {tls_alert, {unknown_ca, ...}}),
# and an errno atom in a term (e + lowercase, the POSIX naming) is upper-cased to the name rules know.
_ERL_HINT = re.compile(r"\{:?[a-z_]{2,40}, ?|(?<![\w:]):e[a-z]{3}|\breason: :?e[a-z]{3}")
_ELIXIR_COLON = re.compile(r"(?<=[{\[, ]):(?=[a-z_][a-z0-9_]{0,63}\b)(?!//)")
_ERL_ATOM = re.compile(
    r"(?:(?<=[{\[,])|(?<=[{\[,] )|(?<=: ))(?!error\b)e[a-z]{3,15}(?=[}\],\s]|$)", re.M
)
# Go's encoding/json escapes <, > and & as \u003c, \u003e, \u0026 in any string.
_JSON_U = re.compile(r"\\u([0-9a-fA-F]{4})")
# A word cut by a hard wrap whose continuation is indented: "ECONNRE\n     SET".
# Stack frames and Python "File" lines are real line starts, never continuations.
_INDENT_WRAP = re.compile(r"\n(?<=[^\n]{40}[A-Za-z0-9_]\n)[ \t]{2,40}(?=[A-Za-z0-9_])(?!at |File |from |Caused by)")


def reshaped(view: View) -> View | None:
    """The view with fences, quotes, log prefixes, stray JSON escapes, Erlang atoms and indented wraps undone."""
    buf = _Buffer(view.text, list(view.starts), list(view.ends))
    before = buf.text
    if "`" in buf.text or "~" in buf.text:
        buf.sub(_FENCE, lambda m: "")
    if ">" in buf.text:
        buf.sub(_QUOTE, lambda m: "")
    buf.sub(_LOG_PREFIX, lambda m: "")
    if "\\u" in buf.text:
        buf.sub(_JSON_U, lambda m: chr(int(m.group(1), 16)))
    if _ERL_HINT.search(buf.text):
        buf.sub(_ELIXIR_COLON, lambda m: "")
        buf.sub(_ERL_ATOM, lambda m: m.group().upper())
    buf.sub(_INDENT_WRAP, lambda m: "")
    if buf.text == before:
        return None
    return buf.view(view.partial)


def views(text: str) -> list[View]:
    """Every view worth matching: the cleaned paste, its unwrapped form, its reshaped form (when they differ)."""
    base = normalize(text)
    extras = (_unwrapped(base), reshaped(base))
    return [base, *(v for v in extras if v is not None)]


def error_line(text: str) -> str:
    """The first line that carries an error signal (else the first line), stripped: a paste's title."""
    lines = text.split("\n")
    return next((line for line in lines if next(_signals(line), None)), lines[0]).strip()
