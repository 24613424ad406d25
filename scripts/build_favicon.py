"""Draw Loomlight's icon, a swatch of plain weave, as SVG and as ICO (16, 32 and 48 px PNGs).

    python scripts/build_favicon.py

Writes site/static/loomlight/favicon.svg (linked from base.html) and site/root/favicon.ico
(answered at /favicon.ico by WhiteNoise, ``WHITENOISE_ROOT``). Both come from the shapes below,
on a 32-unit square: two warp threads (white) and two weft threads (gold) on the brand's green,
crossing over and under in turn. Standard library only; the same shapes give the same bytes.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

SITE = Path(__file__).resolve().parent.parent / "src" / "loomlight" / "site"
SVG_PATH = SITE / "static" / "loomlight" / "favicon.svg"
ICO_PATH = SITE / "root" / "favicon.ico"

GRID = 32
RADIUS = 6
GREEN, WARP, WEFT = (0x0B, 0x6E, 0x4F), (0xFF, 0xFF, 0xFF), (0xF2, 0xA5, 0x41)
THREADS = [(7, 12), (20, 25)]     # both ways: [start, end) of each thread
REACH = (4, 28)                   # threads run from 4 to 28
SIZES = (16, 32, 48)
SAMPLES = 4                       # 4 x 4 samples a pixel for smooth edges


def colour_at(x: float, y: float) -> tuple[int, int, int] | None:
    """The colour at a point of the 32-unit square, None outside its rounded corners."""
    cx = min(max(x, RADIUS), GRID - RADIUS)
    cy = min(max(y, RADIUS), GRID - RADIUS)
    if (x - cx) ** 2 + (y - cy) ** 2 > RADIUS ** 2:
        return None
    within = REACH[0] <= x < REACH[1] and REACH[0] <= y < REACH[1]
    warp = next((i for i, (a, b) in enumerate(THREADS) if a <= x < b), None) if within else None
    weft = next((j for j, (a, b) in enumerate(THREADS) if a <= y < b), None) if within else None
    if warp is not None and weft is not None:
        return WARP if (warp + weft) % 2 == 0 else WEFT   # over and under in turn
    if warp is not None:
        return WARP
    if weft is not None:
        return WEFT
    return GREEN


def raster(size: int) -> bytes:
    """RGBA rows, each prefixed by PNG's filter byte 0."""
    rows = bytearray()
    for py in range(size):
        rows.append(0)
        for px in range(size):
            total, r, g, b = 0, 0, 0, 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    c = colour_at((px + (sx + 0.5) / SAMPLES) * GRID / size, (py + (sy + 0.5) / SAMPLES) * GRID / size)
                    if c is not None:
                        total += 1
                        r, g, b = r + c[0], g + c[1], b + c[2]
            n = SAMPLES * SAMPLES
            rows += bytes((r // total, g // total, b // total, round(255 * total / n))) if total else bytes(4)
    return bytes(rows)


def png(size: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)   # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raster(size), 9)) + chunk(b"IEND", b"")


def ico() -> bytes:
    images = [png(size) for size in SIZES]
    directory = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for size, image in zip(SIZES, images, strict=True):
        directory += struct.pack("<BBBBHHII", size, size, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return directory + b"".join(images)


def svg() -> str:
    def rect(x, y, w, h, fill):
        return f'<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="#{fill[0]:02x}{fill[1]:02x}{fill[2]:02x}"/>'
    length = REACH[1] - REACH[0]
    shapes = [f'<rect width="{GRID}" height="{GRID}" rx="{RADIUS}" fill="#{GREEN[0]:02x}{GREEN[1]:02x}{GREEN[2]:02x}"/>']
    shapes += [rect(REACH[0], a, length, b - a, WEFT) for a, b in THREADS]
    shapes += [rect(a, REACH[0], b - a, length, WARP) for a, b in THREADS]
    shapes += [rect(xa, ya, xb - xa, yb - ya, WEFT) for i, (xa, xb) in enumerate(THREADS)
               for j, (ya, yb) in enumerate(THREADS) if (i + j) % 2]   # the weft over the warp, in turn
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}">'
            '<title>Loomlight</title>' + "".join(shapes) + "</svg>\n")


def main() -> int:
    SVG_PATH.write_text(svg(), encoding="utf-8")
    ICO_PATH.parent.mkdir(parents=True, exist_ok=True)
    ICO_PATH.write_bytes(ico())
    print(f"{SVG_PATH}: {SVG_PATH.stat().st_size} bytes; {ICO_PATH}: {ICO_PATH.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
