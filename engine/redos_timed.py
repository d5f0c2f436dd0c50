"""Timed backtracking check: run each regex on adversarial inputs in a child process with a hard timeout.

The static check (redos.py) reads a pattern's structure; this one measures it.
The inputs are built from the pattern's own parse tree (a prefix that reaches
each repeat, a pumped body, an end that makes the search fail), then generic
seeds. A regex search cannot be interrupted from Python, so the runs happen in
a child process that is killed when a pattern hangs. The browser cannot start
one, so there the static check stands alone.
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from ._sre import sre_constants as _c, sre_parse as _sre_parse
from .redos import _REPEATS, _SINGLE, _Analysis, _children, _flat

__all__ = ["NOT_CHECKED", "attack_inputs", "slow_inputs", "timed_risk", "timed_risks"]

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
import importlib, json, re, sys
sys.path.insert(0, sys.argv[1])
timed_risk = importlib.import_module(sys.argv[2] + ".redos_timed").timed_risk
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
        # The package by its import name: engine/ in the repository, errata_engine when installed.
        [sys.executable, "-c", _CHILD, str(Path(__file__).resolve().parent.parent), __package__ or "engine"],
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
    # Patterns this process already timed clean with this budget are not run again (a
    # rebuild under `build.py serve` checks the whole catalog after a one-rule edit).
    unknown = [i for i, source in enumerate(sources) if (source, seconds_per_pattern) not in _CLEAN]
    found = _timed([sources[i] for i in unknown], seconds_per_pattern, deadline) if unknown else {}
    if len(_CLEAN) > _CLEAN_MAX:
        _CLEAN.clear()
    _CLEAN.update(((sources[i], seconds_per_pattern), True) for n, i in enumerate(unknown) if n not in found)
    return {unknown[n]: reason for n, reason in found.items()}


_CLEAN: dict[tuple[str, float], bool] = {}  # (pattern, seconds per pattern) timed without a finding
_CLEAN_MAX = 20_000


def _timed(sources: list[str], seconds_per_pattern: float, deadline: float) -> dict[int, str]:
    """timed_risks without the memo: every source, run in children."""
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
