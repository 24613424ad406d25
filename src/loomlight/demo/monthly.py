"""Three years of plausible monthly data for every demo facility, up to the last complete month, and the
state each month is in on the day the demo is built.

Pure planning from the facility plans (no database, no clock: the build day is passed in): production drives
energy, water, wastewater and waste through per-process intensities, with seasonality, holiday dips, noise, a
few anomalies (a value typed ten times too large, a month at a fifth) and gaps. The intensities are demo
assumptions chosen to look like textile plants, not reference data: nothing here is shipped as a factor.

Every facility-month is drawn from its own ``random.Random`` (seeded by the demo's seed, the facility and the
month), so a month's values do not depend on the day the demo is built: a demo built later, or extended later
(``load_demo`` on an existing demo), gives the months they share the same values.

States (``month_state``): each facility follows a *pattern* (``PATTERNS``) that says, counted back from the last
complete month, which months are still missing, in draft, submitted, returned or verified, so that every work
queue shows work on the build day: months due and overdue, returned with the reviewer's comment, awaiting
verification, a few facilities late by several months.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass

#: How many months of data the demo holds when built: three years up to the last complete month.
WINDOW_MONTHS = 36
#: Growth and efficiency are counted from this month, so that a month's values do not depend on the window.
EPOCH = datetime.date(2023, 1, 1)

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
#: The chance that a month of the verified past was never reported (a gap), and that a month holds a typing error.
GAP_CHANCE = 0.012
ANOMALY_CHANCE = 0.008

MISSING, DRAFT, SUBMITTED, RETURNED, VERIFIED = "missing", "draft", "submitted", "returned", "verified"

#: Patterns: the states of the latest months, newest (the last complete month) first; every older month is
#: verified. MANAGER is the demo manager's facility's own: the last complete month not entered, the month before
#: returned, one overdue month never entered, one in draft holding a flagged value, one awaiting verification.
PATTERNS = {
    "manager": (MISSING, RETURNED, MISSING, DRAFT, SUBMITTED),
    "on_time": (DRAFT, SUBMITTED),
    "not_yet": (MISSING, SUBMITTED),
    "backlog": (DRAFT, SUBMITTED, SUBMITTED, SUBMITTED),
    "returned": (MISSING, RETURNED, SUBMITTED),
    "late": (MISSING, MISSING, MISSING, MISSING, DRAFT),
}
#: How many of the other facilities follow each pattern (the rest are on time).
PATTERN_COUNTS = {"late": 4, "returned": 6, "backlog": 8, "not_yet": 14}
#: What the reviewer wrote on a month returned (demo text, shown as entered, like any comment).
RETURN_COMMENTS = (
    "Electricity is ten times the usual month: please check the meter reading and the unit.",
    "Production is missing a product line: add it or explain the drop.",
    "Water withdrawal is far below the wastewater discharged: please check both.",
)


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


def month_add(period: datetime.date, months: int) -> datetime.date:
    index = period.year * 12 + period.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month


def last_complete_month(today: datetime.date) -> datetime.date:
    """The month before ``today``'s: the latest month that is over."""
    return month_add(today.replace(day=1), -1)


def window(today: datetime.date) -> list[datetime.date]:
    """The months the demo holds when built on ``today``: WINDOW_MONTHS up to the last complete month."""
    last = last_complete_month(today)
    return [month_add(last, -k) for k in range(WINDOW_MONTHS - 1, -1, -1)]


def _rng(seed: int, *parts) -> random.Random:
    # a str seed is hashed with SHA-512 by random.Random: the same for every PYTHONHASHSEED
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def plan_monthly(facilities: list[FacilityProfile], seed: int, months: list[datetime.date], *,
                 gaps: bool = True) -> list[MonthlyValue]:
    """Every facility's values of ``months``, deterministic for a seed (a month's values do not depend on which
    other months are asked for); without the months never reported (``is_gap``) unless ``gaps`` is False."""
    rows: list[MonthlyValue] = []
    for f in sorted(facilities, key=lambda f: f.name):
        rows.extend(_facility_rows(f, seed, months, gaps))
    return rows


