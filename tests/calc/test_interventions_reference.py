"""The shipped intervention catalogue (reference/interventions.csv): every row sourced, every metric known, every range
ordered, the figures as read in their sources, and the loader refusing a bad edit by row and column."""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest

from loomlight.registry.models import Process
from loomlight.reference import interventions as catalogue
from loomlight.reference.interventions import CatalogueError, Intervention, intervention, interventions, parse
from loomlight.reference.metrics import metrics

with resources.files("loomlight.reference").joinpath("interventions.csv").open(encoding="utf-8") as fh:
    TEXT = fh.read()
ROWS = list(csv.DictReader(TEXT.splitlines()))
HEADER = TEXT.splitlines()[0]

#: every intervention issue 18 lists, by the code the catalogue gives it
ISSUE_LIST = {
    "efficiency": {"steam_trap_maintenance", "condensate_recovery", "boiler_economiser", "steam_pipe_insulation",
                   "wastewater_heat_recovery", "compressed_air_leaks", "variable_speed_drives", "efficient_motors",
                   "led_lighting", "low_liquor_ratio_dyeing", "cooling_water_reuse"},
    "renewable": {"rooftop_solar_pv", "park_group_rooftop_solar", "solar_thermal", "ppa", "irec"},
    "fuel_switch": {"coal_oil_to_biomass", "fossil_to_heat_pump", "fossil_to_electric_boiler"},
    "water": {"water_recycling", "rainwater_harvesting", "water_efficient_machines"},
    "chemicals": {"chemical_substitution", "automated_chemical_dosing"},
    "waste": {"waste_recycling", "sludge_reuse"},
    "social": {"worker_management_committee", "grievance_mechanism", "gbv_prevention", "ohs_programme"},
}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["code"])
def test_every_row_has_source_year_unit_and_known_metrics(row):
    assert row["source"] and row["year"].isdigit() and 1980 <= int(row["year"]) <= 2026
    assert row["capex_unit"] and row["size_unit"]
    assert set(filter(None, row["metrics"].split(";"))) <= set(metrics())
    assert row["category"] in catalogue.CATEGORIES
    assert row["confidence"] in catalogue.CONFIDENCES and row["verified"] in catalogue.VERIFIED
    assert row["note"] or row["outcomes"]


def test_every_intervention_the_issue_lists_is_in_the_catalogue_under_its_category():
    shipped = interventions()
    for category, codes in ISSUE_LIST.items():
        assert codes <= {c for c, i in shipped.items() if i.category == category}, category


@pytest.mark.parametrize("item", list(interventions().values()), ids=lambda i: i.code)
def test_ranges_are_ordered_and_savings_are_fractions(item: Intervention):
    savings = [v for v in (item.saving_low, item.saving_typical, item.saving_high) if v is not None]
    capex = [v for v in (item.capex_low, item.capex_typical, item.capex_high) if v is not None]
    assert savings == sorted(savings) and all(0 <= v <= 1 for v in savings)
    assert capex == sorted(capex)
    if item.has_figures:
        assert item.confidence != "none" and item.checked and item.verified != "none"


def test_a_row_without_figures_ships_gaps_not_zeros():
    """Given the rooftop solar row, whose capex no verified source gave, then every figure is None (never 0)."""
    solar = intervention("rooftop_solar_pv")
    assert (solar.capex_low, solar.capex_typical, solar.capex_high, solar.lifetime_years, solar.saving_typical) == (None,) * 5
    assert solar.confidence == "none" and solar.size_unit == "kWp" and solar.capex_unit == "USD/kWp"
    assert "not shipped" in solar.note


def test_economiser_is_the_doe_steam_tip_sheet_3_figure():
    """US DOE Steam Tip Sheet #3 (January 2006), p. 1: 'an economizer can often reduce fuel requirements by 5% to 10%
    and pay for itself in less than 2 years'."""
    e = intervention("boiler_economiser")
    assert (e.saving_low, e.saving_typical, e.saving_high, e.payback_years_reported) == (0.05, None, 0.10, 2.0)
    assert e.year == 2006 and "Steam Tip Sheet #3" in e.source
    assert set(e.metrics) >= {"coal_bituminous", "fuel_fuel_oil", "fuel_natural_gas", "biomass_rice_husk"}
    assert "electricity_grid" not in e.metrics


