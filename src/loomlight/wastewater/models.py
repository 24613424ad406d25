"""Wastewater lab results: sampling events of a facility or of a park's central
treatment plant, and the result of each parameter."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SamplingPoint(models.TextChoices):
    RAW = "raw", _("Raw wastewater")
    TREATED = "treated", _("Treated, before discharge")
    DISCHARGE = "discharge", _("Discharge point")
    CETP_INFLOW = "cetp_inflow", _("Central plant inflow")
    CETP_OUTFLOW = "cetp_outflow", _("Central plant outflow")


class DischargeType(models.TextChoices):
    DIRECT = "direct", _("Direct to surface water")
    INDIRECT = "indirect", _("To a central plant or sewer")


class SamplingEvent(models.Model):
    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE,
                                 null=True, blank=True, related_name="sampling_events")
    shared_facility = models.ForeignKey("registry.SharedFacility", verbose_name=_("shared facility"), on_delete=models.CASCADE,
                                        null=True, blank=True, related_name="sampling_events")
    sampled_on = models.DateField(_("sampled on"))
    sampling_point = models.CharField(_("sampling point"), max_length=16, choices=SamplingPoint.choices)
    discharge_type = models.CharField(_("discharge"), max_length=16, choices=DischargeType.choices)
    laboratory = models.CharField(_("laboratory"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sampled_on", "-pk"]
        verbose_name = _("sampling event")
        verbose_name_plural = _("sampling events")
        constraints = [
            models.CheckConstraint(
                condition=Q(facility__isnull=False, shared_facility__isnull=True) | Q(facility__isnull=True, shared_facility__isnull=False),
                name="sampling_event_one_site",
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility or self.shared_facility} {self.sampled_on} {self.get_sampling_point_display()}"


class LabResult(models.Model):
    event = models.ForeignKey(SamplingEvent, on_delete=models.CASCADE, related_name="results")
    parameter = models.CharField(_("parameter"), max_length=40)
    value = models.FloatField(_("value"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=24)
    detection_limit = models.FloatField(_("detection limit"), null=True, blank=True)
    below_detection_limit = models.BooleanField(_("below the detection limit"), default=False)
    method = models.CharField(_("method"), max_length=120, blank=True)

    class Meta:
        ordering = ["event", "parameter"]
        verbose_name = _("lab result")
        verbose_name_plural = _("lab results")
        constraints = [
            models.UniqueConstraint(fields=["event", "parameter"], name="lab_result_unique_parameter"),
            models.CheckConstraint(
                condition=Q(below_detection_limit=True, value__isnull=True, detection_limit__isnull=False)
                | Q(below_detection_limit=False, value__isnull=False),
                name="lab_result_value_or_below_dl",
            ),
        ]

    def __str__(self) -> str:
        shown = f"< {self.detection_limit:g}" if self.below_detection_limit else f"{self.value:g}"
        return f"{self.parameter} {shown} {self.unit}"


class DischargeRoute(models.TextChoices):
    SURFACE = "surface", _("Surface water: a river, lake, canal or the sea")
    SEWER = "sewer", _("A public sewer")
    CETP = "cetp", _("The park's central effluent treatment plant")


class _SiteOwned(models.Model):
    """Belongs to one facility or to one shared facility (a park's central plant)."""
    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE,
                                 null=True, blank=True, related_name="+")
    shared_facility = models.ForeignKey("registry.SharedFacility", verbose_name=_("shared facility"), on_delete=models.CASCADE,
                                        null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @property
    def site(self):
        return self.facility or self.shared_facility


def _one_site(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(facility__isnull=False, shared_facility__isnull=True) | Q(facility__isnull=True, shared_facility__isnull=False),
        name=name)


class Discharge(_SiteOwned):
    """Where a site's wastewater goes, from a day on: a new record when the route changes, so a sample is
    judged by the route of its own day. ``operating_since`` decides a site's transition between regulations."""
    valid_from = models.DateField(_("applies from"))
    route = models.CharField(_("discharge route"), max_length=16, choices=DischargeRoute.choices)
    receiving_water = models.CharField(_("receiving water"), max_length=200, blank=True,
                                       help_text=_("Its name, as the permit gives it: for example Thị Vải river."))
    receiving_class = models.CharField(_("class of the receiving water"), max_length=32, blank=True,
                                       help_text=_("The class or column the regulation or the permit names, for example B."))
    cetp = models.ForeignKey("registry.SharedFacility", verbose_name=_("central plant"), on_delete=models.PROTECT,
                             null=True, blank=True, related_name="tenant_discharges")
    operating_since = models.DateField(_("began operating on"), null=True, blank=True,
                                       help_text=_("Or the day its environmental impact assessment was approved, if earlier: it decides which regulation applies during a transition."))

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("discharge route")
        verbose_name_plural = _("discharge routes")
        constraints = [
            _one_site("discharge_one_site"),
            models.UniqueConstraint(fields=["facility", "valid_from"], name="discharge_unique_facility_day"),
            models.UniqueConstraint(fields=["shared_facility", "valid_from"], name="discharge_unique_shared_day"),
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.valid_from} {self.get_route_display()}"


class DischargePermit(_SiteOwned):
    """A discharge (environmental) permit of a site, with the limits it sets; its evidence is the permit's file."""
    number = models.CharField(_("permit number"), max_length=100)
    issuing_body = models.CharField(_("issued by"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("discharge permit")
        verbose_name_plural = _("discharge permits")
        constraints = [
            _one_site("permit_one_site"),
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("issued_on")),
                                   name="permit_valid_after_issue"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.issuing_body}, {self.issued_on})"


class _Bounds(models.Model):
    parameter = models.CharField(_("parameter"), max_length=40)
    limit_min = models.FloatField(_("minimum"), null=True, blank=True)
    limit_max = models.FloatField(_("maximum"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=24)

    class Meta:
        abstract = True


def _bounded(name: str) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(condition=Q(limit_min__isnull=False) | Q(limit_max__isnull=False), name=f"{name}_has_bound"),
        models.CheckConstraint(condition=Q(limit_min__isnull=True) | Q(limit_max__isnull=True) | Q(limit_min__lte=models.F("limit_max")),
                               name=f"{name}_min_le_max"),
    ]


class PermitLimit(_Bounds):
    permit = models.ForeignKey(DischargePermit, on_delete=models.CASCADE, related_name="limits")

    class Meta:
        ordering = ["permit", "parameter"]
        verbose_name = _("permit limit")
        verbose_name_plural = _("permit limits")
        constraints = [models.UniqueConstraint(fields=["permit", "parameter"], name="permit_limit_unique_parameter"),
                       *_bounded("permit_limit")]

    def __str__(self) -> str:
        return f"{self.permit.number} {self.parameter}"


class IntakeLimit(_Bounds):
    """A central plant's limit for what its tenants send it, from a day on (set by the park's operator)."""
    cetp = models.ForeignKey("registry.SharedFacility", verbose_name=_("central plant"), on_delete=models.CASCADE,
                             related_name="intake_limits")
    valid_from = models.DateField(_("applies from"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cetp", "parameter", "-valid_from"]
        verbose_name = _("intake limit")
        verbose_name_plural = _("intake limits")
        constraints = [models.UniqueConstraint(fields=["cetp", "parameter", "valid_from"], name="intake_limit_unique_day"),
                       *_bounded("intake_limit")]

    def __str__(self) -> str:
        return f"{self.cetp} {self.parameter} {self.valid_from}"
