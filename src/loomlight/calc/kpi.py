"""Resource KPIs of a facility-month or -year: intensities, shares, year-on-year change."""

from __future__ import annotations

from collections.abc import Mapping

from loomlight.calc.units import to_canonical


def energy_gj(value: float, unit: str) -> float:
    """Energy [GJ] from a value in any energy unit (kWh, MWh, GJ, ...): 1 kWh = 0.0036 GJ exactly."""
    return to_canonical(value, unit, "GJ").value


def intensity(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is missing or the denominator is zero."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def share(part: float | None, whole: float | None) -> float | None:
    """part / whole [0..1], None when the whole is zero or missing."""
    return intensity(part, whole)


def yoy_change(this_year: float | None, last_year: float | None) -> float | None:
    """Relative change from last year [fraction]; None without a non-zero base."""
    if this_year is None or not last_year:
        return None
    return (this_year - last_year) / last_year


def renewable_electricity_share(kwh: Mapping[str, float]) -> float | None:
    """On-site renewable share of electricity used [0..1]:
    self-consumed solar / (grid electricity purchased + self-consumed solar).

    Renewable certificates and PPAs are counted in the market-based scope 2 figure, not here.
    """
    solar = kwh.get("electricity_solar_self_consumed", 0.0)
    grid = kwh.get("electricity_grid", 0.0)
    return share(solar, grid + solar)
