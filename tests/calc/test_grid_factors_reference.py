"""The shipped grid electricity factors (reference/grid_factors.csv): every row sourced and checked, the
values as read in their sources, and the selection rules of the loader (docs/sources/grid-factors.md)."""

from __future__ import annotations

import csv
import subprocess
import sys
from importlib import resources

import pytest

from loomlight.reference import grid_factors as gf

COLUMNS = "country,year,value,unit,factor_type,intended_use,publisher,official,source,table,verified,checked,note".split(",")

with resources.files("loomlight.reference").joinpath("grid_factors.csv").open(encoding="utf-8") as fh:
    HEADER = next(csv.reader(fh))
with resources.files("loomlight.reference").joinpath("grid_factors.csv").open(encoding="utf-8") as fh:
    ROWS = list(csv.DictReader(fh))
with resources.files("loomlight.reference").joinpath("countries.csv").open(encoding="utf-8") as fh:
    COUNTRY_CODES = {r["code"] for r in csv.DictReader(fh)}

REQUIRED = {"VN", "KH", "TH", "ET", "KE", "BD", "IN", "ID", "CN", "LK", "PK", "MM"}

#: the national authorities' inventory factors, as read (t/MWh = kg/kWh)
OFFICIAL_INVENTORY = {
    ("VN", 2014): 0.6612, ("VN", 2015): 0.8154, ("VN", 2016): 0.9185, ("VN", 2017): 0.8649, ("VN", 2018): 0.9130,
    ("VN", 2019): 0.8458, ("VN", 2020): 0.8041, ("VN", 2021): 0.7221, ("VN", 2022): 0.6766, ("VN", 2023): 0.6592,
    ("TH", 2026): 0.4750,
    ("CN", 2022): 0.5366, ("CN", 2023): 0.5306,
    ("IN", 2023): 0.727,
}
#: Harmonized IFI Default Grid Factors 2021 v3.1, gCO2/kWh: CM firm, CM intermittent, OM
IFI = {
    "VN": (381, 493, 560), "KH": (588, 874, 1046), "TH": (351, 413, 450), "ET": (0, 0, 0), "KE": (274, 462, 574),
    "BD": (412, 484, 528), "IN": (608, 822, 951), "ID": (675, 743, 783), "CN": (485, 744, 899), "LK": (506, 646, 731),
    "PK": (386, 515, 592), "MM": (407, 602, 719),
}
#: Ember average intensity (lifecycle) in co2.js data/output/average-intensities.json: (year, gCO2e/kWh)
EMBER = {
    "VN": (2024, 486.13), "KH": (2024, 497.46), "TH": (2024, 555.43), "ET": (2023, 23.55), "KE": (2024, 84.83),
    "BD": (2024, 694.63), "IN": (2024, 708.96), "ID": (2023, 682.43), "CN": (2024, 557.5), "LK": (2022, 509.78),
    "PK": (2024, 398.61), "MM": (2024, 569.69),
}


def test_columns_are_exactly_the_agreed_ones():
    assert HEADER == COLUMNS


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['country']}-{r['year']}-{r['factor_type']}-{r['table'][:30]}")
def test_every_row_is_sourced_checked_and_understood(row):
    assert row["country"] in COUNTRY_CODES
    assert row["year"].isdigit() and 2000 <= int(row["year"]) <= 2030
    assert 0 <= float(row["value"]) < 2, "t/MWh"
    assert row["unit"] in gf.UNITS
    assert row["factor_type"] in gf.FACTOR_TYPES
    assert row["intended_use"] in gf.INTENDED_USES
    assert row["official"] in ("true", "false")
    assert row["verified"] in ("primary", "transcription")
    assert all(row[c].strip() for c in ("publisher", "source", "table", "checked", "note"))
    assert "http" in row["source"] or "thegreenwebfoundation/co2.js" in row["source"]


def test_one_row_per_country_year_type_use_and_table():
    keys = [(r["country"], r["year"], r["factor_type"], r["intended_use"], r["table"]) for r in ROWS]
    assert len(keys) == len(set(keys))


def test_required_countries_have_an_inventory_factor_and_all_three_project_kinds():
    for country in REQUIRED:
        assert gf.for_inventory(country, 2024) is not None, country
        for kind in gf.PROJECT_KINDS:
            assert gf.for_projects(country, kind) is not None, (country, kind)


def test_official_inventory_factors_are_the_values_read():
    shipped = {(f.country, f.year): f.value for f in gf.grid_factors() if f.official and f.intended_use == gf.INVENTORY}
    assert shipped == OFFICIAL_INVENTORY


def test_pinned_official_values_and_their_nature():
    vn = gf.for_inventory("VN", 2023)
    assert (vn.value, vn.unit, vn.factor_type, vn.official, vn.flags) == (0.6592, "t CO2/MWh", "combined_margin", True, (gf.MARGIN,))
    assert "MONRE" in vn.publisher and "DCC" in vn.publisher
    th = gf.for_inventory("TH", 2026)
    assert (th.value, th.unit, th.factor_type, th.official, th.flags) == (0.4750, "t CO2e/MWh", "generation_average", True, ())
    cn = gf.for_inventory("CN", 2023)
    assert (cn.value, cn.unit, cn.factor_type, cn.official, cn.flags) == (0.5306, "t CO2/MWh", "generation_average", True, ())
    india = gf.for_inventory("IN", 2023)
    assert (india.value, india.unit, india.factor_type, india.official, india.flags) == (0.727, "t CO2/MWh", "generation_average", True, ())
    assert "Version 20.0" in india.source and "FY2023-24" in india.table


