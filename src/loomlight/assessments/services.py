"""Writes of assessments: publishing framework versions, cycles, answers, verification, actions and plans.

Every rule lives here, used alike by the pages, the API, the field-collection import and the demo; every write
is audited in its transaction (before, after, who, via). The workflow of one cycle:

    draft ──submit──▶ submitted ──verify──▶ verified ──reopen (reason)──▶ draft
      ▲                  │
      └──────────────────┘ return for evidence (status evidence_requested; the subject answers and submits again)

Nobody verifies their own answers: an assessor who answered a question of the assessment or submitted it is
refused. A verified assessment is locked. The stored score is refreshed after every change of an answer.
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loomlight.assessments import access
from loomlight.assessments.models import (
    OPEN_ACTION_STATES, Action, ActionStatus, Answer, AnswerFile, AnswerSource, Assessment, AssessmentStatus,
    FrameworkVersion, JointActionPlan, Verification, VerificationMode,
)
from loomlight.audit.models import AuditAction
from loomlight.audit.services import audit_record, snapshot
from loomlight.calc import assessment as calc
from loomlight.registry import policy
from loomlight.registry.models import Facility, IndustrialPark, Organisation, SharedFacility

EDITABLE = (AssessmentStatus.DRAFT, AssessmentStatus.EVIDENCE_REQUESTED)


def _refuse(message: str, code: str, field: str = "__all__"):
    raise ValidationError({field: [ValidationError(message, code=code)]})


# --- framework versions --------------------------------------------------------------------------------------

@transaction.atomic
def framework_publish(*, text: str, file_name: str, by=None, builtin: bool = False, via: str = "web") -> FrameworkVersion:
    """Publish a framework version (idempotent by content hash). The same id and version with other content is
    refused: a revision is a new version, so that no score ever changes under an assessment."""
    try:
        tree = calc.load(text, file_name)
    except calc.FrameworkInvalid as exc:
        raise ValidationError({"source": [str(e) for e in exc.errors]}) from None
    existing = FrameworkVersion.objects.filter(content_hash=tree.content_hash).first()
    if existing:
        return existing
    if FrameworkVersion.objects.filter(framework_id=tree.id, version=tree.version).exists():
        _refuse(_("%(framework)s version %(version)s is already published with other content: give the revision a new version.")
                % {"framework": tree.id, "version": tree.version}, "version_taken", "source")
    version = FrameworkVersion.objects.create(framework_id=tree.id, version=tree.version, content_hash=tree.content_hash,
                                              source=text, file_name=file_name, builtin=builtin, published_by=by)
    audit_record(actor=by, action=AuditAction.CREATE, obj=version,
                 before=None, after={"framework_id": tree.id, "version": tree.version, "content_hash": tree.content_hash},
                 via=via)
    return version


def builtin_framework(framework_id: str, version: str | None = None, *, by=None, via: str = "system") -> FrameworkVersion:
    """The stored version of a shipped framework, published on first use (by ``by``, recorded as ``via``)."""
    from importlib import resources

    from loomlight.calc.assessment import builtin

    name = builtin.builtin_path(framework_id, version)
    tree = builtin.builtin(framework_id, version)
    found = FrameworkVersion.objects.filter(content_hash=tree.content_hash).first()
    if found:
        return found
    text = resources.files(builtin.PACKAGE).joinpath(name).read_text(encoding="utf-8")
    return framework_publish(text=text, file_name=name, builtin=True, by=by, via=via)


def builtin_frameworks() -> list[FrameworkVersion]:
    """The newest version of every shipped scored framework, published on first use. A risk framework (``kind:
    risk``, the biomass screening) is not an assessment: it opens no cycle, so it is not among them."""
    from loomlight.calc.assessment.builtin import builtin, builtin_versions

    return [builtin_framework(framework_id) for framework_id in builtin_versions() if builtin(framework_id).kind == "scored"]


def frameworks_current() -> list[FrameworkVersion]:
    """What a new cycle may answer: the newest shipped version of each built-in framework, and the newest
    published version of every other framework (published through the API or the operator's admin)."""
    shipped = builtin_frameworks()
    ids = {v.framework_id for v in shipped}
    others = {}
    for version in FrameworkVersion.objects.exclude(framework_id__in=ids).order_by("framework_id", "published_at", "pk"):
        if version.tree().kind != "scored":
            continue   # a risk framework (shipped or published here) opens no assessment cycle
        others[version.framework_id] = version
    return shipped + [others[k] for k in sorted(others)]


# --- cycles --------------------------------------------------------------------------------------------------

def _subject_kind(subject) -> str:
    if isinstance(subject, Facility):
        return "facility"
    if isinstance(subject, IndustrialPark):
        return "park"
    if isinstance(subject, SharedFacility):
        return "shared_facility"
    raise TypeError(subject)


def _score(assessment: Assessment) -> None:
    tree = assessment.framework.tree()
    normal = calc.check_answers(tree, assessment.answer_values())
    result = calc.score(tree, normal, assessment.calc_subject(), gains=False)
    assessment.percent = result.percent
    assessment.level_reached = result.level_reached or ""
    assessment.section_scores = {s.section: s.percent for s in result.sections if s.counted}
    assessment.scored_answers = {q: _stored(v) for q, v in normal.items()}
    assessment.save(update_fields=["percent", "level_reached", "section_scores", "scored_answers"])


def _normal(value):
    """A stored normalised answer back as check_answers gives it (tuples where JSON has lists)."""
    if isinstance(value, list):
        return tuple(tuple(tuple(cell) for cell in row) if isinstance(row, list) else row for row in value)
    return value


def assessments_rescore(queryset, *, chunk: int = 2000) -> int:
    """Recompute the stored score of every assessment of ``queryset`` from its scored answers and its pinned
    framework version (``calc.assessment.batch``: one compiled plan per version and subject), writing only those
    whose figures changed; returns how many changed. For a fix of the scoring code, never of a framework: a
    version's content is frozen."""
    from loomlight.calc.assessment.batch import compile_plan, rescore

    plans: dict = {}
    changed = []
    trees = {v.pk: v.tree() for v in FrameworkVersion.objects.filter(pk__in=queryset.values("framework_id"))}
    rows = (queryset.select_related("facility")
            .only("pk", "framework_id", "facility__processes", "facility_id", "park_id", "shared_facility_id", "percent",
                  "level_reached", "section_scores", "scored_answers"))
    for assessment in rows.iterator(chunk_size=chunk):
        subject = assessment.calc_subject()
        key = (assessment.framework_id, subject)
        if key not in plans:
            plans[key] = compile_plan(trees[assessment.framework_id], subject)
        figures = rescore(plans[key], [{q: _normal(v) for q, v in assessment.scored_answers.items()}])[0]
        sections = {s.section: s.percent for s in figures.sections if s.percent is not None}
        if (figures.percent, figures.level_reached or "", sections) != (assessment.percent, assessment.level_reached, assessment.section_scores):
            assessment.percent, assessment.level_reached, assessment.section_scores = figures.percent, figures.level_reached or "", sections
            changed.append(assessment)
    Assessment.objects.bulk_update(changed, ["percent", "level_reached", "section_scores"], batch_size=chunk)
    return len(changed)


def _event(by, assessment: Assessment, before: dict, via: str) -> None:
    audit_record(actor=by, action=AuditAction.UPDATE, obj=assessment, before=before, after=snapshot(assessment), via=via)


@transaction.atomic
def assessment_start(*, by, framework: FrameworkVersion, subject, year: int, today: datetime.date | None = None,
                     via: str = "web") -> Assessment:
    """Open the yearly cycle of ``framework`` for ``subject`` (answers from data filled in where the platform
    holds them, each marked as such and still open to change)."""
    if not access.can_start(by, subject):
        raise PermissionDenied
    if framework.tree().kind != "scored":
        _refuse(_("%(framework)s is a risk screening, not an assessment: it cannot open a cycle.") % {"framework": str(framework)},
                "not_assessment", "framework")
    kind = _subject_kind(subject)
    if kind not in framework.subject_kinds():
        _refuse(_("%(framework)s does not assess this kind of subject.") % {"framework": str(framework)}, "wrong_subject", "framework")
    today = today or timezone.localdate()
    if not isinstance(year, int) or not 2000 <= year <= today.year:
        _refuse(_("Choose a year from 2000 to %(year)s.") % {"year": today.year}, "bad_year", "year")
    assessment = Assessment(framework=framework, framework_code=framework.framework_id, year=year, created_by=by,
                            **{kind: subject})
    try:
        with transaction.atomic():
            assessment.save()
    except IntegrityError:
        _refuse(_("The %(year)s cycle of this framework is already open for %(subject)s.") % {"year": year, "subject": subject},
                "cycle_exists", "year")
    audit_record(actor=by, action=AuditAction.CREATE, obj=assessment, before=None, after=snapshot(assessment), via=via)
    _prefill_from_data(assessment, via=via)
    _score(assessment)
    return assessment


def _prefill_from_data(assessment: Assessment, *, via: str) -> None:
    """Store the values the platform holds for questions answered from data (source from_data, with the basis)."""
    tree = assessment.framework.tree()
    sources = {q.from_data for q in tree.questions.values() if q.from_data}
    if not sources:
        return
    from loomlight.assessments.from_data import values_for

    found = values_for(assessment.subject, assessment.year, sources)
    for question in tree.questions.values():
        data = found.get(question.from_data) if question.from_data else None
        if data is None or data.value is None:
            continue
        value = round(data.value, 6)
        if value < 0 and not question.allow_negative:
            continue
        answer = Answer.objects.create(assessment=assessment, question=question.id, value=value,
                                       source=AnswerSource.FROM_DATA, basis=data.basis, answered_at=timezone.now())
        audit_record(actor=None, action=AuditAction.CREATE, obj=answer, before=None, after=_answer_state(answer), via=via)


def _answer_state(answer: Answer) -> dict:
    return {"question": answer.question, "value": answer.value, "source": answer.source, "comment": answer.comment,
            "verification": answer.verification, "assessor_comment": answer.assessor_comment,
            "respondent_value": answer.respondent_value}


def _stored(value):
    """A normalised answer as JSON stores it (a table's rows as lists of [column, value] pairs)."""
    if isinstance(value, tuple):
        return [list(row) if isinstance(row, tuple) else row for row in value]
    return value


def _check(tree: calc.Framework, values: dict) -> dict:
    try:
        return calc.check_answers(tree, values)
    except calc.AnswersInvalid as exc:
        raise ValidationError({e.question.split("[")[0]: [ValidationError(e.message, code=e.code.value)] for e in exc.errors}) from None


@transaction.atomic
def answers_save(*, by, assessment: Assessment, answers: dict, comments: dict | None = None, via: str = "web",
                 source: str = AnswerSource.RESPONDENT) -> list[Answer]:
    """Save the subject's answers (question id -> raw value, "" or None to clear) and comments, all or nothing:
    every bad answer is named by its question (``ValidationError``) and nothing is written. Answers collected in
    the field (``source`` import) may also come from the assessment's verifiers (the programme's field teams):
    whoever collected them then does not verify them."""
    if not (access.can_answer(by, assessment)
            or (source == AnswerSource.IMPORT and access.can_verify(by, assessment))):
        raise PermissionDenied
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status not in EDITABLE:
        _refuse(_("This assessment is %(status)s: it can no longer be changed.") % {"status": assessment.get_status_display().lower()}, "locked")
    tree = assessment.framework.tree()
    comments = comments or {}
    unknown = sorted(set(comments) - set(tree.questions))
    if unknown:
        raise ValidationError({q: [ValidationError(_("Not a question of this framework."), code="A001")] for q in unknown})
    normal = _check(tree, {q: v for q, v in answers.items()})
    existing = {a.question: a for a in assessment.answers.all()}
    changed = []
    now = timezone.now()
    for qid in list(answers) + [q for q in comments if q not in answers]:
        answer = existing.get(qid)
        value = _stored(normal.get(qid)) if qid in answers else (answer.value if answer else None)
        comment = comments.get(qid, answer.comment if answer else "").strip()
        if answer is None:
            if value is None and not comment:
                continue
            answer = Answer(assessment=assessment, question=qid)
            before = None
        else:
            if answer.value == value and answer.comment == comment:
                continue
            before = _answer_state(answer)
        if qid in answers and (answer.pk is None or answer.value != value):
            answer.value = value
            answer.source = source
            answer.basis = "" if source != AnswerSource.FROM_DATA else answer.basis
            answer.answered_by, answer.answered_at = by, now
        answer.comment = comment
        answer.save()
        audit_record(actor=by, action=AuditAction.CREATE if before is None else AuditAction.UPDATE, obj=answer,
                     before=before, after=_answer_state(answer), via=via)
        changed.append(answer)
    if changed:
        _score(assessment)
    return changed


@transaction.atomic
def answer_file_attach(*, by, assessment: Assessment, question: str, uploaded, via: str = "web") -> AnswerFile:
    """Attach an evidence file to a question's answer (checked as every evidence file is: kind, size, content)."""
    from loomlight.evidence.services import _check as check_file

    if not access.can_answer(by, assessment):
        raise PermissionDenied
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status not in EDITABLE:
        _refuse(_("This assessment is %(status)s: it can no longer be changed.") % {"status": assessment.get_status_display().lower()}, "locked")
    if question not in assessment.framework.tree().questions:
        _refuse(_("Not a question of this framework."), "A001", "question")
    head = uploaded.read(8192)
    uploaded.seek(0)
    content_type = check_file(uploaded.name, head, uploaded.size)
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    answer, _created = Answer.objects.get_or_create(assessment=assessment, question=question)
    stored = AnswerFile(answer=answer, original_name=uploaded.name[:200], content_type=content_type, size=uploaded.size,
                        sha256=digest.hexdigest(), uploaded_by=by)
    stored.file.save(uploaded.name, uploaded, save=False)
    stored.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=stored, before=None,
                 after={"question": question, "file": stored.original_name, "sha256": stored.sha256}, via=via)
    return stored


