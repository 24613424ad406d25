"""Who is calling: a personal API token (``Authorization: Bearer <token>``), or,
for reading only, the browser session of a logged-in user.

A failed check returns None; ninja then answers 401 with the error envelope.
Unknown bearer tokens are counted per client address (``accounts.services``):
an address that sent too many is answered 429 with Retry-After, before any
token it sends is looked up, until its lock ends.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.utils import timezone
from ninja.errors import Throttled
from ninja.security import APIKeyCookie, HttpBearer

from loomlight.accounts import services as accounts
from loomlight.accounts.throttle import client_address
from loomlight.api.models import TOKEN_PREFIX, ApiToken, hash_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        address = client_address(request)
        _refuse_if_locked(accounts.token_locked_until(address=address))
        api_token = None
        if token.startswith(TOKEN_PREFIX):
            api_token = (
                ApiToken.objects.select_related("user")
                .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
                .first()
            )
        if api_token is None:
            _refuse_if_locked(accounts.token_failure_record(address=address))
            return None
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=timezone.now())
        request.user = api_token.user  # the policy asks about request.user
        return api_token


def _refuse_if_locked(until) -> None:
    if until is not None:
        raise Throttled(wait=max(1, math.ceil((until - timezone.now()).total_seconds())))


class SessionRead(APIKeyCookie):
    """The logged-in browser session, for safe (read-only) methods only, so CSRF
    cannot apply. A request that sends an Authorization header is judged by it alone."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def authenticate(self, request, key):
        if request.method not in SAFE_METHODS or "Authorization" in request.headers:
            return None
        user = request.user
        return user if user.is_authenticated and user.is_active else None
