"""The metric catalogue: every reportable quantity, its category, canonical and reporting unit.

The canonical unit is what values are stored in; the reporting unit is the one a
facility usually has on its bill, meter or delivery note (litres of diesel, tonnes of
coal), pre-set in the Excel template and the monthly form so that a number typed as
read is not taken as GJ. The catalogue's ``source`` column says why each was chosen.

Read from metrics.csv (package data). No Django here, so the analysts' CLI and
notebooks can use it too; conversions use loomlight.calc.units.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

CATEGORIES = ("energy", "fuel", "water", "wastewater", "waste", "production", "workforce")


@dataclass(frozen=True)
class Metric:
    code: str
    name: str             # English; translated through the catalogues where shown
    category: str
    canonical_unit: str   # a unit loomlight.calc.units understands; values are stored in it
    reporting_unit: str   # the unit usually reported (bill, meter, delivery note); converts to canonical_unit
    also_accepts: tuple[str, ...]  # other dimensions convertible with fuel properties (mass, volume)
    note: str


@cache
def metrics() -> dict[str, Metric]:
    """{code: Metric}, in file order."""
    with resources.files("loomlight.reference").joinpath("metrics.csv").open(encoding="utf-8") as fh:
        return {
            row["code"]: Metric(
                code=row["code"], name=row["name"], category=row["category"], canonical_unit=row["canonical_unit"],
                reporting_unit=row["reporting_unit"],
                also_accepts=tuple(d for d in row["also_accepts"].split("|") if d), note=row["note"],
            )
            for row in csv.DictReader(fh)
        }


def metric(code: str) -> Metric:
    """The metric with this code; KeyError naming the code when unknown."""
    try:
        return metrics()[code]
    except KeyError:
        raise KeyError(f"unknown metric code {code!r}") from None
