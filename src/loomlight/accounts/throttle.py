"""Failures counted per key, shared by every worker process (the counts live in the database).

A key (an account, a client address) may fail ``limit`` times within ``period``
seconds; the failure that reaches the limit locks the key for ``period`` seconds
from then. The lock expires by itself; a failure while locked neither counts nor
extends it. The rules of *what* is counted live in ``accounts.services``.
"""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q

from loomlight.accounts.models import Throttle

UNKNOWN_ADDRESS = "unknown"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def client_address(request) -> str:
    """The client's address as this server can trust it.

    Behind ``settings.PROXY_COUNT`` reverse proxies, each appending to
    ``X-Forwarded-For``, the client is the ``PROXY_COUNT``-th entry from the right
    (what a client writes further left is not trusted); with none, ``REMOTE_ADDR``.
    An IPv6 address is counted by its /64 network, which one subscriber holds whole.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return UNKNOWN_ADDRESS
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


@dataclass(frozen=True)
class Failure:
    count: int                                  # failures of the key in its current window
    locked_until: datetime.datetime | None      # set once the key is locked
    newly_locked: bool                          # this failure reached the limit


def locked_until(keys: list[tuple[str, str]], *, now: datetime.datetime) -> datetime.datetime | None:
    """The latest end of a lock on any of the ``(scope, key)`` pairs, or None: one query, no write."""
    if not keys:
        return None
    match = Q()
    for scope, key in keys:
        match |= Q(scope=scope, key_hash=key_hash(key))
    return Throttle.objects.filter(match, locked_until__gt=now).aggregate(until=Max("locked_until"))["until"]


def fail(scope: str, key: str, *, limit: int, period: int, now: datetime.datetime) -> Failure:
    """Count one failure of ``key``. Call inside the caller's transaction; the row is locked
    (``select_for_update``) so that two workers counting at once both count."""
    hashed = key_hash(key)
    row = Throttle.objects.select_for_update().filter(scope=scope, key_hash=hashed).first()
    if row is None:
        row = _create(scope, hashed, now=now, period=period)
    if row.locked_until is not None and row.locked_until > now:
        return Failure(row.failures, row.locked_until, newly_locked=False)
    if row.window_start + datetime.timedelta(seconds=period) <= now or row.locked_until is not None:
        row.failures, row.window_start, row.locked_until = 0, now, None  # the window or the lock is over
    row.failures += 1
    newly_locked = row.failures >= limit
    if newly_locked:
        row.locked_until = now + datetime.timedelta(seconds=period)
    row.save(update_fields=["failures", "window_start", "locked_until"])
    return Failure(row.failures, row.locked_until, newly_locked)


def clear(scope: str, key: str) -> None:
    Throttle.objects.filter(scope=scope, key_hash=key_hash(key)).delete()


def _create(scope: str, hashed: str, *, now: datetime.datetime, period: int) -> Throttle:
    # A new key: forget the scope's keys whose window and lock are over, so the table
    # holds only what was counted within the last period.
    expired = now - datetime.timedelta(seconds=period)
    Throttle.objects.filter(scope=scope, window_start__lte=expired).filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now)).delete()
    try:
        with transaction.atomic():
            return Throttle.objects.create(scope=scope, key_hash=hashed, failures=0, window_start=now)
    except IntegrityError:  # another worker created it meanwhile
        return Throttle.objects.select_for_update().get(scope=scope, key_hash=hashed)
