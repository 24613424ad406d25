"""Django's authentication forms, wired to the throttle and to the services that set passwords."""

from __future__ import annotations

import math

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language, ngettext

from loomlight.accounts import services
from loomlight.accounts.backends import LOCKED_UNTIL
from loomlight.accounts.throttle import client_address

LOCKED = "locked"  # the error code of a refusal by the throttle


def lockout_error(until) -> ValidationError:
    """The one message of a lock: the same for an existing account, a missing one and an address."""
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return ValidationError(
        ngettext("Too many failed attempts. Try again in %(minutes)d minute.",
                 "Too many failed attempts. Try again in %(minutes)d minutes.", minutes),
        code=LOCKED, params={"minutes": minutes})


class _LockoutMessage:
    def get_invalid_login_error(self):
        until = getattr(self.request, LOCKED_UNTIL, None)
        return super().get_invalid_login_error() if until is None else lockout_error(until)


class LoginForm(_LockoutMessage, auth_forms.AuthenticationForm):
    """The login page's form, saying how long a locked account or address waits."""


class AdminLoginForm(_LockoutMessage, AdminAuthenticationForm):
    """The operator's admin login, throttled and worded alike."""


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The old password is a guess like a login's: counted and locked by the same rule."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        address = client_address(self.request) if self.request is not None else None
        until = services.login_locked_until(username=self.user.username, address=address)
        if until is not None:
            raise lockout_error(until)
        if not self.user.check_password(old_password):
            until = services.login_failure_record(username=self.user.username, address=address)
            if until is not None:
                raise lockout_error(until)
            raise ValidationError(self.error_messages["password_incorrect"], code="password_incorrect")
        return old_password

    def save(self, commit=True):
        return services.user_password_set(user=self.user, password=self.cleaned_data["new_password1"], by=self.user, reset=False)


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The new password of a reset link."""

    def save(self, commit=True):
        return services.user_password_set(user=self.user, password=self.cleaned_data["new_password1"], by=self.user, reset=True)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Queues the e-mails through the service; the page that follows is the same whether
    or not the address belongs to an account."""

    def save(self, domain_override=None, use_https=False, request=None, **kwargs):
        domain = domain_override or get_current_site(request).domain
        services.password_reset_request(email=self.cleaned_data["email"], domain=domain, use_https=use_https,
                                        language=get_language(),
                                        address=client_address(request) if request is not None else None)
