"""The in-app list, the header count and the settings page: every role reaches its own, and only its own."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.notifications.models import Kind, Notification, NotificationSettings
from loomlight.registry.models import Membership

ROLES = ["operator", "admin", "assessor", "park_operator", "manager", "group_manager", "data_entry",
         "neighbour_manager", "brand", "other_brand", "financier", "nobody"]


def _tell(user, facility, kind=Kind.MONTH_RETURNED, *, consent=None, comment="check the meter", read=False):
    return Notification.objects.create(
        user=user, kind=kind, key=f"{kind}:{user.pk}:{facility.pk}", facility=facility,
        period=datetime.date(2026, 3, 1) if consent is None else None, consent=consent, comment=comment,
        occurred_on=datetime.date(2026, 4, 12), read_at=datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC) if read else None)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_its_own_notifications_only(client, world, role):
    # given: one notification for this user and one for somebody else
    me, other = world.users[role], world.users["manager" if role != "manager" else "data_entry"]
    _tell(me, world.own, comment=f"for {role}")
    _tell(other, world.own, comment="for somebody else")
    client.force_login(me)
    # when
    page = client.get(reverse("notifications:list"))
    # then
    assert page.status_code == 200
    body = page.content.decode()
    assert f"for {role}" in body and "for somebody else" not in body
    assert 'data-testid="unread-count">1<' in body


def test_a_visitor_is_sent_to_the_login(client, world):
    page = client.get(reverse("notifications:list"))
    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))


def test_the_list_links_to_the_month_only_while_the_reader_may_open_it(client, world):
    # given: the data-entry user told of March's return; then their membership is removed
    n = _tell(world.users["data_entry"], world.own)
    client.force_login(world.users["data_entry"])
    month_page = reverse("reporting:facility_year", kwargs={"pk": world.own.pk, "year": 2026})
    assert f'href="{month_page}"' in client.get(reverse("notifications:list")).content.decode()
    assert client.get(month_page).status_code == 200
    Membership.objects.filter(user=world.users["data_entry"]).delete()
    # when
    body = client.get(reverse("notifications:list")).content.decode()
    # then: the sentence stays, the link goes (the page would now refuse)
    assert "check the meter" in body and f'href="{month_page}"' not in body
    assert client.get(month_page).status_code in (403, 404)
    assert Notification.objects.get(pk=n.pk).read_at is None


def test_a_consent_notification_links_to_the_consents_page_which_the_grantee_opens(client, world):
    from loomlight.registry.models import Consent

    consent = Consent.objects.get(facility=world.own, grantee=world.brand)
    _tell(world.users["brand"], world.own, Kind.CONSENT_GRANTED, consent=consent, comment="")
    client.force_login(world.users["brand"])
    body = client.get(reverse("notifications:list")).content.decode()
    assert f'href="{reverse("registry:consents")}"' in body
    assert "Own Dyehouse shares data with Brand A from" in body
    assert client.get(reverse("registry:consents")).status_code == 200


def test_marking_read_changes_only_the_readers_own(client, world):
    mine = _tell(world.users["data_entry"], world.own)
    theirs = _tell(world.users["manager"], world.own)
    client.force_login(world.users["data_entry"])
    # when: the reader marks somebody else's notification, then their own
    client.post(reverse("notifications:read"), {"notification": theirs.pk})
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    client.post(reverse("notifications:read"), {"notification": mine.pk})
    # then
    assert Notification.objects.get(pk=mine.pk).read_at is not None
    assert 'data-testid="unread-count"' not in client.get(reverse("home")).content.decode()


def test_marking_all_read_and_a_bad_number(client, world):
    for key in ("a", "b"):
        Notification.objects.create(user=world.users["manager"], kind=Kind.MONTH_DUE, key=key, facility=world.own,
                                    period=datetime.date(2026, 3, 1), occurred_on=datetime.date(2026, 4, 20))
    client.force_login(world.users["manager"])
    bad = client.post(reverse("notifications:read"), {"notification": "x1"}, follow=True)
    assert "Notification: not a notification number." in bad.content.decode()
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    client.post(reverse("notifications:read"))
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_reading_the_page_needs_a_post_to_mark(client, world):
    client.force_login(world.users["manager"])
    assert client.get(reverse("notifications:read")).status_code == 405


def test_the_header_count_is_one_query_on_the_home_page(client, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _tell(world.users["data_entry"], world.own)
    client.force_login(world.users["data_entry"])
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(reverse("home")).content.decode()
    assert 'data-testid="unread-count">1<' in body
    assert sum('"notifications_notification"' in q["sql"] for q in ctx.captured_queries) == 1


def test_settings_turn_a_kind_off_per_channel_and_choose_the_language(client, world):
    client.force_login(world.users["data_entry"])
    page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200 and page.content.decode().count('name="on"') == 14   # 7 kinds x 2 channels
    # when: everything on but e-mails of months due, e-mails in Thai
    on = [f"{k}:{c}" for k in Kind.values for c in ("in_app", "email") if (k, c) != ("month_due", "email")]
    saved = client.post(reverse("notifications:settings"), {"on": on, "language": "th"})
    # then
    assert saved.status_code == 302
    s = NotificationSettings.objects.get(user=world.users["data_entry"])
    assert (s.off, s.language) == (["month_due:email"], "th")
    event = AuditEvent.objects.get(object_type="notifications.notificationsettings")
    assert event.after == {"off": ["month_due:email"], "language": "th"}
    assert 'value="month_due:email">' in client.get(reverse("notifications:settings")).content.decode().replace(" checked", "")


def test_settings_refuse_an_unknown_language_and_change_nothing(client, world):
    client.force_login(world.users["data_entry"])
    page = client.post(reverse("notifications:settings"), {"on": [], "language": "xx"}, follow=True)
    assert page.status_code == 200
    assert "Choose one of the languages offered." in page.content.decode()
    assert not NotificationSettings.objects.filter(user=world.users["data_entry"]).exists()
    assert not AuditEvent.objects.filter(object_type="notifications.notificationsettings").exists()


def test_the_account_page_links_to_the_settings(client, world):
    client.force_login(world.users["brand"])
    assert f'href="{reverse("notifications:settings")}"' in client.get(reverse("account")).content.decode()
