"""Spot regexes prone to catastrophic backtracking before they reach a reader's browser.

Python's `re` backtracks, so a pattern such as `(\\w+\\s?)+$` can take exponential
time on a near-miss input. Two checks: a static look at the parsed pattern
(nested repeats, repeated alternations whose branches overlap, large bounded
repeats of unbounded ones, runs of overlapping repeats, conditional groups and
backreferences), and timed runs, in a child process with a hard timeout, against
strings built from the pattern's own structure.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

try:  # Python 3.11+ (and Pyodide's 3.14) keep the parser here
    from re import _compiler as _sre_compile, _constants as _c, _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_compile as _sre_compile  # type: ignore[no-redef]
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = ["attack_inputs", "backtracking_risk", "slow_inputs", "timed_risk", "timed_risks"]

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}
_UNBOUNDED = _c.MAXREPEAT
# A bounded repeat this large behaves like an unbounded one for backtracking.
_LARGE = 50
# A group holding an unbounded repeat, repeated this many times, costs text length
# to this power: (.*a){3} is already cubic.
_DEGREE = 3
# This many adjacent unbounded repeats over overlapping characters (.*.*.*x) cost
# text length to this power on a failing search.
_ADJACENT = 3
# Characters the set computations look at: ASCII and a few of each Unicode kind.
_ALPHABET = [chr(i) for i in range(128)] + ["\u00a0", "\u00e9", "\u0394", "\u2028", "\u3042", "\u0661", "\uff10"]
_SINGLE = {_c.LITERAL, _c.NOT_LITERAL, _c.ANY, _c.IN, _c.CATEGORY}

MESSAGES = {
    "nested": "a repeated group contains another unbounded repeat (like (a+)+); make the inner part unambiguous or bounded",
    "overlap": "a repeated alternation whose branches can match the same text (like (a|a)* or (\\w|\\d)+); make the branches exclusive or merge them into one character class",
    "chars": "a repeated group of one-character alternatives (like (.|\\n)*); write one character class instead, such as [\\s\\S]*",
    "degree": "a group repeated {n} times contains an unbounded repeat (like (.*a){{12}}), so a failing search costs text length to the power {n}; bound the inner repeat or use a character class that cannot match the separator",
    "adjacent": "{n} adjacent unbounded repeats can match the same characters (like .*.*.*x), so a failing search costs text length to the power {n}; merge them or make each exclude what the next one matches",
    "backref": "a repeated backreference to a group with an unbounded repeat can match what follows it (like (a+)(?:\\1)+); bound the group or drop the repeat",
    "deep": "the pattern is nested too deeply to check; simplify it",
}


def _is_wide(lo: int, hi: int) -> bool:
    return hi is _UNBOUNDED or hi == _UNBOUNDED or hi > _LARGE


class _Risk(Exception):
    """Raised inside the walk with the first reason found."""


class _Analysis:
    """One walk over a parsed pattern; every node's facts computed once (linear in size)."""

    def __init__(self, parsed) -> None:  # type: ignore[no-untyped-def]
        self.state = parsed.state
        self.groups: dict[int, object] = {}
        self._wide: dict[int, bool] = {}
        self._first: dict[tuple[int, int], tuple[frozenset[str], bool]] = {}
        self._class: dict[tuple[str, int], frozenset[str]] = {}
        self._keep: list[object] = []  # ids stay unique while the memo tables hold them
        self._index_groups(parsed)

    def _index_groups(self, seq) -> None:  # type: ignore[no-untyped-def]
        stack = [seq]
        while stack:
            for op, av in stack.pop():
                for child in _children(op, av):
                    stack.append(child)
                if op == _c.SUBPATTERN and av[0] is not None:
                    self.groups[av[0]] = av[-1]

    def chars(self, item, flags: int) -> frozenset[str]:  # type: ignore[no-untyped-def]
        """The alphabet characters a one-character item accepts (compiled, so flags count exactly)."""
        key = (repr(item), flags)
        if key not in self._class:
            sub = _sre_parse.SubPattern(self.state, [item])
            regex = _sre_compile.compile(sub, flags)
            self._class[key] = frozenset(ch for ch in _ALPHABET if regex.fullmatch(ch))
        return self._class[key]

    def first(self, seq, flags: int) -> tuple[frozenset[str], bool]:  # type: ignore[no-untyped-def]
        """Characters a match of the sequence can start with, and whether it can match empty."""
        key = (id(seq), flags)
        if key in self._first:
            return self._first[key]
        self._keep.append(seq)
        out: set[str] = set()
        nullable = True
        for op, av in seq:
            got, empty = self.first_item(op, av, flags)
            out |= got
            if not empty:
                nullable = False
                break
        self._first[key] = (frozenset(out), nullable)
        return self._first[key]

    def first_item(self, op, av, flags: int) -> tuple[frozenset[str], bool]:  # type: ignore[no-untyped-def]
        if op in _SINGLE:
            return self.chars((op, av), flags), False
        if op == _c.SUBPATTERN:
            return self.first(av[-1], (flags | av[1]) & ~av[2])
        if op == _c.ATOMIC_GROUP:
            return self.first(av, flags)
        if op in _REPEATS or op == _c.POSSESSIVE_REPEAT:
            got, empty = self.first(av[2], flags)
            return got, empty or av[0] == 0
        if op == _c.BRANCH:
            parts = [self.first(b, flags) for b in av[1]]
            return frozenset().union(*(p[0] for p in parts)), any(p[1] for p in parts)
        if op == _c.GROUPREF_EXISTS:
            yes = self.first(av[1], flags)
            no = self.first(av[2], flags) if av[2] is not None else (frozenset(), True)
            return yes[0] | no[0], yes[1] or no[1]
        if op == _c.GROUPREF:
            body = self.groups.get(av)
            got = self.first(body, flags)[0] if body is not None else frozenset(_ALPHABET)
            return got, True
        return frozenset(), True  # anchors and lookarounds consume nothing

    def wide(self, seq) -> bool:  # type: ignore[no-untyped-def]
        """Whether the sequence holds an unbounded repeat (or a backreference to one)."""
        key = id(seq)
        if key not in self._wide:
            self._keep.append(seq)
            self._wide[key] = False  # a group referring to itself ends here
            found = False
            for op, av in seq:
                if op in _REPEATS and _is_wide(av[0], av[1]):
                    found = True
                elif op == _c.GROUPREF:
                    body = self.groups.get(av)
                    found = body is not None and self.wide(body)
                else:
                    found = any(self.wide(child) for child in _children(op, av))
                if found:
                    break
            self._wide[key] = found
        return self._wide[key]


