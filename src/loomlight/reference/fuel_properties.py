"""Default fuel properties shipped in fuel_properties.csv (no Django).

One row per fuel metric and property: the net calorific value (``ncv``) of the
IPCC fuel the metric maps to, and for liquid fuels their ``density`` (published
as litres per metric ton). Every row names its source, table, year, how it was
checked and how far it can be trusted. A fuel or property without a row has no
default: a facility must record its own value, backed by evidence.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from loomlight.calc.fuels import Property

FILE = "fuel_properties.csv"
PROPERTIES = ("ncv", "density")


@dataclass(frozen=True)
class FuelDefault:
    metric: str
    property: str          # "ncv" or "density"
    value: float
    unit: str              # as published: GJ/t, L/t
    reference_fuel: str    # the fuel of the source the metric is mapped to ("Other Bituminous Coal")
    source: str
    table: str
    year: int
    verified: str          # "primary" (read in the publication) or "transcriptions" (checked against faithful copies)
    confidence: str        # high / medium / low: how well the default represents a facility's fuel
    note: str

    def citation(self) -> str:
        publication = self.source.split(" (http")[0]
        return f"{publication}, {self.table}: {self.reference_fuel}"

    def as_property(self) -> Property:
        """The calculation's Property, carrying the citation and the data version into every record."""
        return Property(self.value, self.unit, {"source": "default", "reference": self.citation(), "data": version()})


def _text() -> str:
    return resources.files("loomlight.reference").joinpath(FILE).read_text(encoding="utf-8")


@cache
def defaults() -> dict[str, dict[str, FuelDefault]]:
    """{metric: {property: FuelDefault}}."""
    table: dict[str, dict[str, FuelDefault]] = {}
    for row in csv.DictReader(_text().splitlines()):
        item = FuelDefault(
            metric=row["metric"], property=row["property"], value=float(row["value"]), unit=row["unit"],
            reference_fuel=row["reference_fuel"], source=row["source"], table=row["table"], year=int(row["year"]),
            verified=row["verified"], confidence=row["confidence"], note=row["note"],
        )
        table.setdefault(item.metric, {})[item.property] = item
    return table


def default(metric: str, prop: str) -> FuelDefault | None:
    """The shipped default ``prop`` ("ncv" or "density") of ``metric``, or None when none is shipped."""
    return defaults().get(metric, {}).get(prop)


@cache
def version() -> str:
    """The version of the data: the file name and the start of its content hash, recorded with every conversion."""
    return f"{FILE}@{hashlib.sha256(_text().encode('utf-8')).hexdigest()[:12]}"
