"""Rewrite the runtime lists of rules/schema.json from engine/runtimes.py.

Usage: .venv/bin/python tools/sync_runtimes.py [--check]

The schema names the runtimes twice, for editors: the `context` enum and the
properties of `fixes` (in fix tab order). Only those two lists are rewritten, in
the file's own layout, so the rest of the file is left byte for byte as it was.
With --check, nothing is written and the exit status is 1 when they drift.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from engine.runtimes import CONTEXTS, FIX_RUNTIMES  # noqa: E402
from overrides.commands import command  # noqa: E402

__all__ = ["SCHEMA", "drift", "main", "synced"]

SCHEMA = Path(__file__).resolve().parent.parent / "rules" / "schema.json"
COMMAND = command("tools/sync_runtimes.py")

_WIDTH = 110
_ENUM = re.compile(r'(?P<head>^[ \t]*"context": \{(?:[^\[\]\n]*, )?"enum": \[)(?P<body>[^\]]*)(?P<tail>\]\})', re.MULTILINE)
_FIXES = re.compile(r'(?P<head>^[ \t]*"fixes": \{\n(?:.*\n)*?[ \t]*"properties": \{\n)(?P<body>(?:[ \t]*"[^"\n]+": .*\n)*?)(?P<tail>[ \t]*\}\n)', re.MULTILINE)
_PROPERTY = re.compile(r'^(?P<indent>[ \t]*)"(?P<name>[^"\n]+)": (?P<value>.*?),?$')


def _enum_body(names: tuple[str, ...], indent: int) -> str:
    """The names as JSON strings, wrapped like the file wraps them (continuation lines under the first)."""
    lines: list[str] = []
    line = ""
    for item in (json.dumps(n) for n in names):
        if line and indent + len(line) + len(item) + 1 > _WIDTH:
            lines.append(line.rstrip())
            line = ""
        line += item + ", "
    lines.append(line.removesuffix(", "))
    return ("\n" + " " * indent).join(lines)


def _fixes_body(body: str) -> str:
    """One property per fix runtime, keeping each existing value (a new one copies the first)."""
    found = [_PROPERTY.match(line) for line in body.splitlines()]
    values = {m["name"]: m["value"] for m in found if m}
    indent = found[0]["indent"] if found and found[0] else " " * 8
    default = next(iter(values.values()), '{"$ref": "#/$defs/markdown"}')
    rows = [f'{indent}"{name}": {values.get(name, default)}' for name in FIX_RUNTIMES]
    return ",\n".join(rows) + "\n"


def synced(text: str) -> str:
    """The schema text with both runtime lists rewritten from the table."""
    enum = _ENUM.search(text)
    fixes = _FIXES.search(text)
    if enum is None or fixes is None:
        raise SystemExit(f"{SCHEMA}: cannot find the {'context enum' if enum is None else 'fixes properties'} to rewrite")
    body = _enum_body(CONTEXTS, len(enum["head"]))
    text = text[: enum.start("body")] + body + text[enum.end("body") :]
    fixes = _FIXES.search(text)
    assert fixes is not None
    return text[: fixes.start("body")] + _fixes_body(fixes["body"]) + text[fixes.end("body") :]


def drift(schema: dict[str, Any]) -> list[str]:
    """How the parsed schema's runtime lists differ from the table (empty when they agree)."""
    problems: list[str] = []
    enum = tuple(schema["$defs"]["context"]["enum"])
    if enum != CONTEXTS:
        problems.append(f"$defs.context.enum is {list(enum)}, the table says {list(CONTEXTS)}")
    tabs = tuple(schema["properties"]["fixes"]["properties"])
    if tabs != FIX_RUNTIMES:
        problems.append(f"properties.fixes.properties are {list(tabs)}, the table says {list(FIX_RUNTIMES)}")
    return problems


def main(argv: list[str]) -> int:
    """Rewrite rules/schema.json (or, with --check, report drift); returns the exit status."""
    text = SCHEMA.read_text(encoding="utf-8")
    new = synced(text)
    left = drift(json.loads(new))
    if left:
        raise SystemExit(f"{SCHEMA}: rewriting did not bring the runtime lists in line: {'; '.join(left)}")
    if "--check" in argv:
        problems = drift(json.loads(text))
        for problem in problems:
            print(f"{SCHEMA}: {problem}; run `{COMMAND}`", file=sys.stderr)
        return 1 if problems else 0
    if new != text:
        SCHEMA.write_text(new, encoding="utf-8")
        print(f"rewrote the runtime lists of {SCHEMA}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
