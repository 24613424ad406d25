"""Wastewater parameters and discharge limits shipped in wastewater_*.csv (no Django)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from loomlight.calc.wastewater import Limit

#: The standards shipped, with the levels in order from least to most strict.
STANDARDS = {"zdhc_wwg": ("ZDHC Wastewater Guidelines", ("foundational", "progressive", "aspirational"))}


@dataclass(frozen=True)
class Parameter:
    code: str
    name: str
    unit: str
    note: str


def _rows(name: str) -> list[dict]:
    with resources.files("loomlight.reference").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@cache
def parameters() -> dict[str, Parameter]:
    return {r["code"]: Parameter(r["code"], r["name"], r["unit"], r["cas_or_note"]) for r in _rows("wastewater_parameters.csv")}


@cache
def limits(standard: str = "zdhc_wwg") -> tuple[Limit, ...]:
    def number(text):
        return float(text) if text else None

    return tuple(
        Limit(r["parameter"], r["level"], number(r["limit_min"]), number(r["limit_max"]), r["unit"], r["applies_to"])
        for r in _rows("wastewater_limits.csv") if r["standard"] == standard
    )


@cache
def version(standard: str = "zdhc_wwg") -> str:
    versions = {r["version"] for r in _rows("wastewater_limits.csv") if r["standard"] == standard}
    return ", ".join(sorted(versions))
