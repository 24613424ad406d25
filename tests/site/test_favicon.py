"""The site's icon: answered at /favicon.ico (WhiteNoise's root files) and linked, with its SVG, from every page."""

from __future__ import annotations

import importlib.util
import struct
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "src" / "loomlight" / "site"


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _builder():
    spec = importlib.util.spec_from_file_location("build_favicon", ROOT / "scripts" / "build_favicon.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("who", [None, "manager"])
def test_favicon_ico_is_answered_at_the_root(client, world, who):
    """Given anyone, logged in or not, when the browser asks for /favicon.ico, then it gets the
    icon (16, 32 and 48 px PNGs in an ICO directory), cacheable like any static file."""
    if who:
        client.force_login(world.users[who])
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "no-store" not in response.get("Cache-Control", "")
    body = _body(response)
    assert body == (SITE / "root" / "favicon.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", body, 0)
    assert (reserved, kind, count) == (0, 1, 3)
    sizes = []
    for i in range(count):
        width, height, _colours, _reserved, planes, bits, length, offset = struct.unpack_from("<BBBBHHII", body, 6 + 16 * i)
        assert (planes, bits) == (1, 32)
        assert body[offset:offset + 8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack_from(">II", body, offset + 16) == (width, height)   # the PNG's IHDR says the same size
        assert offset + length <= len(body)
        sizes.append(width)
    assert sizes == [16, 32, 48]


def test_every_page_links_the_icons(client, db):
    """Given the base template, when any page renders (here the login page), then it links the ICO
    and the SVG icon, and the SVG is served as an image."""
    html = client.get("/login/").content.decode()
    assert '<link rel="icon" href="/favicon.ico" sizes="16x16 32x32 48x48">' in html
    assert '<link rel="icon" href="/static/loomlight/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/static/loomlight/favicon.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert _body(response).startswith(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">')


def test_the_shipped_icons_are_the_builders_drawing():
    """Given scripts/build_favicon.py, when it draws the icon again, then the bytes are those shipped
    (so the ICO and the SVG stay one design: nobody edits one of them by hand)."""
    builder = _builder()
    assert builder.ico() == (SITE / "root" / "favicon.ico").read_bytes()
    assert builder.svg() == (SITE / "static" / "loomlight" / "favicon.svg").read_text(encoding="utf-8")
    # the corners are transparent, the centre of the first warp thread white, the green ground opaque
    rows = builder.raster(32)

    def pixel(x, y):   # RGBA; each row starts with its filter byte
        start = y * (1 + 32 * 4) + 1 + 4 * x
        return rows[start:start + 4]

    assert pixel(0, 0) == bytes(4)
    assert pixel(9, 16) == bytes((255, 255, 255, 255))
    assert pixel(16, 2) == bytes((0x0B, 0x6E, 0x4F, 255))
