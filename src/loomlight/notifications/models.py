"""Reminders and notifications: what the sweep (``services.notifications_sweep``) told whom, and what each user
wants to be told.

A ``Notification`` is stored once per (user, ``key``): the key names the kind, the subject and the occasion
(``month_returned:period:41:2026-04-02T08:00:00+00:00`` is the return of facility-month 41 after its
submission of 2 April). The unique constraint is what makes the sweep idempotent: a second sweep, or a sweep
after a restart, finds the key and tells nobody twice. Its e-mail state says what became of the e-mail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MONTH_DUE = "month_due", _("A month is coming due")
    MONTH_OVERDUE = "month_overdue", _("A month is overdue")
    MONTH_RETURNED = "month_returned", _("A month was returned with comments")
    MONTH_VERIFIED = "month_verified", _("A month was verified")
    CONSENT_GRANTED = "consent_granted", _("Data were shared (consent granted)")
    CONSENT_EXPIRING = "consent_expiring", _("A consent is about to expire")
    CONSENT_REVOKED = "consent_revoked", _("A consent was revoked")


MONTH_KINDS = (Kind.MONTH_DUE, Kind.MONTH_OVERDUE, Kind.MONTH_RETURNED, Kind.MONTH_VERIFIED)
CONSENT_KINDS = (Kind.CONSENT_GRANTED, Kind.CONSENT_EXPIRING, Kind.CONSENT_REVOKED)


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In Loomlight")
    EMAIL = "email", _("By e-mail")


class EmailState(models.TextChoices):
    NONE = "none", _("Not sent (turned off, or no e-mail address)")
    PENDING = "pending", _("To be sent")
    SENDING = "sending", _("Being sent")   # left so by a sweep stopped mid-send: never sent again (at most once)
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=200)
    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE,
                                 related_name="+")
    period = models.DateField(_("month"), null=True, blank=True)
    consent = models.ForeignKey("registry.Consent", verbose_name=_("consent"), on_delete=models.CASCADE, null=True,
                                blank=True, related_name="+")
    #: the reviewer's comment of a returned month, or the last day of an expiring consent, as at the occasion
    comment = models.TextField(_("comment"), blank=True)
    occurred_on = models.DateField(_("date"), help_text=_("The deadline, or the day it happened."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    in_app = models.BooleanField(_("shown in Loomlight"), default=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_state = models.CharField(_("e-mail"), max_length=16, choices=EmailState.choices, default=EmailState.NONE)
    email_claim = models.CharField(max_length=32, blank=True, default="")   # the sweep that is sending it
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_user_key")]
        indexes = [
            models.Index(fields=["user", "in_app", "read_at"], name="notification_unread"),
            models.Index(fields=["email_state"], name="notification_email_state"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.key}"


class NotificationSettings(models.Model):
    """What one user turned off (``off``: "kind:channel" strings, e.g. ``"month_due:email"``) and the language of
    their e-mails (empty: the site's LANGUAGE_CODE). No row: everything on, e-mails in LANGUAGE_CODE."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="notification_settings")
    off = models.JSONField(_("turned off"), default=list, blank=True)
    language = models.CharField(_("language of e-mails"), max_length=8, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user_id}: {', '.join(self.off) or '-'}"

    def wants(self, kind: str, channel: str) -> bool:
        return f"{kind}:{channel}" not in (self.off or [])
