"""Consent through the API: only the facility's managers grant and revoke; both
are audited; revoking takes effect at once."""

from __future__ import annotations

import datetime

import pytest

from loomlight.audit.models import AuditEvent
from loomlight.registry.models import Consent
from tests.api.conftest import FORBIDDEN, INVALID, NOT_FOUND, error, names


def _grant(world, **overrides):
    return {"grantee": world.other_brand.pk, "data_kinds": ["profile"], "valid_from": "2024-01-01", **overrides}


def _consent_rows():
    return list(Consent.objects.order_by("pk").values())


@pytest.mark.parametrize("who, count", [
    ("operator", 1), ("manager", 1), ("group_manager", 1), ("admin", 1), ("brand", 1),
    ("other_brand", 0), ("data_entry", 0), ("assessor", 0), ("park_operator", 0), ("nobody", 0),
])
def test_consent_list_is_the_visible_set(api, world, who, count):
    body = api.get(who, "/consents").json()
    assert (body["count"], len(body["results"])) == (count, count)


def test_consent_rendering(api, world):
    """The grantee reads the facility, its own organisation, the kinds of data and the dates; not who of the
    facility's staff granted it. The facility's managers and its programme admin also read who did."""
    consent = Consent.objects.get()
    expected = {"id": consent.pk, "facility": world.own.pk, "facility_name": "Own Dyehouse", "grantee": world.brand.pk,
                "grantee_name": "Brand A", "data_kinds": ["profile", "environmental"], "valid_from": "2020-01-01",
                "valid_until": None, "revoked_at": None, "revoked_by": None, "is_active": True}
    for who, granted_by in (("brand", None), ("manager", "manager"), ("group_manager", "manager"), ("admin", "manager"),
                            ("operator", "manager")):
        [row] = api.get(who, "/consents").json()["results"]
        assert row.pop("granted_at").startswith(consent.granted_at.strftime("%Y-%m-%dT%H:%M"))
        assert row == {**expected, "granted_by": granted_by}, who


def test_a_revoked_consent_names_who_revoked_it_to_the_facility_side_only(api, world):
    consent = Consent.objects.get()
    api.post("manager", f"/consents/{consent.pk}/revoke")
    assert [(r["granted_by"], r["revoked_by"]) for r in api.get("admin", "/consents").json()["results"]] == [("manager", "manager")]
    assert [(r["granted_by"], r["revoked_by"]) for r in api.get("brand", "/consents").json()["results"]] == [(None, None)]


def test_the_consent_page_shows_staff_names_and_revoke_buttons_only_to_the_facility_side(client, world):
    client.force_login(world.users["brand"])
    body = client.get("/registry/consents/").content.decode()
    assert "Own Dyehouse" in body and "Brand A" in body
    assert "· manager" not in body and "Revoke" not in body
    client.force_login(world.users["admin"])
    body = client.get("/registry/consents/").content.decode()
    assert "· manager" in body and "Revoke" not in body   # an admin reads who granted it; only managers revoke
    client.force_login(world.users["manager"])
    body = client.get("/registry/consents/").content.decode()
    assert "· manager" in body and "Revoke" in body


def test_grant_through_the_api_is_audited_and_takes_effect(api, world):
    assert names(api.get("other_brand", "/facilities")) == []
    response = api.post("manager", f"/facilities/{world.own.pk}/consents", _grant(world, valid_until="2099-12-31"))
    assert response.status_code == 201
    consent = Consent.objects.get(pk=response.json()["id"])
    assert (consent.facility, consent.grantee, consent.data_kinds, consent.valid_from, consent.valid_until, consent.granted_by) == (
        world.own, world.other_brand, ["profile"], datetime.date(2024, 1, 1), datetime.date(2099, 12, 31), world.users["manager"])
    event = AuditEvent.objects.get(object_type="registry.consent", object_id=str(consent.pk))
    assert (event.action, event.actor, event.via, event.after["grantee_id"]) == ("create", world.users["manager"], "api", world.other_brand.pk)
    assert names(api.get("other_brand", "/facilities")) == ["Own Dyehouse"]


