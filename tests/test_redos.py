"""The backtracking checks: catastrophic patterns are flagged, real rule patterns are not, and `check` ends in bounded time."""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
import warnings
from pathlib import Path

import pytest

from engine import checks
from engine.loader import load_rules
from engine.redos import backtracking_risk
from engine.redos_timed import NOT_CHECKED, attack_inputs, timed_risks

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Each of these takes seconds or more on some near-miss input (exponential or high-degree polynomial).
CATASTROPHIC = [
    r"(\w+\s?)+$", r"(a+)+$", r"(a*)*b", r"(a|aa)+b", r"X(a|a)*$", r"XY(?:\w|\w)*!", r"(?:a|ab|b)*c",
    r"(\d+|\w+)+!", r"(?:\w|\d\d)+!", r"(?:x+x+)+y", r"(.*a){12}!", r"XY(?:.*,){15}!", r"(?:.*,){8}$",
    r"(?:\w+\s?){10}\x00", r"(.|\s)*!", r"(?:[a-z]+|[0-9a-f]+)+@", r"(X)?(?(1)(\w+\s?)+$|Y)",
    r"(X)?(?(1)Y|(?:a|a)+$)", r"X.*.*.*!", r"\s*[ \t]*\s+x", r"\w*\d*\w+!", r"(a+)(?:\1)+!",
    r"(?=(?:a+)+b)", r"(?:(?:a+)b?)+c", r"^(\w+\.?)+@", r"(?:[a-z]|[a-z]{2})+!", r"(?:[\s\S]*?,){6}!",
    r"x.*,.*,.*,.*;", r"y.*:.*:.*:.*;", r"(?:a|a?)+b",
]

# Realistic patterns taken from rules/*.yaml.
SAFE = [
    r"\bdial (?:tcp|unix)[46]? [^\n]*: connect(?:ex)?: (?:connection refused|No connection could be made)",
    r"\blookup [\w.-]+(?: on [\w.:\[\]%-]+)?: no such host\b",
    r"\bcurl: \(35\)(?![^\n]*revocation)",
    r"\bNo internet route[^\n]{0,120}\(E(?:HOST|NET)UNREACH\)",
    r"\bdial (?:tcp|udp)[46]? \S+: i/o timeout\b",
    r"\bgetaddrinfo (?:for \S+ )?failed\b",
    r"\bFailed to connect to [\w.-]+: CERT_HAS_EXPIRED\b",
    r"\bConflicting peer dependency: (?:@[\w.-]+/)?[\w.-]+@\d",
    r"Timeout awaiting '(?:request|response|read|send)' for \d+ms",
    r"\bnpm (?:i|install|add|uninstall|un|remove|rm|update|up|upgrade)\b[^\n]*\s@anthropic-ai/claude-code\b",
    r"(?i)\bcertificate subject name .{1,260}? does not match target host ?name\b",
    r'An unexpected error occurred: "[^"\n]*\bETIMEDOUT\b',
    r"\b(?:read|write) tcp[46]? \S+: i/o timeout\b",
    r'\bRateLimitError: 429 \{"type":"error"',
    r"\bFailed to connect to \S+ port \d+(?: after \d+ ms)?: (?:Connection timed out|Timed out|Operation timed out)",
    r"(?i:\bunable\s+to\s+get\s+local\s+issuer\s+certificate\b)",
    r'^(?:npm (?:ERR!|error|WARN|warn) )?\s*(?:peer|peerOptional) (?:@[\w.-]+/)?[\w.-]+@"[^"\n]*" from (?:@[\w.-]+/)?[\w.-]+@\S',
    r"(?i)\bstatus(?:[ _]?code)?[\"']?\s*[:=]\s*[\"']?429\b",
    r"\bhostname '[^'\n]{1,255}' doesn't match (?:either of )?'",
    r" - [\w.-]+ \(MCP\)\(",
    r"\bOperation timed out after \d+ milliseconds with \d+ (?:out of -?\d+ )?bytes received\b",
    r"\] \[error\] (?:spawn \S+ ENOENT|Unexpected (?:token|non-whitespace character|end of JSON)\b)",
    r"^\s*errno: (?:-32|-4047)\b",
    r"[\"']type[\"']\s*:\s*[\"']timeout_error[\"']",
    r"\bCan't reach the API server[^\n]{0,120}\((?:ENOTFOUND|EAI_AGAIN)\)",
    r"\berrors in the certificate chain: (?:[A-Za-z]{1,40}, ){0,8}NotTimeValid\b",
    r"[/\\]aiohttp[/\\][^\n]*\n(?:[^\n]*\n){0,20}?(?:asyncio\.(?:exceptions\.)?)?TimeoutError\b",
    r"\bInvalid API key\W{1,6}(?:Please run /login|Fix external API key)",
    r"\A(?![\s\S]*?(?i:connection refused|ECONNREFUSED|ConnectionRefused))[\s\S]*?^\* connect to \S+ port \d+ (?:from \S+ port \d+ )?failed: (?:No route to host|Network is unreachable)",
    r"^(?![ \t]{4,}Error: connect E|[ \t]{5,}(?:code|errno): )[^\n]*?\bE(?:HOST|NET)UNREACH\b",
    r"\bHTTP Request: [A-Z]+ \S+ \"HTTP/[\d.]+ 401\b",
]


