"""The monthly data page: the grid, the form that names the field, the workflow buttons, the policy."""

from __future__ import annotations

import datetime
import json

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


def test_form_starts_with_the_metrics_usual_reporting_unit(client, world):
    client.force_login(world.users["data_entry"])
    # given the page without a metric asked: the first metric, grid electricity, in kWh
    form = client.get(_url(world)).context["form"]
    assert (form.fields["metric"].choices[0][1][0][0], form["unit"].value()) == ("electricity_grid", "kWh")
    # the unit field carries every metric's usual unit for forms.js, which follows the metric chosen
    defaults = json.loads(form.fields["unit"].widget.attrs["data-unit-defaults"])
    assert (defaults["fuel_diesel"], defaults["coal_lignite"], defaults["water_municipal"], len(defaults)) == ("L", "tonne", "m³", 63)
    # when diesel is asked (as the import's flagged values link), the unit starts in litres, not GJ
    form = client.get(_url(world), {"month": "3", "metric": "fuel_diesel"}).context["form"]
    assert (form["month"].value(), form["metric"].value(), form["unit"].value(), form["value"].value()) == (3, "fuel_diesel", "L", None)
    assert "Diesel / gas oil [L]" in dict(form.fields["metric"].choices)["Fuels"][0]
    # and what is not a month or a metric is ignored
    form = client.get(_url(world), {"month": "١٢", "metric": "coal_magic"}).context["form"]
    assert (form["month"].value(), form["metric"].value(), form["unit"].value()) == (12, None, "kWh")
    form = client.get(_url(world), {"metric": "production_pieces", "qualifier": "x" * 65}).context["form"]
    assert (form["metric"].value(), form["unit"].value(), form["qualifier"].value()) == ("production_pieces", "piece", None)


def test_form_says_why_a_saved_value_is_flagged(client, world):
    # given five months of 1,500 L of diesel
    for month in range(1, 6):
        services.activity_value_set(by=world.users["data_entry"], facility=world.own, period=datetime.date(2025, month, 1),
                                    metric="fuel_diesel", value=1500, unit="L")
    client.force_login(world.users["data_entry"])
    # when June's 1,500 is saved as GJ
    response = client.post(_url(world), {"month": 6, "metric": "fuel_diesel", "value": "1500", "unit": "GJ", "qualifier": ""},
                           follow=True)
    # then it is saved, flagged, and the page says why
    assert ActivityValue.objects.get(period=datetime.date(2025, 6, 1)).flag == "high"
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        ("success", "Saved."),
        ("warning", "1,500 GJ is far from this facility's own history: 27 × the median of the 5 earlier months "
                    "(56.14 GJ). Please check it, above all its unit; it is stored and flagged for review."),
    ]


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
