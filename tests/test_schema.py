"""engine/schema.py: refuses schema keywords it does not implement, and agrees with jsonschema's Draft 2020-12 validator."""

from __future__ import annotations

import copy
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine.loader import _parse, load_rules, load_schema
from engine.schema import SchemaError, check_schema, validate

if sys.implementation.name != "cpython":  # jsonschema needs rpds-py, compiled for CPython
    pytest.skip("jsonschema is a CPython-only test dependency", allow_module_level=True)

from jsonschema import Draft202012Validator  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCHEMA = json.loads((ROOT / "rules" / "schema.json").read_text(encoding="utf-8"))
FILES = sorted([*(ROOT / "rules").glob("*.yaml"), *(HERE / "broken_rules").glob("*.yaml"), *(HERE / "hostile_rules").glob("*.yaml")])


def _ours(data: Any) -> set[tuple[str | int, ...]]:
    """Where schema.py finds problems, counted where JSON Schema reports them.

    schema.py points at a misspelt key and at the repeated item of a unique list, to
    show the reader the very line; JSON Schema reports both at the mapping or list.
    """
    return {issue.path[:-1] if issue.at_key or "duplicate item" in issue.message else issue.path
            for issue in validate(data, SCHEMA)}


def _theirs(data: Any) -> set[tuple[str | int, ...]]:
    """Where jsonschema's Draft 2020-12 validator finds problems."""
    return {tuple(error.absolute_path) for error in Draft202012Validator(SCHEMA).iter_errors(data)}


def _is_json(data: Any) -> bool:
    try:
        json.dumps(data, allow_nan=False)
    except ValueError:
        return False
    return True


def test_the_rule_schema_is_a_valid_2020_12_schema_within_our_subset():
    Draft202012Validator.check_schema(SCHEMA)
    assert check_schema(SCHEMA) is SCHEMA


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_schema_py_and_jsonschema_agree_on_every_rule_and_fixture(path):
    data, _, problems = _parse(path.read_text(encoding="utf-8"), path.name)
    if data is None:
        # YAML that never becomes data (a syntax error, an alias bomb, nesting or a number
        # past the loader's limits) is refused before any schema sees it.
        assert problems
        return
    if not _is_json(data):
        # NaN and infinity are not JSON, so JSON Schema has no verdict on them (jsonschema
        # lets NaN through every bound); schema.py refuses them as it reads.
        assert any("expected a finite number" in i.message for i in validate(data, SCHEMA))
        return
    assert _ours(data) == _theirs(data)
    if path.parent.name == "rules":
        assert _ours(data) == set()


