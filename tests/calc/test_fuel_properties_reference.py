"""The shipped fuel properties (reference/fuel_properties.csv): every row sourced and checked, every unit understood,
and the values as read in their sources (docs/sources/fuel-properties.md)."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from loomlight.calc.fuels import Property, property_quantity
from loomlight.reference import fuel_properties
from loomlight.reference.metrics import metrics

with resources.files("loomlight.reference").joinpath("fuel_properties.csv").open(encoding="utf-8") as fh:
    ROWS = list(csv.DictReader(fh))

FUELS = [code for code, m in metrics().items() if m.also_accepts]

#: IPCC 2006 Vol. 2 Ch. 1 Table 1.2, default NCV [GJ/t = TJ/Gg], of the IPCC fuel each catalogue fuel maps to
NCV = {
    "fuel_diesel": ("Gas/Diesel Oil", 43.0), "fuel_fuel_oil": ("Residual Fuel Oil", 40.4),
    "fuel_lpg": ("Liquefied Petroleum Gases", 47.3), "fuel_petrol": ("Motor Gasoline", 44.3), "fuel_natural_gas": ("Natural Gas", 48.0),
    "coal_anthracite": ("Anthracite", 26.7), "coal_bituminous": ("Other Bituminous Coal", 25.8),
    "coal_subbituminous": ("Sub-Bituminous Coal", 18.9), "coal_lignite": ("Lignite", 11.9),
    "biomass_wood_chips": ("Wood/Wood Waste", 15.6), "biomass_wood_pellets": ("Wood/Wood Waste", 15.6),
    "biomass_sawdust": ("Wood/Wood Waste", 15.6),
    "biomass_rice_husk": ("Other Primary Solid Biomass", 11.6), "biomass_bagasse": ("Other Primary Solid Biomass", 11.6),
    "biomass_cashew_shells": ("Other Primary Solid Biomass", 11.6), "biomass_palm_kernel_shells": ("Other Primary Solid Biomass", 11.6),
    "biomass_coconut_shells": ("Other Primary Solid Biomass", 11.6), "biomass_corn_cobs": ("Other Primary Solid Biomass", 11.6),
    # issue 19 (reference/biomass_types.csv): logs and firewood are Wood/Wood Waste, the other three residues
    "biomass_firewood": ("Wood/Wood Waste", 15.6), "biomass_cassava_rhizomes": ("Other Primary Solid Biomass", 11.6),
    "biomass_empty_fruit_bunches": ("Other Primary Solid Biomass", 11.6), "biomass_coffee_husks": ("Other Primary Solid Biomass", 11.6),
}
#: UN Statistics Division, Energy Statistics Yearbook, conversion factors: litres per metric ton
LITRES_PER_TONNE = {
    "fuel_diesel": ("Gas diesel oil", 1149), "fuel_fuel_oil": ("Residual fuel oil", 1053),
    "fuel_lpg": ("Liquefied petroleum gas", 1852), "fuel_petrol": ("Motor gasolene", 1351),
}
#: no default on purpose: a facility records its own value with evidence (docs/data-sources.md says why)
WITHOUT_NCV = {"biomass_other", "biogas"}
WITHOUT_DENSITY = {"fuel_natural_gas", "biogas"}


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['metric']}-{r['property']}")
def test_every_row_is_sourced_checked_and_understood(row):
    assert row["metric"] in FUELS
    assert row["property"] in fuel_properties.PROPERTIES
    assert row["source"] and row["table"] and row["year"].isdigit() and row["checked"] and row["reference_fuel"] and row["note"]
    assert row["verified"] in ("primary", "transcriptions")
    assert row["confidence"] in ("high", "medium", "low")
    property_quantity(Property(float(row["value"]), row["unit"]), row["property"])   # raises on a unit of the wrong kind


def test_one_row_per_fuel_and_property():
    keys = [(r["metric"], r["property"]) for r in ROWS]
    assert len(keys) == len(set(keys))


def test_calorific_values_are_the_ipcc_defaults_of_the_mapped_fuel():
    shipped = {m: (d["ncv"].reference_fuel, d["ncv"].value, d["ncv"].unit) for m, d in fuel_properties.defaults().items() if "ncv" in d}
    assert shipped == {m: (fuel, value, "GJ/t") for m, (fuel, value) in NCV.items()}
    assert all(fuel_properties.default(m, "ncv").table.startswith("Table 1.2") for m in NCV)


def test_densities_are_the_unsd_litres_per_tonne_of_liquid_fuels():
    shipped = {m: (d["density"].reference_fuel, d["density"].value, d["density"].unit)
               for m, d in fuel_properties.defaults().items() if "density" in d}
    assert shipped == {m: (fuel, float(value), "L/t") for m, (fuel, value) in LITRES_PER_TONNE.items()}
    assert all(fuel_properties.default(m, "density").verified == "primary" for m in LITRES_PER_TONNE)


def test_every_catalogue_fuel_has_a_default_or_is_named_as_without_one():
    assert {m for m in FUELS if fuel_properties.default(m, "ncv") is None} == WITHOUT_NCV
    volume_fuels = {m for m in FUELS if "volume" in metrics()[m].also_accepts}
    assert {m for m in volume_fuels if fuel_properties.default(m, "density") is None} == WITHOUT_DENSITY


def test_a_default_carries_its_citation_and_the_data_version():
    prop = fuel_properties.default("coal_bituminous", "ncv").as_property()
    assert (prop.value, prop.unit) == (25.8, "GJ/t")
    assert prop.provenance["source"] == "default"
    assert prop.provenance["reference"] == ("IPCC (2006) 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 2 Energy, "
                                            "Ch. 1 Introduction, Table 1.2 Default net calorific values (NCVs), pp. 1.18-1.19: "
                                            "Other Bituminous Coal")
    assert prop.provenance["data"] == fuel_properties.version()
    assert fuel_properties.version().startswith("fuel_properties.csv@") and len(fuel_properties.version()) == len("fuel_properties.csv@") + 12
