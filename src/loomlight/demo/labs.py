"""Demo wastewater lab results and chemical inventories (fictional, for the demo only).

Wet-processing facilities sample their discharge every quarter from 2024 on, up to
the day the demo is built (``through``); each park's central plant samples its inflow
and outflow. The samples of 2024 and 2025 are drawn in one sequence, as they always
were (the wastewater stories pin some of them); each later sample is drawn from its
own ``random.Random`` (seed, site, sampling point, day), so a demo extended later adds
samples without moving any earlier one. Concentrations are
drawn around plausible levels for textile effluent so that some samples meet
ZDHC's foundational limits and a few do not, and some metals come back below
the laboratory's detection limit. A few sites follow a scenario of their own
(demo/discharge.py): a known quality, other sampling days (a plant that began
operating late), wastewater only pretreated before a central plant, and values
pinned so that a permit's or a central plant's limit is exceeded on a stated day.
Chemical products carry declared conformance levels with declarations, some of
them expired.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Mapping
from dataclasses import dataclass

LABS = ("Mekong Analytical Laboratory", "Green Test Centre", "Delta Environmental Lab")
YEARS = (2024, 2025)  # drawn in one sequence; the years after are drawn sample by sample
QUARTER_DAYS = ((2, 14), (5, 15), (8, 14), (11, 13))
#: parameter -> (typical value in the unit, spread factor, detection limit or None); demo assumptions.
TREATED = {
    "ph": (7.4, 0.08, None), "temperature_delta": (2.5, 0.6, None), "cod": (95.0, 0.45, None), "bod5": (22.0, 0.5, None),
    "tss": (35.0, 0.5, None), "colour_436": (5.0, 0.6, None), "total_nitrogen": (14.0, 0.4, None),
    "cadmium": (0.004, 1.0, 0.005), "chromium_total": (0.05, 0.8, 0.01), "copper": (0.12, 0.7, 0.01),
    "zinc": (0.6, 0.7, 0.02), "lead": (0.02, 1.0, 0.01), "ammonium_n": (3.0, 0.6, None),
}
RAW_FACTOR = {"cod": 6.0, "bod5": 8.0, "tss": 5.0, "colour_436": 8.0, "total_nitrogen": 2.5, "ammonium_n": 2.5}
UNITS = {"ph": "pH", "temperature_delta": "°C", "colour_436": "m-1"}
PRODUCTS = (
    ("Reactive Red 195", "production", "H317, H334"), ("Reactive Black 5", "production", "H317"),
    ("Disperse Blue 79", "production", "H317, H413"), ("Levelling agent LV-20", "production", ""),
    ("Softener SF-7", "production", "H319"), ("Sodium hydroxide 32 %", "production", "H290, H314"),
    ("Hydrogen peroxide 50 %", "production", "H302, H318"), ("Polyaluminium chloride", "etp", "H290"),
    ("Anionic polymer", "etp", ""), ("Boiler water treatment BW-3", "utilities", "H314"),
)
SUPPLIERS = ("Indochem Supplies", "Asia Colour Co.", "Pacific Auxiliaries")


@dataclass(frozen=True)
class LabEventPlan:
    site: str            # facility name, or shared facility name for a central plant
    central: bool
    sampled_on: datetime.date
    sampling_point: str
    discharge_type: str
    laboratory: str
    results: tuple[tuple[str, float | None, str, float | None, bool], ...]  # parameter, value, unit, DL, below DL


@dataclass(frozen=True)
class LabScenario:
    """How one site's samples differ from the drawn ones (demo assumptions)."""
    quality: float | None = None   # instead of a drawn one (>1: a plant that struggles)
    dates: tuple[datetime.date, ...] = ()   # instead of the quarterly days of YEARS (then monthly, on the 15th)
    factors: tuple[tuple[str, float], ...] = ()   # (parameter, multiplier): wastewater only pretreated, say
    pinned: tuple[tuple[datetime.date, str, float], ...] = ()   # (day, parameter, value): exactly this result


