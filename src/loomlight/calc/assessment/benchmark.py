"""A score among its peers' scores: percentile rank and distribution, never a peer's score by itself.

    percentile(61.0, [40.0, 55.0, 61.0, 70.0, 90.0])  # 50.0: 2 below, 1 equal -> (2 + 0.5 × 1) / 5 × 100
    distribution([40.0, 55.0, ...], width=10)         # ((0, 10, 0), (10, 20, 0), ..., (90, 100, 1))

Percentile rank by the mid-rank definition (the share of peers scoring below, plus half of those scoring the
same), so that a score equal to every peer's sits at the 50th percentile: Hazen's plotting position, as in
Hyndman & Fan (1996), "Sample quantiles in statistical packages", The American Statistician 50(4), definition 5.
The peers exclude the score's own subject. There is no benchmark below ``MIN_PEERS`` peers
(``calc.validation.MIN_PEERS``, 5): too few say little and say too much about each of them.
"""

from __future__ import annotations

from collections.abc import Sequence

from loomlight.calc.validation import MIN_PEERS

#: Size bands by headcount, for choosing peers: Loomlight's choice after the IFC's enterprise size classes
#: (small < 50 employees... medium < 300) stretched to garment factories, where 300 is small: fewer than 500,
#: 500 to 1,999, 2,000 or more. Not a published classification.
SIZE_BANDS = ((0, 500, "small"), (500, 2000, "medium"), (2000, None, "large"))


def size_band(headcount: int | None) -> str | None:
    """The band of a headcount; None when the headcount is not known (0 or None)."""
    if not headcount:
        return None
    for low, high, name in SIZE_BANDS:
        if headcount >= low and (high is None or headcount < high):
            return name
    return None


def percentile(value: float, peers: Sequence[float], *, min_peers: int = MIN_PEERS) -> float | None:
    """The mid-rank percentile of ``value`` among ``peers`` [0..100]; None below ``min_peers`` peers."""
    if value is None or len(peers) < min_peers:
        return None
    below = sum(1 for p in peers if p < value)
    equal = sum(1 for p in peers if p == value)
    return (below + 0.5 * equal) / len(peers) * 100.0


def distribution(peers: Sequence[float], *, width: float = 10.0, min_peers: int = MIN_PEERS) -> tuple[tuple[float, float, int], ...]:
    """Counts of peers' scores in bins [low, high) of ``width`` from 0 to 100 (the last bin includes 100);
    empty below ``min_peers`` peers."""
    if len(peers) < min_peers:
        return ()
    edges = []
    low = 0.0
    while low < 100.0 - 1e-9:
        edges.append((low, min(low + width, 100.0)))
        low += width
    counts = [0] * len(edges)
    for p in peers:
        index = min(int(p // width), len(edges) - 1) if p >= 0 else 0
        counts[index] += 1
    return tuple((lo, hi, n) for (lo, hi), n in zip(edges, counts, strict=True))
