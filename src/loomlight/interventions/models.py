"""Business cases for ESG interventions at a facility or a park (issue 18): the case (its input document and the
result ``interventions.document.evaluate_document`` computed from it), its finance pipeline stage with the history,
and the measured savings (IPMVP Option C, ``calc.mv``) that alone move a case to "verified"."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    IDEA = "idea", _("Idea")
    FEASIBILITY = "feasibility", _("Feasibility")
    SEEKING_FINANCE = "seeking_finance", _("Seeking finance")
    FINANCED = "financed", _("Financed")
    IMPLEMENTED = "implemented", _("Implemented")
    VERIFIED = "verified", _("Verified")


#: The stages in their order (a case moves forward one at a time, or back with a note).
STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(stage)


#: Stages at which the investment counts as mobilised.
FINANCED_STAGES = (Stage.FINANCED, Stage.IMPLEMENTED, Stage.VERIFIED)
#: Stages a financier may see (of a shared case).
FINANCIER_STAGES = (Stage.SEEKING_FINANCE, Stage.FINANCED, Stage.IMPLEMENTED, Stage.VERIFIED)
#: Stages at which a case may be deleted.
DELETABLE_STAGES = (Stage.IDEA, Stage.FEASIBILITY)


class Instrument(models.TextChoices):
    OWN_FUNDS = "own_funds", _("Own funds")
    LOAN = "loan", _("Loan")
    GREEN_LOAN = "green_loan", _("Green loan")
    GRANT = "grant", _("Grant")
    EQUITY = "equity", _("Equity")
    LEASE = "lease", _("Lease")
    ESCO = "esco", _("Energy service company (ESCO) contract")
    PPA = "ppa", _("Power purchase agreement")
    BOND = "bond", _("Green bond")
    OTHER = "other", _("Other")


class BusinessCase(models.Model):
    """One intervention's business case at one facility, or at a park (a group rooftop solar divided among its
    tenants). ``document`` is the ``loomlight case`` input document (plus optional ``solar`` inputs); ``result``
    is what ``evaluate_document`` made of it, recomputed by the services on every change of the document."""

    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, null=True, blank=True, related_name="business_cases")
    park = models.ForeignKey("registry.IndustrialPark", verbose_name=_("industrial park"), on_delete=models.CASCADE, null=True, blank=True, related_name="business_cases")
    #: the programme of the facility (or park) when the case was created, for scoping programme totals and curves
    programme = models.ForeignKey("programmes.Programme", verbose_name=_("programme"), on_delete=models.SET_NULL, null=True, blank=True, related_name="business_cases")
    intervention = models.CharField(_("intervention"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    document = models.JSONField(_("inputs"), default=dict)
    result = models.JSONField(_("result"), default=dict, blank=True)
    #: the reference data versions the result was computed with (catalogue, prices, factors)
    data_version = models.CharField(_("data version"), max_length=200, blank=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDEA)
    financier = models.ForeignKey("registry.Organisation", verbose_name=_("financier"), on_delete=models.PROTECT, null=True, blank=True, related_name="financed_cases")
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    shared_with_financiers = models.BooleanField(_("shared with financiers"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-updated_at", "pk"]
        verbose_name = _("business case")
        verbose_name_plural = _("business cases")
        constraints = [
            models.CheckConstraint(condition=(Q(facility__isnull=False, park__isnull=True) | Q(facility__isnull=True, park__isnull=False)),
                                   name="business_case_exactly_one_subject"),
            models.CheckConstraint(condition=Q(stage__in=STAGE_ORDER), name="business_case_known_stage"),
        ]
        indexes = [models.Index(fields=["stage"], name="business_case_by_stage")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.title}"

    @property
    def subject(self):
        return self.facility or self.park

    @property
    def subject_kind(self) -> str:
        return "facility" if self.facility_id else "park"

    @property
    def country(self) -> str:
        return self.subject.country

    def figure(self, name: str):
        """A figure of the stored result (None when not computed: a gap, never 0)."""
        return (self.result or {}).get(name)


class OfCase:
    """A record of a case: it belongs to the case's facility or park (the audit trail files it there)."""

    @property
    def facility_id(self):
        return self.case.facility_id

    @property
    def park_id(self):
        return self.case.park_id


class StageChange(OfCase, models.Model):
    """One move of a case's stage (the pipeline's history)."""

    case = models.ForeignKey(BusinessCase, verbose_name=_("business case"), on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from stage"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage.choices)
    note = models.TextField(_("note"), blank=True)
    financier = models.ForeignKey("registry.Organisation", verbose_name=_("financier"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2, null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_stage} → {self.to_stage}"



class MeasuredSavings(OfCase, models.Model):
    """One measurement of a case's savings after IPMVP Option C (``calc.mv``): the baseline regression of the
    facility's monthly use of ``metric`` on production before ``implemented_on``, its Guideline 14 statistics,
    and the avoided use in the reporting period after it. Stored also when the baseline was refused (``accepted``
    false, with the reasons in ``model``), so that the attempt is on the record."""

    case = models.ForeignKey(BusinessCase, verbose_name=_("business case"), on_delete=models.CASCADE, related_name="measurements")
    metric = models.CharField(_("metric"), max_length=64)
    baseline_from = models.DateField(_("baseline from"))
    baseline_to = models.DateField(_("baseline to"))
    reporting_from = models.DateField(_("reporting from"), null=True, blank=True)
    reporting_to = models.DateField(_("reporting to"), null=True, blank=True)
    model = models.JSONField(_("baseline model"), default=dict)
    result = models.JSONField(_("savings"), default=dict, blank=True)
    accepted = models.BooleanField(_("baseline accepted"), default=False)
    avoided_quantity = models.FloatField(_("avoided use"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=32, blank=True)
    uncertainty = models.FloatField(_("uncertainty (±)"), null=True, blank=True)
    avoided_money = models.DecimalField(_("money saved"), max_digits=16, decimal_places=2, null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("measured"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("measured savings")
        verbose_name_plural = _("measured savings")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.metric} {self.baseline_from:%Y-%m}–{self.reporting_to or ''}"

