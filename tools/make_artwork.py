"""Draw the site's logo, favicon and link-preview card from one geometry; the output is committed.

    .venv/bin/python tools/make_artwork.py        # rewrites docs/assets/errata/{logo.svg,favicon.png,card.png}

The mark is an "E" of round-capped strokes on an indigo tile, its middle stroke in
orange and shorter: a line that has been corrected. The SVG is written from the
strokes; the PNGs are rasterised from the same strokes in pure Python (signed
distances, one sample per pixel, zlib), so no image library is needed and a PNG
never drifts from the SVG. PNG, not SVG, for the card: link previews on the big
platforms do not take SVG.
"""

from __future__ import annotations

import math
import struct
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "assets" / "errata"

INDIGO = (0x3F, 0x51, 0xB5)   # Material's indigo, the site's primary colour
WHITE = (0xFF, 0xFF, 0xFF)
ORANGE = (0xFF, 0x8A, 0x65)   # deep orange 300: reads on indigo

# The mark on a 64-unit tile: the tile's corner radius, then strokes (x1, y1, x2, y2, colour).
TILE_RADIUS = 14
STROKE = 7
STROKES = (
    (21, 16, 21, 48, WHITE),
    (21, 16, 43, 16, WHITE),
    (21, 48, 43, 48, WHITE),
    (21, 32, 37, 32, ORANGE),
)

# The card's wordmark, "ERRATA", as strokes and arcs in a 5 x 7 unit cell per letter.
# Arcs: (cx, cy, r, start degrees, end degrees), angles clockwise from +x (y points down).
LETTERS = {
    "E": ([(0, 0, 0, 7), (0, 0, 4, 0), (0, 3.5, 3, 3.5), (0, 7, 4, 7)], []),
    "R": ([(0, 0, 0, 7), (0, 0, 2.5, 0), (0, 3.6, 2.5, 3.6), (2.2, 3.6, 4, 7)], [(2.5, 1.8, 1.8, -90, 90)]),
    "A": ([(0, 7, 2, 0), (2, 0, 4, 7), (0.85, 4.6, 3.15, 4.6)], []),
    "T": ([(0, 0, 4, 0), (2, 0, 2, 7)], []),
}


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb)


def svg() -> str:
    """The mark as SVG, written from the same strokes the PNGs are drawn from."""
    lines = "".join(
        f'<path d="M{x1} {y1}L{x2} {y2}" stroke="{hex_colour(colour)}"/>' for x1, y1, x2, y2, colour in STROKES)
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="Errata">'
            f'<rect width="64" height="64" rx="{TILE_RADIUS}" fill="{hex_colour(INDIGO)}"/>'
            f'<g fill="none" stroke-width="{STROKE}" stroke-linecap="round">{lines}</g></svg>\n')


