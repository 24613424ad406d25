"""Assessments in version 1 of the API (issue 17): cycles, answers, the explained score, verification, actions,
and the frameworks they answer.

Who reads, answers and verifies is ``assessments.access`` (the matrix in its docstring): an assessment the caller
may not read answers 404, exactly like a missing one (a brand or financier reads a facility's assessments only
while a consent naming "assessments" is active); one they read but may not change answers 403. Every write is
one service of ``assessments.services`` (the same as the pages and the field-collection import), with
``via="api"``; a refused write changes nothing. Who answered, submitted and verified is named (by username) only
to the subject's own people and the programme (who answer or verify it), as the consent routes name who granted
a consent only to the facility's side.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from loomlight.api.schemas import DATE, TEXT_PATTERN, Id, In, Page, PageQuery, Said, described, text
from loomlight.api.v1 import READ_ERRORS, WRITE_ERRORS, _page, _visible
from loomlight.assessments import access, services
from loomlight.assessments.models import (
    Action, ActionStatus, Answer, AnswerFile, Assessment, AssessmentStatus, FrameworkVersion, Verification,
    VerificationMode,
)
from loomlight.calc.assessment import builtin as builtins
from loomlight.calc.assessment.tree import text_in
from loomlight.registry import policy
from loomlight.registry.models import Organisation

VIA = "api"
router = Router(tags=["assessments"])

SUBJECT_TYPES = ("facility", "park", "shared_facility")


# --- output -------------------------------------------------------------------------------------------------

class SubjectOut(Schema):
    type: Literal["facility", "park", "shared_facility"]
    id: int
    name: str


class FrameworkRefOut(Schema):
    id: str
    version: str
    content_hash: str = Field(..., description="The SHA-256 of the version's normalised content: the score is always "
                                               "recomputed against exactly this version.")


class AssessmentOut(Schema):
    id: int
    subject: SubjectOut
    framework: FrameworkRefOut
    year: int
    status: str = Field(..., description="draft, submitted, evidence_requested (returned for evidence) or verified.")
    percent: float | None = Field(..., description="The score of the current answers [%]; null when no question counts.")
    level_reached: str | None = Field(..., description="foundational, intermediate or aspirational; null: none reached.")
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    submitted_by: str | None = Field(..., description="Username; null when not submitted, or for a reader outside the "
                                                      "subject's people and its programme (a brand, a financier).")
    verified_at: datetime.datetime | None
    verified_by: str | None = Field(..., description="Username, shown as submitted_by is.")
    verification_mode: str = Field(..., description="on_site, remote, or empty while not verified.")
    verification_comment: str
    reopened_at: datetime.datetime | None
    reopen_reason: str


class SectionOut(Schema):
    section: str
    title: str = Field(..., description="In the reader's language (Accept-Language), else English.")
    counted: bool = Field(..., description="False when no question of it counts for this subject: its weight then goes to the others.")
    percent: float | None = Field(..., description="The section's score [%]; null when not counted.")
    level_reached: str | None
    weight_share: float = Field(..., description="Its weight / the sum of the weights of the counted sections [0-1].")


class AnswerScoreOut(Schema):
    question: str
    section: str
    level: str
    status: str = Field(..., description="full, partial, failed, unanswered, skipped, not_applicable, na or unscored.")
    earned: float = Field(..., description="Points earned (0 when gated or not counted).")
    possible: float = Field(..., description="Points that could be earned (0 when not counted).")
    contribution: float = Field(..., description="Percentage points of its section's score.")
    total_contribution: float = Field(..., description="Percentage points of the total.")
    gated: bool = Field(..., description="Earned points withheld: the section's foundational questions do not all earn full points.")


class GainOut(Schema):
    question: str
    section: str
    points: float = Field(..., description="Points it would add if it alone earned its full points.")
    total_gain: float = Field(..., description="Percentage points the total would gain [pp].")


class ScoreOut(Schema):
    percent: float | None = Field(..., description="Σ weight share × section percent [%]; null when nothing counts.")
    level_reached: str | None
    sections: list[SectionOut]
    answers: list[AnswerScoreOut] | None = Field(None, description="With explain=true: every question's points, in framework order.")
    raise_most: list[GainOut] | None = Field(None, description="With explain=true: what would raise the total most, largest first.")


class AssessmentDetailOut(AssessmentOut):
    score: ScoreOut = Field(..., description="Recomputed from the answers and the pinned framework version.")


class FileOut(Schema):
    name: str
    size: int = Field(..., description="[bytes]")
    sha256: str
    uploaded_at: datetime.datetime


class AnswerOut(Schema):
    question: str
    value: Any = Field(..., description="The normalised answer: yes/no, a choice code, a list of codes, a number in the "
                                        "question's unit, an ISO date, a text, table rows as objects, or \"na\"; null: "
                                        "not answered.")
    respondent_value: Any = Field(..., description="The respondent's answer before the assessor adjusted it; null otherwise.")
    source: str = Field(..., description="respondent, from_data (the platform's own data), assessor or import.")
    basis: str = Field(..., description="For an answer from data: what it was computed from.")
    comment: str
    answered_at: datetime.datetime | None
    answered_by: str | None = Field(..., description="Username, shown as the assessment's submitted_by is.")
    verification: str = Field(..., description="Empty: not reviewed; accepted, adjusted or evidence_requested.")
    assessor_comment: str
    verified_at: datetime.datetime | None
    verified_by: str | None = Field(..., description="Username, shown as the assessment's submitted_by is.")
    files: list[FileOut]


class OwnerOut(Schema):
    id: int
    name: str


class ActionOut(Schema):
    id: int
    assessment: int | None
    question: str
    plan: int | None
    title: str
    description: str
    owner: OwnerOut
    due_date: datetime.date
    status: str = Field(..., description="open, in_progress, completed (awaiting verification), verified or cancelled.")
    overdue: bool = Field(..., description="Still open or in progress after its due date.")
    completion_note: str
    completed_at: datetime.datetime | None
    verified_at: datetime.datetime | None
    created_at: datetime.datetime


class FrameworkOut(Schema):
    id: str
    version: str
    content_hash: str
    title: str = Field(..., description="In the reader's language, else English.")
    builtin: bool = Field(..., description="Shipped with Loomlight; otherwise published on this platform.")
    subjects: list[str] = Field(..., description="The subject kinds some section applies to.")
    sections: int
    questions: int


class QuestionOut(Schema):
    """One question as `loomlight assessment questions --format json` gives it."""

    id: str
    section: str
    type: str
    text: str
    choices: list[dict]
    thresholds: list[dict]
    columns: list[dict]
    points: float
    subjects: list[str]
    processes: list[list[str]]
    when: str | None
    level: str
    unit: str | None
    allow_na: bool
    from_data: str | None


# --- input --------------------------------------------------------------------------------------------------
#
# An answer is any JSON value its question's type takes (calc.assessment.check_answers judges it and names the
# question at fault). The document says what In refuses before that: text with a NUL anywhere, and true or false
# as the value itself or in its list (a yes/no answer is "yes" or "no"; a table's cells may be true or false).

_STR = {"type": "string", "pattern": TEXT_PATTERN}
_CELL = {"anyOf": [_STR, {"type": "number"}, {"type": "boolean"}, {"type": "null"}]}
_ROW = {"type": "object", "propertyNames": _STR, "additionalProperties": _CELL}
_PLAIN = [_STR, {"type": "number"}, {"type": "null"}]
#: the value sent on its own (review): no true or false, nor in a list
ANSWER = {"anyOf": [*_PLAIN, _ROW, {"type": "array", "items": {"anyOf": [*_PLAIN, _ROW, {"type": "array", "items": {"anyOf": _PLAIN}}]}}]}
#: the values of the mapping question -> answer (PUT answers)
ANSWERS = {"type": "object", "propertyNames": _STR, "additionalProperties": {
    "anyOf": [*_PLAIN, {"type": "boolean"}, _ROW, {"type": "array", "items": {"anyOf": [_CELL, _ROW, {"type": "array", "items": _CELL}]}}]}}

class AssessmentFilters(PageQuery):
    framework: text(description="A framework id, e.g. facility_environment.") = ""
    year: int | None = Field(None, ge=2000, le=2100)
    status: described(str, {"type": "string", "enum": ["", *AssessmentStatus.values],
                            "description": "draft, submitted, evidence_requested (returned for evidence) or verified."}) = ""
    facility: Id | None = Field(None, description="A facility's id.")
    park: Id | None = Field(None, description="A park's id: the park's own assessments, its shared facilities' and its tenants'.")


class ExplainQuery(Schema):
    explain: bool = Field(False, description="Add every answer's points and what would raise the score most.")


class StartIn(In):
    framework: text(minLength=1, maxLength=64) = Field(..., description="A framework id (GET /api/v1/frameworks).")
    version: text(minLength=1, maxLength=32) = Field(..., description="Its version.")
    subject_type: Literal["facility", "park", "shared_facility"]
    subject_id: Id
    year: int = Field(..., ge=2000, le=2100, description="The cycle's year, from 2000 to this year.")


class AnswersIn(In):
    answers: described(dict[str, Any], ANSWERS) = Field(..., description="Question id -> answer: \"yes\"/\"no\", a choice code, a list of codes "
                                                     "(or codes separated by ;), a number or \"value unit\" text, an ISO "
                                                     "date, a text, table rows as objects, \"na\" where allowed; \"\" or "
                                                     "null clears it. All or nothing.")
    comments: described(dict[str, str], {"type": "object", "propertyNames": _STR, "additionalProperties": _STR}) = Field(
        default_factory=dict, description="Question id -> comment.")


class ReviewIn(In):
    decision: Literal["accepted", "adjusted", "evidence_requested"]
    value: described(Any, ANSWER) = Field(None, description="With adjusted: the new answer, as in PUT answers.")
    comment: text() = Field("", description="Required unless accepted: the facility reads it.")


class ReturnIn(In):
    comment: text() = Field("", description="What the subject is to do, beside the evidence asked on each answer.")


class VerifyIn(In):
    mode: Literal["on_site", "remote"]
    comment: text() = ""


class ReopenIn(In):
    reason: Said = Field(..., description="Why the verified assessment is reopened: recorded with it.")


class ActionIn(In):
    owner: Id = Field(..., description="The id of the organisation that owns the action.")
    title: described(str, {"type": "string", "maxLength": 200, "allOf": [{"pattern": r"\S"}, {"pattern": TEXT_PATTERN}]}) = Field(
        ..., description="What is to be done.")
    due_date: described(datetime.date, DATE)
    description: text() = ""
    question: text(maxLength=64) = Field("", description="The failed or partly met question it answers (optional).")


class ActionReportIn(In):
    status: Literal["in_progress", "completed"]
    note: text() = Field("", description="How it was done: required when completed.")


class ActionVerifyIn(In):
    accept: bool
    comment: text() = Field("", description="Required when not accepted: what is still missing.")


# --- helpers ------------------------------------------------------------------------------------------------

def _assessments(user) -> QuerySet[Assessment]:
    return (access.assessments_visible(user)
            .select_related("framework", "facility", "park", "shared_facility", "submitted_by", "verified_by"))


def _staff(user, ids) -> set[int]:
    """The assessments among ``ids`` whose people the user may see named: those they answer or verify."""
    if not ids:
        return set()
    own = Q(pk__in=access.assessments_answerable(user).values("pk")) | Q(pk__in=access.assessments_verifiable(user).values("pk"))
    return set(Assessment.objects.filter(own, pk__in=ids).values_list("pk", flat=True))


def _name(user, shown: bool) -> str | None:
    return user.username if shown and user is not None else None


def _summary(a: Assessment, shown: bool) -> dict:
    return {
        "id": a.pk, "subject": {"type": a.subject_kind, "id": a.subject.pk, "name": a.subject.name},
        "framework": {"id": a.framework.framework_id, "version": a.framework.version, "content_hash": a.framework.content_hash},
        "year": a.year, "status": a.status, "percent": a.percent, "level_reached": a.level_reached or None,
        "created_at": a.created_at, "submitted_at": a.submitted_at, "submitted_by": _name(a.submitted_by, shown),
        "verified_at": a.verified_at, "verified_by": _name(a.verified_by, shown),
        "verification_mode": a.verification_mode, "verification_comment": a.verification_comment,
        "reopened_at": a.reopened_at, "reopen_reason": a.reopen_reason,
    }


def _score(a: Assessment, explain: bool) -> dict:
    tree = a.framework.tree()
    result = a.result(gains=explain)
    language = get_language() or "en"
    titles = {s.id: text_in(s.title, language) for s in tree.sections}
    score = {
        "percent": result.percent, "level_reached": result.level_reached,
        "sections": [{"section": s.section, "title": titles[s.section], "counted": s.counted, "percent": s.percent,
                      "level_reached": s.level_reached, "weight_share": s.weight_share} for s in result.sections],
    }
    if explain:
        score["answers"] = [vars(row) for row in result.answers]
        score["raise_most"] = [vars(gain) for gain in result.raise_most]
    return score


def _detail(user, pk: int, explain: bool) -> dict:
    a = _visible(_assessments(user).prefetch_related("answers"), pk)
    return {**_summary(a, a.pk in _staff(user, [a.pk])), "score": _score(a, explain)}


def _answers(user, a: Assessment) -> list[dict]:
    shown = a.pk in _staff(user, [a.pk])
    rows = (Answer.objects.filter(assessment=a).select_related("answered_by", "verified_by")
            .prefetch_related(Prefetch("files", queryset=AnswerFile.objects.order_by("uploaded_at", "pk"))))
    order = {qid: i for i, qid in enumerate(a.framework.tree().questions)}
    out = []
    for answer in sorted(rows, key=lambda r: (order.get(r.question, len(order)), r.pk)):
        out.append({
            "question": answer.question, "value": answer.scoring_value(), "respondent_value": answer.respondent_value,
            "source": answer.source, "basis": answer.basis, "comment": answer.comment,
            "answered_at": answer.answered_at, "answered_by": _name(answer.answered_by, shown),
            "verification": answer.verification, "assessor_comment": answer.assessor_comment,
            "verified_at": answer.verified_at, "verified_by": _name(answer.verified_by, shown),
            "files": [{"name": f.original_name, "size": f.size, "sha256": f.sha256, "uploaded_at": f.uploaded_at}
                      for f in answer.files.all()],
        })
    return out


def _action(action: Action, today: datetime.date) -> dict:
    return {
        "id": action.pk, "assessment": action.assessment_id, "question": action.question, "plan": action.plan_id,
        "title": action.title, "description": action.description,
        "owner": {"id": action.owner_id, "name": action.owner.name}, "due_date": action.due_date,
        "status": action.status, "overdue": action.overdue(today), "completion_note": action.completion_note,
        "completed_at": action.completed_at, "verified_at": action.verified_at, "created_at": action.created_at,
    }


def _version(framework_id: str, version: str) -> FrameworkVersion | None:
    """The stored version, else the shipped one (published on first use); None when neither exists."""
    stored = FrameworkVersion.objects.filter(framework_id=framework_id, version=version).first()
    if stored is not None:
        return stored
    try:
        builtins.builtin_path(framework_id, version)
    except builtins.UnknownFramework:
        return None
    return services.builtin_framework(framework_id, version)


def _subject(user, kind: str, pk: int):
    visible = {"facility": policy.facilities_visible, "park": policy.parks_visible,
               "shared_facility": policy.shared_facilities_visible}[kind](user)
    subject = visible.filter(pk=pk).first()
    if subject is None:
        raise ValidationError({"subject_id": [_("Unknown id: %(ids)s.") % {"ids": pk}]})
    return subject


# --- reads --------------------------------------------------------------------------------------------------

@router.get("/assessments", response={200: Page[AssessmentOut], **READ_ERRORS})
def assessment_list(request, query: Query[AssessmentFilters]):
    """The assessments you may read, newest year first: your own subjects', your programme's, and those of
    facilities whose consent to your organisation names "assessments"."""
    if query.status and query.status not in AssessmentStatus.values:
        raise ValidationError({"status": [_("Unknown status: choose one of %(choices)s.") % {"choices": ", ".join(AssessmentStatus.values)}]})
    rows = _assessments(request.user)
    if query.framework:
        rows = rows.filter(framework_code=query.framework)
    if query.year:
        rows = rows.filter(year=query.year)
    if query.status:
        rows = rows.filter(status=query.status)
    if query.facility:
        rows = rows.filter(facility_id=query.facility)
    if query.park:
        rows = rows.filter(Q(park_id=query.park) | Q(facility__park_id=query.park) | Q(shared_facility__park_id=query.park))
    page = _page(rows.order_by("-year", "framework_code", "pk"), query)
    staff = _staff(request.user, [a.pk for a in page["results"]])
    page["results"] = [_summary(a, a.pk in staff) for a in page["results"]]
    return page


@router.get("/assessments/{assessment_id}", response={200: AssessmentDetailOut, **READ_ERRORS})
def assessment_detail(request, assessment_id: int, query: Query[ExplainQuery]):
    """One assessment with its score: the total, the level reached, each section's score, level and weight share;
    with explain=true every answer's points and contributions and what would raise the score most."""
    return _detail(request.user, assessment_id, query.explain)