def missing_for_submission(assessment: Assessment) -> list[tuple[str, str]]:
    """(question id, what is missing) for every applicable question still unanswered, and every answer that
    needs evidence without a file; in framework order."""
    tree = assessment.framework.tree()
    result = assessment.result(gains=False)
    with_files = set(AnswerFile.objects.filter(answer__assessment=assessment).values_list("answer__question", flat=True))
    missing = []
    for row in result.answers:
        question = tree.questions[row.question]
        if row.status == "unanswered":
            missing.append((row.question, "answer"))
        elif (question.evidence_required and row.status in ("full", "partial") and row.question not in with_files):
            missing.append((row.question, "evidence"))
    return missing


@transaction.atomic
def assessment_submit(*, by, assessment: Assessment, via: str = "web") -> Assessment:
    """Hand the self-assessment in for verification: every applicable question answered, every answer that needs
    evidence with its file (the refusal names each)."""
    if not access.can_answer(by, assessment):
        raise PermissionDenied
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status not in EDITABLE:
        _refuse(_("Only an assessment in progress or returned for evidence can be submitted."), "not_editable")
    missing = missing_for_submission(assessment)
    if missing:
        raise ValidationError({q: [ValidationError(_("Answer this question.") if what == "answer" else _("Attach the evidence this answer needs."),
                                                   code=f"missing_{what}")] for q, what in missing})
    before = snapshot(assessment)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_by, assessment.submitted_at = by, timezone.now()
    assessment.save()
    _event(by, assessment, before, via)
    return assessment


