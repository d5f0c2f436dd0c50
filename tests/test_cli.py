"""The command line of CONTRACT section 2: exit codes, JSON shape, evidence offsets.

Run from the checkout (python -m engine, rules read from rules/); tests/test_install.py
runs the installed command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from engine import SITE_URL

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
    # CONTRACT section 2: the six keys, plus the additions "facts", "fix" and "page".
    assert set(first) == {"id", "title", "score", "url", "page", "context", "evidence", "facts", "fix"}
    assert first["facts"] == {"syscall": "read", "errno": "-104"}
    assert first["fix"]["runtime"] == "node" and first["fix"]["text"].strip()
    assert all(isinstance(v, str) for v in first["facts"].values())
    assert first["id"] == "econnreset" and first["url"] == "errors/econnreset/" and first["context"] == "node"
    # url stays relative to the site root; page is the absolute address the readable report prints.
    assert first["page"] == SITE_URL + "errors/econnreset/" and first["page"].startswith("https://")
    assert first["page"] in run("diagnose", stdin=RESET).stdout.decode()
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


ENOTFOUND_PY = """Traceback (most recent call last):
  File "/app/client.py", line 9, in <module>
    r = requests.get("https://api.anthropc.com/v1/models")
requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.anthropc.com', port=443): Max retries exceeded with url: /v1/models (Caused by NameResolutionError("<urllib3.connection.HTTPSConnection object at 0x7f>: Failed to resolve 'api.anthropc.com' ([Errno -2] Name or service not known)"))
"""


def test_fix_only_prints_just_the_fix_for_the_runtime():
    proc = run("diagnose", "--fix-only", stdin=ENOTFOUND_PY)
    assert proc.returncode == 0
    out = proc.stdout.decode()
    assert out.startswith("Fix for Python:\n")
    assert "confidence" not in out and "errors/enotfound/" not in out and "^^^" not in out
    from engine.loader import load_rules

    rules, _ = load_rules(None)
    python_fix = dict({r.id: r for r in rules}["enotfound"].fixes)["python"]
    assert out == "Fix for Python:\n" + python_fix.strip() + "\n"


def test_fix_only_without_a_match_prints_nothing_and_exits_1():
    proc = run("diagnose", "--fix-only", stdin="KeyError: 'timeout'\n")
    assert proc.returncode == 1 and proc.stdout == b""


def test_text_report_leads_with_facts_advice_and_the_fix_then_one_line_per_other_match():
    text = "TypeError: fetch failed\n    at node:internal/deps/undici/undici:13502:13 {\n  [cause]: Error: getaddrinfo ENOTFOUND api.anthropic.co\n" \
        "      at GetAddrInfoReqWrap.onlookup [as oncomplete] (node:dns:107:26) {\n    errno: -3008,\n    code: 'ENOTFOUND',\n" \
        "    syscall: 'getaddrinfo',\n    hostname: 'api.anthropic.co'\n  }\n}\n"
    out = run("diagnose", stdin=text).stdout.decode()
    lines = out.splitlines()
    assert lines[2].startswith("1. ENOTFOUND") and "[enotfound," in lines[2]
    assert "   api.anthropic.co could not be resolved: the DNS lookup for it failed." in lines
    assert "   Facts: host api.anthropic.co, syscall getaddrinfo, errno -3008" in lines
    assert any(line.startswith("   ! Did you mean api.anthropic.com?") for line in lines)
    assert any("is only the wrapper (fetch-failed)" in line for line in lines)
    assert "   Fix for Node.js:" in lines
    # The other match: one line with its URL, no evidence or fix of its own.
    assert lines[-1].startswith("2. TypeError: fetch failed") and lines[-1].endswith("errors/fetch-failed/")
    assert out.count("Fix for") == 1


def test_text_report_marks_every_span_of_a_line_in_one_excerpt():
    text = "Error: connect ECONNREFUSED ::1:3000 ECONNREFUSED\n"
    rows = _evidence_rows(run("diagnose", stdin=text).stdout.decode())
    assert sum(1 for row in rows if "| Error: connect" in row) == 1, rows


def test_a_rules_folder_without_rules_is_an_error_naming_it(tmp_path):
    (tmp_path / "notes.txt").write_text("not a rule\n")
    proc = run("diagnose", "--rules", str(tmp_path), stdin=RESET)
    assert proc.returncode == 2 and proc.stdout == b""
    err = proc.stderr.decode()
    assert str(tmp_path) in err and "no rule files" in err and "Traceback" not in err


def test_a_missing_rules_folder_is_an_error_naming_it(tmp_path):
    proc = run("diagnose", "--rules", str(tmp_path / "nowhere"), stdin=RESET)
    assert proc.returncode == 2
    assert str(tmp_path / "nowhere") in proc.stderr.decode() and "not a directory of rules" in proc.stderr.decode()


def test_rules_folder_without_pyyaml_is_a_clear_message_and_exit_2(tmp_path):
    # A stand-in `yaml` that is not there: a package on the path whose import fails as a missing one would.
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\n"
        "class _NoYaml:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'yaml' or name.startswith('yaml.'):\n"
        "            raise ModuleNotFoundError(\"No module named 'yaml'\", name='yaml')\n"
        "        return None\n"
        "sys.meta_path.insert(0, _NoYaml())\n"
    )
    proc = subprocess.run([sys.executable, "-m", "engine", "diagnose", "--rules", "rules"], input=RESET.encode(),
                          capture_output=True, cwd=ROOT, timeout=120, env={**os.environ, "PYTHONPATH": str(blocker)})
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "needs PyYAML" in err and "errata-engine[yaml]" in err and "Traceback" not in err


def test_help_describes_the_json_and_exit_codes_in_its_own_words():
    out = run("diagnose", "--help").stdout.decode()
    assert "CONTRACT" not in out
    for field in ("id", "title", "score", "url", "page", "context", "evidence", "facts", "fix"):
        assert f"\n  {field} " in out, field
    assert "exit status: 0 when a rule matched, 1 when none did, 2 on bad usage" in out
    assert out.startswith("usage: python -m engine diagnose")


def test_text_report_marks_spans_on_several_lines_once_per_line():
    text = "Error: read ECONNRESET ECONNRESET\n  errno: -104,\n  code: 'ECONNRESET',\n"
    assert _evidence_rows(run("diagnose", stdin=text).stdout.decode()) == [
        "       1 | Error: read ECONNRESET ECONNRESET",
        "         |             ^^^^^^^^^^ ^^^^^^^^^^",
        "       2 |   errno: -104,",
        "         |   ^^^^^^^^^^^",
        "       3 |   code: 'ECONNRESET',",
        "         |          ^^^^^^^^^^",
    ]


def test_json_page_follows_the_configured_site_url(monkeypatch, capsys, tmp_path):
    from engine import __main__ as cli

    paste = tmp_path / "paste.txt"
    paste.write_text(RESET)
    monkeypatch.setattr(cli, "SITE_URL", "https://example.org/docs/")
    assert cli.main(["diagnose", "--json", str(paste)]) == 0
    first = json.loads(capsys.readouterr().out)["matches"][0]
    assert first["url"] == "errors/econnreset/" and first["page"] == "https://example.org/docs/errors/econnreset/"
    assert list(first)[:5] == ["id", "title", "score", "url", "page"]
    monkeypatch.setattr(cli, "SITE_URL", "")  # no site configured: only the contract's relative url
    assert cli.main(["diagnose", "--json", str(paste)]) == 0
    assert "page" not in json.loads(capsys.readouterr().out)["matches"][0]


def test_a_packaged_bundle_is_used_before_rules_and_a_broken_one_is_exit_2(monkeypatch, capsys, tmp_path):
    from engine import bundle
    from engine.loader import load_rules

    paste = tmp_path / "paste.txt"
    paste.write_text(RESET)
    rules, _ = load_rules(None)
    packaged = tmp_path / "rules.json"
    # Only one rule in the bundle: the answer must come from it, not from rules/.
    packaged.write_bytes(bundle.encode_bundle([r for r in rules if r.id == "econnrefused"], "0"))
    monkeypatch.setattr(bundle, "PACKAGED_BUNDLE", packaged)
    from engine import __main__ as cli

    assert cli.main(["diagnose", "--json", str(paste)]) == 1
    assert json.loads(capsys.readouterr().out)["matches"] == []
    packaged.write_bytes(b"\x00not json")
    assert cli.main(["diagnose", str(paste)]) == 2
    err = capsys.readouterr().err
    assert "packaged rules bundle" in err and "not JSON" in err and "reinstall" in err
    packaged.write_text('{"rules": [{"id": "x"}]}')
    assert cli.main(["diagnose", str(paste)]) == 2
    assert "rule 0 (x) is malformed" in capsys.readouterr().err
