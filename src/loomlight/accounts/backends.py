"""The authentication backend: Django's own, with the login throttle in front of it.

Every way to log in with a username and password goes through here (the login
page, the operator's admin, ``Client.login`` in tests), so none of them can be
used to guess past the throttle.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from loomlight.accounts import services
from loomlight.accounts.throttle import client_address

#: set on the request when a login was refused by the throttle (the form shows the lockout message)
LOCKED_UNTIL = "loomlight_login_locked_until"


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = client_address(request) if request is not None else None
        until = services.login_locked_until(username=username, address=address)
        if until is not None:
            # Refused before the password is checked: the same for a real account and a missing one.
            if request is not None:
                setattr(request, LOCKED_UNTIL, until)
            raise PermissionDenied  # Django's authenticate() stops here and answers "no user"
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            until = services.login_failure_record(username=username, address=address)
            if until is not None and request is not None:
                setattr(request, LOCKED_UNTIL, until)
            return None
        services.login_succeeded(username=username)
        return user
