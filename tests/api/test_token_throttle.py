"""Unknown bearer tokens are counted per client address: at the limit every bearer token
from that address is answered 429 in the error envelope, with Retry-After, until the lock ends."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from loomlight.api.services import api_token_issue
from loomlight.audit.models import AuditEvent
from tests.api.conftest import UNAUTHENTICATED, error

ME = "/api/v1/me"
THROTTLED = error("too_many_requests",
                  "Too many failed attempts from your address. Try again after the time in the Retry-After header (seconds).")


@pytest.fixture(autouse=True)
def limits(settings):
    settings.TOKEN_FAILURES_PER_ADDRESS = 3
    settings.TOKEN_LOCKOUT_SECONDS = 600
    settings.PROXY_COUNT = 0


def _get(client, token, address="192.0.2.10"):
    return client.get(ME, HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address)


def test_the_third_unknown_token_locks_the_address(client, world):
    _token, raw = api_token_issue(user=world.users["manager"], name="laptop")
    # given two unknown tokens from one address: 401 each
    first = [_get(client, f"llt_guess{i}") for i in range(2)]
    assert [r.status_code for r in first] == [401, 401] and first[0].json() == UNAUTHENTICATED
    # when a third comes (one without our prefix counts alike)
    third = _get(client, "guess-without-prefix")
    # then it is answered 429 in the envelope with Retry-After, and so is a valid token from that address
    assert third.status_code == 429 and third.json() == THROTTLED and third["Retry-After"] == "600"
    valid = _get(client, raw)
    assert valid.status_code == 429 and valid.json() == THROTTLED
    # while the same valid token from another address works
    assert _get(client, raw, address="192.0.2.11").json()["username"] == "manager"


def test_the_address_lock_ends_and_counting_starts_again(client, world, monkeypatch):
    _token, raw = api_token_issue(user=world.users["manager"], name="laptop")
    for i in range(3):
        _get(client, f"llt_guess{i}")
    later = timezone.now() + datetime.timedelta(seconds=601)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _get(client, raw).status_code == 200
    assert [_get(client, f"llt_again{i}").status_code for i in range(3)] == [401, 401, 429]


def test_retry_after_counts_down(client, world, monkeypatch):
    for i in range(3):
        _get(client, f"llt_guess{i}")
    later = timezone.now() + datetime.timedelta(seconds=400)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert _get(client, "llt_more")["Retry-After"] == "200"


def test_valid_tokens_and_sessions_are_not_counted(client, world):
    _token, raw = api_token_issue(user=world.users["manager"], name="laptop")
    assert [_get(client, raw).status_code for _ in range(5)] == [200] * 5
    # a locked address still reads through a logged-in browser session (no bearer token is sent)
    for i in range(3):
        _get(client, f"llt_guess{i}")
    client.force_login(world.users["manager"])
    assert client.get(ME, REMOTE_ADDR="192.0.2.10").status_code == 200


def test_the_lockout_is_audited_once_without_the_tokens(client, world):
    for i in range(5):
        _get(client, f"llt_secret-guess-{i}")
    events = list(AuditEvent.objects.filter(object_type="accounts.address"))
    assert [(e.action, e.object_id, e.via, e.after["scope"], e.after["failures"]) for e in events] == [
        ("locked_out", "192.0.2.10", "api", "token", 3)]
    assert "secret-guess" not in str(events[0].after)
    assert AuditEvent.objects.count() == 1
