"""MkDocs hooks: the rule pages, the catalog and the runtime as generated files; escaping, sanitizing, CSP.

Everything generated lives only in mkdocs' file collection (`on_files`), never in
docs/ or rules/, so `mkdocs serve` sees no write of its own to react to. Options
come from mkdocs.yml's `extra: errata:`; paths there are relative to mkdocs.yml.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

# mkdocs imports this file by path with only overrides/ on sys.path, and only while
# it runs; the engine and the generators are packages at the repository root.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from markupsafe import Markup, escape  # noqa: E402
from mkdocs.exceptions import PluginError  # noqa: E402
from mkdocs.structure.files import File  # noqa: E402

from overrides import assets, history, pages, settings, social  # noqa: E402
from overrides.catalog import load_and_check  # noqa: E402
from overrides.sanitize import clean_html  # noqa: E402

log = logging.getLogger("mkdocs.errata")
CATALOG_MARKER = "<!-- errata:catalog -->"
# Paths the site generates; copies left in docs/ by older builds are ignored.
GENERATED = ("errors/", "runtime/", "schema.json")
# mkdocs keeps one instance of this module for the whole process (serve rebuilds included).
_state: dict = {"serving": False, "rules": [], "good": None, "options": {}, "changed": {}}


def options(config) -> dict[str, Path]:
    """`extra: errata:` from the loaded mkdocs config, with defaults, as absolute paths."""
    base = Path(config.config_file_path).resolve().parent if config.config_file_path else ROOT
    try:
        return settings.resolve(config.extra.get("errata"), base)
    except ValueError as exc:
        raise PluginError(str(exc)) from exc


def _commit_time(repo: Path) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(repo), "log", "-1", "--format=%ct"], capture_output=True, text=True)
    except OSError:
        return None
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip().isdigit() else None


def on_startup(command, dirty, **kwargs):
    """Remember whether this process serves (a broken rule then keeps the last good pages; unchanged pages are reused)."""
    _state.update(serving=command == "serve", good=None)
    if command == "serve":
        from overrides import rerender

        rerender.install()


def _repo(config) -> Path:
    return Path(config.config_file_path or ROOT).resolve().parent


def on_config(config, **kwargs):
    """Read the options and the sources' git history; pin the build date to the last commit so two builds of it are identical."""
    _state["options"] = options(config)
    repo = _repo(config)
    sources = [Path(config.docs_dir).resolve(), _state["options"]["rules_dir"].resolve()]
    _state["changed"] = history.last_changed(repo, [p.relative_to(repo).as_posix() for p in sources if p.is_relative_to(repo)])
    if "SOURCE_DATE_EPOCH" not in os.environ:
        # mkdocs dates the sitemap with SOURCE_DATE_EPOCH, else with today.
        epoch = _commit_time(Path(config.config_file_path or ROOT).resolve().parent)
        if epoch:
            os.environ["SOURCE_DATE_EPOCH"] = epoch
    return config


def _rules(rules_dir: Path):
    rules, problems = load_and_check(rules_dir, thorough=False)
    if not problems:
        _state["good"] = rules
        log.info("errata: %d rules loaded and checked", len(rules))
        return rules
    if _state["serving"] and _state["good"] is not None:
        for problem in problems:
            log.error(str(problem))
        log.error("rules have problems; pages keep their last good version")
        return _state["good"]
    raise PluginError("invalid rules:\n" + "\n".join(str(p) for p in problems))


def _edit_uri(config, path: Path) -> str | None:
    """The rule file's path as mkdocs' edit links expect it: relative to docs_dir (None outside the repository)."""
    repo = Path(config.config_file_path or ROOT).resolve().parent
    if not path.resolve().is_relative_to(repo):
        return None
    return Path(os.path.relpath(path.resolve(), Path(config.docs_dir).resolve())).as_posix()


