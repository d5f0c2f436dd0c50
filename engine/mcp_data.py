"""Read rules/mcp/clients.yaml (the MCP clients' formats), check it, and render it for the engine.

Build-time only, like the loader it leans on: the engine itself reads the generated
engine/mcp_clients.py (tools/gen_mcp_clients.py writes it), so neither CPython nor the
browser needs YAML to build or check a configuration. Problems are located
`path:line:col: message`, all at once, as for the rules.
"""

from __future__ import annotations

import json
import pprint
from pathlib import Path as FsPath
from typing import Any

from .compile import Problem
from .loader import DEFAULT_RULES, _display, _parse
from .schema import check_schema, validate

__all__ = ["CLIENTS_FILE", "load_clients_file", "render_module"]

MCP_DIR = DEFAULT_RULES / "mcp"
CLIENTS_FILE = MCP_DIR / "clients.yaml"
SCHEMA_FILE = MCP_DIR / "clients.schema.json"


def _source_refs(data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """Every (path, key) where the file names a source."""
    refs: list[tuple[tuple[str | int, ...], str]] = [(("windows_shims", "source"), data["windows_shims"]["source"])]
    refs += [(("windows_shims", "also", i), key) for i, key in enumerate(data["windows_shims"].get("also", []))]
    for n, client in enumerate(data["clients"]):
        for group in ("files", "format", "variables", "cli", "windows"):
            if isinstance(client.get(group), dict):
                refs.append((("clients", n, group, "source"), client[group]["source"]))
        if "remote_source" in client["format"]:
            refs.append((("clients", n, "format", "remote_source"), client["format"]["remote_source"]))
        for i, extra in enumerate(client["format"].get("also", [])):
            refs.append((("clients", n, "format", "also", i, "source"), extra["source"]))
    return refs


def load_clients_file(path: FsPath | None = None, schema_path: FsPath | None = None) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The checked clients data, or None, and every problem found."""
    path = path or CLIENTS_FILE
    shown = _display(path)
    try:
        text = path.read_bytes().decode("utf-8")
        schema = check_schema(json.loads((schema_path or SCHEMA_FILE).read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return None, [Problem(shown, 1, 1, f"cannot read the MCP client formats: {exc}")]
    data, where, problems = _parse(text, shown)
    if problems or data is None:
        return None, problems or [Problem(shown, 1, 1, "empty file")]
    for issue in validate(data, schema):
        line, col = where.at(issue.path, key=issue.at_key)
        problems.append(Problem(shown, line, col, issue.message))
    if problems:
        return None, sorted(problems)
    for where_path, key in _source_refs(data):
        if key not in data["sources"]:
            line, col = where.at(where_path)
            known = ", ".join(sorted(data["sources"]))
            problems.append(Problem(shown, line, col, f"unknown source '{key}' (sources: {known})"))
    seen: dict[str, int] = {}
    for n, client in enumerate(data["clients"]):
        if client["id"] in seen:
            line, col = where.at(("clients", n, "id"))
            problems.append(Problem(shown, line, col, f"client '{client['id']}' is listed twice"))
        seen[client["id"]] = n
    return (None if problems else data), sorted(problems)


def render_module(data: dict[str, Any], source_name: str = "rules/mcp/clients.yaml") -> str:
    """engine/mcp_clients.py for the checked data: a plain Python literal, deterministic."""
    body = pprint.pformat(data, width=110, sort_dicts=True)
    return (
        f'"""The MCP clients\' configuration formats, generated from {source_name}.\n\n'
        "Do not edit: change the YAML, then run .venv/bin/python tools/gen_mcp_clients.py.\n"
        '"""\n\n'
        '__all__ = ["CLIENTS_DATA"]\n\n'
        f"CLIENTS_DATA = {body}\n"
    )
