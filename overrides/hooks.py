"""MkDocs hooks: the home page's catalog, edit links to rule files, and rule reloads while serving."""

from __future__ import annotations

import base64
import hashlib
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
    rule_path = page.meta.get("rule_path")
    if rule_path:
        page.edit_url = build.REPO_EDIT + rule_path
    return markdown


# --- Content-Security-Policy ---------------------------------------------------------

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_DATA_BLOCK = re.compile(r"""type=["']?application/(?:ld\+)?json""", re.IGNORECASE)


def _inline_script_hashes(html: str) -> set[str]:
    return {
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"
        for attrs, body in _INLINE_SCRIPT.findall(html)
        if not _DATA_BLOCK.search(attrs)
    }


def content_security_policy(hashes: set[str]) -> str:
    """A policy that allows only this origin, plus the site's own inline scripts by hash.

    'wasm-unsafe-eval' lets the Python runtime compile its WebAssembly; nothing else
    may be evaluated. Styles allow inline attributes, which the theme uses. The
    hashes of every page are allowed on every page, because instant navigation
    keeps the first page's policy while it swaps in others.
    """
    return "; ".join([
        "default-src 'self'",
        " ".join(["script-src 'self' 'wasm-unsafe-eval'", *sorted(hashes)]),
        "worker-src 'self'",
        "connect-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-src 'none'",
    ])


def on_post_build(config, **kwargs):
    """Give every built page the same Content-Security-Policy <meta>, first in <head>."""
    pages = sorted(Path(config["site_dir"]).rglob("*.html"))
    texts = {path: path.read_text(encoding="utf-8") for path in pages}
    hashes: set[str] = set()
    for text in texts.values():
        hashes |= _inline_script_hashes(text)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy(hashes)}">'
    for path, text in texts.items():
        if "<head>" in text and "Content-Security-Policy" not in text:
            path.write_text(text.replace("<head>", "<head>\n    " + meta, 1), encoding="utf-8")