def test_compressed_air_leak_range_is_derived_from_the_doe_tip_sheet_3_figures():
    """US DOE Compressed Air Tip Sheet #3 (August 2004): leaks waste 20-30 % of the compressor's output; a cost-effective
    target is 5-10 % of total flow. Brought from 20 % to 10 % saves 0.10; from 30 % to 5 %, 0.25 (of the system's use)."""
    c = intervention("compressed_air_leaks")
    assert (c.saving_low, c.saving_high) == (pytest.approx(0.20 - 0.10), pytest.approx(0.30 - 0.05))
    assert c.year == 2004 and c.metrics == ("electricity_grid",) and "compressed-air system" in c.saving_basis
    assert c.confidence == "low" and "derived" in c.note


def test_low_liquor_ratio_is_the_coats_ratio_of_bath_volumes():
    """Coats case study: liquor ratio 8:1 on older machines, 4.5:1 on modern ones, 'a 44% saving in water'."""
    d = intervention("low_liquor_ratio_dyeing")
    assert d.saving_high == 0.44 and round(1 - 4.5 / 8, 2) == 0.44
    assert d.applies_to == ("dyeing",) and "dye bath only" in d.saving_basis


def test_social_measures_state_outcomes_in_words_and_no_money():
    social = [i for i in interventions().values() if i.category == "social"]
    assert all(not i.has_figures for i in social)
    ohs = intervention("ohs_programme")
    assert "occupational safety and health" in ohs.outcomes and ohs.year == 2016 and "Better Work" in ohs.source
    assert all(not i.outcomes for i in interventions().values() if i.category != "social")


def test_file_order_is_kept_and_unknown_codes_raise_key_error():
    assert list(interventions()) == [r["code"] for r in ROWS]
    with pytest.raises(KeyError):
        intervention("perpetual_motion")


def test_process_codes_are_those_of_the_registry():
    assert set(catalogue.PROCESSES) == set(Process.values)


def test_data_version_names_the_file_and_its_content_hash():
    version = catalogue.data_version()
    assert version.startswith("interventions.csv@") and len(version.split("@")[1]) == 12
    assert catalogue.data_version() == version


def _one_row(**changes) -> str:
    """The header and the first shipped row with ``changes``, as CSV text."""
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=HEADER.split(","), lineterminator="\n").writerow(dict(ROWS[0]) | changes)
    return HEADER + "\n" + out.getvalue().rstrip("\n")


@pytest.mark.parametrize(("changes", "column"), [
    ({"metrics": "electricity_grid;unobtainium"}, "metrics"),
    ({"saving_low": "0.3", "saving_high": "0.1", "confidence": "low", "checked": "x"}, "saving_low"),
    ({"saving_high": "1.5", "confidence": "low", "checked": "x"}, "saving_high"),
    ({"saving_high": "0.1"}, "confidence"),
    ({"capex_low": "100", "confidence": "low", "checked": "x"}, "capex_currency"),
    ({"source": ""}, "source"),
    ({"category": "magic"}, "category"),
    ({"applies_to": "dyeing;weaving;smelting"}, "applies_to"),
    ({"saving_typical": "ten", "confidence": "low", "checked": "x"}, "saving_typical"),
])
def test_a_bad_edit_is_refused_naming_the_line_and_column(changes, column):
    with pytest.raises(CatalogueError, match=rf"line 2 .*column {column}"):
        parse(_one_row(**changes))


def test_a_repeated_code_is_refused():
    text = _one_row()
    with pytest.raises(CatalogueError, match="line 3, column code"):
        parse(text + "\n" + text.splitlines()[1])
