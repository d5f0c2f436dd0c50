"""Lighthouse (from npm, in the system Chromium) on the built site: SEO and accessibility at 100.

Two Lighthouse runs of about 15 s each, on the site the browser tests already build.
bench/lighthouse.py prints the same figures, with the desktop preset as well.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import lighthouse  # noqa: E402


def _failures(reports, category: str) -> str:
    return "\n".join(
        f"{r.page}: {a.id}: {a.title}" + "".join(f"\n    {item}" for item in a.items[:5])
        for r in reports for a in r.failures if a.category == category
    )


@pytest.fixture(scope="module")
def reports(site):
    return [lighthouse.lighthouse(site.url(path), page) for page, path in lighthouse.PAGES.items()]


def test_lighthouse_audited_the_home_and_an_error_page(reports, site):
    assert [r.url for r in reports] == [site.url(""), site.url("errors/econnreset/")]
    for report in reports:
        assert report.form_factor == "mobile"
        assert set(report.scores) == {"accessibility", "seo"}
        assert all(0 <= s <= 100 for s in report.scores.values())


def test_seo_scores_100_on_both_pages(reports):
    assert [r.scores["seo"] for r in reports] == [100, 100], _failures(reports, "seo")


def test_accessibility_scores_100_on_both_pages(reports):
    assert [r.scores["accessibility"] for r in reports] == [100, 100], _failures(reports, "accessibility")
