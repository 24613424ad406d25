from django.db import models


class ThrottleScope:
    """What is counted (never shown to users)."""

    LOGIN_ACCOUNT = "login_account"   # failed logins of one account (existing or not)
    LOGIN_ADDRESS = "login_address"   # failed logins from one client address
    TOKEN_ADDRESS = "token_address"   # unknown API tokens from one client address
    RESET_EMAIL = "reset_email"       # password-reset e-mails asked for one e-mail address
    RESET_ADDRESS = "reset_address"   # password-reset e-mails asked from one client address


class Throttle(models.Model):
    """Failures counted for one key (an account or a client address) in one scope.

    The key is stored as a SHA-256 hash: the table answers "is this locked?" and
    keeps no list of the usernames people typed. It lives in the database so that
    every web worker process sees the same counts.
    """

    scope = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key_hash"], name="throttle_scope_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key_hash[:8]}… {self.failures}"
