"""Serve only: a page whose Markdown did not change keeps its rendered HTML and its search entries.

After a one-rule edit under `build.py serve`, every page is built again (mkdocs has
no partial build that keeps the navigation and the search index right), but only the
edited rule's page, the catalog and the pages that show its title or summary have
new Markdown. Converting Markdown and indexing the HTML for search are most of a
rebuild; both depend only on the page's own text, its address and the site's file
list, so they are reused when those are the same as in an earlier build of this
process. Published builds (`build.py`, `mkdocs build`) never install this.

It wraps two methods of the pinned versions (requirements.txt): mkdocs'
Page.render and Material's SearchIndex.add_entry_from_context. The theme's templates,
compiled anew by each build's new Jinja environment, are kept compiled too (Jinja's
own bytecode cache, which checks each template's source).
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["install", "keep_compiled_templates"]

_installed = False
# Links to anchors of other pages are checked by mkdocs after each build against the
# File objects of that build, which a kept render cannot point to. A page taken from
# here skips that check; the page it came from had it, and `build.py` checks every page.
_KEPT = ("content", "toc", "_title_from_render", "present_anchor_ids")
_LIMIT = 2000  # pages kept, a bound for a very long session


def _file_list(files: Any) -> tuple[tuple[str, str], ...]:
    """What relative links resolve against: every file's source path and address."""
    return tuple(sorted((f.src_uri, f.url) for f in files))


def install() -> None:
    """Wrap the two methods, once per process."""
    global _installed
    if _installed:
        return
    _installed = True
    from material.plugins.search.plugin import SearchIndex
    from mkdocs.structure.pages import Page

    render, index = Page.render, SearchIndex.add_entry_from_context
    rendered: dict[tuple[Any, ...], dict[str, Any]] = {}
    indexed: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    listed: dict[int, tuple[Any, tuple[tuple[str, str], ...]]] = {}

    def file_list(files: Any) -> tuple[tuple[str, str], ...]:
        # Computed once per build: every page of a build gets the same Files object.
        held = listed.get(id(files))
        if held is None or held[0] is not files:
            listed.clear()
            held = listed[id(files)] = (files, _file_list(files))
        return held[1]

    def cached_render(page, config, files):  # type: ignore[no-untyped-def]
        key = (page.file.src_uri, page.markdown, file_list(files), repr(config["markdown_extensions"]),
               repr(config["mdx_configs"]))
        kept = rendered.get(key)
        if kept is None:
            render(page, config, files)
            if len(rendered) > _LIMIT:
                rendered.clear()
            rendered[key] = {name: getattr(page, name) for name in _KEPT}
            return
        for name, value in kept.items():
            setattr(page, name, copy.copy(value) if isinstance(value, set) else value)
        page.links_to_anchors = None

    def cached_index(self, page):  # type: ignore[no-untyped-def]
        key = (page.url, str(page.content), str(page.title), repr(page.meta.get("title")), repr(page.meta.get("search")),
               repr(page.meta.get("tags")), repr(page.toc and [(a.id, a.url, a.title) for a in _anchors(page.toc)]))
        entries = indexed.get(key)
        if entries is None:
            before = len(self.entries)
            index(self, page)
            if len(indexed) > _LIMIT:
                indexed.clear()
            indexed[key] = copy.deepcopy(self.entries[before:])
            return
        self.entries.extend(copy.deepcopy(entries))

    Page.render = cached_render
    SearchIndex.add_entry_from_context = cached_index


def _anchors(toc: Any) -> list[Any]:
    """Every anchor of a table of contents, depth first."""
    out = []
    for item in toc:
        out.append(item)
        out.extend(_anchors(item.children))
    return out


class _Compiled:
    """Jinja's BytecodeCache, in memory for the life of the process."""

    def __init__(self) -> None:
        import jinja2

        class Cache(jinja2.BytecodeCache):
            def __init__(self) -> None:
                self.kept: dict[str, bytes] = {}

            def load_bytecode(self, bucket) -> None:  # type: ignore[no-untyped-def]
                if bucket.key in self.kept:
                    bucket.bytecode_from_string(self.kept[bucket.key])

            def dump_bytecode(self, bucket) -> None:  # type: ignore[no-untyped-def]
                self.kept[bucket.key] = bucket.bytecode_to_string()

        self.cache = Cache()


_templates: list[_Compiled] = []


def keep_compiled_templates(env) -> None:  # type: ignore[no-untyped-def]
    """Give a build's Jinja environment the process' compiled templates (a template whose source changed compiles anew)."""
    if not _templates:
        _templates.append(_Compiled())
    env.bytecode_cache = _templates[0].cache
