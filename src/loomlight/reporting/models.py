"""Monthly activity data per facility, and the verification state of each month.

A value is stored in its metric's canonical unit with what was reported kept
beside it (original value and unit). Writes go through services.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    RETURNED = "returned", _("Returned with comments")


class ReportingPeriod(models.Model):
    """One facility-month: its state in draft → submitted → verified (or returned)."""

    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="periods")
    period = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=16, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["facility", "period"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.UniqueConstraint(fields=["facility", "period"], name="period_unique_per_facility"),
            models.CheckConstraint(condition=Q(period__day=1), name="period_is_first_of_month"),
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.period:%Y-%m}"

    @property
    def locked(self) -> bool:
        return self.status == PeriodStatus.VERIFIED


class ValueSource(models.TextChoices):
    FORM = "form", _("Form")
    UPLOAD = "upload", _("Excel upload")
    API = "api", _("API")
    DEMO = "demo", _("Demo")


class ActivityValue(models.Model):
    """One reported quantity of one metric for one facility-month.

    ``qualifier`` distinguishes values of the same metric in the same month: the
    product type of a production figure, the waste type of a waste figure; empty otherwise.
    """

    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="activity_values")
    period = models.DateField(_("month"))
    metric = models.CharField(_("metric"), max_length=64)
    qualifier = models.CharField(_("qualifier"), max_length=64, blank=True, default="")
    value = models.FloatField(_("value"))
    unit = models.CharField(_("unit"), max_length=32)
    original_value = models.FloatField(_("reported value"))
    original_unit = models.CharField(_("reported unit"), max_length=32)
    source = models.CharField(_("entered through"), max_length=16, choices=ValueSource.choices)
    flag = models.CharField(_("flag"), max_length=16, blank=True, default="")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)

    class Meta:
        ordering = ["facility", "period", "metric", "qualifier"]
        verbose_name = _("activity value")
        verbose_name_plural = _("activity values")
        constraints = [
            models.UniqueConstraint(fields=["facility", "period", "metric", "qualifier"], name="value_unique_per_month"),
            models.CheckConstraint(condition=Q(value__gte=0) & Q(original_value__gte=0), name="value_not_negative"),
            models.CheckConstraint(condition=Q(period__day=1), name="value_period_is_first_of_month"),
        ]
        indexes = [models.Index(fields=["facility", "metric", "period"])]

    def __str__(self) -> str:
        return f"{self.facility} {self.period:%Y-%m} {self.metric} = {self.value:g} {self.unit}"


from loomlight.reporting.imports.jobs import ImportJob  # noqa: E402,F401 (registered here: its app is reporting)
