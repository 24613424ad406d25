"""Measured savings after IPMVP Option C: a baseline regression of monthly use on its drivers, checked against
ASHRAE Guideline 14, and the avoided use after an intervention with its uncertainty.

The model: use_m = β0 + β1 × production_m [+ β2 × cdd_m] + ε (statsmodels OLS). Accepted as a baseline only when
n ≥ 12 months, CV(RMSE) ≤ 15 % and |NMBE| ≤ 5 % (ASHRAE Guideline 14-2014, monthly calibration criteria),
CV(RMSE) = sqrt(Σ(y−ŷ)²/(n−p)) / ȳ, NMBE = Σ(y−ŷ) / ((n−p) ȳ), p the number of parameters. Avoided use in the
reporting period = Σ (adjusted baseline ŷ_m − actual_m); its uncertainty by the Guideline 14 fractional savings
uncertainty formula (Annex B), with lag-1 autocorrelation of the residuals.

Choices made here, stated:

- 3 ≤ n < 12 months: the model is fitted and shown, but *not accepted* (reason ``too_few_months``); fewer than 3
  months, or no more months than parameters (n ≤ p), is an ``MvError`` (nothing can be fitted);
- CDD is used as a driver when every baseline month has it; when none has it, production alone; a mix is an
  ``MvError`` naming the months without it (a model on half the months would be a different model);
- residuals' lag-1 autocorrelation ρ = Σ_{i≥2} e_i e_{i−1} / Σ e_i² over the months in period order; a negative ρ
  is taken as 0 in the uncertainty (n′ is never more than n: the conservative reading);
- a reporting month whose driver lies outside the baseline's observed range is *flagged* (extrapolation), not
  refused (``Savings.extrapolated`` and a flag ``mv.extrapolation``).

References:
    ASHRAE Guideline 14-2014, Measurement of Energy, Demand, and Water Savings: §4.3 / Annex B (statistics and
    savings uncertainty); monthly criteria CV(RMSE) ≤ 15 %, |NMBE| ≤ 5 % as quoted in
    ../shared/reference/ghg-roi-biomass.md §5.3 (https://mepvault.com/cv-rmse-calibration-energy-model/).
    Reddy, T.A. & Claridge, D.E. (2000), Uncertainty of "measured" energy savings from statistical baseline
    models, HVAC&R Research 6(1): the fractional savings uncertainty with n′ and the 1.26 coefficient.
    Kissock, Haberl & Claridge (2003), Inverse Model Toolkit (RP-1050), ASHRAE Transactions 109(2), eq. 24 (the
    prediction uncertainty of one month), excerpted at https://simularis.github.io/understand_nmec/
    uncertainty_excerpts.html, which notes that Guideline 14 Annex B presents a related method "with significant
    discrepancies".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from loomlight.calc.ghg import DIVIDED, TIMES, Explanation, Factor, Flag, Step, term

#: ASHRAE Guideline 14-2014, monthly calibration criteria (the issue fixes these; ghg-roi-biomass.md §5.3).
MAX_CV_RMSE = 0.15
MAX_ABS_NMBE = 0.05
#: Guideline 14 / IPMVP: a baseline covers at least a year of months (ghg-roi-biomass.md §5.1).
MIN_MONTHS_ACCEPTED = 12
#: Below this nothing is fitted.
MIN_MONTHS_FITTED = 3
#: The empirical coefficient of the fractional savings uncertainty for monthly models (Reddy & Claridge 2000, as
#: quoted from Guideline 14 Annex B in ghg-roi-biomass.md §5.4, marked ◐ there: not checked against the bought text).
G14_MONTHLY_COEFFICIENT = 1.26

_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class MvError(ValueError):
    """Bad input (too few months, a month without production, a driver constant over the baseline).

    ``key`` and ``params`` say which without words, for the platform's translated message; ``str()`` is English."""

    def __init__(self, key: str, message: str, **params):
        super().__init__(message)
        self.key = key
        self.params = params


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
    # Added (not in the first contract): what avoided() needs without refitting.
    rmse: float = 0.0                                   # sqrt(Σe²/(n−p)) [unit of use]
    mean_use: float = 0.0                               # ȳ [unit of use]
    ranges: dict = field(default_factory=dict)          # {driver: (min, max)} over the baseline
    cov_params: tuple = field(default=(), compare=False)  # statsmodels' covariance of the coefficients
    unit: str = ""                                      # of use, as fit_baseline was told (explanations only)


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
    # Added: reporting months with a driver outside the baseline's range (extrapolated, flagged not refused).
    extrapolated: tuple[str, ...] = ()
    prediction_interval: float | None = None   # ± of Σ(ŷ − y) from statsmodels' covariance (cross-check)


