"""Abatement-cost curves and the sequence of a facility's measures: calc.macc."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from loomlight.calc.macc import ORDER, Item, MaccError, Step, curve, eac_many, sequence


def scalar_eac(capex, opex, savings, years, r, g):
    """calc.finance's docstring, year by year: capex × CRF + CRF × Σ_t (O − S)(1+g)^(t−1)/(1+r)^t."""
    crf = 1 / years if r == 0 else r * (1 + r) ** years / ((1 + r) ** years - 1)
    pv = sum((opex - savings) * (1 + g) ** (t - 1) / (1 + r) ** t for t in range(1, years + 1))
    return capex * crf + crf * pv


class TestEacMany:
    def test_the_reference_solar_example(self):
        # ghg-roi-biomass.md §4.4: 1 MWp PV, capex 550,000, O&M 5,500/yr, savings 1,300 MWh × 0.085 = 110,500/yr,
        # 20 years at 10 %: CRF = 0.1 × 1.1^20 / (1.1^20 − 1) = 0.67275 / 5.72750 = 0.117460,
        # EAC = 550,000 × 0.117460 + 5,500 − 110,500 = 64,602.8 − 105,000 = −40,397.2 (the note's "≈ −40k");
        # MAC = −40,397.2 / 857 t = −47.1 USD/t (the note's "≈ −47")
        eac = eac_many(550_000, 5_500, 110_500, 20, 0.10)
        assert float(eac) == pytest.approx(-40_397.2, abs=0.1)
        assert float(eac) / 857 == pytest.approx(-47.1, abs=0.05)

    def test_escalation_by_hand(self):
        # capex 1,000, 2 years, r = 10 %, savings 100 growing 5 %: CRF = 0.1 × 1.21 / 0.21 = 0.576190;
        # PV(S) = 100/1.1 + 105/1.21 = 90.9091 + 86.7769 = 177.6860; EAC = 576.1905 − 0.576190 × 177.6860
        # = 576.1905 − 102.3810 = 473.8095
        assert float(eac_many(1000, 0, 100, 2, 0.10, 0.05)) == pytest.approx(473.8095, abs=1e-4)

    def test_zero_rate_and_rate_equal_to_escalation(self):
        # r = 0: CRF = 1/N, EAC = 1,000/4 + 10 − 60 = 200
        assert float(eac_many(1000, 10, 60, 4, 0.0)) == pytest.approx(200.0, abs=1e-12)
        # r = g = 5 %, 3 years: PV = 3 × X / 1.05
        assert float(eac_many(0, 0, 105, 3, 0.05, 0.05)) == pytest.approx(
            -(0.05 * 1.05 ** 3 / (1.05 ** 3 - 1)) * 300, rel=1e-12)

    def test_agrees_with_the_scalar_formula_on_many_cases(self):
        rng = np.random.default_rng(5)
        n = 500
        capex = rng.uniform(0, 1e6, n)
        opex = rng.uniform(-1e4, 1e4, n)
        savings = rng.uniform(0, 3e5, n)
        years = rng.integers(1, 31, n)
        rate = rng.choice([0.0, 0.03, 0.08, 0.12], n)
        growth = rng.choice([0.0, 0.02, 0.03, 0.08], n)
        got = eac_many(capex, opex, savings, years, rate, growth)
        want = [scalar_eac(*args) for args in zip(capex, opex, savings, years.tolist(), rate, growth)]
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-6)

    def test_without_escalation_it_is_capex_crf_plus_opex_minus_savings(self):
        crf = 0.08 * 1.08 ** 12 / (1.08 ** 12 - 1)
        assert float(eac_many(2e5, 3e3, 4e4, 12, 0.08)) == pytest.approx(2e5 * crf + 3e3 - 4e4, rel=1e-12)

    @pytest.mark.parametrize("args, field", [
        ((1000, 0, 100, 0, 0.1), "lifetime_years"),
        ((1000, 0, 100, 2.5, 0.1), "lifetime_years"),
        ((1000, 0, 100, 10, -1.0), "discount_rate"),
        ((float("nan"), 0, 100, 10, 0.1), "eac"),
    ])
    def test_bad_input_names_the_field(self, args, field):
        with pytest.raises(MaccError) as caught:
            eac_many(*args)
        assert caught.value.field == field


