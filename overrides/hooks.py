"""MkDocs hooks: the home page's catalog, edit links to rule files, and rule reloads while serving."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import build  # noqa: E402
from engine.loader import load_rules  # noqa: E402

log = logging.getLogger("mkdocs.errata")
CATALOG_MARKER = "<!-- errata:catalog -->"
_state: dict[str, list] = {"rules": []}


def on_pre_build(config, **kwargs):
    """While serving, re-read the rules on every rebuild and regenerate what depends on them."""
    if os.environ.get("ERRATA_SERVE") == "1":
        rules, problems = build.load_and_check()
        if problems:
            for problem in problems:
                log.error(str(problem))
            log.error("rules have problems; pages keep their last good version")
        else:
            build.prepare_docs(rules)
        _state["rules"] = rules
    else:
        _state["rules"], _ = load_rules(build.RULES)


def on_page_markdown(markdown, page, config, files, **kwargs):
    if CATALOG_MARKER in markdown:
        markdown = markdown.replace(CATALOG_MARKER, build.catalog_markdown(_state["rules"], prefix="errors/"))
    rule_path = page.meta.get("rule_path")
    if rule_path:
        page.edit_url = build.REPO_EDIT + rule_path
    return markdown
