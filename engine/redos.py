"""Spot regexes prone to catastrophic backtracking before they reach a reader's browser.

Python's `re` backtracks, so a pattern such as `(\\w+\\s?)+$` can take exponential
time on a near-miss input. Two checks: a static look at the parsed pattern for
nested unbounded repeats, and a timed run against strings built to provoke it.
"""

from __future__ import annotations

import re
import time

try:  # Python 3.11+ (and Pyodide's 3.14) keep the parser here
    from re import _constants as _c, _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = ["backtracking_risk", "slow_inputs", "timed_risk"]

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}
_UNBOUNDED = _c.MAXREPEAT
# A bounded repeat this large behaves like an unbounded one for backtracking.
_LARGE = 50


def _is_wide(lo: int, hi: int) -> bool:
    return hi is _UNBOUNDED or hi == _UNBOUNDED or hi > _LARGE


def _items(subpattern):  # type: ignore[no-untyped-def]
    for op, av in subpattern:
        yield op, av


def _contains_wide_repeat(subpattern) -> bool:  # type: ignore[no-untyped-def]
    for op, av in _items(subpattern):
        if op in _REPEATS:
            lo, hi, body = av
            if _is_wide(lo, hi):
                return True
            if _contains_wide_repeat(body):
                return True
        elif op == _c.SUBPATTERN:
            if _contains_wide_repeat(av[-1]):
                return True
        elif op == _c.BRANCH:
            if any(_contains_wide_repeat(b) for b in av[1]):
                return True
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            if _contains_wide_repeat(av[1]):
                return True
    return False


def _find_nested(subpattern) -> str | None:  # type: ignore[no-untyped-def]
    for op, av in _items(subpattern):
        if op in _REPEATS:
            lo, hi, body = av
            if _is_wide(lo, hi) and _contains_wide_repeat(body):
                return "a repeated group contains another unbounded repeat (like (a+)+); make the inner part unambiguous or bounded"
            found = _find_nested(body)
            if found:
                return found
        elif op == _c.SUBPATTERN:
            found = _find_nested(av[-1])
            if found:
                return found
        elif op == _c.BRANCH:
            for branch in av[1]:
                found = _find_nested(branch)
                if found:
                    return found
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            found = _find_nested(av[1])
            if found:
                return found
    return None


def slow_inputs(pattern: str) -> list[str]:
    """Strings that tend to make a backtracking regex slow, built from its own characters."""
    letters = sorted({ch for ch in pattern if ch.isalnum()})[:6] or ["a"]
    seeds = ["a", " ", "0", "\t", "-", ".", ":"] + letters
    out = []
    for seed in seeds:
        out.append(seed * 3000 + "\x00!")
        out.append((seed + " ") * 1500 + "\x00!")
    return out


def timed_risk(regex: re.Pattern[str], budget_seconds: float = 0.25) -> str | None:
    """Run the regex on provocative strings; report if any run takes longer than the budget."""
    for text in slow_inputs(regex.pattern):
        start = time.perf_counter()
        regex.search(text)
        took = time.perf_counter() - start
        if took > budget_seconds:
            return f"took {took:.2f}s on a {len(text)}-character adversarial input"
    return None


def backtracking_risk(pattern: str) -> str | None:
    """A reason the pattern may backtrack catastrophically, or None if it looks safe."""
    try:
        parsed = _sre_parse.parse(pattern)
    except re.error:
        return None  # compile errors are reported elsewhere
    return _find_nested(parsed)
