"""The facility dashboard: the year's KPIs against the year before, hand-computed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from loomlight.reporting.dashboard import facility_dashboard
from loomlight.reporting.models import ActivityValue


def _month(world, year, metric, value, unit, months=range(1, 13)):
    return [ActivityValue(facility=world.own, period=datetime.date(year, m, 1), metric=metric, value=value, unit=unit,
                          original_value=value, original_unit=unit, source="form") for m in months]


@pytest.fixture
def two_years(world):
    rows = (
        _month(world, 2024, "electricity_grid", 1000, "kWh") + _month(world, 2024, "production_kg", 1000, "kg")
        + _month(world, 2024, "water_municipal", 100, "m³")
        + _month(world, 2025, "electricity_grid", 900, "kWh") + _month(world, 2025, "electricity_solar_self_consumed", 100, "kWh")
        + _month(world, 2025, "production_kg", 1200, "kg") + _month(world, 2025, "water_municipal", 90, "m³")
        + _month(world, 2025, "waste_nonhazardous_recycled", 50, "kg") + _month(world, 2025, "waste_hazardous_landfilled", 400, "kg", [6])
        + _month(world, 2025, "rec_irec", 5, "MWh", [1])  # certificates are not energy used on site
    )
    ActivityValue.objects.bulk_create(rows)


def test_kpis_this_year_against_last(world, two_years):
    data = facility_dashboard(world.own, 2025)
    this, last = data["this"], data["last"]
    # 12 x 1000 kWh = 12,000 kWh = 43.2 GJ (1 kWh = 0.0036 GJ); 2025: 12 x (900 + 100) kWh = 43.2 GJ
    assert last["energy_total_gj"] == pytest.approx(43.2)
    assert this["energy_total_gj"] == pytest.approx(43.2)
    assert data["change"]["energy_total_gj"] == pytest.approx(0.0)
    # output 12,000 kg then 14,400 kg: intensity 0.0036 then 0.003 GJ/kg, a change of -1/6
    assert (this["output_metric"], this["output"], this["output_unit"]) == ("production_kg", 14_400, "kg")
    assert this["energy_intensity"] == pytest.approx(0.003)
    assert data["change"]["energy_intensity"] == pytest.approx(-1 / 6)
    # water 1,080 m³ / 14,400 kg = 0.075 m³/kg against 1,200 / 12,000 = 0.1: -25 %
    assert this["water_intensity"] == pytest.approx(0.075)
    assert data["change"]["water_intensity"] == pytest.approx(-0.25)
    # renewable share 1,200 / (10,800 + 1,200) = 10 %; diversion 600 / (600 + 400) = 60 %
    assert this["renewable_share"] == pytest.approx(0.10)
    assert this["diversion_rate"] == pytest.approx(0.60)
    assert last["diversion_rate"] is None
    assert data["charts"]["energy_yoy"]["2024"] == pytest.approx([3.6] * 12)


def test_dashboard_page_and_access(client, world, two_years):
    url = reverse("reporting:dashboard_year", args=[world.own.pk, 2025])
    client.force_login(world.users["brand"])  # consent names environmental data
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="chart-data"' in body and "vendor/echarts-6.1.0/echarts.common.min.js" in body
    for user in ("park_operator", "other_brand", "neighbour_manager"):
        client.force_login(world.users[user])
        assert client.get(url).status_code == 404


def test_months_without_data_are_gaps_not_zeros(world):
    ActivityValue.objects.bulk_create(_month(world, 2025, "electricity_grid", 1000, "kWh", [1, 2, 3]))
    data = facility_dashboard(world.own, 2025)
    # January to March: 1,000 kWh = 3.6 GJ each; April to December unreported
    assert data["charts"]["energy"]["electricity_grid"][:3] == pytest.approx([3.6] * 3)
    assert data["charts"]["energy"]["electricity_grid"][3:] == [None] * 9
    # 2024 has no data at all: no line for it
    assert list(data["charts"]["energy_yoy"]) == ["2025"]
    assert data["this"]["energy_total_gj"] == pytest.approx(10.8)
