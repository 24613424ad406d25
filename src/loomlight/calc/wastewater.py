"""Wastewater lab results against discharge limits.

A result below the laboratory's detection limit (DL) is never read as zero:
the true value lies somewhere in [0, DL). Against a maximum limit it passes
only if DL <= limit; otherwise the result cannot tell (``inconclusive``), and
the remedy is a more sensitive method. Against a minimum (pH lower bound,
dissolved oxygen) a "< DL" result fails when DL <= minimum.

This is Loomlight's rule, stated here so that it can be reviewed; the limits
themselves come from reference/wastewater_limits.csv with their sources.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    NO_LIMIT = "no_limit"


@dataclass(frozen=True)
class Limit:
    parameter: str
    level: str
    limit_min: float | None
    limit_max: float | None
    unit: str
    applies_to: str  # "direct" (direct dischargers only) or "all"


@dataclass(frozen=True)
class Result:
    parameter: str
    value: float | None          # None when below the detection limit
    unit: str
    detection_limit: float | None = None
    below_detection_limit: bool = False


def assess(result: Result, limit: Limit | None) -> Outcome:
    """One result against one limit (both in the same unit)."""
    if limit is None:
        return Outcome.NO_LIMIT
    if result.unit != limit.unit:
        raise ValueError(f"{result.parameter}: result in {result.unit}, limit in {limit.unit}; convert at the door")
    if result.below_detection_limit:
        if result.detection_limit is None:
            raise ValueError(f"{result.parameter}: a result below the detection limit needs the detection limit")
        dl = result.detection_limit
        if limit.limit_min is not None and dl <= limit.limit_min:
            return Outcome.FAIL
        if limit.limit_min is not None:
            return Outcome.INCONCLUSIVE
        return Outcome.PASS if dl <= limit.limit_max else Outcome.INCONCLUSIVE
    if result.value is None:
        raise ValueError(f"{result.parameter}: no value and not below the detection limit")
    if limit.limit_min is not None and result.value < limit.limit_min:
        return Outcome.FAIL
    if limit.limit_max is not None and result.value > limit.limit_max:
        return Outcome.FAIL
    return Outcome.PASS


def applicable(limits: Iterable[Limit], *, direct_discharge: bool) -> dict[tuple[str, str], Limit]:
    """{(parameter, level): limit} that apply to a discharger: direct dischargers meet every
    limit; indirect ones (to a central plant or sewer) only those marked "all"."""
    return {(l.parameter, l.level): l for l in limits if direct_discharge or l.applies_to == "all"}


def overall(outcomes: Iterable[Outcome]) -> Outcome | None:
    """A sample's verdict at one level: fail if any parameter fails, inconclusive if any cannot
    tell, pass if every assessed parameter passes; None when nothing was assessed."""
    assessed = [o for o in outcomes if o != Outcome.NO_LIMIT]
    if not assessed:
        return None
    if Outcome.FAIL in assessed:
        return Outcome.FAIL
    if Outcome.INCONCLUSIVE in assessed:
        return Outcome.INCONCLUSIVE
    return Outcome.PASS
