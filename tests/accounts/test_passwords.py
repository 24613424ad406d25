"""Password change (from the Account page) and reset (an e-mailed link that works once),
audited without the password; the reset page never says whether an address is known."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from loomlight.audit.models import AuditEvent
from loomlight.registry.services import user_create

OLD = "x-manager-pw-123"  # the world's manager (tests/conftest.py)
NEW = "Indigo-vat-2719"
LINK = re.compile(r"http://testserver(/password-reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    settings.LOGIN_LOCKOUT_SECONDS = 900
    settings.PASSWORD_RESET_TIMEOUT = 24 * 3600


@pytest.fixture
def manager(world):
    user = world.users["manager"]
    user.email = "manager@dyehouse.example"
    user.save()
    return user


@pytest.fixture
def ask_reset(client, django_capture_on_commit_callbacks):
    """POST the reset form; the e-mail is queued on commit (run here) and sent by the immediate task backend."""
    def ask(email, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/password-reset/", {"email": email}, **extra)
    return ask


def _password_events():
    return list(AuditEvent.objects.filter(action__in=["password_change", "password_reset"]).order_by("id"))


# --- change -------------------------------------------------------------------

def test_the_account_page_links_to_the_change_and_the_login_page_to_the_reset(client, manager):
    assert 'href="/password-reset/"' in client.get("/login/").content.decode()
    client.force_login(manager)
    assert 'href="/account/password/"' in client.get("/account/").content.decode()


def test_change_the_password(client, manager):
    client.force_login(manager)
    # when the manager gives the current password and a new one twice
    response = client.post("/account/password/", {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    # then the Account page says so, the new password works, the old one not, and the session stays logged in
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert "Your password was changed." in client.get("/account/").content.decode()
    manager.refresh_from_db()
    assert manager.check_password(NEW) and not manager.check_password(OLD)
    assert client.session["_auth_user_id"] == str(manager.pk)
    # and the audit trail has the change, without the password or its hash
    events = _password_events()
    assert [(e.action, e.object_type, e.object_id, e.actor_id, e.after) for e in events] == [
        ("password_change", "auth.user", str(manager.pk), manager.pk, {"password": "changed"})]
    assert NEW not in json.dumps(events[0].after) and manager.password not in json.dumps(events[0].after)


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failed_login(client, manager):
    client.force_login(manager)
    before = get_user_model().objects.get(pk=manager.pk).password
    response = client.post("/account/password/", {"old_password": "wrong-guess-1", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "old_password": ["Your old password was entered incorrectly. Please enter it again."]}
    assert get_user_model().objects.get(pk=manager.pk).password == before
    assert _password_events() == []
    assert AuditEvent.objects.filter(action="login_failed", object_id=str(manager.pk)).count() == 1


def test_guessing_the_current_password_locks_like_a_login(client, manager):
    client.force_login(manager)
    for i in range(5):
        client.post("/account/password/", {"old_password": f"guess-{i}", "new_password1": NEW, "new_password2": NEW})
    response = client.post("/account/password/", {"old_password": OLD, "new_password1": NEW, "new_password2": NEW})
    assert response.context["form"].errors == {"old_password": ["Too many failed attempts. Try again in 15 minutes."]}
    manager.refresh_from_db()
    assert manager.check_password(OLD)


def test_a_weak_new_password_is_refused_by_field(client, manager):
    client.force_login(manager)
    response = client.post("/account/password/", {"old_password": OLD, "new_password1": "12345678901", "new_password2": "12345678901"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"new_password2": ["This password is too common.", "This password is entirely numeric."]}
    manager.refresh_from_db()
    assert manager.check_password(OLD) and _password_events() == []


def test_the_change_page_needs_a_login(client, world):
    response = client.get("/account/password/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/account/password/"


# --- reset --------------------------------------------------------------------

def test_reset_by_e_mail_end_to_end(client, manager, ask_reset):
    # when the manager asks for a link
    response = ask_reset("Manager@Dyehouse.example")
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    # then one e-mail with a link goes to the account's address
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["manager@dyehouse.example"] and message.subject == "Choose your Loomlight password"
    assert "The link works once and for 24 hours." in message.body
    path = LINK.search(message.body).group(1)
    # when the link is opened, Django moves the token into the session and asks for the new password
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"] is True
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/password-reset/done/"
    manager.refresh_from_db()
    assert manager.check_password(NEW)
    assert [(e.action, e.object_id, e.after) for e in _password_events()] == [("password_reset", str(manager.pk), {"password": "changed"})]
    # the new password logs in; the link does not work a second time
    assert client.post("/login/", {"username": "manager", "password": NEW}).status_code == 302
    client.logout()
    again = client.get(path, follow=True)
    assert again.context["validlink"] is False
    assert "This link does not work: it was used already" in again.content.decode()


def _normalised(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_an_unknown_address_gets_the_same_answer_and_no_e_mail(client, manager, ask_reset):
    users_before = get_user_model().objects.count()
    known = ask_reset("manager@dyehouse.example", follow=True)
    unknown = ask_reset("nobody@nowhere.example", follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [("/password-reset/sent/", 302)]
    assert _normalised(known) == _normalised(unknown)
    assert "If an account has this address, a link to choose a new password is on its way to it." in _normalised(unknown)
    assert [m.to for m in mail.outbox] == [["manager@dyehouse.example"]]
    assert get_user_model().objects.count() == users_before


def test_a_deactivated_account_gets_no_link(client, manager, ask_reset):
    manager.is_active = False
    manager.save()
    ask_reset("manager@dyehouse.example")
    assert mail.outbox == []


def test_an_account_created_without_a_password_sets_its_first_one_through_a_reset(client, db, ask_reset):
    # user_create(password=None) promises this: the reset works for an unusable password
    user = user_create(username="newcomer", password=None, email="newcomer@mill.example")
    ask_reset("newcomer@mill.example")
    path = LINK.search(mail.outbox[0].body).group(1)
    set_url = client.get(path, follow=True).redirect_chain[-1][0]
    assert client.post(set_url, {"new_password1": NEW, "new_password2": NEW}).status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)


def test_a_reset_lifts_the_accounts_lock(client, manager, ask_reset):
    for _ in range(5):
        client.post("/login/", {"username": "manager", "password": "wrong-guess"})
    assert client.post("/login/", {"username": "manager", "password": OLD}).status_code == 429
    ask_reset("manager@dyehouse.example")
    set_url = client.get(LINK.search(mail.outbox[0].body).group(1), follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert client.post("/login/", {"username": "manager", "password": NEW}).status_code == 302


def test_the_e_mail_is_written_in_the_language_of_the_request(manager, ask_reset, monkeypatch):
    from django.utils import translation

    from loomlight.accounts import tasks

    languages = []
    real_override = translation.override

    def spy(language, *args, **kwargs):
        languages.append(language)
        return real_override(language, *args, **kwargs)

    monkeypatch.setattr(tasks.translation, "override", spy)
    ask_reset("manager@dyehouse.example", HTTP_ACCEPT_LANGUAGE="vi")
    assert languages == ["vi"] and len(mail.outbox) == 1
    with real_override("vi"):
        assert mail.outbox[0].subject == translation.gettext("Choose your Loomlight password")


# --- reset e-mails are limited -------------------------------------------------------------------------------

def test_reset_e_mails_to_one_address_stop_at_the_limit_and_the_page_says_nothing(client, manager, ask_reset, settings):
    """Given 3 e-mails an hour per address, the 4th and 5th requests send nothing and answer exactly as the first."""
    settings.RESET_MAILS_PER_EMAIL, settings.RESET_MAILS_PER_ADDRESS, settings.RESET_MAIL_WINDOW_SECONDS = 3, 10, 3600
    answers = [_normalised(ask_reset("manager@dyehouse.example", follow=True)) for _ in range(5)]
    assert len(mail.outbox) == 3
    assert len(set(answers)) == 1
    events = list(AuditEvent.objects.filter(action="locked_out").values_list("after", flat=True))
    assert [(e["scope"], e["requests"]) for e in events] == [("password_reset_email", 4)]     # recorded once


def test_reset_requests_from_one_client_address_stop_at_its_limit(client, manager, ask_reset, settings):
    """Given 2 requests an hour per client address, a third for another account's address sends nothing."""
    settings.RESET_MAILS_PER_EMAIL, settings.RESET_MAILS_PER_ADDRESS = 3, 2
    other = get_user_model().objects.create_user("clerk", email="clerk@dyehouse.example", password="x-clerk-pw-1")
    ask_reset("nobody@nowhere.example")                  # counts for the address though no account has it
    ask_reset("manager@dyehouse.example")
    ask_reset(other.email)
    assert [m.to for m in mail.outbox] == [["manager@dyehouse.example"]]
    # another client address is not held back
    ask_reset(other.email, REMOTE_ADDR="192.0.2.7")
    assert [m.to for m in mail.outbox] == [["manager@dyehouse.example"], ["clerk@dyehouse.example"]]


def test_after_the_window_reset_e_mails_are_sent_again(client, manager, ask_reset, settings):
    import datetime

    import time_machine

    settings.RESET_MAILS_PER_EMAIL, settings.RESET_MAIL_WINDOW_SECONDS = 1, 3600
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        ask_reset("manager@dyehouse.example")
        ask_reset("manager@dyehouse.example")
    assert len(mail.outbox) == 1
    with time_machine.travel(start + datetime.timedelta(seconds=3599), tick=False):
        ask_reset("manager@dyehouse.example")
    assert len(mail.outbox) == 1                        # the lock from the 2nd request lasts its hour
    with time_machine.travel(start + datetime.timedelta(seconds=3601), tick=False):
        ask_reset("manager@dyehouse.example")
    assert len(mail.outbox) == 2
