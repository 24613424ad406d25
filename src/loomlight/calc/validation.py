"""Plausibility checks on monthly data: flags for review, never rejections."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

#: The history check, Loomlight's own rule (not taken from a publication; docs/data-sources.md), with its defaults.
#: A value is compared with
#:
#: - the median of the facility's own earlier months of the same series within the WINDOW_MONTHS before it,
#:   once there are at least MIN_HISTORY of them, and
#: - the same month a year before (SEASON_MONTHS earlier), when that month was reported and not zero;
#:
#: each comparison finds it far when it is above HIGH_FACTOR x or below LOW_FACTOR x its reference. The value is
#: flagged when every comparison that could be made finds it far: one alone decides (three months of history, or
#: only last year's month), and with both, a value far from the recent months but like the same month last year is
#: seasonal, while a value like the recent months but far from last year's month (which may itself have been wrong)
#: is not flagged either.
#:
#: Why these numbers: the usual unit mistakes are a factor of 3.6 or more (MJ typed as kWh 3.6, GJ as MWh 3.6,
#: litres as US gallons 3.8, litres of diesel as GJ about 27, kg as tonnes or L as m³ 1000), while ordinary
#: variation from month to month, and between the same months of two years, is expected to stay within 3x (a factory
#: that worked a third of its usual days is flagged too, which is worth a look); three months are the fewest whose
#: median one wrong month cannot move (of two, one wrong value is half). A flag asks for a look; it never refuses.
HIGH_FACTOR = 3.0
LOW_FACTOR = 1.0 / HIGH_FACTOR
WINDOW_MONTHS = 12
MIN_HISTORY = 3      # fewer earlier months than this in the window: no comparison with their median
SEASON_MONTHS = 12   # the same month last year

MONTHS, LAST_YEAR = "months", "last_year"   # the bases of a comparison


class Comparison(NamedTuple):
    """One comparison of the history check: what the value was compared with, and the verdict."""

    basis: str         # MONTHS: the median of the earlier months; LAST_YEAR: the same month a year before
    reference: float   # that median, or last year's value [canonical unit]
    count: int         # how many values the reference is made of (1 for LAST_YEAR)
    flag: str          # "high", "low" or ""


class HistoryCheck(NamedTuple):
    """The outcome of the history check. Named tuples, not dataclasses: the import builds one per stored value."""

    flag: str                          # "high", "low" or "": every comparison flags; the direction of the first
    comparisons: tuple[Comparison, ...]  # those that could be made, flagged or not


def history_check(value: float, month: int, history: Mapping[int, float], *, high: float = HIGH_FACTOR,
                  low: float = LOW_FACTOR, min_history: int = MIN_HISTORY) -> HistoryCheck:
    """The history check of a monthly value against the facility's own earlier values of the same series.

    Parameters: value [canonical unit]; month, the value's month as ``month_index`` [months];
    history {month index [months]: value [canonical unit]}, any months of the series (only the
    WINDOW_MONTHS before ``month`` count; ``month`` itself is ignored); high, low [1], the factors
    of the rule; min_history [months]. The rule and the source of its defaults: above HIGH_FACTOR.

    A zero median flags any positive value as high and never flags low; a zero in the same month
    last year is no reference (a fuel not used then says nothing about this month). The form, the
    API and the Excel import all call this function (``reporting.services``, ``reporting.imports.writer``).
    """
    earlier = [history[m] for m in range(month - WINDOW_MONTHS, month) if m in history]
    comparisons = []
    if len(earlier) >= min_history:
        median = statistics.median(earlier)
        comparisons.append(Comparison(MONTHS, median, len(earlier), median_flag(value, median, high=high, low=low)))
    last_year = history.get(month - SEASON_MONTHS)
    if last_year:
        comparisons.append(Comparison(LAST_YEAR, last_year, 1, median_flag(value, last_year, high=high, low=low)))
    flagged = bool(comparisons) and all(c.flag for c in comparisons)
    return HistoryCheck(comparisons[0].flag if flagged else "", tuple(comparisons))


def median_flag(value: float, median: float, *, high: float = HIGH_FACTOR, low: float = LOW_FACTOR) -> str:
    """The rule of both checks: ``"high"`` above ``high`` x the median, ``"low"`` below ``low`` x it,
    else ``""``. A zero median flags any positive value as high and never flags low."""
    if median == 0:
        return "high" if value > 0 else ""
    if value > high * median:
        return "high"
    if value < low * median:
        return "low"
    return ""


#: Fewest peers an intensity is compared with. Below it there is no comparison, and no
#: peer median is shown: a median of very few facilities says little and says too much
#: about each of them. Loomlight's default, not taken from a publication.
MIN_PEERS = 5


def peer_flag(value: float | None, peers: Sequence[float], *, high: float = HIGH_FACTOR, low: float = LOW_FACTOR,
              min_peers: int = MIN_PEERS) -> str:
    """``"high"``, ``"low"`` or ``""`` for an intensity against its peers' intensities.

    Same rule as the history check: above ``high`` x or below ``low`` x the peers'
    median. ``peers`` excludes the facility itself; fewer than ``min_peers``, or no
    value, gives no flag. A zero median flags any positive value as high.
    """
    if value is None or len(peers) < min_peers:
        return ""
    return median_flag(value, statistics.median(peers), high=high, low=low)


def month_index(year: int, month: int) -> int:
    """The number of a month, counted from year 0 (consecutive months differ by 1) [months]."""
    return year * 12 + (month - 1)


def completeness(reported_months: Iterable[tuple[int, int]], year: int, *, through_month: int = 12) -> float:
    """Share of the months of ``year`` (January to ``through_month``) with at least one value [0..1]."""
    if not 1 <= through_month <= 12:
        raise ValueError("through_month must be 1..12")
    wanted = {(year, m) for m in range(1, through_month + 1)}
    return len(wanted & set(reported_months)) / len(wanted)


def missing_months(reported_months: Iterable[tuple[int, int]], year: int, *, through_month: int = 12) -> list[int]:
    """The months (1..12) of ``year`` up to ``through_month`` with no value."""
    reported = set(reported_months)
    return [m for m in range(1, through_month + 1) if (year, m) not in reported]
