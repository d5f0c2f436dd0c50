"""The runtime table: every runtime list derives from it, and rules/schema.json agrees with it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from engine import context, model
from engine.runtimes import CONTEXTS, FIX_RUNTIMES, LABELS, PARENTS, RUNTIMES, fix_runtime

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "rules" / "schema.json"


def _sync_tool():
    spec = importlib.util.spec_from_file_location("sync_runtimes", ROOT / "tools" / "sync_runtimes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_names_are_unique_and_every_reference_names_a_row():
    names = [r.name for r in RUNTIMES]
    assert len(names) == len(set(names))
    for row in RUNTIMES:
        assert row.parent is None or row.parent in names, row
        assert all(f in names and f != row.name for f in row.fallback), row
        assert row.label.strip(), row


def test_parents_form_no_cycle_and_a_child_falls_back_to_its_parent():
    for row in RUNTIMES:
        seen, at = {row.name}, row.parent
        while at is not None:
            assert at not in seen, f"parent cycle through {at}"
            seen.add(at)
            at = PARENTS[at]
        if row.parent is not None:
            assert row.parent in row.fallback, f"{row.name}: a paste from it is also a {row.parent} paste"


def test_derived_lists_follow_the_table():
    assert CONTEXTS == tuple(r.name for r in RUNTIMES)
    assert sorted(FIX_RUNTIMES) == sorted(CONTEXTS)
    first = [r.name for r in RUNTIMES if r.first_tab]
    assert list(FIX_RUNTIMES[: len(first)]) == first
    rest = list(FIX_RUNTIMES[len(first) :])
    assert rest == [n for n in CONTEXTS if n not in first]  # table order otherwise
    assert LABELS == {r.name: r.label for r in RUNTIMES} and tuple(LABELS) == FIX_RUNTIMES
    assert PARENTS == {r.name: r.parent for r in RUNTIMES}


def test_older_homes_of_the_lists_are_the_table():
    assert model.CONTEXTS is CONTEXTS and model.FIX_RUNTIMES is FIX_RUNTIMES
    assert model.RUNTIME_LABELS is LABELS
    assert context.PARENTS is PARENTS


def test_context_detection_names_only_runtimes_of_the_table():
    assert {ctx for ctx, _, _ in context._SIGNALS} <= set(CONTEXTS)


def test_fix_runtime_prefers_the_exact_tab_then_the_fallbacks_in_order():
    assert fix_runtime("python", ["node", "python"]) == "python"
    assert fix_runtime("anthropic-sdk-python", ["node", "python"]) == "python"
    assert fix_runtime("mcp", ["node", "claude-code"]) == "claude-code"
    assert fix_runtime("mcp", ["node", "python"]) == "node"
    assert fix_runtime("dotnet", ["node", "python"]) is None
    assert fix_runtime(None, ["node"]) is None
    assert fix_runtime("cobol", ["node"]) is None


def test_schema_runtime_lists_match_the_table():
    tool = _sync_tool()
    problems = tool.drift(json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert not problems, (
        "rules/schema.json's runtime lists drifted from engine/runtimes.py: "
        + "; ".join(problems)
        + f". Run `{tool.COMMAND}` to rewrite them."
    )


def test_sync_leaves_an_agreeing_schema_byte_for_byte():
    text = SCHEMA.read_text(encoding="utf-8")
    assert _sync_tool().synced(text) == text


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t.replace('"go", "java", ', '"java", "go", ', 1),  # enum reordered
        lambda t: t.replace(', "dotnet"]}', "]}", 1),  # a runtime missing from the enum
        lambda t: t.replace('        "php": {"$ref": "#/$defs/markdown"},\n', "", 1),  # a fix tab missing
        lambda t: t.replace('        "node": {"$ref": "#/$defs/markdown"},\n', "", 1).replace(
            '        "go": {"$ref"', '        "node": {"$ref": "#/$defs/markdown"},\n        "go": {"$ref"', 1
        ),  # fix tabs reordered
    ],
    ids=["enum-order", "enum-missing", "fix-missing", "fix-order"],
)
def test_sync_repairs_a_drifted_schema_and_touches_nothing_else(damage):
    tool = _sync_tool()
    text = SCHEMA.read_text(encoding="utf-8")
    broken = damage(text)
    assert broken != text and tool.drift(json.loads(broken))
    assert tool.synced(broken) == text
