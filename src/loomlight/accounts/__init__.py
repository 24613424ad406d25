"""Logins: the throttle of failed logins and bogus API tokens, password change and reset."""
