"""The portfolio inventory equals the per-facility calculation, and its KPIs are hand-computed.

Factors used by hand below (sources in src/loomlight/reference/*.csv):
- other bituminous coal: CO2 94,600, CH4 10, N2O 1.5 kg/TJ (IPCC 2006 Vol 2 Table 1.4 / Table 2.3);
- rice husk ("other primary solid biomass"): CO2 100,000 kg/TJ biogenic, CH4 30, N2O 4 kg/TJ (Table 2.3);
- GWP AR5: CH4 28, N2O 265 (IPCC AR5 WG1 Table 8.7);
- grid VN 2023: 0.6592 t CO2/MWh (MONRE/DCC).
"""

from __future__ import annotations

import datetime
import math

import ibis
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loomlight.accounting.inventory import Activity, facility_month, group
from loomlight.analytics import engines, portfolio
from tests.analytics.portfolio_data import portfolio as make_portfolio

JAN = datetime.date(2023, 1, 1)


def table(rows):
    return pa.table({
        "facility_id": pa.array([r[0] for r in rows], pa.int64()),
        "period": pa.array([r[1] for r in rows], pa.date32()),
        "metric": pa.array([r[2] for r in rows], pa.string()),
        "amount": pa.array([float(r[3]) for r in rows], pa.float64()),
    })


FACILITIES = pa.table({"facility_id": pa.array([1, 2], pa.int64()), "country": ["VN", "VN"], "park": ["A", "A"]})


@pytest.mark.parametrize("gwp_set", ["AR4", "AR5", "AR6"])
def test_inventory_equals_the_per_facility_calculation(duckdb_engine, gwp_set):
    activity, facilities, _ = make_portfolio(seed=11)
    mine = engines.compute(duckdb_engine, activity, facilities, gwp_set=gwp_set).to_pylist()
    country = dict(zip(facilities.column("facility_id").to_pylist(), facilities.column("country").to_pylist()))
    acts = [Activity(str(r["facility_id"]), country[r["facility_id"]], r["period"], r["metric"], r["amount"], "")
            for r in activity.to_pylist()]
    theirs = {(int(m.facility), m.period): facility_month(m, gwp_set=gwp_set, uncounted=None) for m in group(acts)}
    assert len(mine) == len(theirs)
    for row in mine:
        calc = theirs[(row["facility_id"], row["period"])]
        for column in ("scope1_tco2e", "scope2_location_tco2e", "scope2_market_tco2e", "biogenic_co2_t",
                       "co2_fossil_t", "ch4_t", "n2o_t"):
            if calc[column] is None:   # scope 2 not counted (no grid factor): null in both, never 0
                assert row[column] is None, (row["facility_id"], column)
                continue
            assert math.isclose(row[column], calc[column], rel_tol=1e-9, abs_tol=1e-12), (row["facility_id"], column)
    assert any(r["scope2_location_tco2e"] is None for r in mine)   # the portfolio has a country without a factor


