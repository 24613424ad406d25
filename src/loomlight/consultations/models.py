"""Guidelines open to public comment: a guideline of a programme with its authors and sections, its comment
periods, the comments received, and each export of them.

A comment is confidential: read only by the guideline's authors (consultations.access), never shown publicly,
not even as a count. Its personal details (name, organisation, e-mail and the hashed client key) are removed on
request (``comment_redact``), its text kept. The raw client address is never stored: only a keyed hash of it
(``services.client_key``), for the rate limit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Guideline(models.Model):
    """A version of a programme's guideline (``biomass-guidelines`` 2026.1), written by some of its programme admins."""

    code = models.SlugField(_("code"), max_length=64)
    version = models.CharField(_("version"), max_length=32)
    title = models.CharField(_("title"), max_length=200)
    programme = models.ForeignKey("programmes.Programme", verbose_name=_("programme"), on_delete=models.PROTECT,
                                  related_name="guidelines")
    authors = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("authors"), blank=True, related_name="+",
                                     help_text=_("Programme admins of the guideline's programme: the only readers of its comments."))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("guideline")
        verbose_name_plural = _("guidelines")
        ordering = ["code", "version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="guideline_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class GuidelineSection(models.Model):
    """A section of a guideline a comment is about; ``general`` is the guideline as a whole."""

    guideline = models.ForeignKey(Guideline, verbose_name=_("guideline"), on_delete=models.CASCADE, related_name="sections")
    code = models.SlugField(_("code"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("guideline section")
        verbose_name_plural = _("guideline sections")
        ordering = ["guideline", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["guideline", "code"], name="guideline_section_code_unique")]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The section's title in the reader's language where the platform knows its code, else as stored."""
        from loomlight.consultations.sections import translated_title

        return translated_title(self.code, self.title)


class CommentPeriod(models.Model):
    """A time in which anyone may comment on a guideline: open from ``opens_at`` until ``closes_at`` (excluded)."""

    guideline = models.ForeignKey(Guideline, verbose_name=_("guideline"), on_delete=models.PROTECT, related_name="periods")
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True, max_length=5000)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("comment period")
        verbose_name_plural = _("comment periods")
        ordering = ["-opens_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")),
                                              name="comment_period_closes_after_it_opens")]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class CommentStatus(models.TextChoices):
    NEW = "new", _("New")
    READ = "read", _("Read")
    FLAGGED_SPAM = "flagged_spam", _("Spam")


class Comment(models.Model):
    """One comment on one section. ``__str__`` names no text and no person: it reaches the audit trail."""

    period = models.ForeignKey(CommentPeriod, verbose_name=_("comment period"), on_delete=models.PROTECT, related_name="comments")
    section = models.ForeignKey(GuidelineSection, verbose_name=_("section"), on_delete=models.PROTECT, related_name="comments")
    body = models.TextField(_("comment"), max_length=5000)
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False, db_index=True)
    client_key = models.CharField(_("client key"), max_length=64, blank=True, db_index=True,
                                  help_text=_("A keyed hash of the sender's address, for the rate limit; never the address."))
    status = models.CharField(_("status"), max_length=16, choices=CommentStatus.choices, default=CommentStatus.NEW)
    redacted_at = models.DateTimeField(_("personal details removed"), null=True, blank=True)
    redacted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("removed by"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["client_key", "created_at"], name="comment_client_key_at")]

    def __str__(self) -> str:
        return f"comment {self.pk}"


class CommentExport(models.Model):
    """One download of a period's comments: who, when, which format, how many rows (its creation is audited)."""

    period = models.ForeignKey(CommentPeriod, verbose_name=_("comment period"), on_delete=models.PROTECT, related_name="exports")
    fmt = models.CharField(_("format"), max_length=8)
    rows = models.PositiveIntegerField(_("rows"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("exported by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("exported"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("comment export")
        verbose_name_plural = _("comment exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"export {self.pk} of period {self.period_id}"
