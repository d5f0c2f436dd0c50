"""The rules bundle: what the browser loads decodes to the Rules the build encoded, and matches the same."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from engine import analyse
from engine.bundle import load_bundle, rule_from_data, rule_to_data
from engine.model import NoLocations, Rule
from engine.runtimes import LABELS, fix_runtime

from conftest import load_catalog_for_collection

RULES = load_catalog_for_collection()
PASTES = sorted((Path(__file__).resolve().parent / "pastes").rglob("*.txt"))

# Page-only text: the site's pages show it, matching and the answer card do not need it.
# (Codes travel: "not sure" guesses look for them in a paste that matched nothing.)
_PAGE_ONLY = ("messages", "spellings", "sample", "meaning", "causes", "prevention", "faqs", "related", "only_in", "sources",
              "examples", "near_misses")


def _runtime_view(rule: Rule) -> Rule:
    """The rule as the bundle should give it back: page-only text and source positions dropped."""
    blank = {name: type(getattr(rule, name))() for name in _PAGE_ONLY}
    unplaced = lambda ps: tuple(dataclasses.replace(p, line=0, column=0) for p in ps)  # noqa: E731
    return dataclasses.replace(rule, **blank, patterns=unplaced(rule.patterns), excludes=unplaced(rule.excludes),
                               path=f"bundle:{rule.id}")


def _through_json(rule: Rule) -> Rule:
    return rule_from_data(json.loads(json.dumps(rule_to_data(rule), ensure_ascii=False)))


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_survives_the_bundle_round_trip(rule):
    back = _through_json(rule)
    assert back == _runtime_view(rule)
    # Fields equality does not compare: the prefilter keys and the compiled regexes.
    for mine, theirs in zip(rule.patterns + rule.excludes, back.patterns + back.excludes, strict=True):
        assert theirs.keys == mine.keys
        assert (theirs.regex.pattern, theirs.regex.flags) == (mine.regex.pattern, mine.regex.flags)
    assert [name for name, _ in back.fixes] == [name for name, _ in rule.fixes]
    assert back.fixes == rule.fixes and back.if_that_fails == rule.if_that_fails
    assert isinstance(back.where, NoLocations)


def test_bundle_keeps_the_pages_out():
    data = rule_to_data(RULES[0])
    assert not set(data) & set(_PAGE_ONLY)


def test_malformed_bundle_names_the_rule():
    data = rule_to_data(RULES[0])
    del data["patterns"]
    with pytest.raises(ValueError, match=rf"rule 0 \({RULES[0].id}\) is malformed: KeyError"):
        load_bundle({"rules": [data]})


def test_rules_built_in_code_have_no_locations():
    rule = Rule(id="x", title="x", summary="x", category="network", patterns=())
    assert rule.where.at(("title",)) == (1, 1) and rule.where.inside(("title",), 5) == (1, 1)


@pytest.fixture
def web_loaded(monkeypatch):
    """engine.web with the bundle of the real catalog loaded (put back afterwards)."""
    from engine import web

    monkeypatch.setattr(web, "_rules", web._rules)
    bundle = {"engine": "test", "rules": [rule_to_data(r) for r in RULES]}
    assert web.load(json.dumps(bundle, separators=(",", ":"), ensure_ascii=False)) == len(RULES)
    return web


def test_browser_answers_every_golden_paste_as_the_yaml_rules_do(web_loaded, catalog):
    by_id = {r.id: r for r in catalog}
    for path in PASTES:
        text = path.read_bytes().decode("utf-8", errors="replace")
        want = analyse(text, catalog)
        got = json.loads(web_loaded.diagnose(text))
        assert [(m["id"], m["score"], m["context"]) for m in got["matches"]] == [
            (m.rule.id, m.score, m.context) for m in want.matches
        ], path.name
        for m, w in zip(got["matches"], want.matches):
            starts = web_loaded.utf16_offsets(text, [e.start for e in w.evidence])
            ends = web_loaded.utf16_offsets(text, [e.end for e in w.evidence])
            assert [(e["start"], e["end"], e["text"]) for e in m["evidence"]] == [
                (a, b, e.text) for a, b, e in zip(starts, ends, w.evidence)
            ], path.name
            runtime = fix_runtime(m["context"], [name for name, _ in by_id[m["id"]].fixes])
            assert m["tab"] == (LABELS[runtime] if runtime else None), (path.name, m["id"])


@pytest.mark.parametrize(
    ("paste", "context", "tab"),
    [
        ("cURL error 56: Recv failure: Connection reset by peer", "php", "curl"),
        ("npm ERR! code ECONNRESET\nnpm ERR! errno ECONNRESET\nnpm ERR! network aborted", "npm", "Node.js"),
        ("Error: read ECONNRESET\n    at TLSWrap.onStreamRead (node:internal/stream_base_commons:218:20)", "node", "Node.js"),
    ],
    ids=["php-falls-back-to-curl", "npm-falls-back-to-node", "exact"],
)
def test_fix_tab_falls_back_when_the_rule_has_none_for_the_runtime(web_loaded, paste, context, tab):
    econnreset = dict(next(r for r in RULES if r.id == "econnreset").fixes)
    assert "php" not in econnreset and "npm" not in econnreset  # what this test relies on
    first = json.loads(web_loaded.diagnose(paste))["matches"][0]
    assert (first["id"], first["context"], first["tab"]) == ("econnreset", context, tab)
