"""calc.uncertainty: Monte Carlo and tornado of a business case, against calc.finance and hand-worked cases."""

import numpy as np
import pytest

from loomlight.calc import finance
from loomlight.calc.finance import CaseInputs, Loan
from loomlight.calc.uncertainty import (Line, LogNormal, Normal, Triangular, Uniform, draw_inputs, monte_carlo,
                                        npv_of_draws, tornado)


def pv_case(**changes):
    """The rooftop-PV example of ../shared/reference/ghg-roi-biomass.md §4.4 (NPV 343,924.19 at 10 %, 20 y)."""
    base = dict(capex=550_000.0, lifetime_years=20, discount_rate=0.10, savings_per_year=110_500.0,
                opex_change=5_500.0, tco2e_per_year=857.0)
    base.update(changes)
    return CaseInputs(**base)


FULL = dict(grant=50_000.0, loan=Loan(0.6, 0.06, 8), tax_rate=0.2, escalation=0.02)


def test_the_same_seed_gives_the_same_result_and_another_seed_another():
    ranges = {"capex": Uniform(450_000, 650_000), "discount_rate": Normal(0.10, 0.02)}
    first = monte_carlo(pv_case(), ranges=ranges, draws=2_000, seed=7)
    again = monte_carlo(pv_case(), ranges=ranges, draws=2_000, seed=7)
    other = monte_carlo(pv_case(), ranges=ranges, draws=2_000, seed=8)
    assert first == again
    assert other.npv_p50 != first.npv_p50
    assert first.inputs == ("capex", "discount_rate") and first.seed == 7 and first.draws == 2_000


def test_one_stream_per_input_so_adding_an_input_keeps_the_earlier_draws():
    one = draw_inputs(pv_case(), ranges={"capex": Uniform(500_000, 600_000)}, draws=100, seed=3)
    two = draw_inputs(pv_case(), ranges={"capex": Uniform(500_000, 600_000), "opex_change": (4_000, 7_000)},
                      draws=100, seed=3)
    assert np.array_equal(one["capex"], two["capex"])


def test_a_degenerate_range_gives_exactly_the_deterministic_npv_for_every_draw():
    # given low = high for every drawn input (loan, tax, grant and escalation in the case)
    case = pv_case(**FULL)
    expected = finance.evaluate(case).npv
    ranges = {"capex": Uniform(550_000, 550_000), "savings_per_year": Triangular(110_500, 110_500, 110_500),
              "discount_rate": Normal(0.10, 0.0), "lifetime_years": Uniform(20, 20), "loan.rate": (0.06, 0.06),
              "tax_rate": (0.2, 0.2), "escalation": (0.02, 0.02), "grant": (50_000, 50_000)}
    values = draw_inputs(case, ranges=ranges, draws=500, seed=1)
    npvs = npv_of_draws(case, values=values)
    assert npvs == pytest.approx(np.full(500, expected), rel=1e-12)
    result = monte_carlo(case, ranges=ranges, draws=500, seed=1)
    assert result.npv_p10 == pytest.approx(expected, rel=1e-12)
    assert result.npv_p90 == pytest.approx(expected, rel=1e-12)
    assert sum(count for _, _, count in result.histogram) == 500 and len(result.histogram) == 20


def test_every_draw_equals_finance_evaluate_of_the_drawn_case():
    # the vectorised NPV against the per-case one, with a loan, taxes, a grant and a drawn whole-year lifetime
    case = pv_case(**FULL)
    ranges = {"capex": Uniform(300_000, 700_000), "savings_per_year": Uniform(40_000, 160_000),
              "discount_rate": Uniform(0.0, 0.2), "lifetime_years": Uniform(8, 30), "loan.rate": Uniform(0, 0.12),
              "tax_rate": Uniform(0, 0.3), "escalation": Normal(0.02, 0.01), "opex_change": LogNormal(5_500, 1.5)}
    values = draw_inputs(case, ranges=ranges, draws=200, seed=11)
    npvs = npv_of_draws(case, values=values)
    for i in range(200):
        drawn = {k: float(v[i]) for k, v in values.items() if k not in ("loan.rate", "lifetime_years")}
        drawn["lifetime_years"] = int(round(values["lifetime_years"][i]))
        drawn["loan"] = Loan(0.6, float(values["loan.rate"][i]), 8)
        expected = finance.evaluate(CaseInputs(**{**case.__dict__, **drawn})).npv
        assert npvs[i] == pytest.approx(expected, rel=1e-9, abs=1e-6)
    assert set(np.unique(np.rint(values["lifetime_years"]))) <= set(range(8, 31))


def test_p50_is_near_the_deterministic_npv_for_symmetric_ranges():
    # given capex and savings drawn uniformly ±10 % around the case, no tax and no loan: NPV = −capex + 8.513564 ×
    # (S − 5,500) is linear in them, so its median is the NPV at their centres (343,924.19). The sample median of
    # 10,000 draws has a standard error ≈ 1/(2 f(m) √n): the NPV's spread here is about ±100k (a sum of two
    # uniforms of half-widths 55,000 and 94,070), f(m) ≈ 1/150,000 ⇒ ≈ 750 USD; the band 3,500 USD is over 4 of them
    result = monte_carlo(pv_case(), ranges={"capex": Uniform(495_000, 605_000),
                                            "savings_per_year": Uniform(99_450, 121_550)}, draws=10_000, seed=2026)
    assert abs(result.npv_p50 - 343_924.19) < 3_500
    assert result.npv_p10 < result.npv_p50 < result.npv_p90
    assert abs(result.npv_mean - 343_924.19) < 3_500