@router.get("/assessments/{assessment_id}/answers", response={200: list[AnswerOut], **READ_ERRORS})
def assessment_answers(request, assessment_id: int):
    """The stored answers, in framework order: value, source (an answer from data with its basis), comments, the
    assessor's review, the evidence files."""
    a = _visible(_assessments(request.user), assessment_id)
    return _answers(request.user, a)


@router.get("/assessments/{assessment_id}/actions", response={200: list[ActionOut], **READ_ERRORS})
def assessment_actions(request, assessment_id: int):
    """The actions raised from the assessment's failed requirements, by due date."""
    a = _visible(_assessments(request.user), assessment_id)
    today = timezone.localdate()
    return [_action(x, today) for x in Action.objects.filter(assessment=a).select_related("owner").order_by("due_date", "pk")]


@router.get("/frameworks", response={200: list[FrameworkOut], **READ_ERRORS})
def framework_list(request):
    """The frameworks an assessment can answer: every shipped version, and every version published here."""
    language = get_language() or "en"
    trees = {}
    for framework_id, versions in builtins.builtin_versions().items():
        for version in versions:
            trees[(framework_id, version)] = (builtins.builtin(framework_id, version), True)
    for stored in FrameworkVersion.objects.order_by("framework_id", "published_at", "pk"):
        trees.setdefault((stored.framework_id, stored.version), (stored.tree(), stored.builtin))
    out = []
    for (framework_id, version), (tree, shipped) in sorted(trees.items()):
        if tree.kind != "scored":
            continue   # a risk framework (the biomass screening) opens no assessment cycle
        kinds = set()
        for section in tree.sections:
            kinds |= set(section.applies_to.subjects or SUBJECT_TYPES)
        out.append({"id": framework_id, "version": version, "content_hash": tree.content_hash,
                    "title": text_in(tree.title, language), "builtin": shipped,
                    "subjects": [k for k in SUBJECT_TYPES if k in kinds], "sections": len(tree.sections),
                    "questions": len(tree.questions)})
    return out


