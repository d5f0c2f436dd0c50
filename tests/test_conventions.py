"""What a docs-site reader and a crawler expect, on the built site: link-preview meta, icons, dates, edit
links, 404, structured data, robots.txt, print styles; and the pieces behind them, one by one."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from overrides import history, social
from overrides.plaintext import plain_text

ROOT = Path(__file__).resolve().parent.parent
SITE_URL = "https://errata-dev.github.io/errata/"
REPO_URL = "https://github.com/errata-dev/errata"


class _Head(HTMLParser):
    """The elements of a page that these conventions live in."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.images: list[dict[str, str]] = []
        self.anchors: list[dict[str, str]] = []
        self.jsonld: list[str] = []
        self.times: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in values or "name" in values):
            self.meta.setdefault(values.get("property") or values["name"], []).append(values.get("content", ""))
        elif tag == "link":
            self.links.append(values)
        elif tag == "img":
            self.images.append(values)
        elif tag == "a":
            self.anchors.append(values)
        elif tag == "time":
            self.times.append(values.get("datetime", ""))
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._script = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.jsonld.append("".join(self._script))
            self._script = None


def _read(path: Path) -> _Head:
    parser = _Head()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The real site, built once for its real address."""
    import build

    return build.build_site(tmp_path_factory.mktemp("conventions") / "site")


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if not p.relative_to(site).as_posix().startswith(("runtime/", "assets/")))


def _url_of(site: Path, page: Path) -> str:
    relative = page.relative_to(site).as_posix()
    return SITE_URL + ("" if relative == "index.html" else relative.removesuffix("index.html"))


# --- Open Graph and Twitter card ------------------------------------------------------


def test_every_page_has_link_preview_meta_with_an_absolute_png_card(built, catalog):
    by_id = {r.id: r for r in catalog}
    for page in _pages(built):
        relative = page.relative_to(built).as_posix()
        if relative == "404.html":
            continue  # no address of its own: it answers for every missing one
        head = _read(page)
        meta = {k: v[0] for k, v in head.meta.items()}
        assert all(len(v) == 1 for k, v in head.meta.items() if k.startswith(("og:", "twitter:"))), relative
        assert meta["og:site_name"] == "Errata"
        assert meta["og:url"] == _url_of(built, page), relative
        assert meta["og:image"] == SITE_URL + social.CARD
        assert meta["og:image:type"] == "image/png"
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["og:title"] and meta["og:description"], relative
        assert "`" not in meta["og:description"] and "\n" not in meta["og:description"], relative
        parts = relative.split("/")
        if len(parts) == 3 and parts[0] == "errors":
            rule = by_id[parts[1]]
            assert meta["og:type"] == "article"
            assert meta["og:title"] == rule.title
            assert meta["og:description"] == plain_text(rule.summary)
            # The description search engines show is the same plain text, not the summary's Markdown.
            assert meta["description"] == plain_text(rule.summary), relative
        else:
            assert meta["og:type"] == "website", relative
    card = (built / social.CARD).read_bytes()
    assert _png_size(card) == social.CARD_SIZE


def test_meta_tags_without_a_site_url_claim_no_address_and_no_image():
    tags = social.meta_tags(title="T", description="D `x`", site_name="S", url=None, site_url=None, article=False)
    names = [name for _, name, _ in tags]
    assert "og:url" not in names and "og:image" not in names
    assert ("property", "og:description", "D x") in tags
    assert ("name", "twitter:card", "summary") in tags


# --- icons --------------------------------------------------------------------------


def test_favicon_and_logo_are_the_projects_own_and_exist(built):
    head = _read(built / "errors" / "econnreset" / "index.html")
    icons = {link.get("type", ""): link["href"] for link in head.links if link.get("rel") == "icon"}
    base = SITE_URL + "errors/econnreset/"
    def local(href: str) -> Path:
        return built / urlsplit(urljoin(base, href)).path.removeprefix("/errata/")
    assert icons[""].endswith("assets/errata/favicon.png") and _png_size(local(icons[""]).read_bytes()) == (48, 48)
    assert icons["image/svg+xml"].endswith("assets/errata/logo.svg")
    assert local(icons["image/svg+xml"]).read_text().startswith("<svg ")
    logos = [img["src"] for img in head.images if img["src"].endswith("logo.svg")]
    assert logos and all(local(src).is_file() for src in logos)
    assert not any("material/library" in img["src"] or "favicon.png" in img["src"] and "assets/images" in img["src"]
                   for img in head.images)


def _load_artwork():
    spec = importlib.util.spec_from_file_location("make_artwork", ROOT / "tools" / "make_artwork.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _png_pixels(data: bytes) -> bytes:
    """The raw scanlines of an 8-bit RGB PNG written by make_artwork (filter 0 rows)."""
    idat = b""
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind = data[at + 4:at + 8]
        if kind == b"IDAT":
            idat += data[at + 8:at + 8 + length]
        at += 12 + length
    return zlib.decompress(idat)


def test_committed_artwork_is_what_the_tool_draws():
    """The SVG byte for byte; the PNGs pixel for pixel (zlib versions may compress differently)."""
    drawn = _load_artwork().artwork()
    committed = ROOT / "docs" / "assets" / "errata"
    assert (committed / "logo.svg").read_bytes() == drawn["logo.svg"]
    for name in ("favicon.png", "card.png"):
        on_disk = (committed / name).read_bytes()
        assert _png_size(on_disk) == _png_size(drawn[name]), name
        assert _png_pixels(on_disk) == _png_pixels(drawn[name]), f"{name}: run tools/make_artwork.py"


# --- last updated, from git -----------------------------------------------------------


def _git_date(path: str) -> str | None:
    out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct", "--", path],
                         capture_output=True, text=True).stdout.strip()
    return history.iso_date(int(out)) if out.isdigit() else None


def _has_history() -> bool:
    if shutil.which("git") is None:
        return False
    proc = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--is-shallow-repository"], capture_output=True, text=True)
    return proc.returncode == 0 and proc.stdout.strip() == "false"


def _sitemap(site: Path) -> dict[str, str | None]:
    text = (site / "sitemap.xml").read_text(encoding="utf-8")
    found = {}
    for entry in re.findall(r"<url>(.*?)</url>", text, re.S):
        loc = re.search(r"<loc>(.*?)</loc>", entry).group(1)
        lastmod = re.search(r"<lastmod>(.*?)</lastmod>", entry)
        found[loc] = lastmod.group(1) if lastmod else None
    return found


def test_last_updated_and_lastmod_are_each_sources_last_commit(built, catalog):
    sitemap = _sitemap(built)
    if not _has_history():
        assert set(sitemap.values()) == {None}  # no history: no date, rather than the build's
        return
    expected = {SITE_URL + f"errors/{r.id}/": _git_date(f"rules/{r.id}.yaml") for r in catalog}
    for doc in (ROOT / "docs").glob("*.md"):
        expected[SITE_URL + ("" if doc.stem == "index" else f"{doc.stem}/")] = _git_date(f"docs/{doc.name}")
    expected[SITE_URL + "errors/"] = max(_git_date(f"rules/{r.id}.yaml") for r in catalog)
    assert sitemap == expected
    # Shown on the page too, as a machine-readable <time>.
    page = _read(built / "errors" / "econnreset" / "index.html")
    assert page.times == [expected[SITE_URL + "errors/econnreset/"]]
    assert "Last updated <time" in (built / "errors" / "econnreset" / "index.html").read_text(encoding="utf-8")


def test_a_build_without_history_has_no_dates_rather_than_the_build_date(tmp_path, monkeypatch):
    """As in a shallow clone or without git: the build still succeeds, and no page claims a date."""
    import build

    monkeypatch.setattr(history, "last_changed", lambda repo, paths: {})
    site = build.build_site(tmp_path / "site")
    assert set(_sitemap(site).values()) == {None}
    assert (site / "sitemap.xml.gz").is_file()
    assert "Last updated" not in (site / "errors" / "econnreset" / "index.html").read_text(encoding="utf-8")
    assert _read(site / "index.html").times == []


def _commit(repo: Path, name: str, text: str, when: int) -> None:
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).write_text(text)
    env = {"GIT_AUTHOR_DATE": f"@{when} +0000", "GIT_COMMITTER_DATE": f"@{when} +0000", "PATH": "/usr/bin:/bin",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(repo)}
    subprocess.run(["git", "-C", str(repo), "add", name], check=True, env=env)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", name], check=True, env=env)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_history_reads_each_files_last_commit_and_nothing_from_a_shallow_clone(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    _commit(repo, "rules/a.yaml", "1", 1_700_000_000)
    _commit(repo, "rules/b.yaml", "1", 1_700_100_000)
    _commit(repo, "rules/a.yaml", "2", 1_700_200_000)
    _commit(repo, "other/c.txt", "1", 1_700_300_000)
    (repo / "rules" / "never-committed.yaml").write_text("x")
    assert history.last_changed(repo, ["rules"]) == {"rules/a.yaml": 1_700_200_000, "rules/b.yaml": 1_700_100_000}
    assert history.last_changed(repo / "rules", ["."]) == {"a.yaml": 1_700_200_000, "b.yaml": 1_700_100_000}
    assert history.last_changed(repo, []) == {}

    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True)
    assert history.last_changed(shallow, ["rules"]) == {}  # its one commit seems to touch every file
    full = tmp_path / "full"
    subprocess.run(["git", "clone", "-q", f"file://{repo}", str(full)], check=True)
    assert history.last_changed(full, ["rules"])["rules/b.yaml"] == 1_700_100_000  # a fresh clone has it all

    assert history.last_changed(tmp_path / "not-a-repo-at-all", ["rules"]) == {}
    (tmp_path / "plain").mkdir()
    assert history.last_changed(tmp_path / "plain", ["rules"]) == {}


def test_history_without_git_is_quietly_empty(monkeypatch):
    def missing(*args, **kwargs):
        raise FileNotFoundError("git")

    monkeypatch.setattr(history.subprocess, "run", missing)
    assert history.last_changed(ROOT, ["rules"]) == {}


def test_dates_are_utc_and_locale_free():
    assert history.iso_date(1_796_227_790) == "2026-12-02"
    assert history.shown_date(1_796_227_790) == "2 December 2026"
    assert history.shown_date(0) == "1 January 1970"


# --- edit links -----------------------------------------------------------------------


def test_every_edit_link_opens_a_file_that_exists_in_the_repository(built):
    prefix = f"{REPO_URL}/edit/main/"
    pages_with_links = 0
    for page in _pages(built):
        for anchor in _read(page).anchors:
            if "md-content__button" not in anchor.get("class", "") and anchor.get("title") != "Edit this page":
                continue
            href = anchor["href"]
            assert href.startswith(prefix), (page, href)
            assert (ROOT / href.removeprefix(prefix)).is_file(), (page, href)
            pages_with_links += 1
    assert pages_with_links >= 60  # every rule page and the hand-written ones


# --- 404 ------------------------------------------------------------------------------


def test_404_has_the_paste_box_search_and_catalog_with_addresses_that_work_at_any_depth(built):
    html = (built / "404.html").read_text(encoding="utf-8")
    assert "data-diagnose-input" in html and "data-diagnose-run" in html and "data-diagnose-results" in html
    assert 'href="/errata/errors/"' in html and "data-errata-open-search" in html
    assert 'data-md-component="search-query"' in html  # the theme's search is on the page
    # Served at /errata/a/b/c/, a relative address would point into nowhere: every one is absolute.
    for url in re.findall(r'(?:href|src|data-worker|data-scope)="([^"#]*)"', html):
        if url and not url.startswith(("https://", "http://", "mailto:")):
            assert url.startswith("/errata/"), url
    config = json.loads(re.search(r'<script id="__config" type="application/json">(.*?)</script>', html).group(1))
    assert config["base"] == "/errata/" and config["search"].startswith("/errata/")


# --- structured data ------------------------------------------------------------------


def test_every_rule_page_has_faqpage_json_ld_with_plain_text_answers(built, catalog):
    for rule in catalog:
        scripts = _read(built / "errors" / rule.id / "index.html").jsonld
        assert len(scripts) == 1, rule.id
        assert "<" not in scripts[0]  # escaped as \u003c: no text can close the <script>
        data = json.loads(scripts[0])
        assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
        entities = data["mainEntity"]
        assert len(entities) == len(rule.faqs), rule.id
        for entity, faq in zip(entities, rule.faqs):
            assert entity["@type"] == "Question" and entity["acceptedAnswer"]["@type"] == "Answer"
            for text in (entity["name"], entity["acceptedAnswer"]["text"]):
                assert text and text == text.strip(), rule.id
                # No Markdown left (code spans, links, emphasis), no hard line breaks. A "<" may be text
                # (a shell's </dev/null): the answer is compared with the rendered text below.
                assert not re.search(r"[`\n]|\]\(|\*\*|<(?:code|a|p|br|em|strong)\b", text), (rule.id, text)
            assert entity["acceptedAnswer"]["text"] == plain_text(faq.a)


def test_plain_text_drops_markup_and_keeps_words():
    assert plain_text("Set `timeout`, see [the docs](https://example.org/x).\nThen **retry**  \nonce.") == \
        "Set timeout, see the docs. Then retry once."
    assert plain_text("- one\n- two\n\n```\ncode\n```") == "one two code"
    assert plain_text("a &amp; b, 5 < 6") == "a & b, 5 < 6"
    assert "script" not in plain_text("x <script>alert(1)</script> y") and "alert" not in plain_text("<script>alert(1)</script>")
    assert plain_text("") == ""


# --- robots.txt -----------------------------------------------------------------------


def test_robots_txt_points_at_the_absolute_sitemap(built):
    lines = (built / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {SITE_URL}sitemap.xml" in lines
    assert (built / "sitemap.xml").is_file()
    assert [line for line in lines if line.lower().startswith("disallow")] == []


# --- print ----------------------------------------------------------------------------


def test_print_stylesheet_is_on_every_page(built):
    for page in _pages(built):
        hrefs = [link["href"] for link in _read(page).links if link.get("rel") == "stylesheet"]
        assert any(h.endswith("assets/errata/print.css") for h in hrefs), page
    css = (built / "assets" / "errata" / "print.css").read_text(encoding="utf-8")
    assert "@media print" in css and ".errata-diagnose" in css
