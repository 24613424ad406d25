"""The metric catalogue (reference/metrics.csv): complete for what facilities report, every unit understood."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from loomlight.calc.units import dimension_of, to_canonical
from loomlight.reference.metrics import CATEGORIES, metric, metrics

REQUIRED = [
    "electricity_grid", "electricity_solar_self_consumed", "electricity_exported", "steam_purchased", "rec_irec", "rec_ppa",
    "fuel_diesel", "fuel_fuel_oil", "fuel_lpg", "fuel_natural_gas", "fuel_petrol",
    "coal_anthracite", "coal_bituminous", "coal_subbituminous", "coal_lignite",
    "biomass_wood_chips", "biomass_wood_pellets", "biomass_sawdust", "biomass_rice_husk", "biomass_bagasse",
    "biomass_cashew_shells", "biomass_palm_kernel_shells", "biomass_coconut_shells", "biomass_corn_cobs", "biomass_other", "biogas",
    # issue 19: fuels a factory reports apart (reference/biomass_types.csv)
    "biomass_cassava_rhizomes", "biomass_empty_fruit_bunches", "biomass_coffee_husks", "biomass_firewood",
    "water_municipal", "water_groundwater", "water_surface", "water_rainwater", "water_park_supply", "water_recycled",
    "wastewater_cetp", "wastewater_sewer", "wastewater_surface", "wastewater_treated_onsite",
    "waste_hazardous_landfilled", "waste_nonhazardous_recycled", "waste_nonhazardous_open_dumped_burned",
    "production_kg", "production_m", "production_pieces", "production_pairs", "hours_worked",
    "headcount_female", "headcount_male", "injuries_recordable", "injuries_lost_time",
]
EXPECTED_DIMENSION = {"energy": "energy", "fuel": "energy", "water": "volume", "wastewater": "volume", "waste": "mass"}


def test_every_required_metric_is_there():
    assert [code for code in REQUIRED if code not in metrics()] == []


def test_codes_are_unique_and_rows_are_sourced():
    with resources.files("loomlight.reference").joinpath("metrics.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)) == len(metrics())
    assert all(row["source"] and row["year"] for row in rows)


@pytest.mark.parametrize("code", sorted(metrics()))
def test_canonical_unit_is_understood_and_of_the_right_dimension(code):
    m = metric(code)
    assert m.category in CATEGORIES
    expected = EXPECTED_DIMENSION.get(m.category)
    if expected:
        assert dimension_of(m.canonical_unit) == expected
    assert to_canonical(1, m.canonical_unit, m.canonical_unit).value == 1.0
    assert set(m.also_accepts) <= {"mass", "volume"}


def test_electricity_reported_in_mwh_lands_in_kwh():
    m = metric("electricity_grid")
    assert to_canonical(12.5, "MWh", m.canonical_unit).value == 12500.0


def test_unknown_code_names_itself():
    with pytest.raises(KeyError, match="unknown metric code 'coal_magic'"):
        metric("coal_magic")


# --- the reporting unit: what a facility usually has on its bill, meter or delivery note -------------------------

#: every metric whose usual reporting unit is not the unit values are stored in (issue 14: diesel was pre-set to GJ)
REPORTED_OTHERWISE = {
    "fuel_diesel": "L", "fuel_fuel_oil": "L", "fuel_petrol": "L", "fuel_lpg": "kg", "fuel_natural_gas": "m³", "biogas": "m³",
    **{code: "tonne" for code in REQUIRED if code.startswith(("coal_", "biomass_"))},
}


def test_the_reporting_units_that_differ_from_the_canonical_unit():
    differ = {code: m.reporting_unit for code, m in metrics().items() if m.reporting_unit != m.canonical_unit}
    assert differ == REPORTED_OTHERWISE
    assert {m.reporting_unit for code, m in metrics().items() if m.category in ("water", "wastewater")} == {"m³"}
    assert {m.reporting_unit for code, m in metrics().items() if m.category == "waste"} == {"kg"}
    assert metric("electricity_grid").reporting_unit == "kWh"


@pytest.mark.parametrize("code", sorted(metrics()))
def test_reporting_unit_is_understood_and_converts_to_the_canonical_unit(code):
    m = metric(code)
    dimension = dimension_of(m.reporting_unit)
    # the same dimension converts with pint alone; a fuel's mass or volume with its fuel properties
    assert dimension == dimension_of(m.canonical_unit) or dimension in m.also_accepts


def test_every_reporting_unit_has_its_reason_in_the_source_column():
    with resources.files("loomlight.reference").joinpath("metrics.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["code"] for row in rows if "reporting unit" not in row["source"]] == []
    diesel = next(row for row in rows if row["code"] == "fuel_diesel")
    assert "litres, the unit of delivery notes, pump meters and tank dips" in diesel["source"]