def _flagged(patterns: list[str]) -> dict[str, str]:
    """Reason per pattern from the static check, or else the timed one (as `check` does)."""
    reasons = {p: backtracking_risk(p) for p in patterns}
    rest = [p for p, r in reasons.items() if not r]
    for i, reason in timed_risks(rest, seconds_per_pattern=1.0, deadline=60.0).items():
        reasons[rest[i]] = reason
    return {p: r for p, r in reasons.items() if r}


def test_every_catastrophic_pattern_is_flagged():
    flagged = _flagged(CATASTROPHIC)
    assert [p for p in CATASTROPHIC if p not in flagged] == []


@pytest.mark.parametrize("pattern", CATASTROPHIC[:27])
def test_catastrophic_pattern_is_caught_statically(pattern):
    assert backtracking_risk(pattern)


def test_no_safe_rule_pattern_is_flagged():
    assert _flagged(SAFE) == {}


def test_no_regex_in_the_rules_is_flagged_statically():
    rules, problems = load_rules(ROOT / "rules")
    assert problems == [] and rules
    sources = [p.source for r in rules for p in list(r.patterns) + list(r.excludes) if p.kind == "regex"]
    assert len(sources) > 100
    assert [s for s in sources if backtracking_risk(s)] == []


@pytest.mark.parametrize("pattern, kind", [
    (r"X(a|a)*$", "branches can match the same text"),
    (r"(.|\n)*!", "one-character alternatives"),
    (r"(.*a){12}!", "to the power 12"),
    (r"X.*.*.*!", "3 adjacent unbounded repeats"),
    (r"(a+)(?:\1)+!", "backreference"),
    (r"(X)?(?(1)(\w+\s?)+$|Y)", "contains another unbounded repeat"),
])
def test_messages_say_what_is_wrong(pattern, kind):
    assert kind in backtracking_risk(pattern)


@pytest.mark.parametrize("pattern", [r"(?:[^\n]*\n)+x", r"((a+)b)+", r"(?:a+b)+", r".*x.*", r"(?:ab|cd)+", r"\s*\S+\s*"])
def test_unambiguous_repeats_are_not_flagged(pattern):
    assert backtracking_risk(pattern) is None


def test_attack_strings_follow_the_structure():
    inputs = attack_inputs(r"XY(?:.*,){15}!", 200)
    assert any(s.startswith("XY,,,,") and s.endswith("\x00") for s in inputs)
    # a pump both branches accept, after the prefix that reaches the repeat
    assert any(s.startswith("Qaaaa") for s in attack_inputs(r"Q(?:a|[a-c])+!", 200))
    # negated classes accept newlines, so newline pumps are built for them
    assert any(set(s[:-1]) == {"\n"} for s in attack_inputs(r"(?:[^x]\n?)+y", 200))


def test_deeply_nested_pattern_is_reported_not_raised():
    assert backtracking_risk("(" * 5000 + "a" + ")" * 5000)
    assert backtracking_risk("(?:" * 200 + "a" + ")" * 200) is None


def test_static_check_is_linear_in_pattern_size():
    def took(n: int) -> float:
        pattern = "(?:ab|cd)+x[a-z]+," * n
        runs = []
        for _ in range(3):  # the best of three, against a busy machine
            start = time.perf_counter()
            backtracking_risk(pattern)
            runs.append(time.perf_counter() - start)
        return min(runs)

    small, large = took(300), took(1200)
    assert large < max(small, 0.01) * 10


