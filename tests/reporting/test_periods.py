"""The monthly data page and the dashboard as a new user meets them in April 2026 (the clock frozen on
10 April 2026; deadline the 20th of the month after, the default of LOOMLIGHT_REPORTING_DEADLINE_DAY):
they open where the data are, compare like with like, show a gap as not reported, and count
completeness against the metrics that apply and the months due.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.reporting import services
from loomlight.reporting.dashboard import facility_dashboard
from loomlight.reporting.models import ApplicableMetrics
from loomlight.reporting.selectors import applicable_metrics, year_grid
from tests.april_2026 import april_2026, store_values  # noqa: F401 (april_2026: the frozen clock, autouse)

TODAY = datetime.date(2026, 4, 10)


values = store_values


@pytest.fixture
def three_months_of_2026(world):
    """2025: 12 months of 1,000 kWh and 100 m³ of water; 2026: January to March, 1,000 kWh each, no water."""
    values(world.own, [(2025, range(1, 13), "electricity_grid", 1000, "kWh"),
                       (2025, range(1, 13), "water_municipal", 100, "m³"),
                       (2026, range(1, 4), "electricity_grid", 1000, "kWh")])
    return world


def test_a_partial_year_is_compared_with_the_same_months_of_the_year_before(three_months_of_2026):
    world = three_months_of_2026
    data = facility_dashboard(world.own, 2026)
    # Jan-Mar 2026: 3 x 1,000 kWh x 0.0036 GJ/kWh = 10.8 GJ against Jan-Mar 2025, 10.8 GJ: no change.
    # Before, 10.8 GJ was set against the whole of 2025 (43.2 GJ): "-75 %".
    assert (data["shown"].start, data["shown"].end) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 1))
    assert (data["before"].start, data["before"].end) == (datetime.date(2025, 1, 1), datetime.date(2025, 3, 1))
    assert data["this"]["energy_total_gj"] == pytest.approx(10.8)
    assert data["last"]["energy_total_gj"] == pytest.approx(10.8)
    assert data["change"]["energy_total_gj"] == pytest.approx(0.0)


def test_the_trailing_12_months_are_offered_and_named(client, three_months_of_2026):
    world = three_months_of_2026
    data = facility_dashboard(world.own, 2026, kind="ttm")
    # April 2025 to March 2026: 12 x 1,000 kWh = 43.2 GJ; the 12 months before (April 2024 - March 2025): 3 months,
    # 10.8 GJ (nothing reported before 2025)
    assert data["this"]["energy_total_gj"] == pytest.approx(43.2)
    assert data["last"]["energy_total_gj"] == pytest.approx(10.8)
    client.force_login(world.users["manager"])
    body = client.get(reverse("reporting:dashboard_year", args=[world.own.pk, 2026]) + "?compare=ttm").content.decode()
    assert "Apr 2025–Mar 2026 against Apr 2024–Mar 2025" in body
    body = client.get(reverse("reporting:dashboard_year", args=[world.own.pk, 2026])).content.decode()
    assert "Jan–Mar 2026 against Jan–Mar 2025" in body


def test_water_not_reported_is_a_gap_never_zero_nor_minus_100_percent(client, three_months_of_2026):
    world = three_months_of_2026
    data = facility_dashboard(world.own, 2026)
    # 300 m³ in Jan-Mar 2025; nothing reported in Jan-Mar 2026: not 0, and no change (before: "300 → 0, -100 %")
    assert data["last"]["water_total_m3"] == pytest.approx(300)
    assert data["this"]["water_total_m3"] is None and data["change"]["water_total_m3"] is None
    client.force_login(world.users["manager"])
    body = client.get(reverse("reporting:dashboard_year", args=[world.own.pk, 2026])).content.decode()
    row = body[body.index("Water withdrawn [m³]"):]
    row = row[:row.index("</tr>")]
    assert "not reported" in row and "-100" not in row and "−100" not in row


def test_a_facility_without_data_shows_not_reported(client, world):
    client.force_login(world.users["manager"])
    response = client.get(reverse("reporting:dashboard", args=[world.neighbour.pk]), follow=True)
    assert response.status_code == 404     # the manager of Own Dyehouse does not see the neighbour
    response = client.get(reverse("reporting:dashboard", args=[world.own.pk]))
    data = response.context["data"]
    assert data["this"]["energy_total_gj"] is None and data["change"]["energy_total_gj"] is None
    body = response.content.decode()
    assert "No data yet: showing 2026." in body and body.count("not reported") >= 2


def test_pages_open_on_the_latest_year_with_data_and_say_so(client, world):
    # a facility with only 2023 and 2024
    values(world.own, [(2023, range(1, 13), "electricity_grid", 1000, "kWh"),
                       (2024, range(1, 13), "electricity_grid", 1000, "kWh")])
    client.force_login(world.users["manager"])
    page = client.get(reverse("reporting:facility", args=[world.own.pk]))
    assert page.context["grid"].year == 2024
    body = page.content.decode()
    assert "Showing 2024, the latest year with data." in body
    # every year with data is one click away, with the current one
    assert page.context["choice"].years == [2026, 2024, 2023]
    for y in (2026, 2024, 2023):
        assert reverse("reporting:facility_year", args=[world.own.pk, y]) in body
    dashboard = client.get(reverse("reporting:dashboard", args=[world.own.pk]))
    assert dashboard.context["data"]["year"] == 2024
    assert "Showing 2024, the latest year with data that is over." in dashboard.content.decode()
    # a year asked for is shown without a note
    chosen = client.get(reverse("reporting:dashboard_year", args=[world.own.pk, 2023]))
    assert chosen.context["data"]["year"] == 2023 and 'data-testid="year-note"' not in chosen.content.decode()


def test_the_dashboard_opens_on_the_last_year_that_is_over(client, three_months_of_2026):
    world = three_months_of_2026
    client.force_login(world.users["manager"])
    assert client.get(reverse("reporting:dashboard", args=[world.own.pk])).context["data"]["year"] == 2025
    # the monthly data page opens on the latest year with data: 2026
    assert client.get(reverse("reporting:facility", args=[world.own.pk])).context["grid"].year == 2026


def test_completeness_counts_the_metrics_that_apply_and_the_months_due(world):
    # electricity and water apply; January has both, February electricity only, March both but not yet due
    services.applicable_metrics_set(by=world.users["manager"], facility=world.own,
                                    metrics=["water_municipal", "electricity_grid"])
    values(world.own, [(2026, (1, 2, 3), "electricity_grid", 1000, "kWh"), (2026, (1, 3), "water_municipal", 100, "m³")])
    grid = year_grid(world.own, 2026, today=TODAY)
    # due on 10 April: January and February (March is due on 20 April). Complete: January. 1 of 2 = 50 %.
    # Before, any single value made a month complete and April counted as missing: 3 of 4 = 75 %.
    assert grid.due == [1, 2]
    assert grid.completeness == pytest.approx(0.5)
    assert grid.missing == [2]
    assert grid.missing_metrics == [(datetime.date(2026, 2, 1), ["Water withdrawn, municipal supply"])]


def test_completeness_page_names_what_is_missing(client, world):
    services.applicable_metrics_set(by=world.users["manager"], facility=world.own,
                                    metrics=["water_municipal", "electricity_grid"])
    values(world.own, [(2026, (1, 2), "electricity_grid", 1000, "kWh"), (2026, (1,), "water_municipal", 100, "m³")])
    client.force_login(world.users["data_entry"])
    body = client.get(reverse("reporting:facility_year", args=[world.own.pk, 2026])).content.decode()
    assert 'data-testid="completeness">50 %' in body
    assert "February: Water withdrawn, municipal supply" in body


def test_metrics_that_apply_are_suggested_from_what_was_reported_and_the_processes(world):
    # Own Dyehouse dyes (wet processing) in a park and reported only grid electricity: the suggestion adds municipal
    # water and wastewater to the park's plant; Neighbour Sewing (dry) is suggested grid electricity alone
    values(world.own, [(2025, range(1, 13), "electricity_grid", 1000, "kWh")])
    assert applicable_metrics(world.own) == (["electricity_grid", "water_municipal", "wastewater_cetp"], False)
    assert applicable_metrics(world.neighbour) == (["electricity_grid"], False)
    # the outside laundry is in no park: its wastewater goes to the sewer
    assert applicable_metrics(world.outside)[0] == ["electricity_grid", "water_municipal", "wastewater_sewer"]
    # a metric reported in the latest 12 months counts; one last reported more than 12 months before does not
    values(world.own, [(2024, (1,), "coal_bituminous", 1, "GJ"), (2025, (6,), "water_groundwater", 10, "m³")])
    assert applicable_metrics(world.own)[0] == ["electricity_grid", "water_groundwater", "wastewater_cetp"]


def test_the_manager_sets_the_metrics_that_apply_audited(client, world):
    client.force_login(world.users["manager"])
    url = reverse("reporting:applicable_metrics", args=[world.own.pk, 2026])
    response = client.post(url, {"metrics": ["electricity_grid", "production_kg"]})
    assert response.status_code == 302
    assert ApplicableMetrics.objects.get(facility=world.own).metrics == ["electricity_grid", "production_kg"]
    event = AuditEvent.objects.get(object_type="reporting.applicablemetrics")
    assert (event.action, event.actor, event.after["metrics"]) == ("create", world.users["manager"],
                                                                     ["electricity_grid", "production_kg"])
    assert applicable_metrics(world.own) == (["electricity_grid", "production_kg"], True)
    # the same set again records nothing
    client.post(url, {"metrics": ["production_kg", "electricity_grid"]})
    assert AuditEvent.objects.filter(object_type="reporting.applicablemetrics").count() == 1


def test_a_refused_change_of_the_metrics_that_apply_changes_nothing(client, world):
    services.applicable_metrics_set(by=world.users["manager"], facility=world.own, metrics=["electricity_grid"])
    # an empty choice is refused on the field, and nothing is stored or audited
    client.force_login(world.users["manager"])
    response = client.post(reverse("reporting:applicable_metrics", args=[world.own.pk, 2026]), {"metrics": []})
    assert response.status_code == 400 and "metrics" in response.context["metrics_form"].errors
    with pytest.raises(ValidationError) as refused:
        services.applicable_metrics_set(by=world.users["manager"], facility=world.own, metrics=["electricity_grid", "gold"])
    assert "metrics" in refused.value.message_dict
    # data entry staff and brands may not set them
    with pytest.raises(PermissionDenied):
        services.applicable_metrics_set(by=world.users["data_entry"], facility=world.own, metrics=["water_municipal"])
    client.force_login(world.users["data_entry"])
    assert client.post(reverse("reporting:applicable_metrics", args=[world.own.pk, 2026]),
                       {"metrics": ["water_municipal"]}).status_code == 403
    client.force_login(world.users["brand"])
    assert client.post(reverse("reporting:applicable_metrics", args=[world.own.pk, 2026]),
                       {"metrics": ["water_municipal"]}).status_code == 403
    assert ApplicableMetrics.objects.get(facility=world.own).metrics == ["electricity_grid"]
    assert AuditEvent.objects.filter(object_type="reporting.applicablemetrics").count() == 1
