"""The shipped factors of the fuel-switch analysis: transport by mode and particulates by fuel and control.

``transport_factors.csv``: kg CO2e per tonne-kilometre of freight by mode (truck, rail, ship_bulk,
ship_general_cargo), each row with its publisher, table, year and how it was checked. A mode without a row is
refused by name (``transport_factor`` raises ``UnknownMode`` listing the modes there are).

``particulate_factors.csv``: g of particulates (the pollutant named on each row: TSP, PM10 or PM2.5) per GJ of fuel
(NCV basis) by fuel metric and control (none, cyclone, wet_scrubber, bag_filter, esp). It ships no rows yet: no
published table could be read here (US EPA AP-42 §1.6 and §1.1, the EMEP/EEA Guidebook 2023 1.A.2 were not
readable in the sources available); a fuel and control without a row is a gap, shown as "not computed", never 0.

No Django: used by ``loomlight biomass switch`` too.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

TRANSPORT_FILE = "transport_factors.csv"
PARTICULATE_FILE = "particulate_factors.csv"
CONTROLS = ("none", "cyclone", "wet_scrubber", "bag_filter", "esp")
POLLUTANTS = ("TSP", "PM10", "PM2.5")


class UnknownMode(KeyError):
    """A transport mode without a shipped factor; ``modes`` are those there are."""

    def __init__(self, mode: str, modes: tuple[str, ...]):
        super().__init__(mode)
        self.mode = mode
        self.modes = modes

    def __str__(self) -> str:
        return f"no sourced transport factor for “{self.mode}”: the modes are {', '.join(self.modes)}"


@dataclass(frozen=True)
class TransportFactor:
    mode: str
    value: float            # kg CO2e per t.km
    unit: str
    name: str
    source: str
    table: str
    year: int
    verified: str
    checked: str
    note: str

    def citation(self) -> str:
        return f"{self.source.split(' (http')[0]}, {self.table}"


@dataclass(frozen=True)
class ParticulateFactor:
    metric: str
    pollutant: str
    control: str
    value: float            # g per GJ (NCV)
    unit: str
    source: str
    table: str
    year: int
    verified: str
    checked: str
    note: str

    def citation(self) -> str:
        return f"{self.source.split(' (http')[0]}, {self.table}"


def _text(name: str) -> str:
    return resources.files("loomlight.reference").joinpath(name).read_text(encoding="utf-8")


@cache
def transport_factors() -> dict[str, TransportFactor]:
    out = {}
    for row in csv.DictReader(_text(TRANSPORT_FILE).splitlines()):
        if row["unit"] != "kg CO2e/t.km":
            raise ValueError(f"{TRANSPORT_FILE}: {row['mode']}: unit {row['unit']!r}, expected kg CO2e/t.km")
        out[row["mode"]] = TransportFactor(row["mode"], float(row["value"]), row["unit"], row["name"], row["source"],
                                           row["table"], int(row["year"]), row["verified"], row["checked"], row["note"])
    return out


def modes() -> tuple[str, ...]:
    return tuple(transport_factors())


def transport_factor(mode: str) -> TransportFactor:
    """The factor of ``mode``; UnknownMode naming the modes there are otherwise."""
    found = transport_factors().get(mode)
    if found is None:
        raise UnknownMode(mode, modes())
    return found


@cache
def particulate_factors() -> dict[tuple[str, str], ParticulateFactor]:
    """{(metric, control): ParticulateFactor}."""
    out = {}
    for row in csv.DictReader(_text(PARTICULATE_FILE).splitlines()):
        if row["unit"] != "g/GJ":
            raise ValueError(f"{PARTICULATE_FILE}: {row['metric']}: unit {row['unit']!r}, expected g/GJ")
        if row["control"] not in CONTROLS or row["pollutant"] not in POLLUTANTS:
            raise ValueError(f"{PARTICULATE_FILE}: {row['metric']}: control or pollutant not known")
        out[(row["metric"], row["control"])] = ParticulateFactor(
            row["metric"], row["pollutant"], row["control"], float(row["value"]), row["unit"], row["source"],
            row["table"], int(row["year"]), row["verified"], row["checked"], row["note"])
    return out


def particulate_factor(metric: str, control: str) -> ParticulateFactor | None:
    """The shipped factor of ``metric`` burnt with ``control``, or None (a gap)."""
    return particulate_factors().get((metric, control))


@cache
def version() -> str:
    return "; ".join(f"{name}@{hashlib.sha256(_text(name).encode('utf-8')).hexdigest()[:12]}"
                     for name in (TRANSPORT_FILE, PARTICULATE_FILE))
