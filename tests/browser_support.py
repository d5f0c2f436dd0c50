"""Fixtures for real-browser tests: a built site served on 127.0.0.1 and Chromium via Playwright."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RESULTS = "[data-diagnose-results]"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps",
]


def chromium_path() -> str | None:
    """Debian's Chromium (or $ERRATA_CHROMIUM); None lets Playwright use its own download."""
    explicit = os.environ.get("ERRATA_CHROMIUM")
    if explicit:
        return explicit
    for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if os.path.exists(candidate):
            return candidate
    return shutil.which("chromium")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".mjs": "text/javascript", ".wasm": "application/wasm", ".js": "text/javascript"}

    def log_message(self, *args) -> None:
        pass

    def send_error(self, code, message=None, explain=None) -> None:
        """A missing address gets the site's 404.html with status 404, as on the real host (GitHub Pages)."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@dataclass
class Site:
    root: Path
    base: str

    def url(self, path: str) -> str:
        return self.base + path


@dataclass
class BrowserLog:
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def run_paste(page, text: str, timeout: float = 90_000) -> None:
    """Type a paste into the page's box, run it and wait for the result."""
    page.fill("textarea[data-diagnose-input]", text)
    page.click("button[data-diagnose-run]")
    page.wait_for_selector(f"{RESULTS}[data-state=done], {RESULTS}[data-state=error]", timeout=timeout)
    state = page.get_attribute(RESULTS, "data-state")
    assert state == "done", page.text_content(RESULTS)


__all__ = ["RESULTS", "BrowserLog", "Site", "chromium_path", "run_paste", "serve"]
