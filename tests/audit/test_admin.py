"""The operator's admin: registry records are read-only there; memberships and programmes are audited."""

from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.registry.models import Membership


def test_registry_records_are_read_only_in_the_admin(client, world):
    client.force_login(world.users["operator"])
    assert client.get(reverse("admin:registry_facility_changelist")).status_code == 200
    assert client.get(reverse("admin:registry_facility_add")).status_code == 403
    response = client.post(reverse("admin:registry_facility_change", args=[world.own.pk]), {"name": "Hacked"})
    assert response.status_code == 403
    world.own.refresh_from_db()
    assert world.own.name == "Own Dyehouse"


def test_membership_added_in_the_admin_is_audited(client, world):
    client.force_login(world.users["operator"])
    response = client.post(reverse("admin:registry_membership_add"), {
        "user": world.users["nobody"].pk, "role": "facility_data_entry", "facility": world.outside.pk,
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(user=world.users["nobody"])
    event = AuditEvent.objects.get(object_type="registry.membership", object_id=str(membership.pk))
    assert (event.action, event.via, event.actor) == ("create", "admin", world.users["operator"])
    assert event.after["facility_id"] == world.outside.pk


def test_programme_enrolment_change_is_audited(client, world):
    client.force_login(world.users["operator"])
    response = client.post(reverse("admin:programmes_programme_change", args=[world.programme.pk]), {
        "name": world.programme.name, "code": world.programme.code, "description": "", "implementer": world.implementer.pk,
        "parks": [world.park.pk], "facilities": [world.outside.pk, world.stranger.pk],
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(object_type="programmes.programme")
    assert event.changes() == [("facilities", [world.outside.pk], sorted([world.outside.pk, world.stranger.pk]))]


def test_non_operators_cannot_reach_the_admin(client, world):
    client.force_login(world.users["admin"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/operator/login/" in response["Location"]


def test_migrations_are_complete(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
