"""The build pipeline's steps, each on its own: scaffold, pages, bundle, failure handling, reproducibility."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

import build
import engine
from engine.bundle import load_bundle
from overrides import assets, pages, settings

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
    page = pages.page_markdown(rule, {r.id: r for r in catalog})
    for heading in ("## What it means", "## Why it happens", "## How to fix it", "## If that does not work",
                    "## How to prevent it", "## Frequently asked questions", "## Related errors", "## Sources"):
        assert heading in page
    assert '=== "Node.js"' in page and '=== "Claude Code"' in page
    front = page.split("---")[1]
    assert "jsonld:" in front and "</" not in front


def test_related_links_show_both_directions(catalog):
    by_id = {r.id: r for r in catalog}
    for rule in catalog:
        shown = {r.id for r in pages.related(rule, by_id)}
        assert set(rule.related) <= shown
        for other in catalog:
            if rule.id in other.related:
                assert other.id in shown


def test_rules_bundle_is_compact_json_the_engine_reloads(catalog, tmp_path):
    text = assets.rules_bundle(catalog).decode("utf-8")
    data = json.loads(text)
    assert "\n" not in text
    assert [r.id for r in load_bundle(data)] == [r.id for r in catalog]
    assert "meaning" not in data["rules"][0]  # page text stays out of the browser's bundle


def test_engine_wheel_is_pure_python(tmp_path):
    # The site's wheel: engine/ as errata_engine (what worker.js imports), without the rules
    # bundle the installed command line carries (the browser fetches runtime/rules.json).
    wheel = assets.build_wheel(ROOT, tmp_path, with_rules=False)
    assert wheel.name.endswith("-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "errata_engine/match.py" in names and "errata_engine/web.py" in names
    assert "errata_engine/rules.json" not in names
    assert not any(n.startswith(("tests/", "rules/", "engine/")) or n in ("build.py", "setup.py") for n in names)
    worker = (ROOT / "docs" / "assets" / "errata" / "worker.js").read_text()
    assert 'pyimport("errata_engine.web")' in worker


def test_site_wheel_cache_key_follows_the_engine_not_the_rules(tmp_path):
    for name in ("engine", "rules"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, tmp_path / name)
    before = assets._sources_hash(tmp_path)
    (tmp_path / "rules" / "econnreset.yaml").write_text("# edited\n", encoding="utf-8")
    assert assets._sources_hash(tmp_path) == before
    (tmp_path / "setup.py").write_text("# edited\n", encoding="utf-8")
    assert assets._sources_hash(tmp_path) != before


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


def test_new_rule_takes_its_id_pattern_from_the_schema():
    schema = json.loads((ROOT / "rules" / "schema.json").read_text())
    assert build._id_pattern() == schema["properties"]["id"]["pattern"]


def test_site_and_repository_addresses_have_one_source():
    """mkdocs.yml holds them; the installed CLI, which cannot read it, keeps a copy that must agree."""
    from mkdocs.utils.yaml import yaml_load

    config = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert engine.SITE_URL == config["site_url"]
    assert config["repo_url"].startswith("https://") and config["edit_uri"].endswith("/")
    assert settings.from_file(ROOT / "mkdocs.yml")["rules_dir"] == ROOT / "rules"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_two_builds_of_one_tree_are_byte_identical_and_write_nothing_into_docs(tmp_path):
    docs_before = _tree(ROOT / "docs")
    first = _tree(build.build_site(tmp_path / "one"))
    second = _tree(build.build_site(tmp_path / "two"))
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    assert _tree(ROOT / "docs") == docs_before  # docs/ holds only hand-written pages
    manifest = json.loads(first["runtime/manifest.json"])
    assert len(manifest["stamp"]) == 16 and "errors/econnreset/index.html" in first

    # Edit links: a rule page's is its rule file; the generated catalog has none.
    edit = r'href="([^"]*)" title="Edit this page"'
    assert re.findall(edit, first["errors/econnreset/index.html"].decode()) == [
        "https://github.com/errata-dev/errata/edit/main/rules/econnreset.yaml"]
    assert re.findall(edit, first["errors/index.html"].decode()) == []
    assert re.findall(edit, first["index.html"].decode()) == ["https://github.com/errata-dev/errata/edit/main/docs/index.md"]


def test_site_url_option_reaches_the_build_with_its_trailing_slash(monkeypatch):
    calls = []
    monkeypatch.setattr(build, "build_site", lambda **kwargs: calls.append(kwargs["site_url"]))
    assert build.main(["--site-url", "https://someone.github.io/errata"]) == 0
    assert build.main(["build", "--site-url", "https://docs.example.com/a/b/"]) == 0
    assert build.main([]) == 0  # mkdocs.yml's site_url
    assert calls == ["https://someone.github.io/errata/", "https://docs.example.com/a/b/", None]


@pytest.mark.parametrize("bad", ["ftp://example.org/", "example.org/errata", "https://example.org/?x=1"])
def test_site_url_option_refuses_what_is_not_an_http_address(bad, capsys):
    with pytest.raises(SystemExit) as exit_:
        build.main(["--site-url", bad])
    assert exit_.value.code == 2
    assert "expected an http(s) address" in capsys.readouterr().err


def test_the_deploy_workflow_builds_for_the_pages_address_it_deploys_to():
    import yaml

    workflow = yaml.safe_load((build.ROOT / ".github/workflows/deploy.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    names = [step.get("uses", "") or step.get("run", "") for step in steps]
    pages = next(i for i, name in enumerate(names) if name.startswith("actions/configure-pages@"))
    run = next(i for i, name in enumerate(names) if "build.py" in name)
    assert pages < run
    step = steps[run]
    assert step["run"].split() == [".venv/bin/python", "build.py", "--site-url", '"$PAGES_URL"']
    assert step["env"]["PAGES_URL"] == f"${{{{ steps.{steps[pages]['id']}.outputs.base_url }}}}"
