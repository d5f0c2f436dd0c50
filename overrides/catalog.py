"""The rules as the site and the command line read them: loaded, checked, all problems at once."""

from __future__ import annotations

from pathlib import Path

from engine.checks import check_catalog
from engine.compile import Problem
from engine.loader import read_rules
from engine import mcp_data
from engine.mcp_data import load_clients_file
from engine.model import Rule

__all__ = ["load_and_check"]


def load_and_check(rules_dir: Path, thorough: bool = True) -> tuple[list[Rule], list[Problem]]:
    """Read every rule and run the checks. Returns the rules and all problems at once.

    `thorough` adds what only `check` and the tests need: timed regex runs and
    every example ranked against the whole catalog. The build runs the rest.
    """
    rules, drafts, problems = read_rules(rules_dir)
    problems += _client_problems()  # the MCP clients' formats (rules/mcp/) are data checked alike
    # The drafts of broken files are checked too, so one run shows everything.
    return rules, sorted(problems + check_catalog(rules, thorough=thorough, drafts=drafts))


_clients: dict[bytes, list[Problem]] = {}


def _client_problems() -> list[Problem]:
    """load_clients_file's problems, read again only when the file or its schema changed (each serve rebuild asks)."""
    try:
        key = mcp_data.CLIENTS_FILE.read_bytes() + b"\0" + mcp_data.SCHEMA_FILE.read_bytes()
    except OSError:
        return load_clients_file()[1]  # it reports the unreadable file
    if key not in _clients:
        _clients.clear()
        _clients[key] = load_clients_file()[1]
    return list(_clients[key])
