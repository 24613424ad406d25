"""GHG accounting, hand-computed from the cited factors.

Factors used here (kg per TJ, NCV basis): IPCC 2006 Guidelines Vol 2 Ch 1 Table 1.4 (CO2)
and Ch 2 Table 2.3, manufacturing industries and construction (CH4, N2O):
other bituminous coal CO2 94,600, CH4 10, N2O 1.5; other primary solid biomass CO2 100,000
(biogenic), CH4 30, N2O 4. GWP AR5 (IPCC AR5 WG1 Table 8.7, without climate-carbon
feedback): CH4 28, N2O 265; AR4 (WG1 Table 2.14): CH4 25, N2O 298.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loomlight.calc.ghg import EmissionFactor, Factor, GhgError, Instrument, combustion, scope2

IPCC = "IPCC 2006 Vol 2"
COAL = {"CO2": EmissionFactor(94_600, IPCC), "CH4": EmissionFactor(10, IPCC), "N2O": EmissionFactor(1.5, IPCC)}
RICE_HUSK = {"CO2": EmissionFactor(100_000, IPCC, biogenic=True), "CH4": EmissionFactor(30, IPCC), "N2O": EmissionFactor(4, IPCC)}
AR5 = {"CO2": 1, "CH4": 28, "N2O": 265}
AR4 = {"CO2": 1, "CH4": 25, "N2O": 298}
AR6 = {"CO2": 1, "CH4": 27.9, "CH4_fossil": 29.8, "CH4_nonfossil": 27.0, "N2O": 273}


def test_one_tonne_of_bituminous_coal():
    # 1 t x 25.8 GJ/t (Table 1.2) = 25.8 GJ
    # CO2 25.8 GJ x 94,600 kg/TJ = 2,440.68 kg; CH4 25.8 x 10 = 0.258 kg; N2O 25.8 x 1.5 = 0.0387 kg
    # AR5: 2,440.68 + 0.258 x 28 (7.224) + 0.0387 x 265 (10.2555) = 2,458.1595 kg CO2e
    r = combustion(25.8, COAL, gwp=AR5, gwp_set="AR5", fuel="coal_bituminous")
    assert r.gas_t["CO2"] == pytest.approx(2.44068)
    assert r.gas_t["CH4"] == pytest.approx(0.000258)
    assert r.gas_t["N2O"] == pytest.approx(0.0000387)
    assert r.scope1_tco2e == pytest.approx(2.4581595)
    assert r.biogenic_co2_t == 0


def test_rice_husk_co2_is_biogenic_its_ch4_and_n2o_count_in_scope_1():
    # 1 t x 11.6 GJ/t = 11.6 GJ: CO2 11.6 x 100,000 = 1,160 kg (biogenic, outside the scopes)
    # CH4 11.6 x 30 = 0.348 kg x 28 = 9.744; N2O 11.6 x 4 = 0.0464 kg x 265 = 12.296: 22.04 kg CO2e
    r = combustion(11.6, RICE_HUSK, gwp=AR5, gwp_set="AR5", fuel="biomass_rice_husk")
    assert r.biogenic_co2_t == pytest.approx(1.16)
    assert r.gas_t["CO2"] == 0
    assert r.scope1_tco2e == pytest.approx(0.02204)


def test_gwp_set_changes_only_the_non_co2_gases():
    # AR4: 2,440.68 + 0.258 x 25 (6.45) + 0.0387 x 298 (11.5326) = 2,458.6626 kg
    assert combustion(25.8, COAL, gwp=AR4, gwp_set="AR4").scope1_tco2e == pytest.approx(2.4586626)


def test_ar6_uses_fossil_methane_for_fossil_fuels_and_non_fossil_for_biomass():
    coal = combustion(25.8, COAL, gwp=AR6, gwp_set="AR6")
    husk = combustion(11.6, RICE_HUSK, gwp=AR6, gwp_set="AR6")
    # coal: 0.258 kg CH4 x 29.8 = 7.6884 kg; husk: 0.348 kg x 27.0 = 9.396 kg
    assert [f.value for f in coal.explanation.factors if f.name == "GWP of CH4_fossil"] == [29.8]
    assert [f.value for f in husk.explanation.factors if f.name == "GWP of CH4_nonfossil"] == [27.0]
    assert coal.scope1_tco2e == pytest.approx(2.44068 + 0.0076884 + 0.0000387 * 273)
    assert husk.scope1_tco2e == pytest.approx(0.009396 + 0.0000464 * 273)


def test_explanation_names_inputs_factors_with_sources_and_the_arithmetic():
    r = combustion(25.8, COAL, gwp=AR5, gwp_set="AR5", gwp_source="IPCC AR5 WG1 Table 8.7", fuel="coal_bituminous")
    e = r.explanation
    assert e.gwp_set == "AR5" and e.inputs[0].value == 25.8
    assert {f.name: f.source for f in e.factors}["CO2 emission factor of coal_bituminous"] == IPCC
    assert {f.name: f.source for f in e.factors}["GWP of CH4"] == "IPCC AR5 WG1 Table 8.7"
    assert e.steps[-1].value == pytest.approx(r.scope1_tco2e)
    assert "25.8 GJ x 94600 kg/TJ" in e.steps[0].formula
    assert e.as_dict()["steps"][0]["unit"] == "t"


def test_a_missing_factor_is_flagged_not_guessed():
    r = combustion(10, {"CO2": EmissionFactor(74_100, IPCC)}, gwp=AR5, gwp_set="AR5", fuel="diesel")
    assert r.gas_t["CH4"] == 0 and any("no CH4 factor" in f for f in r.explanation.flags)


@pytest.mark.parametrize("energy", [-1, float("nan"), None])
def test_bad_energy_is_refused(energy):
    with pytest.raises(GhgError):
        combustion(energy, COAL, gwp=AR5, gwp_set="AR5")


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_doubling_activity_doubles_emissions_and_zero_adds_nothing(gj):
    one = combustion(gj, COAL, gwp=AR5, gwp_set="AR5")
    two = combustion(2 * gj, COAL, gwp=AR5, gwp_set="AR5")
    assert two.scope1_tco2e == pytest.approx(2 * one.scope1_tco2e, rel=1e-12, abs=1e-12)
    assert combustion(0, COAL, gwp=AR5, gwp_set="AR5").scope1_tco2e == 0


GRID = Factor("grid factor, VN (example)", 0.6, "t CO2e/MWh", "test value")


def test_scope2_location_and_market_based():
    # 1,000,000 kWh = 1,000 MWh x 0.6 = 600 t location-based
    # market: 300 MWh of I-RECs at 0, 700 MWh at the grid factor (no residual mix) = 420 t, flagged
    r = scope2(1_000_000, grid=GRID, instruments=(Instrument("I-REC", 300),))
    assert r.location_tco2e == pytest.approx(600)
    assert r.market_tco2e == pytest.approx(420)
    assert any("no residual mix" in f for f in r.explanation.flags)


def test_scope2_residual_mix_and_instruments_beyond_consumption():
    residual = Factor("residual mix", 0.7, "t CO2e/MWh", "test value")
    # 100 MWh bought; 150 MWh of PPA: 100 covered at 0, 50 cover nothing: market 0 t; location 60 t
    r = scope2(100_000, grid=GRID, instruments=(Instrument("PPA", 150),), residual_mix=residual)
    assert (r.location_tco2e, r.market_tco2e) == (pytest.approx(60), 0)
    assert any("50 MWh beyond" in f for f in r.explanation.flags)
    # no instruments: market-based at the residual mix, 100 x 0.7 = 70 t
    assert scope2(100_000, grid=GRID, residual_mix=residual).market_tco2e == pytest.approx(70)


def _evaluate(terms) -> float:
    """A step's terms computed left to right (×, ÷, +), as a reader would check them."""
    result, operator = None, None
    for t in terms:
        if isinstance(t, str):
            operator = t
            continue
        value = t["value"]
        if result is None:
            result = value
        elif operator == "×":
            result *= value
        elif operator == "÷":
            result /= value
        else:
            assert operator == "+"
            result += value
    return result


