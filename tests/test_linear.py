"""analyse() takes time linear in the paste on inputs that made it quadratic."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from engine.loader import load_rules
from engine.match import analyse

RULES, _PROBLEMS = load_rules(Path(__file__).resolve().parent.parent / "rules")

# Shapes that once re-scanned every following line from each line start.
SHAPES = {
    "blank lines": lambda n: "\n" * n,
    "spaces": lambda n: " " * n,
    "tabs": lambda n: "\t" * n,
    "crlf": lambda n: "\r\n" * (n // 2),
    "space-newline": lambda n: " \n" * (n // 2),
    "repeated codes": lambda n: "ECONNRESET " * (n // 11),
    "stack lines": lambda n: "    at x\n" * (n // 9),
    "one huge line": lambda n: "x" * n,
}

N = 200_000


def _seconds(text: str) -> float:
    best = float("inf")
    for _ in range(3):  # the minimum of three runs keeps scheduler noise out
        start = time.perf_counter()
        analyse(text, RULES)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_doubling_the_paste_at_most_doubles_the_time(shape: str) -> None:
    assert not _PROBLEMS
    make = SHAPES[shape]
    small, large = _seconds(make(N)), _seconds(make(2 * N))
    # Quadratic behaviour gives 4x; 3.5 leaves room for noise on tiny timings.
    assert large / max(small, 1e-3) < 3.5, f"{shape}: {small:.3f}s for {N}, {large:.3f}s for {2 * N}"
    assert large < 5.0, f"{shape}: {large:.3f}s for {2 * N} characters"
