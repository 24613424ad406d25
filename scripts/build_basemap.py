"""Build the map's offline base layer (country outlines) from Natural Earth, as TopoJSON.

Input: ``countries-50m.json`` of the npm package world-atlas 2.0.2 (Natural Earth 4.1.0's
admin-0 countries at 1:50m, quantized TopoJSON; ISC for the package, public domain for the data):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python scripts/build_basemap.py package/countries-50m.json

Output: src/loomlight/site/static/vendor/world-atlas-2.0.2/countries.json, drawn by
site/static/loomlight/map.js under the tiles. Steps, each small:

1. unwrap the arcs that cross the antimeridian (Chukotka, Wrangel Island, Fiji jump from
   -180 to +180 degrees: drawn flat, that is a line across the world) into one run of
   longitudes, so the tip of Chukotka lies east of +180 degrees;
2. leave out Antarctica (no factories; in Web Mercator a band wider than the world), and the
   islands of the other countries (not in the list) smaller than ``OTHER_TOLERANCE_DEG`` each way,
   unless an island is its country's largest piece;
3. simplify every arc (Douglas-Peucker): the arcs of the countries Loomlight knows
   (reference/countries.csv) within ``KNOWN_TOLERANCE_DEG``, less than a pixel up to zoom 7, so
   they keep 1:50m's detail; every other arc, there for context, within ``OTHER_TOLERANCE_DEG``.
   Arcs are shared between neighbours, so both sides of a border stay one line. A ring that
   simplifying leaves with fewer than three corners (Monaco's) keeps its arcs finer;
4. mark the known countries with their ISO 3166-1 alpha-2 code (``properties.code``);
   drop the names (English only) and the ``land`` object (not drawn).

The build is deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES_CSV = ROOT / "src" / "loomlight" / "reference" / "countries.csv"
OUT = ROOT / "src" / "loomlight" / "site" / "static" / "vendor" / "world-atlas-2.0.2" / "countries.json"

#: sha256 of world-atlas 2.0.2's countries-50m.json (npm tarball sha256 032e7765...5b97)
INPUT_SHA256 = "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394"

#: ISO 3166-1 numeric code (world-atlas's ``id``) of each alpha-2 code in reference/countries.csv
#: (ISO 3166 Maintenance Agency; the same table as the UN M49 country codes)
NUMERIC = {
    "AT": "040", "BD": "050", "CH": "756", "CN": "156", "DE": "276", "EG": "818", "ET": "231",
    "GB": "826", "ID": "360", "IN": "356", "JP": "392", "KE": "404", "KH": "116", "LA": "418",
    "LK": "144", "MA": "504", "MM": "104", "MX": "484", "NL": "528", "PK": "586", "SE": "752",
    "TH": "764", "TR": "792", "US": "840", "VN": "704",
}
ANTARCTICA = "010"

#: largest distance [degree] of a left-out point from the simplified line: for the countries
#: of the list about 1.1 km at the equator, 0.9 of a pixel at zoom 7 (360 / (256 * 2**7) = 0.011);
#: for the others about 11 km, a pixel at zoom 4 (0.088)
KNOWN_TOLERANCE_DEG = 0.01
OTHER_TOLERANCE_DEG = 0.1


def known_codes() -> list[str]:
    with COUNTRIES_CSV.open(encoding="utf-8") as fh:
        return [row["code"] for row in csv.DictReader(fh)]


def arc_indices(arcs) -> set[int]:
    """The arcs a geometry's nested ``arcs`` list uses, as non-negative indices (~i is arc i reversed)."""
    if isinstance(arcs, int):
        return {arcs if arcs >= 0 else ~arcs}
    return set().union(*(arc_indices(a) for a in arcs)) if arcs else set()


def decode(arc: list[list[int]]) -> list[list[int]]:
    """Delta-encoded quantized positions to absolute ones."""
    x = y = 0
    points = []
    for dx, dy in arc:
        x += dx
        y += dy
        points.append([x, y])
    return points


def encode(points: list[list[int]]) -> list[list[int]]:
    out, px, py = [], 0, 0
    for x, y in points:
        out.append([x - px, y - py])
        px, py = x, y
    return out