def _children(op, av) -> list:  # type: ignore[no-untyped-def]
    """The sub-sequences of one parse-tree item."""
    if op in _REPEATS or op == _c.POSSESSIVE_REPEAT:
        return [av[2]]
    if op == _c.SUBPATTERN:
        return [av[-1]]
    if op == _c.BRANCH:
        return list(av[1])
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        return [av[1]]
    if op == _c.ATOMIC_GROUP:
        return [av]
    if op == _c.GROUPREF_EXISTS:
        return [av[1]] + ([av[2]] if av[2] is not None else [])
    return []


def _flat(seq, flags: int):  # type: ignore[no-untyped-def]
    """The items of a sequence with plain groups opened up, each with the flags in force."""
    stack = [(iter(seq), flags)]
    while stack:
        items, fl = stack[-1]
        item = next(items, None)
        if item is None:
            stack.pop()
            continue
        op, av = item
        if op == _c.SUBPATTERN:
            stack.append((iter(av[-1]), (fl | av[1]) & ~av[2]))
        else:
            yield op, av, fl


def _overlapping_branch(an: _Analysis, body, flags: int) -> str | None:  # type: ignore[no-untyped-def]
    for op, av, fl in _flat(body, flags):
        if op != _c.BRANCH:
            continue
        seen: set[str] = set()
        empties = 0
        again = an.first(body, flags)[0]  # after an empty branch, the next round starts
        for branch in av[1]:
            got, empty = an.first(branch, fl)
            if empty:
                empties += 1
                got = got | again
            if empties > 1 or seen & got:
                return "overlap"
            seen |= got
        if all(len(b) == 1 and b[0][0] in _SINGLE for b in av[1]):
            return "chars"
    return None


