"""The map without the internet: the country outlines shipped with Loomlight (Natural Earth, under
vendor/world-atlas-2.0.2) lie under the tiles, show wherever tiles do not load, and are covered
wherever they do. Colours are read from the rendered page, one pixel at a time."""

from __future__ import annotations

import json
import math
import os
import struct
import zlib
from pathlib import Path

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OSM = "https://tile.openstreetmap.org/**"
OUTLINES = Path(__file__).resolve().parents[2] / "src/loomlight/site/static/vendor/world-atlas-2.0.2/countries.json"
COUNTRIES = len(json.loads(OUTLINES.read_text())["objects"]["countries"]["geometries"])   # 240
LAND, SEA, TILE = (0xF4, 0xF1, 0xE8), (0xD9, 0xE8, 0xF0), (0xFF, 0x00, 0xFF)   # map.js's fill, app.css's sea, a test tile


def _png(rgb: tuple[int, int, int]) -> bytes:
    """A 1 x 1 PNG of one colour (Leaflet stretches a tile to 256 px)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb))) + chunk(b"IEND", b""))


def _pixel(page, x: float, y: float) -> tuple[int, int, int]:
    """The colour at (x, y) of the viewport, from a 1 x 1 screenshot (a single pixel is stored as is
    under every PNG filter, since its neighbours count as 0)."""
    data = page.screenshot(clip={"x": round(x), "y": round(y), "width": 1, "height": 1})
    pos, idat, colour_type = 8, b"", None
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        if kind == b"IHDR":
            colour_type = data[pos + 8 + 9]
        elif kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    assert colour_type in (2, 6)   # RGB or RGBA, 8 bits a channel
    return tuple(zlib.decompress(idat)[1:4])


def _screen_position(origin: tuple[float, float], at: tuple[float, float], lat: float, lng: float, zoom: int) -> tuple[float, float]:
    """Where Leaflet's Web Mercator puts (lat, lng) in the viewport, given that ``at`` (lat, lng) lies at
    the viewport's point ``origin`` (x, y)."""
    world = 256 * 2 ** zoom

    def mercator(lat_):
        return world / (2 * math.pi) * math.log(math.tan(math.pi / 4 + math.radians(lat_) / 2))
    return origin[0] + (lng - at[1]) / 360 * world, origin[1] - (mercator(lat) - mercator(at[0]))


def _map_centre(page) -> tuple[float, float]:
    box = page.locator("#map").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _park(page) -> tuple[float, float]:
    box = page.locator("path.marker-park").bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _open_map(page, base, who: str, markers: bool = True):
    login(page, base, who)
    page.goto(f"{base}/registry/map/")
    page.wait_for_function(f"() => document.querySelectorAll('path.outline').length === {COUNTRIES}")
    page.wait_for_function("() => document.getElementById('map-count').textContent.length > 0")
    if markers:
        page.wait_for_selector("path.marker-facility")


PARK = (11.05, 106.66)   # Green Park, Binh Duong (tests/conftest.py)


@pytest.mark.parametrize("tiles", ["unreachable", "not configured"])
def test_without_tiles_the_outlines_are_drawn_and_the_markers_show(live_server, world, page, settings, screenshot_dir, tiles):
    """Given a tile server that cannot be reached (an offline laptop) or no LOOMLIGHT_MAP_TILE_URL,
    when the programme's admin opens the map, then every country outline is drawn, the park and the
    facility show, and the view is no closer than zoom 7: north of the park (11.5° N) is land,
    the sea off Vung Tau (10° N 107.5° E) is sea, not grey."""
    failed = []
    if tiles == "unreachable":
        page.route(OSM, lambda route: route.abort("internetdisconnected"))
        page.on("requestfailed", lambda request: failed.append(request.url) if "openstreetmap" in request.url else None)
    else:
        settings.MAP_TILE_URL = ""
    _open_map(page, live_server.url, "admin")
    assert page.locator("path.marker-park").count() == 1
    assert page.locator("path.marker-facility").count() == 1
    assert page.locator("#map-count").inner_text() == "1 park, 1 facility"
    if tiles == "unreachable":
        page.wait_for_function("() => document.querySelectorAll('img.leaflet-tile').length > 0")
        assert failed and page.locator("img.leaflet-tile-loaded").count() == 0
    else:
        assert page.locator("img.leaflet-tile").count() == 0
    assert "Natural Earth" in page.locator(".leaflet-control-attribution").inner_text()
    page.wait_for_timeout(400)   # the zoom animation of the second fit, if any
    park = _park(page)
    assert _pixel(page, *_screen_position(park, PARK, 11.5, 106.66, 7)) == LAND
    assert _pixel(page, *_screen_position(park, PARK, 10.0, 107.5, 7)) == SEA
    page.screenshot(path=os.path.join(screenshot_dir, f"map-{tiles.replace(' ', '-')}.png"))


def test_a_map_without_markers_shows_land_and_sea_where_they_are(live_server, world, page, browser, screenshot_dir):
    """Given a user who may see no facility and no tiles, when the map opens at its default view
    (12° N 100° E, zoom 4), then central Thailand (15° N 101° E) is land and the South China Sea
    (13° N 111° E) and the Bay of Bengal (12° N 88° E) are sea: the outlines lie where they belong."""
    page.route(OSM, lambda route: route.abort("internetdisconnected"))
    _open_map(page, live_server.url, "nobody", markers=False)
    assert page.locator("#map-count").inner_text() == "0 parks, 0 facilities"
    centre = _map_centre(page)
    assert _pixel(page, *_screen_position(centre, (12, 100), 15, 101, 4)) == LAND
    assert _pixel(page, *_screen_position(centre, (12, 100), 13, 111, 4)) == SEA
    assert _pixel(page, *_screen_position(centre, (12, 100), 12, 88, 4)) == SEA
    page.screenshot(path=os.path.join(screenshot_dir, "map-no-markers.png"))
    phone = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        small = phone.new_page()
        small.route(OSM, lambda route: route.abort("internetdisconnected"))
        _open_map(small, live_server.url, "admin")
        small.wait_for_timeout(400)
        small.screenshot(path=os.path.join(screenshot_dir, "map-phone.png"))
    finally:
        phone.close()


def test_tiles_that_load_cover_the_outlines(live_server, world, page):
    """Given a tile server that answers (every tile one magenta pixel), when the map has loaded,
    then it is fitted to the markers at zoom 12 and beside the park the tile shows, not the outline
    drawn beneath it."""
    page.route(OSM, lambda route: route.fulfill(status=200, content_type="image/png", body=_png(TILE)))
    _open_map(page, live_server.url, "admin")
    page.wait_for_function("() => document.querySelectorAll('img.leaflet-tile[src*=\"/12/\"]').length > 0")
    page.wait_for_function("() => { const t = document.querySelectorAll('img.leaflet-tile-loaded');"
                           " return t.length > 0 && Array.from(t).every(i => i.style.opacity === '1'); }")   # faded in
    park = _park(page)
    assert _pixel(page, park[0] - 60, park[1]) == TILE