def unwrap(points: list[list[int]], full_turn: int) -> list[list[int]]:
    """Shift longitudes by whole turns so that no step between two points exceeds half a turn."""
    out, offset = [points[0]], 0
    for (x0, _y0), (x, y) in zip(points, points[1:], strict=False):
        step = x - x0
        if step > full_turn // 2:
            offset -= full_turn
        elif step < -full_turn // 2:
            offset += full_turn
        out.append([x + offset, y])
    return out


def _distance(p, a, b, sx: float, sy: float) -> float:
    """Distance [degree] of point p from segment a-b, positions scaled to degrees."""
    px, py, ax, ay, bx, by = p[0] * sx, p[1] * sy, a[0] * sx, a[1] * sy, b[0] * sx, b[1] * sy
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    ex, ey = ax + t * dx - px, ay + t * dy - py
    return (ex * ex + ey * ey) ** 0.5


def douglas_peucker(points, tolerance: float, sx: float, sy: float):
    """Keep the end points and every point farther than ``tolerance`` [degree] from the line kept."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, None
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last], sx, sy)
            if d > far:
                far, index = d, i
        if index is not None and far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify(points, tolerance: float, sx: float, sy: float):
    if len(points) < 3:
        return points
    if points[0] != points[-1]:
        return douglas_peucker(points, tolerance, sx, sy)
    # a closed arc (an island): split at the point farthest from its start, simplify both halves
    far = max(range(len(points)), key=lambda i: _distance(points[i], points[0], points[0], sx, sy))
    ring = douglas_peucker(points[: far + 1], tolerance, sx, sy)[:-1] + douglas_peucker(points[far:], tolerance, sx, sy)
    return ring if len(ring) >= 4 else points  # a ring needs three corners: a tiny island keeps its outline


def _index(i: int) -> int:
    """The arc a ring's index names (~i is arc i walked backwards)."""
    return i if i >= 0 else ~i


def _rings_of(arcs) -> list[list[int]]:
    """The rings (lists of arc indices) of a Polygon's or MultiPolygon's nested ``arcs``."""
    if arcs and isinstance(arcs[0], int):
        return [arcs]
    return [ring for part in arcs for ring in _rings_of(part)]


def renumber(arcs, new_index: dict[int, int]):
    if isinstance(arcs, int):
        return new_index[arcs] if arcs >= 0 else ~new_index[~arcs]
    return [renumber(a, new_index) for a in arcs]


def _extent(points, sx: float, sy: float) -> tuple[float, float]:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return (max(xs) - min(xs)) * sx, (max(ys) - min(ys)) * sy


def _small_islands(geometries, arcs, used_by_known: set[int], tolerance: float, sx: float, sy: float):
    """Polygons of other countries made of one closed arc no other polygon uses, smaller than
    ``tolerance`` [degree] each way, except each country's largest: {(geometry index, polygon index)}."""
    uses: dict[int, int] = {}
    for g in geometries:
        for i in arc_indices(g["arcs"]):
            uses[i] = uses.get(i, 0) + 1
    small = set()
    for gi, g in enumerate(geometries):
        if g["type"] != "MultiPolygon":
            continue
        sizes = []
        for pi, polygon in enumerate(g["arcs"]):
            outer = polygon[0]
            index = outer[0] if outer[0] >= 0 else ~outer[0]
            width, height = _extent(arcs[index], sx, sy)
            single = len(polygon) == 1 and len(outer) == 1 and uses[index] == 1 and index not in used_by_known
            sizes.append((width * height, pi, single and width < tolerance and height < tolerance))
        largest = max(sizes)[1]
        small |= {(gi, pi) for _area, pi, drop in sizes if drop and pi != largest}
    return small


