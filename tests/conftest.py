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


# --- real-browser fixtures (tests/test_browser*.py) ---------------------------------


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The whole site, built once per run by the real pipeline and served on 127.0.0.1.

    It is built for the address it is served at, as on the real host, so that
    Material's instant navigation works. ERRATA_TEST_SITE=<dir> serves an already
    built site instead (a faster loop while developing; instant navigation then
    falls back to full page loads).
    """
    import os

    import build
    from browser_support import Site, serve

    prebuilt = os.environ.get("ERRATA_TEST_SITE")
    target = Path(prebuilt) if prebuilt else tmp_path_factory.mktemp("site") / "site"
    server, base = serve(target)
    if not prebuilt:
        build.build_site(target, site_url=base)
    yield Site(target, base)
    server.shutdown()


@pytest.fixture(scope="session")
def browser_log():
    from browser_support import BrowserLog

    return BrowserLog()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    from browser_support import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, browser_log):
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.on("request", lambda r: browser_log.requests.append(r.url))
    page.on("console", lambda m: m.type == "error" and browser_log.errors.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda e: browser_log.errors.append(f"{page.url}: {e}"))
    yield page
    context.close()