def test_global_deadline_bounds_the_timed_check():
    hangers = [f"z{i}.*,.*,.*,.*;" for i in range(20)]
    start = time.monotonic()
    risks = timed_risks(hangers, seconds_per_pattern=0.5, deadline=4.0)
    assert time.monotonic() - start < 8.0
    assert sorted(risks) == list(range(20))
    assert any(r == NOT_CHECKED.format(s=4.0) for r in risks.values())
    assert "kept it busy" in risks[0]


def _hanging_rules(tmp_path: Path, count: int) -> Path:
    base = (HERE / "hostile_rules" / "redos-nested.yaml").read_text()
    for i in range(count):
        text = base.replace("id: redos-nested", f"id: hang-{i:02}").replace(r"'(\w+\s?)+$'", f"'z{i}.*,.*,.*,.*;'")
        (tmp_path / f"hang-{i:02}.yaml").write_text(text)
    shutil.copy(ROOT / "rules" / "schema.json", tmp_path)
    return tmp_path


def test_check_on_a_catalog_of_hangers_ends_within_its_budget(tmp_path, monkeypatch):
    import build

    monkeypatch.chdir(_hanging_rules(tmp_path, 20))
    monkeypatch.setitem(checks.TIMED_BUDGET, True, (0.5, 5.0))
    start = time.monotonic()
    _, problems = build.load_and_check(tmp_path)
    assert time.monotonic() - start < 15.0
    timed = [p for p in problems if "catastrophic backtracking" in p.message]
    assert sorted(p.path for p in timed) == sorted(f"hang-{i:02}.yaml" for i in range(20))
    assert all(p.line == 9 and p.column == 14 for p in timed)
    assert any("not checked in time" in p.message for p in timed)


def test_a_hang_in_the_fast_checks_is_reported_by_the_build(tmp_path, monkeypatch):
    import build

    monkeypatch.chdir(_hanging_rules(tmp_path, 2))
    start = time.monotonic()
    with pytest.raises(build.BuildError, match=r"hang-00.yaml:9:14: .*catastrophic backtracking: an adversarial input kept it busy"):
        build._checked_rules(tmp_path)
    assert time.monotonic() - start < checks.TIMED_BUDGET[False][1] + 5


def test_the_timed_check_is_part_of_the_fast_checks():
    assert checks.check_backtracking_quick in checks.FAST_CHECKS
    assert checks.check_backtracking_timed in checks.CHECKS


def test_in_the_browser_the_static_check_stands_alone(monkeypatch):
    monkeypatch.setattr(sys, "platform", "emscripten")
    assert timed_risks([r"x.*,.*,.*,.*;"]) == {}
    assert backtracking_risk(r"X(a|a)*$")


def test_the_timed_check_alone_catches_what_the_old_seeds_missed():
    # the outside test's bypasses: one repeated character without a structure-aware prefix or end never hung them
    patterns = [r"X(a|a)*$", r"XY(?:\w|\w)*!", r"XY(?:.*,){15}!", r"(.*a){12}!", r"(?:\w+\s?){10}\x00", r"(X)?(?(1)(\w+\s?)+$|Y)"]
    assert sorted(timed_risks(patterns, seconds_per_pattern=1.0, deadline=30.0)) == list(range(len(patterns)))


# --- a second opinion: regexploit (Doyensec) over every rule regex and the hostile fixtures ---------

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)  # it imports sre_parse, deprecated since 3.11
    from regexploit.ast.sre import SreOpParser
    from regexploit.redos import find as regexploit_find

# regexploit's own command line reports a pattern when a ReDoS is this starry or more
# (cubic or worse); quadratic pairs such as `.*x.*` are below its bar and ours.
REGEXPLOIT_BAR = 3


