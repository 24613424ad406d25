"""reference/transport_factors.csv and particulate_factors.csv: every row sourced; the values as read.

DESNZ (2025) Greenhouse gas reporting: conversion factors 2025, "Freighting goods", kg CO2e per tonne.km, read in a
transcription of the flat file: HGV (all diesel) all HGVs average laden 0.10163 (CO2 0.10012 + CH4 0.00002 + N2O
0.00149); freight train 0.02779; bulk carrier average 0.00353; general cargo average 0.01321.

EMEP/EEA air pollutant emission inventory guidebook (the 2023 edition, by its table numbers), TSP in g/GJ (NCV), read
in one transcription of the EEA emission-factor database (atmoschem/pega db/EMEP_20260207.csv): 1.A.2 Tier 1,
Table 3-2 solid fuels 124; Table 3-3 gaseous fuels 0.78; Table 3-4 'other' liquid fuels 20; Table 3-5 biomass 150;
1.A.1.a Table 3-4 natural gas 0.89 (reference US EPA 1998, AP-42 chapter 1.4). AP-42 Table 1.4-2 (1998), natural
gas, filterable PM 1.9 lb/10^6 scf, read in the Kansas DHE emission-inventory FAQ.
"""

import pytest

from loomlight.reference import biomass_factors
from loomlight.reference.metrics import metrics

COALS = ("coal_bituminous", "coal_subbituminous", "coal_anthracite", "coal_lignite")
SOLID_BIOMASS = ("biomass_wood_chips", "biomass_wood_pellets", "biomass_sawdust", "biomass_firewood",
                 "biomass_rice_husk", "biomass_bagasse", "biomass_cashew_shells", "biomass_palm_kernel_shells",
                 "biomass_coconut_shells", "biomass_corn_cobs", "biomass_cassava_rhizomes",
                 "biomass_empty_fruit_bunches", "biomass_coffee_husks", "biomass_other")


def test_the_modes_and_their_values_as_read():
    values = {m: f.value for m, f in biomass_factors.transport_factors().items()}
    assert values == {"truck": 0.10163, "rail": 0.02779, "ship_bulk": 0.00353, "ship_general_cargo": 0.01321}
    assert 0.10012 + 0.00002 + 0.00149 == pytest.approx(values["truck"], abs=1e-12)


def test_every_transport_row_names_its_publisher_table_and_year():
    for factor in biomass_factors.transport_factors().values():
        assert factor.source.startswith("UK Government, Department for Energy Security and Net Zero")
        assert factor.table.startswith("Freighting goods:") and factor.year == 2025
        assert factor.unit == "kg CO2e/t.km" and factor.checked


def test_a_mode_without_a_factor_is_refused_naming_the_modes():
    with pytest.raises(biomass_factors.UnknownMode) as exc:
        biomass_factors.transport_factor("barge")
    assert str(exc.value) == ("no sourced transport factor for “barge”: the modes are truck, rail, ship_bulk, "
                              "ship_general_cargo")


def test_the_particulate_factors_as_read():
    # given the shipped table; then these values, TSP in g/GJ, and nothing else
    values = {key: f.value for key, f in biomass_factors.particulate_factors().items()}
    expected = {("fuel_natural_gas", "none"): 0.89, ("fuel_natural_gas", "tier1"): 0.78,
                ("fuel_fuel_oil", "tier1"): 20.0, ("fuel_diesel", "tier1"): 20.0,
                **{(m, "tier1"): 124.0 for m in COALS}, **{(m, "tier1"): 150.0 for m in SOLID_BIOMASS}}
    assert values == expected
    assert {f.pollutant for f in biomass_factors.particulate_factors().values()} == {"TSP"}


def test_the_uncontrolled_gas_factor_agrees_with_ap42_converted_by_hand():
    # AP-42 Table 1.4-2: 1.9 lb/10^6 scf ÷ 1,020 Btu/scf = 0.0018627 lb/MMBtu (gross) × 453.59237 g/lb
    # ÷ 1.05505585 GJ/MMBtu = 0.80084 g/GJ gross; on the net basis (NCV = 0.90 × GCV for natural gas) 0.88982 g/GJ,
    # which EMEP/EEA's 0.89 g/GJ rounds
    gross = 1.9 / 1020 * 453.59237 / 1.05505585
    assert gross == pytest.approx(0.80084, abs=5e-6)
    assert gross / 0.90 == pytest.approx(biomass_factors.particulate_factor("fuel_natural_gas", "none").value,
                                         abs=0.005)


def test_every_particulate_row_is_sourced_and_its_metric_is_a_fuel():
    catalogue = metrics()
    for (metric, control), f in biomass_factors.particulate_factors().items():
        assert catalogue[metric].category == "fuel", metric
        assert control in biomass_factors.ROW_CONTROLS and f.unit == "g/GJ" and f.year == 2023
        assert f.source.startswith("EMEP/EEA air pollutant emission inventory guidebook, chapter 1.A.")
        assert f.table.startswith("Table 3-") and f"TSP {f.value:g} g/GJ" in f.table
        assert f.confidence in ("medium", "low") and f.checked and f.note
    assert biomass_factors.particulate_factor("fuel_natural_gas", "none").confidence == "medium"


def test_what_could_not_be_read_stays_a_gap():
    # no uncontrolled biomass, coal or oil factor, no control device, nothing for LPG or biogas: None, never 0
    for metric in ("biomass_rice_husk", "biomass_wood_chips", "coal_bituminous", "fuel_fuel_oil"):
        assert biomass_factors.particulate_factor(metric, "none") is None
    for control in ("cyclone", "wet_scrubber", "bag_filter", "esp"):
        assert all(biomass_factors.particulate_factor(m, control) is None for m in ("fuel_natural_gas", *COALS,
                                                                                       *SOLID_BIOMASS))
    for metric in ("fuel_lpg", "biogas"):
        assert all(biomass_factors.particulate_factor(metric, c) is None for c in biomass_factors.ROW_CONTROLS)


@pytest.fixture
def particulate_csv(monkeypatch):
    """Serve ``text`` as particulate_factors.csv (the cache cleared before and after)."""
    real = biomass_factors._text

    def serve(text):
        monkeypatch.setattr(biomass_factors, "_text",
                            lambda name: text if name == biomass_factors.PARTICULATE_FILE else real(name))
        biomass_factors.particulate_factors.cache_clear()

    yield serve
    monkeypatch.undo()
    biomass_factors.particulate_factors.cache_clear()


HEADER = "metric,pollutant,control,value,unit,source,table,year,verified,checked,confidence,note\n"
ROW = "fuel_natural_gas,TSP,tier1,0.78,g/GJ,S,T,2023,transcription,read,{confidence},n\n"


@pytest.mark.parametrize("body,message", [
    (ROW.format(confidence="sure"), "fuel_natural_gas: confidence 'sure', expected one of high, medium, low"),
    (ROW.format(confidence="low") * 2, "fuel_natural_gas (tier1) given twice"),
    (ROW.format(confidence="low").replace(",read,", ",,"),
     "fuel_natural_gas: a row without its source, table or check"),
    (ROW.format(confidence="low").replace("tier1", "scrubber"), "fuel_natural_gas: control or pollutant not known"),
])
def test_a_bad_particulate_row_is_refused_by_name(particulate_csv, body, message):
    particulate_csv(HEADER + body)
    with pytest.raises(ValueError) as exc:
        biomass_factors.particulate_factors()
    assert str(exc.value) == f"particulate_factors.csv: {message}"