def _own(by, assessment: Assessment) -> bool:
    return (assessment.submitted_by_id == by.pk
            or assessment.answers.filter(answered_by=by).exclude(source=AnswerSource.ASSESSOR).exists())


def _verifier(by, assessment: Assessment) -> Assessment:
    if not access.can_verify(by, assessment):
        raise PermissionDenied
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if _own(by, assessment):
        _refuse(_("You answered or submitted this assessment: another assessor verifies it."), "own_answers")
    return assessment


@transaction.atomic
def answer_review(*, by, assessment: Assessment, question: str, decision: str, value=None, comment: str = "",
                  via: str = "web") -> Answer:
    """The assessor's decision on one answer: ``accepted``, ``adjusted`` (a new value, with a comment; the
    respondent's answer is kept beside it) or ``evidence_requested`` (with a comment)."""
    assessment = _verifier(by, assessment)
    if assessment.status != AssessmentStatus.SUBMITTED:
        _refuse(_("Only a submitted assessment is verified."), "not_submitted")
    tree = assessment.framework.tree()
    if question not in tree.questions:
        _refuse(_("Not a question of this framework."), "A001", "question")
    if decision not in (Verification.ACCEPTED, Verification.ADJUSTED, Verification.EVIDENCE_REQUESTED):
        _refuse(_("Accept, adjust or ask for evidence."), "bad_decision", "decision")
    comment = (comment or "").strip()
    if decision != Verification.ACCEPTED and not comment:
        _refuse(_("Say why, for the facility to read."), "comment_required", "comment")
    answer, created = Answer.objects.get_or_create(assessment=assessment, question=question)
    before = None if created else _answer_state(answer)
    if decision == Verification.ADJUSTED:
        new = _stored(_check(tree, {question: value}).get(question))
        if answer.source != AnswerSource.ASSESSOR:
            answer.respondent_value = answer.value
        answer.value, answer.source = new, AnswerSource.ASSESSOR
    answer.verification = decision
    answer.assessor_comment = comment
    answer.verified_by, answer.verified_at = by, timezone.now()
    answer.save()
    audit_record(actor=by, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=answer, before=before,
                 after=_answer_state(answer), via=via)
    if decision == Verification.ADJUSTED:
        _score(assessment)
    return answer