def test_hand_computed_month_and_kpis(duckdb_engine):
    activity = table([
        (1, JAN, "coal_bituminous", 258),            # 10 t x 25.8 GJ/t
        (1, JAN, "biomass_rice_husk", 58),           # 5 t x 11.6 GJ/t
        (1, JAN, "electricity_grid", 100_000),       # kWh
        (1, JAN, "electricity_solar_self_consumed", 20_000),
        (1, JAN, "rec_irec", 40),                    # MWh
        (1, JAN, "water_municipal", 500), (1, JAN, "water_recycled", 100),
        (1, JAN, "waste_nonhazardous_recycled", 300), (1, JAN, "waste_nonhazardous_landfilled", 100),
        (1, JAN, "production_kg", 10_000),
    ])
    row = engines.compute(duckdb_engine, activity, FACILITIES).to_pylist()[0]
    # coal: CO2 258 x 94,600 / 1e6 = 24.4068 t; CH4 258 x 10 / 1e6 = 0.00258 t; N2O 258 x 1.5 / 1e6 = 0.000387 t
    # rice husk: CO2 58 x 100,000 / 1e6 = 5.8 t biogenic; CH4 58 x 30 / 1e6 = 0.00174 t; N2O 58 x 4 / 1e6 = 0.000232 t
    # scope 1 = 24.4068 + (0.00258 + 0.00174) x 28 + (0.000387 + 0.000232) x 265 = 24.4068 + 0.12096 + 0.164035 = 24.691795
    assert row["scope1_tco2e"] == pytest.approx(24.691795, rel=1e-12)
    assert row["biogenic_co2_t"] == pytest.approx(5.8, rel=1e-12)
    assert row["ch4_t"] == pytest.approx(0.00432, rel=1e-12)
    assert row["n2o_t"] == pytest.approx(0.000619, rel=1e-12)
    # scope 2: 100 MWh x 0.6592 = 65.92 t (location); (100 - 40) MWh x 0.6592 = 39.552 t (market)
    assert row["scope2_location_tco2e"] == pytest.approx(65.92, rel=1e-12)
    assert row["scope2_market_tco2e"] == pytest.approx(39.552, rel=1e-12)
    assert row["grid_flags"] == "margin factor"
    # energy: 258 + 58 + (100,000 + 20,000) kWh x 0.0036 = 316 + 432 = 748 GJ; renewable 58 + 72 = 130 GJ
    assert row["energy_gj"] == pytest.approx(748, rel=1e-12)
    assert row["renewable_gj"] == pytest.approx(130, rel=1e-12)
    kpi = engines.compute(duckdb_engine, activity, FACILITIES, by=["park"], grain="year").to_pylist()[0]
    assert kpi["renewable_share"] == pytest.approx(130 / 748, rel=1e-12)
    # with the 40 MWh of I-RECs: (130 + 40 x 3.6) / 748 = 274 / 748
    assert kpi["renewable_share_with_instruments"] == pytest.approx(274 / 748, rel=1e-12)
    assert kpi["renewable_electricity_share"] == pytest.approx(20_000 / 120_000, rel=1e-12)
    assert kpi["water_withdrawn_m3"] == 500 and kpi["water_recycled_m3"] == 100
    assert kpi["diversion_rate"] == pytest.approx(0.75, rel=1e-12)                  # 300 / 400
    # (24.691795 + 65.92) t / 10,000 kg; 748 GJ / 10,000 kg; 500 m³ / 10,000 kg
    assert kpi["tco2e_per_kg"] == pytest.approx(90.611795 / 10_000, rel=1e-12)
    assert kpi["energy_gj_per_kg"] == pytest.approx(0.0748, rel=1e-12)
    assert kpi["water_m3_per_kg"] == pytest.approx(0.05, rel=1e-12)
    assert kpi["tco2e_per_piece"] is None                                            # no output in pieces


def test_intensity_counts_only_months_that_report_that_output(duckdb_engine):
    feb = datetime.date(2023, 2, 1)
    activity = table([
        (1, JAN, "electricity_grid", 10_000), (1, JAN, "production_kg", 1_000),
        (1, feb, "electricity_grid", 10_000),                                  # no output reported in February
        (2, JAN, "electricity_grid", 30_000), (2, JAN, "production_pieces", 500),
    ])
    kpi = engines.compute(duckdb_engine, activity, FACILITIES, by=["park"], grain="year").to_pylist()[0]
    # kg: January of facility 1 only: 10 MWh x 0.6592 = 6.592 t / 1,000 kg
    assert kpi["tco2e_per_kg"] == pytest.approx(0.006592, rel=1e-12)
    # pieces: 30 MWh x 0.6592 = 19.776 t / 500 pieces
    assert kpi["tco2e_per_piece"] == pytest.approx(0.039552, rel=1e-12)
    assert kpi["total_location_tco2e"] == pytest.approx(50 * 0.6592, rel=1e-12)


