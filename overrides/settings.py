"""The site's own options: mkdocs.yml's `extra: errata:`, with defaults, as absolute paths."""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEFAULTS", "from_file", "resolve"]

# Paths are relative to mkdocs.yml.
DEFAULTS = {
    "rules_dir": "rules",
    "rule_template": "rules/templates/new-rule.yaml",
    "pyodide_dir": "node_modules/pyodide",
    "cache_dir": ".cache",
}


def resolve(given: dict | None, base: Path) -> dict[str, Path]:
    """The options with defaults filled in; a ValueError names any option not known."""
    given = given or {}
    unknown = sorted(set(given) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"extra.errata: unknown option(s) {', '.join(unknown)}; expected {', '.join(DEFAULTS)}")
    return {key: base / str(given.get(key, default)) for key, default in DEFAULTS.items()}


def from_file(config_file: Path) -> dict[str, Path]:
    """The options as written in a mkdocs.yml, read with mkdocs' own YAML loader (no plugins loaded)."""
    from mkdocs.utils.yaml import yaml_load

    with open(config_file, encoding="utf-8") as stream:
        data = yaml_load(stream) or {}
    return resolve((data.get("extra") or {}).get("errata"), config_file.resolve().parent)