def test_every_steps_terms_compute_its_value_and_carry_codes_for_translation():
    # given a fuel, and electricity with instruments (every kind of step)
    fuel = combustion(25.8, COAL, gwp=AR5, gwp_set="AR5", fuel="coal_bituminous").explanation
    power = scope2(1_000_000, grid=GRID, instruments=(Instrument("I-REC", 300),)).explanation
    for step in (*fuel.steps, *power.steps):
        # then the formula's numbers give the result, and the step says what it is without English words
        assert _evaluate(step.terms) == pytest.approx(step.value, rel=1e-12), step.what
        assert step.code
    assert [s.code for s in fuel.steps] == ["gas", "gas_co2e", "gas", "gas_co2e", "gas", "gas_co2e", "scope1_fuel"]
    assert fuel.steps[0].params == {"gas": "CO2", "fuel": "coal_bituminous", "biogenic": False}
    assert [f.code for f in power.flag_codes] == ["no_residual_mix"] and power.flags == tuple(f.text for f in power.flag_codes)


def test_a_co2_only_grid_factor_is_written_in_its_own_unit_and_flagged():
    vn = Factor("grid factor VN 2023 (combined_margin)", 0.6592, "t CO2/MWh", "DCC", "grid_factor", {"factor_type": "combined_margin"})
    e = scope2(310_000, grid=vn).explanation
    # 310 MWh x 0.6592 t CO2/MWh = 204.352 t CO2: never "t CO2e/MWh" beside a factor published in t CO2/MWh
    location = next(s for s in e.steps if s.code == "scope2_location")
    assert (location.formula, location.unit) == ("310 MWh x 0.6592 t CO2/MWh", "t CO2")
    assert location.value == pytest.approx(204.352, rel=1e-12)
    assert {f.code: f.params for f in e.flag_codes} == {"co2_only": {"unit": "t CO2/MWh"},
                                                        "no_residual_mix": {"factor": "combined_margin"}}