@dataclass(frozen=True)
class ProductPlan:
    facility: str
    name: str
    supplier: str
    use_area: str
    hazard_statements: str
    mrsl_level: int
    declaration_reference: str
    declaration_valid_until: datetime.date | None
    monthly_kg: tuple[float, ...]  # 2025-01 .. 2025-12 (later months: ``chemical_kg``)


def _results(rng: random.Random, raw: bool, quality: float, factors: Mapping[str, float] | None = None,
             pinned: Mapping[str, float] | None = None) -> tuple:
    rows = []
    for parameter, (typical, spread, dl) in TREATED.items():
        value = typical * (RAW_FACTOR.get(parameter, 1.0) if raw else 1.0) * (factors or {}).get(parameter, 1.0)
        if parameter not in ("ph",):
            value *= quality * rng.lognormvariate(0, spread / 2)
        else:
            value = round(rng.uniform(6.6, 8.6) if not raw else rng.uniform(8.5, 10.5), 1)
        unit = UNITS.get(parameter, "mg/L")
        if pinned and parameter in pinned:  # drawn all the same, so that the draws after it do not move
            rows.append((parameter, pinned[parameter], unit, dl, False))
        elif dl is not None and value < dl:
            rows.append((parameter, None, unit, dl, True))
        else:
            rows.append((parameter, round(value, 4), unit, dl, False))
    return tuple(rows)


def quarterly_days(years=YEARS) -> tuple[datetime.date, ...]:
    return tuple(datetime.date(year, month, day) for year in years for month, day in QUARTER_DAYS)


def _later_days(scenario: LabScenario, through: datetime.date | None) -> list[datetime.date]:
    """A site's sampling days after YEARS, up to ``through``: quarterly, or monthly on the 15th after a scenario's
    own days."""
    if through is None:
        return []
    first_year = YEARS[-1] + 1
    if scenario.dates:
        last = max(scenario.dates)
        days, year, month = [], last.year, last.month
        while True:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            day = datetime.date(year, month, 15)
            if day > through:
                return days
            days.append(day)
    return [d for d in quarterly_days(range(first_year, through.year + 1)) if d <= through]


def _own_rng(seed: int, *parts) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, "lab", *parts)))


def plan_labs(wet_facilities: list[tuple[str, bool]], central_plants: list[str], seed: int,
              scenarios: Mapping[str, LabScenario] | None = None, *, through: datetime.date | None = None,
              skip_latest: frozenset[str] = frozenset()) -> list[LabEventPlan]:
    """``wet_facilities``: (name, discharges directly); ``central_plants``: shared facility names;
    ``scenarios``: facility name -> its LabScenario; ``through``: the last day sampled after YEARS (None: none);
    ``skip_latest``: facilities whose latest sample on or before ``through`` was not taken (a lab result due)."""
    rng = random.Random(seed * 104729 + 3)
    scenarios = scenarios or {}
    events = []
    for name, direct in sorted(wet_facilities):
        scenario = scenarios.get(name, LabScenario())
        quality = rng.uniform(0.6, 1.8)  # >1: a plant that struggles
        if scenario.quality is not None:
            quality = scenario.quality
        lab = rng.choice(LABS)
        days = scenario.dates or quarterly_days()
        later = _later_days(scenario, through)
        last_day = through or datetime.date(YEARS[-1], 12, 31)
        unsampled = {day for day, _p, _v in scenario.pinned if day <= last_day} - set(days) - set(later)
        if unsampled:
            raise ValueError(f"{name}: values pinned on days it is not sampled: {sorted(unsampled)}")
        skipped = max((d for d in (*days, *later) if through is None or d <= through), default=None) \
            if name in skip_latest else None
        kind = "direct" if direct else "indirect"
        for day in days:
            pinned = {parameter: value for on, parameter, value in scenario.pinned if on == day}
            results = _results(rng, False, quality, dict(scenario.factors), pinned)  # drawn even when skipped
            if day != skipped:
                events.append(LabEventPlan(name, False, day, "discharge", kind, lab, results))
        for day in later:
            if day == skipped:
                continue
            pinned = {parameter: value for on, parameter, value in scenario.pinned if on == day}
            events.append(LabEventPlan(name, False, day, "discharge", kind, lab,
                                       _results(_own_rng(seed, name, day), False, quality, dict(scenario.factors), pinned)))
    later_plant_days = [d for d in quarterly_days(range(YEARS[-1] + 1, through.year + 1)) if d < through] if through else []
    for plant in sorted(central_plants):
        for year in YEARS:
            for month, day in QUARTER_DAYS:
                sampled = datetime.date(year, month, day + 1)
                events.append(LabEventPlan(plant, True, sampled, "cetp_inflow", "direct", LABS[0], _results(rng, True, 1.0)))
                events.append(LabEventPlan(plant, True, sampled, "cetp_outflow", "direct", LABS[0], _results(rng, False, 0.7)))
        for day in later_plant_days:
            sampled = day + datetime.timedelta(days=1)
            events.append(LabEventPlan(plant, True, sampled, "cetp_inflow", "direct", LABS[0],
                                       _results(_own_rng(seed, plant, "in", sampled), True, 1.0)))
            events.append(LabEventPlan(plant, True, sampled, "cetp_outflow", "direct", LABS[0],
                                       _results(_own_rng(seed, plant, "out", sampled), False, 0.7)))
    return events


