"""What text a pattern cannot match without: the prefilter that keeps matching fast.

Running every regex of every rule over a long paste costs milliseconds each. But
most patterns contain a word that must appear for them to match at all
("ECONNRESET", "getaddrinfo"). `required()` finds such words (or, failing that, a
literal substring) from the parsed regex, and the Catalog in match.py (through
the one-pass index of prefilter.py) runs only the patterns whose key is present.
A pattern with no usable key always runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._sre import sre_constants as _c, sre_parse as _sre_parse

__all__ = ["KINDS", "Keys", "required", "text_words"]

_WORD = re.compile(r"\w+")
_MIN_NEEDLE = 3

# Kinds of key, cheapest and most selective first.
KINDS = ("word", "prefix", "suffix", "needle")


@dataclass(frozen=True)
class Keys:
    """A pattern can match a (lowercased) text only if one of these alternatives holds:

    ("word", w): w is a word of the text; ("prefix", p) / ("suffix", s): a word of
    the text starts with p / ends with s; ("needle", n): n occurs in the text.
    No alternatives means no key: always run the pattern.
    """

    alternatives: frozenset[tuple[str, str]] = frozenset()


def text_words(lowered: str) -> set[str]:
    """The set of words of a (lowercased) text."""
    return set(_WORD.findall(lowered))


def _is_word_char(code: int) -> bool:
    ch = chr(code)
    return ch.isalnum() or ch == "_"


# One requirement: any one of these alternatives must be present. Each
# alternative is ("word", w) or ("needle", s).
_Req = frozenset


def _run_requirements(codes: list[int], left_bounded: bool, right_bounded: bool) -> list[_Req]:
    """Requirements from a run of literal characters."""
    text = "".join(chr(c) for c in codes).lower()
    reqs: list[_Req] = []
    if len(text) >= _MIN_NEEDLE:
        reqs.append(_Req({("needle", text)}))
    # Split into words; a word is whole when both of its sides are bounded, and
    # the start (end) of a text word when only its left (right) side is.
    for m in _WORD.finditer(text):
        left = m.start() > 0 or left_bounded
        right = m.end() < len(text) or right_bounded
        word = m.group()
        if left and right and len(word) >= 2:
            reqs.append(_Req({("word", word)}))
        elif left and len(word) >= _MIN_NEEDLE:
            reqs.append(_Req({("prefix", word)}))
        elif right and len(word) >= _MIN_NEEDLE:
            reqs.append(_Req({("suffix", word)}))
    return reqs


def _bounds_left(items: list, i: int) -> bool:  # type: ignore[type-arg]
    """Whether the item before position i guarantees a word boundary (\\b or a non-word literal)."""
    if i == 0:
        return False
    op, av = items[i - 1]
    if op == _c.AT and av == _c.AT_BOUNDARY:
        return True
    if op == _c.AT and av in (_c.AT_BEGINNING, _c.AT_BEGINNING_STRING, _c.AT_BEGINNING_LINE):
        return True
    return op == _c.LITERAL and not _is_word_char(av)


def _bounds_right(items: list, i: int) -> bool:  # type: ignore[type-arg]
    if i >= len(items):
        return False
    op, av = items[i]
    if op == _c.AT and av in (_c.AT_BOUNDARY, _c.AT_END, _c.AT_END_STRING, _c.AT_END_LINE):
        return True
    return op == _c.LITERAL and not _is_word_char(av)


def _sequence(items: list, case_insensitive: bool) -> list[_Req]:  # type: ignore[type-arg]
    reqs: list[_Req] = []
    i = 0
    while i < len(items):
        op, av = items[i]
        if op == _c.LITERAL:
            j = i
            codes = []
            while j < len(items) and items[j][0] == _c.LITERAL:
                codes.append(items[j][1])
                j += 1
            reqs.extend(_run_requirements(codes, _bounds_left(items, i), _bounds_right(items, j)))
            i = j
            continue
        if op == _c.SUBPATTERN:
            reqs.extend(_sequence(list(av[-1]), case_insensitive))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            reqs.extend(_sequence(list(av[2]), case_insensitive))
        elif op == _c.BRANCH:
            alternatives = [_best(_sequence(list(branch), case_insensitive)) for branch in av[1]]
            if all(alternatives):
                reqs.append(_Req(set().union(*alternatives)))  # type: ignore[arg-type]
        i += 1
    return reqs


# Words nearly every error paste holds: as a key they wake a pattern for almost any paste, so
# another word the pattern needs ("104" in "(os error 104)") is the better key. Any key the
# pattern cannot match without is correct; this only picks a more selective one.
_COMMON = frozenset({"error", "errors", "failed", "failure", "connection", "exception", "request", "the", "to", "at",
                     "in", "of", "for", "on", "is", "not", "with", "by", "from", "an", "a"})


def _best(reqs: list[_Req]) -> _Req | None:
    """The cheapest, most selective requirement: words before needles, fewer alternatives, longer."""
    if not reqs:
        return None

    def cost(req: _Req) -> tuple[int, int, int, int]:
        worst = max(KINDS.index(kind) for kind, _ in req)
        common = all(kind == "word" and value in _COMMON for kind, value in req)
        return (worst, len(req), common, -min(len(v) for _, v in req))

    return min(reqs, key=lambda r: (cost(r), sorted(r)))


def required(pattern: re.Pattern[str]) -> Keys:
    """The keys of a compiled pattern (empty Keys when none can be derived)."""
    try:
        parsed = _sre_parse.parse(pattern.pattern, pattern.flags & ~re.UNICODE)
    except Exception:  # noqa: BLE001 - an unusual pattern simply gets no prefilter
        return Keys()
    case_insensitive = bool(pattern.flags & re.IGNORECASE)
    best = _best(_sequence(list(parsed), case_insensitive))
    return Keys(frozenset(best)) if best else Keys()
