"""The build's last step: scan every built page for anything that could run code or leave the site.

Rule content is sanitized before it reaches a page; this audit checks the result
independently, so a gap anywhere upstream (a template, an extension, the
sanitizer) fails the build instead of reaching readers. Findings name the page
and, for an error page, the rule file that produced it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["Finding", "audit_page", "audit_site"]

# Ids the theme itself defines: content that repeated one could take over the
# theme's configuration or its toggles.
_DATA_SCRIPTS = {"application/json", "application/ld+json"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "srcset", "data", "background", "ping"}
_BAD_SCHEMES = re.compile(r"^(?:javascript|data|vbscript|file|blob):", re.IGNORECASE)
_FOREIGN = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_EMBEDS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
_RESOURCE_TAGS = {"script", "link", "img", "source", "video", "audio", "track", "input", "image", "use"}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem on one built page."""

    page: str
    line: int
    message: str
    source: str = ""

    def __str__(self) -> str:
        origin = f" (from {self.source})" if self.source else ""
        return f"{self.page}:{self.line}: {self.message}{origin}"


def _loads(values: dict[str, str]) -> bool:
    """A <link> the browser fetches (a stylesheet, icon, preload), not a canonical or alternate address."""
    return bool(set(values.get("rel", "").lower().split()) - {"canonical", "alternate", "prev", "next", "author", "license", "search", "help"})


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[tuple[int, str]] = []
        self.ids: dict[str, int] = {}
        self.first_in_head: str | None = None
        self._in_head = False

    def _add(self, message: str) -> None:
        self.findings.append((self.getpos()[0], message))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "") for name, value in attrs}
        if tag == "head":
            self._in_head = True
        elif self._in_head and self.first_in_head is None:
            self.first_in_head = "csp" if tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy" else tag
        if tag in _EMBEDS:
            self._add(f"<{tag}> element")
        if tag == "script":
            kind = values.get("type", "").strip().lower()
            if "src" not in values and kind not in _DATA_SCRIPTS:
                self._add("inline <script>")
            if "src" in values and _FOREIGN.match(values["src"].strip()):
                self._add(f"script from another origin: {values['src'][:80]!r}")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self._add("<meta http-equiv=refresh> redirect")
        for name, value in values.items():
            if name.startswith("on"):
                self._add(f"event-handler attribute {name}= on <{tag}>")
            elif name == "style":
                self._add(f"style attribute on <{tag}>")
            elif name in _URL_ATTRIBUTES:
                cleaned = re.sub(r"[\x00-\x20]", "", value)
                if _BAD_SCHEMES.match(cleaned):
                    self._add(f"{name}= with a {cleaned.split(':')[0].lower()}: URL on <{tag}>")
                elif tag in _RESOURCE_TAGS and name != "href" or tag == "link" and name == "href" and _loads(values):
                    if _FOREIGN.match(value.strip()):
                        self._add(f"resource from another origin on <{tag}>: {value[:80]!r}")
            elif name == "id":
                if value in self.ids:
                    self._add(f"id {value!r} is used twice (it can take over the theme's element)")
                self.ids[value] = self.getpos()[0]

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False


def audit_page(html: str, page: str, source: str = "") -> list[Finding]:
    """Every finding on one page."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    found = [Finding(page, line, message, source) for line, message in scanner.findings]
    if scanner.first_in_head != "csp":
        found.append(Finding(page, 1, "the Content-Security-Policy <meta> is not the first element in <head>", source))
    return found


def audit_site(site_dir: Path, rules_dir: str = "rules") -> list[Finding]:
    """Every finding on every HTML page of a built site, sorted."""
    findings: list[Finding] = []
    for path in sorted(site_dir.rglob("*.html")):
        relative = path.relative_to(site_dir).as_posix()
        parts = relative.split("/")
        source = f"{rules_dir}/{parts[1]}.yaml" if len(parts) == 3 and parts[0] == "errors" else ""
        findings.extend(audit_page(path.read_text(encoding="utf-8"), relative, source))
    return sorted(findings)
