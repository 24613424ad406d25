"""Marginal abatement-cost curves, and measures of one facility applied in sequence so that no saving is counted
twice.

CONTRACT (issue 18) — the bodies are being written; names and meanings are fixed.

A bar per measure (or per intervention summed over facilities): height = cost per tonne = EAC / tCO2e avoided per
year (``calc.finance``), width = tCO2e avoided per year; sorted by height, lowest first; a bar below zero is
"no regret" (saves money over its life). Measures without abatement (≤ 0 t) are left out of the curve and listed
apart, never drawn as zero-width bars silently.
"""

from __future__ import annotations

from dataclasses import dataclass

ORDER = ("efficiency", "fuel_switch", "renewable")   # the sequence: efficiency first, then fuel, then solar on
                                                     # the reduced load; other categories after, in their order


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


def curve(items, *, group: bool = False) -> Curve:
    raise NotImplementedError


def sequence(baseline: dict, steps: list[Step]) -> list[dict]:
    """Apply ``steps`` in ORDER (then as given) to ``baseline`` {metric: yearly quantity}: each saves its share of
    what the earlier steps left; returns per step {metric: quantity saved (negative = added)}."""
    raise NotImplementedError
