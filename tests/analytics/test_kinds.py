"""Every column the portfolio engine produces knows the data kinds it is made from (``analytics.kinds``), so
that no derived figure can reach a viewer without its kinds being checked; and the rule reads as the docs say:
GHG figures are "ghg", resource amounts "environmental", intensities of emissions both."""

from __future__ import annotations

import ibis

from loomlight.analytics import kinds, portfolio
from loomlight.analytics.columns import INVENTORY_COLUMNS


def _inventory() -> ibis.Table:
    types = {"facility_id": "int64", "period": "date", "year": "int64", "country": "string", "grid_flags": "string"}
    return ibis.table({c: types.get(c, "float64") for c in INVENTORY_COLUMNS}, name="inventory")


def test_every_column_of_every_portfolio_output_has_its_kinds():
    inv = _inventory()
    dims = ibis.table({"facility_id": "int64", "facility": "string", "park": "string", "process": "string"}, name="dims")
    yearly = portfolio.rollup(inv, ["facility_id"], grain="year")
    outputs = [inv, portfolio.sums(inv, ["park"], grain="month", dims=dims), portfolio.rollup(inv, ["process"], dims=dims),
               portfolio.kpis(portfolio.resum(portfolio.sums(inv, ["facility_id"], grain="year"), ["park"], dims=dims)),
               portfolio.year_on_year(yearly, ["facility_id"], ["total_location_tco2e", "water_m3_per_kg"])]
    unknown = sorted({c for t in outputs for c in t.columns if kinds.of(c) is None})
    assert unknown == []


def test_the_kinds_of_figures():
    assert kinds.of("scope1_tco2e") == {"ghg"} and kinds.of("total_market_tco2e") == {"ghg"}
    assert kinds.of("water_withdrawn_m3") == {"environmental"} and kinds.of("renewable_share") == {"environmental"}
    assert kinds.of("tco2e_per_kg") == {"ghg", "environmental"}     # emissions per unit of output: both
    assert kinds.of("energy_gj_per_pair") == {"environmental"}
    assert kinds.of("total_location_tco2e_change") == {"ghg"}        # a comparison has the kinds of what it compares
    assert kinds.of("facility_id") == frozenset() and kinds.of("no_such_column") is None


def test_a_viewer_sees_only_columns_of_the_kinds_granted():
    row = {"facility_id": 7, "scope1_tco2e": 4.2, "water_withdrawn_m3": 500.0, "tco2e_per_kg": 0.001, "secret": 1}
    assert kinds.redact(row, {"profile", "ghg"}) == {"facility_id": 7, "scope1_tco2e": 4.2}
    assert kinds.redact(row, {"environmental"}) == {"facility_id": 7, "water_withdrawn_m3": 500.0}
    assert kinds.redact(row, {"ghg", "environmental"}) == {"facility_id": 7, "scope1_tco2e": 4.2,
                                                           "water_withdrawn_m3": 500.0, "tco2e_per_kg": 0.001}
    assert kinds.readable(["tco2e_per_kg", "scope1_tco2e", "unknown"], {"ghg"}) == ["scope1_tco2e"]


def test_rows_of_a_query_are_redacted_alike():
    rows = [{"facility_id": 1, "scope1_tco2e": 1.0, "waste_kg": 5.0}, {"facility_id": 2, "scope1_tco2e": 2.0, "waste_kg": 6.0},
            {"facility_id": 3, "water_withdrawn_m3": 7.0}]   # another shape: decided again
    assert kinds.redact_rows(rows, {"ghg"}) == [{"facility_id": 1, "scope1_tco2e": 1.0},
                                                {"facility_id": 2, "scope1_tco2e": 2.0}, {"facility_id": 3}]
    assert kinds.redact_rows(rows, {"ghg", "environmental"}) == rows