def on_files(files, config, **kwargs):
    """Add the rule pages, the catalog and the runtime to the site as generated files."""
    opts = _state["options"]
    rules = _state["rules"] = _rules(opts["rules_dir"])
    for stale in [f for f in files if f.generated_by is None and f.src_uri.startswith(GENERATED)]:
        files.remove(stale)
    catalog = {r.id: r for r in rules}
    # Hand-written pages name the errors they help with (front matter see_also_for); those pages link back.
    docs = [(f.src_uri, Path(f.abs_src_path).read_text(encoding="utf-8")) for f in files
            if f.generated_by is None and f.src_uri.endswith(".md") and f.abs_src_path]
    see_also = pages.see_also_pages(docs)
    # In the order mkdocs would have found them on disk, which the automatic nav
    # follows: the section's index first (Material makes it the section's page).
    files.append(File.generated(config, "errors/index.md", content=pages.catalog_page(rules)))
    files.append(File.generated(config, "robots.txt", content=robots_txt(config.site_url)))
    for rule in sorted(rules, key=lambda r: f"{r.id}.md"):
        page = File.generated(config, f"errors/{rule.id}.md", content=_page_markdown(rule, catalog, see_also.get(rule.id, [])))
        # A generated page is edited where it comes from: its rule file.
        page.edit_uri = _edit_uri(config, opts["rules_dir"] / f"{rule.id}.yaml")
        files.append(page)
    try:
        runtime = assets.runtime_assets(rules, project=ROOT, rules_dir=opts["rules_dir"], template=opts["rule_template"],
                                        pyodide_dir=opts["pyodide_dir"], cache_dir=opts["cache_dir"],
                                        serving=_state["serving"])
    except assets.AssetError as exc:
        raise PluginError(str(exc)) from exc
    for asset in runtime:
        if asset.content is not None:
            files.append(File.generated(config, asset.uri, content=asset.content))
        else:
            files.append(File.generated(config, asset.uri, abs_src_path=str(asset.path)))
    log.info("errata: %d pages, the catalog, engine wheel, rules bundle and Pyodide runtime generated", len(rules))
    return files


# rule id -> (the rule, its related rules, see also, its page): while the loader hands
# back the same Rule objects (an unchanged file, engine/loader.py), the page is the same.
_pages: dict[str, tuple] = {}


def _page_markdown(rule, catalog, see_also) -> str:
    """pages.page_markdown, reused for a rule whose file and related rules are unchanged (a serve rebuild)."""
    related = pages.related(rule, catalog)
    kept = _pages.get(rule.id)
    if (kept and kept[0] is rule and len(kept[1]) == len(related) and all(a is b for a, b in zip(kept[1], related))
            and kept[2] == see_also):
        return kept[3]
    markdown = pages.page_markdown(rule, catalog, see_also)
    _pages[rule.id] = (rule, related, list(see_also), markdown)
    return markdown


def robots_txt(site_url: str | None) -> str:
    """Everything may be crawled; the sitemap's absolute address when the site has one.

    Crawlers read it only at the top-level path of a host (RFC 9309, section 2.3:
    https://www.rfc-editor.org/rfc/rfc9309.html#section-2.3), so it takes effect where
    the site is served from a host's root.
    """
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines += ["", f"Sitemap: {site_url.rstrip('/')}/sitemap.xml"]
    return "\n".join(lines) + "\n"


def _sources(page, config) -> list[Path]:
    """The files a page is made from: its docs/ file, its rule file, or (the catalog) every rule file."""
    rules_dir = _state["options"]["rules_dir"]
    if page.file.generated_by is None:
        return [Path(page.file.abs_src_path)]
    if page.meta.get("rule"):
        return [rules_dir / f"{page.meta['rule']}.yaml"]
    if page.file.src_uri == "errors/index.md":
        return [rules_dir / f"{rule.id}.yaml" for rule in _state["rules"]]
    return []


def _last_changed(page, config) -> int | None:
    """When the page's sources last changed in git, or None (no git, a shallow clone, never committed)."""
    repo = _repo(config)
    times = []
    for path in _sources(page, config):
        relative = Path(os.path.relpath(path.resolve(), repo)).as_posix()
        if relative in _state["changed"]:
            times.append(_state["changed"][relative])
    return max(times) if times else None


def on_page_markdown(markdown, page, config, files, **kwargs):
    """The home page's catalog; the page's last change from git; front matter handed to the theme escaped."""
    when = _last_changed(page, config)
    # The sitemap's lastmod (overrides/sitemap.xml), left out without history: never the build
    # date posing as one. mkdocs' own update_date stays (the sitemap.xml.gz timestamp reads it).
    page.last_changed = history.iso_date(when) if when else None
    if when:
        # Shown by the theme's partials/source-file.html, under the content.
        page.meta["revision_date"] = Markup('Last updated <time datetime="{}">{}</time>').format(
            history.iso_date(when), history.shown_date(when))
    if CATALOG_MARKER in markdown:
        markdown = markdown.replace(CATALOG_MARKER, pages.catalog_markdown(_state["rules"], prefix="errors/"))
    # Front matter reaches <title>, meta tags, the header and the nav unescaped
    # (the theme's Jinja does not autoescape): hand it over as escaped Markup.
    for key in ("title", "description"):
        if isinstance(page.meta.get(key), str):
            page.meta[key] = escape(page.meta[key])
    return markdown


