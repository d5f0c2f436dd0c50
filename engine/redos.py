"""Spot regexes prone to catastrophic backtracking before they reach a reader's browser: the static check.

Python's `re` backtracks, so a pattern such as `(\\w+\\s?)+$` can take exponential
time on a near-miss input. This module looks at the parsed pattern: nested
repeats, repeated alternations whose branches overlap, large bounded repeats of
unbounded ones, runs of overlapping repeats, conditional groups and
backreferences. It runs everywhere, the browser included; redos_timed.py adds
timed runs where a child process can be started.
"""

from __future__ import annotations

import re

from ._sre import sre_compile as _sre_compile, sre_constants as _c, sre_parse as _sre_parse

__all__ = ["backtracking_risk"]

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


def _is_wide(hi: int) -> bool:
    """Whether a repeat's upper bound makes it backtrack like an unbounded one."""
    return hi == _UNBOUNDED or hi > _LARGE


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
                if op in _REPEATS and _is_wide(av[1]):
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
        if op in _REPEATS and _is_wide(av[1]):
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
        if ref or (op in _REPEATS and _is_wide(av[1])):
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
            _, hi, body = av
            if _is_wide(hi):
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
    except (re.error, OverflowError):
        return None  # compile errors (a repeat bound past re's limit among them) are reported elsewhere
    except RecursionError:
        return MESSAGES["deep"]
    try:
        _walk(_Analysis(parsed), parsed, parsed.state.flags, False)
    except _Risk as risk:
        return str(risk)
    except RecursionError:
        return MESSAGES["deep"]
    return None
