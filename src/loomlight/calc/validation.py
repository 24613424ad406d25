"""Plausibility checks on monthly data: flags for review, never rejections."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence

#: Defaults of the history check: a value above 3x or below 1/3 of the facility's own
#: trailing 12-month median is flagged. Loomlight's defaults (the thresholds the issue
#: names), not taken from a publication; programmes can change them.
HIGH_FACTOR = 3.0
LOW_FACTOR = 1.0 / 3.0
WINDOW_MONTHS = 12
MIN_HISTORY = 6  # fewer earlier months than this: no flag (too little to compare with)


def history_flag(value: float, history: Sequence[float], *, high: float = HIGH_FACTOR, low: float = LOW_FACTOR,
                 min_history: int = MIN_HISTORY) -> str:
    """``"high"``, ``"low"`` or ``""`` for a value against the facility's own history.

    value [canonical unit]; history [same unit], the trailing months before this one,
    newest last; only the last WINDOW_MONTHS count. A zero median flags any positive
    value as high (the facility reported nothing before) and never flags low.
    """
    window = list(history)[-WINDOW_MONTHS:]
    if len(window) < min_history:
        return ""
    return median_flag(value, statistics.median(window), high=high, low=low)


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