def _month_end(year: int, month: int) -> datetime.date:
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return datetime.date(year, month, 1) - datetime.timedelta(days=1)


def declaration_days(today: datetime.date | None) -> tuple[datetime.date, datetime.date, datetime.date]:
    """The days a declaration of conformance runs to: one expired, one running out within months, one a year ahead
    of ``today`` (the ends of months); the fixed days of the first demo when ``today`` is None."""
    if today is None:
        return datetime.date(2025, 4, 30), datetime.date(2026, 3, 31), datetime.date(2026, 12, 31)
    index = today.year * 12 + today.month - 1
    ends = []
    for shift in (-8, 3, 12):
        year, month0 = divmod(index + shift, 12)
        ends.append(_month_end(year, month0 + 1))
    return tuple(ends)


def plan_chemicals(wet_facilities: list[str], seed: int, today: datetime.date | None = None,
                   expired_for: frozenset[str] = frozenset()) -> list[ProductPlan]:
    """Each wet facility's products; ``expired_for``: facilities whose first declared product's declaration has
    expired on ``today`` whatever the draw."""
    rng = random.Random(seed * 15485863 + 5)
    expired, *_ = choices = declaration_days(today)
    products = []
    for name in sorted(wet_facilities):
        forced = name in expired_for
        for product, area, hazards in rng.sample(PRODUCTS, rng.randint(5, 8)):
            level = rng.choice([0, 1, 2, 2, 3, 3])
            valid_until = rng.choice(choices) if level else None
            base = rng.uniform(80, 1500)
            supplier = rng.choice(SUPPLIERS)
            reference = f"GW-{rng.randrange(100000, 999999)}" if level and rng.random() > 0.1 else ""
            if level and forced:
                valid_until, forced = expired, False
            products.append(ProductPlan(
                name, product, supplier, area, hazards, level, reference,
                valid_until if level else None,
                tuple(round(base * rng.uniform(0.8, 1.2), 1) for _ in range(12)),
            ))
    return products


def chemical_kg(seed: int, product: ProductPlan, period: datetime.date) -> float:
    """The product's use in a month [kg]: 2025 from its plan, later months drawn month by month around its mean."""
    if period.year == 2025:
        return product.monthly_kg[period.month - 1]
    rng = random.Random(f"{seed}:chemical:{product.facility}:{product.name}:{period.isoformat()}")
    mean = sum(product.monthly_kg) / len(product.monthly_kg)
    return round(mean * rng.uniform(0.8, 1.2), 1)