@router.get("/frameworks/{framework_id}/{version}/questions", response={200: list[QuestionOut], **READ_ERRORS})
def framework_questions(request, framework_id: str, version: str):
    """The version's questions, one a row, as `loomlight assessment questions --format json` gives them (texts
    and choice labels in the reader's language)."""
    from loomlight.cli import _question_row

    stored = FrameworkVersion.objects.filter(framework_id=framework_id, version=version).first()
    if stored is not None:
        tree = stored.tree()
    else:
        try:
            tree = builtins.builtin(framework_id, version)
        except builtins.UnknownFramework:
            raise Http404 from None
    language = get_language() or "en"
    return [_question_row(tree, section, q, language) for section in tree.sections for q in section.questions]


# --- writes -------------------------------------------------------------------------------------------------

def _one(request, assessment_id: int) -> Assessment:
    return _visible(_assessments(request.user), assessment_id)


def _shown(request, assessment: Assessment) -> dict:
    return _detail(request.user, assessment.pk, False)


@router.post("/assessments", response={201: AssessmentDetailOut, **WRITE_ERRORS})
def assessment_start(request, payload: StartIn):
    """Open the yearly cycle of a framework version for a facility, park or shared facility; the questions the
    platform can answer from its data are filled in (source from_data, still open to change)."""
    with transaction.atomic():   # a shipped version published for a refused start is not kept
        subject = _subject(request.user, payload.subject_type, payload.subject_id)
        framework = _version(payload.framework, payload.version)
        if framework is None:
            raise ValidationError({"framework": [_("Unknown framework or version: %(framework)s %(version)s.")
                                                 % {"framework": payload.framework, "version": payload.version}]})
        assessment = services.assessment_start(by=request.user, framework=framework, subject=subject, year=payload.year, via=VIA)
    return Status(201, _shown(request, assessment))


