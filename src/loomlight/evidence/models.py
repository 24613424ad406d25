"""Evidence: files that back reported data (utility bills, lab reports, invoices,
declarations), stored under LOOMLIGHT_DATA_DIR/files, outside the web root, and
served only through a view that asks the access policy."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EvidenceKind(models.TextChoices):
    UTILITY_BILL = "utility_bill", _("Utility bill")
    LAB_REPORT = "lab_report", _("Laboratory report")
    INVOICE = "invoice", _("Invoice")
    DECLARATION = "declaration", _("Declaration or certificate")
    METER_READING = "meter_reading", _("Meter reading")
    PERMIT = "permit", _("Permit or licence")
    OTHER = "other", _("Other")


def _path(instance, filename):
    return f"evidence/{instance.facility_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    period = models.DateField(_("month"), null=True, blank=True)
    activity_value = models.ForeignKey("reporting.ActivityValue", on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence")
    sampling_event = models.ForeignKey("wastewater.SamplingEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence")
    chemical_product = models.ForeignKey("chemicals.ChemicalProduct", on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence")
    discharge_permit = models.ForeignKey("wastewater.DischargePermit", on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence")
    file = models.FileField(upload_to=_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size [bytes]"))
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("note"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_kind_display()})"