def test_probability_of_a_positive_npv_is_one_when_every_corner_is_positive():
    # the worst corner: capex 600,000, savings 100,000 (−5,500 opex) at 12 %: 94,500 × 7.4694444 − 600,000
    # ≈ +105,862 > 0; NPV is monotone in each input, so every draw inside the box is positive
    result = monte_carlo(pv_case(), ranges={"capex": Uniform(500_000, 600_000),
                                            "savings_per_year": Uniform(100_000, 120_000),
                                            "discount_rate": Uniform(0.08, 0.12)}, draws=5_000, seed=5)
    assert result.probability_npv_positive == 1.0
    worst = finance.evaluate(pv_case(capex=600_000.0, savings_per_year=100_000.0, discount_rate=0.12)).npv
    assert round(worst) == 105_862
    assert result.npv_p10 > worst


def test_saving_lines_are_drawn_by_quantity_and_price():
    # given 1,300,000 kWh × 0.085 USD/kWh = 110,500 and a line of 2,000 USD in money; the price drawn at exactly
    # 0.1 gives S = 130,000 + 2,000 = 132,000
    lines = (Line(quantity=1_300_000, price=0.085), Line(money=2_000.0))
    case = pv_case(savings_per_year=112_500.0)
    result = monte_carlo(case, lines=lines, ranges={"savings.0.price": (0.1, 0.1)}, draws=10, seed=0)
    assert result.npv_p50 == pytest.approx(finance.evaluate(pv_case(savings_per_year=132_000.0)).npv, rel=1e-12)


def test_tornado_order_on_a_hand_worked_case():
    # given capex 1,000, savings 300, opex 50, r = 0, 10 years: NPV = −1,000 + 10 × 250 = 1,500; at ± 20 %:
    # savings 240..360 ⇒ NPV 900..2,100 (swing 1,200); lifetime 8..12 ⇒ 1,000..2,000 (1,000);
    # capex 800..1,200 ⇒ 1,700..1,300 (400); opex 40..60 ⇒ 1,600..1,400 (200); the rate 0 ± 20 % stays 0 (0)
    case = CaseInputs(capex=1_000.0, lifetime_years=10, discount_rate=0.0, savings_per_year=300.0, opex_change=50.0)
    bars = tornado(case)
    assert [b.input for b in bars] == ["savings_per_year", "lifetime_years", "capex", "opex_change", "discount_rate"]
    assert [b.swing for b in bars] == pytest.approx([1_200, 1_000, 400, 200, 0], abs=1e-9)
    savings = bars[0]
    assert (savings.low, savings.high, savings.npv_low, savings.npv_high) == pytest.approx((240, 360, 900, 2_100))
    assert (bars[1].low, bars[1].high) == (8, 12)


def test_tornado_takes_a_range_bounds_and_adds_ranged_inputs():
    # the capex at its range 900..1,400 ⇒ NPV 1,600..1,100 (swing 500); tax_rate is added at 0..0.5
    case = CaseInputs(capex=1_000.0, lifetime_years=10, discount_rate=0.0, savings_per_year=300.0, opex_change=50.0)
    bars = {b.input: b for b in tornado(case, ranges={"capex": Uniform(900, 1_400), "tax_rate": Uniform(0, 0.5)})}
    assert (bars["capex"].npv_low, bars["capex"].npv_high) == pytest.approx((1_600, 1_100))
    # tax 50 % of (250 − depreciation 100) = 75 a year ⇒ NPV 1,500 − 750 = 750
    assert bars["tax_rate"].npv_high == pytest.approx(750)


@pytest.mark.parametrize("ranges, kwargs, named", [
    ({"capexx": Uniform(1, 2)}, {}, "capexx"),
    ({"savings.3.price": Uniform(1, 2)}, {}, "savings.3.price"),
    ({"savings.x.price": Uniform(1, 2)}, {}, "savings.x.price"),
    ({"capex": Uniform(2, 1)}, {}, "capex"),
    ({"capex": Triangular(1, 3, 2)}, {}, "capex"),
    ({"capex": Normal(1, -1)}, {}, "capex"),
    ({"capex": LogNormal(1, 1.0)}, {}, "capex"),
    ({"capex": LogNormal(0, 2.0)}, {}, "capex"),
    ({"capex": Uniform(float("nan"), 2)}, {}, "capex"),
    ({"capex": "wide"}, {}, "capex"),
    ({"capex": Uniform(-10, 2)}, {}, "capex"),
    ({"discount_rate": Uniform(-1.5, 0.1)}, {}, "discount_rate"),
    ({"loan.rate": Uniform(0.01, 0.02)}, {}, "loan.rate"),
    ({"capex": Uniform(1, 2)}, {"draws": 0}, "draws"),
    ({"capex": Uniform(1, 2)}, {"draws": 1_000_001}, "draws"),
    ({"capex": Uniform(1, 2)}, {"seed": -1}, "seed"),
])
def test_a_bad_range_is_refused_naming_the_input(ranges, kwargs, named):
    with pytest.raises(ValueError) as refused:
        monte_carlo(pv_case(), ranges=ranges, **kwargs)
    assert str(refused.value).startswith(f"{named}: ")


def test_lifetime_below_the_loan_tenor_is_refused():
    with pytest.raises(ValueError, match="^lifetime_years: "):
        monte_carlo(pv_case(loan=Loan(0.5, 0.05, 10)), ranges={"lifetime_years": Uniform(5, 20)}, draws=100)
