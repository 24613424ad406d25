"""interventions.baseline: a facility's own yearly quantities from its stored months, the last full year by
default, a gap as a gap, the prices of its country and the grid factor its inventory uses."""

from __future__ import annotations

import datetime

import pytest

from loomlight.interventions.baseline import baseline_for
from loomlight.reference import grid_factors
from loomlight.reporting.models import ActivityValue, ReportingPeriod

TODAY = datetime.date(2026, 3, 1)   # 2025's December was due on 2026-01-20: 2025 is over


def _value(facility, year, month, metric, value, unit):
    ActivityValue.objects.create(facility=facility, period=datetime.date(year, month, 1), metric=metric, value=value,
                                 unit=unit, original_value=value, original_unit=unit, source="form")


@pytest.fixture
def history(world):
    """Own Dyehouse: 2024 complete (electricity 1,000 × month kWh, 12 months; municipal water 100 m³ in 10 months,
    none in November and December), 3 months verified and 9 submitted; 2025 only January to June."""
    own = world.own
    for month in range(1, 13):
        _value(own, 2024, month, "electricity_grid", 1000.0 * month, "kWh")
        if month <= 10:
            _value(own, 2024, month, "water_municipal", 100.0, "m³")
        ReportingPeriod.objects.create(facility=own, period=datetime.date(2024, month, 1),
                                       status="verified" if month <= 3 else "submitted")
    for month in range(1, 7):
        _value(own, 2025, month, "electricity_grid", 500.0, "kWh")
    return own


def test_the_last_full_year_is_the_default_and_a_gap_stays_a_gap(history):
    # given 2024 complete and 2025 with six months; when the baseline is asked without a year
    baseline = baseline_for(history, today=TODAY, deadline_day=20)
    # then it is 2024, said to be the last complete year, with its 12 months and their states
    assert (baseline.year, baseline.reason, baseline.months, baseline.complete) == (2024, "last_complete", 12, True)
    assert baseline.states == {"verified": 3, "submitted": 9, "draft": 0}
    # electricity: Σ 1,000 × (1 + 2 + … + 12) = 1,000 × 78 = 78,000 kWh, no gap
    electricity = baseline.metrics["electricity_grid"]
    assert (electricity.quantity, electricity.unit, electricity.months, electricity.missing, electricity.gap) == (
        78000.0, "kWh", 12, (), False)
    # water: 10 months × 100 m³ = 1,000 m³, never extrapolated to 1,200: the two missing months are named
    water = baseline.metrics["water_municipal"]
    assert (water.quantity, water.months, water.missing, water.gap) == (1000.0, 10, ("2024-11", "2024-12"), True)


def test_the_grid_factor_is_the_one_the_inventory_uses(history):
    baseline = baseline_for(history, today=TODAY, deadline_day=20)
    factor = grid_factors.for_inventory("VN", 2024)
    assert baseline.grid_factor == {"value": factor.value, "unit": factor.unit, "type": factor.factor_type,
                                    "source": factor.citation(), "year": factor.year, "flags": list(factor.flags)}


def test_a_year_asked_for_is_given_as_it_is(history):
    # 2025: six months of electricity (6 × 500 = 3,000 kWh), incomplete, no water at all
    baseline = baseline_for(history, 2025, today=TODAY, deadline_day=20)
    assert (baseline.year, baseline.reason, baseline.months, baseline.complete) == (2025, "requested", 6, False)
    assert baseline.states == {"verified": 0, "submitted": 0, "draft": 6}   # months without a period row are drafts
    electricity = baseline.metrics["electricity_grid"]
    assert (electricity.quantity, electricity.months, electricity.gap) == (3000.0, 6, True)
    assert electricity.missing == tuple(f"2025-{m:02d}" for m in range(7, 13))
    assert set(baseline.metrics) == {"electricity_grid"}


def test_without_a_complete_year_the_latest_year_is_said_incomplete(world):
    for month in (1, 2, 3):
        _value(world.neighbour, 2025, month, "electricity_grid", 10.0, "kWh")
    baseline = baseline_for(world.neighbour, today=TODAY, deadline_day=20)
    assert (baseline.year, baseline.reason, baseline.months, baseline.complete) == (2025, "latest", 3, False)