def test_ifi_rows_are_the_harmonised_defaults_for_every_required_country():
    shipped = {}
    for f in gf.grid_factors():
        if f.publisher.startswith("International Financial Institutions"):
            assert (f.year, f.unit, f.intended_use, f.official) == (2021, "t CO2/MWh", gf.PROJECT, False)
            shipped.setdefault(f.country, {})[f.kind] = round(f.value * 1000)
    assert shipped == {c: dict(zip(gf.PROJECT_KINDS, v)) for c, v in IFI.items()}


def test_ember_rows_are_the_non_official_lifecycle_inventory_fallback():
    shipped = {f.country: (f.year, round(f.value * 1000, 2)) for f in gf.grid_factors() if f.publisher.startswith("Ember")}
    assert shipped == EMBER
    for f in gf.grid_factors():
        if f.publisher.startswith("Ember"):
            assert (f.factor_type, f.unit, f.intended_use, f.official) == ("lifecycle_average", "t CO2e/MWh", gf.INVENTORY, False)
            assert "lifecycle" in f.note


def test_no_margin_factor_for_inventories_except_where_the_national_authority_prescribes_it():
    margins = {(f.country, f.official) for f in gf.grid_factors() if f.intended_use == gf.INVENTORY and f.factor_type in gf.MARGINS}
    assert margins == {("VN", True)}


def test_no_lifecycle_or_average_factor_is_offered_to_projects():
    assert all(f.factor_type in gf.MARGINS for f in gf.grid_factors() if f.intended_use == gf.PROJECT)


# --- selection rules -------------------------------------------------------------------------------------

def test_inventory_uses_the_official_factor_of_the_year():
    assert gf.for_inventory("VN", 2019).value == 0.8458
    assert gf.for_inventory("CN", 2022).value == 0.5366


def test_inventory_falls_back_to_the_latest_earlier_official_year_flagged_proxy():
    vn = gf.for_inventory("VN", 2025)
    assert (vn.year, vn.value, vn.official) == (2023, 0.6592, True)
    assert gf.PROXY_YEAR in vn.flags and gf.NOT_OFFICIAL not in vn.flags
    india = gf.for_inventory("IN", 2024)
    assert (india.year, india.value, india.flags) == (2023, 0.727, (gf.PROXY_YEAR,))
    th = gf.for_inventory("TH", 2027)
    assert (th.year, th.value, th.flags) == (2026, 0.4750, (gf.PROXY_YEAR,))


def test_inventory_without_an_official_factor_uses_the_non_official_one_flagged():
    bd = gf.for_inventory("BD", 2024)
    assert (bd.official, bd.factor_type, bd.value) == (False, "lifecycle_average", 0.69463)
    assert bd.flags == (gf.NOT_OFFICIAL, gf.LIFECYCLE)
    ke = gf.for_inventory("KE", 2025)
    assert ke.year == 2024 and ke.flags == (gf.NOT_OFFICIAL, gf.PROXY_YEAR, gf.LIFECYCLE)


def test_an_official_factor_is_never_used_for_an_earlier_year():
    """Thailand's TGO 0.4750 takes effect in 2026: a 2025 inventory gets the flagged fallback, not a future factor."""
    th = gf.for_inventory("TH", 2025)
    assert not th.official and gf.NOT_OFFICIAL in th.flags and th.publisher.startswith("Ember")
    vn = gf.for_inventory("VN", 2010)
    assert not vn.official and gf.NOT_OFFICIAL in vn.flags and gf.PROXY_YEAR in vn.flags


def test_unknown_country_has_no_factor():
    assert gf.for_inventory("LA", 2024) is None
    assert gf.for_projects("LA", "firm") is None


def test_market_based_falls_back_to_the_location_factor_flagged():
    mb = gf.for_market_based("VN", 2023)
    assert mb.value == 0.6592 and mb.flags[-1] == gf.NO_RESIDUAL_MIX


def test_projects_use_the_ifi_margins_flagged_not_official():
    vn = gf.for_projects("VN", "intermittent")
    assert (vn.value, vn.factor_type, vn.official, vn.flags) == (0.493, "combined_margin", False, (gf.NOT_OFFICIAL,))
    assert gf.for_projects("VN", "firm").value == 0.381
    assert gf.for_projects("VN", "operating_margin").value == 0.560
    assert gf.for_projects("ET", "firm").value == 0.0


def test_projects_prefer_the_national_authoritys_margin_of_that_kind():
    india = gf.for_projects("IN", "intermittent")
    assert (india.value, india.official, india.year, india.flags) == (0.861, True, 2023, ())
    firm = gf.for_projects("IN", "firm")        # CEA's own non-solar/wind CM not shipped (sources disagree)
    assert (firm.value, firm.official, firm.flags) == (0.608, False, (gf.NOT_OFFICIAL,))


def test_unknown_project_kind_is_refused():
    with pytest.raises(ValueError):
        gf.for_projects("VN", "average")


def test_data_version_is_file_name_and_hash():
    version = gf.data_version()
    assert version.startswith("grid_factors.csv@") and len(version) == len("grid_factors.csv@") + 12


def test_loader_imports_no_django():
    code = ("import sys, loomlight.reference.grid_factors\n"
            "print(','.join(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
