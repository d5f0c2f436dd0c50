"""The compact JSON bundle of rules the browser loads (it never parses YAML): encoder and decoder.

Kept apart from the loader so that the browser imports neither PyYAML nor the
schema validator: the bundle was checked when the site was built, so decoding
builds Rules directly, with each pattern's prefilter keys as computed then.
A bundled rule carries what matching and the answer need (patterns, fixes,
if_that_fails), not the rest of its page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .keys import Keys
from .model import Pattern, Rule, pattern_spec

__all__ = ["PACKAGED_BUNDLE", "encode_bundle", "load_bundle", "packaged_rules", "rule_from_data", "rule_to_data"]

# Where an installed package keeps the bundle: the wheel's build step (setup.py) writes
# it there from the rules the wheel was built with. A source checkout has none and
# reads rules/ instead.
PACKAGED_BUNDLE = Path(__file__).with_name("rules.json")


def _pattern_data(pattern: Pattern) -> dict[str, Any]:
    data: dict[str, Any] = pattern_spec(pattern.kind, pattern.source, pattern.weight, pattern.when, pattern.implies,
                                        pattern.generic, pattern.case_sensitive)
    data["keys"] = sorted([kind, value] for kind, value in pattern.keys.alternatives)
    return data


def _pattern(data: dict[str, Any]) -> Pattern:
    kind = "literal" if "literal" in data else "regex"
    return Pattern(
        source=data[kind],
        kind=kind,
        weight=float(data["weight"]),
        when=tuple(data.get("when", ())),
        implies=data.get("implies"),
        generic=bool(data.get("generic", False)),
        case_sensitive=bool(data.get("case_sensitive", False)),
        keys=Keys(frozenset((k, v) for k, v in data["keys"])),
    )


def rule_to_data(rule: Rule) -> dict[str, Any]:
    """The part of a rule the browser needs to match and to answer, as JSON-ready data."""
    data: dict[str, Any] = {
        "id": rule.id,
        "title": rule.title,
        "summary": rule.summary,
        "category": rule.category,
        "patterns": [_pattern_data(p) for p in rule.patterns],
    }
    if rule.excludes:
        data["excludes"] = [_pattern_data(p) for p in rule.excludes]
    if rule.wrapper:
        data["wrapper"] = True
    data["fixes"] = dict(rule.fixes)  # JSON keeps the order: the fix tabs' order
    if rule.if_that_fails:
        data["if_that_fails"] = rule.if_that_fails
    if rule.diagnosis:
        data["diagnosis"] = rule.diagnosis
    if rule.codes:
        data["codes"] = list(rule.codes)  # "not sure" guesses look for them
    return data


def rule_from_data(data: dict[str, Any]) -> Rule:
    """The inverse of rule_to_data: a Rule ready to match, without its page-only text."""
    return Rule(
        id=data["id"],
        title=data["title"],
        summary=data["summary"],
        category=data["category"],
        patterns=tuple(_pattern(p) for p in data["patterns"]),
        excludes=tuple(_pattern(p) for p in data.get("excludes", ())),
        wrapper=bool(data.get("wrapper", False)),
        fixes=tuple(data.get("fixes", {}).items()),
        if_that_fails=data.get("if_that_fails", ""),
        diagnosis=data.get("diagnosis", ""),
        codes=tuple(data.get("codes", ())),
        path=f"bundle:{data['id']}",
    )


def load_bundle(bundle: dict[str, Any]) -> list[Rule]:
    """Rules from the compact JSON bundle written at build time (already checked)."""
    rules: list[Rule] = []
    for i, data in enumerate(bundle["rules"]):
        try:
            rules.append(rule_from_data(data))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            name = data.get("id") if isinstance(data, dict) else None
            raise ValueError(f"rules bundle: rule {i} ({name or 'no id'}) is malformed: {type(exc).__name__}: {exc}") from exc
    return rules


def encode_bundle(rules: list[Rule], version: str) -> bytes:
    """The bundle as compact UTF-8 JSON: {"engine": version, "rules": [...]} (what load_bundle reads)."""
    bundle = {"engine": version, "rules": [rule_to_data(r) for r in rules]}
    return json.dumps(bundle, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def packaged_rules() -> list[Rule] | None:
    """The rules bundled into an installed package, or None when there is no bundle (a source checkout).

    ValueError when the file is there but cannot be read as a bundle.
    """
    try:
        raw = PACKAGED_BUNDLE.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ValueError(f"cannot read the packaged rules bundle {PACKAGED_BUNDLE}: {exc.strerror}") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"the packaged rules bundle {PACKAGED_BUNDLE} is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise ValueError(f"the packaged rules bundle {PACKAGED_BUNDLE} has no list of rules")
    return load_bundle(data)
