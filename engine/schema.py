"""A small JSON Schema validator: the subset rules/schema.json uses, with plain messages.

It runs in the browser (the rule playground) as well as at build time, so it is
standard library only. Messages read "expected X, got Y".
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Path", "SchemaIssue", "validate"]

Path = tuple[str | int, ...]


class SchemaIssue:
    """One violation: where in the document (a key path) and what is wrong."""

    __slots__ = ("path", "message", "at_key")

    def __init__(self, path: Path, message: str, at_key: bool = False) -> None:
        self.path = path
        self.message = message
        self.at_key = at_key  # point at the key rather than its value

    def __repr__(self) -> str:
        return f"SchemaIssue({self.path!r}, {self.message!r})"


def dotted(path: Path) -> str:
    """faqs[2].q style name for a key path."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'text "{shown}"'
    if isinstance(value, list):
        return f"a list of {len(value)} item{'s' if len(value) != 1 else ''}"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_TYPE_NAMES = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "nothing",
}


def _is_type(value: Any, name: str) -> bool:
    if name == "string":
        return isinstance(value, str)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    if name == "null":
        return value is None
    return False


class _Validator:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.issues: list[SchemaIssue] = []

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"only local $ref is supported, got {ref}")
            target: Any = self.root
            for part in ref[2:].split("/"):
                target = target[part]
            merged = {k: v for k, v in schema.items() if k != "$ref"}
            merged.update(target)
            schema = merged
        return schema

    def fits(self, value: Any, schema: dict[str, Any]) -> bool:
        trial = _Validator(self.root)
        trial.check(value, schema, ())
        return not trial.issues

    def add(self, path: Path, message: str, at_key: bool = False) -> None:
        name = dotted(path[:-1] if at_key else path)
        self.issues.append(SchemaIssue(path, f"{name}: {message}" if name else message, at_key))

    def check(self, value: Any, schema: dict[str, Any], path: Path) -> None:
        schema = self.resolve(schema)
        if "anyOf" in schema:
            if not any(self.fits(value, s) for s in schema["anyOf"]):
                wanted = " or ".join(self._expected(self.resolve(s)) for s in schema["anyOf"])
                self.add(path, f"expected {wanted}, got {_describe(value)}")
                return
        if "enum" in schema and value not in schema["enum"]:
            options = ", ".join(str(o) for o in schema["enum"])
            hint = ""
            if isinstance(value, str):
                import difflib  # only when reporting a mistake

                close = difflib.get_close_matches(value, [str(o) for o in schema["enum"]], n=1)
                hint = f" (did you mean {close[0]}?)" if close else ""
            self.add(path, f"expected one of {options}, got {_describe(value)}{hint}")
            return
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_is_type(value, t) for t in types):
                wanted = " or ".join(_TYPE_NAMES[t] for t in types)
                self.add(path, f"expected {wanted}, got {_describe(value)}")
                return
        if isinstance(value, str):
            self._check_string(value, schema, path)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if value != value or value in (float("inf"), float("-inf")):  # NaN passes every comparison
                self.add(path, f"expected a finite number, got {value}")
                return
            if "minimum" in schema and value < schema["minimum"]:
                self.add(path, f"expected a number of at least {schema['minimum']}, got {value}")
            if "maximum" in schema and value > schema["maximum"]:
                self.add(path, f"expected a number of at most {schema['maximum']}, got {value}")
        elif isinstance(value, list):
            self._check_list(value, schema, path)
        elif isinstance(value, dict):
            self._check_mapping(value, schema, path)

    def _expected(self, schema: dict[str, Any]) -> str:
        if "enum" in schema:
            return "one of " + ", ".join(str(o) for o in schema["enum"])
        t = schema.get("type")
        return _TYPE_NAMES.get(t, "a value") if isinstance(t, str) else "a value"

    def _check_string(self, value: str, schema: dict[str, Any], path: Path) -> None:
        if "minLength" in schema and len(value.strip()) < schema["minLength"]:
            if not value.strip():
                self.add(path, "expected text, got an empty value")
            else:
                self.add(path, f"expected at least {schema['minLength']} characters, got {len(value.strip())}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            self.add(path, f"expected at most {schema['maxLength']} characters, got {len(value)}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            self.add(path, f"expected text matching {schema['pattern']}, got {_describe(value)}")

    def _check_list(self, value: list[Any], schema: dict[str, Any], path: Path) -> None:
        if "minItems" in schema and len(value) < schema["minItems"]:
            n = schema["minItems"]
            self.add(path, f"expected at least {n} item{'s' if n != 1 else ''}, got {len(value)}")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            self.add(path, f"expected at most {schema['maxItems']} items, got {len(value)}")
        if schema.get("uniqueItems"):
            seen: list[Any] = []
            for i, item in enumerate(value):
                if item in seen:
                    self.add(path + (i,), f"duplicate item {_describe(item)}")
                seen.append(item)
        if "items" in schema:
            for i, item in enumerate(value):
                self.check(item, schema["items"], path + (i,))

    def _check_mapping(self, value: dict[str, Any], schema: dict[str, Any], path: Path) -> None:
        props: dict[str, Any] = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                self.add(path, f"missing required field '{key}'")
        if "minProperties" in schema and len(value) < schema["minProperties"]:
            n = schema["minProperties"]
            self.add(path, f"expected at least {n} entries, got {len(value)}")
        if "oneOf" in schema:
            passing = [s for s in schema["oneOf"] if self.fits(value, s)]
            if len(passing) != 1:
                names = [k for s in schema["oneOf"] for k in self.resolve(s).get("required", [])]
                if names:
                    present = [k for k in names if k in value]
                    got = " and ".join(f"'{k}'" for k in present) if present else "neither"
                    self.add(path, f"expected exactly one of {', '.join(repr(n) for n in names)}, got {got}")
                else:
                    self.add(path, "expected exactly one of the allowed shapes")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                self.check(item, props[key], path + (key,))
            elif extra is False:
                import difflib  # only when reporting a mistake

                close = difflib.get_close_matches(str(key), list(props), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (expected one of: {', '.join(props)})"
                self.add(path + (key,), f"unknown field '{key}'{hint}", at_key=True)
            elif isinstance(extra, dict):
                self.check(item, extra, path + (key,))


def validate(value: Any, schema: dict[str, Any]) -> list[SchemaIssue]:
    """Every way `value` breaks `schema`, in document order of discovery."""
    validator = _Validator(schema)
    validator.check(value, schema, ())
    return validator.issues
