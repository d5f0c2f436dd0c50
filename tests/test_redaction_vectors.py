"""Fake secrets in real formats, embedded in real-looking pastes, never survive redaction."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from engine.redact import redact

ROOT = Path(__file__).resolve().parent.parent
VECTORS = json.loads((ROOT / "tests" / "redaction" / "vectors.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("vector", VECTORS, ids=[f"{v['kind']}-{i}" for i, v in enumerate(VECTORS)])
def test_secret_is_removed_with_its_kind(vector):
    out, found = redact(vector["paste"])
    assert not surviving(vector, out)
    assert vector["kind"] in {r.kind for r in found}


def surviving(vector, out):
    """The parts of the vector's secret still in the redacted text."""
    # A terminal hard wrap cuts a secret in pieces, one per line: each must go.
    pieces = vector.get("pieces", [vector["secret"]])
    assert "".join(pieces) == vector["secret"] and all(p in vector["paste"] for p in pieces)
    return [p for p in pieces if p in out]


def test_at_least_98_percent_of_secrets_are_fully_removed():
    assert len(VECTORS) >= 85
    misses = [(v["kind"], v["secret"]) for v in VECTORS if surviving(v, redact(v["paste"])[0])]
    assert len(misses) <= len(VECTORS) * 0.02, misses


def test_error_codes_hosts_and_ports_survive_in_golden_pastes():
    pastes = sorted((ROOT / "tests" / "pastes").rglob("*.txt"))
    assert pastes
    for path in pastes:
        text = path.read_text(encoding="utf-8", errors="replace")
        out, _ = redact(text)
        for word in ("ECONNRESET", "ETIMEDOUT", "ECONNREFUSED", "ENOTFOUND", "CERTIFICATE_VERIFY_FAILED", ":443", "127.0.0.1"):
            assert text.count(word) == out.count(word), (path, word)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ09_-=:/@'\" \n\x1b[m%2KEYsk-antBEGIN")), max_size=400))
def test_offsets_are_valid_and_disjoint(text):
    out, found = redact(text)
    last = 0
    for r in found:
        assert last <= r.start < r.end <= len(text)
        last = r.end


def run(args, stdin=""):
    return subprocess.run([sys.executable, "-m", "engine", "redact", *args], input=stdin, capture_output=True, text=True, cwd=ROOT)


def test_cli_redacts_stdin_and_files(tmp_path):
    secret = "sk-ant-api03-FAKEfakeFAKEfake0123456789"
    done = run(["-"], f"401 invalid x-api-key {secret}\n")
    assert done.returncode == 0 and secret not in done.stdout and "[REDACTED" in done.stdout and "401" in done.stdout
    path = tmp_path / "p.txt"
    path.write_text(f"JWT_SECRET=jwtFAKEsecretvalue42\n", encoding="utf-8")
    done = run([str(path)])
    assert done.returncode == 0 and "jwtFAKEsecretvalue42" not in done.stdout


def test_cli_unreadable_input_exits_2(tmp_path):
    done = run([str(tmp_path / "missing.txt")])
    assert done.returncode == 2 and "cannot read" in done.stderr and not done.stdout


def test_cli_redacts_the_whole_of_a_large_log_not_just_its_head_and_tail(tmp_path):
    # diagnose reads a large log's head and tail; a cleaned log must keep its middle.
    filler = "x" * 4_200_000  # 8.4 MB in all: over the 8 MB where diagnose switches to head and tail
    log = tmp_path / "big.log"
    log.write_text(f"{filler}\nmiddle password=hunter2222 end\n{filler}\n", encoding="utf-8")
    done = run([str(log)])
    assert done.returncode == 0
    assert "middle password=[REDACTED secret] end" in done.stdout
    assert "hunter2222" not in done.stdout and len(done.stdout) > 8_400_000
