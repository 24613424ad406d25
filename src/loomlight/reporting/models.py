"""Monthly activity data per facility, and the verification state of each month.

A value is stored in its metric's canonical unit with what was reported kept
beside it (original value and unit), and, for a fuel reported by mass or volume,
the record of the factors that converted it. Writes go through services.py.
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
        #: the verifiers' queues (``work.queues``): the submitted months of a programme, oldest first, and whether
        #: a facility handed in a month, read from the index alone
        indexes = [models.Index(fields=["status", "period", "facility"], name="period_by_status")]

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
    #: how a fuel reported by mass or volume became energy: the formula, the energy of one reported unit
    #: and each factor with its source (a shipped default with its citation and data version, or the
    #: facility's FuelProperty and its evidence); None for a plain change of unit
    conversion = models.JSONField(_("conversion"), null=True, blank=True, default=None)
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
        indexes = [models.Index(fields=["facility", "metric", "period"]),
                   # the flagged values of the work queues (a few in a hundred values)
                   models.Index(fields=["period", "facility"], condition=~Q(flag=""), name="value_flagged")]

    def __str__(self) -> str:
        return f"{self.facility} {self.period:%Y-%m} {self.metric} = {self.value:g} {self.unit}"


class FuelProperty(models.Model):
    """A facility's own net calorific value and/or density of one fuel, from a month on.

    Backed by evidence of the same facility (the supplier's specification, a
    laboratory report). Converting a fuel reported by mass or volume, the
    facility's value valid for the month is used before the shipped default
    (reference/fuel_properties.csv). Units as stated: the NCV per mass (GJ/t,
    MJ/kg) or per volume (MJ/m³), the density as kg/L, kg/m³ or L/t.
    """

    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="fuel_properties")
    metric = models.CharField(_("fuel"), max_length=64)
    valid_from = models.DateField(_("valid from"), help_text=_("The first month it applies to."))
    ncv_value = models.FloatField(_("net calorific value"), null=True, blank=True)
    ncv_unit = models.CharField(_("unit of the calorific value"), max_length=32, blank=True)
    density_value = models.FloatField(_("density"), null=True, blank=True)
    density_unit = models.CharField(_("unit of the density"), max_length=32, blank=True)
    evidence = models.ForeignKey("evidence.Evidence", verbose_name=_("evidence"), on_delete=models.RESTRICT, related_name="fuel_properties")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["facility", "metric", "-valid_from"]
        verbose_name = _("fuel property")
        verbose_name_plural = _("fuel properties")
        constraints = [
            models.UniqueConstraint(fields=["facility", "metric", "valid_from"], name="fuel_property_unique_per_month"),
            models.CheckConstraint(condition=Q(valid_from__day=1), name="fuel_property_from_first_of_month"),
            models.CheckConstraint(condition=Q(ncv_value__isnull=False) | Q(density_value__isnull=False), name="fuel_property_has_a_value"),
            models.CheckConstraint(condition=Q(ncv_value__isnull=True) | Q(ncv_value__gt=0), name="fuel_property_ncv_positive"),
            models.CheckConstraint(condition=Q(density_value__isnull=True) | Q(density_value__gt=0), name="fuel_property_density_positive"),
        ]

    def __str__(self) -> str:
        parts = [f"{self.ncv_value:g} {self.ncv_unit}" if self.ncv_value is not None else "",
                 f"{self.density_value:g} {self.density_unit}" if self.density_value is not None else ""]
        return f"{self.facility} {self.metric} from {self.valid_from:%Y-%m}: {', '.join(p for p in parts if p)}"


class ApplicableMetrics(models.Model):
    """The metrics that apply to a facility: what its months are complete against (``calc.periods.completeness``).

    Until its manager saves them, they are suggested from what it reported and its processes
    (``selectors.applicable_metrics``); saving (``services.applicable_metrics_set``) is audited."""

    facility = models.OneToOneField("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE,
                                    related_name="applicable_metrics")
    metrics = models.JSONField(_("metrics that apply"), default=list)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    set_at = models.DateTimeField(_("set"), default=timezone.now)

    class Meta:
        verbose_name = _("metrics that apply")
        verbose_name_plural = _("metrics that apply")

    def __str__(self) -> str:
        return f"{self.facility_id}: {', '.join(self.metrics)}"


from loomlight.reporting.imports.jobs import ImportJob  # noqa: E402,F401 (registered here: its app is reporting)
