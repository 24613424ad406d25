"""Uncertainty of a business case: sensitivity (tornado) and Monte Carlo, seeded and vectorised.

CONTRACT (issue 18) — the bodies are being written; names and meanings are fixed.

An input is named by a path into ``calc.finance.CaseInputs``: ``capex``, ``opex_change``, ``discount_rate``,
``escalation``, ``grant``, ``lifetime_years``, ``tax_rate``, ``loan.rate``, ``savings_per_year``, or a saving line
of the case as ``savings.<i>.quantity`` / ``savings.<i>.price`` / ``savings.<i>.money`` (``lines`` give the year-1
lines, so the money saved is Σ quantity × price + money). A distribution: ``Uniform(low, high)``,
``Triangular(low, mode, high)``, ``Normal(mean, sd)`` (truncated at no bound: a draw may be negative, said so),
``LogNormal(median, gsd)``. Draws use ``numpy.random.default_rng(seed)``, one stream per input in the order given,
so a seed reproduces every draw. NPV is the factory's (``CaseResult.npv``) computed for all draws at once
(arrays of draws × years); 10,000 draws of a case in well under 1 s.
"""

from __future__ import annotations

from dataclasses import dataclass

from loomlight.calc.finance import CaseInputs


@dataclass(frozen=True)
class Line:
    quantity: float | None = None   # per year, in the line's unit
    price: float | None = None      # currency per unit
    money: float | None = None      # a saving given only in money [currency/year]


@dataclass(frozen=True)
class Uniform:
    low: float
    high: float


@dataclass(frozen=True)
class Triangular:
    low: float
    mode: float
    high: float


@dataclass(frozen=True)
class Normal:
    mean: float
    sd: float


@dataclass(frozen=True)
class LogNormal:
    median: float
    gsd: float          # geometric standard deviation, > 1


@dataclass(frozen=True)
class MonteCarloResult:
    draws: int
    seed: int
    npv_p10: float          # 10th percentile of the NPV draws (exceeded by 90 % of them)
    npv_p50: float
    npv_p90: float
    npv_mean: float
    probability_npv_positive: float
    histogram: tuple[tuple[float, float, int], ...]   # (from, to, count), 20 bins
    inputs: tuple[str, ...]                           # the inputs drawn


@dataclass(frozen=True)
class TornadoBar:
    input: str
    low: float              # the input's low and high values
    high: float
    npv_low: float          # the NPV with the input at low / high, others at their base
    npv_high: float
    swing: float            # |npv_high − npv_low|


def monte_carlo(inputs: CaseInputs, *, lines: tuple[Line, ...] = (), ranges: dict, draws: int = 10_000,
                seed: int = 0) -> MonteCarloResult:
    """NPV percentiles and P(NPV > 0) over ``draws`` draws of ``ranges`` ({input path: distribution}); the
    inputs not drawn stay at their value. ValueError naming the input for an unknown path or bad distribution."""
    raise NotImplementedError


def tornado(inputs: CaseInputs, *, lines: tuple[Line, ...] = (), ranges: dict | None = None,
            swing: float = 0.2) -> tuple[TornadoBar, ...]:
    """Each main input at its low and high (its range's bounds, else ± ``swing`` of its value), the others at
    their base; bars sorted by swing, largest first."""
    raise NotImplementedError
