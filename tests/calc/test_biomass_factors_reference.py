"""reference/transport_factors.csv and particulate_factors.csv: every row sourced; the values as read.

DESNZ (2025) Greenhouse gas reporting: conversion factors 2025, "Freighting goods", kg CO2e per tonne.km, read in a
transcription of the flat file: HGV (all diesel) all HGVs average laden 0.10163 (CO2 0.10012 + CH4 0.00002 + N2O
0.00149); freight train 0.02779; bulk carrier average 0.00353; general cargo average 0.01321.
"""

import pytest

from loomlight.reference import biomass_factors


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


def test_no_particulate_factor_is_shipped_so_every_one_is_a_gap():
    # none could be read (docs/data-sources.md): a gap, never a number
    assert biomass_factors.particulate_factors() == {}
    assert biomass_factors.particulate_factor("biomass_rice_husk", "none") is None
