"""Failed logins are counted per account and per client address, lock for a while,
and say nothing about whether the account exists; every failure is in the audit trail."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from loomlight.accounts.models import Throttle
from loomlight.audit.models import AuditEvent
from loomlight.audit.selectors import audit_events_visible

PASSWORD = "x-manager-pw-123"  # the world's manager (tests/conftest.py)
WRONG = "not-the-password-42"
LOCKED_MESSAGE = "Too many failed attempts. Try again in 15 minutes."
INVALID_MESSAGE = "Please enter a correct username and password. Note that both fields may be case-sensitive."


@pytest.fixture(autouse=True)
def limits(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    settings.LOGIN_LOCKOUT_SECONDS = 900
    settings.PROXY_COUNT = 0


def _login(client, username, password, address="10.0.0.1", path="/login/"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def _errors(response):
    return list(response.context["form"].non_field_errors())


def _logged_in_as(client):
    return client.session.get("_auth_user_id")


def _move_time(monkeypatch, seconds):
    later = timezone.now() + datetime.timedelta(seconds=seconds)
    monkeypatch.setattr(timezone, "now", lambda: later)


def test_the_fifth_failure_locks_and_the_right_password_is_then_refused(client, world):
    # given five wrong passwords for the manager from one address
    answers = [_login(client, "manager", WRONG) for _ in range(5)]
    # then the first four are told the login is wrong, the fifth that it is locked (429, Retry-After)
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 429]
    assert [_errors(r) for r in answers[:4]] == [[INVALID_MESSAGE]] * 4
    assert _errors(answers[4]) == [LOCKED_MESSAGE] and answers[4]["Retry-After"] == "900"
    # when the right password follows, even from another address
    refused = _login(client, "manager", PASSWORD, address="10.0.0.2")
    # then it is refused with the same message, and nobody is logged in
    assert refused.status_code == 429 and _errors(refused) == [LOCKED_MESSAGE]
    assert _logged_in_as(client) is None
    world.users["manager"].refresh_from_db()
    assert world.users["manager"].last_login is None


def test_the_lock_expires(client, world, monkeypatch):
    # given a locked account
    for _ in range(5):
        _login(client, "manager", WRONG)
    # when 15 minutes and 1 second have passed
    _move_time(monkeypatch, 901)
    # then the right password logs in
    response = _login(client, "manager", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert _logged_in_as(client) == str(world.users["manager"].pk)


def test_one_second_before_the_end_the_lock_still_holds(client, world, monkeypatch):
    for _ in range(5):
        _login(client, "manager", WRONG)
    _move_time(monkeypatch, 899)
    response = _login(client, "manager", PASSWORD)
    assert response.status_code == 429 and _errors(response) == ["Too many failed attempts. Try again in 1 minute."]


def test_failures_older_than_the_window_are_forgotten(client, world, monkeypatch):
    # given four failures, then 15 minutes without any
    for _ in range(4):
        _login(client, "manager", WRONG)
    _move_time(monkeypatch, 900)
    # when four more fail, the count starts again: the account is not locked
    answers = [_login(client, "manager", WRONG) for _ in range(4)]
    assert [r.status_code for r in answers] == [200] * 4
    assert _login(client, "manager", PASSWORD).status_code == 302


def test_a_right_password_forgives_the_accounts_earlier_failures(client, world):
    for _ in range(4):
        _login(client, "manager", WRONG)
    assert _login(client, "manager", PASSWORD).status_code == 302
    client.logout()
    answers = [_login(client, "manager", WRONG) for _ in range(4)]
    assert [r.status_code for r in answers] == [200] * 4


def test_other_accounts_are_not_locked(client, world):
    for _ in range(5):
        _login(client, "manager", WRONG)
    # the same address has 5 failures of its 20: another account logs in from it
    response = _login(client, "admin", "x-admin-pw-123")
    assert response.status_code == 302 and _logged_in_as(client) == str(world.users["admin"].pk)


def test_an_address_is_locked_after_20_failures_and_other_addresses_are_not(client, world):
    # given 20 failures from one address, each for another (missing) account: no account reaches 5
    answers = [_login(client, f"guess{i}", WRONG, address="198.51.100.7") for i in range(20)]
    assert [r.status_code for r in answers] == [200] * 19 + [429]
    # then the manager's right password is refused from that address
    refused = _login(client, "manager", PASSWORD, address="198.51.100.7")
    assert refused.status_code == 429 and _errors(refused) == [LOCKED_MESSAGE]
    # and accepted from another one
    assert _login(client, "manager", PASSWORD, address="198.51.100.8").status_code == 302


def _normalised(response, username):
    text = response.content.decode()
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return text.replace(f'value="{username}"', 'value="USERNAME"')


def test_an_existing_and_a_missing_account_get_the_same_answers(client, world):
    users_before = get_user_model().objects.count()
    # when the manager (exists) and "ghost" (does not) fail six times each, from two addresses
    real = [_login(client, "manager", WRONG, address="10.0.0.1") for _ in range(6)]
    ghost = [_login(client, "ghost", WRONG, address="10.0.0.2") for _ in range(6)]
    # then every answer is the same but for the username typed back into the form
    assert [r.status_code for r in real] == [r.status_code for r in ghost] == [200, 200, 200, 200, 429, 429]
    assert [r.get("Retry-After") for r in real] == [r.get("Retry-After") for r in ghost] == [None] * 4 + ["900", "900"]
    assert [_normalised(r, "manager") for r in real] == [_normalised(r, "ghost") for r in ghost]
    # and nothing was created for the missing account but its (hashed) counter
    assert get_user_model().objects.count() == users_before
    assert not get_user_model().objects.filter(username="ghost").exists()
    assert not Throttle.objects.filter(key_hash__contains="ghost").exists()


def test_the_operators_admin_login_is_throttled_too(client, world):
    answers = [_login(client, "operator", WRONG, path="/operator/login/") for _ in range(5)]
    assert [r.status_code for r in answers] == [200] * 5
    assert list(answers[4].context["form"].non_field_errors()) == [LOCKED_MESSAGE]
    refused = _login(client, "operator", "x-operator-pw-123", path="/operator/login/")
    assert refused.status_code == 200 and _logged_in_as(client) is None
    # the same counter: the login page refuses the operator as well
    assert _login(client, "operator", "x-operator-pw-123").status_code == 429


def test_logins_without_a_request_count_per_account(client, world):
    # Client.login() calls authenticate() with no request, as scripts may: no address, the account still counts
    assert [client.login(username="manager", password=WRONG) for _ in range(5)] == [False] * 5
    assert client.login(username="manager", password=PASSWORD) is False
    assert _login(client, "manager", PASSWORD).status_code == 429


def test_failures_and_the_lockout_are_audited_without_the_password(client, world):
    manager = world.users["manager"]
    for _ in range(5):
        _login(client, "manager", WRONG, address="203.0.113.5")
    _login(client, "manager", PASSWORD, address="203.0.113.5")   # refused while locked: not recorded again
    _login(client, "ghost", WRONG, address="203.0.113.6")
    events = list(AuditEvent.objects.filter(object_type="auth.user").order_by("id"))
    assert [(e.action, e.object_id, e.actor_id, e.via) for e in events] == (
        [("login_failed", str(manager.pk), None, "web")] * 5
        + [("locked_out", str(manager.pk), None, "web"), ("login_failed", "", None, "web")])
    assert [e.after for e in events[:5]] == [
        {"username": "manager", "address": "203.0.113.5", "account_exists": True, "failures": n} for n in range(1, 6)]
    assert events[5].after["scope"] == "account" and events[5].after["failures"] == 5
    assert events[6].after == {"username": "ghost", "address": "203.0.113.6", "account_exists": False, "failures": 1}
    stored = json.dumps([[e.object_repr, e.before, e.after] for e in events])
    assert WRONG not in stored and PASSWORD not in stored and manager.password not in stored


def test_an_address_lockout_is_audited_once(client, world):
    for i in range(22):
        _login(client, f"guess{i}", WRONG, address="198.51.100.9")
    address_events = AuditEvent.objects.filter(object_type="accounts.address")
    assert [(e.action, e.object_id, e.after["scope"], e.after["failures"]) for e in address_events] == [
        ("locked_out", "198.51.100.9", "login", 20)]
    # the two attempts refused while locked are not recorded one by one
    assert AuditEvent.objects.filter(action="login_failed").count() == 20


def test_only_operators_read_the_login_events(client, world):
    _login(client, "ghost", WRONG)
    _login(client, "manager", WRONG)
    assert audit_events_visible(world.users["operator"]).filter(object_type="auth.user").count() == 2
    for who in ("admin", "manager", "park_operator", "brand"):
        assert audit_events_visible(world.users[who]).filter(object_type="auth.user").count() == 0
    client.force_login(world.users["admin"])
    page = client.get("/audit/", {"type": "auth.user"})
    assert page.status_code == 200 and "ghost" not in page.content.decode()
