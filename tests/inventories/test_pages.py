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
    # 10 t x 25.8 GJ/t = 258 GJ; 258 x 94,600 / 1e6 = 24.4068 t CO2: the formula and its result in one number format
    assert "258 GJ × 94,600 kg/TJ ÷ 1,000 GJ/TJ ÷ 1,000 kg/t = 24.4068 t CO2" in text and "IPCC" in text and "AR5" in text
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


def _two_years(world, capture):
    """Two complete years (progress is judged on complete years only): 20 MWh and 1,000 kg a month in 2023, 16 MWh
    and 1,000 kg a month in 2024 (VN 2023 factor 0.6592 t/MWh for both years: 2024 takes it as a proxy year), so
    2023 emits 12 x 20 x 0.6592 = 158.208 t and 2024 12 x 16 x 0.6592 = 126.5664 t, on 12,000 kg of output each."""
    from loomlight.inventories import services as inventories
    from loomlight.reporting.models import ActivityValue

    ActivityValue.objects.bulk_create([
        ActivityValue(facility=world.own, period=datetime.date(y, m, 1), metric=metric, value=value, unit=unit,
                      original_value=value, original_unit=unit, source="form")
        for y, mwh in ((2023, 20), (2024, 16)) for m in range(1, 13)
        for metric, value, unit in (("electricity_grid", mwh * 1000, "kWh"), ("production_kg", 1000, "kg"))])
    inventories.recompute(world.own, [2023, 2024])


TARGET = {"base_year": "2023", "target_year": "2030", "annual_rate_percent": "10", "basis": "absolute",
          "boundary": "location"}


def test_a_manager_sets_a_target_and_the_page_shows_progress(client, world, django_capture_on_commit_callbacks):
    from loomlight.audit.models import AuditEvent
    from loomlight.inventories.models import Target

    _two_years(world, django_capture_on_commit_callbacks)
    client.force_login(world.users["manager"])
    url = reverse("inventories:target", args=[world.own.pk, YEAR])
    response = client.post(url, TARGET)
    assert response.status_code == 302
    target = Target.objects.get(facility=world.own)
    assert (target.base_year, target.target_year, target.annual_rate) == (2023, 2030, 0.1)
    assert AuditEvent.objects.filter(object_type="inventories.target", action="create").count() == 1
    t = client.get(reverse("inventories:facility_year", args=[world.own.pk, YEAR])).context["data"]["trajectory"]
    # base 2023: 158.208 t; path 2024: 158.208 x (1 - 0.1) = 142.3872 t; actual 126.5664 t
    assert t["years"][:2] == [2023, 2024] and t["years"][-1] == 2030
    assert t["path"][1] == pytest.approx(142.3872, rel=1e-12)
    assert t["progress_year"] == 2024
    assert t["progress"].on_track and t["progress"].gap == pytest.approx(126.5664 - 142.3872, rel=1e-9)
    # achieved: (158.208 - 126.5664) / (158.208 - 142.3872) = 31.6416 / 15.8208 = 2.0 (twice the planned reduction)
    assert t["progress"].achieved == pytest.approx(2.0, rel=1e-9)
    # intensity target on the market-based boundary: (t CO2e per kg) 2023: 158.208 / 12,000 = 0.013184
    client.post(url, {**TARGET, "basis": "intensity", "boundary": "market", "annual_rate_percent": "4.2"})
    t = client.get(reverse("inventories:facility_year", args=[world.own.pk, YEAR])).context["data"]["trajectory"]
    assert t["unit"] == "kg" and t["path"][0] == pytest.approx(0.013184, rel=1e-12)
    assert t["path"][1] == pytest.approx(0.013184 * (1 - 0.042), rel=1e-12)
    assert AuditEvent.objects.filter(object_type="inventories.target", action="update").count() == 1
    api = client.get(f"/api/v1/facilities/{world.own.pk}/inventory?year=2024").json()
    assert api["target"] == {"base_year": 2023, "target_year": 2030, "annual_rate": 0.042, "basis": "intensity",
                             "boundary": "market"}