def on_env(env, config, files, **kwargs):
    """Serve only: the theme's templates stay compiled from one build to the next (overrides/rerender.py)."""
    if _state["serving"]:
        from overrides import rerender

        rerender.keep_compiled_templates(env)
    return env


def on_page_content(html, page, config, files, **kwargs):
    """Every page's rendered content passes the allowlist sanitizer before it reaches a template."""
    return Markup(clean_html(html))


def _text(value) -> str:
    """Front matter or a title as the text it stands for (the theme gets them as escaped Markup)."""
    return value.unescape() if isinstance(value, Markup) else str(value or "")


def on_page_context(context, page, config, nav, **kwargs):
    """The page's Open Graph and Twitter card tags, as plain text for the template to escape."""
    title = config.site_name if page.is_homepage else _text(page.title)
    page.meta["social"] = social.meta_tags(
        title=title, description=_text(page.meta.get("description")) or config.site_description or "",
        site_name=config.site_name, url=page.canonical_url, site_url=config.site_url,
        article=bool(page.meta.get("rule")))
    return context


# --- Content-Security-Policy ---------------------------------------------------------


def content_security_policy(script_hashes: tuple[str, ...] = ()) -> str:
    """A policy that allows only this origin and no inline script at all.

    The site ships no inline script (the theme's own are served as files from
    overrides/partials/javascripts), so no text on a page can widen the policy.
    'wasm-unsafe-eval' lets the Python runtime compile its WebAssembly; nothing
    else may be evaluated. Styles allow inline attributes, which the theme's
    JavaScript sets; the build's audit refuses style attributes in the HTML.
    `script_hashes` ('sha256-...') are for `build.py serve` only: see on_serve.
    """
    return "; ".join([
        "default-src 'self'",
        " ".join(["script-src 'self' 'wasm-unsafe-eval'", *(f"'{h}'" for h in script_hashes)]),
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


def csp_meta(policy: str) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


def on_post_build(config, **kwargs):
    """Give every built page the same Content-Security-Policy <meta>, first in <head>, unconditionally."""
    meta = csp_meta(content_security_policy())
    for path in sorted(Path(config["site_dir"]).rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        head = re.search(r"<head(?:\s[^>]*)?>", text, re.IGNORECASE)
        if head is None:
            raise PluginError(f"{path}: no <head> to put the Content-Security-Policy in")
        path.write_text(text[: head.end()] + "\n    " + meta + text[head.end() :], encoding="utf-8")


# --- live reload under `build.py serve` (and `mkdocs serve`) -------------------------

_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


def allow_injected_script(page: bytes, served: bytes) -> bytes:
    """`served` (the page with mkdocs' live-reload script added) with that one script allowed in its CSP.

    The script differs on every response (it carries the build's epoch and a request
    id), so the allowance is the hash of exactly the script in this response. It is
    found as the one inline script whose removal gives back the page as built; if
    there is none, the page is served as it was, and only live reload is lost.
    """
    for match in _INLINE_SCRIPT.finditer(served):
        if served[: match.start()] + served[match.end() :] == page:
            digest = base64.b64encode(hashlib.sha256(match.group(1)).digest()).decode()
            published = csp_meta(content_security_policy()).encode()
            allowed = csp_meta(content_security_policy((f"sha256-{digest}",))).encode()
            return served.replace(published, allowed, 1)
    return served


def on_serve(server, config, builder, **kwargs):
    """Let mkdocs' live-reload script run under the site's CSP, in the pages the dev server sends only.

    mkdocs adds an inline script to every HTML page it serves (livereload's
    _inject_js_into_html), which the published policy refuses. The built files are
    never changed: each response's policy allows its own script by hash.
    """
    inject = server._inject_js_into_html  # mkdocs 1.6 (pinned in requirements.txt)

    def inject_allowed(content: bytes, epoch: int) -> bytes:
        return allow_injected_script(content, inject(content, epoch))

    server._inject_js_into_html = inject_allowed
    return server
