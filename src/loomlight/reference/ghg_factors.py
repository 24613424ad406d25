"""Default GHG factors shipped in emission_factors.csv and gwp.csv (no Django).

``emission_factors.csv``: IPCC 2006 Tier 1 stationary-combustion factors in kg of gas per TJ of fuel (NCV
basis) for each catalogue fuel, mapped to the same IPCC fuel as fuel_properties.csv. CO2 from Vol. 2 Ch. 1
Table 1.4; CH4 and N2O from Vol. 2 Ch. 2 Table 2.3 (manufacturing industries and construction), never the
energy-industries column. ``biogenic`` CO2 (biomass, biogas) is reported apart from the scopes.

``gwp.csv``: 100-year global warming potentials of the AR4, AR5 (without climate-carbon feedback) and AR6
sets. A fuel, gas or set without a row has no default. docs/sources/emission-factors.md says how each value
was checked and what was left out.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

EF_FILE = "emission_factors.csv"
GWP_FILE = "gwp.csv"
GASES = ("CO2", "CH4", "N2O")
GWP_SETS = ("AR4", "AR5", "AR6")
DEFAULT_GWP = "AR5"


@dataclass(frozen=True)
class EmissionFactor:
    value_kg_per_tj: float
    biogenic: bool         # True: CO2 of biomass or biogas, reported apart from the scopes
    source: str
    table: str
    year: int
    ipcc_fuel: str

    def citation(self) -> str:
        publication = self.source.split(" (http")[0]
        return f"{publication}, {self.table}: {self.ipcc_fuel}"


@dataclass(frozen=True)
class Gwp:
    value: float
    source: str
    table: str
    year: int


def _text(name: str) -> str:
    return resources.files("loomlight.reference").joinpath(name).read_text(encoding="utf-8")


@cache
def emission_factors() -> dict[str, dict[str, EmissionFactor]]:
    """{metric: {gas: EmissionFactor}}, gas in GASES."""
    table: dict[str, dict[str, EmissionFactor]] = {}
    for row in csv.DictReader(_text(EF_FILE).splitlines()):
        if row["unit"] != "kg/TJ":
            raise ValueError(f"{EF_FILE}: {row['metric']} {row['gas']}: unit {row['unit']!r}, expected kg/TJ")
        table.setdefault(row["metric"], {})[row["gas"]] = EmissionFactor(
            value_kg_per_tj=float(row["value"]), biogenic=row["biogenic"] == "true", source=row["source"],
            table=row["table"], year=int(row["year"]), ipcc_fuel=row["ipcc_fuel"],
        )
    return table


@cache
def _gwp_sets() -> dict[str, dict[str, Gwp]]:
    sets: dict[str, dict[str, Gwp]] = {}
    for row in csv.DictReader(_text(GWP_FILE).splitlines()):
        sets.setdefault(row["set"], {})[row["gas"]] = Gwp(
            value=float(row["value"]), source=row["source"], table=row["table"], year=int(row["year"]))
    return sets


def gwp(set_name: str = DEFAULT_GWP) -> dict[str, Gwp]:
    """{gas: Gwp} of a 100-year GWP set; AR6 also has CH4_fossil and CH4_nonfossil."""
    if set_name not in GWP_SETS:
        raise KeyError(f"unknown GWP set {set_name!r}; one of {GWP_SETS}")
    return dict(_gwp_sets()[set_name])


@cache
def data_version() -> str:
    """File names and the start of their content hashes, recorded with every result."""
    return "; ".join(f"{name}@{hashlib.sha256(_text(name).encode('utf-8')).hexdigest()[:12]}" for name in (EF_FILE, GWP_FILE))
