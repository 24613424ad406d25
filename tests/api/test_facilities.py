"""Facilities through the API: exactly the policy's visible set, 404 for what a
user may not see (identical to a missing id), 403 for what they may see but not
change, 422 naming the field, and nothing changed by a refused write."""

from __future__ import annotations

import pytest

from loomlight.audit.models import AuditEvent
from loomlight.registry import policy, services
from loomlight.registry.models import Facility
from tests.api.conftest import FORBIDDEN, INVALID, NOT_FOUND, error, names

ALL_ROLES = ["operator", "admin", "assessor", "park_operator", "manager", "group_manager", "data_entry",
             "neighbour_manager", "brand", "other_brand", "financier", "nobody"]


def _row(facility_id) -> dict:
    """Everything stored about a facility, to prove a refused write changed nothing."""
    return Facility.objects.filter(pk=facility_id).values().get()


@pytest.mark.parametrize("who, expected", [
    ("operator", ["Neighbour Sewing", "Outside Laundry", "Own Dyehouse", "Stranger Mill"]),
    ("admin", ["Neighbour Sewing", "Outside Laundry", "Own Dyehouse"]),
    ("assessor", ["Neighbour Sewing", "Outside Laundry", "Own Dyehouse"]),
    ("park_operator", ["Neighbour Sewing", "Own Dyehouse"]),
    ("manager", ["Own Dyehouse"]),
    ("group_manager", ["Own Dyehouse"]),
    ("data_entry", ["Own Dyehouse"]),
    ("neighbour_manager", ["Neighbour Sewing"]),
    ("brand", ["Own Dyehouse"]),  # through the consent
    ("other_brand", []),
    ("financier", []),
    ("nobody", []),
])
def test_list_is_exactly_the_visible_set(api, who, expected):
    response = api.get(who, "/facilities")
    assert names(response) == expected
    assert response.json()["count"] == len(expected)
    assert sorted(names(response)) == sorted(policy.facilities_visible(api.world.users[who]).values_list("name", flat=True))


