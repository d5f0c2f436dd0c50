"""Codes and messages as matchers, table references wired into rules, and what the catalog makes of both.

The table-driven half runs every spelling the tables give a code that some rule references
(each errno in each runtime's format, each curl code's, each TLS alert's, each language)
through the whole catalog and wants that rule's page first.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml

from engine import analyse
from engine.bundle import rule_to_data
from engine.checks import check_catalog
from engine.loader import load_rule_text, load_rules, load_schema, load_tables
from engine.match import Catalog
from engine.tables import KINDS, find_rows
from test_tables import ALERT_ROWS, ERRNO_SAMPLES, NOT_NETWORK, TABLES, _errno_fields

ROOT = Path(__file__).resolve().parent.parent
RULE = (ROOT / "rules" / "econnrefused.yaml").read_text(encoding="utf-8")
CODES_LINE = RULE.splitlines().index(next(line for line in RULE.splitlines() if line.startswith("codes: ["))) + 1


@pytest.fixture(scope="module")
def rules():
    found, problems = load_rules()
    assert not problems, "\n".join(map(str, problems))
    return Catalog(found)


def _load(text: str, tables=None):
    return load_rule_text(text, "rules/econnrefused.yaml", load_schema(), expected_id="econnrefused", tables=tables)


def _with(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# --- codes and messages ---------------------------------------------------------------


def test_chrome_error_page_names_the_page_that_lists_its_code(rules):
    paste = "This site can’t be reached\nlocalhost refused to connect.\nTry:\nChecking the connection\nERR_CONNECTION_REFUSED\n"
    assert [m.rule.id for m in analyse(paste, rules).matches][:1] == ["econnrefused"]


def test_a_declared_code_becomes_a_case_exact_word_bounded_pattern():
    text = _with(RULE, "codes: [", "codes: [ERR_MY_OWN_CODE, ")
    text = _with(text, "examples:\n", "examples:\n  - context: null\n    paste: \"upstream said ERR_MY_OWN_CODE twice\"\n")
    rule, problems = _load(text)
    assert not problems, problems
    pattern = next(p for p in rule.patterns if p.origin == ("codes", 0))
    assert (pattern.kind, pattern.case_sensitive, pattern.weight) == ("literal", True, 0.9)
    assert pattern.regex.search("x ERR_MY_OWN_CODE y")
    assert not pattern.regex.search("err_my_own_code") and not pattern.regex.search("XERR_MY_OWN_CODE")
    assert "ERR_MY_OWN_CODE" in rule.codes


def test_display_only_entries_are_shown_not_matched_and_a_mapping_may_set_its_weight():
    text = _with(RULE, "codes: [", 'codes: [{code: "ERR_SHOWN_ONLY", display_only: true}, {code: ERR_WEIGHTED, weight: 0.7}, ')
    text = _with(text, "examples:\n", "examples:\n  - context: null\n    paste: \"got ERR_WEIGHTED from the proxy\"\n")
    rule, problems = _load(text)
    assert not problems, problems
    assert rule.codes[:2] == ("ERR_SHOWN_ONLY", "ERR_WEIGHTED")
    assert not any(p.origin == ("codes", 0) for p in rule.patterns)
    assert next(p for p in rule.patterns if p.origin == ("codes", 1)).weight == 0.7


def test_an_entry_the_rule_already_recognises_adds_no_second_pattern():
    rule, problems = _load(RULE)
    assert not problems
    # ECONNREFUSED is in the written patterns, "Connection refused" in the tables: nothing is counted twice.
    own = {p.source for p in rule.patterns if p.origin[:1] in (("codes",), ("messages",))}
    assert not own & {"ECONNREFUSED", "WSAECONNREFUSED", "Connection refused", "net::ERR_CONNECTION_REFUSED"}, own


@pytest.mark.parametrize(("entry", "why"), [("ERR", "shorter than 4"), ("-32099", "bare number"), ("Forbidden", "plain word")])
def test_vague_codes_are_located_problems(entry, why):
    rule, problems = _load(_with(RULE, "codes: [", f'codes: ["{entry}", '))
    assert rule is None
    assert any(p.line == CODES_LINE and "codes[0]" in p.message and why in p.message and "display_only" in p.message for p in problems), problems


def test_a_code_that_matches_none_of_the_examples_is_a_located_problem():
    rule, problems = _load(_with(RULE, "codes: [", "codes: [ERR_NOWHERE_TO_BE_SEEN, "))
    assert rule is None
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [(CODES_LINE, "codes[0]")]
    assert "matches none of this rule's examples" in problems[0].message


def test_plain_string_codes_and_messages_still_work_in_the_schema():
    schema = load_schema()
    from engine.schema import validate

    data = yaml.safe_load(RULE)
    data["codes"] = ["A_CODE", {"code": "errno 1", "display_only": True}]
    data["messages"] = ["a message", {"message": "x ...", "display_only": True, "weight": 0.5}]
    assert validate(data, schema) == []
    data["codes"] = [{"code": "x", "shown": True}]
    assert validate(data, schema)


# --- table references -------------------------------------------------------------------


def test_unknown_table_key_is_located_with_a_did_you_mean():
    text = _with(RULE, "  errno: [ECONNREFUSED]\n", "  errno: [ECONNREFUSD]\n")
    rule, problems = _load(text)
    assert rule is None
    line = text.splitlines().index("  errno: [ECONNREFUSD]") + 1
    assert [(p.line, p.column) for p in problems] == [(line, 11)]
    assert "match.errno[0]" in problems[0].message and "did you mean 'ECONNREFUSED'" in problems[0].message


def test_unknown_table_kind_is_a_schema_problem():
    rule, problems = _load(_with(RULE, "match:\n", "match:\n  errnos: [ECONNREFUSED]\n"))
    assert rule is None and any("errnos" in p.message and "errno" in p.message for p in problems)


def test_without_tables_a_reference_is_a_problem_not_a_crash():
    rule, problems = _load(RULE, tables={})
    assert rule is None and any("not loaded" in p.message for p in problems)


def test_in_the_browser_references_are_left_to_the_build_and_the_playground_keeps_the_published_patterns(rules):
    from engine import web
    from engine.compile import compile_rule
    from engine.loader import _parse

    data, where, _ = _parse(RULE, "rule.yaml")
    rule, problems = compile_rule(data, "rule.yaml", where, None)
    # Only the written patterns (each knows its place); nothing derived from a table.
    assert problems == [] and all(p.origin[:2] == ("match", "patterns") for p in rule.patterns)
    web._rules = rules
    try:
        grafted = web._with_published_patterns(rule)
    finally:
        web._rules = Catalog([])
    assert {p.source for p in rules.by_id["econnrefused"].patterns} <= {p.source for p in grafted.patterns}


def test_a_rule_may_match_by_table_references_alone():
    data = yaml.safe_load(RULE)
    text = RULE.split("match:\n", 1)[0] + "match:\n  errno: [ECONNREFUSED]\n  net_error: [ERR_CONNECTION_REFUSED]\n" + \
        "meaning:" + RULE.split("\nmeaning:", 1)[1]
    rule, problems = _load(text)
    assert rule is not None, problems
    derived = [p for p in rule.patterns if p.origin[:2] == ("match", "errno")]
    assert derived and all(len(p.origin) == 4 for p in derived)
    assert any(p.source == r"\[Errno 111\]" for p in derived)
    assert "Connexion refusée" in rule.spellings and "ConnectionRefusedError" in rule.spellings
    assert "WSAECONNREFUSED" not in rule.spellings  # the page lists it under codes already
    assert data["match"]["patterns"]  # the fixture itself had written patterns


def test_derived_patterns_go_into_the_browser_bundle_as_plain_patterns(rules):
    rule = rules.by_id["econnreset"]
    data = rule_to_data(rule)
    sources = {p.get("regex") or p.get("literal") for p in data["patterns"]}
    assert r"\(os error 104\)" in sources and "Connexion ré-initialisée par le correspondant" in sources
    assert json.dumps(data)  # JSON-ready, nothing but plain values


def test_derived_and_declared_patterns_pass_the_catalog_checks(rules):
    assert check_catalog(list(rules.rules), thorough=False) == []


def test_table_problems_are_located(tmp_path):
    tables = tmp_path / "tables"
    tables.mkdir()
    (tables / "schema.json").write_text((ROOT / "rules" / "tables" / "schema.json").read_text(encoding="utf-8"))
    (tables / "curl.yaml").write_text(textwrap.dedent("""\
        table: curl
        description: a broken curl table
        rows:
          - code: 56
            name: CURLE_RECV_ERROR
            message: Failure when receiving data from the peer
            source: https://curl.se/libcurl/c/libcurl-errors.html
          - code: "57"
            name: CURLE_X
            message: x
            source: https://curl.se/
        """))
    found, problems = load_tables(tables)
    assert "curl" not in (found or {})
    assert [(p.path.endswith("curl.yaml"), p.line) for p in problems] == [(True, 8)], problems


def test_tables_are_read_once_per_process():
    first, _ = load_tables()
    again, _ = load_tables()
    assert first is not None and first["errno"] is again["errno"]


# --- table-driven: every spelling of a referenced code names its page ----------------------


def _references(kind: str) -> list[tuple[str, object]]:
    found, _ = load_rules()
    out = []
    for rule in found:
        data = yaml.safe_load((ROOT / "rules" / f"{rule.id}.yaml").read_text(encoding="utf-8"))
        out += [(rule.id, key) for key in data["match"].get(kind, ())]
    return out


def _errno_lines():
    for rule_id, key in _references("errno"):
        for row in find_rows(TABLES, "errno", key):
            fields = _errno_fields(row)
            for fmt, needs, line in ERRNO_SAMPLES:
                if all((fields.get(n.split("=")[0]) == n.split("=")[1]) if "=" in n else n in fields for n in needs):
                    yield pytest.param(rule_id, line.format(**fields), id=f"{rule_id}-{row['name']}-{fmt}")


def _first(rules, text: str) -> str | None:
    matches = analyse(text, rules).matches
    return matches[0].rule.id if matches else None


@pytest.mark.parametrize(("rule_id", "line"), list(_errno_lines()))
def test_every_errno_in_every_runtime_format_names_its_page(rules, rule_id, line):
    assert _first(rules, line) == rule_id, line


def _language_lines():
    translations = {r["msgid"]: r["translations"] for r in TABLES["strerror-l10n"]["rows"]}
    windows = TABLES["winsock-l10n"]["rows"]
    for rule_id, key in _references("errno"):
        for row in find_rows(TABLES, "errno", key):
            if row.get("text_alone") is not False:
                for lang, text in translations.get(row["strerror"], {}).items():
                    if len(text.encode("utf-8")) >= 8:
                        yield pytest.param(rule_id, f"error: {text}", id=f"{rule_id}-glibc-{lang}")
            for w in (w for w in windows if w["code"] == row.get("windows_code")):
                for lang, text in w["translations"].items():
                    yield pytest.param(rule_id, f"System.Net.Sockets.SocketException ({w['code']}): {text}", id=f"{rule_id}-windows-{lang}")


@pytest.mark.parametrize(("rule_id", "line"), list(_language_lines()))
def test_every_language_names_the_same_page_as_english(rules, rule_id, line):
    assert _first(rules, line) == rule_id, line


def _curl_lines():
    for rule_id, key in _references("curl"):
        for row in find_rows(TABLES, "curl", key):
            code = row["code"]
            for line in (f"curl: ({code}) {row['message']}", f"cURL error {code}: {row['message']}", f"curl_easy_perform() failed: {row['name']}"):
                yield pytest.param(rule_id, line, id=f"{rule_id}-{code}-{line[:12]}")


@pytest.mark.parametrize(("rule_id", "line"), list(_curl_lines()))
def test_every_referenced_curl_code_names_its_page(rules, rule_id, line):
    assert _first(rules, line) == rule_id, line


def _alert_lines():
    rows = {r["name"]: r for r in ALERT_ROWS}
    for rule_id, key in _references("tls_alert"):
        for row in find_rows(TABLES, "tls_alert", key):
            if row["name"] not in rows:
                continue
            lines = [f"javax.net.ssl.SSLHandshakeException: Received fatal alert: {row['name']}", f"SSL alert number {row['code']}"]
            if "openssl" in row:
                lines.append(f"error:0A000410:SSL routines::{row['openssl']}")
            if "go" in row:
                lines.append(f"remote error: tls: {row['go']}")
            for line in lines:
                yield pytest.param(rule_id, line, id=f"{rule_id}-{row['name']}-{line[:16]}")


@pytest.mark.parametrize(("rule_id", "line"), list(_alert_lines()) or [pytest.param(None, None, marks=pytest.mark.skip("no rule references a TLS alert"))])
def test_every_tls_alert_spelling_names_its_page(rules, rule_id, line):
    assert _first(rules, line) == rule_id, line


def test_kinds_in_the_schema_are_the_kinds_tables_know():
    schema = json.loads((ROOT / "rules" / "schema.json").read_text(encoding="utf-8"))
    assert set(KINDS) <= set(schema["$defs"]["match"]["properties"])


# --- honest scores ----------------------------------------------------------------------

NEAR_MISSES = NOT_NETWORK + [
    "Error: listen EADDRINUSE: address already in use :::3000\n  code: 'EADDRINUSE',\n  errno: -98,\n  syscall: 'listen'",
    "src/client.ts(3,10): error TS2304: Cannot find name 'fetch'.",
]


@pytest.mark.parametrize("paste", NEAR_MISSES, ids=lambda p: p[:40])
def test_non_network_pastes_still_match_nothing(rules, paste):
    assert [m.rule.id for m in analyse(paste, rules).matches] == []
