"""A small JSON Schema validator: the subset rules/schema.json uses, with plain messages.

It runs in the browser (the rule playground) as well as at build time, so it is
standard library only. Messages read "expected X, got Y". It is honest about its
subset: a schema using a keyword it does not implement is refused when it is
loaded (check_schema), rather than that keyword being silently ignored, and
tests/test_schema.py holds it to `jsonschema`'s Draft 2020-12 verdicts.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Path", "SchemaError", "SchemaIssue", "check_schema", "dotted", "validate"]

Path = tuple[str | int, ...]

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# How rules/schema.json says "not blank": a length would count spaces.
NOT_BLANK = "\\S"

# Keywords that only describe; no value can fail them.
_ANNOTATIONS = frozenset({"$comment", "title", "description", "default", "examples", "deprecated", "readOnly", "writeOnly"})
# Keywords _Validator implements, each with the shape of value it understands.
_SCHEMA, _SCHEMAS, _SCHEMA_MAP = "a schema", "a non-empty list of schemas", "a mapping of names to schemas"
_KEYWORDS: dict[str, str] = {
    "$ref": "a local reference (#/...)",
    "$defs": _SCHEMA_MAP,
    "allOf": _SCHEMAS,
    "anyOf": _SCHEMAS,
    "oneOf": _SCHEMAS,
    "if": _SCHEMA,
    "then": _SCHEMA,
    "propertyNames": _SCHEMA,
    "const": "any value",
    "enum": "a list",
    "type": "a type name or a list of them",
    "minLength": "a whole number of at least 0",
    "maxLength": "a whole number of at least 0",
    "pattern": "a regular expression",
    "minimum": "a number",
    "maximum": "a number",
    "minItems": "a whole number of at least 0",
    "maxItems": "a whole number of at least 0",
    "uniqueItems": "true or false",
    "items": _SCHEMA,
    "properties": _SCHEMA_MAP,
    "required": "a list of names",
    "minProperties": "a whole number of at least 0",
    "additionalProperties": "true, false or a schema",
}


class SchemaError(ValueError):
    """The schema itself is outside what this validator implements; the message names the keyword and where."""

    def __init__(self, message: str, file: str | None = None) -> None:
        super().__init__(f"{file}: {message}" if file else message)
        self.message = message
        self.file = file


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


def _same(a: Any, b: Any) -> bool:
    """JSON equality: true is not 1, 1 is 1.0, lists and mappings compare item by item."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


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
    if name == "integer":  # JSON Schema counts 1.0 as an integer
        return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, float) and value.is_integer())
    if name == "boolean":
        return isinstance(value, bool)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    if name == "null":
        return value is None
    return False


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value and abs(value) != float("inf")


def _keyword_fits(keyword: str, value: Any) -> bool:
    """Whether a keyword's value has the shape _Validator reads (sub-schemas are checked on their own)."""
    shape = _KEYWORDS[keyword]
    if shape == _SCHEMA:
        return isinstance(value, dict)
    if shape == _SCHEMAS:
        return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
    if shape == _SCHEMA_MAP:
        return isinstance(value, dict) and all(isinstance(v, dict) for v in value.values())
    if keyword == "$ref":
        return isinstance(value, str) and value.startswith("#/")
    if keyword == "enum":
        return isinstance(value, list)
    if keyword == "const":
        return True
    if keyword == "type":
        names = value if isinstance(value, list) else [value]
        return bool(names) and all(isinstance(n, str) and n in _TYPE_NAMES for n in names)
    if keyword == "pattern":
        if not isinstance(value, str):
            return False
        try:
            re.compile(value)
        except re.error:
            return False
        return True
    if keyword in ("minimum", "maximum"):
        return _is_number(value)
    if keyword == "uniqueItems":
        return isinstance(value, bool)
    if keyword == "required":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if keyword == "additionalProperties":
        return isinstance(value, (bool, dict))
    return _is_count(value)


def _pointer(root: dict[str, Any], ref: str) -> Any:
    """The value a local reference (#/a/b, JSON Pointer escapes ~0 ~1) points to, or None."""
    target: Any = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(target, dict) or part not in target:
            return None
        target = target[part]
    return target


def _follow(root: dict[str, Any], ref: str, where: str) -> None:
    """Refuse a reference that points to no schema, or to a chain of references that comes back on itself."""
    seen = {ref}
    target = _pointer(root, ref)
    while isinstance(target, dict) and isinstance(target.get("$ref"), str):
        if target["$ref"] in seen:
            raise SchemaError(f"{where}: reference {ref} leads back to itself")
        seen.add(target["$ref"])
        target = _pointer(root, target["$ref"])
    if not isinstance(target, dict):
        raise SchemaError(f"{where}: reference {ref} points to no schema")


