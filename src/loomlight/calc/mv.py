"""Measured savings after IPMVP Option C: a baseline regression of monthly use on its drivers, checked against
ASHRAE Guideline 14, and the avoided use after an intervention with its uncertainty.

CONTRACT (issue 18) — the bodies are being written; names and meanings are fixed.

The model: use_m = β0 + β1 × production_m [+ β2 × cdd_m] + ε (statsmodels OLS). Accepted as a baseline only when
n ≥ 12 months, CV(RMSE) ≤ 15 % and |NMBE| ≤ 5 % (ASHRAE Guideline 14-2014, monthly calibration criteria),
CV(RMSE) = sqrt(Σ(y−ŷ)²/(n−p)) / ȳ, NMBE = Σ(y−ŷ) / ((n−p) ȳ), p the number of parameters. Avoided use in the
reporting period = Σ (adjusted baseline ŷ_m − actual_m); its uncertainty by the Guideline 14 fractional savings
uncertainty formula (Annex B), with lag-1 autocorrelation of the residuals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loomlight.calc.ghg import Explanation


class MvError(ValueError):
    """Bad input (too few months, a month without production, a driver constant over the baseline)."""


@dataclass(frozen=True)
class Month:
    period: str                 # "YYYY-MM"
    use: float                  # energy or water in one canonical unit (kWh, GJ, m3)
    production: float           # in one unit (kg, pairs, pieces)
    cdd: float | None = None    # cooling degree days of the month, when given


@dataclass(frozen=True)
class Baseline:
    coefficients: dict          # {"intercept": β0, "production": β1, "cdd": β2}
    n: int
    p: int
    r2: float
    cv_rmse: float              # fraction
    nmbe: float                 # fraction, signed
    autocorrelation: float      # lag-1 of the residuals
    accepted: bool
    reasons: tuple[str, ...]    # codes of the criteria failed: "too_few_months", "cv_rmse", "nmbe"
    periods: tuple[str, ...]
    explanation: Explanation = field(compare=False)


@dataclass(frozen=True)
class Savings:
    periods: tuple[str, ...]
    adjusted_baseline: float    # Σ ŷ over the reporting months
    actual: float
    avoided: float              # adjusted − actual
    avoided_fraction: float     # avoided / adjusted
    uncertainty: float          # ± absolute, at ``confidence``
    confidence: float           # 0.68 or 0.90 ...
    explanation: Explanation = field(compare=False)


def fit_baseline(months: list[Month]) -> Baseline:
    raise NotImplementedError


def avoided(baseline: Baseline, months: list[Month], *, confidence: float = 0.68) -> Savings:
    """MvError when the baseline was not accepted or a reporting month lies far outside the baseline's range."""
    raise NotImplementedError