def test_revoked_consent_hides_the_facility_at_once(api, world):
    assert names(api.get("brand", "/facilities")) == ["Own Dyehouse"]
    consent = world.own.consents.get(grantee=world.brand)
    services.consent_revoke(by=world.users["manager"], consent=consent)
    assert names(api.get("brand", "/facilities")) == []
    response = api.get("brand", f"/facilities/{world.own.pk}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


def test_detail_renders_every_field(api, world):
    body = api.get("manager", f"/facilities/{world.own.pk}").json()
    created_at = body.pop("created_at")
    assert created_at.startswith(world.own.created_at.strftime("%Y-%m-%dT%H:%M"))
    assert body == {
        "id": world.own.pk, "name": "Own Dyehouse", "name_local": "", "organisation": world.group.pk, "address": "",
        "country": "VN", "latitude": 11.051, "longitude": 106.661, "park": world.park.pk, "tier": 2,
        "processes": ["dyeing", "finishing"], "product_types": [], "headcount_female": 300, "headcount_male": 200,
        "os_hub_id": "",
    }


def test_a_hidden_facility_answers_exactly_like_a_missing_one(api, world):
    hidden = api.get("manager", f"/facilities/{world.neighbour.pk}")
    missing = api.get("manager", "/facilities/987654")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden.json() == NOT_FOUND
    assert hidden.headers["Content-Type"] == missing.headers["Content-Type"]
    patched = api.patch("manager", f"/facilities/{world.neighbour.pk}", {"name": "Mine now"})
    assert (patched.status_code, patched.content) == (404, missing.content)
    assert Facility.objects.get(pk=world.neighbour.pk).name == "Neighbour Sewing"


def test_patch_by_assessor_is_403_and_changes_nothing(api, world):
    before = _row(world.own.pk)
    api.token("assessor")  # issuing it is audited; count after
    events = AuditEvent.objects.count()
    response = api.patch("assessor", f"/facilities/{world.own.pk}", {"name": "Renamed"})
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert _row(world.own.pk) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("who", ["brand", "data_entry", "park_operator"])
def test_others_who_see_but_may_not_edit_get_403(api, world, who):
    before = _row(world.own.pk)
    response = api.patch(who, f"/facilities/{world.own.pk}", {"headcount_male": 1})
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert _row(world.own.pk) == before


def test_patch_by_manager_changes_the_facility_and_audits_it(api, world):
    response = api.patch("manager", f"/facilities/{world.own.pk}", {"headcount_male": 250, "product_types": ["yarn"]})
    assert response.status_code == 200
    assert (response.json()["headcount_male"], response.json()["product_types"]) == (250, ["yarn"])
    own = Facility.objects.get(pk=world.own.pk)
    assert (own.headcount_male, own.product_types, own.name) == (250, ["yarn"], "Own Dyehouse")
    event = AuditEvent.objects.filter(object_type="registry.facility", object_id=str(own.pk)).get()
    assert (event.action, event.actor, event.via) == ("update", world.users["manager"], "api")
    assert event.changes() == [("headcount_male", 200, 250), ("product_types", [], ["yarn"])]


@pytest.mark.parametrize("body, fields", [
    ({"country": "XX"}, {"country": [
        "Unknown country code “XX”: use an ISO 3166-1 alpha-2 code such as VN, KH or ET.",
        "The facility is in a park in another country (VN).",
    ]}),
    ({"latitude": 95}, {"latitude": ["Ensure this value is less than or equal to 90."]}),
    ({"longitude": -181}, {"longitude": ["Ensure this value is greater than or equal to -180."]}),
    ({"processes": ["juggling"]}, {"processes": ["Unknown processes: juggling. Allowed: spinning, weaving, knitting, dyeing, printing, finishing, cut_make_trim, laundry, footwear_assembly, tannery."]}),
    ({"colour": "red"}, {"colour": ["Unknown field."]}),
    ({"tier": "first"}, {"tier": ["Input should be a valid integer, unable to parse string as an integer"]}),
    ({"name": None}, {"name": ["Input should be a valid string"]}),  # the document says a string, not null
])
def test_invalid_patch_is_422_naming_the_field_and_changes_nothing(api, world, body, fields):
    before = _row(world.own.pk)
    response = api.patch("manager", f"/facilities/{world.own.pk}", body)
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, fields))
    assert _row(world.own.pk) == before


def test_not_a_finite_number_is_refused(api, world):
    before = _row(world.own.pk)
    response = api.client.patch(f"/api/v1/facilities/{world.own.pk}", '{"latitude": NaN}', content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {api.token('manager')}")
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, {"latitude": ["Input should be a finite number"]}))
    assert _row(world.own.pk) == before


def test_body_that_is_not_json_is_400_in_the_envelope(api, world):
    response = api.client.patch(f"/api/v1/facilities/{world.own.pk}", "{oops", content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {api.token('manager')}")
    assert (response.status_code, response.json()) == (400, error("bad_request", "The request could not be processed."))


def test_duplicate_name_in_the_same_park_is_refused(api, world):
    before = _row(world.own.pk)
    response = api.patch("manager", f"/facilities/{world.own.pk}", {"name": "Neighbour Sewing"})
    assert (response.status_code, response.json()) == (
        422, error("validation_error", "A facility with this name is already registered in this industrial park."))
    assert _row(world.own.pk) == before
    created = api.post("admin", "/facilities", {"name": "Own Dyehouse", "country": "VN", "park": world.park.pk, "tier": 1, "processes": ["knitting"]})
    assert created.status_code == 422
    assert Facility.objects.filter(name="Own Dyehouse").count() == 1


def test_moving_into_an_invisible_park_is_an_unknown_id(api, world):
    before = _row(world.own.pk)
    for park_id in (world.other_park.pk, 987654):
        response = api.patch("manager", f"/facilities/{world.own.pk}", {"park": park_id})
        assert (response.status_code, response.json()) == (
            422, error("validation_error", INVALID, {"park": [f"Unknown id: {park_id}."]}))
    assert _row(world.own.pk) == before


# --- create ---------------------------------------------------------------------

NEW = {"name": "New Knits", "country": "VN", "tier": 1, "processes": ["knitting"], "headcount_female": 12}


def test_admin_creates_a_facility_enrolled_in_the_programme(api, world):
    response = api.post("admin", "/facilities", {**NEW, "park": world.park.pk, "organisation": world.group.pk})
    assert response.status_code == 201
    facility = Facility.objects.get(pk=response.json()["id"])
    assert (facility.name, facility.park, facility.organisation, facility.headcount_female) == ("New Knits", world.park, world.group, 12)
    assert list(facility.programmes.all()) == [world.programme]
    event = AuditEvent.objects.get(object_type="registry.facility", object_id=str(facility.pk))
    assert (event.action, event.via, event.actor) == ("create", "api", world.users["admin"])


def test_create_with_an_explicit_programme(api, world):
    response = api.post("admin", "/facilities", {**NEW, "programme": world.programme.pk})
    assert response.status_code == 201
    assert list(Facility.objects.get(pk=response.json()["id"]).programmes.all()) == [world.programme]


def test_create_refuses_ids_the_user_cannot_see(api, world):
    for field, value in (("park", world.other_park.pk), ("programme", 987654)):
        response = api.post("admin", "/facilities", {**NEW, field: value})
        assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, {field: [f"Unknown id: {value}."]}))
    assert not Facility.objects.filter(name="New Knits").exists()