def test_year_on_year_against_the_year_before_only(duckdb_engine):
    rows = [(1, datetime.date(2021, 1, 1), "electricity_grid", 100_000),
            (1, datetime.date(2022, 1, 1), "electricity_grid", 80_000),
            (1, datetime.date(2024, 1, 1), "electricity_grid", 50_000)]      # 2023 missing
    inputs = {n: ibis.memtable(t) for n, t in engines.inputs(table(rows), FACILITIES).items()}
    inv = portfolio.inventory(inputs["activity"], inputs["facilities"], inputs["metrics"], inputs["grid"])
    yearly = portfolio.rollup(inv, ["facility_id"], grain="year")
    out = {r["year"]: r for r in duckdb_engine.to_pyarrow(
        portfolio.year_on_year(yearly, ["facility_id"], ["grid_kwh"])).to_pylist()}
    assert out[2021]["grid_kwh_change"] is None
    assert out[2022]["grid_kwh_change"] == pytest.approx(-0.2)            # (80,000 - 100,000) / 100,000
    assert out[2024]["grid_kwh_change"] is None                           # no 2023 to compare with


def test_no_grid_factor_counts_nothing_and_says_so(duckdb_engine):
    """Electricity in a country without a grid factor: scope 2 is null (not counted), never 0; a month without
    electricity there has a counted scope 2 of 0; a sum adds what was counted and says how much was not."""
    facilities = pa.table({"facility_id": pa.array([1], pa.int64()), "country": ["FR"]})
    feb = datetime.date(2023, 2, 1)
    activity = table([(1, JAN, "electricity_grid", 5_000), (1, feb, "water_municipal", 10)])
    rows = {r["period"]: r for r in engines.compute(duckdb_engine, activity, facilities).to_pylist()}
    assert rows[JAN]["scope2_location_tco2e"] is None and rows[JAN]["scope2_market_tco2e"] is None
    assert rows[JAN]["scope2_uncounted_kwh"] == 5_000
    assert rows[JAN]["grid_flags"] == "no grid emission factor"
    assert rows[feb]["scope2_location_tco2e"] == 0 and rows[feb]["scope2_uncounted_kwh"] == 0
    inputs = {n: ibis.memtable(t) for n, t in engines.inputs(activity, facilities).items()}
    inv = portfolio.inventory(inputs["activity"], inputs["facilities"], inputs["metrics"], inputs["grid"])
    year = duckdb_engine.to_pyarrow(portfolio.rollup(inv, ["facility_id"], grain="year")).to_pylist()[0]
    assert year["scope2_location_tco2e"] == 0 and year["total_location_tco2e"] == 0   # February's counted zero
    assert year["scope2_uncounted_kwh"] == 5_000                                     # and what was left out


def test_unknown_grain_is_refused():
    with pytest.raises(ValueError, match="grain"):
        portfolio.rollup(ibis.table({"facility_id": "int64"}, name="t"), grain="week")


amounts = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(coal=amounts, diesel=amounts, kwh=amounts, irec=amounts)
def test_doubling_activity_doubles_emissions_and_zero_rows_add_nothing(duckdb_engine, coal, diesel, kwh, irec):
    base = [(1, JAN, "coal_bituminous", coal), (1, JAN, "fuel_diesel", diesel), (1, JAN, "electricity_grid", kwh),
            (1, JAN, "rec_irec", irec)]
    once = engines.compute(duckdb_engine, table(base), FACILITIES).to_pylist()[0]
    twice = engines.compute(duckdb_engine, table([(f, p, m, 2 * a) for f, p, m, a in base]), FACILITIES).to_pylist()[0]
    zeros = engines.compute(duckdb_engine, table(base + [(1, JAN, "fuel_lpg", 0), (1, JAN, "rec_ppa", 0)]),
                            FACILITIES).to_pylist()[0]
    for column in ("scope1_tco2e", "scope2_location_tco2e", "scope2_market_tco2e", "energy_gj"):
        assert twice[column] == pytest.approx(2 * once[column], rel=1e-9, abs=1e-12)
        assert zeros[column] == pytest.approx(once[column], rel=1e-12, abs=1e-12)
