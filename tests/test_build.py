"""The build pipeline's steps, each on its own: scaffold, pages, bundle, failure handling."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

import build
from engine.bundle import load_bundle

ROOT = Path(__file__).resolve().parent.parent


def test_new_rule_scaffold_fails_check_until_filled(tmp_path, monkeypatch):
    shutil.copy(ROOT / "rules" / "schema.json", tmp_path / "schema.json")
    path = build.new_rule("missing-thing", rules_dir=tmp_path)
    text = path.read_text()
    assert text.startswith("# yaml-language-server: $schema=schema.json\n")
    assert "id: missing-thing" in text
    monkeypatch.chdir(tmp_path)
    rules, problems = build.load_and_check(tmp_path)
    messages = [str(p) for p in problems]
    assert "missing-thing.yaml:8:8: title: expected text, got an empty value" in messages
    assert any(m.startswith("missing-thing.yaml:") and "examples: expected at least 4 items, got 0" in m for m in messages)


def test_new_rule_refuses_bad_ids_and_existing_files(tmp_path):
    with pytest.raises(build.BuildError, match="lowercase words joined by hyphens"):
        build.new_rule("Bad_Id", rules_dir=tmp_path)
    build.new_rule("twice", rules_dir=tmp_path)
    with pytest.raises(build.BuildError, match="already exists"):
        build.new_rule("twice", rules_dir=tmp_path)


def test_page_has_every_section_tabs_and_safe_json_ld(catalog):
    rule = next(r for r in catalog if r.id == "econnreset")
    page = build.page_markdown(rule, {r.id: r for r in catalog})
    for heading in ("## What it means", "## Why it happens", "## How to fix it", "## If that does not work",
                    "## How to prevent it", "## Frequently asked questions", "## Related errors", "## Sources"):
        assert heading in page
    assert '=== "Node.js"' in page and '=== "Claude Code"' in page
    assert "rules/econnreset.yaml" in page
    front = page.split("---")[1]
    assert "jsonld:" in front and "</" not in front


def test_related_links_show_both_directions(catalog):
    by_id = {r.id: r for r in catalog}
    for rule in catalog:
        shown = {r.id for r in build._related(rule, by_id)}
        assert set(rule.related) <= shown
        for other in catalog:
            if rule.id in other.related:
                assert other.id in shown


def test_rules_bundle_is_compact_json_the_engine_reloads(catalog, tmp_path):
    out = build.bundle_rules(catalog, tmp_path / "rules.json")
    data = json.loads(out.read_text())
    assert "\n" not in out.read_text()
    assert [r.id for r in load_bundle(data)] == [r.id for r in catalog]
    assert "meaning" not in data["rules"][0]  # page text stays out of the browser's bundle


def test_engine_wheel_is_pure_python(tmp_path):
    wheel = build.build_wheel(tmp_path)
    assert wheel.name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "engine/match.py" in names and "engine/web.py" in names
    assert not any(n.startswith(("tests/", "rules/")) or n == "build.py" for n in names)


def test_failed_build_leaves_the_previous_site_untouched(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("previous")
    broken = tmp_path / "rules"
    broken.mkdir()
    shutil.copy(ROOT / "rules" / "schema.json", broken)
    shutil.copy(ROOT / "tests" / "broken_rules" / "bad-regex.yaml", broken)
    with pytest.raises(build.BuildError, match="bad-regex.yaml:9:23"):
        build.build_site(site, rules_dir=broken)
    assert (site / "index.html").read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules", "site"]