@router.put("/assessments/{assessment_id}/answers", response={200: list[AnswerOut], **WRITE_ERRORS})
def answers_save(request, assessment_id: int, payload: AnswersIn):
    """Save answers and comments, all or nothing: every bad answer is named by its question and nothing is written."""
    a = _one(request, assessment_id)
    services.answers_save(by=request.user, assessment=a, answers=payload.answers, comments=payload.comments, via=VIA)
    return _answers(request.user, a)


@router.post("/assessments/{assessment_id}/answers/{question}/files", response={201: AnswerOut, **WRITE_ERRORS})
def answer_file_attach(request, assessment_id: int, question: str, file: File[UploadedFile]):
    """Attach an evidence file to a question's answer (multipart/form-data, the file alone: PDF, PNG, JPEG, XLSX
    or CSV, judged on its content; at most EVIDENCE_MAX_MB, 20 MB by default), as a question that requires
    evidence needs before the assessment is submitted."""
    a = _one(request, assessment_id)
    if request.POST:
        raise ValidationError({name: [_("Unknown field.")] for name in sorted(request.POST)})
    services.answer_file_attach(by=request.user, assessment=a, question=question, uploaded=file, via=VIA)
    return Status(201, next(row for row in _answers(request.user, a) if row["question"] == question))


