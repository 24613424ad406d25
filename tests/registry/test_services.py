"""Registry write paths: validation with field names, nothing half-saved, audit in the same transaction."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from loomlight.audit.models import AuditEvent
from loomlight.registry import services
from loomlight.registry.models import Consent, Facility, Membership, SharedFacility


def _facility_data(world, **overrides):
    data = {"name": "New Knit", "country": "VN", "tier": 1, "processes": ["knitting"], "park": world.park,
            "headcount_female": 120, "headcount_male": 30}
    data.update(overrides)
    return data


def _field_errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_admin_creates_facility_enrolled_in_programme_with_audit(world):
    admin = world.users["admin"]
    facility = services.facility_create(by=admin, data=_facility_data(world, park=None))
    assert world.programme.facilities.filter(pk=facility.pk).exists()
    event = AuditEvent.objects.get(object_type="registry.facility", object_id=str(facility.pk))
    assert (event.action, event.actor, event.before) == ("create", admin, None)
    assert event.after["name"] == "New Knit" and event.after["headcount_female"] == 120


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"country": "XX"}, "country"),
        ({"latitude": 95.0, "longitude": 106.0}, "latitude"),
        ({"latitude": 10.0, "longitude": -181.0}, "longitude"),
        ({"name": "Own Dyehouse"}, "__all__"),  # duplicate in the same park
        ({"processes": ["alchemy"]}, "processes"),
        ({"processes": []}, "processes"),
        ({"tier": 7}, "tier"),
        ({"os_hub_id": "not an id"}, "os_hub_id"),
        ({"country": "KH"}, "country"),  # the park is in Viet Nam
        ({"colour": "blue"}, "colour"),
    ],
)
def test_invalid_facility_is_refused_naming_the_field_and_nothing_is_saved(world, overrides, field):
    before_count, before_events = Facility.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc_info:
        services.facility_create(by=world.users["admin"], data=_facility_data(world, **overrides))
    assert field in _field_errors(exc_info)
    assert Facility.objects.count() == before_count
    assert AuditEvent.objects.count() == before_events
    assert not world.programme.facilities.filter(name="New Knit").exists()


def test_same_name_in_another_park_or_outside_parks_is_allowed(world):
    operator = world.users["operator"]
    services.facility_create(by=operator, data=_facility_data(world, name="Own Dyehouse", park=world.other_park, country="KH"))
    services.facility_create(by=operator, data=_facility_data(world, name="Own Dyehouse", park=None))
    assert Facility.objects.filter(name="Own Dyehouse").count() == 3


def test_update_records_before_and_after(world):
    manager = world.users["manager"]
    services.facility_update(by=manager, facility=world.own, data={"headcount_female": 310})
    event = AuditEvent.objects.filter(object_type="registry.facility", object_id=str(world.own.pk)).latest("at")
    assert event.changes() == [("headcount_female", 300, 310)]
    assert event.actor == manager


def test_update_that_changes_nothing_records_nothing(world):
    services.facility_update(by=world.users["manager"], facility=world.own, data={"headcount_female": 300})
    assert not AuditEvent.objects.filter(object_id=str(world.own.pk)).exists()


def test_refused_update_changes_nothing(world):
    with pytest.raises(PermissionDenied):
        services.facility_update(by=world.users["neighbour_manager"], facility=world.own, data={"name": "Taken"})
    world.own.refresh_from_db()
    assert world.own.name == "Own Dyehouse"
    assert not AuditEvent.objects.exists()


def test_moving_a_facility_into_an_unseen_park_is_refused(world):
    with pytest.raises(ValidationError) as exc_info:
        services.facility_update(by=world.users["manager"], facility=world.own, data={"park": world.other_park, "country": "KH"})
    assert "park" in _field_errors(exc_info)
    world.own.refresh_from_db()
    assert world.own.park == world.park


def test_shared_facility_serves_only_facilities_of_its_park(world):
    with pytest.raises(ValidationError) as exc_info:
        services.shared_facility_create(by=world.users["park_operator"], park=world.park,
                                        data={"kind": "rooftop_solar", "name": "Roof PV"}, serves=[world.own, world.stranger])
    assert "Stranger Mill" in str(_field_errors(exc_info)["serves"])
    assert not SharedFacility.objects.filter(name="Roof PV").exists()
    shared = services.shared_facility_create(by=world.users["park_operator"], park=world.park,
                                             data={"kind": "rooftop_solar", "name": "Roof PV", "capacity": "2.5 MWp"}, serves=[world.own])
    assert list(shared.serves.all()) == [world.own]


def test_consent_grant_and_revoke_are_recorded(world):
    manager = world.users["manager"]
    consent = services.consent_grant(by=manager, facility=world.own, grantee=world.financier, data_kinds=["ghg"],
                                     valid_from=datetime.date(2026, 1, 1), valid_until=datetime.date(2027, 12, 31))
    services.consent_revoke(by=manager, consent=consent)
    consent.refresh_from_db()
    assert consent.revoked_by == manager and consent.revoked_at is not None
    actions = list(AuditEvent.objects.filter(object_type="registry.consent", object_id=str(consent.pk)).order_by("at", "id").values_list("action", flat=True))
    assert actions == ["create", "update"]
    with pytest.raises(ValidationError):
        services.consent_revoke(by=manager, consent=consent)


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"data_kinds": []}, "data_kinds"),
        ({"data_kinds": ["secrets"]}, "data_kinds"),
        ({"valid_until": datetime.date(2019, 1, 1)}, "__all__"),
    ],
)
def test_invalid_consent_is_refused(world, kwargs, field):
    args = {"facility": world.own, "grantee": world.other_brand, "data_kinds": ["profile"], "valid_from": datetime.date(2020, 1, 1)}
    args.update(kwargs)
    with pytest.raises(ValidationError) as exc_info:
        services.consent_grant(by=world.users["manager"], **args)
    assert field in _field_errors(exc_info)
    assert not Consent.objects.filter(grantee=world.other_brand).exists()


def test_consent_only_to_brands_and_financiers(world):
    with pytest.raises(ValidationError) as exc_info:
        services.consent_grant(by=world.users["manager"], facility=world.own, grantee=world.group, data_kinds=["profile"],
                               valid_from=datetime.date(2026, 1, 1))
    assert "grantee" in _field_errors(exc_info)


def test_only_the_facility_manages_its_consent(world):
    for user in ("admin", "park_operator", "brand", "neighbour_manager"):
        with pytest.raises(PermissionDenied):
            services.consent_grant(by=world.users[user], facility=world.own, grantee=world.other_brand, data_kinds=["profile"],
                                   valid_from=datetime.date(2026, 1, 1))
    assert not Consent.objects.filter(grantee=world.other_brand).exists()


@pytest.mark.parametrize(
    "role,scope_type,scope_id,field",
    [
        ("facility_manager", "facility", 999999, "scope_id"),
        ("wizard", "facility", 1, "role"),
        ("brand_viewer", "facility", 1, "scope_type"),
        ("brand_viewer", "galaxy", 1, "scope_type"),
    ],
)
def test_membership_for_nonexistent_or_wrong_scope_is_refused(world, role, scope_type, scope_id, field):
    before = Membership.objects.count()
    with pytest.raises(ValidationError) as exc_info:
        services.membership_create(by=world.users["operator"], user=world.users["nobody"], role=role, scope_type=scope_type, scope_id=scope_id)
    assert field in _field_errors(exc_info)
    assert Membership.objects.count() == before


def test_brand_viewer_needs_a_brand(world):
    with pytest.raises(ValidationError) as exc_info:
        services.membership_create(by=world.users["operator"], user=world.users["nobody"], role="brand_viewer",
                                   scope_type="organisation", scope_id=world.financier.pk)
    assert "scope_id" in _field_errors(exc_info)


def test_programme_admin_may_not_grant_roles_outside_the_programme(world):
    with pytest.raises(PermissionDenied):
        services.membership_create(by=world.users["admin"], user=world.users["nobody"], role="facility_manager",
                                   scope_type="facility", scope_id=world.stranger.pk)
    membership = services.membership_create(by=world.users["admin"], user=world.users["nobody"], role="facility_data_entry",
                                            scope_type="facility", scope_id=world.outside.pk)
    assert membership.facility == world.outside


def test_grant_role_command_reports_the_field(world):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="scope_id"):
        call_command("grant_role", "nobody", "facility_manager", "facility:999999")
    with pytest.raises(CommandError, match="no user"):
        call_command("grant_role", "ghost", "facility_manager", f"facility:{world.own.pk}")
    call_command("grant_role", "nobody", "facility_manager", f"facility:{world.own.pk}")
    assert Membership.objects.filter(user=world.users["nobody"], facility=world.own).exists()
