"""Matching and ranking, on small hand-made rules and on the real catalog."""

from __future__ import annotations

import pytest

from engine import analyse, diagnose
from engine.compile import NoLocations, compile_rule
from engine.match import MATCH_THRESHOLD, rule_score


def make(rule_id, *patterns, wrapper=False, exclude=()):
    data = {
        "id": rule_id,
        "title": rule_id,
        "summary": f"{rule_id} summary",
        "category": "network",
        "match": {"patterns": list(patterns), "exclude": list(exclude), "wrapper": wrapper},
    }
    rule, problems = compile_rule(data, f"{rule_id}.yaml", NoLocations())
    assert rule is not None, problems
    return rule


ISSUER = make("issuer", {"regex": r"unable to get local issuer certificate", "weight": 0.95},
              {"regex": r"^curl: \(60\)", "weight": 0.7, "generic": True, "implies": "curl"})
EXPIRED = make("expired", {"literal": "certificate has expired", "weight": 0.95})
DNS = make("dns", {"regex": r"\bENOTFOUND\b", "weight": 0.95})
FETCH = make("fetch", {"literal": "fetch failed", "weight": 0.9}, wrapper=True)
RESET = make("reset", {"regex": r"\bECONNRESET\b", "weight": 0.9})


def ids(text, rules):
    return [m.rule.id for m in diagnose(text, rules)]


def test_noisy_or_score_is_in_range_and_counts_each_pattern_once():
    assert rule_score([]) == 0.0
    assert rule_score([0.5, 0.5]) == 0.75
    assert 0.0 <= rule_score([0.99] * 10) <= 1.0
    result = diagnose("ECONNRESET ECONNRESET ECONNRESET", [RESET])
    assert result[0].score == 0.9
    assert len(result[0].evidence) == 3


def test_generic_hit_gives_way_to_a_specific_rule_on_the_same_line():
    paste = "curl: (60) SSL certificate problem: certificate has expired"
    assert ids(paste, [ISSUER, EXPIRED]) == ["expired"]
    paste = "curl: (60) SSL certificate problem: unable to get local issuer certificate"
    assert ids(paste, [ISSUER, EXPIRED]) == ["issuer"]


def test_generic_hit_alone_still_counts():
    assert ids("curl: (60) SSL certificate problem: something new", [ISSUER, EXPIRED]) == ["issuer"]


def test_root_cause_ranks_before_its_wrapper():
    paste = "TypeError: fetch failed\n    at node:internal/deps/undici/undici:13502:13\n  [cause]: Error: getaddrinfo ENOTFOUND api.example.com"
    assert ids(paste, [FETCH, DNS, RESET]) == ["dns", "fetch"]


def test_wrapper_alone_is_reported():
    assert ids("TypeError: fetch failed", [FETCH, DNS]) == ["fetch"]


def test_several_errors_are_all_reported_best_first():
    paste = "first: getaddrinfo ENOTFOUND a.example\nlater: read ECONNRESET"
    assert ids(paste, [DNS, RESET]) == ["dns", "reset"]


def test_ties_break_on_id_so_output_is_deterministic():
    a = make("a-rule", {"literal": "boom", "weight": 0.8})
    b = make("b-rule", {"literal": "boom", "weight": 0.8})
    assert ids("boom", [b, a]) == ids("boom", [a, b]) == ["a-rule", "b-rule"]


def test_exclude_pattern_vetoes_the_rule():
    rule = make("refused", {"literal": "refused", "weight": 0.9}, exclude=[{"literal": "EADDRINUSE", "weight": 0.5}])
    assert ids("connection refused", [rule]) == ["refused"]
    assert ids("refused: EADDRINUSE", [rule]) == []


def test_when_restricts_a_pattern_to_a_context():
    rule = make("node-errno", {"regex": r"errno: -104\b", "weight": 0.9, "when": ["node"]})
    assert ids("errno: -104 in some other tool", [rule]) == []
    assert ids("Error: read ECONNRESET\n    at TLSWrap.onStreamRead (node:internal/stream_base_commons:216:20) {\n  errno: -104,", [rule]) == ["node-errno"]


def test_weak_evidence_alone_is_below_the_threshold():
    rule = make("weak", {"literal": "timed out", "weight": 0.3})
    assert MATCH_THRESHOLD > 0.3
    assert ids("the job timed out", [rule]) == []


def test_evidence_offsets_point_into_the_original_text():
    paste = "\x1b[31mError: read ECONNRESET\x1b[0m\r\n"
    match = diagnose(paste, [RESET])[0]
    ev = match.evidence[0]
    assert paste[ev.start : ev.end] == ev.text == "ECONNRESET"