def check_schema(schema: Any) -> Any:
    """Refuse a schema that uses a keyword (or a form of one) this validator does not implement; returns it unchanged.

    Raises SchemaError naming the keyword and its place, e.g. properties.id.format.
    """
    if not isinstance(schema, dict):
        raise SchemaError(f"expected the schema to be a mapping, got {_describe(schema)}")
    if schema.get("$schema", DIALECT) != DIALECT:
        raise SchemaError(f"$schema: expected {DIALECT} (the dialect engine/schema.py implements), got {schema['$schema']!r}")
    stack: list[tuple[dict[str, Any], Path]] = [(schema, ())]
    while stack:
        node, path = stack.pop()
        for keyword, value in node.items():
            where = dotted(path + (keyword,))
            if keyword in ("$schema", "$id") and path == ():
                continue  # the root's dialect (checked above) and base name; $ref stays local
            if keyword in _ANNOTATIONS or keyword.startswith("x-"):
                continue  # x-: the schema's own notes for its readers (JSON Schema ignores unknown keywords)
            if keyword not in _KEYWORDS:
                raise SchemaError(f"{where}: schema keyword '{keyword}' is not implemented by engine/schema.py; "
                                  f"implement it there or write the schema without it")
            if not _keyword_fits(keyword, value):
                raise SchemaError(f"{where}: engine/schema.py expects {_KEYWORDS[keyword]} here, got {_describe(value)}")
            if keyword == "$ref":
                _follow(schema, value, where)
                beside = [k for k in node if k not in _ANNOTATIONS and k != "$ref"]
                if beside:
                    # JSON Schema applies both; merging them, as _Validator does, would not
                    raise SchemaError(f"{where}: a $ref beside '{beside[0]}' is not implemented by engine/schema.py; "
                                      f"move '{beside[0]}' into the referenced schema")
            shape = _KEYWORDS[keyword]
            if shape == _SCHEMA or (keyword == "additionalProperties" and isinstance(value, dict)):
                stack.append((value, path + (keyword,)))
            elif shape == _SCHEMAS:
                stack.extend((v, path + (keyword, i)) for i, v in reversed(list(enumerate(value))))
            elif shape == _SCHEMA_MAP:
                stack.extend((v, path + (keyword, k)) for k, v in reversed(list(value.items())))
    return schema


def _did_you_mean(value: Any, options: list[Any]) -> str:
    """' (did you mean X?)' for text close to one of the allowed values, else ''."""
    if not isinstance(value, str):
        return ""
    import difflib  # only when reporting a mistake

    close = difflib.get_close_matches(value, [o for o in options if isinstance(o, str)], n=1)
    return f" (did you mean {close[0]}?)" if close else ""


class _Validator:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.issues: list[SchemaIssue] = []

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        # check_schema allowed only annotations beside a $ref, and no cycles
        while "$ref" in schema:
            schema = _pointer(self.root, schema["$ref"])
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
        for part in schema.get("allOf", ()):
            self.check(value, part, path)
        if "then" in schema and "if" in schema and self.fits(value, schema["if"]):
            self.check(value, schema["then"], path)
        if "propertyNames" in schema and isinstance(value, dict):
            for name in value:
                self.check(name, schema["propertyNames"], path + (name,))
        if "const" in schema and not _same(value, schema["const"]):
            self.add(path, f"expected {_describe(schema['const'])}, got {_describe(value)}")
            return
        if "anyOf" in schema:
            if not any(self.fits(value, s) for s in schema["anyOf"]):
                wanted = " or ".join(self._expected(self.resolve(s)) for s in schema["anyOf"])
                options = [o for s in schema["anyOf"] for o in self.resolve(s).get("enum", ())]
                self.add(path, f"expected {wanted}, got {_describe(value)}{_did_you_mean(value, options)}")
                return
        if "enum" in schema and not any(_same(value, option) for option in schema["enum"]):
            options = ", ".join(str(o) for o in schema["enum"])
            self.add(path, f"expected one of {options}, got {_describe(value)}{_did_you_mean(value, schema['enum'])}")
            return
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_is_type(value, t) for t in types):
                wanted = " or ".join(_TYPE_NAMES[t] for t in types)
                self.add(path, f"expected {wanted}, got {_describe(value)}")
                return
        if "oneOf" in schema:
            self._check_one_of(value, schema, path)
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

    def _check_one_of(self, value: Any, schema: dict[str, Any], path: Path) -> None:
        passing = [s for s in schema["oneOf"] if self.fits(value, s)]
        if len(passing) == 1:
            return
        names = [k for s in schema["oneOf"] for k in self.resolve(s).get("required", [])]
        if names and isinstance(value, dict):
            present = [k for k in names if k in value]
            got = " and ".join(f"'{k}'" for k in present) if present else "neither"
            self.add(path, f"expected exactly one of {', '.join(repr(n) for n in names)}, got {got}")
        else:
            self.add(path, "expected exactly one of the allowed shapes")

    def _check_string(self, value: str, schema: dict[str, Any], path: Path) -> None:
        # Lengths count every character, spaces included, as JSON Schema does; "not
        # blank" is the pattern \S, and a blank value gets one plain message.
        pattern = schema.get("pattern")
        if pattern is not None and not re.search(pattern, value):
            if not value.strip():
                wanted = "text" if pattern == NOT_BLANK else f"text matching {pattern}"
                self.add(path, f"expected {wanted}, got an empty value")
                return
            self.add(path, f"expected text matching {pattern}, got {_describe(value)}")
        if "minLength" in schema and len(value) < schema["minLength"]:
            self.add(path, f"expected at least {schema['minLength']} characters, got {len(value)}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            self.add(path, f"expected at most {schema['maxLength']} characters, got {len(value)}")

    def _check_list(self, value: list[Any], schema: dict[str, Any], path: Path) -> None:
        if "minItems" in schema and len(value) < schema["minItems"]:
            n = schema["minItems"]
            self.add(path, f"expected at least {n} item{'s' if n != 1 else ''}, got {len(value)}")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            self.add(path, f"expected at most {schema['maxItems']} items, got {len(value)}")
        if schema.get("uniqueItems"):
            seen: list[Any] = []
            for i, item in enumerate(value):
                if any(_same(item, s) for s in seen):
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


# The schema most recently checked, held so its id is not reused while cached.
_checked: list[dict[str, Any]] = []


def validate(value: Any, schema: dict[str, Any]) -> list[SchemaIssue]:
    """Every way `value` breaks `schema`, in document order of discovery. Raises SchemaError for a schema outside the subset."""
    if not (_checked and _checked[0] is schema):
        _checked[:] = [check_schema(schema)]
    validator = _Validator(schema)
    validator.check(value, schema, ())
    return validator.issues
