"""The command line of CONTRACT section 2: exit codes, JSON shape, evidence offsets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RESET = "Error: read ECONNRESET\n    at TLSWrap.onStreamRead (node:internal/stream_base_commons:216:20) {\n  errno: -104,\n  code: 'ECONNRESET',\n  syscall: 'read'\n}\n"


def run(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "engine", *args], input=stdin.encode("utf-8") if isinstance(stdin, str) else stdin,
                          capture_output=True, cwd=ROOT, timeout=120)


def test_json_output_has_the_contract_shape_and_offsets():
    proc = run("diagnose", "--json", stdin=RESET)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert set(out) == {"engine", "matches"}
    first = out["matches"][0]
    assert set(first) == {"id", "title", "score", "url", "context", "evidence"}
    assert first["id"] == "econnreset" and first["url"] == "errors/econnreset/" and first["context"] == "node"
    assert 0 <= first["score"] <= 1
    for ev in first["evidence"]:
        assert set(ev) == {"start", "end", "text"}
        assert RESET[ev["start"] : ev["end"]] == ev["text"]


def test_offsets_count_characters_of_the_text_as_given():
    text = "→ héllo ✓\r\n\x1b[31mError: read ECONNRESET\x1b[0m\r\n"
    out = json.loads(run("diagnose", "--json", "-", stdin=text).stdout)
    ev = out["matches"][0]["evidence"][0]
    # errno: [ECONNRESET] also recognises Node's "read ECONNRESET" as a whole, which starts first.
    assert text[ev["start"] : ev["end"]] == ev["text"] in ("ECONNRESET", "read ECONNRESET")


def test_no_match_exits_1_with_empty_matches():
    proc = run("diagnose", "--json", stdin="KeyError: 'timeout'\n")
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["matches"] == []


def test_reads_files_and_reports_unreadable_ones(tmp_path):
    paste = tmp_path / "paste.txt"
    paste.write_text(RESET)
    assert run("diagnose", str(paste)).returncode == 0
    proc = run("diagnose", str(tmp_path / "missing.txt"))
    assert proc.returncode == 2
    assert "cannot read" in proc.stderr.decode()


def test_bad_usage_exits_2():
    assert run().returncode == 2
    assert run("diagnose", "--bogus").returncode == 2
    assert run("frobnicate").returncode == 2


def test_invalid_rules_exit_2_with_located_messages():
    proc = run("diagnose", "--rules", "tests/broken_rules", stdin=RESET)
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "tests/broken_rules/bad-regex.yaml:9:23: match.patterns[0].regex: regex does not compile" in err
    assert "Traceback" not in err


def test_text_report_shows_evidence_with_carets_and_the_page_url():
    proc = run("diagnose", stdin=RESET)
    out = proc.stdout.decode()
    assert proc.returncode == 0
    assert "errors/econnreset/" in out
    assert "    1 | Error: read ECONNRESET" in out
    assert "^^^^^^^^^^" in out


def test_binary_and_invalid_utf8_input_is_handled():
    proc = run("diagnose", "--json", stdin=b"\xff\xfe\x00\x00garbage\x80 read ECONNRESET \xc3")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["matches"][0]["id"] == "econnreset"


def _evidence_rows(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("   ") and "|" in line[:12]]


def test_text_report_evidence_rows_are_unchanged():
    # The rows the report printed before excerpts moved into engine/excerpt.py, byte for byte.
    out = run("diagnose", stdin=RESET).stdout.decode()
    assert _evidence_rows(out) == [
        "       1 | Error: read ECONNRESET",
        "         |             ^^^^^^^^^^",
        "       3 |   errno: -104,",
        "         |   ^^^^^^^^^^^",
        "       4 |   code: 'ECONNRESET',",
        "         |          ^^^^^^^^^^",
    ]


def test_text_report_windows_a_long_line_and_drops_its_cr():
    text = "x" * 300 + " Error: read ECONNRESET\tat y " + "z" * 300 + "\r\n"
    out = run("diagnose", stdin=text).stdout.decode()
    assert _evidence_rows(out) == [
        "       1 | ..." + "x" * 27 + " Error: read ECONNRESET at y " + "z" * 104,
        "         | " + " " * 43 + "^" * 10,
    ]