@transaction.atomic
def assessment_return(*, by, assessment: Assessment, comment: str = "", via: str = "web") -> Assessment:
    """Send the assessment back for the evidence asked for on its answers."""
    assessment = _verifier(by, assessment)
    if assessment.status != AssessmentStatus.SUBMITTED:
        _refuse(_("Only a submitted assessment is returned."), "not_submitted")
    if not assessment.answers.filter(verification=Verification.EVIDENCE_REQUESTED).exists():
        _refuse(_("Ask for evidence on at least one answer first."), "nothing_requested")
    before = snapshot(assessment)
    assessment.status = AssessmentStatus.EVIDENCE_REQUESTED
    assessment.verification_comment = (comment or "").strip()
    assessment.save()
    _event(by, assessment, before, via)
    return assessment


@transaction.atomic
def assessment_verify(*, by, assessment: Assessment, mode: str, comment: str = "", via: str = "web") -> Assessment:
    """Verify the submitted assessment: answers not reviewed one by one are accepted; none may still wait for
    evidence. It is locked from then on."""
    assessment = _verifier(by, assessment)
    if assessment.status != AssessmentStatus.SUBMITTED:
        _refuse(_("Only a submitted assessment is verified."), "not_submitted")
    if mode not in VerificationMode.values:
        _refuse(_("Say whether it was verified on site or remotely."), "bad_mode", "mode")
    waiting = list(assessment.answers.filter(verification=Verification.EVIDENCE_REQUESTED).values_list("question", flat=True))
    if waiting:
        _refuse(_("Evidence is still requested for %(questions)s: return the assessment, or accept or adjust those answers.")
                % {"questions": ", ".join(waiting)}, "evidence_pending")
    now = timezone.now()
    for answer in assessment.answers.filter(verification=Verification.PENDING).exclude(value=None):
        before = _answer_state(answer)
        answer.verification, answer.verified_by, answer.verified_at = Verification.ACCEPTED, by, now
        answer.save(update_fields=["verification", "verified_by", "verified_at"])
        audit_record(actor=by, action=AuditAction.UPDATE, obj=answer, before=before, after=_answer_state(answer), via=via)
    before = snapshot(assessment)
    assessment.status = AssessmentStatus.VERIFIED
    assessment.verified_by, assessment.verified_at = by, now
    assessment.verification_mode = mode
    assessment.verification_comment = (comment or "").strip()
    assessment.save()
    _score(assessment)
    _event(by, assessment, before, via)
    return assessment


