"""rules/mcp/clients.yaml: checked against its schema, located problems, and the generated module kept fresh."""

from __future__ import annotations

from pathlib import Path

from engine.mcp_clients import CLIENTS_DATA
from engine.mcp_data import CLIENTS_FILE, load_clients_file, render_module


def test_the_clients_file_is_valid_and_names_every_client() -> None:
    data, problems = load_clients_file()
    assert problems == []
    assert data is not None
    assert [c["id"] for c in data["clients"]] == ["claude-code", "claude-desktop", "cursor", "vscode", "windsurf"]


def test_the_generated_module_matches_the_yaml() -> None:
    data, _ = load_clients_file()
    assert data == CLIENTS_DATA, "engine/mcp_clients.py is stale: run .venv/bin/python tools/gen_mcp_clients.py"
    generated = Path(__file__).resolve().parent.parent / "engine" / "mcp_clients.py"
    assert generated.read_text(encoding="utf-8") == render_module(data)


def test_every_quoted_source_says_where_it_was_read() -> None:
    for key, source in CLIENTS_DATA["sources"].items():
        assert source["url"].startswith("https://"), key
        if source["seen"] == "quoted":
            assert source["via"], key


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = CLIENTS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "clients.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_an_unknown_source_is_reported_where_it_is_named(tmp_path: Path) -> None:
    path = _broken(tmp_path, "      source: vscode-mcp-schema\n", "      source: vscode-mcp-shema\n")
    data, problems = load_clients_file(path)
    assert data is None
    line = _line_of(path, "vscode-mcp-shema")
    assert [(p.line, p.column) for p in problems] == [(line, 15)]
    assert problems[0].message.startswith("unknown source 'vscode-mcp-shema' (sources: ")


def test_a_schema_problem_is_located(tmp_path: Path) -> None:
    path = _broken(tmp_path, "      cmd_wrapper: unknown\n", "      cmd_wrapper: maybe\n")
    data, problems = load_clients_file(path)
    assert data is None
    assert len(problems) == 1
    assert problems[0].line == _line_of(path, "cmd_wrapper: maybe")
    assert "maybe" in problems[0].message


def test_a_quoted_source_needs_its_quotations(tmp_path: Path) -> None:
    path = _broken(tmp_path, "    seen: quoted\n    via:\n      - https://syllago.dev/using-syllago/providers/windsurf/mcp/\n",
                   "    seen: quoted\n    vía:\n      - https://syllago.dev/using-syllago/providers/windsurf/mcp/\n")
    data, problems = load_clients_file(path)
    assert data is None and problems


def test_a_fact_from_another_source_names_it_and_is_checked(tmp_path: Path) -> None:
    path = _broken(tmp_path, "        - source: vscode-mcp-oauth\n", "        - source: vscode-oauth\n")
    data, problems = load_clients_file(path)
    assert data is None
    assert [(p.line, p.column) for p in problems] == [(_line_of(path, "source: vscode-oauth"), 19)]
    assert problems[0].message.startswith("unknown source 'vscode-oauth' (sources: ")


def test_every_also_entry_adds_something(tmp_path: Path) -> None:
    path = _broken(tmp_path, "          remote_fields: [oauth]\n", "")
    data, problems = load_clients_file(path)
    assert data is None and problems


def test_the_verified_facts_are_in_the_data() -> None:
    """The facts the fact-check of 3 December 2026 changed (docs/mcp-config.md, "Fact-check")."""
    clients = {c["id"]: c for c in CLIENTS_DATA["clients"]}
    code, cursor, vscode, windsurf = (clients[k]["format"] for k in ("claude-code", "cursor", "vscode", "windsurf"))
    assert code["url_needs_type"] is True and set(code["also_types"]) == {"streamable-http", "ws"}
    assert clients["claude-code"]["windows"]["cmd_wrapper"] == "not-required"
    assert clients["claude-desktop"]["windows"]["cmd_wrapper"] == "unknown"
    assert clients["claude-code"]["cli"]["stdio_order"][0] == "env"  # never right before the server name
    assert (cursor["type_field"], cursor["stdio_type"], cursor["remote_types"], cursor["typed_remote"]) == ("type", "stdio", ["http", "sse"], False)
    assert "auth" in cursor["remote_fields"] and "envFile" in cursor["stdio_fields"]
    assert windsurf["remote_types"] == ["http", "sse"] and windsurf["url_fields"] == ["serverUrl", "url"]
    assert set(vscode["url_schemes"]) == {"http", "https", "unix", "pipe"}
    assert {"sandboxEnabled", "sandbox", "envFile", "dev", "cwd"} <= set(vscode["stdio_fields"])
    assert [k for extra in vscode["also"] for k in extra.get("remote_fields", [])] == ["oauth"]
