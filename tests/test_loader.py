"""The loader turns rule files into Rules and every problem into an exact path:line:col message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.bundle import load_bundle, rule_to_data
from engine.loader import load_rule_text, load_rules, load_schema

HERE = Path(__file__).resolve().parent
BROKEN = HERE / "broken_rules"
CASES = sorted(BROKEN.glob("*.yaml"))


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_broken_rule_reports_exact_location_and_message(path, tmp_path, monkeypatch):
    shutil.copy(path, tmp_path / path.name)
    monkeypatch.chdir(tmp_path)
    rules, problems = load_rules(tmp_path)
    assert rules == []
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert [str(p) for p in problems] == expected


def test_all_problems_are_reported_at_once(tmp_path, monkeypatch):
    for path in CASES:
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.chdir(tmp_path)
    _, problems = load_rules(tmp_path)
    expected = sum((p.with_suffix(".expected").read_text().splitlines() for p in CASES), [])
    assert sorted(str(p) for p in problems) == sorted(expected)


def test_invalid_utf8_file_is_reported_not_raised(tmp_path, monkeypatch):
    (tmp_path / "binary.yaml").write_bytes(b"id: x\n\xff\xfe\x00")
    monkeypatch.chdir(tmp_path)
    _, problems = load_rules(tmp_path)
    assert [str(p) for p in problems] == ["binary.yaml:1:1: not UTF-8 text: invalid start byte at byte 6"]


def test_missing_directory_is_a_problem(tmp_path):
    _, problems = load_rules(tmp_path / "nope")
    assert len(problems) == 1 and "not a directory of rules" in problems[0].message


def test_duplicate_ids_across_files_are_reported(tmp_path, monkeypatch, catalog):
    src = HERE.parent / "rules" / "econnreset.yaml"
    (tmp_path / "econnreset.yaml").write_text(src.read_text())
    (tmp_path / "econnreset.yml").write_text(src.read_text())
    monkeypatch.chdir(tmp_path)
    rules, problems = load_rules(tmp_path, schema=load_schema())
    assert len(rules) == 1
    assert [str(p) for p in problems] == ["econnreset.yml:1:1: duplicate id 'econnreset' (also in econnreset.yaml)"]


def test_rule_text_round_trips_through_the_json_bundle(catalog):
    rebuilt = load_bundle({"rules": [rule_to_data(r) for r in catalog]})
    assert [r.id for r in rebuilt] == [r.id for r in catalog]
    for a, b in zip(catalog, rebuilt):
        assert [(p.source, p.weight, p.when, p.implies, p.generic) for p in a.patterns] == [
            (p.source, p.weight, p.when, p.implies, p.generic) for p in b.patterns
        ]


def test_valid_rule_text_compiles_with_locations():
    text = (HERE.parent / "rules" / "econnreset.yaml").read_text()
    rule, problems = load_rule_text(text, "rules/econnreset.yaml", load_schema(), expected_id="econnreset")
    assert problems == [] and rule is not None
    assert rule.patterns[0].line > 1
    assert rule.examples[0].line > rule.patterns[0].line


HOSTILE = sorted((HERE / "hostile_rules").glob("*.yaml"))


@pytest.mark.parametrize("path", HOSTILE, ids=[p.stem for p in HOSTILE])
def test_hostile_rule_is_rejected_with_a_located_message(path, tmp_path, monkeypatch):
    import build

    shutil.copy(path, tmp_path / path.name)
    shutil.copy(HERE.parent / "rules" / "schema.json", tmp_path)
    monkeypatch.chdir(tmp_path)
    _, problems = build.load_and_check(tmp_path)
    messages = [str(p) for p in problems]
    for expected in path.with_suffix(".expected").read_text(encoding="utf-8").splitlines():
        assert expected in messages


def test_a_hostile_rule_stops_the_build(tmp_path):
    import build

    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(HERE.parent / "rules" / "schema.json", rules)
    shutil.copy(HERE / "hostile_rules" / "script-in-markdown.yaml", rules)
    with pytest.raises(build.BuildError, match="raw HTML is not allowed"):
        build.build_site(tmp_path / "site", rules_dir=rules)
    assert not (tmp_path / "site").exists()


LIMITS = ["alias-bomb", "deep-nesting", "deep-regex-groups", "nested-regex-groups",
          "huge-int-weight", "huge-repeat", "nan-weight", "inf-weight"]


@pytest.mark.parametrize("name", LIMITS)
def test_hostile_yaml_fails_check_quickly_without_a_traceback(name, tmp_path):
    import subprocess
    import sys
    import time

    shutil.copy(HERE / "hostile_rules" / f"{name}.yaml", tmp_path)
    shutil.copy(HERE.parent / "rules" / "schema.json", tmp_path)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(HERE.parent / "build.py"), "check", "--rules", str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert time.perf_counter() - start < 5
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    expected = (HERE / "hostile_rules" / f"{name}.expected").read_text(encoding="utf-8").splitlines()
    assert set(expected) <= set(done.stdout.splitlines())


@pytest.mark.parametrize("name", LIMITS)
def test_playground_reports_hostile_yaml_as_problems(name):
    import json
    import time

    from engine import web

    text = (HERE / "hostile_rules" / f"{name}.yaml").read_text(encoding="utf-8")
    schema = (HERE.parent / "rules" / "schema.json").read_text(encoding="utf-8")
    start = time.perf_counter()
    out = json.loads(web.check_rule(text, "Error: sample failure", schema))
    assert time.perf_counter() - start < 5
    assert out["rule"] is None
    expected = [line.split(":", 1)[1] for line in (HERE / "hostile_rules" / f"{name}.expected").read_text(encoding="utf-8").splitlines()]
    got = [p["text"].split(":", 1)[1] for p in out["problems"]]
    # The rest of the rule is checked too, as far as it reads (related ids, examples...), as `check` does.
    assert set(expected) <= set(got)


def test_an_unexpected_exception_becomes_a_located_problem(monkeypatch):
    from engine import loader

    def explode(*args):
        raise KeyError("boom")

    monkeypatch.setattr(loader, "_parse", explode)
    rule, problems = loader.load_rule_text("id: x\n", "x.yaml", loader.load_schema())
    assert rule is None
    assert [str(p) for p in problems] == ["x.yaml:1:1: internal error reading this rule: KeyError"]


def test_an_oversized_rule_file_is_refused_before_parsing():
    text = "id: big\nsummary: '" + "x" * (300 * 1024) + "'\n"
    rule, problems = load_rule_text(text, "big.yaml", load_schema())
    assert rule is None
    assert [str(p) for p in problems] == ["big.yaml:1:1: rule file is larger than 256 KB"]


ONE_PASS = BROKEN / "one-pass"


def test_check_reports_every_kind_of_problem_in_the_first_run(tmp_path):
    """Schema problems, a regex that does not compile, backtracking, raw HTML, unknown ids and a
    wrong ranking in one file: all in one run, sorted by file and line (issue 16 saw them in three)."""
    import subprocess
    import sys

    for path in ONE_PASS.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    done = subprocess.run([sys.executable, str(HERE.parent / "build.py"), "check", "--rules", str(tmp_path)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines == (ONE_PASS / "expected.txt").read_text(encoding="utf-8").splitlines()
    located = [(path, int(line), int(col)) for path, line, col, _ in (s.split(":", 3) for s in lines)]
    assert located == sorted(located)
    assert f"{len(lines)} problem(s) in 1 file(s)" in done.stderr


def test_a_rule_with_problems_is_checked_as_a_draft_but_never_loaded(tmp_path, monkeypatch):
    from engine.loader import read_rules

    for path in ONE_PASS.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.chdir(tmp_path)
    rules, drafts, _ = read_rules(tmp_path)
    assert [r.id for r in rules] == ["sample-other", "sample-third"]
    [draft] = drafts
    assert draft.rule.id == "many-problems"
    # The patterns that compiled keep their own places; the others are named as left out.
    assert [p.origin for p in draft.rule.patterns] == [("match", "patterns", 1, "regex"), ("match", "patterns", 4, "literal")]
    assert draft.left_out == ("match.patterns[0]", "match.patterns[2]", "match.patterns[3]")
    # Parts with schema problems are left out whole (fixes too: without 'pyhton' it has too few
    # entries), so what is left is valid; the rest is read.
    assert draft.rule.category == "" and draft.rule.faqs == () and draft.rule.sources == () and draft.rule.fixes == ()
    assert draft.rule.related == ("sample-othr", "sample-third") and len(draft.rule.examples) == 5


def _fixture_messages(tmp_path, monkeypatch):
    """Every message `check` and the playground give for the broken and hostile fixtures."""
    import json

    import build
    from engine import web

    folder = tmp_path / "all"
    folder.mkdir()
    files = [*CASES, *ONE_PASS.glob("*.yaml"), *HOSTILE]
    for path in files:
        shutil.copy(path, folder / path.name)
    monkeypatch.chdir(folder)
    _, problems = build.load_and_check(folder)
    messages = [str(p) for p in problems]
    schema = (HERE.parent / "rules" / "schema.json").read_text(encoding="utf-8")
    for path in [*CASES, *ONE_PASS.glob("*.yaml")]:
        out = json.loads(web.check_rule(path.read_text(encoding="utf-8"), "Error: SAMPLEFAIL", schema))
        messages += [p["text"] for p in out["problems"]]
    return messages


def test_no_message_prints_a_python_none(tmp_path, monkeypatch):
    import re

    messages = _fixture_messages(tmp_path, monkeypatch)
    assert len(messages) > 100
    assert [m for m in messages if re.search(r"\bNone\b", m)] == []
    assert all(re.match(r"[^:]+:\d+:\d+: \S", m) for m in messages)


def _sample(**changes):
    text = (BROKEN / "wrong-type.yaml").read_text(encoding="utf-8").replace("id: wrong-type", "id: sample")
    for old, new in changes.items():
        assert old in text
        text = text.replace(old, new)
    return text


SAMPLE_PATTERNS = "  patterns:\n    - regex: '\\bSAMPLEFAIL\\b'\n      weight: high\n    - literal: sample failure\n      weight: 0.8\n"


def test_set_aside_patterns_keep_the_others_in_their_places():
    from engine.checks import check_catalog
    from engine.loader import read_rule_text

    text = _sample(**{SAMPLE_PATTERNS: "  patterns: [1, {literal: SAMPLEFAIL}]\n  exclude: [3, {regex: '(b+)+c'}]\n"})
    rule, draft, problems = read_rule_text(text, "r.yaml", load_schema(), expected_id="sample")
    assert rule is None and draft.left_out == ("match.patterns[0]", "match.exclude[0]")
    assert [str(p) for p in problems] == ["r.yaml:8:14: match.patterns[0]: expected a mapping, got number 1",
                                          "r.yaml:9:13: match.exclude[0]: expected a mapping, got number 3"]
    later = [str(p) for p in check_catalog([], drafts=[draft]) if p.message.startswith("match.exclude")]
    assert later == ["r.yaml:9:24: match.exclude[1].regex: regex is prone to catastrophic backtracking: "
                     "a repeated group contains another unbounded repeat (like (a+)+); make the inner part unambiguous or bounded"]


def test_a_part_left_out_for_its_schema_problem_is_reported_once():
    rule, problems = load_rule_text(_sample(**{SAMPLE_PATTERNS: "  patterns: []\n"}), "r.yaml", load_schema(), expected_id="sample")
    assert rule is None
    assert [str(p) for p in problems] == ["r.yaml:8:13: match.patterns: expected at least 1 item, got 0"]
