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
    """Given the solar thermal row, whose figures no source read here gave, then every figure is None (never 0)."""
    thermal = intervention("solar_thermal")
    assert not thermal.has_figures and thermal.confidence == "none" and thermal.verified == "none"
    assert (thermal.saving_low, thermal.saving_typical, thermal.saving_high, thermal.capex_low, thermal.capex_typical,
            thermal.capex_high, thermal.lifetime_years, thermal.degradation_per_year) == (None,) * 8


def test_rooftop_solar_ships_degradation_and_lifetime_and_leaves_capex_empty():
    """Jordan & Kurtz, Progress in Photovoltaics 21 (2013), abstract: 'Nearly 2000 degradation rates ... showing a
    median value of 0.5%/year'. EREA & DEA Vietnam Technology Catalogue (2019), sheet '4 Solar PV': 'Technical
    lifetime (years)' 25. No C&I capex was read in a citable source: it stays None, not 0."""
    for code in ("rooftop_solar_pv", "park_group_rooftop_solar"):
        solar = intervention(code)
        assert solar.degradation_per_year == 0.5 / 100 and solar.lifetime_years == 25
        assert solar.year == 2019 and "Jordan" in solar.source and "Vietnamese Power Sector" in solar.source
        assert "Technical lifetime (years)" in solar.table and "Inverter lifetime (years)' 15" in solar.checked
        assert solar.verified == "primary" and solar.confidence == "medium" and solar.has_figures
        assert (solar.capex_low, solar.capex_typical, solar.capex_high, solar.saving_typical,
                solar.payback_years_reported) == (None,) * 5
        assert solar.size_unit == "kWp" and solar.capex_unit == "USD/kWp"
    assert "not shipped" in intervention("rooftop_solar_pv").note


def test_efficient_motors_is_ie1_to_ie3_from_the_iec_60034_30_1_limits():
    """IEC 60034-30-1, 4-pole 50 Hz limits as transcribed: 0.75 kW IE1 72.1 %, IE3 82.5 %; 200-315 kW IE1 94.0 %,
    IE3 96.0 %. At the same shaft power the input falls by 1 - eta_IE1/eta_IE3: 0.126 at 0.75 kW, 0.021 at 315 kW."""
    m = intervention("efficient_motors")
    assert (m.saving_low, m.saving_typical, m.saving_high) == (round(1 - 94.0 / 96.0, 3), None, round(1 - 72.1 / 82.5, 3))
    assert (m.saving_low, m.saving_high) == (0.021, 0.126)
    # the sizes between, quoted in saving_basis, are the same formula on the same tables
    for kw, ie1, ie3, quoted in ((7.5, 86.0, 90.4, "0.049"), (11, 87.6, 91.4, "0.042"), (75, 92.7, 95.0, "0.024")):
        assert f"{1 - ie1 / ie3:.3f}" == quoted and f"{quoted} at {kw:g} kW" in m.saving_basis
    assert m.metrics == ("electricity_grid",) and m.year == 2014 and "IEC 60034-30-1" in m.source
    assert m.verified == "transcriptions" and m.confidence == "medium" and "Derived" in m.note
    assert (m.capex_low, m.lifetime_years) == (None, None)


def test_led_lighting_is_derived_from_the_femp_efficacy_minima():
    """FEMP (energy.gov), Table 1: LED 1 ft x 4 ft troffer >= 120 lm/W (June 2023); recessed 1 ft x 4 ft lensed T8
    fluorescent >= 81 lm/W (June 2021). At equal light output the input falls by 1 - 81/120 = 0.325."""
    led = intervention("led_lighting")
    assert led.saving_low == round(1 - 81 / 120, 3) == 0.325
    assert (led.saving_typical, led.saving_high, led.capex_low, led.lifetime_years) == (None,) * 4
    assert "120 lm/W" in led.saving_basis and "81 lm/W" in led.saving_basis and "FEMP" in led.source
    assert led.year == 2023 and led.confidence == "low" and "derived" in led.note
    assert f"{1 - 85 / 131:.3f}" in led.note          # the suspended-luminaire pair quoted in the note


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
    ({"degradation_per_year": "0.5", "confidence": "low", "checked": "x"}, "degradation_per_year"),
    ({"degradation_per_year": "-0.005", "confidence": "low", "checked": "x"}, "degradation_per_year"),
    ({"degradation_per_year": "0.005"}, "confidence"),
])
def test_a_bad_edit_is_refused_naming_the_line_and_column(changes, column):
    with pytest.raises(CatalogueError, match=rf"line 2 .*column {column}"):
        parse(_one_row(**changes))


def test_a_degradation_within_bounds_is_read_and_one_above_is_refused_without_reading_the_file():
    """Given the first row with a degradation of 0.8 %/year written as 0.008, it is read as 0.008; written as 0.8
    (a percentage), the whole parse is refused, so nothing is returned."""
    parsed = parse(_one_row(degradation_per_year="0.008", confidence="low", checked="x"))
    assert parsed[ROWS[0]["code"]].degradation_per_year == 0.008
    result = None
    with pytest.raises(CatalogueError, match=r"between 0 and 0.1"):
        result = parse(_one_row(degradation_per_year="0.8", confidence="low", checked="x"))
    assert result is None


def test_a_repeated_code_is_refused():
    text = _one_row()
    with pytest.raises(CatalogueError, match="line 3, column code"):
        parse(text + "\n" + text.splitlines()[1])
