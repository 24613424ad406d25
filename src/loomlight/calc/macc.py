"""Marginal abatement-cost curves, and measures of one facility applied in sequence so that no saving is counted
twice.

A bar per measure (or per intervention summed over facilities): height = cost per tonne = EAC / tCO2e avoided per
year (``calc.finance``), width = tCO2e avoided per year; sorted by height, lowest first (ties by key); a bar below
zero is "no regret" (saves money over its life). Measures without abatement (≤ 0 t, or not computed) are left out
of the curve and listed apart, never drawn as zero-width bars silently. A grouped bar (a programme curve by
intervention) has height Σ EAC / Σ tCO2e of its items, width Σ tCO2e.

The sequence rule (ghg-roi-biomass.md §4.4 point 4): measures of one facility interact, so they are applied in
order, efficiency first, then fuel switching, then renewables (solar sized on the load the others left), then any
other category in the order given; each saves its fraction of what the earlier ones left. Two efficiency measures
of 10 % and 20 % on 1,000,000 kWh save 100,000 then 180,000 kWh, not 300,000.

References:
    ../shared/reference/ghg-roi-biomass.md §4.4 (MACC definition, the annuity method EAC = I × CRF + ΔO&M − S and
    MAC = EAC / A, the GECS costing method; sequential application to avoid double counting).
    RETScreen Expert, "GHG reduction cost" (= −ALCS / ΔGHG, the same number with constant flows).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ORDER = ("efficiency", "fuel_switch", "renewable")   # the sequence: efficiency first, then fuel, then solar on
                                                     # the reduced load; other categories after, in their order


class MaccError(ValueError):
    """Bad input to a curve or a sequence: ``field`` names it, the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Item:
    key: str                    # a case or an intervention code
    label: str
    category: str
    tco2e_per_year: float | None
    eac: float                  # equivalent annual cost [currency/year]; negative saves money
    facility: str = ""
    group: str = ""             # e.g. the intervention code, for a programme curve grouped by intervention


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    category: str
    tco2e_per_year: float
    eac: float
    cost_per_tco2e: float
    x_from: float
    x_to: float
    no_regret: bool
    count: int                  # items in the bar (1, or the cases of a group)


@dataclass(frozen=True)
class Curve:
    bars: tuple[Bar, ...]
    total_tco2e_per_year: float
    no_regret_tco2e_per_year: float
    no_regret_share: float | None
    left_out: tuple[Item, ...]  # no abatement, or not computed


@dataclass(frozen=True)
class Step:
    """A measure of a facility as a share of its (remaining) use of metrics, with its costs."""
    key: str
    category: str
    saves: dict                 # {metric code: fraction of the remaining yearly use, 0..1}
    adds: dict                  # {metric code: fraction of the saved energy added as another metric} (fuel switch)


def eac_many(capex, opex_change, savings, lifetime_years, discount_rate, escalation=0.0) -> np.ndarray:
    """The equivalent annual cost of many cases at once, ``calc.finance``'s formula on numpy arrays.

    Parameters (arrays of one length, or scalars broadcast):
        capex [currency], opex_change O [currency/year, year 1; positive costs more], savings S [currency/year,
        year 1], lifetime_years N [year, ≥ 1], discount_rate r [fraction, > −1], escalation g [fraction/year from
        year 2].

    EAC = capex × CRF + CRF × PV(O) − CRF × PV(S), CRF = r(1+r)^N / ((1+r)^N − 1) (1/N at r = 0), and the present
    value of a yearly amount X growing at g from year 2, PV = Σ_{t=1..N} X (1+g)^(t−1) / (1+r)^t
    = X × (1 − ((1+g)/(1+r))^N) / (r − g), or X × N / (1+r) when r = g; summed year by year as calc.finance sums it
    (the closed form loses its digits near r = 0 and r = g). With g = 0, EAC = capex × CRF + O − S.
    """
    capex, opex, save, years, r, g = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (
        capex, opex_change, savings, lifetime_years, discount_rate, escalation)))
    if not np.all(np.isfinite(np.stack([capex, opex, save, years, r, g]))):
        raise MaccError("eac", "every input must be a finite number")
    if np.any(years < 1) or np.any(years != np.round(years)):
        raise MaccError("lifetime_years", "a lifetime is a whole number of years, 1 or more")
    if np.any(r <= -1) or np.any(g <= -1):
        raise MaccError("discount_rate", "rates must be more than −100 %")
    # the CRF as calc.finance.crf (expm1 of N ln(1+r): exact for a rate near 0) and the present value of the yearly
    # amounts summed year by year in the same order as calc.finance.evaluate, so the two agree to the last digits
    # (the closed form (1 − ((1+g)/(1+r))^N)/(r − g) loses its digits when r is near 0 or near g)
    zero_r = r == 0
    log_growth = years * np.log1p(r)
    safe_r = np.where(zero_r, 1.0, r)
    crf = np.where(zero_r, 1 / years, safe_r * np.exp(log_growth) / np.where(zero_r, 1.0, np.expm1(log_growth)))
    v = 1.0 / (1.0 + r)
    annuity, df, factor = np.zeros_like(r), np.ones_like(r), np.ones_like(r)
    for t in range(1, int(years.max()) + 1 if years.size else 1):
        df = df * v
        annuity = annuity + np.where(t <= years, factor * df, 0.0)
        factor = factor * (1.0 + g)
    return capex * crf + crf * annuity * (opex - save)


