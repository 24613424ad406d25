"""Measured savings (IPMVP Option C) against ASHRAE Guideline 14: calc.mv."""

import math

import numpy as np
import pytest
from scipy import stats

from loomlight.calc.mv import (
    G14_MONTHLY_COEFFICIENT, MAX_ABS_NMBE, MAX_CV_RMSE, Month, MvError, avoided, fit_baseline,
)


def periods(first_year: int, count: int) -> list[str]:
    return [f"{first_year + i // 12}-{i % 12 + 1:02d}" for i in range(count)]


def constructed(seed: int = 20261202, noise: float = 60.0, months: int = 36, reporting: int = 12,
                effect: float = 0.10, cdd: bool = False):
    """use = 5000 + 2.0 × production (+ 30 × cdd) + N(0, noise), production 1,000..4,000 kg; after the
    intervention every month uses (1 − effect) of it."""
    rng = np.random.default_rng(seed)
    production = rng.uniform(1000, 4000, months + reporting)
    degree_days = rng.uniform(50, 250, months + reporting)
    true = 5000 + 2.0 * production + (30.0 * degree_days if cdd else 0.0)
    use = true + rng.normal(0, noise, months + reporting)
    use[months:] = true[months:] * (1 - effect) + rng.normal(0, noise, reporting)
    names = periods(2020, months + reporting)
    rows = [Month(names[i], float(use[i]), float(production[i]), float(degree_days[i]) if cdd else None)
            for i in range(months + reporting)]
    return rows[:months], rows[months:], true[months:]


class TestFitBaseline:
    def test_recovers_the_known_coefficients(self):
        # given 36 months of use = 5000 + 2.0 × production + N(0, 60)
        base, _, _ = constructed()
        # when fitted
        b = fit_baseline(base)
        # then the coefficients are recovered: the slope within ±0.05 kWh/kg and the intercept within ±150 kWh
        # (about 3 standard errors each for this design), and the baseline passes Guideline 14
        assert b.coefficients["production"] == pytest.approx(2.0, abs=0.05)
        assert b.coefficients["intercept"] == pytest.approx(5000, abs=150)
        assert set(b.coefficients) == {"intercept", "production"}
        assert (b.n, b.p) == (36, 2)
        assert b.accepted and b.reasons == ()
        assert b.cv_rmse < 0.02 and b.r2 > 0.99
        assert abs(b.nmbe) < 1e-9      # OLS with an intercept: residuals sum to zero
        assert [s.code for s in b.explanation.steps] == ["mv.model", "mv.rmse", "mv.cv_rmse", "mv.nmbe",
                                                        "mv.autocorrelation"]

    def test_uses_cdd_when_every_month_has_it(self):
        base, _, _ = constructed(cdd=True)
        b = fit_baseline(base)
        assert set(b.coefficients) == {"intercept", "production", "cdd"}
        assert b.p == 3
        assert b.coefficients["cdd"] == pytest.approx(30.0, abs=2.0)
        assert b.coefficients["production"] == pytest.approx(2.0, abs=0.05)

    def test_hand_computed_statistics_on_a_tiny_data_set(self):
        # given 4 months: production 1, 2, 3, 4 and use 3, 5, 6, 10
        months = [Month(p, u, x) for p, u, x in zip(periods(2024, 4), (3, 5, 6, 10), (1, 2, 3, 4))]
        b = fit_baseline(months)
        # then, by hand: x̄ = 2.5, ȳ = 6, Sxy = (−1.5)(−3) + (−0.5)(−1) + (0.5)(0) + (1.5)(4) = 11, Sxx = 5,
        # β1 = 11/5 = 2.2, β0 = 6 − 2.2 × 2.5 = 0.5; ŷ = 2.7, 4.9, 7.1, 9.3; e = 0.3, 0.1, −1.1, 0.7;
        # Σe² = 0.09 + 0.01 + 1.21 + 0.49 = 1.8; n − p = 2; RMSE = sqrt(0.9) = 0.948683;
        # CV(RMSE) = 0.948683 / 6 = 0.158114; NMBE = Σe / (2 × 6) = 0 / 12 = 0;
        # R² = 1 − 1.8 / Syy, Syy = 9 + 1 + 0 + 16 = 26 → 0.930769;
        # ρ = (0.1×0.3 + (−1.1)(0.1) + 0.7(−1.1)) / 1.8 = (0.03 − 0.11 − 0.77) / 1.8 = −0.472222
        assert b.coefficients["production"] == pytest.approx(2.2, abs=1e-12)
        assert b.coefficients["intercept"] == pytest.approx(0.5, abs=1e-12)
        assert b.rmse == pytest.approx(math.sqrt(0.9), abs=1e-12)
        assert b.cv_rmse == pytest.approx(0.158114, abs=1e-6)
        assert b.nmbe == pytest.approx(0.0, abs=1e-12)
        assert b.r2 == pytest.approx(1 - 1.8 / 26, abs=1e-12)
        assert b.autocorrelation == pytest.approx(-0.85 / 1.8, abs=1e-12)
        # and 4 months with a CV(RMSE) of 15.8 % fail two criteria
        assert not b.accepted
        assert b.reasons == ("too_few_months", "cv_rmse")

    def test_cv_rmse_divides_by_the_mean_use(self):
        # NMBE is 0 for OLS with an intercept; the formula itself, Σ(y − ŷ)/((n − p) ȳ), on the tiny set with a
        # use raised by 1 in every month: the refit absorbs it (β0 = 1.5), so NMBE stays 0 and CV(RMSE) = 0.948683/7
        months = [Month(p, u + 1, x) for p, u, x in zip(periods(2024, 4), (3, 5, 6, 10), (1, 2, 3, 4))]
        b = fit_baseline(months)
        assert b.coefficients["intercept"] == pytest.approx(1.5, abs=1e-12)
        assert b.nmbe == pytest.approx(0.0, abs=1e-12)
        assert b.cv_rmse == pytest.approx(math.sqrt(0.9) / 7, abs=1e-12)

    def test_noisy_baseline_fails_guideline_14(self):
        # given noise of 2,500 kWh on a mean use of about 10,000 kWh: CV(RMSE) near 25 %
        base, _, _ = constructed(noise=2500.0)
        b = fit_baseline(base)
        assert b.cv_rmse > MAX_CV_RMSE
        assert not b.accepted
        assert "cv_rmse" in b.reasons
        assert b.explanation.flag_codes[0].code == "mv.not_accepted"

    def test_months_are_taken_in_period_order(self):
        base, _, _ = constructed()
        assert fit_baseline(list(reversed(base))) == fit_baseline(base)

    def test_thresholds_are_guideline_14_monthly(self):
        assert (MAX_CV_RMSE, MAX_ABS_NMBE, G14_MONTHLY_COEFFICIENT) == (0.15, 0.05, 1.26)


