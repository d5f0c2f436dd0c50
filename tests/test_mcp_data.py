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
    assert data == CLIENTS_DATA, "engine/mcp_clients.py is stale: run python tools/gen_mcp_clients.py"
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
    path = _broken(tmp_path, "    seen: quoted\n    via:\n      - https://zenn.dev/kawazy666/scraps/1ef67ae472e505\n",
                   "    seen: quoted\n    vía:\n      - https://zenn.dev/kawazy666/scraps/1ef67ae472e505\n")
    data, problems = load_clients_file(path)
    assert data is None and problems
