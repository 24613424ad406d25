"""Organisations, industrial parks and shared facilities through the API."""

from __future__ import annotations

import pytest

from loomlight.audit.models import AuditEvent
from loomlight.registry.models import IndustrialPark, Organisation, SharedFacility
from tests.api.conftest import FORBIDDEN, INVALID, NOT_FOUND, error, names

PUBLIC = ["Alliance Secretariat", "Brand A", "Brand B", "Green Finance Bank"]


def _park_row(pk):
    return IndustrialPark.objects.filter(pk=pk).values().get()


# --- organisations --------------------------------------------------------------

@pytest.mark.parametrize("who, expected", [
    ("nobody", []),
    ("other_brand", PUBLIC),
    ("neighbour_manager", [*PUBLIC, "Park Operator JSC"]),  # the operator of the park they see
    ("manager", [*PUBLIC, "Park Operator JSC", "Saigon Knit Group"]),  # and the owner of their facility
])
def test_organisation_list_is_the_visible_set(api, world, who, expected):
    assert names(api.get(who, "/organisations")) == expected


def test_organisation_filters(api, world):
    assert names(api.get("manager", "/organisations", kind="brand")) == ["Brand A", "Brand B"]
    assert names(api.get("manager", "/organisations", search="knit")) == ["Saigon Knit Group"]
    assert names(api.get("other_brand", "/organisations", search="knit")) == []


def test_organisation_detail_hides_what_is_not_visible(api, world):
    assert api.get("manager", f"/organisations/{world.group.pk}").json() == {
        "id": world.group.pk, "name": "Saigon Knit Group", "kind": "manufacturer_group", "country": "VN", "website": "",
        "created_at": api.get("manager", f"/organisations/{world.group.pk}").json()["created_at"],
    }
    hidden = api.get("other_brand", f"/organisations/{world.group.pk}")
    missing = api.get("other_brand", "/organisations/987654")
    assert (hidden.status_code, hidden.content) == (404, missing.content)
    assert hidden.json() == NOT_FOUND


def test_organisation_create_and_update(api, world):
    created = api.post("admin", "/organisations", {"name": "Brand C", "kind": "brand", "country": "SE"})
    assert created.status_code == 201, created.json()
    org = Organisation.objects.get(pk=created.json()["id"])
    assert (org.name, org.kind, org.country) == ("Brand C", "brand", "SE")
    updated = api.patch("admin", f"/organisations/{org.pk}", {"website": "https://brand-c.example"})
    assert (updated.status_code, updated.json()["website"]) == (200, "https://brand-c.example")
    assert Organisation.objects.get(pk=org.pk).website == "https://brand-c.example"
    assert list(AuditEvent.objects.filter(object_type="registry.organisation", object_id=str(org.pk)).order_by("at", "id")
                .values_list("action", "via")) == [("create", "api"), ("update", "api")]


def test_organisation_write_refusals(api, world):
    response = api.post("manager", "/organisations", {"name": "Brand C", "kind": "brand"})
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    response = api.patch("brand", f"/organisations/{world.brand.pk}", {"name": "Renamed"})
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    response = api.post("admin", "/organisations", {"name": "Brand A", "kind": "brand"})
    assert (response.status_code, response.json()) == (
        422, error("validation_error", INVALID, {"name": ["Organisation with this Name already exists."]}))
    response = api.post("admin", "/organisations", {"name": "Brand C", "kind": "shop"})
    assert (response.status_code, response.json()) == (
        422, error("validation_error", INVALID, {"kind": ["Value 'shop' is not a valid choice."]}))
    assert not Organisation.objects.filter(name="Brand C").exists()
    assert Organisation.objects.get(pk=world.brand.pk).name == "Brand A"


# --- parks ----------------------------------------------------------------------

@pytest.mark.parametrize("who, expected", [
    ("operator", ["Green Park", "River Park"]),
    ("admin", ["Green Park"]),
    ("manager", ["Green Park"]),
    ("brand", ["Green Park"]),
    ("other_brand", []),
    ("nobody", []),
])
def test_park_list_is_the_visible_set(api, world, who, expected):
    assert names(api.get(who, "/parks")) == expected


def test_park_filters_and_detail(api, world):
    assert names(api.get("operator", "/parks", country="KH")) == ["River Park"]
    assert names(api.get("operator", "/parks", search="binh")) == ["Green Park"]
    body = api.get("manager", f"/parks/{world.park.pk}").json()
    body.pop("created_at")
    assert body == {"id": world.park.pk, "name": "Green Park", "name_local": "", "country": "VN", "province": "Binh Duong",
                    "latitude": 11.05, "longitude": 106.66, "area_ha": None, "operator": world.park_operator_org.pk,
                    "year_established": None}
    assert "facility_count" not in body  # the park's facilities may include some the user cannot see
    hidden = api.get("admin", f"/parks/{world.other_park.pk}")
    assert (hidden.status_code, hidden.content) == (404, api.get("admin", "/parks/987654").content)


def test_park_create_by_admin(api, world):
    response = api.post("admin", "/parks", {"name": "Blue Park", "country": "VN", "area_ha": "120.50", "operator": world.park_operator_org.pk})
    assert response.status_code == 201
    assert (response.json()["area_ha"], response.json()["operator"]) == ("120.50", world.park_operator_org.pk)
    park = IndustrialPark.objects.get(name="Blue Park")
    assert list(park.programmes.all()) == [world.programme]


