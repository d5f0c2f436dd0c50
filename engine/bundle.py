"""The compact JSON bundle of rules the browser loads (it never parses YAML).

Kept apart from the loader so that the browser imports neither PyYAML nor the
schema validator: the bundle was checked when the site was built.
"""

from __future__ import annotations

from typing import Any

from .compile import NoLocations, RulesError, compile_rule
from .model import Rule

__all__ = ["load_bundle", "rule_to_data"]

def rule_to_data(rule: Rule) -> dict[str, Any]:
    """The part of a rule the browser needs to match and to show a result."""
    match: dict[str, Any] = {"patterns": [p.to_data() for p in rule.patterns]}
    if rule.excludes:
        match["exclude"] = [p.to_data() for p in rule.excludes]
    if rule.wrapper:
        match["wrapper"] = True
    return {
        "id": rule.id,
        "title": rule.title,
        "summary": rule.summary,
        "category": rule.category,
        "match": match,
        "tabs": [runtime for runtime, _ in rule.fixes],
    }


def load_bundle(bundle: dict[str, Any]) -> list[Rule]:
    """Rules from the compact JSON bundle written at build time (already checked)."""
    rules: list[Rule] = []
    for data in bundle["rules"]:
        rule, problems = compile_rule(data, f"bundle:{data.get('id')}", NoLocations())
        if rule is None:
            raise RulesError(problems)
        rules.append(rule)
    return rules
