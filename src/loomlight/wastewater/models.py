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