@transaction.atomic
def assessment_reopen(*, by, assessment: Assessment, reason: str, via: str = "web") -> Assessment:
    """Unlock a verified assessment, with the reason recorded: it goes back to the subject as in progress."""
    if not access.can_verify(by, assessment):
        raise PermissionDenied
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.VERIFIED:
        _refuse(_("Only a verified assessment is reopened."), "not_verified")
    reason = (reason or "").strip()
    if not reason:
        _refuse(_("Give the reason for reopening: it is kept with the assessment."), "reason_required", "reason")
    before = snapshot(assessment)
    assessment.status = AssessmentStatus.DRAFT
    assessment.verified_by = assessment.verified_at = None
    assessment.verification_mode = ""
    assessment.reopened_by, assessment.reopened_at, assessment.reopen_reason = by, timezone.now(), reason
    assessment.save()
    _event(by, assessment, before, via)
    return assessment


# --- actions and joint action plans ----------------------------------------------------------------------------

def _owner_ok(by, owner: Organisation) -> None:
    if owner is None or not policy.organisations_visible(by).filter(pk=owner.pk).exists():
        _refuse(_("Choose an organisation you can see as the owner."), "bad_owner", "owner")


def _action_fields(title: str, due_date) -> str:
    title = (title or "").strip()
    if not title:
        _refuse(_("Say what is to be done."), "required", "title")
    if len(title) > 200:
        _refuse(_("At most 200 characters."), "too_long", "title")
    if not isinstance(due_date, datetime.date):
        _refuse(_("Give the date it is due."), "required", "due_date")
    return title