class TestCurve:
    items = [
        Item("c", "Solar", "renewable", 800.0, 16_000.0),          # 20 /t
        Item("a", "Steam traps", "efficiency", 100.0, -5_000.0),    # −50 /t
        Item("b", "VSD", "efficiency", 300.0, -3_000.0),            # −10 /t
        Item("d", "Biomass", "fuel_switch", 200.0, 4_000.0),        # 20 /t, ties with c: by key
        Item("e", "Not computed", "efficiency", None, -1_000.0),
        Item("f", "Nothing abated", "water", 0.0, -2_000.0),
        Item("g", "Adds emissions", "water", -5.0, 100.0),
    ]

    def test_bars_sorted_by_cost_with_cumulative_widths(self):
        c = curve(self.items)
        assert [b.key for b in c.bars] == ["a", "b", "c", "d"]
        assert [b.cost_per_tco2e for b in c.bars] == [-50.0, -10.0, 20.0, 20.0]
        assert [(b.x_from, b.x_to) for b in c.bars] == [(0, 100), (100, 400), (400, 1200), (1200, 1400)]
        assert [b.no_regret for b in c.bars] == [True, True, False, False]
        assert [b.count for b in c.bars] == [1, 1, 1, 1]
        assert c.total_tco2e_per_year == 1400.0
        assert c.no_regret_tco2e_per_year == 400.0
        assert c.no_regret_share == pytest.approx(400 / 1400)
        assert [i.key for i in c.left_out] == ["e", "f", "g"]

    def test_the_order_of_the_input_does_not_matter(self):
        assert curve(list(reversed(self.items))) == curve(self.items)

    def test_nothing_abated(self):
        c = curve(self.items[4:])
        assert c.bars == () and c.total_tco2e_per_year == 0 and c.no_regret_share is None
        assert len(c.left_out) == 3
        assert curve([]).no_regret_share is None

    def test_grouped_by_intervention(self):
        # two facilities' steam traps (100 t at −5,000 and 50 t at 1,000) make one bar: height (−5,000 + 1,000)
        # / 150 = −26.67 /t, width 150, 2 cases; a case without a group is its own bar
        items = [Item("f1-st", "Steam traps", "efficiency", 100.0, -5_000.0, "f1", "steam_traps"),
                 Item("f2-st", "Steam traps", "efficiency", 50.0, 1_000.0, "f2", "steam_traps"),
                 Item("f1-pv", "Solar", "renewable", 400.0, 8_000.0, "f1", "solar"),
                 Item("f2-pv", "Solar", "renewable", 100.0, 0.0, "f2", "solar"),
                 Item("x", "Odd one", "water", 10.0, 0.0, "f3", ""),
                 Item("f3-st", "Steam traps", "efficiency", None, 0.0, "f3", "steam_traps")]
        c = curve(items, group=True)
        assert [(b.key, b.count, b.tco2e_per_year) for b in c.bars] == [
            ("steam_traps", 2, 150.0), ("x", 1, 10.0), ("solar", 2, 500.0)]
        assert c.bars[0].cost_per_tco2e == pytest.approx(-4000 / 150)
        assert c.bars[2].cost_per_tco2e == pytest.approx(16.0)
        assert (c.bars[2].x_from, c.bars[2].x_to) == (160.0, 660.0)
        assert c.bars[0].label == "Steam traps" and c.bars[0].category == "efficiency"
        assert [i.key for i in c.left_out] == ["f3-st"]
        assert c.no_regret_tco2e_per_year == 150.0

    def test_mixed_categories_in_a_group(self):
        items = [Item("1", "A", "efficiency", 1.0, 1.0, group="g"), Item("2", "A", "water", 1.0, 1.0, group="g")]
        assert curve(items, group=True).bars[0].category == "mixed"

    def test_an_eac_that_is_not_a_number(self):
        with pytest.raises(MaccError) as caught:
            curve([Item("a", "A", "efficiency", 1.0, float("nan"))])
        assert caught.value.field == "eac" and "a" in str(caught.value)


def step(key, category, saves, adds=None):
    return Step(key, category, saves, adds or {})