def _number(value, what: str, period: str, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise MvError("month_value", f"{period}: {what} must be a number (got {value!r})", period=period,
                      field=what) from None
    if not math.isfinite(x) or x < 0:
        raise MvError("month_value", f"{period}: {what} must be zero or more (got {value!r})", period=period,
                      field=what)
    return x


def _checked(months, *, role: str) -> list[Month]:
    """The months in period order, each value checked; MvError naming the month and the field."""
    seen: set[str] = set()
    out = []
    for month in months:
        period = getattr(month, "period", None)
        if not isinstance(period, str) or not _PERIOD.match(period):
            raise MvError("period", f"a {role} month's period must be YYYY-MM (got {period!r})", period=period)
        if period in seen:
            raise MvError("duplicate_period", f"{period} appears twice in the {role} months", period=period)
        seen.add(period)
        out.append(Month(period, _number(month.use, "use", period), _number(month.production, "production", period),
                         _number(month.cdd, "cdd", period, optional=True)))
    return sorted(out, key=lambda m: m.period)


def _design(months: list[Month], drivers: tuple[str, ...]) -> np.ndarray:
    columns = [np.ones(len(months))] + [np.array([getattr(m, d) for m in months], dtype=float) for d in drivers]
    return np.column_stack(columns)


def fit_baseline(months: list[Month], *, unit: str = "") -> Baseline:
    """The OLS baseline of monthly use on production (and CDD when every month has it), with its Guideline 14
    statistics.

    Parameters:
        months: the baseline months, each ``use`` [unit of use], ``production`` [unit of production], ``cdd``
            [°C·day] or None.
        unit: the unit of use (kWh, GJ, m3), for the explanation's terms only; "" when not given.

    Returns a Baseline with ``accepted`` False and ``reasons`` naming the failed criteria (``too_few_months``,
    ``cv_rmse``, ``nmbe``) when it fails Guideline 14; MvError for input nothing can be fitted on.
    """
    import statsmodels.api as sm

    months = _checked(months, role="baseline")
    n = len(months)
    if n < MIN_MONTHS_FITTED:
        raise MvError("too_few_months", f"a baseline needs at least {MIN_MONTHS_FITTED} months (got {n})", n=n,
                      minimum=MIN_MONTHS_FITTED)
    without_cdd = [m.period for m in months if m.cdd is None]
    if without_cdd and len(without_cdd) < n:
        raise MvError("cdd_mixed", "cooling degree days are given for some baseline months but not for "
                      + ", ".join(without_cdd), periods=tuple(without_cdd))
    drivers = ("production",) if without_cdd else ("production", "cdd")
    for driver in drivers:
        values = {getattr(m, driver) for m in months}
        if len(values) == 1:
            raise MvError("constant_driver", f"{driver} is the same in every baseline month: its effect on use "
                          "cannot be estimated", driver=driver)
    p = 1 + len(drivers)
    if n <= p:
        raise MvError("too_few_months", f"a baseline on {', '.join(drivers)} needs more than {p} months (got {n})",
                      n=n, minimum=p + 1)
    y = np.array([m.use for m in months], dtype=float)
    x = _design(months, drivers)
    if np.linalg.matrix_rank(x) < p:
        raise MvError("collinear_drivers", "production and cdd move together over the baseline: their effects "
                      "cannot be told apart", driver="cdd")
    fit = sm.OLS(y, x).fit()
    fitted = fit.fittedvalues
    e = y - fitted
    mean_use = float(y.mean())
    if mean_use <= 0:
        raise MvError("no_use", "use is zero in every baseline month", field="use")
    sse = float(e @ e)
    rmse = math.sqrt(sse / (n - p))
    cv_rmse = rmse / mean_use
    nmbe = float(e.sum()) / ((n - p) * mean_use)
    rho = float((e[1:] @ e[:-1]) / sse) if sse > 0 else 0.0
    r2 = float(fit.rsquared) if sse > 0 else 1.0
    coefficients = {"intercept": float(fit.params[0])}
    coefficients.update({d: float(fit.params[i + 1]) for i, d in enumerate(drivers)})

    reasons = []
    if n < MIN_MONTHS_ACCEPTED:
        reasons.append("too_few_months")
    if cv_rmse > MAX_CV_RMSE:
        reasons.append("cv_rmse")
    if abs(nmbe) > MAX_ABS_NMBE:
        reasons.append("nmbe")

    periods = tuple(m.period for m in months)
    inputs = (Factor("baseline months", n, "months", "reported", "months", {"first": periods[0],
                                                                          "last": periods[-1]}),)
    factors = (
        Factor("largest CV(RMSE) of an accepted monthly baseline", MAX_CV_RMSE, "fraction",
               "ASHRAE Guideline 14-2014, monthly criteria", "mv.max_cv_rmse"),
        Factor("largest |NMBE| of an accepted monthly baseline", MAX_ABS_NMBE, "fraction",
               "ASHRAE Guideline 14-2014, monthly criteria", "mv.max_nmbe"),
        Factor("fewest months of an accepted baseline", MIN_MONTHS_ACCEPTED, "months",
               "IPMVP Option C / ASHRAE Guideline 14-2014", "mv.min_months"),
    )
    model_text = "use = β0 + β1 × production" + (" + β2 × cdd" if "cdd" in drivers else "")
    steps = [
        Step("baseline model (ordinary least squares, statsmodels)", model_text + ": " + ", ".join(
            f"{k} = {v:.6g}" for k, v in coefficients.items()), r2, "R²", "mv.model",
            {"drivers": drivers, "coefficients": dict(coefficients), "n": n, "p": p}),
        Step("root-mean-square error", f"sqrt({sse:.6g} / ({n} − {p}))", rmse, unit, "mv.rmse",
             {"n": n, "p": p, "sse": sse}),
        Step("CV(RMSE)", f"{rmse:.6g} / {mean_use:.6g}", cv_rmse, "fraction", "mv.cv_rmse",
             {"limit": MAX_CV_RMSE, "passes": cv_rmse <= MAX_CV_RMSE},
             (term(rmse, unit), DIVIDED, term(mean_use, unit))),
        Step("NMBE", f"{float(e.sum()):.6g} / (({n} − {p}) × {mean_use:.6g})", nmbe, "fraction", "mv.nmbe",
             {"limit": MAX_ABS_NMBE, "passes": abs(nmbe) <= MAX_ABS_NMBE},
             (term(float(e.sum()), unit), DIVIDED, term(n - p, "months"), DIVIDED, term(mean_use, unit))),
        Step("lag-1 autocorrelation of the residuals", "Σ e_i e_(i−1) / Σ e_i²", rho, "", "mv.autocorrelation", {}),
    ]
    flags = []
    if reasons:
        flags.append(Flag("mv.not_accepted", "not accepted as a baseline (ASHRAE Guideline 14): " + ", ".join(reasons),
                          {"reasons": tuple(reasons)}))
    ranges = {d: (min(getattr(m, d) for m in months), max(getattr(m, d) for m in months)) for d in drivers}
    return Baseline(coefficients, n, p, r2, cv_rmse, nmbe, rho, not reasons, tuple(reasons), periods,
                    Explanation(inputs, factors, tuple(steps), None, tuple(f.text for f in flags), tuple(flags)),
                    rmse=rmse, mean_use=mean_use, ranges=ranges, unit=unit,
                    cov_params=tuple(tuple(float(v) for v in row) for row in np.asarray(fit.cov_params())))


def avoided(baseline: Baseline, months: list[Month], *, confidence: float = 0.68) -> Savings:
    """Avoided use over the reporting ``months``: Σŷ (the baseline driven by the reporting months' production and
    CDD) − Σ actual, with its uncertainty at ``confidence``.

    Uncertainty (ASHRAE Guideline 14-2014 Annex B; Reddy & Claridge 2000), in absolute terms:

        ΔE_save = t × 1.26 × CV(RMSE) × sqrt((n/n′) × (1 + 2/n) × (1/m)) × Σŷ,   n′ = n (1 − ρ) / (1 + ρ)

    which is the fractional form ΔE_save/E_save = t × 1.26 × CV × sqrt(...) / F multiplied by E_save = F × Σŷ (so
    it is defined when F is 0); t = scipy.stats.t.ppf((1 + confidence)/2, n − p); m the reporting months; ρ the
    baseline residuals' lag-1 autocorrelation, 0 when negative. The 1.26 is marked ◐ in
    ghg-roi-biomass.md §5.4. Cross-check: the prediction interval of Σ(ŷ − y) from statsmodels' covariance of the
    coefficients, t × sqrt(m × RMSE² + aᵀ Cov(β) a), a = Σ of the reporting months' design rows (no
    autocorrelation in it), in the explanation as ``mv.prediction_interval``.

    MvError when the baseline was not accepted (naming the failed criteria), for a bad reporting month, or for a
    confidence outside (0, 1). A reporting month whose driver lies outside the baseline's range is flagged.
    """
    from scipy import stats

    if not baseline.accepted:
        raise MvError("baseline_not_accepted", "the baseline is not accepted (ASHRAE Guideline 14): "
                      + ", ".join(baseline.reasons), reasons=baseline.reasons)
    try:
        confidence = float(confidence)
    except (TypeError, ValueError):
        raise MvError("confidence", f"confidence must be a number between 0 and 1 (got {confidence!r})") from None
    if not 0 < confidence < 1:
        raise MvError("confidence", f"confidence must be between 0 and 1 (got {confidence!r})", field="confidence")
    months = _checked(months, role="reporting")
    if not months:
        raise MvError("no_reporting_months", "no reporting months given")
    overlap = sorted(set(baseline.periods) & {m.period for m in months})
    if overlap:
        raise MvError("reporting_in_baseline", "reporting months inside the baseline: " + ", ".join(overlap),
                      periods=tuple(overlap))
    drivers = tuple(k for k in baseline.coefficients if k != "intercept")
    if "cdd" in drivers:
        missing = [m.period for m in months if m.cdd is None]
        if missing:
            raise MvError("cdd_missing", "the baseline uses cooling degree days; none given for " + ", ".join(missing),
                          periods=tuple(missing))
    beta = np.array([baseline.coefficients["intercept"]] + [baseline.coefficients[d] for d in drivers])
    x = _design(months, drivers)
    predicted = x @ beta
    adjusted = float(predicted.sum())
    actual = float(sum(m.use for m in months))
    saved = adjusted - actual
    fraction = saved / adjusted if adjusted else 0.0
    m = len(months)
    n, p = baseline.n, baseline.p
    t = float(stats.t.ppf((1 + confidence) / 2, n - p))
    rho = max(0.0, min(baseline.autocorrelation, 0.99))
    n_eff = n * (1 - rho) / (1 + rho)
    root = math.sqrt((n / n_eff) * (1 + 2 / n) * (1 / m))
    uncertainty = t * G14_MONTHLY_COEFFICIENT * baseline.cv_rmse * root * abs(adjusted)

    interval = None
    if baseline.cov_params:
        a = x.sum(axis=0)
        cov = np.array(baseline.cov_params)
        interval = t * math.sqrt(m * baseline.rmse ** 2 + float(a @ cov @ a))

    extrapolated = []
    for month in months:
        for d in drivers:
            low, high = baseline.ranges.get(d, (-math.inf, math.inf))
            if not low <= getattr(month, d) <= high:
                extrapolated.append(month.period)
                break
    flags = []
    if extrapolated:
        flags.append(Flag("mv.extrapolation", "the drivers of " + ", ".join(extrapolated) + " lie outside the "
                          "baseline's range: the baseline is extrapolated there", {"periods": tuple(extrapolated)}))
    if rho != baseline.autocorrelation:
        flags.append(Flag("mv.autocorrelation_bounded", "the residuals' autocorrelation "
                          f"{baseline.autocorrelation:.3g} was taken as {rho:.3g} in the uncertainty",
                          {"rho": baseline.autocorrelation, "used": rho}))
    if saved and uncertainty > 0.5 * abs(saved):
        flags.append(Flag("mv.uncertain", "the uncertainty is more than half the avoided use (ASHRAE Guideline 14 "
                          "asks for less than 50 % at 68 % confidence)", {"ratio": uncertainty / abs(saved)}))

    periods = tuple(mo.period for mo in months)
    unit = baseline.unit
    inputs = (Factor("reporting months", m, "months", "reported", "months", {"first": periods[0],
                                                                           "last": periods[-1]}),
              Factor("actual use", actual, unit, "reported", "use"))
    factors = (Factor("coefficient of the fractional savings uncertainty (monthly)", G14_MONTHLY_COEFFICIENT, "",
                      "ASHRAE Guideline 14-2014 Annex B; Reddy & Claridge (2000)", "mv.g14_coefficient"),
               Factor(f"Student t at {confidence:g} and {n - p} degrees of freedom", t, "", "scipy.stats.t",
                      "mv.t", {"confidence": confidence, "df": n - p}))
    steps = [
        Step("adjusted baseline (the model on the reporting months' drivers)", "Σ ŷ_m", adjusted, unit,
             "mv.adjusted_baseline", {"months": m}),
        Step("avoided use", f"{adjusted:.6g} − {actual:.6g}", saved, unit, "mv.avoided", {},
             (term(adjusted, unit), "−", term(actual, unit))),
        Step("avoided fraction", f"{saved:.6g} / {adjusted:.6g}", fraction, "fraction", "mv.fraction", {},
             (term(saved, unit), DIVIDED, term(adjusted, unit))),
        Step("effective number of baseline months", f"{n} × (1 − {rho:.4g}) / (1 + {rho:.4g})", n_eff, "months",
             "mv.effective_months", {"n": n, "rho": rho}),
        Step("uncertainty of the avoided use (ASHRAE Guideline 14 Annex B)",
             f"{t:.4g} × {G14_MONTHLY_COEFFICIENT} × {baseline.cv_rmse:.4g} × sqrt(({n}/{n_eff:.4g}) × (1 + 2/{n})"
             f" × (1/{m})) × {adjusted:.6g}", uncertainty, unit, "mv.uncertainty",
             {"confidence": confidence},
             (term(t, ""), TIMES, term(G14_MONTHLY_COEFFICIENT, ""), TIMES, term(baseline.cv_rmse, "fraction"),
              TIMES, term(root, ""), TIMES, term(abs(adjusted), unit))),
    ]
    if interval is not None:
        steps.append(Step("cross-check: prediction interval of the sum (statsmodels' covariance, no "
                          "autocorrelation)", f"{t:.4g} × sqrt({m} × RMSE² + aᵀ Cov(β) a)", interval, unit,
                          "mv.prediction_interval", {"confidence": confidence},
                          (term(t, ""), TIMES, term(interval / t if t else 0.0, unit))))
    return Savings(periods, adjusted, actual, saved, fraction, uncertainty, confidence,
                   Explanation(inputs, factors, tuple(steps), None, tuple(f.text for f in flags), tuple(flags)),
                   extrapolated=tuple(extrapolated), prediction_interval=interval)
