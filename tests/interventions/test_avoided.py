"""Avoided emissions of a business case, hand-worked from the shipped factors.

Factors used (reference/grid_factors.csv, reference/ghg_factors data, IPCC 2006):
- Viet Nam 2023 inventory grid factor: 0.6592 t CO2/MWh (DCC combined margin, CO2 only);
- IFI harmonised 2021 margins for Viet Nam: firm 0.381, intermittent 0.493, operating margin 0.560 t CO2/MWh;
- Cambodia: no official factor, Ember 2024 lifecycle average 0.49746 t CO2e/MWh (not official, proxy year);
- other bituminous coal: NCV 25.8 GJ/t (IPCC 2006 Vol 2 Table 1.2), CO2 94,600, CH4 10, N2O 1.5 kg/TJ (Tables 2.2);
- wood chips (Wood/Wood Waste): NCV 15.6 GJ/t, CO2 112,000 (biogenic), CH4 30, N2O 4 kg/TJ;
- GWP AR5 (the default): CH4 28, N2O 265; AR6: CH4 fossil 29.8, N2O 273.
"""

import subprocess
import sys

import pytest

from loomlight.interventions.avoided import AvoidedError, avoided_emissions


def elec(quantity, unit="kWh", metric="electricity_grid"):
    return {"metric": metric, "quantity": quantity, "unit": unit}


def test_grid_electricity_saved_in_viet_nam_2023_at_the_inventory_factor():
    # given 100,000 kWh saved a year; then 100 MWh x 0.6592 t CO2/MWh = 65.92 t
    result = avoided_emissions(country="VN", year=2023, savings=[elec(100_000)])
    assert result.tco2e_per_year == pytest.approx(65.92, abs=1e-9)
    assert result.grid_factor["value"] == 0.6592
    assert result.grid_factor["unit"] == "t CO2/MWh"
    assert result.grid_factor["type"] == "inventory"
    assert result.grid_factor["factor_type"] == "combined_margin"
    assert result.grid_factor["year"] == 2023
    assert result.grid_factor["official"] is True
    assert result.grid_factor["flags"] == ["margin factor"]
    assert result.energy_kwh == 100_000
    codes = {f.code for f in result.explanation.flag_codes}
    assert codes == {"margin_factor", "co2_only"}
    step = result.explanation.steps[0]
    assert (step.code, step.value) == ("avoided_electricity", pytest.approx(65.92))
    assert result.explanation.steps[-1].code == "avoided_total"


def test_the_same_saving_in_mwh_gives_the_same_tonnes():
    assert avoided_emissions(country="VN", year=2023, savings=[elec(100, "MWh")]).tco2e_per_year == pytest.approx(65.92)


@pytest.mark.parametrize("choice, value", [("firm", 0.381), ("intermittent", 0.493), ("operating_margin", 0.560)])
def test_project_margins_instead_of_the_inventory_factor(choice, value):
    # given the same saving counted with a margin of the IFI harmonised factors; then 100 MWh x the margin
    result = avoided_emissions(country="VN", year=2023, savings=[elec(100_000)], grid_factor=choice)
    assert result.tco2e_per_year == pytest.approx(100 * value)
    assert result.grid_factor["type"] == choice
    assert result.grid_factor["intended_use"] == "project (avoided emissions / ROI)"
    assert result.grid_factor["flags"] == ["not official"]


def test_solar_used_on_site_replaces_grid_purchase_and_export_counts_only_with_a_margin():
    savings = [elec(50_000, metric="electricity_solar_self_consumed"), elec(10_000, metric="electricity_exported")]
    inv = avoided_emissions(country="VN", year=2023, savings=savings)
    # inventory: 50 MWh x 0.6592 = 32.96 t; the export is listed as not counted
    assert inv.tco2e_per_year == pytest.approx(32.96)
    assert [n["metric"] for n in inv.not_counted] == ["electricity_exported"]
    margin = avoided_emissions(country="VN", year=2023, savings=savings, grid_factor="intermittent")
    # intermittent margin: (50 + 10) MWh x 0.493 = 29.58 t
    assert margin.tco2e_per_year == pytest.approx(29.58)
    assert margin.not_counted == ()


def test_coal_saved_is_scope_1_with_ch4_and_n2o():
    # 100 t x 25.8 GJ/t = 2,580 GJ = 2.58 TJ; (94,600 + 10 x 28 + 1.5 x 265) kg CO2e/TJ = 95,277.5 kg/TJ (AR5)
    # 2.58 TJ x 95,277.5 kg/TJ = 245,815.95 kg = 245.81595 t
    result = avoided_emissions(country="VN", year=2023, savings=[{"metric": "coal_bituminous", "quantity": 100, "unit": "t"}])
    assert result.tco2e_per_year == pytest.approx(245.81595, abs=1e-9)
    assert result.energy_gj == pytest.approx(2580)
    assert result.gwp_set == "AR5"
    assert result.biogenic_co2_t_per_year == 0


