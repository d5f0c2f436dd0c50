"""MkDocs hooks: the home page's catalog, edit links to rule files, and rule reloads while serving."""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import build  # noqa: E402
from engine.loader import load_rules  # noqa: E402
from markupsafe import Markup, escape  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from overrides.sanitize import clean_html  # noqa: E402

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
        _state["rules"], _ = load_rules(Path(os.environ.get("ERRATA_RULES", build.RULES)))


def on_page_markdown(markdown, page, config, files, **kwargs):
    if CATALOG_MARKER in markdown:
        markdown = markdown.replace(CATALOG_MARKER, build.catalog_markdown(_state["rules"], prefix="errors/"))
    # Front matter reaches <title>, meta tags, the header and the nav unescaped
    # (the theme's Jinja does not autoescape): hand it over as escaped Markup.
    for key in ("title", "description"):
        if isinstance(page.meta.get(key), str):
            page.meta[key] = escape(page.meta[key])
    rule_path = page.meta.get("rule_path")
    if rule_path:
        page.edit_url = build.REPO_EDIT + rule_path
    return markdown


def on_page_content(html, page, config, files, **kwargs):
    """Every page's rendered content passes the allowlist sanitizer before it reaches a template."""
    return Markup(clean_html(html))


# --- Content-Security-Policy ---------------------------------------------------------


def content_security_policy() -> str:
    """A policy that allows only this origin and no inline script at all.

    The site ships no inline script (the theme's own are served as files from
    overrides/partials/javascripts), so no text on a page can widen the policy.
    'wasm-unsafe-eval' lets the Python runtime compile its WebAssembly; nothing
    else may be evaluated. Styles allow inline attributes, which the theme's
    JavaScript sets; the build's audit refuses style attributes in the HTML.
    """
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "worker-src 'self'",
        "connect-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-src 'none'",
    ])


def on_post_build(config, **kwargs):
    """Give every built page the same Content-Security-Policy <meta>, first in <head>, unconditionally."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">'
    for path in sorted(Path(config["site_dir"]).rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        head = re.search(r"<head(?:\s[^>]*)?>", text, re.IGNORECASE)
        if head is None:
            raise PluginError(f"{path}: no <head> to put the Content-Security-Policy in")
        path.write_text(text[: head.end()] + "\n    " + meta + text[head.end() :], encoding="utf-8")