@pytest.mark.parametrize("data,field", [
    ({"base_year": "2019"}, "base_year"),                 # no inventory in 2019
    ({"target_year": "2023"}, "target_year"),             # not after the base year
    ({"annual_rate_percent": "0"}, "annual_rate_percent"),
    ({"annual_rate_percent": "120"}, "annual_rate_percent"),
])
def test_a_bad_target_is_refused_naming_the_field(client, world, django_capture_on_commit_callbacks, data, field):
    from loomlight.inventories.models import Target

    _two_years(world, django_capture_on_commit_callbacks)
    client.force_login(world.users["manager"])
    response = client.post(reverse("inventories:target", args=[world.own.pk, YEAR]), {**TARGET, **data})
    assert response.status_code == 400
    assert field in response.context["target_form"].errors
    assert not Target.objects.exists()


@pytest.mark.parametrize("user,status", [("data_entry", 403), ("assessor", 403), ("brand", 404), ("nobody", 404),
                                         ("admin", 302), ("group_manager", 302)])
def test_who_may_set_a_target(client, world, django_capture_on_commit_callbacks, user, status):
    _two_years(world, django_capture_on_commit_callbacks)
    client.force_login(world.users[user])
    assert client.post(reverse("inventories:target", args=[world.own.pk, YEAR]), TARGET).status_code == status
    page = client.get(reverse("inventories:facility_year", args=[world.own.pk, YEAR]))
    if page.status_code == 200:
        assert (page.context["target_form"] is not None) == (status == 302)


def test_without_a_target_the_reference_path_starts_at_the_first_year(client, world, django_capture_on_commit_callbacks):
    _two_years(world, django_capture_on_commit_callbacks)
    client.force_login(world.users["manager"])
    t = client.get(reverse("inventories:facility_year", args=[world.own.pk, YEAR])).context["data"]["trajectory"]
    assert t["target"] is None and t["base_year"] == 2023 and t["rate"] == 0.042
    # 158.208 t in 2023; 2024 on the path: 158.208 x 0.958 = 151.563264 t; projection through (2023, 158.208),
    # (2024, 126.5664): slope -31.6416 a year, so 2025: 126.5664 - 31.6416 = 94.9248 t
    assert t["path"][:2] == [pytest.approx(158.208), pytest.approx(151.563264)]
    assert t["projection"][2] == pytest.approx(94.9248, rel=1e-9)
    assert t["fitted_on"] == [2023, 2024]
    assert t["years"] == [2023, 2024, 2025, 2026, 2027]


def test_the_page_lists_the_largest_emitters_and_the_download_all(client, data, monkeypatch):
    from loomlight.inventories import selectors

    monkeypatch.setattr(selectors, "PAGE_FACILITIES", 1)
    client.force_login(data.users["admin"])
    page = client.get(reverse("inventories:park_year", args=[data.park.pk, YEAR]))
    # own (90.5 t) emits more than neighbour (2.8 t of diesel)
    assert [r["facility"] for r in page.context["data"]["by_facility"]] == ["Own Dyehouse"]
    assert 'data-testid="largest"' in page.content.decode()
    rows = list(csv.reader(io.StringIO(client.get(
        reverse("inventories:park_download", args=[data.park.pk, YEAR, "csv"])).content.decode("utf-8-sig"))))
    assert len(rows) == 3


def test_peers_median_counts_same_output_unit_and_process_class(client, world, django_capture_on_commit_callbacks):
    from loomlight.registry.models import Facility

    jan = datetime.date(2024, 1, 1)
    enter(world, django_capture_on_commit_callbacks, [(jan, "electricity_grid", 100, "MWh"), (jan, "production_kg", 1000, "kg")])

    def facility(name, processes, mwh, output="production_kg"):
        f = Facility.objects.create(name=name, country="VN", tier=2, processes=processes)
        enter(world, django_capture_on_commit_callbacks, [(jan, "electricity_grid", mwh, "MWh"), (jan, output, 1000, "kg"
              if output == "production_kg" else "piece")], facility=f)

    for i, mwh in enumerate((10, 20, 30, 40)):
        facility(f"Wet {i}", ["dyeing"], mwh)
    facility("Dry", ["cut_make_trim"], 500)                    # another process class: not a peer
    facility("Pieces", ["printing"], 500, "production_pieces")  # another output unit: not a peer
    client.force_login(world.users["manager"])
    url = reverse("inventories:facility_year", args=[world.own.pk, YEAR])
    peers = client.get(url).context["data"]["peers"]
    assert peers["median"] is None and peers["count"] == 4       # fewer than 5: no median shown
    facility("Wet 4", ["laundry", "dyeing"], 50)
    peers = client.get(url).context["data"]["peers"]
    # intensities 10, 20, 30, 40, 50 MWh x 0.6592 t/MWh / 1,000 kg: the median is 30 x 0.6592 / 1,000
    assert peers["count"] == 5 and peers["median"] == pytest.approx(0.019776, rel=1e-12)