def test_revoke_through_the_api_is_audited_and_takes_effect(api, world):
    consent = Consent.objects.get()
    response = api.post("manager", f"/consents/{consent.pk}/revoke")
    assert response.status_code == 200
    assert (response.json()["revoked_by"], response.json()["is_active"]) == ("manager", False)
    consent.refresh_from_db()
    assert consent.revoked_by == world.users["manager"] and consent.revoked_at is not None
    event = AuditEvent.objects.get(object_type="registry.consent", object_id=str(consent.pk))
    assert (event.action, event.actor, event.via, event.before["revoked_at"], event.after["revoked_by_id"]) == (
        "update", world.users["manager"], "api", None, world.users["manager"].pk)
    assert names(api.get("brand", "/facilities")) == []
    again = api.post("manager", f"/consents/{consent.pk}/revoke")
    assert (again.status_code, again.json()) == (422, error("validation_error", "This consent was already revoked."))
    assert AuditEvent.objects.filter(object_type="registry.consent").count() == 1


@pytest.mark.parametrize("who", ["data_entry", "brand", "assessor", "admin", "park_operator"])
def test_only_managers_grant(api, world, who):
    before = _consent_rows()
    response = api.post(who, f"/facilities/{world.own.pk}/consents", _grant(world))
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert _consent_rows() == before


@pytest.mark.parametrize("who", ["brand", "admin"])
def test_only_managers_revoke(api, world, who):
    before = _consent_rows()
    response = api.post(who, f"/consents/{Consent.objects.get().pk}/revoke")
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert _consent_rows() == before
    assert names(api.get("brand", "/facilities")) == ["Own Dyehouse"]


def test_hidden_facility_and_consent_are_not_found(api, world):
    before = _consent_rows()
    assert api.post("manager", f"/facilities/{world.neighbour.pk}/consents", _grant(world)).json() == NOT_FOUND
    assert api.post("other_brand", f"/consents/{Consent.objects.get().pk}/revoke").json() == NOT_FOUND
    assert api.post("manager", "/consents/987654/revoke").json() == NOT_FOUND
    assert _consent_rows() == before


@pytest.mark.parametrize("overrides, fields", [
    ({"data_kinds": ["secrets"]}, {"data_kinds": ["Unknown data shared: secrets. Allowed: profile, environmental, ghg, wastewater, chemicals, assessments, business_cases, biomass."]}),
    ({"data_kinds": []}, {"data_kinds": ["This field cannot be blank.", "Choose at least one kind of data to share."]}),
    ({"valid_from": "yesterday"}, {"valid_from": ["Input should be a valid date or datetime, input is too short"]}),
    ({"granted_by": 1}, {"granted_by": ["Unknown field."]}),
])
def test_invalid_grant_is_422_naming_the_field(api, world, overrides, fields):
    before = _consent_rows()
    response = api.post("manager", f"/facilities/{world.own.pk}/consents", _grant(world, **overrides))
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, fields))
    assert _consent_rows() == before


def test_grantee_must_be_a_visible_brand_or_financier(api, world):
    before = _consent_rows()
    response = api.post("manager", f"/facilities/{world.own.pk}/consents", _grant(world, grantee=world.implementer.pk))
    assert (response.status_code, response.json()) == (
        422, error("validation_error", INVALID, {"grantee": ["Consent can be given to a brand or a financier only."]}))
    response = api.post("manager", f"/facilities/{world.own.pk}/consents", _grant(world, grantee=987654))
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, {"grantee": ["Unknown id: 987654."]}))
    assert _consent_rows() == before


def test_dates_must_be_ordered(api, world):
    before = _consent_rows()
    response = api.post("manager", f"/facilities/{world.own.pk}/consents", _grant(world, valid_until="2023-01-01"))
    assert (response.status_code, response.json()) == (422, error("validation_error", "The consent ends before it starts: “valid until” must be on or after “valid from”."))
    assert _consent_rows() == before


def test_the_right_to_grant_is_judged_before_the_input(api, world):
    before = _consent_rows()
    response = api.post("data_entry", f"/facilities/{world.own.pk}/consents", _grant(world, grantee=987654))
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert _consent_rows() == before
