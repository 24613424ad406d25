"""Biomass sourcing at a facility (issue 19): the facility's own suppliers, the supply streams that reach its
gate (each reported under one of its fuel metrics), each stream's value chain from the origin to the factory, and
the stream's screenings against the risk framework ``biomass_screening`` (``calc.assessment.risk``).

A screening pins the framework version it answered (id, version, content hash) and stores the rating the risk
engine gave (``result``, the serialised ``RiskResult``); a repeat screening names the one it follows, so that
a stream's history shows how its supplier improved. Writes go through services.py, each one audited."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SupplierRole(models.TextChoices):
    COLLECTOR = "collector", _("Collector")
    PROCESSOR = "processor", _("Processor")
    TRADER = "trader", _("Trader")
    PRODUCER = "producer", _("Producer")
    OTHER = "other", _("Other")


class TransportMode(models.TextChoices):
    ROAD = "road", _("Road")
    RAIL = "rail", _("Rail")
    WATERWAY = "waterway", _("Inland waterway")
    SEA = "sea", _("Sea")
    UNKNOWN = "unknown", _("Unknown")


class Rating(models.TextChoices):
    """The risk engine's ratings (``calc.assessment.risk.RATINGS``)."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    UNKNOWN = "unknown", _("Unknown")


class ScreeningStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COMPLETED = "completed", _("Completed")


class OfStream:
    """A record of a stream: it belongs to the stream's facility (the audit trail files it there)."""

    @property
    def facility_id(self):
        return self.stream.facility_id


class Supplier(models.Model):
    """A supplier on one facility's own list (two facilities buying from one trader each keep their own entry)."""

    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="biomass_suppliers")
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=SupplierRole.choices, default=SupplierRole.TRADER)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("biomass supplier")
        verbose_name_plural = _("biomass suppliers")
        constraints = [
            models.UniqueConstraint(fields=["facility", "name"], name="biomass_supplier_unique_name"),
            models.CheckConstraint(condition=Q(role__in=SupplierRole.values), name="biomass_supplier_known_role"),
        ]

    def __str__(self) -> str:
        return self.name


class SupplyStream(models.Model):
    """One biomass type delivered to the facility's gate by one direct supplier, reported under one of the
    facility's fuel metrics. ``share`` is the stream's part of that metric's deliveries when several streams
    are reported under one metric (None: not stated; the supply risk then splits equally and says so)."""

    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="biomass_streams")
    supplier = models.ForeignKey(Supplier, verbose_name=_("direct supplier"), on_delete=models.PROTECT, related_name="streams")
    biomass_type = models.CharField(_("biomass type"), max_length=64)
    metric = models.CharField(_("fuel metric"), max_length=64)
    share = models.FloatField(_("share of the metric's deliveries"), null=True, blank=True)
    certification_scheme = models.CharField(_("certification scheme"), max_length=100, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=100, blank=True)
    certificate_valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-active", "metric", "pk"]
        verbose_name = _("supply stream")
        verbose_name_plural = _("supply streams")
        constraints = [
            models.CheckConstraint(condition=Q(share__isnull=True) | (Q(share__gt=0) & Q(share__lte=1)),
                                   name="biomass_stream_share_fraction"),
        ]

    def __str__(self) -> str:
        return f"{self.biomass_type} · {self.supplier}"


class ChainStep(OfStream, models.Model):
    """One step of a stream's value chain, numbered from the origin (1) to the last step before the factory.
    ``distance_km`` and ``mode`` are the transport from this step to the next (the factory after the last)."""

    stream = models.ForeignKey(SupplyStream, verbose_name=_("supply stream"), on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    role = models.CharField(_("role"), max_length=20, choices=SupplierRole.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    province = models.CharField(_("province"), max_length=100, blank=True)
    distance_km = models.FloatField(_("distance to the next step (km)"), null=True, blank=True)
    mode = models.CharField(_("transport mode"), max_length=20, choices=TransportMode.choices, blank=True)
    known = models.BooleanField(_("identity and practices documented"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["stream", "position"]
        verbose_name = _("chain step")
        verbose_name_plural = _("chain steps")
        constraints = [
            models.UniqueConstraint(fields=["stream", "position"], name="biomass_step_unique_position"),
            models.CheckConstraint(condition=Q(distance_km__isnull=True) | Q(distance_km__gte=0), name="biomass_step_distance_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name or self.get_role_display()}"


class Screening(OfStream, models.Model):
    """One screening of a stream against a version of the risk framework: the answers, and once completed the
    rating the risk engine gave them (``result``: the RiskResult serialised; ``overall``: its overall rating)."""

    stream = models.ForeignKey(SupplyStream, verbose_name=_("supply stream"), on_delete=models.CASCADE, related_name="screenings")
    framework_id = models.CharField(_("framework"), max_length=64)
    framework_version = models.CharField(_("framework version"), max_length=32)
    framework_hash = models.CharField(_("framework content hash"), max_length=64)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    #: question ids whose answer was pre-filled from the chain (and not changed since)
    from_chain = models.JSONField(_("answers from the chain"), default=list, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    overall = models.CharField(_("overall rating"), max_length=10, choices=Rating.choices, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ScreeningStatus.choices, default=ScreeningStatus.DRAFT)
    screened_on = models.DateField(_("screened on"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("screened by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    previous = models.ForeignKey("self", verbose_name=_("previous screening"), on_delete=models.SET_NULL, null=True, blank=True, related_name="repeats")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ScreeningStatus.values), name="biomass_screening_known_status"),
            models.CheckConstraint(condition=Q(status="draft") | (Q(overall__in=Rating.values) & Q(screened_on__isnull=False)),
                                   name="biomass_screening_completed_rated"),
        ]

    def __str__(self) -> str:
        return f"{self.stream} · {self.screened_on or self.get_status_display()}"