@router.post("/assessments/{assessment_id}/submit", response={200: AssessmentDetailOut, **WRITE_ERRORS})
def assessment_submit(request, assessment_id: int):
    """Hand the self-assessment in for verification; each question still unanswered, or without the evidence
    it needs, is named."""
    a = services.assessment_submit(by=request.user, assessment=_one(request, assessment_id), via=VIA)
    return _shown(request, a)


@router.post("/assessments/{assessment_id}/answers/{question}/review", response={200: AnswerOut, **WRITE_ERRORS})
def answer_review(request, assessment_id: int, question: str, payload: ReviewIn):
    """The assessor's decision on one answer of a submitted assessment: accepted, adjusted (a new value and a
    comment; the respondent's answer is kept) or evidence_requested (with a comment)."""
    a = _one(request, assessment_id)
    services.answer_review(by=request.user, assessment=a, question=question, decision=payload.decision,
                           value=payload.value, comment=payload.comment, via=VIA)
    return next(row for row in _answers(request.user, a) if row["question"] == question)


@router.post("/assessments/{assessment_id}/return", response={200: AssessmentDetailOut, **WRITE_ERRORS})
def assessment_return(request, assessment_id: int, payload: ReturnIn):
    """Send a submitted assessment back for the evidence asked for on its answers."""
    a = services.assessment_return(by=request.user, assessment=_one(request, assessment_id), comment=payload.comment, via=VIA)
    return _shown(request, a)