def build(topology: dict, codes: list[str], known_tolerance: float = KNOWN_TOLERANCE_DEG,
          other_tolerance: float = OTHER_TOLERANCE_DEG) -> dict:
    missing = [c for c in codes if c not in NUMERIC]
    if missing:
        raise SystemExit(f"reference/countries.csv has {', '.join(missing)}: add its ISO 3166-1 numeric code to NUMERIC")
    code_of = {NUMERIC[c]: c for c in codes}
    sx, sy = topology["transform"]["scale"]
    full_turn = round(360 / sx)
    geometries = [g for g in topology["objects"]["countries"]["geometries"] if g.get("id") != ANTARCTICA and g.get("arcs")]
    found = {g.get("id") for g in geometries}
    absent = [c for c in codes if NUMERIC[c] not in found]
    if absent:
        raise SystemExit(f"no outline for {', '.join(absent)} in the input")
    points = [unwrap(decode(arc), full_turn) for arc in topology["arcs"]]
    known = set().union(*(arc_indices(g["arcs"]) for g in geometries if g.get("id") in code_of))
    small = _small_islands(geometries, points, known, other_tolerance, sx, sy)
    kept = []
    for gi, g in enumerate(geometries):
        arcs = g["arcs"]
        if g["type"] == "MultiPolygon":
            arcs = [polygon for pi, polygon in enumerate(arcs) if (gi, pi) not in small]
        kept.append((g, "Polygon" if len(arcs) == 1 and g["type"] == "MultiPolygon" else g["type"],
                     arcs[0] if len(arcs) == 1 and g["type"] == "MultiPolygon" else arcs))
    used = sorted(set().union(*(arc_indices(arcs) for _g, _t, arcs in kept)))
    new_index = {old: new for new, old in enumerate(used)}
    simple = {old: simplify(points[old], known_tolerance if old in known else other_tolerance, sx, sy) for old in used}

    def corners(ring):   # points of the ring, its first and last counted once (arcs meet on a shared point)
        return sum(len(simple[_index(i)]) for i in ring) - len(ring)

    for _g, _kind, arcs in kept:
        for ring in _rings_of(arcs):
            if corners(ring) < 3:
                simple.update({_index(i): simplify(points[_index(i)], known_tolerance, sx, sy) for i in ring})
            if corners(ring) < 3:
                simple.update({_index(i): points[_index(i)] for i in ring})
    out_arcs = [encode(simple[old]) for old in used]
    out_geometries = []
    for g, kind, arcs in kept:
        item = {"type": kind, "arcs": renumber(arcs, new_index)}
        if g.get("id"):
            item["id"] = g["id"]
        if g.get("id") in code_of:
            item["properties"] = {"code": code_of[g["id"]]}
        out_geometries.append(item)
    return {
        "type": "Topology",
        "transform": topology["transform"],
        "objects": {"countries": {"type": "GeometryCollection", "geometries": out_geometries}},
        "arcs": out_arcs,
    }


def check_rings(topology: dict) -> None:
    """No ring steps more than half a turn between two points (that is drawn as a line across the
    map), and every ring keeps at least three corners."""
    sx = topology["transform"]["scale"][0]
    arcs = [decode(a) for a in topology["arcs"]]
    for g in topology["objects"]["countries"]["geometries"]:
        polygons = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                points = []
                for i in ring:
                    arc = arcs[i] if i >= 0 else arcs[~i][::-1]
                    points += arc[1:] if points else arc
                if len(points) < 4:
                    raise SystemExit(f"geometry {g.get('id')}: a ring of {len(points)} points")
                for (x0, _), (x, _) in zip(points, points[1:], strict=False):
                    if abs(x - x0) * sx > 180:
                        raise SystemExit(f"geometry {g.get('id')}: a step of {abs(x - x0) * sx:.1f} degrees")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="world-atlas 2.0.2's countries-50m.json")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    raw = args.source.read_bytes()
    if hashlib.sha256(raw).hexdigest() != INPUT_SHA256:
        print(f"{args.source} is not world-atlas 2.0.2's countries-50m.json (sha256 differs)", file=sys.stderr)
        return 1
    topology = build(json.loads(raw), known_codes())
    check_rings(topology)
    data = json.dumps(topology, separators=(",", ":")).encode() + b"\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    points = sum(len(a) for a in topology["arcs"])
    print(f"{args.out}: {len(topology['objects']['countries']['geometries'])} countries, {len(topology['arcs'])} arcs, "
          f"{points} points, {len(data)} bytes, {len(gzip.compress(data, 9))} gzipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
