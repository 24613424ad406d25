"""Emissions pages, downloads and API routes: who sees what (the access matrix), and what they show.

GHG inventories are their own data kind: a brand sees them only when the facility's consent names
"ghg" (the world's brand has "profile" and "environmental" only); a park operator sees no facility's
data. Park and programme pages sum only the facilities whose GHG data the user may read.
"""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from loomlight.registry.models import Consent
from tests.inventories.test_inventories import MONTH, enter

YEAR = 2024


@pytest.fixture
def data(world, django_capture_on_commit_callbacks):
    enter(world, django_capture_on_commit_callbacks, MONTH)
    enter(world, django_capture_on_commit_callbacks, [(datetime.date(2024, 1, 1), "fuel_diesel", 1000, "L")],
          facility=world.neighbour)
    enter(world, django_capture_on_commit_callbacks, [(datetime.date(2024, 1, 1), "fuel_diesel", 1000, "L")],
          facility=world.stranger)
    return world


FACILITY_ACCESS = [("operator", 200), ("admin", 200), ("assessor", 200), ("manager", 200), ("group_manager", 200),
                   ("data_entry", 200), ("neighbour_manager", 404), ("park_operator", 404), ("brand", 404),
                   ("other_brand", 404), ("financier", 404), ("nobody", 404)]


def facility_urls(world):
    pk = world.own.pk
    return [reverse("inventories:facility_year", args=[pk, YEAR]), reverse("inventories:explanation", args=[pk, YEAR, 1]),
            reverse("inventories:facility_download", args=[pk, YEAR, "csv"]),
            reverse("inventories:facility_download", args=[pk, YEAR, "xlsx"]),
            f"/api/v1/facilities/{pk}/inventory?year={YEAR}"]


@pytest.mark.parametrize("user,status", FACILITY_ACCESS)
def test_facility_pages_downloads_and_api_follow_the_policy(client, data, user, status):
    client.force_login(data.users[user])
    for url in facility_urls(data):
        assert client.get(url).status_code == status, url


def test_anonymous_users_are_sent_to_log_in_or_refused(client, data):
    for url in facility_urls(data)[:4]:
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    assert client.get(facility_urls(data)[4]).status_code == 401


def test_a_brand_sees_the_inventory_once_the_consent_names_ghg(client, data):
    consent = Consent.objects.get(facility=data.own, grantee=data.brand)
    consent.data_kinds = ["profile", "environmental", "ghg"]
    consent.save()
    client.force_login(data.users["brand"])
    for url in facility_urls(data):
        assert client.get(url).status_code == 200, url
    consent.revoked_at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    consent.save()
    assert client.get(facility_urls(data)[0]).status_code == 404


def test_facility_page_shows_the_year_and_explains_a_month(client, data):
    client.force_login(data.users["manager"])
    body = client.get(reverse("inventories:facility_year", args=[data.own.pk, YEAR])).content.decode()
    assert 'data-testid="total-location"' in body and "90.5" in body          # 24.581595 + 65.92 = 90.50 t
    assert "How was this computed?" in body
    fragment = client.get(reverse("inventories:explanation", args=[data.own.pk, YEAR, 1]), HTTP_HX_REQUEST="true")
    text = fragment.content.decode()
    assert "<html" not in text and 'data-testid="explanation"' in text
    assert "258 GJ x 94600 kg/TJ" in text and "IPCC" in text and "AR5" in text
    assert client.get(reverse("inventories:explanation", args=[data.own.pk, YEAR, 2])).status_code == 404   # no data
    assert client.get(reverse("inventories:explanation", args=[data.own.pk, YEAR, 13])).status_code == 404