class Canvas:
    """An RGB image that shapes are painted onto with anti-aliased edges."""

    def __init__(self, width: int, height: int, background: tuple[int, int, int]) -> None:
        self.width, self.height = width, height
        self.pixels = bytearray(bytes(background) * (width * height))

    def _paint(self, box: tuple[float, float, float, float], distance, colour: tuple[int, int, int]) -> None:
        """Blend `colour` wherever the signed distance (pixels, negative inside) is under half a pixel."""
        x0, y0, x1, y1 = (max(0, math.floor(box[0])), max(0, math.floor(box[1])),
                          min(self.width, math.ceil(box[2]) + 1), min(self.height, math.ceil(box[3]) + 1))
        px = self.pixels
        for y in range(y0, y1):
            for x in range(x0, x1):
                cover = 0.5 - distance(x + 0.5, y + 0.5)
                if cover <= 0:
                    continue
                cover = min(cover, 1.0)
                i = (y * self.width + x) * 3
                for k in range(3):
                    px[i + k] = round(px[i + k] + (colour[k] - px[i + k]) * cover)

    def stroke(self, x1: float, y1: float, x2: float, y2: float, width: float, colour) -> None:
        """A straight stroke with round caps."""
        r = width / 2
        dx, dy = x2 - x1, y2 - y1
        length2 = dx * dx + dy * dy or 1e-9

        def distance(x: float, y: float) -> float:
            t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / length2))
            return math.hypot(x - x1 - t * dx, y - y1 - t * dy) - r

        self._paint((min(x1, x2) - r, min(y1, y2) - r, max(x1, x2) + r, max(y1, y2) + r), distance, colour)

    def arc(self, cx: float, cy: float, radius: float, start: float, end: float, width: float, colour) -> None:
        """A circular arc with round caps, from `start` to `end` degrees (clockwise, y down)."""
        r = width / 2
        a0, a1 = math.radians(start), math.radians(end)
        ends = [(cx + radius * math.cos(a), cy + radius * math.sin(a)) for a in (a0, a1)]

        def distance(x: float, y: float) -> float:
            angle = math.atan2(y - cy, x - cx)
            while angle < a0:
                angle += 2 * math.pi
            if angle <= a1:
                return abs(math.hypot(x - cx, y - cy) - radius) - r
            return min(math.hypot(x - ex, y - ey) for ex, ey in ends) - r

        reach = radius + r
        self._paint((cx - reach, cy - reach, cx + reach, cy + reach), distance, colour)

    def rounded_rect(self, x: float, y: float, size: float, radius: float, colour) -> None:
        """A filled square with rounded corners."""
        half = size / 2
        cx, cy, inner = x + half, y + half, half - radius

        def distance(px: float, py: float) -> float:
            qx, qy = abs(px - cx) - inner, abs(py - cy) - inner
            return math.hypot(max(qx, 0.0), max(qy, 0.0)) + min(max(qx, qy), 0.0) - radius

        self._paint((x, y, x + size, y + size), distance, colour)

    def png(self) -> bytes:
        """The image as an 8-bit RGB PNG."""
        row = self.width * 3
        raw = b"".join(b"\x00" + bytes(self.pixels[y * row:(y + 1) * row]) for y in range(self.height))

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def draw_mark(canvas: Canvas, x: float, y: float, size: float) -> None:
    """The mark with its top-left corner at (x, y), `size` pixels wide."""
    scale = size / 64
    canvas.rounded_rect(x, y, size, TILE_RADIUS * scale, INDIGO)
    for x1, y1, x2, y2, colour in STROKES:
        canvas.stroke(x + x1 * scale, y + y1 * scale, x + x2 * scale, y + y2 * scale, STROKE * scale, colour)


def draw_word(canvas: Canvas, word: str, x: float, y: float, unit: float, colour) -> None:
    """`word` in the stroke letters, its top-left corner at (x, y), one letter cell 5 x 7 units of `unit` pixels."""
    for letter in word:
        strokes, arcs = LETTERS[letter]
        for x1, y1, x2, y2 in strokes:
            canvas.stroke(x + x1 * unit, y + y1 * unit, x + x2 * unit, y + y2 * unit, unit, colour)
        for cx, cy, radius, start, end in arcs:
            canvas.arc(x + cx * unit, y + cy * unit, radius * unit, start, end, unit, colour)
        x += 6 * unit


def favicon(size: int = 48) -> Canvas:
    """The mark alone, on white, at favicon size."""
    canvas = Canvas(size, size, WHITE)
    draw_mark(canvas, 0, 0, size)
    return canvas


def card() -> Canvas:
    """The 1200 x 630 link-preview card: the mark and the wordmark on indigo."""
    canvas = Canvas(1200, 630, INDIGO)
    canvas.rounded_rect(150, 165, 300, 60, WHITE)
    draw_mark(canvas, 160, 175, 280)
    draw_word(canvas, "ERRATA", 530, 259, 16, WHITE)
    canvas.stroke(530, 415, 1074, 415, 10, ORANGE)
    return canvas


def artwork() -> dict[str, bytes]:
    """{file name: content} for everything this tool writes."""
    return {"logo.svg": svg().encode("utf-8"), "favicon.png": favicon().png(), "card.png": card().png()}


def main() -> int:
    for name, content in artwork().items():
        (OUT / name).write_bytes(content)
        print(f"wrote {(OUT / name).relative_to(ROOT)} ({len(content)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
