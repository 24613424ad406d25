"""E-mails: plain text, in the recipient's saved language (else LANGUAGE_CODE), with a link to where the work is."""

from __future__ import annotations

import datetime

from django.core import mail
from django.test import override_settings

from loomlight.notifications.services import notification_settings_set, notifications_sweep
from tests.notifications.conftest import RETURNED, at, month_in

MARCH = datetime.date(2026, 3, 1)


@override_settings(SITE_URL="https://loomlight.example.org")
def test_a_month_due_is_mailed_in_the_recipients_language(people, clock):
    # given: the data-entry user chose Vietnamese for e-mails; the manager chose nothing (English, LANGUAGE_CODE)
    notification_settings_set(by=people.users["data_entry"], off=[], language="vi")
    clock.move_to(at(16))
    # when
    notifications_sweep()
    # then
    by_to = {m.to[0]: m for m in mail.outbox}
    english = by_to["manager@example.org"]
    assert english.subject == "Loomlight: A month is coming due"
    assert english.body.splitlines()[0] == "March 2026 of Own Dyehouse is due on April 20, 2026."
    assert f"https://loomlight.example.org/data/facilities/{people.own.pk}/2026/" in english.body
    assert "https://loomlight.example.org/notifications/settings/" in english.body
    assert english.content_subtype == "plain" and not hasattr(english, "alternatives")   # no HTML part
    vietnamese = by_to["data_entry@example.org"]
    # Django's Vietnamese month and date formats (the sentence itself waits for its translation in the .po file)
    assert "Tháng 3 2026" in vietnamese.body and "Ngày 20 tháng 4 năm 2026" in vietnamese.body


@override_settings(SITE_URL="")
def test_a_returned_month_mail_quotes_the_comment_and_without_a_site_address_has_no_link(people, clock):
    month_in(people.own, MARCH, RETURNED, by=people.users["data_entry"], submitted_at=at(12),
             comment="Electricity of March is twice February's: check the meter reading.")
    clock.move_to(at(13))
    notifications_sweep()
    returned = [m for m in mail.outbox if m.subject == "Loomlight: A month was returned with comments"]
    assert sorted(m.to[0] for m in returned) == ["data_entry@example.org", "group_manager@example.org",
                                                  "manager@example.org"]
    assert returned[0].body.splitlines()[0] == (
        "March 2026 of Own Dyehouse was returned with comments: "
        "Electricity of March is twice February's: check the meter reading.")
    assert "http" not in returned[0].body


def test_a_user_without_an_address_is_told_in_the_list_only(world, clock):
    # given: nobody has an e-mail address (the bare world)
    clock.move_to(at(16))
    result = notifications_sweep()
    assert result.created == 4 and result.emailed == 0 and mail.outbox == []


def test_a_mail_that_fails_is_recorded_and_not_retried(people, clock, monkeypatch):
    from loomlight.notifications.models import EmailState, Notification

    def refuse(self, fail_silently=False):
        raise OSError("connection refused")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    clock.move_to(at(16))
    result = notifications_sweep()
    assert (result.emailed, result.failed) == (0, 4)
    assert set(Notification.objects.values_list("email_state", flat=True)) == {EmailState.FAILED}
    monkeypatch.undo()
    notifications_sweep()
    assert mail.outbox == []