def test_park_create_refuses_an_invisible_operator(api, world):
    private = Organisation.objects.create(name="Private Group", kind="manufacturer_group")
    response = api.post("admin", "/parks", {"name": "Blue Park", "country": "VN", "operator": private.pk})
    assert (response.status_code, response.json()) == (
        422, error("validation_error", INVALID, {"operator": [f"Unknown id: {private.pk}."]}))
    assert not IndustrialPark.objects.filter(name="Blue Park").exists()


def test_park_update(api, world):
    response = api.patch("park_operator", f"/parks/{world.park.pk}", {"province": "Dong Nai", "year_established": 2004})
    assert response.status_code == 200
    park = IndustrialPark.objects.get(pk=world.park.pk)
    assert (park.province, park.year_established) == ("Dong Nai", 2004)


def test_park_update_refusals_change_nothing(api, world):
    before = _park_row(world.park.pk)
    response = api.patch("manager", f"/parks/{world.park.pk}", {"province": "Elsewhere"})
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    response = api.patch("park_operator", f"/parks/{world.park.pk}", {"latitude": 95})
    assert (response.status_code, response.json()) == (
        422, error("validation_error", INVALID, {"latitude": ["Ensure this value is less than or equal to 90."]}))
    response = api.patch("park_operator", f"/parks/{world.park.pk}", {"area_ha": "12345678901"})
    assert response.status_code == 422 and list(response.json()["error"]["fields"]) == ["area_ha"]
    response = api.patch("park_operator", f"/parks/{world.other_park.pk}", {"province": "Elsewhere"})
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert _park_row(world.park.pk) == before


# --- shared facilities -----------------------------------------------------------

def _cetp(world, serves):
    return {"id": world.cetp.pk, "park": world.park.pk, "kind": "cetp", "name": "Green Park CETP", "capacity": "", "serves": serves}


def test_shared_facility_list_shows_only_visible_served_facilities(api, world):
    url = f"/parks/{world.park.pk}/shared-facilities"
    both = sorted([world.own.pk, world.neighbour.pk])
    assert api.get("park_operator", url).json() == {"count": 1, "page": 1, "page_size": 50, "results": [_cetp(world, both)]}
    assert api.get("manager", url).json()["results"] == [_cetp(world, [world.own.pk])]  # the neighbour stays hidden
    hidden = api.get("other_brand", url)
    assert (hidden.status_code, hidden.json()) == (404, NOT_FOUND)


def test_shared_facility_create(api, world):
    url = f"/parks/{world.park.pk}/shared-facilities"
    response = api.post("park_operator", url, {"kind": "rooftop_solar", "name": "Solar roofs", "capacity": "2.5 MWp", "serves": [world.own.pk]})
    assert response.status_code == 201
    shared = SharedFacility.objects.get(name="Solar roofs")
    assert response.json() == {"id": shared.pk, "park": world.park.pk, "kind": "rooftop_solar", "name": "Solar roofs",
                               "capacity": "2.5 MWp", "serves": [world.own.pk]}
    assert list(shared.serves.all()) == [world.own]


def test_shared_facility_create_refusals(api, world):
    url = f"/parks/{world.park.pk}/shared-facilities"
    body = {"kind": "waste_centre", "name": "Waste hub"}
    assert api.post("manager", url, body).json() == FORBIDDEN
    # the park operator cannot see the facility outside the park: unknown, not resolved
    response = api.post("park_operator", url, {**body, "serves": [world.outside.pk]})
    assert (response.status_code, response.json()) == (
        422, error("validation_error", INVALID, {"serves": [f"Unknown id: {world.outside.pk}."]}))
    # the admin sees it, but it is not in the park
    response = api.post("admin", url, {**body, "serves": [world.outside.pk]})
    assert (response.status_code, response.json()) == (
        422, error("validation_error", INVALID, {"serves": ["These facilities are not in Green Park: Outside Laundry."]}))
    response = api.post("park_operator", url, {"kind": "cetp", "name": "Green Park CETP"})
    assert (response.status_code, response.json()) == (422, error("validation_error", "A shared facility with this name already exists in this park."))
    assert api.post("park_operator", f"/parks/{world.other_park.pk}/shared-facilities", body).json() == NOT_FOUND
    assert list(SharedFacility.objects.values_list("name", flat=True)) == ["Green Park CETP"]


def test_shared_facility_update(api, world):
    url = f"/shared-facilities/{world.cetp.pk}"
    response = api.patch("park_operator", url, {"capacity": "5,000 m³/day", "serves": [world.neighbour.pk]})
    assert response.status_code == 200
    assert response.json() == {**_cetp(world, [world.neighbour.pk]), "capacity": "5,000 m³/day"}
    world.cetp.refresh_from_db()
    assert (world.cetp.capacity, list(world.cetp.serves.all())) == ("5,000 m³/day", [world.neighbour])


def test_shared_facility_update_refusals_change_nothing(api, world):
    url = f"/shared-facilities/{world.cetp.pk}"
    response = api.patch("manager", url, {"serves": []})
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    response = api.patch("park_operator", url, {"serves": [world.stranger.pk]})
    assert (response.status_code, response.json()) == (
        422, error("validation_error", INVALID, {"serves": [f"Unknown id: {world.stranger.pk}."]}))
    response = api.patch("other_brand", url, {"name": "X"})
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    world.cetp.refresh_from_db()
    assert (world.cetp.name, sorted(world.cetp.serves.values_list("pk", flat=True))) == (
        "Green Park CETP", sorted([world.own.pk, world.neighbour.pk]))