@transaction.atomic
def action_create(*, by, owner: Organisation, title: str, due_date: datetime.date, description: str = "",
                  assessment: Assessment | None = None, question: str = "", plan: JointActionPlan | None = None,
                  via: str = "web") -> Action:
    """An action from a failed requirement of ``assessment`` (``question``) or a commitment in a joint ``plan``."""
    if (assessment is None) == (plan is None):
        raise ValueError("an action comes from an assessment or a plan")
    if assessment is not None:
        if not access.can_create_action(by, assessment):
            raise PermissionDenied
        if question:
            tree = assessment.framework.tree()
            if question not in tree.questions:
                _refuse(_("Not a question of this framework."), "A001", "question")
            row = next(r for r in assessment.result(gains=False).answers if r.question == question)
            if row.status not in ("failed", "partial", "unanswered"):
                _refuse(_("This requirement is met: an action is for a failed or partly met requirement."), "requirement_met", "question")
        facility, park = assessment.facility, assessment.park or (assessment.shared_facility.park if assessment.shared_facility_id else None)
    else:
        if not access.plans_editable(by).filter(pk=plan.park_id).exists():
            raise PermissionDenied
        facility, park = None, plan.park
    title = _action_fields(title, due_date)
    _owner_ok(by, owner)
    action = Action.objects.create(assessment=assessment, question=question or "", plan=plan, facility=facility,
                                   park=None if facility else park, title=title, description=(description or "").strip(),
                                   owner=owner, due_date=due_date, created_by=by)
    audit_record(actor=by, action=AuditAction.CREATE, obj=action, before=None, after=snapshot(action), via=via)
    return action


@transaction.atomic
def action_report(*, by, action: Action, status: str, note: str = "", uploaded=None, via: str = "web") -> Action:
    """The owner's progress: in progress, or completed (with a note or a file as evidence of completion)."""
    if not access.can_report_action(by, action):
        raise PermissionDenied
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status not in OPEN_ACTION_STATES:
        _refuse(_("This action is %(status)s.") % {"status": action.get_status_display().lower()}, "closed", "status")
    if status not in (ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED):
        _refuse(_("Mark it in progress or completed."), "bad_status", "status")
    note = (note or "").strip()
    if status == ActionStatus.COMPLETED and not note and uploaded is None:
        _refuse(_("Say how it was done, or attach the evidence."), "evidence_required", "note")
    before = snapshot(action)
    if uploaded is not None:
        from loomlight.evidence.services import _check as check_file

        head = uploaded.read(8192)
        uploaded.seek(0)
        check_file(uploaded.name, head, uploaded.size)
        action.completion_file.save(uploaded.name, uploaded, save=False)
        action.completion_file_name = uploaded.name[:200]
    action.status = status
    action.completion_note = note or action.completion_note
    if status == ActionStatus.COMPLETED:
        action.completed_by, action.completed_at = by, timezone.now()
    action.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=action, before=before, after=snapshot(action), via=via)
    return action


@transaction.atomic
def action_verify(*, by, action: Action, accept: bool, comment: str = "", via: str = "web") -> Action:
    """An assessor's check of a completed action: verified, or back in progress with the reason."""
    if not access.can_verify_action(by, action):
        raise PermissionDenied
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status != ActionStatus.COMPLETED:
        _refuse(_("Only a completed action is verified."), "not_completed")
    if action.completed_by_id == by.pk:
        _refuse(_("You reported this action completed: another person verifies it."), "own_action")
    comment = (comment or "").strip()
    if not accept and not comment:
        _refuse(_("Say what is still missing."), "comment_required", "comment")
    before = snapshot(action)
    if accept:
        action.status, action.verified_by, action.verified_at = ActionStatus.VERIFIED, by, timezone.now()
    else:
        action.status = ActionStatus.IN_PROGRESS
        action.completion_note = f"{action.completion_note}\n\n{comment}".strip()
    action.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=action, before=before, after=snapshot(action), via=via)
    return action


@transaction.atomic
def plan_create(*, by, park: IndustrialPark, title: str, year: int, description: str = "",
                assessment: Assessment | None = None, via: str = "web") -> JointActionPlan:
    if not access.plans_editable(by).filter(pk=park.pk).exists():
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        _refuse(_("Give the plan a title."), "required", "title")
    plan = JointActionPlan.objects.create(park=park, title=title[:200], year=year, description=(description or "").strip(),
                                          assessment=assessment, created_by=by)
    audit_record(actor=by, action=AuditAction.CREATE, obj=plan, before=None, after=snapshot(plan), via=via)
    return plan
