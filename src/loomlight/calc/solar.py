"""Rooftop solar PV: size, hourly generation over a year (pvlib), self-consumption against a facility's load,
export, and a park's group solar divided among tenants.

CONTRACT (issue 18) — the bodies are being written; names and meanings are fixed.

Generation: pvlib's solar position and Ineichen clear-sky model with the Linke turbidity climatology shipped inside
pvlib; scaled month by month to sourced monthly irradiance where ``reference/solar_irradiance.csv`` has the site's
country or nearest station (otherwise flagged "clear sky, not scaled": an upper bound); or an uploaded weather file
read by pvlib.iotools (TMY3, EPW, PVGIS TMY). Plane of array by pvlib.irradiance.get_total_irradiance, cell
temperature by the SAPM model, DC by PVWatts with −0.4 %/°C, system losses and inverter efficiency as sourced
defaults. Every default in ``reference`` with its source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loomlight.calc.ghg import Explanation, Flag


class SolarError(ValueError):
    """Bad input: ``field`` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Site:
    latitude: float             # [°] −90..90
    longitude: float            # [°] −180..180
    altitude_m: float = 0.0
    timezone: str = "UTC"       # IANA name, e.g. Asia/Ho_Chi_Minh
    country: str = ""           # ISO 3166-1 alpha-2, for the shipped irradiance


@dataclass(frozen=True)
class Array:
    kwp: float                  # DC nameplate [kWp]
    tilt_deg: float = 10.0      # [°] from horizontal
    azimuth_deg: float = 180.0  # [°] clockwise from north (180 = south)
    losses: float = 0.14        # system losses, fraction (PVWatts default)
    inverter_efficiency: float = 0.96


@dataclass(frozen=True)
class Yield:
    hourly_kwh: tuple[float, ...]       # 8760 (or 8784) values, AC, local standard time
    monthly_kwh: tuple[float, ...]      # 12
    annual_kwh: float
    specific_yield_kwh_per_kwp: float
    scaled_to: str                      # "clear_sky" | "monthly_irradiance:<source>" | "weather_file"
    explanation: Explanation = field(compare=False)
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class SelfConsumption:
    self_consumed_kwh: float
    exported_kwh: float
    self_consumed_share: float          # of generation
    coverage_share: float               # of the load
    monthly_self_consumed_kwh: tuple[float, ...]
    monthly_exported_kwh: tuple[float, ...]
    load_basis: str                     # "hourly_profile" | "monthly_totals:<profile>"
    explanation: Explanation = field(compare=False)


def size_from_roof(area_m2: float, *, usable_share: float | None = None,
                   kwp_per_m2: float | None = None) -> tuple[float, Explanation]:
    """kWp that fits a roof of ``area_m2``; defaults from reference with their sources."""
    raise NotImplementedError


def generation(site: Site, array: Array, *, year: int = 2025, weather=None) -> Yield:
    raise NotImplementedError


def self_consumption(yield_: Yield, *, monthly_load_kwh=None, hourly_load_kwh=None) -> SelfConsumption:
    raise NotImplementedError


def allocate(annual_kwh: float, shares: dict, *, rule: str) -> dict:
    """A park's group solar divided among tenants: rule "roof_area" | "consumption" | "investment" | "equal";
    ``shares`` {tenant: its roof m², its consumption kWh, its investment}; returns {tenant: kWh}, summing exactly to
    ``annual_kwh`` (largest remainder on rounding)."""
    raise NotImplementedError
