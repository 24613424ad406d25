"""The rules of logins and tokens: what is throttled, what is recorded, how a password is set.

Throttle (settings in docs/deployment.md):

* a login fails → one failure for the account (the username as typed, case-folded,
  whether the account exists or not) and one for the client address; an account
  reaching ``LOGIN_FAILURES_PER_ACCOUNT`` or an address reaching
  ``LOGIN_FAILURES_PER_ADDRESS`` within ``LOGIN_LOCKOUT_SECONDS`` is refused, even with
  the right password, for ``LOGIN_LOCKOUT_SECONDS``. A missing account is counted and
  locked exactly like an existing one, so neither the answer nor its timing tells them apart.
  A successful login clears its account's count (not its address's); a password reset
  clears the account's lock too (the owner proved they read its e-mail).
* a password-reset request → one count for the e-mail address asked for (case-folded, known or
  not) and one for the client address; once ``RESET_MAILS_PER_EMAIL`` or
  ``RESET_MAILS_PER_ADDRESS`` requests were made within ``RESET_MAIL_WINDOW_SECONDS``, further
  requests send nothing until the window ends, and the page answers exactly as before (so it tells
  nobody whether an address is known, nor that the limit was reached); the first request dropped
  is recorded in the audit trail. Nobody's mailbox is flooded through the reset form.
* an unknown bearer token → one failure for the client address; at
  ``TOKEN_FAILURES_PER_ADDRESS`` within ``TOKEN_LOCKOUT_SECONDS`` every bearer token from
  that address is refused (429) until the lock ends, before any token is looked up.

The audit trail records every failed login (username as typed, address, whether
the account exists: only operators read these events) and every lockout; attempts
refused while locked are not recorded one by one, so a flood cannot fill the trail.
No password, hash or token is ever recorded.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from loomlight.accounts import throttle
from loomlight.accounts.models import ThrottleScope
from loomlight.audit.models import AuditAction
from loomlight.audit.services import audit_record, audit_record_event

#: object types of the audit events of logins (no stored object behind some of them)
LOGIN_OBJECT_TYPE = "auth.user"
ADDRESS_OBJECT_TYPE = "accounts.address"


def _account_key(username: str) -> str:
    return username.casefold()


def _later(*moments: datetime.datetime | None) -> datetime.datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def _reset_allowed(email: str, address: str | None) -> bool:
    """Count this reset request for its e-mail address and client address; False when either has reached its
    limit within the window (the request is then dropped; the first dropped one is audited)."""
    now, period = timezone.now(), settings.RESET_MAIL_WINDOW_SECONDS
    keys = [(ThrottleScope.RESET_EMAIL, email.casefold(), settings.RESET_MAILS_PER_EMAIL)]
    if address is not None:
        keys.append((ThrottleScope.RESET_ADDRESS, address, settings.RESET_MAILS_PER_ADDRESS))
    if throttle.locked_until([(scope, key) for scope, key, _limit in keys], now=now) is not None:
        return False
    allowed = True
    for scope, key, limit in keys:
        counted = throttle.fail(scope, key, limit=limit + 1, period=period, now=now)
        if counted.newly_locked:
            allowed = False
            by_address = scope == ThrottleScope.RESET_ADDRESS
            audit_record_event(actor=None, action=AuditAction.LOCKED_OUT,
                               object_type=ADDRESS_OBJECT_TYPE if by_address else LOGIN_OBJECT_TYPE,
                               object_id=key if by_address else "", object_repr=key, before=None,
                               after={"scope": "password_reset_address" if by_address else "password_reset_email",
                                      "requests": counted.count, "address": address or "",
                                      "locked_until": counted.locked_until.isoformat()})
    return allowed


# --- logins -------------------------------------------------------------------

def login_locked_until(*, username: str, address: str | None) -> datetime.datetime | None:
    """When the lock on this account or this address ends, or None when neither is locked."""
    keys = [(ThrottleScope.LOGIN_ACCOUNT, _account_key(username))]
    if address is not None:
        keys.append((ThrottleScope.LOGIN_ADDRESS, address))
    return throttle.locked_until(keys, now=timezone.now())


@transaction.atomic
def login_failure_record(*, username: str, address: str | None, via: str = "web") -> datetime.datetime | None:
    """Count and record one failed login; returns when the lock ends if this failure locked
    the account or the address (or either was locked already), else None."""
    now = timezone.now()
    period = settings.LOGIN_LOCKOUT_SECONDS
    account = throttle.fail(ThrottleScope.LOGIN_ACCOUNT, _account_key(username),
                            limit=settings.LOGIN_FAILURES_PER_ACCOUNT, period=period, now=now)
    place = None
    if address is not None:
        place = throttle.fail(ThrottleScope.LOGIN_ADDRESS, address, limit=settings.LOGIN_FAILURES_PER_ADDRESS,
                              period=period, now=now)
    user_id = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
    object_id = str(user_id) if user_id is not None else ""
    audit_record_event(actor=None, action=AuditAction.LOGIN_FAILED, object_type=LOGIN_OBJECT_TYPE, object_id=object_id,
                       object_repr=username, before=None, via=via,
                       after={"username": username, "address": address, "account_exists": user_id is not None,
                              "failures": account.count})
    if account.newly_locked:
        audit_record_event(actor=None, action=AuditAction.LOCKED_OUT, object_type=LOGIN_OBJECT_TYPE, object_id=object_id,
                           object_repr=username, before=None, via=via,
                           after={"username": username, "scope": "account", "failures": account.count,
                                  "locked_until": account.locked_until.isoformat()})
    if place is not None and place.newly_locked:
        _address_locked(address, place, of="login", via=via)
    return _later(account.locked_until, place.locked_until if place else None)


def login_succeeded(*, username: str) -> None:
    """A right password: the account's earlier failures are forgiven (the address's are not)."""
    throttle.clear(ThrottleScope.LOGIN_ACCOUNT, _account_key(username))


# --- API tokens -------------------------------------------------------------

def token_locked_until(*, address: str) -> datetime.datetime | None:
    return throttle.locked_until([(ThrottleScope.TOKEN_ADDRESS, address)], now=timezone.now())


@transaction.atomic
def token_failure_record(*, address: str) -> datetime.datetime | None:
    """Count one unknown bearer token from ``address``; returns when the lock ends once it is locked."""
    failure = throttle.fail(ThrottleScope.TOKEN_ADDRESS, address, limit=settings.TOKEN_FAILURES_PER_ADDRESS,
                            period=settings.TOKEN_LOCKOUT_SECONDS, now=timezone.now())
    if failure.newly_locked:
        _address_locked(address, failure, of="token", via="api")
    return failure.locked_until


def _address_locked(address: str, failure: throttle.Failure, *, of: str, via: str) -> None:
    audit_record_event(actor=None, action=AuditAction.LOCKED_OUT, object_type=ADDRESS_OBJECT_TYPE, object_id=address,
                       object_repr=address, before=None, via=via,
                       after={"address": address, "scope": of, "failures": failure.count,
                              "locked_until": failure.locked_until.isoformat()})


# --- passwords ----------------------------------------------------------------

@transaction.atomic
def user_password_set(*, user, password: str, by, reset: bool, via: str = "web"):
    """Set ``user``'s password (already validated by the form against AUTH_PASSWORD_VALIDATORS),
    audited without the password or its hash. ``reset``: through an e-mailed link, which
    also lifts a lock on the account."""
    user.set_password(password)
    user.save(update_fields=["password"])
    action = AuditAction.PASSWORD_RESET if reset else AuditAction.PASSWORD_CHANGE
    audit_record(actor=by, action=action, obj=user, before=None, after={"password": "changed"}, via=via)
    if reset:
        throttle.clear(ThrottleScope.LOGIN_ACCOUNT, _account_key(user.username))
    return user


@transaction.atomic
def password_reset_request(*, email: str, domain: str, use_https: bool, language: str,
                           address: str | None = None) -> int:
    """Queue a reset e-mail to every active account with this address (none when it is unknown:
    the caller answers the same either way). Accounts without a usable password are included:
    ``registry.services.user_create(password=None)`` leaves the first password to this flow.
    The link is made by the worker, so no token waits in the queue. Returns how many were queued:
    0 too when the request is beyond the limits of this e-mail address or client ``address``."""
    from loomlight.accounts.tasks import password_reset_mail_send

    email = (email or "").strip()
    if not _reset_allowed(email, address):
        return 0
    users = list(get_user_model().objects.filter(email__iexact=email, is_active=True).exclude(email="").values_list("pk", flat=True))
    for user_id in users:
        transaction.on_commit(lambda pk=user_id: password_reset_mail_send.enqueue(
            user_id=pk, domain=domain, use_https=use_https, language=language))
    return len(users)