@router.post("/assessments/{assessment_id}/verify", response={200: AssessmentDetailOut, **WRITE_ERRORS})
def assessment_verify(request, assessment_id: int, payload: VerifyIn):
    """Verify a submitted assessment (answers not reviewed one by one are accepted); it is locked from then on.
    Nobody verifies answers they gave or an assessment they submitted."""
    a = services.assessment_verify(by=request.user, assessment=_one(request, assessment_id), mode=payload.mode,
                                   comment=payload.comment, via=VIA)
    return _shown(request, a)


@router.post("/assessments/{assessment_id}/reopen", response={200: AssessmentDetailOut, **WRITE_ERRORS})
def assessment_reopen(request, assessment_id: int, payload: ReopenIn):
    """Unlock a verified assessment with the reason recorded: it goes back to the subject as in progress."""
    a = services.assessment_reopen(by=request.user, assessment=_one(request, assessment_id), reason=payload.reason, via=VIA)
    return _shown(request, a)


@router.post("/assessments/{assessment_id}/actions", response={201: ActionOut, **WRITE_ERRORS})
def action_create(request, assessment_id: int, payload: ActionIn):
    """An action from a failed or partly met requirement (or about the assessment as a whole, without a question)."""
    a = _one(request, assessment_id)
    owner = Organisation.objects.filter(pk=payload.owner).first()   # the service refuses one the caller may not see
    action = services.action_create(by=request.user, owner=owner, title=payload.title, due_date=payload.due_date,
                                    description=payload.description, assessment=a, question=payload.question, via=VIA)
    return Status(201, _action(Action.objects.select_related("owner").get(pk=action.pk), timezone.localdate()))


def _visible_action(request, action_id: int) -> Action:
    return _visible(access.actions_visible(request.user).select_related("owner", "assessment", "plan"), action_id)


@router.post("/actions/{action_id}/report", response={200: ActionOut, **WRITE_ERRORS})
def action_report(request, action_id: int, payload: ActionReportIn):
    """The owner's progress: in progress, or completed with a note saying how it was done."""
    action = services.action_report(by=request.user, action=_visible_action(request, action_id), status=payload.status,
                                    note=payload.note, via=VIA)
    return _action(Action.objects.select_related("owner").get(pk=action.pk), timezone.localdate())


@router.post("/actions/{action_id}/verify", response={200: ActionOut, **WRITE_ERRORS})
def action_verify(request, action_id: int, payload: ActionVerifyIn):
    """An assessor's check of a completed action: verified, or back in progress with what is still missing.
    Nobody verifies an action they reported completed."""
    action = services.action_verify(by=request.user, action=_visible_action(request, action_id), accept=payload.accept,
                                    comment=payload.comment, via=VIA)
    return _action(Action.objects.select_related("owner").get(pk=action.pk), timezone.localdate())