def _regexploit(pattern: str) -> int | None:
    """The starriness of the worst ReDoS regexploit finds (0 for none), or None when it cannot read the pattern."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            parsed = SreOpParser().parse_sre(pattern, re.MULTILINE)
            return max((r.starriness for r in regexploit_find(parsed)), default=0)
    except (re.error, RecursionError, OverflowError, AttributeError):
        # AttributeError: parse-tree nodes it has no handler for (atomic groups, possessive repeats)
        return None


def _rule_regexes() -> list[str]:
    rules, problems = load_rules(ROOT / "rules")
    assert problems == [] and rules
    return [p.source for r in rules for p in list(r.patterns) + list(r.excludes) if p.kind == "regex"]


def _hostile_regexes() -> dict[str, list[str]]:
    """Every regex of every hostile fixture, read as plain YAML (our loader refuses some files before their regexes)."""
    import yaml

    found: dict[str, list[str]] = {}
    for path in sorted((HERE / "hostile_rules").glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, RecursionError, ValueError):
            continue  # deep-nesting, huge-int-weight: PyYAML cannot build them; their regex is a plain 'sample (failure)'
        match = data.get("match") if isinstance(data, dict) else None
        specs = [s for key in ("patterns", "exclude") for s in (match or {}).get(key) or []]
        found[path.stem] = [s["regex"] for s in specs if isinstance(s, dict) and isinstance(s.get("regex"), str)]
    return found


def _refused_by_check(patterns: list[str], folder: Path) -> set[str]:
    """The patterns `build.py check` refuses, each tried as the only regex of an otherwise plain rule."""
    import build

    base = (HERE / "hostile_rules" / "redos-nested.yaml").read_text()
    for i, pattern in enumerate(patterns):
        # a JSON string is a YAML double-quoted scalar, whatever the pattern holds
        text = base.replace("id: redos-nested", f"id: second-{i:02}").replace(r"'(\w+\s?)+$'", json.dumps(pattern))
        (folder / f"second-{i:02}.yaml").write_text(text)
    shutil.copy(ROOT / "rules" / "schema.json", folder)
    _, problems = build.load_and_check(folder)
    names = {f"second-{i:02}.yaml": pattern for i, pattern in enumerate(patterns)}
    return {names[Path(p.path).name] for p in problems
            if Path(p.path).name in names and p.message.startswith("match.patterns[0].regex: ")}


def test_regexploit_flags_no_rule_regex_that_our_checks_pass():
    patterns = _rule_regexes() + SAFE
    verdicts = {p: _regexploit(p) for p in patterns}
    # every rule regex today is one regexploit can read; one it cannot gives no second opinion
    assert [p for p, v in verdicts.items() if v is None] == []
    flagged = [p for p, v in verdicts.items() if v is not None and v >= REGEXPLOIT_BAR]
    assert set(_flagged(flagged)) == set(flagged)


def test_every_hostile_regex_regexploit_flags_is_refused_by_check(tmp_path):
    regexes = _hostile_regexes()
    assert "redos-nested" in regexes and "redos-timed" in regexes
    verdicts = {p: _regexploit(p) for ps in regexes.values() for p in ps}
    flagged = [p for p, v in verdicts.items() if v is not None and v >= REGEXPLOIT_BAR]
    # regexploit's finds among the fixtures, so this test cannot pass by finding nothing
    assert {r"(\w+\s?)+$", r"X.*.*.*!", r"\s*[ \t]*\s+x", r"x.*,.*,.*,.*;"} <= set(flagged)
    # What regexploit cannot read it has no opinion on: a repeat bound past re's limit
    # (huge-repeat) and groups nested past Python's recursion limit (deep-regex-groups).
    # Our compile limits refuse both before any parser recurses, so they are checked too.
    unread = [p for p, v in verdicts.items() if v is None]
    assert len(unread) == 2
    refused = _refused_by_check(flagged + unread, tmp_path)
    assert [p for p in flagged + unread if p not in refused] == []


# Where regexploit sees a ReDoS that the static check passes, and why the timed check must catch it.
TIMED_ONLY = {
    r"x.*,.*,.*,.*;": "four .* split by literals they also match: degree 4, but no two repeats are adjacent",
    r"y.*:.*:.*:.*;": "the same shape with another separator",
}


def test_regexploit_and_the_static_check_agree_on_the_catastrophic_list():
    # The other direction is not asked of regexploit: it reads no bounded repeats ((.*a){12}),
    # backreferences, conditionals or lookarounds, and expands alternations only where
    # their branches differ, so (a|a)* and (.|\n)* pass it. We refuse all of them.
    flagged = [p for p in CATASTROPHIC if (_regexploit(p) or 0) >= REGEXPLOIT_BAR]
    assert len(flagged) >= 8
    assert [p for p in flagged if not backtracking_risk(p)] == list(TIMED_ONLY)
    # ...and test_every_catastrophic_pattern_is_flagged holds the timed check to those.
