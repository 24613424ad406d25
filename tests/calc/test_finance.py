"""calc.finance against hand-worked and published examples (each stated with its arithmetic).

Tolerances: 1e-9 relative for closed forms computed here in floating point (the same sums in another order);
the published figures are given to the digits they are printed with, and compared at half their last digit.
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loomlight.calc.finance import (CaseInputs, FinanceError, Loan, annuity, crf, evaluate, irr, loan_schedule,
                                    npv)


def pv_case(**changes):
    """The rooftop-PV MAC example of ../shared/reference/ghg-roi-biomass.md §4.4: 1 MWp, capex USD 550k, O&M 1 % of
    capex = 5.5k/yr, 1,300 MWh/yr at 0.085 USD/kWh = 110.5k/yr saved, 20 years at 10 %, 1,300 × 0.6592 = 857 t."""
    base = dict(capex=550_000.0, lifetime_years=20, discount_rate=0.10, savings_per_year=110_500.0,
                opex_change=5_500.0, tco2e_per_year=857.0, energy_per_year=1_300_000.0, energy_kind="generated")
    base.update(changes)
    return CaseInputs(**base)


# --- CRF, NPV, IRR, annuity ---------------------------------------------------------------------------------

def test_crf_10_percent_20_years_is_0_117460():
    # given r = 10 %, N = 20: 1.1^20 = 6.7274999493; 0.1 × 6.7274999493 / 5.7274999493 = 0.1174596248
    assert crf(0.10, 20) == pytest.approx(0.1 * 1.1**20 / (1.1**20 - 1), rel=1e-12)
    assert round(crf(0.10, 20), 6) == 0.117460


def test_crf_at_zero_rate_is_one_over_n():
    assert crf(0.0, 8) == 0.125


def test_npv_of_a_level_annuity_equals_the_closed_form():
    # given −1000 then 10 × 150 at 8 %: PV of the annuity = 150 × (1 − 1.08^−10)/0.08 = 150 × 6.710081 = 1006.512
    flows = [-1000.0] + [150.0] * 10
    closed = -1000 + 150 * (1 - 1.08**-10) / 0.08
    assert npv(0.08, flows) == pytest.approx(closed, rel=1e-12)
    assert round(closed, 3) == 6.512


def test_npv_at_zero_rate_is_the_plain_sum():
    assert npv(0.0, [-100, 30, 30, 30, 30]) == 20


def test_irr_of_minus_100_then_110_is_10_percent():
    # −100 + 110/(1+r) = 0 ⇒ r = 0.10
    assert irr([-100, 110]) == pytest.approx(0.10, abs=1e-12)


def test_irr_of_a_level_annuity_matches_the_textbook_table():
    # the present-value annuity factor at 10 % over 5 years is 3.7908 (textbook tables): 1000 / 3.7908 = 263.80,
    # so −1000 then 5 × 263.80 has an IRR of 10 % to the table's four digits
    rate = irr([-1000] + [263.80] * 5)
    assert rate == pytest.approx(0.10, abs=5e-5)
    assert npv(rate, [-1000] + [263.80] * 5) == pytest.approx(0, abs=1e-8)


def test_irr_is_none_when_the_flows_never_change_sign():
    assert irr([100, 10, 10]) is None
    assert irr([-100, -10]) is None


def test_irr_beyond_1000_percent_is_not_found():
    # −1 then +20: r = 20/1 − 1 = 1,900 %, beyond the scanned (−99 %, 1,000 %)
    assert irr([-1, 20]) is None
    result = evaluate(CaseInputs(capex=1.0, lifetime_years=1, discount_rate=0.1, savings_per_year=20.0))
    assert any(f.code == "finance.irr_not_found" and f.params == {"which": "project", "why": "no_root"}
               for f in result.flags)
    # and 900 % (−1 then +10) is found
    assert irr([-1, 10]) == pytest.approx(9.0, rel=1e-10)


def test_irr_of_a_negative_return():
    # −100 then +90: 90/(1+r) = 100 ⇒ r = −0.10
    assert irr([-100, 90]) == pytest.approx(-0.10, abs=1e-12)


def test_loan_annuity_100000_at_8_percent_over_5_years():
    # CRF(8 %, 5) = 0.08 × 1.4693281 / 0.4693281 = 0.2504565 ⇒ 25,045.65 a year
    assert round(annuity(100_000, 0.08, 5), 2) == 25_045.65


def test_loan_schedule_splits_interest_and_principal():
    # year 1: interest 100,000 × 8 % = 8,000.00, principal 25,045.65 − 8,000 = 17,045.65;
    # year 2: interest (100,000 − 17,045.65) × 8 % = 6,636.35; the principal repaid sums to 100,000
    rows = loan_schedule(100_000, 0.08, 5)
    assert round(rows[0][0], 2) == 8_000.00 and round(rows[0][1], 2) == 17_045.65
    assert round(rows[1][0], 2) == 6_636.35
    assert sum(p for _, p in rows) == pytest.approx(100_000, rel=1e-12)


# --- the rooftop-PV example ---------------------------------------------------------------------------------

def test_rooftop_pv_eac_and_mac_of_the_reference_example():
    # EAC = 550,000 × 0.1174596 + 5,500 − 110,500 = 64,602.79 − 105,000 = −40,397.21 USD/yr (the note's ≈ −40k);
    # MAC = −40,397.21 / 857 = −47.138 USD/t (the note's ≈ −47); simple payback 550,000 / 105,000 = 5.238 yr (≈ 5.2)
    result = evaluate(pv_case())
    assert result.crf == pytest.approx(0.11745962477254576, rel=1e-12)
    assert round(result.eac, 2) == -40_397.21
    assert round(result.abatement_cost_per_tco2e, 3) == -47.138
    assert round(result.simple_payback_years, 3) == 5.238
    # NPV = −550,000 + 105,000 × 8.513564 (annuity factor 10 %, 20 y) = 343,924.19
    assert round(result.npv, 2) == 343_924.19
    assert result.npv == result.npv_project
    # with g = 0 the EAC is −NPV × CRF: −343,924.19 × 0.1174596 = −40,397.21
    assert result.eac == pytest.approx(-result.npv_project * result.crf, rel=1e-12)
    # LCOE = (550,000 × 0.1174596 + 5,500) / 1,300,000 kWh = 70,102.79 / 1.3e6 = 0.053925 USD/kWh
    assert round(result.levelised_cost, 6) == 0.053925
    # tCO2e over the lifetime = 857 × 20
    assert result.tco2e_lifetime == 17_140
    codes = {f.code for f in result.flags}
    assert codes == {"finance.no_tax", "finance.constant_factor"}


def test_rooftop_pv_discounted_payback_interpolated():
    # cumulative discounted flow: −550,000 + 105,000 × a(10 %, t); a(10 %, 7) = 4.8684188 ⇒ −38,816.02 at year 7;
    # year 8 adds 105,000 / 1.1^8 = 48,983.27 ⇒ payback 7 + 38,816.02 / 48,983.27 = 7.7924 years
    result = evaluate(pv_case())
    assert round(result.discounted_payback_years, 4) == 7.7924
    assert round(result.flows[7].cumulative_discounted_project_flow, 2) == -38_816.02


def test_eac_with_escalation_is_minus_npv_project_without_grant_times_crf():
    # given escalation 3 % and a grant: EAC = capex × CRF + CRF × PV(opex) − CRF × PV(savings)
    # = −NPV_project(the same case without grant, no tax) × CRF, whatever g
    with_grant = evaluate(pv_case(escalation=0.03, grant=100_000.0))
    no_grant = evaluate(pv_case(escalation=0.03))
    assert with_grant.eac == pytest.approx(-no_grant.npv_project * no_grant.crf, rel=1e-12)
    assert "finance.eac_without_grant" in {f.code for f in with_grant.flags}
    # the grant lowers the factory's outlay: NPV higher by exactly the grant
    assert with_grant.npv_project - no_grant.npv_project == pytest.approx(100_000.0, rel=1e-9)


def test_escalation_grows_savings_from_the_second_year():
    result = evaluate(pv_case(escalation=0.05))
    assert result.flows[1].savings == 110_500.0
    assert result.flows[2].savings == pytest.approx(110_500.0 * 1.05, rel=1e-12)
    assert result.flows[3].opex_change == pytest.approx(5_500.0 * 1.05**2, rel=1e-12)


# --- loan, equity, taxes ----------------------------------------------------------------------------------

def test_cheap_debt_raises_the_equity_irr_above_the_project_irr():
    # project IRR of the PV case ≈ 18.4 %; 70 % of it borrowed at 5 % over 10 years levers the factory's return
    result = evaluate(pv_case(loan=Loan(share=0.7, rate=0.05, tenor_years=10)))
    assert result.irr_equity > result.irr > 0.05
    assert result.flows[0].equity_flow == pytest.approx(-550_000 * 0.3, rel=1e-12)
    # year 1: CRF(5 %, 10) = 0.05 × 1.6288946 / 0.6288946 = 0.1295046; 105,000 − 385,000 × 0.1295046
    # = 105,000 − 49,859.26 = 55,140.74
    assert round(annuity(385_000, 0.05, 10), 2) == 49_859.26
    assert round(result.flows[1].equity_flow, 2) == 55_140.74
    # after the tenor, the equity flow is the project flow again
    assert result.flows[11].equity_flow == result.flows[11].project_flow


def test_the_factorys_npv_with_a_loan_at_the_discount_rate_equals_the_project_npv():
    # borrowing at exactly the discount rate (no tax) neither adds nor removes value: the debt's PV is its principal
    result = evaluate(pv_case(loan=Loan(share=0.5, rate=0.10, tenor_years=8)))
    assert result.npv == pytest.approx(result.npv_project, rel=1e-10)


def test_simple_profit_tax_with_straight_line_depreciation():
    # tax 20 %: depreciation 550,000 / 20 = 27,500; tax = 0.2 × (105,000 − 27,500) = 15,500; F_t = 89,500
    result = evaluate(pv_case(tax_rate=0.2))
    assert result.flows[1].tax == pytest.approx(15_500.0, rel=1e-12)
    assert result.flows[1].project_flow == pytest.approx(89_500.0, rel=1e-12)
    assert "finance.no_tax" not in {f.code for f in result.flags}


def test_interest_tax_shield_in_the_equity_flow():
    # tax 20 %, loan 100 % of 550,000 at 8 % over 20 years: year-1 interest 44,000;
    # equity tax = 0.2 × (105,000 − 27,500 − 44,000) = 6,700; shield = 15,500 − 6,700 = 8,800
    result = evaluate(pv_case(tax_rate=0.2, loan=Loan(share=1.0, rate=0.08, tenor_years=20)))
    year1 = result.flows[1]
    assert year1.interest == pytest.approx(44_000.0, rel=1e-12)
    service = annuity(550_000, 0.08, 20)
    assert year1.equity_flow == pytest.approx(89_500.0 - service + 8_800.0, rel=1e-12)
    # nothing paid at year 0 by the factory, all positive after: no equity IRR, flagged
    assert result.irr_equity is None
    assert any(f.code == "finance.irr_not_found" and f.params["which"] == "equity" for f in result.flags)


# --- flags --------------------------------------------------------------------------------------------------

def test_no_payback_within_the_lifetime_is_flagged():
    # savings 20,000/yr for 5 years never repay 550,000 (simple payback 27.5 yr > 5)
    result = evaluate(pv_case(lifetime_years=5, savings_per_year=25_500.0))
    assert result.discounted_payback_years is None
    assert round(result.simple_payback_years, 1) == 27.5
    assert "finance.no_payback" in {f.code for f in result.flags}


def test_a_loss_every_year_has_no_simple_payback_and_no_irr():
    result = evaluate(pv_case(savings_per_year=5_000.0))
    assert result.simple_payback_years is None
    assert result.irr is None
    assert any(f.code == "finance.irr_not_found" and f.params == {"which": "project", "why": "no_sign_change"}
               for f in result.flags)


def test_nothing_abated_gives_no_abatement_cost():
    for tco2e, code in ((0.0, "finance.nothing_abated"), (-3.0, "finance.nothing_abated"),
                        (None, "finance.tco2e_not_computed")):
        result = evaluate(pv_case(tco2e_per_year=tco2e))
        assert result.abatement_cost_per_tco2e is None
        assert code in {f.code for f in result.flags}


def test_flows_changing_sign_twice_flag_several_irrs():
    # −100, +230, −132: NPV = 0 at 10 % and at 20 % (−100(1+r)^2 + 230(1+r) − 132 = 0 ⇒ 1+r = 1.1 or 1.2);
    # the root nearest 0 % is 10 %
    assert irr([-100, 230, -132]) == pytest.approx(0.10, abs=1e-10)
    # in a case: savings 200 falling 15 % a year, half of 1,000 borrowed at 10 % over 10 years (service
    # 500 × CRF(10 %, 10) = 500 × 0.1627454 = 81.37): E_0 = −500, E_1 = 200 − 81.37 > 0, E_7 = 200 × 0.85^6 − 81.37
    # = 75.43 − 81.37 < 0, E_11 = 200 × 0.85^10 = 39.37 > 0: three changes of sign in the equity flows
    result = evaluate(CaseInputs(capex=1_000.0, lifetime_years=15, discount_rate=0.08, savings_per_year=200.0,
                                 escalation=-0.15, loan=Loan(0.5, 0.10, 10)))
    equity = [f.equity_flow for f in result.flows]
    assert equity[0] == -500 and equity[1] > 0 and equity[7] < 0 and equity[11] > 0
    assert any(f.code == "finance.irr_multiple" and f.params == {"which": "equity"} for f in result.flags)
    assert npv(result.irr_equity, equity) == pytest.approx(0, abs=1e-8)
    # the project flows (all positive after the outlay) have one IRR, not flagged
    assert not any(f.code == "finance.irr_multiple" and f.params == {"which": "project"} for f in result.flags)


def test_every_metric_has_a_step_with_its_code():
    result = evaluate(pv_case(grant=50_000.0, loan=Loan(0.5, 0.06, 10)))
    codes = [s.code for s in result.explanation.steps]
    for code in ("finance.capex_net", "finance.crf", "finance.loan_annuity", "finance.npv", "finance.npv_project",
                 "finance.irr", "finance.irr_equity", "finance.simple_payback", "finance.discounted_payback",
                 "finance.benefit_cost_ratio", "finance.eac", "finance.abatement_cost", "finance.tco2e_lifetime",
                 "finance.levelised_cost"):
        assert code in codes
    by_code = {s.code: s for s in result.explanation.steps}
    assert by_code["finance.npv"].value == result.npv
    assert by_code["finance.abatement_cost"].value == result.abatement_cost_per_tco2e
    assert {f.code for f in result.explanation.inputs} >= {"finance.capex", "finance.grant", "finance.loan.rate"}


# --- bad input ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, field", [
    ({"capex": -1.0}, "capex"),
    ({"capex": math.nan}, "capex"),
    ({"capex": "100"}, "capex"),
    ({"lifetime_years": 0}, "lifetime_years"),
    ({"lifetime_years": 51}, "lifetime_years"),
    ({"lifetime_years": 20.0}, "lifetime_years"),
    ({"lifetime_years": True}, "lifetime_years"),
    ({"discount_rate": -1.0}, "discount_rate"),
    ({"discount_rate": math.inf}, "discount_rate"),
    ({"savings_per_year": math.nan}, "savings_per_year"),
    ({"opex_change": -math.inf}, "opex_change"),
    ({"escalation": -1.0}, "escalation"),
    ({"grant": 600_000.0}, "grant"),
    ({"grant": -1.0}, "grant"),
    ({"loan": Loan(1.2, 0.05, 10)}, "loan.share"),
    ({"loan": Loan(-0.1, 0.05, 10)}, "loan.share"),
    ({"loan": Loan(0.5, math.nan, 10)}, "loan.rate"),
    ({"loan": Loan(0.5, -0.01, 10)}, "loan.rate"),
    ({"loan": Loan(0.5, 0.05, 21)}, "loan.tenor_years"),
    ({"loan": Loan(0.5, 0.05, 0)}, "loan.tenor_years"),
    ({"loan": Loan(0.5, 0.05, 5.5)}, "loan.tenor_years"),
    ({"tax_rate": -0.1}, "tax_rate"),
    ({"tax_rate": 1.0}, "tax_rate"),
    ({"tco2e_per_year": math.nan}, "tco2e_per_year"),
    ({"energy_per_year": -5.0}, "energy_per_year"),
    ({"energy_kind": "stored"}, "energy_kind"),
    ({"currency": ""}, "currency"),
])
def test_a_bad_input_is_refused_naming_its_field(changes, field):
    with pytest.raises(FinanceError) as refused:
        evaluate(pv_case(**changes))
    assert refused.value.field == field
    assert str(refused.value).startswith(f"{field}: ")


# --- properties ---------------------------------------------------------------------------------------------

conventional = st.tuples(st.floats(1.0, 1e7), st.lists(st.floats(0.01, 1e6), min_size=1, max_size=30))


@settings(max_examples=200, deadline=None)
@given(conventional, st.floats(-0.5, 2.0), st.floats(0.001, 0.5))
def test_npv_decreases_with_the_discount_rate_for_a_conventional_project(case, rate, step):
    # one outlay then positive flows: every later flow's PV falls as r rises
    outlay, inflows = case
    flows = [-outlay] + inflows
    assert npv(rate + step, flows) < npv(rate, flows)


@settings(max_examples=200, deadline=None)
@given(conventional)
def test_npv_at_the_irr_is_zero(case):
    outlay, inflows = case
    flows = [-outlay] + inflows
    rate = irr(flows)
    scale = outlay + sum(inflows)
    if rate is None:
        # none found only when NPV keeps its sign across the scanned range: NPV(10) is still positive (a return
        # above 1,000 %) or NPV just above −99 % is still negative
        assert npv(10.0, flows) > 0 or npv(-0.99, flows) < 0
    else:
        assert abs(npv(rate, flows)) <= 1e-9 * scale


def test_too_large_amounts_and_escalation_are_refused():
    for changes, field in (({"capex": 1e16}, "capex"), ({"escalation": 1.5}, "escalation"),
                           ({"discount_rate": -0.9999999}, "discount_rate")):
        with pytest.raises(FinanceError) as refused:
            evaluate(pv_case(lifetime_years=50, **changes))
        assert refused.value.field == field


amount = st.floats(-1e9, 1e9)


@settings(max_examples=300, deadline=None)
@given(capex=st.floats(0, 1e9), lifetime=st.integers(1, 50), rate=st.floats(-0.99, 5), savings=amount, opex=amount,
       growth=st.floats(-0.99, 1), grant_share=st.floats(0, 1), loan=st.none() | st.tuples(st.floats(0, 1),
       st.floats(0, 1), st.integers(1, 50)), tax=st.floats(0, 0.99), tco2e=st.none() | amount)
def test_any_valid_case_gives_finite_figures_or_gaps(capex, lifetime, rate, savings, opex, growth, grant_share, loan,
                                                      tax, tco2e):
    # given any case inside the domain validate accepts: every figure is a finite number or None, never NaN
    loan = Loan(loan[0], loan[1], min(loan[2], lifetime)) if loan else None
    result = evaluate(CaseInputs(capex=capex, lifetime_years=lifetime, discount_rate=rate, savings_per_year=savings,
                                 opex_change=opex, escalation=growth, grant=capex * grant_share, loan=loan,
                                 tax_rate=tax, tco2e_per_year=tco2e))
    for value in (result.npv, result.npv_project, result.irr, result.irr_equity, result.simple_payback_years,
                  result.discounted_payback_years, result.benefit_cost_ratio, result.crf, result.eac,
                  result.abatement_cost_per_tco2e):
        assert value is None or math.isfinite(value)