def _adjacent(an: _Analysis, seq, flags: int) -> int:  # type: ignore[no-untyped-def]
    """The longest run of adjacent unbounded repeats whose characters overlap their neighbour's."""
    best = run = 0
    last: frozenset[str] = frozenset()
    for op, av, fl in _flat(seq, flags):
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # zero-width: the repeats either side still meet
        if op in _REPEATS and _is_wide(av[0], av[1]):
            got = an.first(av[2], fl)[0]
            run = run + 1 if run and (got & last) else 1
            last = got
            best = max(best, run)
        else:
            run = 0
    return best


def _ambiguous(an: _Analysis, body, flags: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether a repeated body holds an unbounded repeat that can also match what comes after it.

    `(?:[^\\n]*\\n)+` splits text one way only, so it is safe; `(\\w+\\s?)+` does not.
    Unbounded repeats deeper inside (in a branch, a lookaround) count as ambiguous.
    """
    items = list(_flat(body, flags))
    again = an.first(body, flags)[0]
    for i, (op, av, fl) in enumerate(items):
        ref = op == _c.GROUPREF and an.wide([(op, av)])
        if ref or (op in _REPEATS and _is_wide(av[0], av[1])):
            inner = an.groups[av] if ref else av[2]
            if not ref and an.wide(inner):
                return True
            follow: set[str] = set()
            for op2, av2, fl2 in items[i + 1 :]:
                got, empty = an.first_item(op2, av2, fl2)
                follow |= got
                if not empty:
                    break
            else:
                follow |= again
            if an.first(inner, fl)[0] & follow:
                return True
        elif any(an.wide(child) for child in _children(op, av)):
            return True
    return False


def _walk(an: _Analysis, seq, flags: int, inlined: bool) -> None:  # type: ignore[no-untyped-def]
    if not inlined:
        n = _adjacent(an, seq, flags)
        if n >= _ADJACENT:
            raise _Risk(MESSAGES["adjacent"].format(n=n))
    for op, av in seq:
        if op in _REPEATS:
            lo, hi, body = av
            if _is_wide(lo, hi):
                if _ambiguous(an, body, flags):
                    refs = any(o == _c.GROUPREF for o, _, _ in _flat(body, flags))
                    raise _Risk(MESSAGES["backref" if refs else "nested"])
                kind = _overlapping_branch(an, body, flags)
                if kind:
                    raise _Risk(MESSAGES[kind])
            elif hi >= _DEGREE and _ambiguous(an, body, flags):
                raise _Risk(MESSAGES["degree"].format(n=hi))
        if op == _c.SUBPATTERN:
            _walk(an, av[-1], (flags | av[1]) & ~av[2], True)
        else:
            for child in _children(op, av):
                _walk(an, child, flags, False)


def backtracking_risk(pattern: str) -> str | None:
    """A reason the pattern may backtrack catastrophically, or None if it looks safe."""
    try:
        parsed = _sre_parse.parse(pattern)
    except re.error:
        return None  # compile errors are reported elsewhere
    except RecursionError:
        return MESSAGES["deep"]
    try:
        _walk(_Analysis(parsed), parsed, parsed.state.flags, False)
    except _Risk as risk:
        return str(risk)
    except RecursionError:
        return MESSAGES["deep"]
    return None


_PREFERRED = "a0 \n\t-.:,;/_A!"


def _sample(an: _Analysis, seq, flags: int, prefer: str) -> str:  # type: ignore[no-untyped-def]
    """A short string the sequence (roughly) matches, using `prefer` where a class allows it."""
    out = []
    for op, av, fl in _flat(seq, flags):
        if op in _SINGLE:
            accepted = an.chars((op, av), fl)
            out.append(next((ch for ch in prefer + _PREFERRED if ch in accepted), min(accepted, default="")))
        elif op in _REPEATS or op == _c.POSSESSIVE_REPEAT:
            if av[0]:
                out.append(_sample(an, av[2], fl, prefer) * min(av[0], 50))
        elif op == _c.BRANCH:
            out.append(_sample(an, av[1][0], fl, prefer))
        elif op == _c.ATOMIC_GROUP:
            out.append(_sample(an, av, fl, prefer))
        elif op == _c.GROUPREF_EXISTS:
            out.append(_sample(an, av[1], fl, prefer))
    return "".join(out)


def _attacks(an: _Analysis, seq, flags: int, prefix: str, literals: str, found: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    """(prefix, pump) pairs: text that reaches each repeat, and text each round of it accepts."""
    for op, av, fl in _flat(seq, flags):
        if len(found) >= 24:
            return
        if op in _REPEATS and av[1] > 1:
            body = av[2]
            starts, _ = an.first(body, fl)
            for _, bav, bfl in ((o, a, f) for o, a, f in _flat(body, fl) if o == _c.BRANCH):
                # a character two branches both accept is what makes an alternation ambiguous
                sets = [an.first(b, bfl)[0] for b in bav[1]]
                shared = set().union(*(a & b for i, a in enumerate(sets) for b in sets[i + 1 :]))
                starts = frozenset(shared) or starts
                break
            picks = [ch for ch in literals + _PREFERRED if ch in starts][:3] or sorted(starts)[:2]
            if "\n" in starts:
                picks.append("\n")  # line-oriented inputs never try it, so the pump must
            for ch in dict.fromkeys(picks):
                pump = _sample(an, body, fl, ch) or ch
                found.append((prefix, pump))
        for child in _children(op, av):
            _attacks(an, child, fl, prefix, literals, found)
        prefix += _sample(an, [(op, av)], fl, literals[:1])


def attack_inputs(pattern: str, size: int = 1000) -> list[str]:
    """Strings built from the pattern's structure (prefix, pumped repeat, failing end), then generic seeds."""
    literals = "".join(dict.fromkeys(ch for ch in pattern if not ch.isalnum() and ch not in "\\()[]{}?*+|^$" and ch.isprintable()))
    out: list[str] = []
    try:
        parsed = _sre_parse.parse(pattern)
        found: list[tuple[str, str]] = []
        _attacks(_Analysis(parsed), parsed, parsed.state.flags, "", literals, found)
    except (re.error, RecursionError):
        found = []
    # the end must be a character the pattern does not ask for, or the search succeeds
    asked = set(re.findall(r"\\x([0-9a-fA-F]{2})", pattern))
    end = next(ch for ch in "\x00\x01\x02" if f"{ord(ch):02x}" not in asked and ch not in pattern)
    for prefix, pump in found:
        body = (pump * (size // len(pump) + 1))[: max(size - len(prefix), len(pump))]
        for suffix in (end, "\n" + end):
            out.append(prefix + body + suffix)
    return list(dict.fromkeys(out + slow_inputs(pattern, size)))


def _seeds(pattern: str) -> list[str]:
    letters = sorted({ch for ch in pattern if ch.isalnum()})[:6] or ["a"]
    return ["a", " ", "0", "\t", "-", ".", ":", "a ", ": ", "a\n", "\n"] + letters


def slow_inputs(pattern: str, size: int = 3000) -> list[str]:
    """Strings that tend to make a backtracking regex slow, built from its own characters."""
    return [(seed * size)[:size] + "\x00!" for seed in _seeds(pattern)]


def _time(regex: re.Pattern[str], text: str) -> float:
    start = time.perf_counter()
    regex.search(text)
    return time.perf_counter() - start


# One search over a 1000-character input taking this long is not linear work.
_SLOW = 0.25


def timed_risk(regex: re.Pattern[str], size: int = 1000) -> str | None:
    """Run the regex on attack strings; report a slow search, or time that grows far faster than the text.

    A linear (or mildly quadratic) pattern takes milliseconds here. Ratios are
    compared as well as times, so a busy machine does not fail the check.
    """
    for large in attack_inputs(regex.pattern, size):
        t_large = _time(regex, large)
        if t_large > _SLOW:
            return f"took {t_large:.2f}s on a {len(large)}-character input built from its structure"
        if t_large < 0.02:
            continue
        small = large[: len(large) // 4 - 2] + large[-2:]
        t_small = max(_time(regex, small), 1e-6)
        t_large = min(t_large, _time(regex, large))  # the better of two runs, against noise
        if t_large > 0.02 and t_large / t_small > 30:
            return f"its time grows {t_large / t_small:.0f}x when an adversarial input grows 4x ({t_large:.2f}s)"
    return None


# The timed runs happen in a child process: a truly catastrophic pattern never
# returns, and a regex search cannot be interrupted from Python. The child reports
# each pattern before it starts, so the one that hangs is known and killed.
_CHILD = """
import json, re, sys
sys.path.insert(0, sys.argv[1])
from engine.redos import timed_risk
for i, source in enumerate(json.loads(sys.stdin.readline())):
    print(json.dumps(["start", i]), flush=True)
    try:
        reason = timed_risk(re.compile(source, re.MULTILINE))
    except (re.error, RecursionError, OverflowError, MemoryError):
        reason = None
    print(json.dumps(["done", i, reason]), flush=True)
"""


def _pump(stream, lines: queue.Queue[str | None]) -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        lines.put(line)
    lines.put(None)


def _run_child(sources: list[str], seconds_per_pattern: float, deadline: float) -> tuple[dict[int, str], int | None, int]:
    """Run one child over the sources: its reasons, the index it hung on (if any), and how many it finished."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(Path(__file__).resolve().parent.parent)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(sources) + "\n")
    proc.stdin.close()
    risks: dict[int, str] = {}
    current, done = None, 0
    try:
        while True:
            wait = min(seconds_per_pattern, deadline - time.monotonic())
            try:
                line = lines.get(timeout=max(wait, 0.0))
            except queue.Empty:
                return risks, current, done
            if line is None:
                return risks, None, done
            event = json.loads(line)
            if event[0] == "start":
                current = event[1]
            else:
                done, current = event[1] + 1, None
                if event[2]:
                    risks[event[1]] = event[2]
    finally:
        proc.kill()
        proc.wait()


NOT_CHECKED = "not checked in time: the timed backtracking checks ran out of their {s:.0f}s budget before this pattern; simplify the catalog's slow patterns first"


def timed_risks(sources: list[str], seconds_per_pattern: float = 2.0, deadline: float = 60.0) -> dict[int, str]:
    """Timed backtracking check of many patterns at once: {index: reason} for the risky ones.

    Each pattern gets `seconds_per_pattern` before its child is killed; all of them
    together get `deadline` seconds, and those not reached by then are reported as
    not checked. Where no child process can be started (the browser), returns {}
    and the static check in backtracking_risk() stands alone.
    """
    if sys.platform == "emscripten" or not sources:
        return {}
    end = time.monotonic() + deadline
    risks: dict[int, str] = {}
    start = 0
    while start < len(sources):
        if time.monotonic() >= end:
            risks.update({i: NOT_CHECKED.format(s=deadline) for i in range(start, len(sources))})
            break
        found, hung, done = _run_child(sources[start:], seconds_per_pattern, end)
        risks.update({start + i: reason for i, reason in found.items()})
        if hung is not None and time.monotonic() < end:
            risks[start + hung] = f"an adversarial input kept it busy for over {seconds_per_pattern:g}s"
            start += hung + 1
        elif hung is None and start + done >= len(sources):
            break
        else:
            start += done  # out of time (or the child died): the rest is reported next round
            if time.monotonic() < end and hung is None:
                risks[start] = "the timed check's child process stopped on this pattern"
                start += 1
    return risks