class TestFitBaselineErrors:
    def error(self, months) -> MvError:
        with pytest.raises(MvError) as caught:
            fit_baseline(months)
        return caught.value

    def test_fewer_than_three_months(self):
        e = self.error([Month("2024-01", 10, 1), Month("2024-02", 12, 2)])
        assert e.key == "too_few_months" and e.params["n"] == 2

    def test_no_more_months_than_parameters_with_cdd(self):
        e = self.error([Month(p, u, x, c) for p, u, x, c in zip(periods(2024, 3), (1, 2, 4), (1, 2, 3), (5, 9, 4))])
        assert e.key == "too_few_months" and e.params["minimum"] == 4

    @pytest.mark.parametrize("field, month", [
        ("use", Month("2024-02", -1.0, 2.0)),
        ("use", Month("2024-02", float("nan"), 2.0)),
        ("use", Month("2024-02", None, 2.0)),
        ("production", Month("2024-02", 5.0, None)),
        ("production", Month("2024-02", 5.0, -3.0)),
        ("production", Month("2024-02", 5.0, float("inf"))),
        ("production", Month("2024-02", 5.0, "many")),
    ])
    def test_a_bad_month_is_named(self, field, month):
        months = [Month("2024-01", 3.0, 1.0), month, Month("2024-03", 6.0, 3.0), Month("2024-04", 10.0, 4.0)]
        e = self.error(months)
        assert (e.key, e.params["period"], e.params["field"]) == ("month_value", "2024-02", field)
        assert "2024-02" in str(e) and field in str(e)

    def test_duplicate_periods(self):
        e = self.error([Month("2024-01", 3, 1), Month("2024-02", 5, 2), Month("2024-01", 6, 3), Month("2024-03", 9, 4)])
        assert (e.key, e.params["period"]) == ("duplicate_period", "2024-01")

    def test_bad_period(self):
        e = self.error([Month("2024-13", 3, 1), Month("2024-02", 5, 2), Month("2024-03", 6, 3)])
        assert e.key == "period"

    def test_constant_production_is_singular(self):
        e = self.error([Month(p, u, 7.0) for p, u in zip(periods(2024, 12), range(10, 22))])
        assert (e.key, e.params["driver"]) == ("constant_driver", "production")

    def test_cdd_on_some_months_only_names_the_others(self):
        base, _, _ = constructed(cdd=True, months=12)
        base[3] = Month(base[3].period, base[3].use, base[3].production, None)
        base[7] = Month(base[7].period, base[7].use, base[7].production, None)
        e = self.error(base)
        assert e.key == "cdd_mixed"
        assert e.params["periods"] == ("2020-04", "2020-08")

    def test_cdd_collinear_with_production(self):
        e = self.error([Month(p, 3 * x + 1 + (i % 2), x, 2 * x) for i, (p, x) in
                        enumerate(zip(periods(2024, 12), range(1, 13)))])
        assert e.key == "collinear_drivers"


