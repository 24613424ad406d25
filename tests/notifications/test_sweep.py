"""The sweep: each kind told to the right people at the right time, once (tests/notifications/conftest.py has
the world: ``own`` has a manager, a data-entry user and a group manager; ``neighbour`` a manager; ``outside``
and ``stranger`` nobody who enters data). Deadline: the 20th of the month after (LOOMLIGHT default)."""

from __future__ import annotations

import datetime

from django.core import mail

from loomlight.notifications.models import EmailState, Kind, Notification
from loomlight.notifications.services import notifications_sweep
from loomlight.registry.models import Membership
from tests.notifications.conftest import RETURNED, SUBMITTED, VERIFIED, at, month_in

MARCH = datetime.date(2026, 3, 1)


def told(kind) -> set[tuple[str, str]]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", "facility__name"))


def test_a_month_due_is_told_from_five_days_before_its_deadline_to_the_staff_of_each_facility(people, clock):
    # given: March is due on 20 April; Own Dyehouse has submitted nothing, Neighbour Sewing neither
    # when: the sweep runs on 14 April (6 days before), then on 15 April (5 days before)
    clock.move_to(at(14))
    notifications_sweep()
    assert told(Kind.MONTH_DUE) == set()
    clock.move_to(at(15))
    notifications_sweep()
    # then: the data-entry user and the managers of each facility, nobody else (outside and stranger have no staff)
    assert told(Kind.MONTH_DUE) == {
        ("manager", "Own Dyehouse"), ("data_entry", "Own Dyehouse"), ("group_manager", "Own Dyehouse"),
        ("neighbour_manager", "Neighbour Sewing")}
    n = Notification.objects.get(kind=Kind.MONTH_DUE, user__username="data_entry")
    assert (n.period, n.occurred_on) == (MARCH, datetime.date(2026, 4, 20))


def test_a_month_submitted_is_not_reminded(people, clock):
    # given: Own Dyehouse submitted March on 12 April
    month_in(people.own, MARCH, SUBMITTED, by=people.users["data_entry"], submitted_at=at(12))
    # when
    clock.move_to(at(18))
    notifications_sweep()
    # then: only the neighbour is reminded
    assert told(Kind.MONTH_DUE) == {("neighbour_manager", "Neighbour Sewing")}


def test_a_month_not_submitted_after_its_deadline_is_overdue_once(people, clock):
    # given: nobody submitted March (due 20 April)
    # when: the sweep runs on the deadline day, the day after, and a week after
    clock.move_to(at(20))
    notifications_sweep()
    assert told(Kind.MONTH_OVERDUE) == set()   # on the deadline day it may still be reported
    assert ("manager", "Own Dyehouse") in told(Kind.MONTH_DUE)
    clock.move_to(at(21))
    notifications_sweep()
    clock.move_to(at(28))
    notifications_sweep()
    # then: told once per person, with the deadline
    assert told(Kind.MONTH_OVERDUE) == {
        ("manager", "Own Dyehouse"), ("data_entry", "Own Dyehouse"), ("group_manager", "Own Dyehouse"),
        ("neighbour_manager", "Neighbour Sewing")}
    assert Notification.objects.filter(kind=Kind.MONTH_OVERDUE).count() == 4
    assert set(Notification.objects.filter(kind=Kind.MONTH_OVERDUE).values_list("occurred_on", flat=True)) == {
        datetime.date(2026, 4, 20)}


def test_a_facility_registered_after_the_deadline_without_data_is_not_overdue(people, clock):
    # given: on 25 April a new facility with a data-entry user, no data
    from loomlight.registry.models import Facility

    clock.move_to(at(25))
    new = Facility.objects.create(name="New Knit", country="VN", tier=1, processes=[])
    Membership.objects.create(user=people.users["nobody"], role="facility_data_entry", facility=new)
    # when
    notifications_sweep()
    # then: March (due 20 April) is not its to report; the others are overdue
    assert ("nobody", "New Knit") not in told(Kind.MONTH_OVERDUE)
    assert ("manager", "Own Dyehouse") in told(Kind.MONTH_OVERDUE)


def test_a_returned_month_is_told_with_its_comment_to_the_staff_and_the_submitter(people, clock):
    # given: March submitted by the data-entry user on 12 April, returned by the assessor
    month_in(people.own, MARCH, RETURNED, by=people.users["data_entry"], submitted_at=at(12),
             comment="Electricity of March is twice February's: check the meter reading.")
    clock.move_to(at(13))
    # when
    notifications_sweep()
    # then
    assert told(Kind.MONTH_RETURNED) == {
        ("manager", "Own Dyehouse"), ("data_entry", "Own Dyehouse"), ("group_manager", "Own Dyehouse")}
    n = Notification.objects.get(kind=Kind.MONTH_RETURNED, user__username="data_entry")
    assert n.comment == "Electricity of March is twice February's: check the meter reading."


