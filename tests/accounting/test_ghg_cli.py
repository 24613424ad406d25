"""`loomlight ghg`: a CSV of activity data in, scope 1 and 2 per facility and month out, hand-computed.

Shipped factors used below (see src/loomlight/reference/*.csv for their sources):
- NCV (IPCC 2006 Vol 2 Table 1.2): other bituminous coal 25.8 GJ/t, other primary solid biomass
  11.6 GJ/t, gas/diesel oil 43.0 GJ/t; diesel 1,149 L/t (UNSD Energy Statistics Yearbook);
- kg/TJ: coal CO2 94,600 (Table 1.4), CH4 10, N2O 1.5 (Table 2.3); rice husk CO2 100,000 biogenic,
  CH4 30, N2O 4 (Table 2.3, checked against the IPCC Emission Factor Database); diesel CO2 74,100, CH4 3, N2O 0.6;
- GWP AR5: CH4 28, N2O 265;
- grid: VN 2023 0.6592 t CO2/MWh (MONRE/DCC, combined margin, the official inventory factor);
  KH has no official factor: Ember 2024 average 497.46 g CO2e/kWh, flagged.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loomlight.cli import main

HEADER = "facility,country,period,metric,value,unit\n"


def run(tmp_path, rows: str, *args, capsys=None):
    path = tmp_path / "in.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    out = tmp_path / "out.csv"
    code = main(["ghg", str(path), "-o", str(out), *args])
    return code, out


def results(out) -> dict:
    return {(r["facility"], r["period"]): r for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8")))}


def test_scope1_scope2_and_biogenic_per_facility_month(tmp_path):
    code, out = run(tmp_path, (
        "Dyehouse A,VN,2023-01,coal_bituminous,10,t\n"
        "Dyehouse A,VN,2023-01,biomass_rice_husk,5,t\n"
        "Dyehouse A,VN,2023-01,electricity_grid,100,MWh\n"
        "Dyehouse A,VN,2023-01,rec_irec,40,MWh\n"
        "Dyehouse A,VN,2023-01,water_municipal,500,m³\n"
    ))
    assert code == 0
    row = results(out)[("Dyehouse A", "2023-01")]
    # coal: 10 t x 25.8 = 258 GJ; CO2 258 x 94,600 / 1e6 = 24.4068 t; CH4 258 x 10 / 1e6 = 0.00258 t;
    #       N2O 258 x 1.5 / 1e6 = 0.000387 t; CO2e 24.4068 + 0.00258 x 28 + 0.000387 x 265 = 24.581595
    # rice husk: 5 t x 11.6 = 58 GJ; biogenic CO2 58 x 100,000 / 1e6 = 5.8 t; CH4 58 x 30 / 1e6 = 0.00174 t x 28 = 0.04872;
    #            N2O 58 x 4 / 1e6 = 0.000232 t x 265 = 0.06148; scope 1 24.581595 + 0.04872 + 0.06148 = 24.691795
    assert float(row["scope1_tco2e"]) == pytest.approx(24.691795, abs=1e-6)
    assert float(row["biogenic_co2_t"]) == pytest.approx(5.8, abs=1e-6)
    assert float(row["co2_fossil_t"]) == pytest.approx(24.4068, abs=1e-6)
    assert float(row["ch4_t"]) == pytest.approx(0.00258 + 0.00174, abs=1e-6)      # 0.00432
    assert float(row["n2o_t"]) == pytest.approx(0.000619, abs=1e-6)
    # electricity: 100 MWh x 0.6592 = 65.92 t location-based; market: 60 MWh not covered by I-RECs x 0.6592 = 39.552 t
    assert float(row["scope2_location_tco2e"]) == pytest.approx(65.92, abs=1e-6)
    assert float(row["scope2_market_tco2e"]) == pytest.approx(39.552, abs=1e-6)
    assert (row["gwp"], row["country"]) == ("AR5", "VN")
    for flag in ("no residual mix", "margin factor"):
        assert flag in row["flags"]
    assert "no CH4 factor" not in row["flags"]   # Table 2.3's 30 kg/TJ is shipped (issue 13)


def test_diesel_in_litres_and_a_country_without_an_official_grid_factor(tmp_path):
    code, out = run(tmp_path, (
        "Mill K,KH,2024-03,fuel_diesel,1000,L\n"
        "Mill K,KH,2024-03,electricity_grid,10000,kWh\n"
    ), "--gwp", "AR5")
    assert code == 0
    row = results(out)[("Mill K", "2024-03")]
    gj = 1000 / 1149 * 43.0                                  # 37.4238 GJ
    expected = gj * 74_100 / 1e6 + gj * 3 / 1e6 * 28 + gj * 0.6 / 1e6 * 265   # 2.7822 t CO2e
    assert float(row["scope1_tco2e"]) == pytest.approx(expected, abs=1e-6)
    assert float(row["scope1_tco2e"]) == pytest.approx(2.7822, abs=1e-4)
    # 10 MWh x 0.49746 t/MWh (Ember 2024, lifecycle basis, not official) = 4.9746 t
    assert float(row["scope2_location_tco2e"]) == pytest.approx(4.9746, abs=1e-6)
    assert "not official" in row["flags"]


def test_gwp_set_and_json_output_with_the_explanation(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text(HEADER + "A,VN,2023-01,coal_bituminous,10,t\n", encoding="utf-8")
    out = tmp_path / "out.json"
    assert main(["ghg", str(path), "--gwp", "AR4", "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    row = data["results"][0]
    # AR4: 24.4068 + 0.00258 x 25 (0.0645) + 0.000387 x 298 (0.115326) = 24.586626
    assert row["scope1_tco2e"] == pytest.approx(24.586626, abs=1e-6)
    explanation = row["explanation"]["coal_bituminous"]
    assert explanation["gwp_set"] == "AR4"
    assert any("Table 1.4" in f["source"] for f in explanation["factors"] if f["name"].startswith("CO2"))
    assert data["factors_version"].startswith("fuel_properties.csv@")


def test_a_bad_row_is_named_and_nothing_is_written(tmp_path, capsys):
    code, out = run(tmp_path, (
        "A,VN,2023-01,electricity_grid,100,MWh\n"
        "A,VN,2023-02,electricity_grid,100,kg\n"
        "A,VN,2023-13,electricity_grid,100,kWh\n"
        "A,VN,2023-04,coal_bituminous,-3,t\n"
        "A,VN,2023-05,unknown_metric,1,kWh\n"
    ))
    assert code == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "row 3, column unit" in err and "row 4, column period" in err
    assert "row 5, column value" in err and "row 6, column metric" in err
    assert "nothing was written" in err


@pytest.mark.parametrize("country", ["XX", "xx", "ZZ"])
def test_an_unknown_country_is_refused_by_row_and_column_and_nothing_is_written(tmp_path, capsys, country):
    # given a file whose third row names a country that reference/countries.csv does not list
    code, out = run(tmp_path, (
        "A,VN,2023-01,electricity_grid,100,MWh\n"
        f"B,{country},2023-01,electricity_grid,100,MWh\n"
    ))
    # then the command refuses it like any bad row (exit 2, row and column named) and writes nothing
    assert code == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"row 3, column country: “{country}” is not a country of reference/countries.csv: give one of AT, BD, CH, CN, "
        "DE, EG, ET, GB, ID, IN, JP, KE, KH, LA, LK, MA, MM, MX, NL, PK, SE, TH, TR, US, VN",
        "loomlight ghg: 1 problem(s) in " + str(tmp_path / "in.csv") + "; nothing was written"]


def test_a_known_country_without_a_grid_factor_leaves_scope_2_blank_with_its_flag(tmp_path):
    # given Lao PDR (in reference/countries.csv, no grid factor shipped): a month with electricity and
    # coal, a month with coal only, and a month with I-RECs only
    rows = ("L,LA,2024-01,electricity_grid,100,MWh\n"
            "L,LA,2024-01,coal_bituminous,10,t\n"
            "L,LA,2024-02,coal_bituminous,10,t\n"
            "L,LA,2024-03,rec_irec,5,MWh\n")
    code, out = run(tmp_path, rows)
    assert code == 0
    found = results(out)
    january, february, march = found[("L", "2024-01")], found[("L", "2024-02")], found[("L", "2024-03")]
    # then scope 2 of January and March cannot be counted: both cells are empty (never 0), with the flag
    for month in (january, march):
        assert (month["scope2_location_tco2e"], month["scope2_market_tco2e"]) == ("", "")
        assert "no grid emission factor for LA: scope 2 not counted" in month["flags"]
    # scope 1 is counted as anywhere: 10 t of coal = 24.581595 t CO2e (AR5, see test_scope1_scope2_and_biogenic_per_facility_month)
    assert january["scope1_tco2e"] == "24.581595"
    # February bought no electricity: its scope 2 is counted, and is zero
    assert (february["scope2_location_tco2e"], february["scope2_market_tco2e"]) == ("0.000000", "0.000000")
    assert "scope 2 not counted" not in february["flags"]
    # and the header and column order are the command's contract, unchanged
    assert out.read_text(encoding="utf-8").splitlines()[0] == (
        "facility,country,period,scope1_tco2e,scope2_location_tco2e,scope2_market_tco2e,biogenic_co2_t,co2_fossil_t,"
        "ch4_t,n2o_t,gwp,factors_version,flags")

    # the same in JSON: null, not 0
    path = tmp_path / "in.csv"
    json_out = tmp_path / "out.json"
    assert main(["ghg", str(path), "--format", "json", "-o", str(json_out)]) == 0
    by_period = {r["period"]: r for r in json.loads(json_out.read_text(encoding="utf-8"))["results"]}
    assert (by_period["2024-01"]["scope2_location_tco2e"], by_period["2024-01"]["scope2_market_tco2e"]) == (None, None)
    assert (by_period["2024-03"]["scope2_location_tco2e"], by_period["2024-03"]["scope2_market_tco2e"]) == (None, None)
    assert by_period["2024-02"]["scope2_location_tco2e"] == 0.0
    assert by_period["2024-01"]["scope1_tco2e"] == pytest.approx(24.581595, abs=1e-9)


def test_a_hostile_unit_is_a_row_error_at_once(tmp_path, capsys):
    import time

    started = time.perf_counter()
    code, out = run(tmp_path, "A,VN,2023-01,electricity_grid,1,kWh*9**9**9\n")
    assert time.perf_counter() - started < 2.0   # before the allow-list: more than 25 minutes
    assert code == 2 and not out.exists()
    assert capsys.readouterr().err.startswith("row 2, column unit: Unknown unit “kWh*9**9**9”: use a unit such as kWh")


def test_missing_columns_and_unknown_factors_version(tmp_path, capsys):
    path = tmp_path / "in.csv"
    path.write_text("facility,period,metric,value,unit\nA,2023-01,coal_bituminous,1,t\n", encoding="utf-8")
    assert main(["ghg", str(path)]) == 2
    assert "missing column(s) country" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "A,VN,2023-01,coal_bituminous,1,t\n", encoding="utf-8")
    assert main(["ghg", str(good), "--factors-version", "emission_factors.csv@000000000000"]) == 2
    assert "is not shipped here" in capsys.readouterr().err


def test_list_metrics(capsys):
    assert main(["ghg", "--list-metrics"]) == 0
    out = capsys.readouterr().out
    assert "fuel_diesel\tGJ" in out and "L, m³, US gallon" in out


def test_every_unit_list_metrics_offers_is_accepted(tmp_path):
    # the units --list-metrics names as examples are units the command takes (it named "US_gallon", which it refused)
    from loomlight.accounting.cli import EXAMPLE_UNITS
    from loomlight.calc.units import parse_unit

    for units in EXAMPLE_UNITS.values():
        for unit in units.split(", "):
            parse_unit(unit)
    code, out = run(tmp_path, "A,VN,2023-01,fuel_diesel,264.172052,US gallon\n")
    # 264.172052 US gal x 3.785411784 L = 1000.000 L; / 1149 L/t x 43.0 GJ/t = 37.4238 GJ; CO2 x 74,100 kg/TJ = 2.7731 t
    assert code == 0
    assert float(results(out)[("A", "2023-01")]["co2_fossil_t"]) == pytest.approx(1000 / 1149 * 43.0 * 74_100 / 1e6, rel=1e-6)


@settings(max_examples=25, deadline=None)
@given(st.floats(min_value=0.001, max_value=1e5, allow_nan=False))
def test_the_same_coal_in_tonnes_kg_or_gj_gives_the_same_tonnes(tmp_path_factory, tonnes):
    tmp = tmp_path_factory.mktemp("same")
    rows = (f"t,VN,2023-01,coal_bituminous,{tonnes!r},t\n"
            f"kg,VN,2023-01,coal_bituminous,{tonnes * 1000!r},kg\n"
            f"gj,VN,2023-01,coal_bituminous,{tonnes * 25.8!r},GJ\n")
    code, out = run(tmp, rows)
    assert code == 0
    found = results(out)
    values = [float(found[(f, "2023-01")]["scope1_tco2e"]) for f in ("t", "kg", "gj")]
    assert values[1] == pytest.approx(values[0], rel=1e-9, abs=1e-6)
    assert values[2] == pytest.approx(values[0], rel=1e-9, abs=1e-6)
