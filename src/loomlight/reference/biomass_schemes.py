"""The certification schemes of biomass for energy that the guideline pages name for each biomass type, shipped in
biomass_schemes.csv (no Django).

A scheme ``applies_to`` woody biomass (the forest schemes and SBP) or any biomass (RSB, GGL); a type of
``loomlight.reference.biomass`` is matched by its ``woody`` flag. Which schemes a supplier holds is what the
screening asks (``calc/assessment/frameworks/biomass_screening-*.yaml``); this file only says which could apply.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

FILE = "biomass_schemes.csv"
SCOPES = ("woody", "any")


@dataclass(frozen=True)
class Scheme:
    code: str
    name: str
    applies_to: str     # one of SCOPES
    what: str           # English: what the scheme covers
    source: str
    year: int
    checked: str


class SchemeFileError(ValueError):
    """A row of biomass_schemes.csv is not valid; the message names the line and the column."""


def _parse(text: str) -> tuple[Scheme, ...]:
    out = []
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        if row["applies_to"] not in SCOPES:
            raise SchemeFileError(f"{FILE}, line {line}, column applies_to: {row['applies_to']!r} is not one of {SCOPES}")
        for column in ("code", "name", "source", "year"):
            if not (row.get(column) or "").strip():
                raise SchemeFileError(f"{FILE}, line {line}, column {column}: empty")
        try:
            year = int(row["year"])
        except ValueError:
            raise SchemeFileError(f"{FILE}, line {line}, column year: {row['year']!r} is not a year") from None
        out.append(Scheme(code=row["code"], name=row["name"], applies_to=row["applies_to"], what=row["what"],
                          source=row["source"], year=year, checked=row["checked"]))
    return tuple(out)


@cache
def schemes() -> tuple[Scheme, ...]:
    return _parse(resources.files("loomlight.reference").joinpath(FILE).read_text(encoding="utf-8"))


def for_type(woody: bool) -> tuple[Scheme, ...]:
    """The schemes that could certify a biomass type: every scheme for woody biomass, the "any" ones otherwise."""
    return tuple(s for s in schemes() if woody or s.applies_to == "any")