def is_gap(seed: int, facility: str, period: datetime.date) -> bool:
    """Whether the month was never reported (drawn per facility-month)."""
    return _rng(seed, "gap", facility, period.isoformat()).random() < GAP_CHANCE


def _facility_rows(f: FacilityProfile, seed: int, months: list[datetime.date], gaps: bool) -> list[MonthlyValue]:
    rng = _rng(seed, "facility", f.name)
    main = f.processes[0]
    output_metric, per_worker, kwh, gj, m3 = PROCESS_PROFILE[main]
    wet = any(p in ("dyeing", "printing", "finishing", "laundry", "tannery") for p in f.processes)
    workers = f.headcount_female + f.headcount_male
    fuel = rng.choice(BOILER_FUELS) if wet or gj > 0.005 else None
    solar_share = rng.choice([0, 0, 0, 0.08, 0.15])
    groundwater = rng.random() < 0.3
    discharge = "wastewater_cetp" if f.cetp else rng.choice(["wastewater_sewer", "wastewater_surface"])
    growth = rng.uniform(-0.03, 0.08)  # a year
    efficiency = rng.uniform(0.0, 0.06)  # yearly intensity improvement
    holiday_month, holiday_factor = HOLIDAY.get(f.country, (1, 1.0))
    rows = []
    for period in months:
        if gaps and is_gap(seed, f.name, period):
            continue
        rng = _rng(seed, "month", f.name, period.isoformat())
        month = period.month
        t = months_between(EPOCH, period) / 12
        season = 1 + 0.10 * math.sin(2 * math.pi * (month - 4) / 12)
        output = workers * per_worker * season * (1 + growth) ** t * rng.uniform(0.93, 1.07)
        if month == holiday_month:
            output *= holiday_factor
        intensity = (1 - efficiency) ** t
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
        if rng.random() < ANOMALY_CHANCE:
            values["electricity_grid"] *= rng.choice([10.0, 0.2])
        rows.extend(MonthlyValue(f.name, period, metric, round(value, 3), UNITS[metric]) for metric, value in values.items())
    return rows


def assign_patterns(facilities: list[str], manager_facility: str | None, seed: int) -> dict[str, str]:
    """Facility name -> its pattern: the manager's facility its own, PATTERN_COUNTS of the others drawn, the rest
    on time."""
    others = sorted(name for name in facilities if name != manager_facility)
    _rng(seed, "patterns").shuffle(others)
    patterns = {}
    for pattern, count in PATTERN_COUNTS.items():
        patterns.update(dict.fromkeys(others[:count], pattern))
        others = others[count:]
    patterns.update(dict.fromkeys(others, "on_time"))
    if manager_facility is not None:
        patterns[manager_facility] = "manager"
    return patterns


def month_state(pattern: str, period: datetime.date, today: datetime.date) -> str:
    """The state of ``period`` on ``today`` for a facility of ``pattern`` (MISSING: nothing entered)."""
    back = months_between(period, last_complete_month(today))
    states = PATTERNS[pattern]
    return states[back] if 0 <= back < len(states) else VERIFIED


def flagged_month(pattern: str, today: datetime.date) -> datetime.date | None:
    """The month in which the facility of ``pattern`` holds a value typed ten times too large, still to confirm or
    correct on ``today``: the manager's draft month, a returned facility's returned month, a backlog facility's
    latest submitted month (for the assessor's "flagged values in submitted months")."""
    states = PATTERNS[pattern]
    wanted = {"manager": DRAFT, "returned": RETURNED, "backlog": SUBMITTED}.get(pattern)
    if wanted is None:
        return None
    return month_add(last_complete_month(today), -states.index(wanted))


def return_comment(seed: int, facility: str, period: datetime.date, *, flagged: bool) -> str:
    """What the reviewer wrote on a returned month: about the value typed ten times too large when it holds one."""
    if flagged:
        return RETURN_COMMENTS[0]
    return _rng(seed, "comment", facility, period.isoformat()).choice(RETURN_COMMENTS[1:])


def _unit(metric: str) -> str:
    from loomlight.reference.metrics import metric as lookup

    return lookup(metric).canonical_unit


class _Units(dict):
    def __missing__(self, key):
        self[key] = _unit(key)
        return self[key]


UNITS = _Units()