def test_downloads_hold_the_stored_numbers(client, data):
    client.force_login(data.users["manager"])
    response = client.get(reverse("inventories:facility_download", args=[data.own.pk, YEAR, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Disposition"].endswith(f'inventory-facility-{data.own.pk}-{YEAR}.csv"')
    header, first = rows[0], rows[1]
    assert first[1] == "2024-01" and first[2] == "AR5"
    assert float(first[header.index("scope 1 [t CO2e]")]) == pytest.approx(24.581595, rel=1e-12)
    assert client.get(reverse("inventories:facility_download", args=[data.own.pk, YEAR, "pdf"])).status_code == 404
    xlsx = client.get(reverse("inventories:facility_download", args=[data.own.pk, YEAR, "xlsx"]))
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    values = list(ws.iter_rows(values_only=True))
    assert values[1][values[0].index("scope 2, market-based [t CO2e]")] == pytest.approx(39.552, rel=1e-12)


@pytest.mark.parametrize("user,status,facilities", [
    ("operator", 200, 2), ("admin", 200, 2), ("assessor", 200, 2), ("manager", 200, 1), ("neighbour_manager", 200, 1),
    ("park_operator", 200, 0), ("brand", 200, 0),   # the brand sees the park (a consented profile), no GHG data
    ("other_brand", 404, None), ("nobody", 404, None)])
def test_park_page_sums_only_what_the_user_may_read(client, data, user, status, facilities):
    client.force_login(data.users[user])
    response = client.get(reverse("inventories:park_year", args=[data.park.pk, YEAR]))
    assert response.status_code == status
    if status == 200:
        assert response.context["data"]["facilities"] == facilities
        csv_rows = list(csv.reader(io.StringIO(client.get(
            reverse("inventories:park_download", args=[data.park.pk, YEAR, "csv"])).content.decode("utf-8-sig"))))
        assert len(csv_rows) - 1 == facilities
    api = client.get(f"/api/v1/inventory/summary?year={YEAR}&park={data.park.pk}&by=facility")
    assert api.status_code == (200 if status == 200 else 404)
    if status == 200:
        assert api.json()["facilities"] == facilities and len(api.json()["rows"]) == facilities


def test_park_totals_are_the_sum_of_its_facilities(client, data):
    client.force_login(data.users["admin"])
    page = client.get(reverse("inventories:park_year", args=[data.park.pk, YEAR])).context["data"]
    # own: 24.581595 + 65.92; neighbour: 1,000 L diesel = 1,000/1,149 t x 43.0 GJ/t = 37.42385 GJ,
    # x (74,100 + 3 x 28 + 0.6 x 265) kg/TJ / 1e6 = 37.42385 x 74,343 / 1e6 t
    diesel = 1000 / 1149 * 43.0 * 74_343 / 1e6
    assert page["this"]["total_location_tco2e"] == pytest.approx(24.581595 + 65.92 + diesel, rel=1e-9)
    assert {r["facility"] for r in page["by_facility"]} == {"Own Dyehouse", "Neighbour Sewing"}


@pytest.mark.parametrize("user,status,facilities", [
    ("operator", 200, 3), ("admin", 200, 3), ("assessor", 200, 3), ("manager", 404, None), ("brand", 404, None)])
def test_programme_page(client, data, user, status, facilities):
    client.force_login(data.users[user])
    response = client.get(reverse("inventories:programme_year", args=[data.programme.pk, YEAR]))
    assert response.status_code == status
    if status == 200:
        assert response.context["data"]["facilities"] == facilities
        assert response.context["data"]["reporting"] == 2              # own and neighbour; outside has no data


def test_api_summary_counts_only_visible_facilities(client, data):
    client.force_login(data.users["manager"])
    body = client.get(f"/api/v1/inventory/summary?year={YEAR}&by=total").json()
    assert body["facilities"] == 1 and body["rows"][0]["scope1_tco2e"] == pytest.approx(24.581595, rel=1e-12)
    client.force_login(data.users["operator"])
    body = client.get(f"/api/v1/inventory/summary?year={YEAR}&by=country").json()
    assert {r["country"] for r in body["rows"]} == {"VN", "KH"}
    months = client.get(f"/api/v1/inventory/summary?year={YEAR}&by=month").json()["rows"]
    assert months[0]["period"] == "2024-01-01"
    assert client.get(f"/api/v1/inventory/summary?year={YEAR}&by=week").status_code == 422


def test_api_months_with_explanations(client, data):
    client.force_login(data.users["manager"])
    plain = client.get(f"/api/v1/facilities/{data.own.pk}/inventory?year={YEAR}").json()
    assert plain["gwp_set"] == "AR5" and plain["months"][0]["explanation"] is None
    assert plain["months"][0]["values"]["scope2_market_tco2e"] == pytest.approx(39.552, rel=1e-12)
    explained = client.get(f"/api/v1/facilities/{data.own.pk}/inventory?year={YEAR}&explain=true").json()
    assert "coal_bituminous" in explained["months"][0]["explanation"]["calculations"]
