"""The portfolio expressions give the same results on DuckDB, Spark and PostgreSQL.

One seeded portfolio (tests/analytics/portfolio_data.py: every catalogue metric, gaps, zeros,
instruments beyond purchases, a country without a grid factor, a facility in two programmes) is
computed on each engine: the inventory per facility and month, rollups by park and process per
year, by country per month, by programme (a bridge table) per year, the whole portfolio, and
year-on-year change. Every value must agree with DuckDB's to 1e-9 (relative): floating-point sums
in a parallel engine are not added in one fixed order, so the last bits may differ; nulls must be
null on every engine.
"""

from __future__ import annotations

import datetime
import math

import ibis
import pytest

from loomlight.analytics import engines, portfolio
from tests.analytics.portfolio_data import portfolio as make_portfolio

ACTIVITY, FACILITIES, PROGRAMMES = make_portfolio()


def queries():
    inputs = {name: ibis.memtable(table) for name, table in engines.inputs(ACTIVITY, FACILITIES).items()}
    inv = portfolio.inventory(inputs["activity"], inputs["facilities"], inputs["metrics"], inputs["grid"])
    dims = ibis.memtable(FACILITIES)
    by_park = portfolio.rollup(inv, ["park", "process"], grain="year", dims=dims)
    return {
        "inventory": (inv, ["facility_id", "period"]),
        "park-process-year": (by_park, ["park", "process", "year"]),
        "country-month": (portfolio.rollup(inv, ["country"], grain="month"), ["country", "period"]),
        "programme-year": (portfolio.rollup(inv, ["programme"], grain="year", dims=ibis.memtable(PROGRAMMES)),
                           ["programme", "year"]),
        "portfolio": (portfolio.rollup(inv, grain="all"), []),
        "yoy": (portfolio.year_on_year(by_park, ["park", "process"], ["total_location_tco2e", "energy_gj_per_kg"]),
                ["park", "process", "year"]),
        "resum-park-process-year": (portfolio.kpis(portfolio.resum(
            portfolio.sums(inv, ["facility_id"], grain="year"), ["park", "process"], grain="year", dims=dims)),
            ["park", "process", "year"]),
    }


def run(con) -> dict[str, list[dict]]:
    out = {}
    for name, (expr, keys) in queries().items():
        rows = con.to_pyarrow(expr).to_pylist()
        out[name] = sorted(rows, key=lambda r: tuple(r[k] for k in keys))
    return out


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def assert_same(reference: dict, other: dict, engine: str):
    for name, rows in reference.items():
        theirs = other[name]
        assert len(theirs) == len(rows), f"{engine} {name}: {len(theirs)} rows, DuckDB {len(rows)}"
        for mine, their in zip(rows, theirs):
            assert set(their) == set(mine), f"{engine} {name}: columns differ"
            wrong = {c: (mine[c], their[c]) for c in mine if not same(mine[c], their[c])}
            assert not wrong, f"{engine} {name} row {mine.get('facility_id') or mine}: {wrong}"


@pytest.fixture(scope="module")
def reference(duckdb_engine):
    return run(duckdb_engine)


def test_the_reference_run_is_not_trivial(reference):
    inventory = reference["inventory"]
    assert len(inventory) > 500
    assert {r["country"] for r in inventory} >= {"VN", "FR"}
    assert any(r["scope2_uncounted_kwh"] > 0 for r in inventory if r["country"] == "FR")
    assert any(r["instrument_unused_mwh"] > 0 for r in inventory)
    assert any(r["biogenic_co2_t"] > 0 for r in inventory)
    assert {r["programme"] for r in reference["programme-year"]} == {"MSMA", "TEST", "INSTEP"}
    assert any(r["total_location_tco2e_change"] is not None for r in reference["yoy"])
    assert any(r["total_location_tco2e_change"] is None for r in reference["yoy"])   # the first year
    assert isinstance(inventory[0]["period"], datetime.date)


def test_spark_gives_the_same_results(reference, spark_engine):
    assert_same(reference, run(spark_engine), "Spark")


def test_postgres_gives_the_same_results(reference, postgres_engine):
    assert_same(reference, run(postgres_engine), "PostgreSQL")


def test_partial_sums_add_up_to_the_same_rollup(reference):
    """A facility's year stored as partial sums, added up by park and process, is the rollup of the months."""
    assert_same({"park-process-year": reference["park-process-year"]},
                {"park-process-year": reference["resum-park-process-year"]}, "resum")


def test_the_comparison_catches_a_difference(reference):
    changed = {name: [dict(r) for r in rows] for name, rows in reference.items()}
    changed["inventory"][3]["scope1_tco2e"] *= 1 + 1e-6
    with pytest.raises(AssertionError, match="scope1_tco2e"):
        assert_same(reference, changed, "changed")