def test_create_needs_the_create_right(api, world):
    for who in ("manager", "park_operator", "brand"):
        response = api.post(who, "/facilities", NEW)
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert not Facility.objects.filter(name="New Knits").exists()


def test_create_names_missing_fields(api, world):
    response = api.post("admin", "/facilities", {"name": "Half"})
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "country": ["This field is required."], "tier": ["This field is required."], "processes": ["This field is required."],
    }


# --- pagination and filters --------------------------------------------------------

def test_pagination(api, world):
    first = api.get("operator", "/facilities", page_size=3).json()
    assert (first["count"], first["page"], first["page_size"]) == (4, 1, 3)
    assert [r["name"] for r in first["results"]] == ["Neighbour Sewing", "Outside Laundry", "Own Dyehouse"]
    second = api.get("operator", "/facilities", page_size=3, page=2).json()
    assert (second["count"], second["page"], [r["name"] for r in second["results"]]) == (4, 2, ["Stranger Mill"])
    assert api.get("operator", "/facilities", page_size=3, page=3).json()["results"] == []
    default = api.get("operator", "/facilities").json()
    assert (default["page"], default["page_size"]) == (1, 50)
    assert api.get("operator", "/facilities", page_size=200).status_code == 200


@pytest.mark.parametrize("params, field, message", [
    ({"page_size": 201}, "page_size", "Input should be less than or equal to 200"),
    ({"page_size": 0}, "page_size", "Input should be greater than or equal to 1"),
    ({"page": 0}, "page", "Input should be greater than or equal to 1"),
    ({"page": 10**20}, "page", "Input should be less than or equal to 1000000"),
    ({"page": "two"}, "page", "Input should be a valid integer, unable to parse string as an integer"),
])
def test_bad_pagination_is_422(api, world, params, field, message):
    response = api.get("operator", "/facilities", **params)
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, {field: [message]}))


def test_filters(api, world):
    def listed(**params):
        return names(api.get("admin", "/facilities", **params))

    assert listed(search="dye") == ["Own Dyehouse"]
    assert listed(park="none") == ["Outside Laundry"]
    assert listed(park=str(world.park.pk)) == ["Neighbour Sewing", "Own Dyehouse"]
    assert listed(park=str(world.other_park.pk)) == []  # exists, but not theirs
    assert listed(process="laundry") == ["Outside Laundry"]
    assert listed(tier="1") == ["Neighbour Sewing"]
    assert listed(tier="9") == []
    assert listed(country="KH") == []  # Stranger Mill exists but is not theirs
    assert listed(country="VN", tier="2") == ["Outside Laundry", "Own Dyehouse"]
    assert names(api.get("operator", "/facilities", country="KH")) == ["Stranger Mill"]


def test_the_right_to_edit_is_judged_before_the_input(api, world):
    """A user who may not edit learns nothing from the ids they send: 403, not 422."""
    before = _row(world.own.pk)
    response = api.patch("assessor", f"/facilities/{world.own.pk}", {"park": world.other_park.pk})
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert _row(world.own.pk) == before
