"""The monthly data page: the grid, the form that names the field, the workflow buttons, the policy."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from loomlight.reporting import services
from loomlight.reporting.models import ActivityValue, ReportingPeriod


def _url(world, year=2025):
    return reverse("reporting:facility_year", args=[world.own.pk, year])


def test_grid_shows_values_completeness_and_flags(client, world):
    for month in range(1, 8):
        services.activity_value_set(by=world.users["data_entry"], facility=world.own, period=datetime.date(2025, month, 1),
                                    metric="water_municipal", value=1000 if month < 7 else 5000, unit="m³")
    # completeness counts the metrics that apply (tests/reporting/test_completeness.py): here water alone
    services.applicable_metrics_set(by=world.users["manager"], facility=world.own, metrics=["water_municipal"])
    client.force_login(world.users["manager"])
    response = client.get(_url(world))
    grid = response.context["grid"]
    assert [r["metric"] for r in grid.rows] == ["water_municipal"]
    assert [c.value if c else None for c in grid.rows[0]["cells"]] == [1000.0] * 6 + [5000.0] + [None] * 5
    assert grid.completeness == pytest.approx(7 / 12)
    assert grid.missing == [8, 9, 10, 11, 12]
    assert grid.flags == 1


def test_form_saves_a_value_in_any_unit(client, world):
    client.force_login(world.users["data_entry"])
    response = client.post(_url(world), {"month": 3, "metric": "electricity_grid", "value": "1 250", "unit": "MWh", "qualifier": ""})
    assert response.status_code == 302
    row = ActivityValue.objects.get()
    assert (row.period, row.value, row.original_unit) == (datetime.date(2025, 3, 1), 1_250_000.0, "MWh")


def test_form_names_the_bad_field_and_saves_nothing(client, world):
    client.force_login(world.users["data_entry"])
    response = client.post(_url(world), {"month": 3, "metric": "electricity_grid", "value": "1250", "unit": "litres"})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not ActivityValue.objects.exists()


@pytest.mark.parametrize("user,status", [
    ("manager", 200), ("data_entry", 200), ("assessor", 200), ("admin", 200), ("brand", 200),
    ("park_operator", 404), ("neighbour_manager", 404), ("other_brand", 404), ("nobody", 404),
])
def test_who_sees_the_data_page(client, world, user, status):
    client.force_login(world.users[user])
    assert client.get(_url(world)).status_code == status


@pytest.mark.parametrize("user,status", [("brand", 403), ("assessor", 403), ("neighbour_manager", 404)])
def test_readers_cannot_post_values(client, world, user, status):
    client.force_login(world.users[user])
    response = client.post(_url(world), {"month": 3, "metric": "electricity_grid", "value": "1", "unit": "kWh"})
    assert response.status_code == status
    assert not ActivityValue.objects.exists()


def test_workflow_buttons(client, world):
    services.activity_value_set(by=world.users["data_entry"], facility=world.own, period=datetime.date(2025, 2, 1),
                                metric="electricity_grid", value=1, unit="kWh")
    submit = reverse("reporting:transition", args=[world.own.pk, 2025, 2, "submit"])
    verify = reverse("reporting:transition", args=[world.own.pk, 2025, 2, "verify"])
    client.force_login(world.users["data_entry"])
    assert client.post(verify).status_code == 403
    client.post(submit)
    assert ReportingPeriod.objects.get().status == "submitted"
    client.force_login(world.users["assessor"])
    body = client.get(_url(world)).content.decode()
    assert verify in body
    client.post(verify)
    assert ReportingPeriod.objects.get().status == "verified"
    reopen = reverse("reporting:transition", args=[world.own.pk, 2025, 2, "reopen"])
    client.post(reopen, {"comment": ""})
    assert ReportingPeriod.objects.get().status == "verified"  # a reason is required
    client.post(reopen, {"comment": "Corrected invoice"})
    assert ReportingPeriod.objects.get().status == "draft"
    assert client.post(reverse("reporting:transition", args=[world.own.pk, 2025, 2, "explode"])).status_code == 404


def test_future_year_is_not_a_page(client, world):
    client.force_login(world.users["manager"])
    assert client.get(_url(world, year=datetime.date.today().year + 1)).status_code == 404
