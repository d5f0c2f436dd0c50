"""Shared fixtures; rule examples and golden pastes are collected as tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.loader import load_rules  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", help="rewrite tests/pastes/*.expected.json from the engine's answers")


@pytest.fixture(scope="session")
def catalog():
    """The project's rules, loaded once; a broken rule fails loudly here."""
    rules, problems = load_rules(ROOT / "rules")
    assert not problems, "\n".join(str(p) for p in problems)
    return rules


def load_catalog_for_collection():
    """Rules for parametrising tests at collection time (problems are reported by test_catalog)."""
    rules, _ = load_rules(ROOT / "rules")
    return rules