def _bars(keys, labels, categories, tonnes, eacs, counts) -> tuple[tuple[Bar, ...], float, float]:
    cost = eacs / tonnes
    order = np.lexsort((np.array(keys, dtype=str), cost)).tolist()   # by cost, then by key
    widths = tonnes[order]
    x_to = np.cumsum(widths)
    x_from = x_to - widths
    bars = tuple(Bar(keys[i], labels[i], categories[i], float(tonnes[i]), float(eacs[i]), float(cost[i]),
                     float(x_from[j]), float(x_to[j]), bool(cost[i] < 0), int(counts[i]))
                 for j, i in enumerate(order))
    total = float(tonnes.sum())
    no_regret = float(tonnes[cost < 0].sum())
    return bars, total, no_regret


def curve(items, *, group: bool = False) -> Curve:
    """The abatement-cost curve of ``items`` (``Item``), one bar per item or, with ``group``, per ``group`` (an
    item without a group is its own), sorted by cost per tonne [currency/t CO2e], ties by key.

    ``no_regret_share`` = no-regret tonnes / total tonnes, None when nothing is abated; ``left_out`` (tCO2e None,
    not a number or ≤ 0) sorted by key, so that the curve does not depend on the order of ``items``."""
    kept, left_out = [], []
    for item in items:
        try:
            t = float(item.tco2e_per_year)
        except (TypeError, ValueError):
            t = math.nan
        if not math.isfinite(t) or t <= 0:
            left_out.append(item)
            continue
        try:
            eac = float(item.eac)
        except (TypeError, ValueError):
            eac = math.nan
        if not math.isfinite(eac):
            raise MaccError("eac", f"{item.key}: the equivalent annual cost must be a finite number")
        kept.append(item)
    tonnes = np.fromiter((i.tco2e_per_year for i in kept), float, len(kept))
    eacs = np.fromiter((i.eac for i in kept), float, len(kept))
    if not group:
        bars, total, no_regret = _bars([i.key for i in kept], [i.label for i in kept], [i.category for i in kept],
                                       tonnes, eacs, np.ones(len(kept), dtype=int))
    else:
        names = [i.group or i.key for i in kept]
        codes, first, inverse = np.unique(np.array(names, dtype=str), return_index=True,
                                          return_inverse=True)
        sum_t = np.bincount(inverse, weights=tonnes, minlength=len(codes))
        sum_eac = np.bincount(inverse, weights=eacs, minlength=len(codes))
        counts = np.bincount(inverse, minlength=len(codes))
        categories = {}
        for index, item in zip(inverse.tolist(), kept):
            categories.setdefault(index, set()).add(item.category)
        cats = [next(iter(categories[k])) if len(categories[k]) == 1 else "mixed" for k in range(len(codes))]
        bars, total, no_regret = _bars(codes.tolist(), [kept[f].label for f in first.tolist()], cats, sum_t,
                                       sum_eac, counts)
    share = no_regret / total if total > 0 else None
    return Curve(bars, total, no_regret, share, tuple(sorted(left_out, key=lambda i: str(i.key))))


def _float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _rank(step: Step) -> int:
    return ORDER.index(step.category) if step.category in ORDER else len(ORDER)


def sequence(baseline: dict, steps: list[Step]) -> list[dict]:
    """Apply ``steps`` in ORDER (then as given) to ``baseline`` {metric: yearly quantity}: each saves its share of
    what the earlier steps left; returns per step {metric: quantity saved (negative = added)}.

    The result is in the order of ``steps`` as given (result[i] belongs to steps[i]), whatever order they were
    applied in. A step's ``adds`` {metric: k} adds k × (Σ of what the step saved) of that metric (a fuel switch:
    coal saved in GJ, biomass added in GJ at k = the efficiency ratio), which later steps may then save from.
    MaccError for a fraction outside 0..1, a negative baseline or a metric the baseline does not have."""
    remaining = {}
    for metric, quantity in baseline.items():
        q = _float(quantity)
        if not math.isfinite(q) or q < 0:
            raise MaccError(f"baseline.{metric}", f"a yearly quantity must be a number, zero or more (got {quantity!r})")
        remaining[metric] = q
    for step in steps:
        for part in ("saves", "adds"):
            for metric, fraction in (getattr(step, part) or {}).items():
                f = _float(fraction)
                limit = 1.0 if part == "saves" else math.inf
                if not math.isfinite(f) or f < 0 or f > limit:
                    rule = "between 0 and 1" if part == "saves" else "zero or more"
                    raise MaccError(f"{step.key}.{part}.{metric}", f"must be a number {rule} (got {fraction!r})")
    order = sorted(range(len(steps)), key=lambda i: (_rank(steps[i]), i))
    results: list[dict] = [{} for _ in steps]
    for i in order:
        step = steps[i]
        saved = {}
        for metric, fraction in step.saves.items():
            if metric not in remaining:
                raise MaccError(f"{step.key}.saves.{metric}", "the baseline has no such metric")
            saved[metric] = remaining[metric] * float(fraction)
            remaining[metric] -= saved[metric]
        total = sum(saved.values())
        for metric, ratio in (step.adds or {}).items():
            added = total * float(ratio)
            remaining[metric] = remaining.get(metric, 0.0) + added
            saved[metric] = saved.get(metric, 0.0) - added
        results[i] = saved
    return results