def test_wrapped_token_is_found_across_a_terminal_wrap():
    head = "npm ERR! request to https://registry.example.org/pkg failed, reason: read "
    line = head[-73:] + "ECONNRE"
    assert len(line) == 80
    paste = line + "\nSET\n"
    match = diagnose(paste, [RESET])[0]
    assert match.evidence[0].text == "ECONNRE\nSET"


def test_huge_paste_is_partial_but_still_diagnosed():
    paste = "noise line\n" * 100_000 + "Error: read ECONNRESET\n" + "noise line\n" * 100_000
    result = analyse(paste, [RESET])
    assert result.partial
    assert [m.rule.id for m in result.matches] == ["reset"]


NOT_NETWORK = {
    "keyerror": 'Traceback (most recent call last):\n  File "app.py", line 12, in <module>\n    value = config["timeout"]\nKeyError: \'timeout\'',
    "typescript": "src/index.ts:14:7 - error TS2322: Type 'string' is not assignable to type 'number'.\n\n14   let port: number = process.env.PORT;\n         ~~~~\n\nFound 1 error in src/index.ts:14",
    "segfault": "Segmentation fault (core dumped)\n[1]    48213 segmentation fault  ./server --port 8080",
    "eaddrinuse": "Error: listen EADDRINUSE: address already in use :::3000\n    at Server.setupListenHandle [as _listen2] (node:net:1817:16) {\n  code: 'EADDRINUSE',\n  errno: -98,\n  syscall: 'listen',\n  address: '::',\n  port: 3000\n}",
    "null-pointer": 'Exception in thread "main" java.lang.NullPointerException: Cannot invoke "String.length()" because "s" is null\n\tat com.example.App.main(App.java:5)',
    "go-nil-map": "panic: assignment to entry in nil map\n\ngoroutine 1 [running]:\nmain.main()\n\t/tmp/sandbox/prog.go:5 +0x2e\nexit status 2",
    "module-not-found": "Error: Cannot find module 'express'\nRequire stack:\n- /app/server.js\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1145:15) {\n  code: 'MODULE_NOT_FOUND',\n  requireStack: [ '/app/server.js' ]\n}",
    "enoent": "Error: ENOENT: no such file or directory, open '/app/config.json'\n    at Object.openSync (node:fs:596:3) {\n  errno: -2,\n  code: 'ENOENT',\n  syscall: 'open',\n  path: '/app/config.json'\n}",
    "empty": "",
    "binary": "\x00\x01\x02\xff\xfe PNG IHDR \x89\x00\x00",
}


@pytest.mark.parametrize("name", sorted(NOT_NETWORK))
def test_pastes_that_are_not_network_errors_match_nothing(name, catalog):
    assert ids(NOT_NETWORK[name], catalog) == []


def test_scores_are_in_range_for_every_example(catalog):
    for rule in catalog:
        for example in rule.examples:
            for m in diagnose(example.paste, catalog):
                assert MATCH_THRESHOLD <= m.score <= 1.0


def test_prefilter_never_changes_an_answer(catalog):
    """Running every pattern (no keys) gives the same matches as the indexed Catalog."""
    import dataclasses
    from pathlib import Path

    from engine.keys import Keys
    from engine.match import Catalog

    unkeyed = [
        dataclasses.replace(r, patterns=tuple(dataclasses.replace(p, keys=Keys()) for p in r.patterns),
                            excludes=tuple(dataclasses.replace(p, keys=Keys()) for p in r.excludes))
        for r in catalog
    ]
    indexed, plain = Catalog(catalog), Catalog(unkeyed)
    texts = [e.paste for r in catalog for e in r.examples + r.near_misses]
    texts += [p.read_text(errors="replace") for p in (Path(__file__).parent / "pastes").rglob("*.txt")]
    for text in texts:
        a = [(m.rule.id, m.score, m.context, m.evidence) for m in diagnose(text, indexed)]
        b = [(m.rule.id, m.score, m.context, m.evidence) for m in diagnose(text, plain)]
        assert a == b, text[:200]


def test_keys_are_derived_from_regexes():
    import re

    from engine.keys import required

    assert required(re.compile(r"\bECONNRESET\b")).alternatives == {("word", "econnreset")}
    assert required(re.compile(r"\bE?CONNRESET\b")).alternatives == {("suffix", "connreset")}
    assert required(re.compile(r"\bESYNTH1[A-Z]*\b")).alternatives == {("prefix", "esynth1")}
    # Inside a group the neighbours are not known, so a plain substring is required.
    assert required(re.compile(r"(?:getaddrinfo|lookup) \w+")).alternatives == {("needle", "getaddrinfo"), ("needle", "lookup")}
    assert required(re.compile(r"\w+")).alternatives == frozenset()
