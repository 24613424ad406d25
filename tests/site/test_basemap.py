"""The map's offline base layer (site/static/vendor/world-atlas-2.0.2/countries.json, built by
scripts/build_basemap.py from Natural Earth's 1:50m countries): every country Loomlight knows is
there, where it belongs, drawn without a line across the world, and the file stays light."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from loomlight.reference.countries import country_names

VENDOR = Path(__file__).resolve().parents[2] / "src/loomlight/site/static/vendor/world-atlas-2.0.2"
TOPOLOGY = json.loads((VENDOR / "countries.json").read_text())

#: one inland city of each country (latitude, longitude, rounded to 0.01°), at least 20 km from any border or coast
CITIES = {
    "AT": (48.31, 14.29),   # Linz
    "BD": (23.81, 90.41),   # Dhaka
    "CH": (46.95, 7.45),    # Bern
    "CN": (39.90, 116.40),  # Beijing
    "DE": (51.31, 9.48),    # Kassel
    "EG": (30.04, 31.24),   # Cairo
    "ET": (9.03, 38.74),    # Addis Ababa
    "GB": (52.49, -1.89),   # Birmingham
    "ID": (-6.91, 107.61),  # Bandung
    "IN": (28.61, 77.21),   # Delhi
    "JP": (36.24, 137.97),  # Matsumoto
    "KE": (-1.29, 36.82),   # Nairobi
    "KH": (11.56, 104.92),  # Phnom Penh
    "LA": (19.89, 102.13),  # Luang Prabang
    "LK": (7.29, 80.63),    # Kandy
    "MA": (31.63, -8.01),   # Marrakesh
    "MM": (19.76, 96.08),   # Naypyidaw
    "MX": (19.43, -99.13),  # Mexico City
    "NL": (52.09, 5.12),    # Utrecht
    "PK": (33.69, 73.05),   # Islamabad
    "SE": (59.27, 15.21),   # Örebro
    "TH": (14.97, 102.10),  # Nakhon Ratchasima
    "TR": (39.93, 32.86),   # Ankara
    "US": (39.10, -94.58),  # Kansas City
    "VN": (11.05, 106.66),  # Binh Duong, the test world's park
}


def _arcs() -> list[list[tuple[float, float]]]:
    """Every arc as absolute (longitude, latitude) [degree]."""
    (sx, sy), (tx, ty) = TOPOLOGY["transform"]["scale"], TOPOLOGY["transform"]["translate"]
    arcs = []
    for arc in TOPOLOGY["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


ARCS = _arcs()


def _rings(geometry) -> list[list[tuple[float, float]]]:
    polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
    rings = []
    for polygon in polygons:
        for ring in polygon:
            points: list[tuple[float, float]] = []
            for i in ring:
                arc = ARCS[i] if i >= 0 else ARCS[~i][::-1]
                points += arc[1:] if points else arc
            rings.append(points)
    return rings


def _contains(geometry, lat: float, lng: float) -> bool:
    """Even-odd rule over all rings (holes included), as Leaflet fills them."""
    inside = False
    for ring in _rings(geometry):
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            if (y0 > lat) != (y1 > lat) and lng < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                inside = not inside
    return inside


GEOMETRIES = TOPOLOGY["objects"]["countries"]["geometries"]


def test_every_country_loomlight_knows_has_one_outline():
    """Given reference/countries.csv, then each of its codes marks exactly one outline, and no outline
    carries a code outside it (a country added to the CSV fails here until the base layer is rebuilt)."""
    codes = [g["properties"]["code"] for g in GEOMETRIES if "properties" in g]
    assert sorted(codes) == sorted(country_names())
    assert len(codes) == len(set(codes)) == 25
    assert len(GEOMETRIES) == 240   # Natural Earth's 241 admin-0 countries at 1:50m, less Antarctica


@pytest.mark.parametrize("code", sorted(CITIES))
def test_each_country_lies_where_it_belongs(code):
    """Given an inland city of the country, then the country's outline, and no other, contains it
    (so the ISO numeric to alpha-2 table of the build is right, and no outline overlaps another there)."""
    lat, lng = CITIES[code]
    containing = [g.get("properties", {}).get("code", g.get("id")) for g in GEOMETRIES if _contains(g, lat, lng)]
    assert containing == [code]


def test_no_ring_crosses_the_world_and_every_ring_closes():
    """Drawn flat (Web Mercator), a step of more than 180° of longitude is a line across the map:
    Chukotka, Wrangel Island and Fiji are unwrapped east of +180° instead."""
    widest, rings = 0.0, 0
    for g in GEOMETRIES:
        for ring in _rings(g):
            rings += 1
            assert ring[0] == ring[-1] and len(ring) >= 4
            widest = max(widest, *(abs(b[0] - a[0]) for a, b in zip(ring, ring[1:], strict=False)))
    assert widest < 180
    assert max(x for arc in ARCS for x, _y in arc) > 180   # the tip of Chukotka, east of the antimeridian
    assert min(y for arc in ARCS for _x, y in arc) > -60   # no Antarctica


def test_every_arc_is_used_and_the_file_stays_light():
    """Measured when built: 313,677 bytes, 106,613 gzipped (gzip -9; WhiteNoise serves it compressed).
    A rebuild that adds weight fails here and is measured again."""
    used: set[int] = set()

    def walk(arcs):
        if isinstance(arcs, int):
            used.add(arcs if arcs >= 0 else ~arcs)
        else:
            for a in arcs:
                walk(a)
    for g in GEOMETRIES:
        walk(g["arcs"])
    assert used == set(range(len(ARCS)))
    raw = (VENDOR / "countries.json").read_bytes()
    assert len(raw) == 313_677
    assert len(gzip.compress(raw, 9, mtime=0)) <= 107_000
    assert {p.name for p in VENDOR.iterdir()} == {"countries.json", "LICENSE", "README.md"}
    assert "Copyright 2013-2019 Michael Bostock" in (VENDOR / "LICENSE").read_text()


def test_the_map_page_loads_the_outlines_from_this_site(client, world):
    """Given the map page, then it names the outlines by their static URL (connect-src 'self' allows
    the fetch), and that URL answers with the TopoJSON."""
    client.force_login(world.users["admin"])
    html = client.get("/registry/map/").content.decode()
    assert 'data-outlines="/static/vendor/world-atlas-2.0.2/countries.json"' in html
    response = client.get("/static/vendor/world-atlas-2.0.2/countries.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(b"".join(response.streaming_content))["type"] == "Topology"