def test_a_month_returned_again_after_a_new_submission_is_told_again(people, clock):
    # given: March returned after its submission of 12 April, and told
    month = month_in(people.own, MARCH, RETURNED, by=people.users["data_entry"], submitted_at=at(12), comment="first")
    clock.move_to(at(13))
    notifications_sweep()
    # when: it is submitted again on 14 April and returned again
    month.submitted_at, month.comment = at(14), "second"
    month.save()
    clock.move_to(at(15))
    notifications_sweep()
    # then: the data-entry user has two notices, one per return
    assert list(Notification.objects.filter(kind=Kind.MONTH_RETURNED, user__username="data_entry")
                .order_by("pk").values_list("comment", flat=True)) == ["first", "second"]


def test_a_verified_month_is_told_to_a_submitter_outside_the_staff_only_while_they_may_open_it(people, clock, django_user_model):
    # given: February verified on 10 April, submitted by the operator (a superuser, outside the staff); March
    # verified too, submitted by a former data-entry user whose membership was removed
    former = django_user_model.objects.create_user(username="former", email="former@example.org")
    month_in(people.own, datetime.date(2026, 2, 1), VERIFIED, by=people.users["operator"], submitted_at=at(5),
             verified_at=at(10), verified_by=people.users["assessor"])
    month_in(people.own, MARCH, VERIFIED, by=former, submitted_at=at(6), verified_at=at(10),
             verified_by=people.users["assessor"])
    clock.move_to(at(11))
    # when
    notifications_sweep()
    # then
    feb = set(Notification.objects.filter(kind=Kind.MONTH_VERIFIED, period=datetime.date(2026, 2, 1))
              .values_list("user__username", flat=True))
    march = set(Notification.objects.filter(kind=Kind.MONTH_VERIFIED, period=MARCH).values_list("user__username", flat=True))
    assert feb == {"manager", "data_entry", "group_manager", "operator"}
    assert march == {"manager", "data_entry", "group_manager"}


def test_a_verification_older_than_two_weeks_is_not_news(people, clock):
    month_in(people.own, MARCH, VERIFIED, by=people.users["data_entry"], submitted_at=at(2), verified_at=at(3))
    clock.move_to(at(18))   # 15 days later
    notifications_sweep()
    assert told(Kind.MONTH_VERIFIED) == set()


def test_consents_granted_ending_and_revoked_are_told_to_the_grantee_and_the_managers_not_to_whoever_did_it(people, clock):
    from loomlight.registry.models import Consent

    # given: the world's consent of Own Dyehouse to Brand A, granted by its manager on 1 April; on 5 April the
    # manager shares Own Dyehouse's data with the financier until 30 April, and revokes a consent to Brand B
    clock.move_to(at(5))
    ending = Consent.objects.create(facility=people.own, grantee=people.financier, data_kinds=["profile"],
                                    valid_from=datetime.date(2026, 4, 5), valid_until=datetime.date(2026, 4, 30),
                                    granted_by=people.users["manager"])
    Consent.objects.create(facility=people.own, grantee=people.other_brand, data_kinds=["profile"],
                           valid_from=datetime.date(2026, 1, 1), granted_by=people.users["manager"],
                           granted_at=at(1, 1), revoked_at=at(5), revoked_by=people.users["manager"])
    # when
    clock.move_to(at(6))
    notifications_sweep()
    # then
    granted = set(Notification.objects.filter(kind=Kind.CONSENT_GRANTED).values_list("user__username", "consent__grantee__name"))
    assert granted == {("brand", "Brand A"), ("group_manager", "Brand A"),
                       ("financier", "Green Finance Bank"), ("group_manager", "Green Finance Bank")}
    ending_told = set(Notification.objects.filter(kind=Kind.CONSENT_EXPIRING).values_list("user__username", "consent_id"))
    assert ending_told == {("financier", ending.pk), ("manager", ending.pk), ("group_manager", ending.pk)}
    revoked = set(Notification.objects.filter(kind=Kind.CONSENT_REVOKED).values_list("user__username", flat=True))
    assert revoked == {"other_brand", "group_manager"}


def test_nobody_outside_is_told_anything(people, clock):
    month_in(people.own, MARCH, RETURNED, by=people.users["data_entry"], submitted_at=at(12), comment="x")
    clock.move_to(at(21))
    notifications_sweep()
    outsiders = {"admin", "assessor", "park_operator", "nobody", "other_brand", "financier"}
    assert set(Notification.objects.values_list("user__username", flat=True)) & outsiders == set()