def _set(path: tuple[str | int, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _drop(path: tuple[str | int, ...]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for part in path[:-1]:
            target = target[part]
        del target[path[-1]]

    return change


# One change each to a valid rule, and whether the result is still valid: every keyword
# of rules/schema.json is exercised.
CHANGES: dict[str, tuple[Callable[[dict[str, Any]], None], bool]] = {
    "blank title": (_set(("title",), "   "), False),
    "short title padded with spaces": (_set(("title",), "  ab  "), True),  # lengths count spaces
    "short title": (_set(("title",), "ab"), False),
    "long summary": (_set(("summary",), "x" * 301), False),
    "bad category": (_set(("category",), "netwrk"), False),
    "bad id": (_set(("id",), "Bad_Id"), False),
    "blank code": (_set(("codes",), [" "]), False),
    "no codes": (_drop(("codes",)), True),
    "weight too high": (_set(("match", "patterns", 0, "weight"), 1), False),
    "weight true": (_set(("match", "patterns", 0, "weight"), True), False),
    "weight in range": (_set(("match", "patterns", 0, "weight"), 0.5), True),
    "regex and literal": (_set(("match", "patterns", 0, "literal"), "both kinds"), False),
    "neither regex nor literal": (_drop(("match", "patterns", 0, "regex")), False),
    "pattern not a mapping": (_set(("match", "patterns", 0), "ECONNRESET"), False),
    "wrapper text": (_set(("match", "wrapper"), "yes"), False),
    "when empty": (_set(("match", "patterns", 0, "when"), []), False),
    "when unknown": (_set(("match", "patterns", 0, "when"), ["perl"]), False),
    "no patterns": (_set(("match", "patterns"), []), False),
    "duplicate related": (lambda d: d.__setitem__("related", [d["related"][0], d["related"][0]]), False),
    "one fix": (lambda d: d.__setitem__("fixes", {"node": d["fixes"]["node"]}), False),
    "unknown fix": (_set(("fixes", "cobol"), "Fix it in COBOL like this, with enough words."), False),
    "unknown field": (_set(("titel",), "A misspelt field"), False),
    "two faqs": (lambda d: d.__setitem__("faqs", d["faqs"][:2]), False),
    "faq without answer": (_drop(("faqs", 0, "a")), False),
    "ftp source": (_set(("sources", 0, "url"), "ftp://example.com/x"), False),
    "null context": (_set(("examples", 0, "context"), None), True),
    "unknown context": (_set(("examples", 0, "context"), "perl"), False),
    "paste a number": (_set(("examples", 0, "paste"), 12345678901), False),
    "short near miss why": (_set(("near_misses", 0, "why"), "no"), False),
    "near miss matches a bad id": (_set(("near_misses", 0, "matches"), "Not An Id"), False),
    "empty mapping": (lambda d: d.clear(), False),
}


@pytest.mark.parametrize("name", CHANGES)
def test_schema_py_and_jsonschema_agree_on_one_change(name):
    data, _, _ = _parse((ROOT / "rules" / "econnreset.yaml").read_text(encoding="utf-8"), "econnreset.yaml")
    assert "regex" in data["match"]["patterns"][0]  # the changes above assume it
    change, valid = CHANGES[name]
    change(data)
    assert _ours(data) == _theirs(data)
    assert (_ours(data) == set()) is valid


def test_a_blank_value_gets_one_plain_message():
    data, _, _ = _parse((ROOT / "rules" / "econnreset.yaml").read_text(encoding="utf-8"), "econnreset.yaml")
    data["title"] = "  "
    assert [i.message for i in validate(data, SCHEMA)] == ["title: expected text, got an empty value"]


def _schema_with(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    schema = copy.deepcopy(SCHEMA)
    change(schema)
    return schema


@pytest.mark.parametrize("change, named", [
    (_set(("properties", "id", "format"), "hostname"), "properties.id.format: schema keyword 'format' is not implemented"),
    (_set(("properties", "title", "minLenght"), 3), "properties.title.minLenght: schema keyword 'minLenght'"),
    (_set(("$defs", "match", "else"), {"required": ["patterns"]}), "$defs.match.else: schema keyword 'else'"),
    (_set(("properties", "related", "items"), [{"type": "string"}]), "properties.related.items: engine/schema.py expects a schema here"),
    (_set(("properties", "codes", "items"), True), "properties.codes.items: engine/schema.py expects a schema here"),
    (_set(("properties", "match", "type"), "object"), "properties.match.$ref: a $ref beside 'type' is not implemented"),
    (_set(("properties", "match", "$ref"), "#/$defs/nothing"), "properties.match.$ref: reference #/$defs/nothing points to no schema"),
    (_set(("properties", "match", "$ref"), "other.json#/x"), "properties.match.$ref: engine/schema.py expects a local reference"),
    (_set(("$defs", "loop"), {"$ref": "#/$defs/loop"}), "$defs.loop.$ref: reference #/$defs/loop leads back to itself"),
    (_set(("properties", "title", "type"), "text"), "properties.title.type: engine/schema.py expects a type name"),
    (_set(("properties", "title", "pattern"), "("), "properties.title.pattern: engine/schema.py expects a regular expression"),
    (_set(("$schema",), "http://json-schema.org/draft-07/schema#"), "$schema: expected https://json-schema.org/draft/2020-12/schema"),
])
def test_a_keyword_schema_py_does_not_implement_is_refused_by_name(change, named):
    schema = _schema_with(change)
    with pytest.raises(SchemaError) as refused:
        check_schema(schema)
    assert named in str(refused.value)
    with pytest.raises(SchemaError):
        validate({}, schema)  # never silently ignored, even for a schema nobody checked


def test_an_unimplemented_keyword_in_schema_json_is_a_located_problem(tmp_path, monkeypatch):
    schema = _schema_with(_set(("properties", "id", "format"), "hostname"))
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    shutil.copy(ROOT / "rules" / "econnreset.yaml", tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SchemaError, match=r"^schema\.json: properties\.id\.format: schema keyword 'format'"):
        load_schema(tmp_path)
    rules, problems = load_rules(tmp_path)
    assert rules == []
    assert [str(p) for p in problems] == [
        "schema.json:1:1: properties.id.format: schema keyword 'format' is not implemented by engine/schema.py; "
        "implement it there or write the schema without it"
    ]


def test_annotations_are_allowed_anywhere():
    schema = _schema_with(_set(("properties", "title", "examples"), ["ECONNRESET"]))
    schema["properties"]["title"]["$comment"] = "shown in editors"
    assert check_schema(schema) is schema