def test_a_facility_without_data_has_no_year(world):
    baseline = baseline_for(world.outside, today=TODAY, deadline_day=20)
    assert (baseline.year, baseline.reason, baseline.months, baseline.metrics, baseline.grid_factor) == (None, "none", 0, {}, None)


def test_a_year_not_over_is_not_complete_even_with_twelve_months(world):
    # given all 12 months of 2025 stored; when today is 2026-01-10, before December's deadline (the 20th)
    for month in range(1, 13):
        _value(world.neighbour, 2025, month, "electricity_grid", 10.0, "kWh")
    baseline = baseline_for(world.neighbour, today=datetime.date(2026, 1, 10), deadline_day=20)
    # then 2025 is the latest year, not a complete one
    assert (baseline.year, baseline.reason, baseline.complete) == (2025, "latest", False)


def test_prices_of_the_country_and_year_and_a_missing_price_is_none(history):
    baseline = baseline_for(history, today=TODAY, deadline_day=20)
    electricity, water = baseline.metrics["electricity_grid"], baseline.metrics["water_municipal"]
    # EVN's average retail price from 11 October 2024, 2,103.11 VND/kWh (reference/energy_prices.csv), of the year itself
    assert (electricity.price, electricity.price_unit, electricity.price_currency, electricity.price_year,
            electricity.price_flags) == (2103.11, "VND/kWh", "VND", 2024, ())
    assert electricity.price_source.startswith("EVN adjustment of the average retail electricity price")
    # the only Vietnamese water tariff shipped is Ho Chi Minh City's for production units of 2022 (Decision
    # 25/2019/QĐ-UBND, 12,100 VND/m³; reference/energy_prices.csv): it answers for 2024 flagged "proxy year", and
    # says whose tariff it is
    assert (water.price, water.price_unit, water.price_year, water.price_flags, water.price_region) == (
        12100.0, "VND/m³", 2022, ("proxy_year",), "Ho Chi Minh City")


def test_a_price_of_an_earlier_year_is_flagged_proxy_year(world):
    for month in range(1, 13):
        _value(world.neighbour, 2026, month, "electricity_grid", 10.0, "kWh")
    baseline = baseline_for(world.neighbour, 2026, today=datetime.date(2027, 3, 1), deadline_day=20)
    electricity = baseline.metrics["electricity_grid"]
    # 2026 has no shipped price: the latest earlier one (2025, 2,204.0655 VND/kWh) answers, flagged
    assert (electricity.price, electricity.price_year, electricity.price_flags) == (2204.0655, 2025, ("proxy_year",))


def test_a_price_not_shipped_is_none_never_zero(history):
    # given 2024's LPG at the Vietnamese facility: the only Vietnamese LPG price shipped is of 2025
    # (reference/energy_prices.csv), and a later year never answers for an earlier one
    for month in range(1, 13):
        _value(history, 2024, month, "fuel_lpg", 50.0, "kg")
    lpg = baseline_for(history, today=TODAY, deadline_day=20).metrics["fuel_lpg"]
    # then the quantity is there and the price is a gap for the user to fill
    assert (lpg.quantity, lpg.price, lpg.price_unit, lpg.price_year, lpg.price_region) == (600.0, None, "", None, "")


def test_a_fuel_priced_per_litre_is_priced_per_gj_as_its_months_were_converted(history):
    # given 2024's diesel stored in GJ (the metric's canonical unit) and Viet Nam's diesel price published per litre
    # (18,630 VND/L in force on 31 December 2024, reference/energy_prices.csv)
    for month in range(1, 13):
        _value(history, 2024, month, "fuel_diesel", 10.0, "GJ")
    diesel = baseline_for(history, today=TODAY, deadline_day=20).metrics["fuel_diesel"]
    # then the price is per GJ through the shipped NCV 43.0 GJ/t (IPCC 2006 Table 1.2) and 1,149 L/t (UN Statistics
    # Division): 1 GJ = 1149 / 43.0 = 26.7209 L, so 18,630 × 26.7209 = 497,810.47 VND/GJ, and says so
    assert diesel.price == pytest.approx(18630 * 1149 / 43.0, rel=1e-9)
    assert (diesel.price_unit, diesel.price_converted_from) == ("VND/GJ", "18630 VND/L")
    assert diesel.price_conversion.startswith("1 GJ = 26.72 L (IPCC (2006)")
    assert "price_converted" in diesel.price_flags
