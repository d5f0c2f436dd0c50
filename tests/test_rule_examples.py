"""Every rule's own examples are tests: positives rank their rule first, near misses do not match it."""

from __future__ import annotations

import pytest

from conftest import load_catalog_for_collection
from engine import analyse

_RULES = load_catalog_for_collection()

_POSITIVE = [pytest.param(rule, ex, id=f"{rule.id}:{ex.line}") for rule in _RULES for ex in rule.examples]
_NEGATIVE = [pytest.param(rule, ex, id=f"{rule.id}:{ex.line}") for rule in _RULES for ex in rule.near_misses]


@pytest.mark.parametrize(("rule", "example"), _POSITIVE)
def test_example_ranks_its_rule_first(rule, example, catalog):
    result = analyse(example.paste, catalog)
    ranked = [m.rule.id for m in result.matches]
    assert ranked, f"{rule.path}:{example.line}: no rule matched this example"
    assert ranked[0] == rule.id, f"{rule.path}:{example.line}: expected {rule.id} first, got {ranked}"
    assert result.matches[0].context == example.context, f"{rule.path}:{example.line}: context"
    for ev in result.matches[0].evidence:
        assert example.paste[ev.start : ev.end] == ev.text


@pytest.mark.parametrize(("rule", "near"), _NEGATIVE)
def test_near_miss_does_not_match(rule, near, catalog):
    ranked = [m.rule.id for m in analyse(near.paste, catalog).matches]
    assert rule.id not in ranked, f"{rule.path}:{near.line}: near miss matched {rule.id}: {ranked}"
    if near.instead:
        assert ranked and ranked[0] == near.instead, f"{rule.path}:{near.line}: expected {near.instead} first, got {ranked}"


def test_only_in_replaces_the_three_runtimes_with_each_named_tool(catalog):
    from dataclasses import replace

    from engine.checks import check_examples

    catalog = {r.id: r for r in catalog}
    rule = catalog["usage-limit-reached"]
    assert rule.only_in and not [p for p in check_examples(rule, catalog) if "only_in" in p.message or "runtimes" in p.message]
    wanting = replace(rule, only_in=("claude-code", "dotnet"))
    messages = [p.message for p in check_examples(wanting, {**catalog, rule.id: wanting})]
    assert any(m.startswith("only_in: expected an example from each of claude-code, dotnet, none from dotnet") for m in messages)
    plain = replace(rule, only_in=())
    assert any("at least 3 runtimes" in p.message for p in check_examples(plain, {**catalog, rule.id: plain}))
