"""Assessments: the framework versions answered, yearly cycles, answers with their verification, actions.

A framework version is stored as published (its YAML and its content hash) and never changed: an assessment
pins the version it answered, so that its score can always be recomputed from its answers and that version
(``Assessment.result()``). The stored score (``percent``, ``level_reached``, ``section_scores``) is a cache of
that computation, refreshed by the services after every change. Writes go through services.py.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loomlight.calc import assessment as calc


@lru_cache(maxsize=64)
def _tree(content_hash: str, source: str, file_name: str) -> calc.Framework:
    framework = calc.load(source, file_name)
    if framework.content_hash != content_hash:   # the stored text no longer gives the stored hash: never score it
        raise ValueError(f"framework {file_name} does not match its content hash")
    return framework


class FrameworkVersion(models.Model):
    """One published version of a framework: its YAML as published, frozen by its content hash."""

    framework_id = models.CharField(_("framework"), max_length=64)
    version = models.CharField(_("version"), max_length=32)
    content_hash = models.CharField(_("content hash"), max_length=64, unique=True)
    source = models.TextField(_("framework file"))
    file_name = models.CharField(_("file name"), max_length=200)
    builtin = models.BooleanField(_("built in"), default=False)
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["framework_id", "-published_at"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [models.UniqueConstraint(fields=["framework_id", "version"], name="framework_version_unique")]

    def __str__(self) -> str:
        return f"{self.framework_id} {self.version}"

    def tree(self) -> calc.Framework:
        """The immutable tree (loaded once per process and version)."""
        return _tree(self.content_hash, self.source, self.file_name)

    def subject_kinds(self) -> frozenset[str]:
        """The subject kinds some section applies to (a section that names none applies to every kind)."""
        kinds: set[str] = set()
        for section in self.tree().sections:
            kinds |= set(section.applies_to.subjects or calc.tree.SUBJECTS)
        return frozenset(kinds)


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Self-assessment in progress")
    SUBMITTED = "submitted", _("Submitted for verification")
    EVIDENCE_REQUESTED = "evidence_requested", _("Evidence requested")
    VERIFIED = "verified", _("Verified")


class VerificationMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    REMOTE = "remote", _("Remote")


class Assessment(models.Model):
    """One yearly cycle of one framework for one subject: a facility, an industrial park or a shared facility."""

    framework = models.ForeignKey(FrameworkVersion, verbose_name=_("framework version"), on_delete=models.PROTECT, related_name="assessments")
    #: the framework's id, copied so that one cycle per framework, subject and year is a database constraint
    framework_code = models.CharField(_("framework"), max_length=64, editable=False)
    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, null=True, blank=True, related_name="assessments")
    park = models.ForeignKey("registry.IndustrialPark", verbose_name=_("industrial park"), on_delete=models.CASCADE, null=True, blank=True, related_name="assessments")
    shared_facility = models.ForeignKey("registry.SharedFacility", verbose_name=_("shared facility"), on_delete=models.CASCADE, null=True, blank=True, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    # the score of the current answers against the pinned version (a cache of result(); services refresh it)
    percent = models.FloatField(_("score [%]"), null=True, blank=True)
    level_reached = models.CharField(_("level reached"), max_length=16, blank=True)
    section_scores = models.JSONField(_("section scores"), default=dict, blank=True)
    #: the normalised answers the stored score was computed from (question -> value as check_answers gives it,
    #: lists for tuples), one document per assessment so that re-scoring a portfolio reads one row per assessment
    scored_answers = models.JSONField(_("answers scored"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    verification_mode = models.CharField(_("verification"), max_length=10, choices=VerificationMode.choices, blank=True)
    verification_comment = models.TextField(_("verifier's comment"), blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)

    class Meta:
        ordering = ["-year", "framework_code", "pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(facility__isnull=False, park__isnull=True, shared_facility__isnull=True)
                           | Q(facility__isnull=True, park__isnull=False, shared_facility__isnull=True)
                           | Q(facility__isnull=True, park__isnull=True, shared_facility__isnull=False)),
                name="assessment_exactly_one_subject"),
            models.UniqueConstraint(fields=["framework_code", "facility", "year"], condition=Q(facility__isnull=False),
                                    name="assessment_one_cycle_per_facility"),
            models.UniqueConstraint(fields=["framework_code", "park", "year"], condition=Q(park__isnull=False),
                                    name="assessment_one_cycle_per_park"),
            models.UniqueConstraint(fields=["framework_code", "shared_facility", "year"],
                                    condition=Q(shared_facility__isnull=False), name="assessment_one_cycle_per_shared"),
        ]
        indexes = [models.Index(fields=["framework_code", "status", "year"], name="assessment_by_status")]

    def __str__(self) -> str:
        return f"{self.subject} · {self.framework_code} {self.year}"

    @property
    def subject(self):
        return self.facility or self.park or self.shared_facility

    @property
    def subject_kind(self) -> str:
        return "facility" if self.facility_id else "park" if self.park_id else "shared_facility"

    @property
    def locked(self) -> bool:
        return self.status == AssessmentStatus.VERIFIED

    def calc_subject(self) -> calc.Subject:
        processes = tuple(self.facility.processes) if self.facility_id else ()
        return calc.Subject(self.subject_kind, processes)

    def answer_values(self) -> dict[str, object]:
        """question id -> the stored normalised answer (tables as lists of row mappings)."""
        return {a.question: a.scoring_value() for a in self.answers.all() if a.value is not None}

    def result(self, *, gains: bool = True) -> calc.Result:
        """The score recomputed from the answers and the pinned framework version."""
        return calc.score(self.framework.tree(), self.answer_values(), self.calc_subject(), gains=gains)


class Verification(models.TextChoices):
    PENDING = "", _("Not reviewed")
    ACCEPTED = "accepted", _("Accepted")
    ADJUSTED = "adjusted", _("Adjusted by the assessor")
    EVIDENCE_REQUESTED = "evidence_requested", _("Evidence requested")


class AnswerSource(models.TextChoices):
    RESPONDENT = "respondent", _("Answered")
    FROM_DATA = "from_data", _("From data")
    ASSESSOR = "assessor", _("Adjusted by the assessor")
    IMPORT = "import", _("Field collection import")


class Answer(models.Model):
    """One question's answer in one assessment: the value (normalised as calc.assessment.check_answers gives it),
    where it came from, and the assessor's review."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(_("question"), max_length=64)
    value = models.JSONField(_("answer"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=AnswerSource.choices, default=AnswerSource.RESPONDENT)
    basis = models.TextField(_("from data"), blank=True, help_text=_("What a value from data was computed from."))
    respondent_value = models.JSONField(_("answer before the adjustment"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    verification = models.CharField(_("verification"), max_length=20, choices=Verification.choices, default=Verification.PENDING, blank=True)
    assessor_comment = models.TextField(_("assessor's comment"), blank=True)
    verified_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["assessment", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["assessment", "question"], name="answer_once_per_question")]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.question}"

    # where its audit events belong (audit.services.place): the assessment's facility or park
    @property
    def facility_id(self):
        return self.assessment.facility_id

    @property
    def park_id(self):
        if self.assessment.park_id:
            return self.assessment.park_id
        return self.assessment.shared_facility.park_id if self.assessment.shared_facility_id else None

    def scoring_value(self):
        """The value as calc.assessment.score takes it (a table's rows back as mappings)."""
        if isinstance(self.value, list) and self.value and isinstance(self.value[0], list):
            return [dict(row) for row in self.value]
        return self.value


def _answer_file_path(instance, filename):
    import uuid
    return f"assessments/{instance.answer.assessment_id}/{uuid.uuid4().hex}"


class AnswerFile(models.Model):
    """An evidence file attached to an answer (stored under LOOMLIGHT_DATA_DIR, served only through the policy)."""

    answer = models.ForeignKey(Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_answer_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size [bytes]"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name

    @property
    def facility_id(self):
        return self.answer.assessment.facility_id

    @property
    def park_id(self):
        return self.answer.park_id


class JointActionPlan(models.Model):
    """A park-level joint action plan: commitments (actions) from several organisations, as INSTEP's."""

    park = models.ForeignKey("registry.IndustrialPark", verbose_name=_("industrial park"), on_delete=models.CASCADE, related_name="action_plans")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"))
    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.SET_NULL, null=True, blank=True, related_name="plans")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-year", "title", "pk"]
        verbose_name = _("joint action plan")
        verbose_name_plural = _("joint action plans")

    def __str__(self) -> str:
        return f"{self.park} · {self.title} ({self.year})"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed, awaiting verification")
    VERIFIED = "verified", _("Completion verified")
    CANCELLED = "cancelled", _("Cancelled")


#: States in which an action is still owed (and can be overdue).
OPEN_ACTION_STATES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def _action_file_path(instance, filename):
    import uuid
    return f"actions/{instance.pk or 'new'}/{uuid.uuid4().hex}"


class Action(models.Model):
    """Something an organisation commits to do: from a failed requirement of an assessment, or a commitment in
    a park's joint action plan. Its owner is an organisation; its completion is reported with evidence and
    verified by an assessor."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, null=True, blank=True, related_name="actions")
    question = models.CharField(_("question"), max_length=64, blank=True)
    plan = models.ForeignKey(JointActionPlan, verbose_name=_("joint action plan"), on_delete=models.CASCADE, null=True, blank=True, related_name="actions")
    # what it concerns (from the assessment or the plan): one of them, for who may read it
    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    park = models.ForeignKey("registry.IndustrialPark", verbose_name=_("industrial park"), on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey("registry.Organisation", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="actions")
    due_date = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completion_note = models.TextField(_("how it was done"), blank=True)
    completion_file = models.FileField(_("evidence of completion"), upload_to=_action_file_path, max_length=200, blank=True)
    completion_file_name = models.CharField(_("file name"), max_length=200, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(_("completion verified"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(condition=Q(assessment__isnull=False) | Q(plan__isnull=False), name="action_has_a_source"),
            models.CheckConstraint(condition=~Q(facility__isnull=False, park__isnull=False), name="action_one_subject"),
        ]
        indexes = [models.Index(fields=["owner", "status", "due_date"], name="action_owner_due")]

    def __str__(self) -> str:
        return self.title

    def overdue(self, today) -> bool:
        return self.status in OPEN_ACTION_STATES and self.due_date < today