def test_a_user_who_lost_access_or_was_deactivated_is_not_told(people, clock):
    # given: the data-entry user's membership is removed; the group manager is deactivated
    Membership.objects.filter(user=people.users["data_entry"]).delete()
    people.users["group_manager"].is_active = False
    people.users["group_manager"].save()
    clock.move_to(at(16))
    # when
    notifications_sweep()
    # then
    assert told(Kind.MONTH_DUE) == {("manager", "Own Dyehouse"), ("neighbour_manager", "Neighbour Sewing")}


def test_a_kind_turned_off_per_channel_is_not_sent_on_it(people, clock):
    from loomlight.notifications.services import notification_settings_set

    # given: the data-entry user wants no e-mail for months due; the manager nothing at all for months due
    notification_settings_set(by=people.users["data_entry"], off=["month_due:email"], language="")
    notification_settings_set(by=people.users["manager"], off=["month_due:email", "month_due:in_app"], language="")
    clock.move_to(at(16))
    # when
    notifications_sweep()
    # then
    rows = {u: (in_app, state) for u, in_app, state in Notification.objects.filter(
        kind=Kind.MONTH_DUE, facility=people.own).values_list("user__username", "in_app", "email_state")}
    assert rows == {"data_entry": (True, EmailState.NONE), "manager": (False, EmailState.NONE),
                    "group_manager": (True, EmailState.SENT)}
    due_mail = sorted(m.to[0] for m in mail.outbox if "Own Dyehouse" in m.body and "due on" in m.body)
    assert due_mail == ["group_manager@example.org"]


def test_the_sweep_run_twice_tells_nobody_twice(people, clock):
    month_in(people.own, MARCH, RETURNED, by=people.users["data_entry"], submitted_at=at(12), comment="check")
    clock.move_to(at(16))
    first = notifications_sweep()
    sent = len(mail.outbox)
    stored = Notification.objects.count()
    # when: run again, and again after a "restart" (a later sweep the same day)
    second = notifications_sweep()
    clock.move_to(at(16, hour=18))
    third = notifications_sweep()
    # then
    assert first.created == stored and first.emailed == sent and sent == stored   # everyone has an address
    assert (second.created, second.emailed, third.created, third.emailed) == (0, 0, 0, 0)
    assert (Notification.objects.count(), len(mail.outbox)) == (stored, sent)


def test_a_sweep_stopped_after_storing_sends_the_pending_mails_next_time_and_one_stopped_while_sending_never_resends(people, clock):
    # given: a sweep that stored its notifications and stopped before sending (send=False stands for the crash)
    clock.move_to(at(16))
    notifications_sweep(send=False)
    pending = Notification.objects.filter(email_state=EmailState.PENDING).count()
    # March due, to the 4 staff of the two facilities (Brand A's consent of 1 April is 15 days old: not news)
    assert pending == 4 and mail.outbox == []
    # and: one of them was claimed by a sweep that died while sending
    stuck = Notification.objects.filter(email_state=EmailState.PENDING).order_by("pk").first()
    Notification.objects.filter(pk=stuck.pk).update(email_state=EmailState.SENDING, email_claim="dead")
    # when: the next sweep runs
    result = notifications_sweep()
    # then: the three pending are sent once; the one being sent is left, never sent twice
    assert (result.created, result.emailed) == (0, 3)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        n.user.email for n in Notification.objects.exclude(pk=stuck.pk).select_related("user"))
    assert Notification.objects.get(pk=stuck.pk).email_state == EmailState.SENDING
    notifications_sweep()
    assert len(mail.outbox) == 3


def test_a_consent_revoked_in_the_week_it_was_granted_is_told_as_revoked_only_and_not_as_ending(people, clock):
    from loomlight.registry.models import Consent

    # given: on 5 April the manager shares data with the financier until 20 April, and revokes it the same day
    clock.move_to(at(5))
    Consent.objects.create(facility=people.own, grantee=people.financier, data_kinds=["profile"],
                           valid_from=datetime.date(2026, 4, 5), valid_until=datetime.date(2026, 4, 20),
                           granted_by=people.users["manager"], revoked_at=at(5, hour=10),
                           revoked_by=people.users["manager"])
    # when
    clock.move_to(at(6))
    notifications_sweep()
    # then
    about = set(Notification.objects.filter(consent__grantee=people.financier).values_list("kind", "user__username"))
    assert about == {(Kind.CONSENT_REVOKED, "financier"), (Kind.CONSENT_REVOKED, "group_manager")}
