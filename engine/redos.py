"""Spot regexes prone to catastrophic backtracking before they reach a reader's browser.

Python's `re` backtracks, so a pattern such as `(\\w+\\s?)+$` can take exponential
time on a near-miss input. Two checks: a static look at the parsed pattern for
nested unbounded repeats, and a timed run against strings built to provoke it.
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

try:  # Python 3.11+ (and Pyodide's 3.14) keep the parser here
    from re import _constants as _c, _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = ["backtracking_risk", "slow_inputs", "timed_risk", "timed_risks"]

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


def _seeds(pattern: str) -> list[str]:
    letters = sorted({ch for ch in pattern if ch.isalnum()})[:6] or ["a"]
    return ["a", " ", "0", "\t", "-", ".", ":", "a ", ": "] + letters


def slow_inputs(pattern: str, size: int = 3000) -> list[str]:
    """Strings that tend to make a backtracking regex slow, built from its own characters."""
    return [(seed * size)[:size] + "\x00!" for seed in _seeds(pattern)]


def _time(regex: re.Pattern[str], text: str) -> float:
    start = time.perf_counter()
    regex.search(text)
    return time.perf_counter() - start


def timed_risk(regex: re.Pattern[str]) -> str | None:
    """Run the regex on provocative strings of two sizes; report time that grows faster than the text.

    A safe pattern takes time proportional to the text. Backtracking shows as a
    ratio far above 4 when the text is 4 times longer. Ratios are compared, not
    absolute times, so a busy machine does not fail the check; tiny times are ignored.
    """
    for small, large in zip(slow_inputs(regex.pattern, 1000), slow_inputs(regex.pattern, 4000)):
        t_large = _time(regex, large)
        if t_large > 2.0:
            return f"took {t_large:.1f}s on a {len(large)}-character adversarial input"
        if t_large < 0.02:
            continue
        t_small = max(_time(regex, small), 1e-6)
        t_large = min(t_large, _time(regex, large))  # the better of two runs, against noise
        if t_large > 0.02 and t_large / t_small > 10:
            return f"its time grows {t_large / t_small:.0f}x when an adversarial input grows 4x ({t_large:.2f}s)"
    return None


def backtracking_risk(pattern: str) -> str | None:
    """A reason the pattern may backtrack catastrophically, or None if it looks safe."""
    try:
        parsed = _sre_parse.parse(pattern)
    except re.error:
        return None  # compile errors are reported elsewhere
    return _find_nested(parsed)


# The timed runs happen in a child process: a truly catastrophic pattern never
# returns, and a regex search cannot be interrupted from Python. The child reports
# each pattern before it starts, so the one that hangs is known.
_CHILD = """
import json, re, sys
sys.path.insert(0, sys.argv[1])
from engine.redos import timed_risk
for i, source in enumerate(json.loads(sys.stdin.readline())):
    print(json.dumps(["start", i]), flush=True)
    try:
        reason = timed_risk(re.compile(source, re.MULTILINE))
    except re.error:
        reason = None
    print(json.dumps(["done", i, reason]), flush=True)
"""


def _pump(stream, lines: queue.Queue[str | None]) -> None:  # type: ignore[no-untyped-def]
    for line in stream:
        lines.put(line)
    lines.put(None)


def timed_risks(sources: list[str], seconds_per_pattern: float = 2.0) -> dict[int, str]:
    """Timed backtracking check of many patterns at once: {index: reason} for the risky ones.

    Where no child process can be started (the browser), returns {} and the static
    check in backtracking_risk() stands alone.
    """
    if sys.platform == "emscripten" or not sources:
        return {}
    risks: dict[int, str] = {}
    start = 0
    while start < len(sources):
        pending = sources[start:]
        proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(Path(__file__).resolve().parent.parent)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(pending) + "\n")
        proc.stdin.close()
        current = None
        hung = False
        while True:
            try:
                line = lines.get(timeout=seconds_per_pattern)
            except queue.Empty:
                hung = True
                break
            if line is None:
                break
            event = json.loads(line)
            if event[0] == "start":
                current = event[1]
            elif event[2]:
                risks[start + event[1]] = event[2]
        if hung and current is not None:
            proc.kill()
            risks[start + current] = f"an adversarial input kept it busy for over {seconds_per_pattern:.0f}s"
            start += current + 1
        else:
            proc.wait()
            break
    return risks
