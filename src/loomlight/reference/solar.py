"""Solar defaults and sourced monthly irradiance shipped in solar_defaults.csv and solar_irradiance.csv (no Django).

``solar_defaults.csv``: system losses, inverter efficiency, kWp per m² of roof, usable roof share and the
placeholder weather used without a weather file, each row with its source, table, year and how it was checked.

``solar_irradiance.csv``: monthly mean daily global horizontal irradiation (kWh/m²/day) of a place, each row with
its source. It ships with no rows: no citable monthly table could be read for the programme's places (see
docs/data-sources.md); a site without a row runs on clear sky, flagged as an upper bound.
"""

from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources

DEFAULTS_FILE = "solar_defaults.csv"
IRRADIANCE_FILE = "solar_irradiance.csv"
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
#: a station farther than this from the site is not used for scaling
MAX_STATION_KM = 50.0


@dataclass(frozen=True)
class SolarDefault:
    key: str
    value: float
    unit: str
    source: str
    table: str
    year: str
    checked: str
    note: str

    def citation(self) -> str:
        return self.source.split(" (http")[0] + (f", {self.table}" if self.table else "")


@dataclass(frozen=True)
class MonthlyIrradiance:
    place: str
    country: str
    latitude: float | None          # None: a country-level row (used where no place is within reach)
    longitude: float | None
    kwh_m2_day: tuple[float, ...]     # 12 monthly means of daily GHI
    source: str
    table: str
    year: str
    checked: str


def _text(name: str) -> str:
    return resources.files("loomlight.reference").joinpath(name).read_text(encoding="utf-8")


@cache
def defaults() -> dict[str, SolarDefault]:
    out = {}
    for row in csv.DictReader(_text(DEFAULTS_FILE).splitlines()):
        out[row["key"]] = SolarDefault(row["key"], float(row["value"]), row["unit"], row["source"], row["table"],
                                       row["year"], row["checked"], row["note"])
    return out


def default(key: str) -> SolarDefault:
    return defaults()[key]


def parse_irradiance(text: str) -> tuple[MonthlyIrradiance, ...]:
    rows = []
    for row in csv.DictReader(text.splitlines()):
        rows.append(MonthlyIrradiance(
            row["place"], row["country"].strip().upper(),
            float(row["latitude"]) if row["latitude"].strip() else None,
            float(row["longitude"]) if row["longitude"].strip() else None,
            tuple(float(row[m]) for m in MONTHS), row["source"], row["table"], row["year"], row["checked"]))
    return tuple(rows)


@cache
def irradiance() -> tuple[MonthlyIrradiance, ...]:
    return parse_irradiance(_text(IRRADIANCE_FILE))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def nearest(latitude: float, longitude: float, *, country: str = "", table=None,
            max_km: float = MAX_STATION_KM) -> tuple[MonthlyIrradiance, float | None] | None:
    """The nearest place of ``table`` (the shipped one by default) within ``max_km``, with its distance; else the
    row of ``country`` (ISO alpha-2) without coordinates, with distance None; else None."""
    rows = irradiance() if table is None else table
    best = None
    for row in rows:
        if row.latitude is None or row.longitude is None:
            continue
        d = distance_km(latitude, longitude, row.latitude, row.longitude)
        if d <= max_km and (best is None or d < best[1]):
            best = (row, d)
    if best is None and country:
        for row in rows:
            if row.latitude is None and row.country == country.strip().upper():
                return row, None
    return best


@cache
def version() -> str:
    digest = hashlib.sha256((_text(DEFAULTS_FILE) + _text(IRRADIANCE_FILE)).encode("utf-8")).hexdigest()[:12]
    return f"{DEFAULTS_FILE}+{IRRADIANCE_FILE}@{digest}"
