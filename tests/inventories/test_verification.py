"""Verification state on every figure, and verified data only for those who choose it (issue 14, point 8).

The world's own facility reports three months of 2024; January is verified, February submitted, March draft:
- January and February each: 10 t bituminous coal (24.581595 t CO2e, see tests/inventories/test_inventories.py)
  and 100 MWh of VN grid electricity (65.92 t, location-based): 90.501595 t scope 1 + 2 (location);
- March: 20 t of coal alone: 2 x 24.581595 = 49.16319 t.
All months: 90.501595 x 2 + 49.16319 = 230.16638 t; verified months only: 90.501595 t (January).
Energy (GJ): January 258 + 360 = 618 GJ (25.8 GJ/t coal, 0.0036 GJ/kWh).
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from loomlight.registry.models import Consent
from loomlight.reporting import services as reporting
from loomlight.reporting.verification import State, basis
from tests.inventories.test_inventories import enter

YEAR = 2024
JAN, FEB, MAR = (datetime.date(YEAR, m, 1) for m in (1, 2, 3))
ROWS = [(JAN, "coal_bituminous", 10, "t"), (JAN, "electricity_grid", 100, "MWh"),
        (FEB, "coal_bituminous", 10, "t"), (FEB, "electricity_grid", 100, "MWh"),
        (MAR, "coal_bituminous", 20, "t")]


@pytest.fixture
def three_months(world, django_capture_on_commit_callbacks):
    enter(world, django_capture_on_commit_callbacks, ROWS)
    manager, assessor = world.users["manager"], world.users["assessor"]
    for month in (JAN, FEB):
        reporting.period_submit(by=manager, facility=world.own, period=month)
    reporting.period_verify(by=assessor, facility=world.own, period=JAN)
    consent = Consent.objects.get(facility=world.own, grantee=world.brand)
    consent.data_kinds = ["profile", "environmental", "ghg"]
    consent.save()
    return world


def test_a_state_counts_months_and_says_so_in_words():
    assert State(verified=3).level == "verified" and State(verified=3).label == "Verified: all 3 months"
    assert State(verified=1).label == "Verified: its 1 month"
    assert State(draft=2).level == "draft" and State(draft=2).label == "Draft: none of its 2 months is submitted"
    assert State(verified=1, submitted=2).level == "submitted"
    mixed = State(verified=1, submitted=1, draft=1)
    assert mixed.level == "mixed" and mixed.months == 3
    assert mixed.label == "1 of 3 months verified, 1 submitted, 1 draft"
    assert State().level == "none" and State().as_dict() == {"verified": 0, "submitted": 0, "draft": 0, "months": 0,
                                                             "level": "none"}


def _page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_brand_sees_what_each_figure_rests_on(client, three_months):
    """Given draft, submitted and verified months, the brand's emissions page labels the totals and each month."""
    client.force_login(three_months.users["brand"])
    body = _page(client, reverse("inventories:facility_year", args=[three_months.own.pk, YEAR]))
    assert 'data-level="mixed"' in body
    assert "Jan–Mar 2024: 1 of 3 months verified, 1 submitted, 1 draft." in body
    assert "230.2" in body                                               # all months (docstring)
    statuses = [s.split('"')[0] for s in body.split('data-status="')[1:]]
    assert statuses == ["verified", "submitted", "draft"]


def test_verified_only_sums_the_verified_months_and_is_kept_for_the_session(client, three_months):
    client.force_login(three_months.users["brand"])
    url = reverse("inventories:facility_year", args=[three_months.own.pk, YEAR])
    body = _page(client, url, basis="verified")
    total = body.split('data-testid="total-location">')[1].split("<")[0]
    assert total == "90.5"                                               # January alone (docstring)
    assert 'data-testid="verified-only"' in body and 'data-level="verified"' in body
    assert 'data-testid="unequal-months"' not in body                    # January 2024 against no month of 2023
    assert [s.split('"')[0] for s in body.split('data-status="')[1:]] == ["verified"]
    # the choice holds on the next page without asking again: the dashboard sums January's 618 GJ only
    dashboard = _page(client, reverse("reporting:dashboard_year", args=[three_months.own.pk, YEAR]))
    assert 'data-testid="verified-only"' in dashboard and "Jan 2024: Verified: its 1 month." in dashboard
    assert ">618<" in dashboard
    # and is undone as simply
    body = _page(client, url, basis="all")
    assert body.split('data-testid="total-location">')[1].split("<")[0] == "230.2"
    assert 'data-testid="verified-only"' not in body


def test_a_year_without_verified_months_keeps_the_way_back(client, three_months):
    """Verified only, a year with no verified month says so and still offers all months (never a dead end)."""
    reporting.period_reopen(by=three_months.users["assessor"], facility=three_months.own, period=JAN, reason="typo")
    client.force_login(three_months.users["brand"])
    body = _page(client, reverse("inventories:facility_year", args=[three_months.own.pk, YEAR]), basis="verified")
    assert "No verified month in this year." in body and "?basis=all" in body


def test_the_programme_page_labels_its_totals_and_each_facility(client, three_months):
    client.force_login(three_months.users["operator"])
    url = reverse("inventories:programme_year", args=[three_months.programme.pk, YEAR])
    body = _page(client, url)
    assert "1 of 3 months verified, 1 submitted, 1 draft" in body and 'data-testid="facility-months"' in body
    assert 'data-testid="facility-verification"><span class="badge mixed"' in body and ">1/3<" in body
    body = _page(client, url, basis="verified")
    assert body.split('data-testid="total-location">')[1].split("<")[0] == "90.5"