def test_coal_saved_with_ar6():
    # AR6: 94,600 + 10 x 29.8 (fossil CH4) + 1.5 x 273 = 95,307.5 kg/TJ x 2.58 TJ = 245.89335 t
    result = avoided_emissions(country="VN", year=2023, gwp_set="AR6",
                               savings=[{"metric": "coal_bituminous", "quantity": 100, "unit": "t"}])
    assert result.tco2e_per_year == pytest.approx(245.89335, abs=1e-9)


def test_a_switch_to_biomass_counts_its_ch4_and_n2o_but_never_its_biogenic_co2():
    # given 100 t of coal saved and 150 t of wood chips added (a negative quantity: an increase)
    # wood: 150 t x 15.6 GJ/t = 2.34 TJ; (30 x 28 + 4 x 265) = 1,900 kg CO2e/TJ -> 4.446 t CO2e added
    # net avoided 245.81595 - 4.446 = 241.36995 t; biogenic CO2 112,000 kg/TJ x 2.34 TJ = 262.08 t, apart
    result = avoided_emissions(country="VN", year=2023, savings=[
        {"metric": "coal_bituminous", "quantity": 100, "unit": "t"},
        {"metric": "biomass_wood_chips", "quantity": -150, "unit": "t"}])
    assert result.tco2e_per_year == pytest.approx(241.36995, abs=1e-9)
    assert [line.tco2e for line in result.lines] == [pytest.approx(245.81595), pytest.approx(-4.446)]
    assert result.biogenic_co2_t_per_year == pytest.approx(-262.08)
    assert "biogenic_apart" in {f.code for f in result.explanation.flag_codes}


def test_metrics_without_emissions_add_nothing_and_are_listed():
    result = avoided_emissions(country="VN", year=2023, savings=[
        elec(100_000), {"metric": "water_municipal", "quantity": 5000, "unit": "m³"},
        {"metric": "rec_irec", "quantity": 10, "unit": "MWh"}])
    assert result.tco2e_per_year == pytest.approx(65.92)
    assert [(n["index"], n["metric"]) for n in result.not_counted] == [(1, "water_municipal"), (2, "rec_irec")]
    assert result.not_counted[0]["reason"] == "no emission factor: not counted"
    assert "saving 1 (water_municipal): no emission factor: not counted" in result.explanation.flags


def test_a_negative_electricity_quantity_is_an_increase():
    result = avoided_emissions(country="VN", year=2023, savings=[elec(-100_000)])
    assert result.tco2e_per_year == pytest.approx(-65.92)


def test_a_country_without_an_official_factor_takes_the_flagged_fallback():
    # Cambodia 2023: Ember 2024, 0.49746 t CO2e/MWh -> 100 MWh x 0.49746 = 49.746 t
    result = avoided_emissions(country="KH", year=2023, savings=[elec(100_000)])
    assert result.tco2e_per_year == pytest.approx(49.746)
    assert result.grid_factor["flags"] == ["not official", "proxy year", "lifecycle basis"]
    assert result.grid_factor["official"] is False


def test_electricity_in_a_country_without_a_grid_factor_is_refused_naming_country():
    with pytest.raises(AvoidedError) as caught:
        avoided_emissions(country="AT", year=2023, savings=[elec(1000)])
    assert caught.value.field == "country"
    assert "AT has no shipped inventory grid factor" in str(caught.value)


def test_fuel_only_in_a_country_without_a_grid_factor_is_counted():
    result = avoided_emissions(country="AT", year=2023, savings=[{"metric": "coal_bituminous", "quantity": 100, "unit": "t"}])
    assert result.tco2e_per_year == pytest.approx(245.81595)
    assert result.grid_factor is None


@pytest.mark.parametrize("line, field, message", [
    (elec(1, "t"), "savings[0].unit", "“t” measures mass, but this value is energy (in kWh)."),
    ({"metric": "electricity", "quantity": 1, "unit": "kWh"}, "savings[0].metric",
     "unknown metric “electricity”: `loomlight ghg --list-metrics` lists them"),
    (elec(1, "furlong"), "savings[0].unit", None),
])
def test_bad_lines_are_refused_by_the_accounting_engine_naming_the_field(line, field, message):
    with pytest.raises(AvoidedError) as caught:
        avoided_emissions(country="VN", year=2023, savings=[line])
    assert caught.value.field == field
    if message:
        assert caught.value.message == message


def test_an_unknown_country_or_grid_factor_choice_is_refused():
    with pytest.raises(AvoidedError) as caught:
        avoided_emissions(country="XX", year=2023, savings=[elec(1)])
    assert caught.value.field == "country"
    with pytest.raises(AvoidedError) as caught:
        avoided_emissions(country="VN", year=2023, savings=[elec(1)], grid_factor="average")
    assert caught.value.field == "grid_factor"


def test_avoided_imports_no_django():
    code = ("import sys; from loomlight.interventions import avoided, document, cli;"
            " print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
