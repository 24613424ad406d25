"""National discharge regulations, their columns and limits, shipped in discharge_*.csv (no Django).

Every row carries its source and how it was checked (``verified``); docs/data-sources.md says how each
table was read. A regulation may be shipped with no limit rows: its identity and dates were read, its
values not (yet) in a primary copy. The pages then say so rather than judge against a guessed value."""

from __future__ import annotations

import csv
import datetime
from functools import cache
from importlib import resources

from loomlight.calc.discharge import Column, Regulation
from loomlight.calc.wastewater import Limit

#: How a shipped value was checked, strongest first. "primary-extract": the text layer of the issuer's own PDF,
#: as extracted by a third party (the page images were not seen).
SHIPPABLE = ("primary", "primary-extract")


def _rows(name: str) -> list[dict]:
    with resources.files("loomlight.reference").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _day(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _number(text: str) -> float | None:
    return float(text) if text else None


@cache
def regulations() -> tuple[Regulation, ...]:
    return tuple(
        Regulation(r["code"], r["country"], r["name"], r["instrument"], _day(r["issued_on"]), _day(r["in_force_from"]),
                   _day(r["in_force_until"]), _day(r["existing_before"]), _day(r["existing_until"]), r["source"], r["verified"])
        for r in _rows("discharge_regulations.csv"))


@cache
def regulation(code: str) -> Regulation | None:
    return next((r for r in regulations() if r.code == code), None)


@cache
def columns() -> tuple[Column, ...]:
    return tuple(Column(r["regulation"], r["column"], r["route"], r["receiving_class"], r["label"])
                 for r in _rows("discharge_columns.csv"))


@cache
def limit_rows() -> tuple[dict, ...]:
    """The limit rows as shipped, with their table, source and check (for the sources page and the API)."""
    return tuple(r for r in _rows("discharge_limits.csv") if r["verified"] in SHIPPABLE)


@cache
def limits() -> dict[tuple[str, str], dict[str, Limit]]:
    """{(regulation, column): {parameter: Limit}}; a national limit binds every discharger its column covers."""
    out: dict[tuple[str, str], dict[str, Limit]] = {}
    for r in limit_rows():
        out.setdefault((r["regulation"], r["column"]), {})[r["parameter"]] = Limit(
            r["parameter"], r["column"], _number(r["limit_min"]), _number(r["limit_max"]), r["unit"], "all")
    return out


@cache
def receiving_classes(country: str, route: str) -> tuple[str, ...]:
    """The receiving-water classes the shipped regulations of ``country`` define for ``route`` (for the form)."""
    codes = {r.code for r in regulations() if r.country == country}
    return tuple(sorted({c.receiving_class for c in columns() if c.regulation in codes and c.route == route
                         and c.receiving_class != "*"}))


def countries_with_regulations() -> frozenset[str]:
    return frozenset(r.country for r in regulations())