@pytest.mark.parametrize("user,status", [("manager", 200), ("admin", 200), ("data_entry", 403), ("assessor", 403),
                                         ("brand", 404), ("nobody", 404)])
def test_a_target_through_the_api(client, world, django_capture_on_commit_callbacks, user, status):
    import json

    from loomlight.api.services import api_token_issue
    from loomlight.inventories.models import Target

    _two_years(world, django_capture_on_commit_callbacks)
    _token, raw = api_token_issue(user=world.users[user], name="target test")

    def put(body):
        return client.put(f"/api/v1/facilities/{world.own.pk}/target", json.dumps(body), content_type="application/json",
                          HTTP_AUTHORIZATION=f"Bearer {raw}")

    body = {"base_year": 2023, "target_year": 2030, "annual_rate": 0.042, "basis": "intensity", "boundary": "market"}
    response = put(body)
    assert response.status_code == status
    if status == 200:
        assert response.json() == body
        assert Target.objects.get(facility=world.own).annual_rate == 0.042
        bad = put({**body, "base_year": 2019})                    # no inventory in 2019
        assert bad.status_code == 422 and "base_year" in bad.json()["error"]["fields"]
        assert put({**body, "colour": "red"}).status_code == 422    # unknown fields are refused
        assert put({**body, "annual_rate": 4.2}).status_code == 422  # a share, not a percentage
        assert Target.objects.get(facility=world.own).base_year == 2023
    else:
        assert not Target.objects.exists()
    assert client.put(f"/api/v1/facilities/{world.own.pk}/target", json.dumps(body),
                      content_type="application/json").status_code == 401   # writes need a token


def test_a_scope_2_not_counted_is_blank_with_its_reason_never_zero(client, world, django_capture_on_commit_callbacks):
    """Laos has no grid factor shipped: 20 MWh of grid electricity there is not counted. The stored month has no
    scope 2 (None, not 0), the page says "not counted" and how many kWh were left out, the download leaves the cells
    empty and the API returns null; the diesel's scope 1 is counted as usual."""
    from loomlight.inventories.models import Inventory
    from loomlight.registry.models import Facility, Membership

    lao = Facility.objects.create(name="Vientiane Knit", country="LA", tier=1, processes=["knitting"])
    Membership.objects.create(user=world.users["manager"], role="facility_manager", facility=lao)
    jan = datetime.date(YEAR, 1, 1)
    enter(world, django_capture_on_commit_callbacks, [(jan, "electricity_grid", 20, "MWh"), (jan, "fuel_diesel", 1000, "L")],
          facility=lao)
    row = Inventory.objects.get(facility=lao, period=jan)
    assert row.scope2_location_tco2e is None and row.scope2_market_tco2e is None and row.total_location_tco2e is None
    assert row.scope2_uncounted_kwh == 20_000 and row.scope1_tco2e > 0
    assert "no grid emission factor for LA: scope 2 not counted" in row.flags
    client.force_login(world.users["manager"])
    page = client.get(reverse("inventories:facility_year", args=[lao.pk, YEAR])).content.decode()
    assert 'data-testid="not-counted"' in page and "20,000 kWh" in page and "not counted" in page
    body = client.get(reverse("inventories:facility_download", args=[lao.pk, YEAR, "csv"])).content.decode("utf-8-sig")
    header, first = list(csv.reader(io.StringIO(body)))[:2]
    assert first[header.index("scope 2, location-based [t CO2e]")] == ""
    api = client.get(f"/api/v1/facilities/{lao.pk}/inventory?year={YEAR}").json()
    assert api["months"][0]["values"]["scope2_location_tco2e"] is None
