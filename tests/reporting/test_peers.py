"""A facility's intensities against its peers: who counts as a peer, the median, the flag, hand-computed."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from loomlight.registry.models import Facility
from loomlight.reporting.models import ActivityValue
from loomlight.reporting.peers import peer_comparisons, yearly_totals


def _values(facility, metric, value, unit, year=2025, months=range(1, 13)):
    return [ActivityValue(facility=facility, period=datetime.date(year, m, 1), metric=metric, value=value, unit=unit,
                          original_value=value, original_unit=unit, source="form") for m in months]


def _dyehouse(name, kwh_per_month, kg_per_month, m3_per_month=None, processes=("dyeing",), output="production_kg"):
    f = Facility.objects.create(name=name, country="VN", tier=2, processes=list(processes))
    rows = _values(f, "electricity_grid", kwh_per_month, "kWh") + _values(f, output, kg_per_month, "kg" if output == "production_kg" else "piece")
    if m3_per_month is not None:
        rows += _values(f, "water_municipal", m3_per_month, "m³")
    ActivityValue.objects.bulk_create(rows)
    return f


@pytest.fixture
def peers(world):
    """world.own (dyeing, finishing) and five wet peers reporting kg; two facilities that are not peers."""
    # own: 10,000 kWh = 36 GJ a month for 1,000 kg: 0.036 GJ/kg; water 50 m³ for 1,000 kg: 0.05 m³/kg
    ActivityValue.objects.bulk_create(_values(world.own, "electricity_grid", 10_000, "kWh")
                                      + _values(world.own, "production_kg", 1_000, "kg")
                                      + _values(world.own, "water_municipal", 50, "m³"))
    # peers' energy intensity [GJ/kg]: 1,000 kWh = 3.6 GJ per 1,000 kg = 0.0036; and 0.0072, 0.0108, 0.0144, 0.018
    for i in range(1, 6):
        _dyehouse(f"Peer {i}", 1_000 * i, 1_000, m3_per_month=50)
    _dyehouse("Dry sewing", 100_000, 1_000, processes=("cut_make_trim",))                 # other process class
    _dyehouse("Piece dyehouse", 100_000, 1_000, output="production_pieces")             # other output metric
    return world


def test_yearly_totals_convert_energy_to_gj_and_sum_the_year(peers):
    totals = yearly_totals([peers.own.pk], 2025)[peers.own.pk]
    # 12 x 10,000 kWh = 120,000 kWh x 0.0036 GJ/kWh = 432 GJ; 12 x 50 m³ = 600 m³; 12 x 1,000 kg
    assert totals.energy_gj == pytest.approx(432)
    assert totals.water_m3 == pytest.approx(600)
    assert totals.output_metric == "production_kg" and totals.output["production_kg"] == pytest.approx(12_000)


def test_energy_intensity_far_above_the_peers_median_is_flagged(peers):
    result = peer_comparisons(peers.own, 2025)
    assert (result["output_metric"], result["wet"], result["peers"]) == ("production_kg", True, 5)
    energy = result["kpis"]["energy_intensity"]
    # own 432 GJ / 12,000 kg = 0.036 GJ/kg; peers' median 0.0108 (the third of five); 0.036 > 3 x 0.0108 = 0.0324
    assert energy.value == pytest.approx(0.036)
    assert energy.median == pytest.approx(0.0108)
    assert (energy.peers, energy.flag) == (5, "high")
    water = result["kpis"]["water_intensity"]
    # every facility: 600 m³ / 12,000 kg = 0.05 m³/kg: no flag
    assert water.value == pytest.approx(0.05) and water.median == pytest.approx(0.05) and water.flag == ""


def test_too_few_peers_shows_no_median(world):
    ActivityValue.objects.bulk_create(_values(world.own, "electricity_grid", 10_000, "kWh") + _values(world.own, "production_kg", 1_000, "kg"))
    for i in range(1, 5):
        _dyehouse(f"Peer {i}", 1_000 * i, 1_000)
    energy = peer_comparisons(world.own, 2025)["kpis"]["energy_intensity"]
    assert (energy.peers, energy.median, energy.flag) == (4, None, "")


def test_dashboard_shows_the_median_and_the_flag_never_a_peer(client, peers):
    client.force_login(peers.users["brand"])  # the brand sees world.own's environmental data, not the peers'
    body = client.get(reverse("reporting:dashboard_year", args=[peers.own.pk, 2025])).content.decode()
    assert 'data-testid="peer-energy_intensity">0.0108<' in body
    assert 'data-testid="peer-flag-energy_intensity"' in body
    assert 'data-testid="peer-flag-water_intensity"' not in body
    for name in ("Peer 1", "Peer 5", "Dry sewing"):
        assert name not in body