class TestAvoided:
    def test_recovers_the_known_ten_percent(self):
        # given an accepted baseline and 12 reporting months using 10 % less than the model says
        base, reporting, true = constructed()
        b = fit_baseline(base)
        s = avoided(b, reporting, confidence=0.90)
        # then Σŷ is close to the true use (within 1 %), avoided ≈ 10 % of it and the known saving Σ0.10 × true
        # lies within the stated uncertainty (90 %)
        known = 0.10 * float(true.sum())
        assert s.adjusted_baseline == pytest.approx(float(true.sum()), rel=0.01)
        assert s.avoided == pytest.approx(s.adjusted_baseline - s.actual, abs=1e-9)
        assert abs(s.avoided - known) <= s.uncertainty
        assert s.avoided_fraction == pytest.approx(0.10, abs=0.01)
        assert s.confidence == 0.90
        assert len(s.periods) == 12

    def test_the_uncertainty_is_the_guideline_14_formula(self):
        base, reporting, _ = constructed()
        b = fit_baseline(base)
        s = avoided(b, reporting, confidence=0.68)
        n, m = 36, 12
        rho = max(0.0, b.autocorrelation)
        n_eff = n * (1 - rho) / (1 + rho)
        t = stats.t.ppf(0.84, n - 2)
        fraction = s.avoided_fraction
        relative = t * 1.26 * b.cv_rmse * math.sqrt((n / n_eff) * (1 + 2 / n) / m) / fraction
        assert s.uncertainty == pytest.approx(relative * s.avoided, rel=1e-9)
        # statsmodels' prediction interval of the sum, the cross-check, is of the same size (no 1.26, no ρ)
        assert s.prediction_interval == pytest.approx(s.uncertainty, rel=0.5)
        codes = [step.code for step in s.explanation.steps]
        assert codes == ["mv.adjusted_baseline", "mv.avoided", "mv.fraction", "mv.effective_months",
                         "mv.uncertainty", "mv.prediction_interval"]

    def test_extrapolated_months_are_flagged_not_refused(self):
        base, reporting, _ = constructed()
        b = fit_baseline(base)
        high = b.ranges["production"][1]
        reporting[2] = Month(reporting[2].period, reporting[2].use, high * 1.5)
        s = avoided(b, reporting)
        assert s.extrapolated == (reporting[2].period,)
        assert [f.code for f in s.explanation.flag_codes][:1] == ["mv.extrapolation"]

    def test_refuses_a_baseline_that_is_not_accepted(self):
        base, reporting, _ = constructed(noise=2500.0)
        b = fit_baseline(base)
        with pytest.raises(MvError) as caught:
            avoided(b, reporting)
        assert caught.value.key == "baseline_not_accepted"
        assert "cv_rmse" in caught.value.params["reasons"] and "cv_rmse" in str(caught.value)

    def test_refuses_a_baseline_of_too_few_months(self):
        base, reporting, _ = constructed(months=8)
        b = fit_baseline(base)
        assert b.reasons == ("too_few_months",)
        with pytest.raises(MvError, match="too_few_months"):
            avoided(b, reporting)

    def test_reporting_errors(self):
        base, reporting, _ = constructed(cdd=True)
        b = fit_baseline(base)
        no_cdd = [Month(m.period, m.use, m.production) for m in reporting]
        with pytest.raises(MvError) as caught:
            avoided(b, no_cdd)
        assert caught.value.key == "cdd_missing" and caught.value.params["periods"][0] == reporting[0].period
        with pytest.raises(MvError) as caught:
            avoided(b, [])
        assert caught.value.key == "no_reporting_months"
        with pytest.raises(MvError) as caught:
            avoided(b, base[-2:])
        assert caught.value.key == "reporting_in_baseline"
        with pytest.raises(MvError) as caught:
            avoided(b, reporting, confidence=1.5)
        assert caught.value.key == "confidence"
        bad = [Month(reporting[0].period, -5.0, 10.0, 3.0)]
        with pytest.raises(MvError) as caught:
            avoided(b, bad)
        assert (caught.value.key, caught.value.params["field"]) == ("month_value", "use")


def evaluate(terms) -> float:
    """A step's terms read left to right: a × b ÷ c − d."""
    value = terms[0]["value"]
    for op, operand in zip(terms[1::2], terms[2::2]):
        x = operand["value"]
        value = {"×": value * x, "÷": value / x, "+": value + x, "−": value - x}[op]
    return value


def test_every_step_with_terms_equals_its_value_in_the_unit_given():
    # given a baseline fitted with unit="kWh" and its savings, when each step's terms are read left to right,
    # then they give the step's value (calc.ghg.Step's rule), and the use terms are in kWh
    base, reporting, _ = constructed()
    b = fit_baseline(base, unit="kWh")
    s = avoided(b, reporting)
    steps = [step for step in b.explanation.steps + s.explanation.steps if step.terms]
    assert {step.code for step in steps} == {"mv.cv_rmse", "mv.nmbe", "mv.avoided", "mv.fraction", "mv.uncertainty",
                                              "mv.prediction_interval"}
    for step in steps:
        assert evaluate(step.terms) == pytest.approx(step.value, rel=1e-12, abs=1e-12), step.code
    assert s.explanation.steps[1].terms[0]["unit"] == "kWh" and s.explanation.steps[1].unit == "kWh"
