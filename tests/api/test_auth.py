"""Token authentication: 401 in the error envelope for every bad credential; tokens
are stored hashed, can be revoked, and record their last use."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from loomlight.api.models import ApiToken, hash_token
from loomlight.api.services import api_token_issue, api_token_revoke
from loomlight.audit.models import AuditEvent
from loomlight.registry.models import Organisation
from tests.api.conftest import UNAUTHENTICATED

ME = "/api/v1/me"


def _get(client, authorization=None):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization is not None else {}
    return client.get(ME, **headers)


def _assert_401(response):
    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert response["WWW-Authenticate"] == "Bearer"


def test_no_token_is_401(client, world):
    _assert_401(_get(client))


@pytest.mark.parametrize("authorization", [
    "",
    "Bearer",
    "Bearer ",
    "Token llt_abc",
    "Basic bWFuYWdlcjpwdw==",
    "Bearer not-a-loomlight-token",
    "Bearer llt_unknown-but-well-formed",
])
def test_malformed_or_unknown_token_is_401(client, world, authorization):
    _assert_401(_get(client, authorization))


def test_a_valid_token_authenticates_and_records_its_use(client, world):
    token, raw = api_token_issue(user=world.users["manager"], name="laptop")
    assert token.last_used_at is None
    response = _get(client, f"Bearer {raw}")
    assert response.status_code == 200
    assert response.json()["username"] == "manager"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_the_hash_is_stored(world):
    token, raw = api_token_issue(user=world.users["manager"], name="laptop")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(raw) and raw not in (stored.key_hash, stored.prefix)
    assert raw.startswith("llt_") and stored.prefix == raw[:12]


def test_revoked_token_is_401(client, world):
    token, raw = api_token_issue(user=world.users["manager"], name="laptop")
    assert _get(client, f"Bearer {raw}").status_code == 200
    api_token_revoke(token=token, by=world.users["manager"])
    _assert_401(_get(client, f"Bearer {raw}"))


def test_token_of_a_deactivated_user_is_401(client, world):
    _token, raw = api_token_issue(user=world.users["manager"], name="laptop")
    world.users["manager"].is_active = False
    world.users["manager"].save()
    _assert_401(_get(client, f"Bearer {raw}"))


def test_tokens_are_revoked_by_their_owner_or_an_operator_only(world):
    token, _raw = api_token_issue(user=world.users["manager"], name="laptop")
    with pytest.raises(PermissionDenied):
        api_token_revoke(token=token, by=world.users["admin"])
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    api_token_revoke(token=token, by=world.users["operator"])
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    with pytest.raises(ValidationError):
        api_token_revoke(token=token, by=world.users["operator"])


def test_issue_and_revoke_are_audited_without_the_secret(world):
    token, raw = api_token_issue(user=world.users["manager"], name="laptop")
    api_token_revoke(token=token, by=world.users["manager"])
    events = list(AuditEvent.objects.filter(object_type="api.apitoken", object_id=str(token.pk)).order_by("at", "id"))
    assert [(e.action, e.actor, e.after["name"], e.after["prefix"]) for e in events] == [
        ("create", world.users["manager"], "laptop", raw[:12]),
        ("update", world.users["manager"], "laptop", raw[:12]),
    ]
    assert all(raw not in str(e.after) and token.key_hash not in str(e.after) for e in events)


def test_a_token_needs_a_name(world):
    with pytest.raises(ValidationError) as exc:
        api_token_issue(user=world.users["manager"], name="  ")
    assert list(exc.value.message_dict) == ["name"]
    assert not ApiToken.objects.exists()


def test_session_may_read_but_not_write(client, world):
    client.force_login(world.users["manager"])
    assert _get(client).json()["username"] == "manager"
    response = client.post("/api/v1/organisations", {"name": "Sneaky", "kind": "brand"}, content_type="application/json")
    _assert_401(response)
    assert not Organisation.objects.filter(name="Sneaky").exists()


def test_a_bad_token_is_not_rescued_by_the_session(client, world):
    client.force_login(world.users["manager"])
    _assert_401(_get(client, "Bearer llt_wrong"))


# --- the management command ---------------------------------------------------

def test_issue_api_token_command_prints_a_working_token_once(client, world):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", "--user", "brand", "--name", "nightly export", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    assert (token.user, token.name) == (world.users["brand"], "nightly export")
    assert raw not in err.getvalue()
    assert _get(client, f"Bearer {raw}").json()["username"] == "brand"


def test_issue_api_token_command_refuses_an_unknown_user(world):
    with pytest.raises(CommandError, match="--user: no user 'ghost'"):
        call_command("issue_api_token", "--user", "ghost", "--name", "x", stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()