class TestSequence:
    def test_two_efficiency_measures_are_not_added(self):
        # 10 % then 20 % of 1,000,000 kWh: 100,000, then 20 % of the 900,000 left = 180,000 (not 300,000)
        out = sequence({"electricity_kwh": 1_000_000.0},
                       [step("vsd", "efficiency", {"electricity_kwh": 0.10}),
                        step("motors", "efficiency", {"electricity_kwh": 0.20})])
        assert out == [{"electricity_kwh": pytest.approx(100_000.0)}, {"electricity_kwh": pytest.approx(180_000.0)}]

    def test_solar_runs_on_the_reduced_load_whatever_the_input_order(self):
        # solar covering 30 % of the load after a 20 % efficiency measure: 0.3 × 800,000 = 240,000 kWh
        steps = [step("pv", "renewable", {"electricity_kwh": 0.30}),
                 step("lighting", "efficiency", {"electricity_kwh": 0.20})]
        out = sequence({"electricity_kwh": 1_000_000.0}, steps)
        assert out[0] == {"electricity_kwh": pytest.approx(240_000.0)}
        assert out[1] == {"electricity_kwh": pytest.approx(200_000.0)}
        again = sequence({"electricity_kwh": 1_000_000.0}, list(reversed(steps)))
        assert again == list(reversed(out))

    def test_a_fuel_switch_adds_the_other_fuel(self):
        # economiser saves 5 % of 10,000 GJ of coal (500 GJ), then 100 % of the 9,500 GJ left switches to rice
        # husk at 1.1 GJ husk per GJ coal (10,450 GJ added); a later efficiency-category ordering is respected
        # although the switch comes first in the input
        out = sequence({"coal_gj": 10_000.0},
                       [step("husk", "fuel_switch", {"coal_gj": 1.0}, {"husk_gj": 1.1}),
                        step("economiser", "efficiency", {"coal_gj": 0.05})])
        assert out[1] == {"coal_gj": pytest.approx(500.0)}
        assert out[0] == {"coal_gj": pytest.approx(9_500.0), "husk_gj": pytest.approx(-10_450.0)}

    def test_other_categories_come_after_in_their_given_order(self):
        out = sequence({"water_m3": 1000.0}, [step("rain", "water", {"water_m3": 0.5}),
                                              step("reuse", "water", {"water_m3": 0.5}),
                                              step("pv", "renewable", {})])
        assert out == [{"water_m3": 500.0}, {"water_m3": 250.0}, {}]
        assert ORDER == ("efficiency", "fuel_switch", "renewable")

    @pytest.mark.parametrize("baseline, steps, field", [
        ({"e": -1.0}, [], "baseline.e"),
        ({"e": 1.0}, [step("s", "efficiency", {"e": 1.5})], "s.saves.e"),
        ({"e": 1.0}, [step("s", "efficiency", {"e": -0.1})], "s.saves.e"),
        ({"e": 1.0}, [step("s", "efficiency", {"x": 0.1})], "s.saves.x"),
        ({"e": 1.0}, [step("s", "fuel_switch", {"e": 0.1}, {"b": -1.0})], "s.adds.b"),
        ({"e": "lots"}, [], "baseline.e"),
        ({"e": 1.0}, [step("s", "efficiency", {"e": None})], "s.saves.e"),
    ])
    def test_bad_input_names_the_field(self, baseline, steps, field):
        with pytest.raises(MaccError) as caught:
            sequence(baseline, steps)
        assert caught.value.field == field
        assert str(caught.value).startswith(field + ": ")

    @settings(max_examples=200, deadline=None)
    @given(quantities=st.dictionaries(st.sampled_from(["kwh", "coal", "water"]),
                                      st.floats(0, 1e9, allow_nan=False), min_size=3, max_size=3),
           plan=st.lists(st.tuples(st.sampled_from(["efficiency", "fuel_switch", "renewable", "water", "waste"]),
                                   st.dictionaries(st.sampled_from(["kwh", "coal", "water"]),
                                                   st.floats(0, 1, allow_nan=False), max_size=3)),
                         max_size=8))
    def test_nothing_is_double_counted(self, quantities, plan):
        # property: without fuel switches adding a metric, Σ saved ≤ baseline for every metric, every step saves
        # ≥ 0, and the result does not depend on the order of steps across categories
        steps = [step(f"s{i}", category, saves) for i, (category, saves) in enumerate(plan)]
        out = sequence(quantities, steps)
        for metric, baseline in quantities.items():
            saved = [o.get(metric, 0.0) for o in out]
            assert all(s >= 0 for s in saved)
            assert sum(saved) <= baseline * (1 + 1e-12)
        by_category = sorted(steps, key=lambda s: ORDER.index(s.category) if s.category in ORDER else 3)
        reordered = sequence(quantities, by_category)
        assert {s.key: o for s, o in zip(by_category, reordered)} == {s.key: o for s, o in zip(steps, out)}


class TestEacManyAgreesWithFinance:
    @settings(max_examples=100, deadline=None)
    @example(capex=0.0, opex=0.0, savings=84.0, years=12, rate=1e-09, growth=0.0)   # a rate near 0 (was 1.2e-8 off)
    @example(capex=1000.0, opex=0.0, savings=84.0, years=12, rate=0.05, growth=0.05 + 1e-10)   # r near g
    @given(capex=st.floats(0, 1e7), opex=st.floats(-1e5, 1e5), savings=st.floats(0, 1e6),
           years=st.integers(1, 40), rate=st.floats(0, 0.3), growth=st.floats(-0.05, 0.1))
    def test_the_vectorised_eac_is_calc_finance_eac(self, capex, opex, savings, years, rate, growth):
        # given a case; when the programme curve's vectorised EAC and calc.finance.evaluate compute it; then they
        # agree (one formula in two places: the curve must never disagree with the case page)
        from loomlight.calc.finance import CaseInputs, evaluate

        result = evaluate(CaseInputs(capex=capex, lifetime_years=years, discount_rate=rate, savings_per_year=savings,
                                     opex_change=opex, escalation=growth))
        fast = float(eac_many(capex, opex, savings, years, rate, growth))
        assert fast == pytest.approx(result.eac, rel=1e-9, abs=1e-6)