def test_the_api_gives_every_month_its_state_and_sums_verified_months_on_request(client, three_months):
    client.force_login(three_months.users["brand"])
    pk = three_months.own.pk
    data = client.get(f"/api/v1/facilities/{pk}/inventory", {"year": YEAR}).json()
    assert [m["status"] for m in data["months"]] == ["verified", "submitted", "draft"]
    assert data["verification"] == {"verified": 1, "submitted": 1, "draft": 1, "months": 3, "level": "mixed"}
    data = client.get(f"/api/v1/facilities/{pk}/inventory", {"year": YEAR, "basis": "verified"}).json()
    assert [m["period"] for m in data["months"]] == ["2024-01-01"] and data["basis"] == "verified"
    client.force_login(three_months.users["operator"])
    summary = client.get("/api/v1/inventory/summary", {"year": YEAR, "programme": three_months.programme.pk,
                                                       "basis": "verified"}).json()
    own = next(r for r in summary["rows"] if r["facility_id"] == pk)
    assert own["scope1_tco2e"] + own["scope2_location_tco2e"] == pytest.approx(90.501595, rel=1e-9)
    assert (own["months_verified"], own["months_submitted"], own["months_draft"]) == (1, 0, 0)
    summary = client.get("/api/v1/inventory/summary", {"year": YEAR, "programme": three_months.programme.pk}).json()
    own = next(r for r in summary["rows"] if r["facility_id"] == pk)
    assert own["scope1_tco2e"] + own["scope2_location_tco2e"] == pytest.approx(230.16638, rel=1e-9)
    assert (own["months_verified"], own["months_submitted"], own["months_draft"]) == (1, 1, 1)
    # the programme's other facilities have one draft month each (tests/inventories/test_pages.py enters none here)
    for by in ("total", "month", "park"):
        summary = client.get("/api/v1/inventory/summary", {"year": YEAR, "programme": three_months.programme.pk,
                                                           "by": by}).json()
        assert summary["verification"] == {"verified": 1, "submitted": 1, "draft": 1, "months": 3, "level": "mixed"}, by


def test_downloads_carry_the_state_of_each_month_and_facility(client, three_months):
    client.force_login(three_months.users["brand"])
    response = client.get(reverse("inventories:facility_download", args=[three_months.own.pk, YEAR, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-1] == "verification" and [r[-1] for r in rows[1:]] == ["verified", "submitted", "draft"]
    client.force_login(three_months.users["operator"])
    response = client.get(reverse("inventories:programme_download", args=[three_months.programme.pk, YEAR, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][-3:] == ["months verified", "months submitted", "months draft"]
    own = next(r for r in rows[1:] if r[0] == str(three_months.own.pk))
    assert own[-3:] == ["1", "1", "1"]


def test_an_unknown_basis_is_all_months(rf):
    """A basis that is not one of the two reads all months, and is not kept."""
    request = rf.get("/", {"basis": "guess"})
    request.session = {}
    assert basis(request) == "all" and request.session == {}


def test_a_comparison_of_unequal_months_says_so(client, three_months, django_capture_on_commit_callbacks):
    """Given January to March 2024 against January and February 2023 only, the page warns that the months differ."""
    enter(three_months, django_capture_on_commit_callbacks,
          [(datetime.date(2023, 1, 1), "coal_bituminous", 10, "t"), (datetime.date(2023, 2, 1), "coal_bituminous", 10, "t"),
           (datetime.date(2023, 12, 1), "coal_bituminous", 10, "t")])
    client.force_login(three_months.users["brand"])
    body = _page(client, reverse("inventories:facility_year", args=[three_months.own.pk, YEAR]))
    assert "Jan–Mar 2024 against Jan–Mar 2023" in body
    assert "rest on different numbers of months with data (3 and 2)" in body


def test_the_stored_months_and_year_follow_every_transition(three_months, django_capture_on_commit_callbacks):
    """The stored months carry their period's state and the stored year its counts, through transitions and
    recomputations (what the portfolio pages count from, without reading the periods)."""
    from loomlight.inventories.models import Inventory, InventoryYear

    own = three_months.own

    def stored():
        year = InventoryYear.objects.get(facility=own, year=YEAR)
        return (list(Inventory.objects.filter(facility=own).order_by("period").values_list("status", flat=True)),
                (year.facility_months, year.months_verified, year.months_submitted))

    assert stored() == (["verified", "submitted", "draft"], (3, 1, 1))
    reporting.period_return(by=three_months.users["assessor"], facility=own, period=FEB, comment="meter photo missing")
    assert stored() == (["verified", "returned", "draft"], (3, 1, 0))
    # a correction of March recomputes the year: the states stay
    enter(three_months, django_capture_on_commit_callbacks, [(MAR, "coal_bituminous", 25, "t")])
    assert stored() == (["verified", "returned", "draft"], (3, 1, 0))
    reporting.period_reopen(by=three_months.users["assessor"], facility=own, period=JAN, reason="wrong meter")
    assert stored() == (["draft", "returned", "draft"], (3, 0, 0))
