"""Base year, targets and projections: where a facility or programme should be, where it is,
and where its trend leads.

- ``linear_target``: a linear reduction path from a base year, as a share of the base-year
  value per year; works the same for an absolute
  quantity (t CO2e) and an intensity (t CO2e per unit of output). The rate is the user's
  choice; 4.2 % is the one commonly used for 1.5 °C-aligned absolute contraction.
- ``progress``: the actual value of a year against the path: the target, the gap, the
  share of the planned reduction achieved so far.
- ``projection``: a least-squares linear trend of the years given, extended to later years
  (``statistics.linear_regression``), never below zero.
- ``reductions``: a reference path minus the projected (or actual) values, year by year and
  in total: the reductions a programme reports over its period.

Each result carries its formula so that it can be shown beside the number.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass


class TargetError(ValueError):
    """Bad input to a target or projection: the message says which and why."""


@dataclass(frozen=True)
class Path:
    base_year: int
    base_value: float
    annual_rate: float              # share of the base-year value removed each year, e.g. 0.042
    values: dict[int, float]        # year -> value on the path
    formula: str


def linear_target(base_year: int, base_value: float, annual_rate: float, until: int) -> Path:
    """value(y) = base_value x max(0, 1 - annual_rate x (y - base_year)) for base_year..until."""
    if base_value is None or base_value < 0:
        raise TargetError("the base-year value must be zero or more")
    if not 0 < annual_rate < 1:
        raise TargetError("the annual reduction rate is a share between 0 and 1, for example 0.042 for 4.2 % a year")
    if until < base_year:
        raise TargetError("the target year is before the base year")
    values = {y: base_value * max(0.0, 1 - annual_rate * (y - base_year)) for y in range(base_year, until + 1)}
    return Path(base_year, base_value, annual_rate, values,
                f"value(y) = {base_value:g} x max(0, 1 - {annual_rate:g} x (y - {base_year}))")


@dataclass(frozen=True)
class Progress:
    year: int
    actual: float
    target: float
    gap: float                      # actual - target: above zero is behind the path
    on_track: bool
    achieved: float | None          # (base - actual) / (base - target): share of the planned reduction made
    formula: str


def progress(path: Path, year: int, actual: float) -> Progress:
    if year not in path.values:
        raise TargetError(f"{year} is outside the path ({path.base_year}-{max(path.values)})")
    if actual is None or actual < 0:
        raise TargetError("the actual value must be zero or more")
    target = path.values[year]
    planned = path.base_value - target
    achieved = (path.base_value - actual) / planned if planned else None
    return Progress(year, actual, target, actual - target, actual <= target, achieved,
                    f"achieved = ({path.base_value:g} - {actual:g}) / ({path.base_value:g} - {target:g})")


@dataclass(frozen=True)
class Projection:
    slope: float                    # change per year
    intercept: float
    values: dict[int, float]        # year -> projected value (history years too: the fitted line)
    formula: str


def projection(history: Mapping[int, float], until: int) -> Projection:
    """Least-squares line through ``history`` {year: value}, from its first year to ``until``; floored at zero."""
    years = sorted(history)
    if len(years) < 2:
        raise TargetError("a projection needs at least two years of values")
    if until < years[-1]:
        raise TargetError("the projection ends before the last year of values")
    slope, intercept = statistics.linear_regression(years, [history[y] for y in years])
    values = {y: max(0.0, intercept + slope * y) for y in range(years[0], until + 1)}
    return Projection(slope, intercept, values, f"value(y) = {intercept:.6g} + {slope:.6g} x y (least squares over {years[0]}-{years[-1]})")


@dataclass(frozen=True)
class Reductions:
    by_year: dict[int, float]       # reference - value, per year both give
    total: float
    formula: str


def reductions(reference: Mapping[int, float], values: Mapping[int, float]) -> Reductions:
    """Year by year ``reference - values`` over the years both have, and their sum (may be negative: an increase)."""
    years = sorted(set(reference) & set(values))
    if not years:
        raise TargetError("the reference and the values share no year")
    by_year = {y: reference[y] - values[y] for y in years}
    return Reductions(by_year, sum(by_year.values()), f"sum over {years[0]}-{years[-1]} of (reference - value)")
