"""Registry pages: lists with search, filters and pagination; forms that name the field; consent in the UI."""

from __future__ import annotations

import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection
from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.registry.models import Consent, Facility


def _names(response) -> list[str]:
    return [f.name for f in response.context["page"]]


def test_lists_need_login(client, world):
    for name in ("registry:facilities", "registry:parks", "registry:organisations", "registry:map", "registry:consents", "home"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_facility_list_filters(client, world):
    client.force_login(world.users["admin"])
    url = reverse("registry:facilities")
    assert _names(client.get(url)) == ["Neighbour Sewing", "Outside Laundry", "Own Dyehouse"]
    assert _names(client.get(url, {"search": "dye"})) == ["Own Dyehouse"]
    assert _names(client.get(url, {"park": "none"})) == ["Outside Laundry"]
    assert _names(client.get(url, {"park": str(world.park.pk)})) == ["Neighbour Sewing", "Own Dyehouse"]
    assert _names(client.get(url, {"process": "laundry"})) == ["Outside Laundry"]
    assert _names(client.get(url, {"tier": "1"})) == ["Neighbour Sewing"]
    assert _names(client.get(url, {"tier": "9"})) == []
    assert _names(client.get(url, {"country": "KH"})) == []  # Stranger Mill exists but is not theirs


def test_facility_list_htmx_returns_the_table_only(client, world):
    client.force_login(world.users["admin"])
    response = client.get(reverse("registry:facilities"), {"search": "dye"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "Own Dyehouse" in body


def test_facility_list_paginates_with_a_fixed_number_of_queries(client, world, settings):
    settings.PAGE_SIZE = 2
    client.force_login(world.users["operator"])
    url = reverse("registry:facilities")
    first = client.get(url)
    assert _names(first) == ["Neighbour Sewing", "Outside Laundry"]
    assert _names(client.get(url, {"page": 2})) == ["Own Dyehouse", "Stranger Mill"]
    for i in range(10):
        Facility.objects.create(name=f"Extra {i:02d}", country="VN", tier=1, processes=["knitting"], park=world.park)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    settings.PAGE_SIZE = 10
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_edit_form_names_the_bad_field_and_saves_nothing(client, world):
    client.force_login(world.users["manager"])
    response = client.post(reverse("registry:facility_edit", args=[world.own.pk]), {
        "name": "Own Dyehouse", "country": "VN", "tier": 2, "processes": ["dyeing"], "latitude": "95", "longitude": "106",
        "headcount_female": 300, "headcount_male": 200, "park": world.park.pk,
    })
    assert response.status_code == 200
    assert "latitude" in response.context["form"].errors
    world.own.refresh_from_db()
    assert world.own.latitude == 11.051
    assert not AuditEvent.objects.exists()


def test_edit_form_reports_duplicate_in_same_park(client, world):
    client.force_login(world.users["manager"])
    response = client.post(reverse("registry:facility_edit", args=[world.own.pk]), {
        "name": "Neighbour Sewing", "country": "VN", "tier": 2, "processes": ["dyeing"],
        "headcount_female": 300, "headcount_male": 200, "park": world.park.pk,
    })
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Facility.objects.filter(name="Neighbour Sewing").count() == 1


def test_create_facility_through_the_form(client, world):
    client.force_login(world.users["admin"])
    response = client.post(reverse("registry:facility_new"), {
        "name": "Phnom Penh Stitch", "country": "VN", "tier": 1, "processes": ["cut_make_trim"], "product_types": ["apparel"],
        "headcount_female": 900, "headcount_male": 100,
    })
    assert response.status_code == 302
    facility = Facility.objects.get(name="Phnom Penh Stitch")
    assert world.programme.facilities.filter(pk=facility.pk).exists()
    assert client.get(response["Location"]).status_code == 200


def test_park_operator_edits_park_and_adds_shared_facility(client, world):
    client.force_login(world.users["park_operator"])
    response = client.post(reverse("registry:shared_new", args=[world.park.pk]), {
        "kind": "rooftop_solar", "name": "Green Park Solar", "capacity": "3 MWp", "serves": [world.own.pk, world.neighbour.pk],
    })
    assert response.status_code == 302
    shared = world.park.shared_facilities.get(name="Green Park Solar")
    assert sorted(shared.serves.values_list("name", flat=True)) == ["Neighbour Sewing", "Own Dyehouse"]
    assert client.get(reverse("registry:park_edit", args=[world.park.pk])).status_code == 200
    assert client.get(reverse("registry:facility_edit", args=[world.own.pk])).status_code == 403


def test_consent_granted_and_revoked_in_the_ui(client, world):
    client.force_login(world.users["manager"])
    response = client.post(reverse("registry:consent_grant", args=[world.own.pk]), {
        "grantee": world.other_brand.pk, "data_kinds": ["profile", "ghg"], "valid_from": "2026-01-01",
    })
    assert response.status_code == 302
    consent = Consent.objects.get(grantee=world.other_brand)
    assert consent.data_kinds == ["profile", "ghg"]
    client.force_login(world.users["other_brand"])
    assert client.get(reverse("registry:facility", args=[world.own.pk])).status_code == 200
    client.force_login(world.users["manager"])
    assert client.post(reverse("registry:consent_revoke", args=[consent.pk])).status_code == 302
    client.force_login(world.users["other_brand"])
    assert client.get(reverse("registry:facility", args=[world.own.pk])).status_code == 404


def test_brand_cannot_revoke_consent_given_to_it(client, world):
    consent = Consent.objects.get(grantee=world.brand)
    client.force_login(world.users["brand"])
    assert client.post(reverse("registry:consent_revoke", args=[consent.pk])).status_code == 403
    consent.refresh_from_db()
    assert consent.revoked_at is None


def test_consent_form_rejects_end_before_start(client, world):
    client.force_login(world.users["manager"])
    response = client.post(reverse("registry:consent_grant", args=[world.own.pk]), {
        "grantee": world.other_brand.pk, "data_kinds": ["profile"], "valid_from": "2026-01-01", "valid_until": "2025-01-01",
    })
    assert "valid_until" in response.context["form"].errors
    assert not Consent.objects.filter(grantee=world.other_brand).exists()


def test_audit_trail_page(client, world):
    client.force_login(world.users["manager"])
    client.post(reverse("registry:facility_edit", args=[world.own.pk]), {
        "name": "Own Dyehouse", "country": "VN", "tier": 2, "processes": ["dyeing", "finishing"],
        "headcount_female": 333, "headcount_male": 200, "park": world.park.pk, "organisation": world.group.pk,
        "latitude": "11.051", "longitude": "106.661",
    })
    [mine] = list(client.get(reverse("audit:list")).context["page"])   # the manager reads its own facility's change
    assert mine.event.changes() == [("headcount_female", 300, 333)]
    client.force_login(world.users["admin"])
    response = client.get(reverse("audit:list"))
    assert response.status_code == 200
    [entry] = list(response.context["page"])
    assert entry.event.changes() == [("headcount_female", 300, 333)]
    assert [(c.label, c.before, c.after) for c in entry.changes] == [("Women employed", "300", "333")]
    client.force_login(world.users["park_operator"])   # a tenant's registry record is not the park's own record
    assert list(client.get(reverse("audit:list")).context["page"]) == []
    client.force_login(world.users["data_entry"])
    assert client.get(reverse("audit:list")).status_code == 403


def test_audit_events_of_other_programmes_are_hidden_from_admin(client, world):
    from loomlight.registry import services

    services.facility_update(by=world.users["operator"], facility=world.stranger, data={"headcount_male": 5})
    client.force_login(world.users["admin"])
    assert list(client.get(reverse("audit:list")).context["page"]) == []


@pytest.mark.parametrize("user,expected", [("manager", 1), ("admin", 3), ("operator", 4), ("nobody", 0)])
def test_home_page_per_role(client, world, user, expected):
    client.force_login(world.users[user])
    response = client.get(reverse("home"))
    assert response.context["facility_count"] == expected


def test_map_page_loads_vendored_leaflet(client, world):
    client.force_login(world.users["manager"])
    body = client.get(reverse("registry:map")).content.decode()
    assert "vendor/leaflet-1.9.4/leaflet.js" in body and "map/data.geojson" in body


def test_home_links_each_role_to_its_scope(client, world):
    client.force_login(world.users["park_operator"])
    body = client.get(reverse("home")).content.decode()
    assert f'href="/registry/parks/{world.park.pk}/"' in body
    client.force_login(world.users["brand"])
    response = client.get(reverse("home"))
    assert [f.name for f in response.context["shared_with_me"]] == ["Own Dyehouse"]
