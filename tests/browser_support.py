"""Fixtures for real-browser tests: a built site served on 127.0.0.1 and Chromium via Playwright."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import shutil
import sys
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


class _GzipHandler(_QuietHandler):
    """Compresses what GitHub Pages compresses (text, JSON, scripts and, by reports, wasm), as it
    does on the fly; files that are compressed already (zip, gz, png) go out as they are."""

    COMPRESSED = {".html", ".css", ".js", ".mjs", ".json", ".wasm", ".svg", ".xml", ".txt", ".map"}
    _cache: dict[tuple[str, float], bytes] = {}

    def send_head(self):  # type: ignore[no-untyped-def]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the redirect to the folder's address
            path = path / "index.html"
        if (path.suffix not in self.COMPRESSED or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        key = (str(path), path.stat().st_mtime)
        if key not in self._cache:
            self._cache[key] = gzip.compress(path.read_bytes(), 6)
        body = self._cache[key]
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _GzAsEncodingHandler(_QuietHandler):
    """Sends .gz files with Content-Encoding: gzip, as Apache's AddEncoding does, and compresses
    nothing else: the browser decodes the .gz files itself."""

    def end_headers(self) -> None:
        if self.path.split("?", 1)[0].endswith(".gz"):
            self.send_header("Content-Encoding", "gzip")
        super().end_headers()


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


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        """A browser that stops reading a file (the worker cancels a download it replaces) is not an error."""
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


def serve(directory: Path, compress: bool = False, gz_encoded: bool = False) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve `directory` on 127.0.0.1 (a free port); `compress` gzips responses as GitHub Pages does;
    `gz_encoded` sends .gz files with Content-Encoding: gzip (Apache's AddEncoding)."""
    kind = _GzipHandler if compress else _GzAsEncodingHandler if gz_encoded else _QuietHandler
    handler = functools.partial(kind, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
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
