"""Three years of plausible monthly data for every demo facility (2023-01 to 2025-12).

Pure planning from the facility plans (no database): production drives energy,
water, wastewater and waste through per-process intensities, with seasonality,
holiday dips, noise, a few anomalies (a value typed ten times too large, a
month at a fifth) and gaps. The intensities are demo assumptions chosen to look
like textile plants, not reference data: nothing here is shipped as a factor.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass

YEARS = (2023, 2024, 2025)

#: Per process: output metric, output per worker per month, electricity [kWh per unit of output],
#: thermal energy [GJ per unit], water [m³ per unit]. Demo assumptions, not reference values.
PROCESS_PROFILE = {
    "spinning": ("production_kg", 110.0, 3.2, 0.004, 0.01),
    "weaving": ("production_kg", 90.0, 1.8, 0.006, 0.02),
    "knitting": ("production_kg", 140.0, 1.1, 0.004, 0.02),
    "dyeing": ("production_kg", 160.0, 1.6, 0.030, 0.10),
    "printing": ("production_kg", 150.0, 1.4, 0.020, 0.08),
    "finishing": ("production_kg", 160.0, 1.2, 0.020, 0.06),
    "cut_make_trim": ("production_pieces", 260.0, 0.35, 0.0004, 0.004),
    "laundry": ("production_pieces", 900.0, 0.25, 0.0030, 0.06),
    "footwear_assembly": ("production_pairs", 95.0, 1.6, 0.0020, 0.010),
    "tannery": ("production_kg", 70.0, 1.0, 0.012, 0.04),
}
#: Month (1-12) of each country's longest holiday, when output dips.
HOLIDAY = {"VN": (2, 0.70), "KH": (4, 0.80), "TH": (4, 0.85), "ET": (9, 0.90), "KE": (12, 0.90)}
BOILER_FUELS = ("coal_bituminous", "biomass_wood_chips", "biomass_rice_husk", "fuel_fuel_oil", "fuel_natural_gas")


@dataclass(frozen=True)
class FacilityProfile:
    """What the monthly plan needs to know of a facility."""

    name: str
    country: str
    processes: tuple[str, ...]
    headcount_female: int
    headcount_male: int
    cetp: bool  # served by its park's central effluent treatment plant


@dataclass(frozen=True)
class MonthlyValue:
    facility: str
    period: datetime.date
    metric: str
    value: float  # in the metric's canonical unit
    unit: str


def plan_monthly(facilities: list[FacilityProfile], seed: int) -> list[MonthlyValue]:
    """Every facility's monthly values, deterministic for a seed."""
    rng = random.Random(seed * 7919 + 1)
    rows: list[MonthlyValue] = []
    for f in sorted(facilities, key=lambda f: f.name):
        rows.extend(_facility_rows(f, rng))
    return rows


def _facility_rows(f: FacilityProfile, rng: random.Random) -> list[MonthlyValue]:
    main = f.processes[0]
    output_metric, per_worker, kwh, gj, m3 = PROCESS_PROFILE[main]
    wet = any(p in ("dyeing", "printing", "finishing", "laundry", "tannery") for p in f.processes)
    workers = f.headcount_female + f.headcount_male
    fuel = rng.choice(BOILER_FUELS) if wet or gj > 0.005 else None
    solar_share = rng.choice([0, 0, 0, 0.08, 0.15])
    groundwater = rng.random() < 0.3
    discharge = "wastewater_cetp" if f.cetp else rng.choice(["wastewater_sewer", "wastewater_surface"])
    gaps = set(rng.sample(range(36), rng.choice([0, 0, 1, 2, 3])))
    anomalies = {rng.randrange(36): rng.choice([10.0, 0.2])} if rng.random() < 0.25 else {}
    growth = rng.uniform(-0.03, 0.08)  # a year
    efficiency = rng.uniform(0.0, 0.06)  # yearly intensity improvement
    holiday_month, holiday_factor = HOLIDAY.get(f.country, (1, 1.0))
    rows = []
    for index, (year, month) in enumerate((y, m) for y in YEARS for m in range(1, 13)):
        if index in gaps:
            continue
        t = index / 12
        season = 1 + 0.10 * math.sin(2 * math.pi * (month - 4) / 12)
        output = workers * per_worker * season * (1 + growth) ** t * rng.uniform(0.93, 1.07)
        if month == holiday_month:
            output *= holiday_factor
        intensity = (1 - efficiency) ** t
        period = datetime.date(year, month, 1)
        electricity = output * kwh * intensity * rng.uniform(0.95, 1.05)
        values = {
            output_metric: output,
            "electricity_grid": electricity * (1 - solar_share),
            "water_groundwater" if groundwater else "water_municipal": output * m3 * intensity * rng.uniform(0.93, 1.07),
            "hours_worked": workers * rng.uniform(200, 230),
            "headcount_female": float(f.headcount_female),
            "headcount_male": float(f.headcount_male),
            "waste_nonhazardous_recycled": output * (0.08 if output_metric == "production_kg" else 0.03) * rng.uniform(0.8, 1.2),
        }
        if wet:
            values["waste_hazardous_landfilled"] = output * 0.004 * rng.uniform(0.7, 1.3)
        if solar_share:
            values["electricity_solar_self_consumed"] = electricity * solar_share
        if fuel:
            values[fuel] = output * gj * intensity * rng.uniform(0.93, 1.07)
        if wet or m3 > 0.01:
            values[discharge] = values.get("water_groundwater", values.get("water_municipal")) * rng.uniform(0.75, 0.9)
        if index in anomalies:
            key = "electricity_grid"
            values[key] *= anomalies[index]
        rows.extend(MonthlyValue(f.name, period, metric, round(value, 3), UNITS[metric]) for metric, value in values.items())
    return rows


def _unit(metric: str) -> str:
    from loomlight.reference.metrics import metric as lookup

    return lookup(metric).canonical_unit


class _Units(dict):
    def __missing__(self, key):
        self[key] = _unit(key)
        return self[key]


UNITS = _Units()


def period_status(period: datetime.date) -> str:
    """Older months are verified; the last quarter of 2025 is still under review or in draft."""
    if period < datetime.date(2025, 10, 1):
        return "verified"
    return "draft" if period.month == 12 else "submitted"
