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
    # Paste shapes undone by normalize.reshaped.
    "quote markers": lambda n: "> > x\n" * (n // 6),
    "log prefixes": lambda n: "2026-01-01T00:00:00.000Z ERROR [app] [pod/a/b] x\n" * (n // 48),
    "npm debug log": lambda n: "906 verbose stack npm ERR! x\n" * (n // 29),
    "markdown fences": lambda n: "```text\n" * (n // 8),
    "erlang atoms": lambda n: "{error,econnrefused}," * (n // 21),
    "elixir atoms": lambda n: "{:error, :econnrefused} reason: :eaddrinuse\n" * (n // 44),
    "json unicode escapes": lambda n: "\\u003e" * (n // 6),
    "indented wraps": lambda n: ("a" * 41 + "\n   b\n") * (n // 48),
    "docker prefixes": lambda n: "web-1  | " * (n // 9),
}

N = 100_000  # 2N stays under normalize.MAX_CHARS, so both sizes are read whole


def _seconds(text: str, work=lambda text: analyse(text, RULES)) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(3):  # the minimum of three runs keeps scheduler noise out
        start = time.perf_counter()
        work(text)
        best = min(best, time.perf_counter() - start)
    return best


def _redact(text: str) -> None:
    from engine.redact import redact

    redact(text)


# Redaction runs on the same pastes before a share link or report leaves the page.
@pytest.mark.parametrize("work", [None, _redact], ids=["analyse", "redact"])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_doubling_the_paste_at_most_doubles_the_time(shape: str, work) -> None:  # type: ignore[no-untyped-def]
    assert not _PROBLEMS
    make = SHAPES[shape]
    kwargs = {"work": work} if work else {}
    small, large = _seconds(make(N), **kwargs), _seconds(make(2 * N), **kwargs)
    # Quadratic behaviour gives 4x; 3.5 leaves room for noise on tiny timings.
    assert large / max(small, 1e-3) < 3.5, f"{shape}: {small:.3f}s for {N}, {large:.3f}s for {2 * N}"
    assert large < 5.0, f"{shape}: {large:.3f}s for {2 * N} characters"


def test_redaction_time_grows_linearly_with_the_number_of_secrets() -> None:
    from engine.redact import redact

    def seconds(k: int) -> float:
        text = "".join(f"password=secretvalue{i:06d}\n" for i in range(k))
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            assert len(redact(text)[1]) == k
            best = min(best, time.perf_counter() - start)
        return best

    small, large = seconds(10_000), seconds(20_000)
    assert large / small < 3.5, f"{small:.3f}s for 10k secrets, {large:.3f}s for 20k"


def _long_paste(at: int, total: int = 400_000) -> tuple[str, int]:
    """Filler without error words, with 'read ECONNRESET' cut at `at` as "ECONNR" / "ESET"."""
    line = "lorem ipsum dolor sit amet consectetur\n"
    text = (line * (total // len(line) + 1))[:total]
    error = "read ECONNRESET\n"
    start = at - error.index("ECONNRESET") - len("ECONNR")  # neither half is a signal word alone
    return text[:start] + error + text[start + len(error):], start + error.index("ECONNRESET")


@pytest.mark.parametrize("where", ["head edge", "tail edge"])
def test_an_error_straddling_a_window_edge_is_found_at_its_original_offset(where: str) -> None:
    from engine.normalize import _HEAD, _TAIL

    total = 400_000
    at = _HEAD if where == "head edge" else total - _TAIL
    text, code_at = _long_paste(at, total)
    diagnosis = analyse(text, RULES)
    found = [m for m in diagnosis.matches if m.to_json()["id"] == "econnreset"]
    assert found, f"no econnreset for an error at {code_at}"
    spans = [(e["start"], e["end"]) for e in found[0].to_json()["evidence"]]
    assert any(text[a:b].find("ECONNRESET") >= 0 and a <= code_at < b for a, b in spans), spans
    assert len(set(spans)) == len(spans), "evidence counted twice"


@pytest.mark.parametrize("via", ["file", "stdin"])
def test_the_command_line_finds_an_error_at_the_end_of_a_50_mb_log(tmp_path: Path, via: str) -> None:
    import json
    import subprocess
    import sys

    log = tmp_path / "big.log"
    line = b"2024-01-01T00:00:00Z info request served in 12 ms\n"
    with log.open("wb") as out:
        out.write(line * (50 * 1024 * 1024 // len(line)))
        out.write(b"Error: read ECONNRESET\n    at TCP.onStreamRead (node:internal/stream_base_commons:217:20)\n")
    root = Path(__file__).resolve().parent.parent
    args = [sys.executable, "-m", "engine", "diagnose", "--json"]
    if via == "file":
        done = subprocess.run([*args, str(log)], cwd=root, capture_output=True, timeout=120)
    else:
        # a pipe cannot seek: this takes the rolling tail buffer
        done = subprocess.run([*args, "-"], cwd=root, input=log.read_bytes(), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout)["matches"][0]["id"] == "econnreset"
    assert b"read the first 4 MB and the last 4 MB" in done.stderr
