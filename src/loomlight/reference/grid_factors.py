"""Grid electricity emission factors shipped in grid_factors.csv (no Django).

Three families of factor live in one file and must not be mixed up (docs/sources/grid-factors.md):

- the national authority's factor (``official``): Viet Nam's DCC combined margin, Thailand's TGO average,
  China's MEE/NBS average, India's CEA weighted average (and its combined margin for solar/wind projects);
- the harmonised IFI default grid factors 2021 (combined margin firm / intermittent, operating margin),
  for avoided-emission and ROI calculations of projects only (``intended_use`` project);
- Ember's average intensity, lifecycle basis, as the non-official inventory fallback.

``for_inventory`` picks the Scope 2 location-based factor of a country and year, ``for_projects`` the
margin factor of a project kind. Every choice comes back with ``flags`` that say how far it departs from
"the official factor of that very year".
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

FILE = "grid_factors.csv"

INVENTORY = "inventory (scope 2 location-based)"
PROJECT = "project (avoided emissions / ROI)"
INTENDED_USES = (INVENTORY, PROJECT)
FACTOR_TYPES = ("generation_average", "combined_margin", "operating_margin", "build_margin", "lifecycle_average")
MARGINS = ("combined_margin", "operating_margin", "build_margin")
UNITS = ("t CO2e/MWh", "t CO2/MWh")
PROJECT_KINDS = ("firm", "intermittent", "operating_margin")

#: flags a selection may carry
PROXY_YEAR = "proxy year"              # not the factor of the year asked for
NOT_OFFICIAL = "not official"          # no factor of the national authority: a sourced alternative
LIFECYCLE = "lifecycle basis"          # includes upstream and manufacturing emissions (Ember)
MARGIN = "margin factor"               # an inventory factor that is a CDM margin, as the authority prescribes (Viet Nam)
NO_RESIDUAL_MIX = "no residual mix"    # market-based method fell back to the location-based factor


@dataclass(frozen=True)
class GridFactor:
    country: str           # ISO 3166-1 alpha-2
    year: int              # year of the data (Indian fiscal year FY2023-24 is 2023); for Thailand, the year it takes effect
    value: float           # in ``unit``; t/MWh is kg/kWh
    unit: str              # "t CO2e/MWh", or "t CO2/MWh" when the publisher gives CO2 only
    factor_type: str       # one of FACTOR_TYPES
    intended_use: str      # one of INTENDED_USES
    publisher: str
    official: bool         # published by the national authority
    source: str
    table: str
    verified: str          # "primary" (read in the publication) or "transcription" (read in a faithful copy or report)
    checked: str           # what was read
    note: str
    flags: tuple[str, ...] = ()

    @property
    def kind(self) -> str | None:
        """The project kind of a margin factor: "firm", "intermittent" or "operating_margin"; None for averages."""
        if self.factor_type == "operating_margin":
            return "operating_margin"
        if self.factor_type == "combined_margin":
            return "intermittent" if "intermittent" in self.table.lower() else "firm"
        return None

    def citation(self) -> str:
        publication = self.source.split(" (http")[0]
        return f"{publication}, {self.table}"


def _text() -> str:
    return resources.files("loomlight.reference").joinpath(FILE).read_text(encoding="utf-8")


@cache
def _rows() -> tuple[GridFactor, ...]:
    return tuple(
        GridFactor(
            country=row["country"], year=int(row["year"]), value=float(row["value"]), unit=row["unit"],
            factor_type=row["factor_type"], intended_use=row["intended_use"], publisher=row["publisher"],
            official=row["official"] == "true", source=row["source"], table=row["table"], verified=row["verified"],
            checked=row["checked"], note=row["note"],
        )
        for row in csv.DictReader(_text().splitlines())
    )


def grid_factors() -> list[GridFactor]:
    """Every shipped factor, in file order."""
    return list(_rows())


def _flagged(factor: GridFactor, *flags: str) -> GridFactor:
    extra = []
    if factor.factor_type == "lifecycle_average":
        extra.append(LIFECYCLE)
    if factor.factor_type in MARGINS:
        extra.append(MARGIN)
    return replace(factor, flags=tuple(dict.fromkeys((*flags, *extra))))


def for_inventory(country: str, year: int) -> GridFactor | None:
    """The Scope 2 location-based factor for electricity used in ``country`` during ``year``.

    1. the national authority's inventory factor of that year;
    2. else its latest earlier year, flagged "proxy year";
    3. else the non-official inventory factor (Ember, lifecycle basis), flagged "not official": that of the
       year if shipped, else the latest earlier year, else the earliest later one ("proxy year" when not the year).
    None when the country has no inventory factor at all.
    """
    rows = [f for f in _rows() if f.country == country and f.intended_use == INVENTORY]
    official = sorted((f for f in rows if f.official), key=lambda f: f.year)
    exact = [f for f in official if f.year == year]
    if exact:
        return _flagged(exact[-1])
    earlier = [f for f in official if f.year < year]
    if earlier:
        return _flagged(earlier[-1], PROXY_YEAR)
    other = sorted((f for f in rows if not f.official), key=lambda f: f.year)
    if not other:
        return None
    chosen = ([f for f in other if f.year <= year] or other[:1])[-1]
    return _flagged(chosen, NOT_OFFICIAL, *((PROXY_YEAR,) if chosen.year != year else ()))


def for_market_based(country: str, year: int) -> GridFactor | None:
    """The market-based factor for grid electricity without contractual instruments.

    No residual mix is published for the countries shipped, so the Scope 2 Guidance's last resort applies:
    the location-based factor, flagged "no residual mix" (to be disclosed).
    """
    factor = for_inventory(country, year)
    return None if factor is None else replace(factor, flags=(*factor.flags, NO_RESIDUAL_MIX))


def for_projects(country: str, kind: str) -> GridFactor | None:
    """The grid factor displaced by a project of ``kind`` in ``country`` (avoided emissions, ROI).

    ``kind``: "firm" (combined margin, e.g. biomass, hydro, efficiency), "intermittent" (combined margin for
    solar/wind) or "operating_margin". The national authority's project factor of that kind if one is
    shipped (latest year), else the IFI harmonised default, flagged "not official". Never an inventory factor.
    """
    if kind not in PROJECT_KINDS:
        raise ValueError(f"kind must be one of {PROJECT_KINDS}, not {kind!r}")
    rows = sorted((f for f in _rows() if f.country == country and f.intended_use == PROJECT and f.kind == kind),
                  key=lambda f: f.year)
    official = [f for f in rows if f.official]
    if official:
        return replace(official[-1], flags=())
    if rows:
        return replace(rows[-1], flags=(NOT_OFFICIAL,))
    return None


@cache
def data_version() -> str:
    """The version of the data: the file name and the start of its content hash, recorded with every use."""
    return f"{FILE}@{hashlib.sha256(_text().encode('utf-8')).hexdigest()[:12]}"
