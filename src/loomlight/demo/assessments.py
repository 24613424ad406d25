"""The demo's assessments (issue 17, point 11): a verified cycle of the last complete year for most facilities and
every park, a few cycles in each earlier state, two years for some so that the comparison shows something, the
social framework at some facilities, actions and joint park action plans in several states, some overdue.

Decided by ``random.Random(seed)`` and the build day alone. Written in bulk (answers checked by
``calc.assessment.check_answers`` and scored by ``score`` as the services do; answers from data computed by
``assessments.from_data`` from the demo's own months): a build of every service call would take the demo minutes.
The evidence files of the demo's answers are one small PDF, stored once.
"""

from __future__ import annotations

import datetime
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from loomlight.calc import assessment as calc

#: Shares of the demo's facilities by the state of their last-year facility environmental cycle.
VERIFIED_SHARE = 0.7
SUBMITTED_SHARE = 0.1
EVIDENCE_SHARE = 0.05
DRAFT_SHARE = 0.08
#: Of the verified ones, the share with a verified cycle of the year before too.
TWO_YEARS_SHARE = 0.4
SOCIAL_SHARE = 0.3
LEVEL_SHIFT = {"foundational": 0.35, "intermediate": 0.0, "aspirational": -0.2}
EVIDENCE_NAME = "assessments/demo/evidence.pdf"
EVIDENCE_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
                b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _answer(question: calc.Question, maturity: float, rng: random.Random, year: int):
    """A plausible answer: better the higher the maturity (0..1)."""
    good = rng.random() < maturity
    if question.type == "yes_no":
        return "yes" if good else "no"
    if question.type == "single_choice":
        ranked = sorted(question.choices, key=lambda c: c.points)
        index = min(len(ranked) - 1, int(maturity * len(ranked) + rng.uniform(-0.7, 0.7)))
        return ranked[max(0, index)].code
    if question.type == "multiple_choice":
        chosen = [c.code for c in question.choices if rng.random() < maturity]
        return ";".join(chosen or [question.choices[0].code])
    if question.type == "number":
        bounds = sorted(t.bound for t in question.thresholds)
        if not bounds:
            return f"{rng.randint(1, 50)}"
        if question.direction == "at_most":
            value = bounds[0] * rng.uniform(0.3, 0.9) if good else bounds[-1] * rng.uniform(1.1, 2.0)
        else:
            value = bounds[-1] * rng.uniform(1.0, 1.2) if good else bounds[0] * rng.uniform(0.2, 0.9)
        if question.unit == "percent":
            value = min(value, 100.0)
        return f"{round(value, 1)}"
    if question.type == "date":
        return f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    if question.type == "text":
        return "Documented in the site's EHS manual; reviewed by the management each quarter."
    if question.type == "evidence":
        return "evidence.pdf" if good else None
    if question.type == "table":
        if not good:
            return None
        row = {}
        for column in question.columns:
            if column.choices:
                row[column.id] = column.choices[0].code
            elif column.type == "number":
                row[column.id] = str(rng.randint(10, 5000))
            elif column.type == "yes_no":
                row[column.id] = "yes"
            elif column.type == "date":
                row[column.id] = f"{year}-06-{rng.randint(1, 28):02d}"
            else:
                row[column.id] = "main site"
        return [row]
    return None


def _answers(version, subject, year: int, maturity: float, rng: random.Random, share: float = 1.0) -> tuple[dict, dict]:
    """(raw answers, from-data bases) for ``subject``: the questions answered from data take the platform's
    value where it has one, the others a drawn answer; ``share`` of the questions answered (a draft)."""
    from loomlight.assessments.from_data import values_for

    tree = version.tree()
    sources = {q.from_data for q in tree.questions.values() if q.from_data}
    found = values_for(subject, year, sources) if sources else {}
    answers, bases = {}, {}
    for question in tree.questions.values():
        if rng.random() > share:
            continue
        data = found.get(question.from_data) if question.from_data else None
        if data is not None and data.value is not None and (data.value >= 0 or question.allow_negative):
            answers[question.id] = round(data.value, 6)
            bases[question.id] = data.basis
            continue
        # most facilities meet most foundational requirements; fewer reach the aspirational ones
        level_maturity = min(0.98, max(0.02, maturity + LEVEL_SHIFT[question.level]))
        value = _answer(question, level_maturity, rng, year)
        if value is not None:
            answers[question.id] = value
    return answers, bases


def _store(assessment, raw: dict, bases: dict, *, answered_by, when, reviewer=None, adjust: int = 0,
           request_evidence: int = 0, rng: random.Random) -> None:
    from loomlight.assessments.models import Answer, AnswerFile, AnswerSource, Verification
    from loomlight.assessments.services import _score, _stored

    tree = assessment.framework.tree()
    normal = calc.check_answers(tree, raw)
    rows = []
    for qid, value in normal.items():
        rows.append(Answer(assessment=assessment, question=qid, value=_stored(value),
                           source=AnswerSource.FROM_DATA if qid in bases else AnswerSource.RESPONDENT,
                           basis=bases.get(qid, ""), answered_by=None if qid in bases else answered_by, answered_at=when))
    if reviewer is not None:
        scored = [r for r in rows if tree.questions[r.question].type in ("yes_no", "single_choice") and r.question not in bases]
        picked = rng.sample(scored, min(len(scored), adjust + request_evidence))
        for i, row in enumerate(picked):
            question = tree.questions[row.question]
            if i < adjust:
                worse = "no" if question.type == "yes_no" else min(question.choices, key=lambda c: c.points).code
                row.respondent_value, row.value, row.source = row.value, worse, AnswerSource.ASSESSOR
                row.verification = Verification.ADJUSTED
                row.assessor_comment = "The records seen on site do not support the answer given."
            else:
                row.verification = Verification.EVIDENCE_REQUESTED
                row.assessor_comment = "Attach the signed document this answer relies on."
            row.verified_by, row.verified_at = reviewer, when
        if assessment.status == "verified":
            for row in rows:
                if not row.verification:
                    row.verification, row.verified_by, row.verified_at = Verification.ACCEPTED, reviewer, when
    Answer.objects.bulk_create(rows)
    needing = [a for a in Answer.objects.filter(assessment=assessment) if tree.questions[a.question].evidence_required]
    AnswerFile.objects.bulk_create(AnswerFile(answer=a, file=EVIDENCE_NAME, original_name="evidence.pdf",
                                              content_type="application/pdf", size=len(EVIDENCE_PDF),
                                              sha256="demo", uploaded_by=answered_by, uploaded_at=when)
                                   for a in needing if a.value not in (None, "no"))
    _score(assessment)


def _cycle(version, subject, year: int, status: str, *, maturity: float, rng, users, when, share: float = 1.0):
    from loomlight.assessments.models import Assessment

    kind = "facility" if subject.__class__.__name__ == "Facility" else "park" if subject.__class__.__name__ == "IndustrialPark" else "shared_facility"
    answered_by = users["manager"] if kind == "facility" and subject.pk == users["manager_facility"] else (
        users["park"] if kind == "park" and subject.pk == users["park_id"] else users["operator"])
    assessment = Assessment.objects.create(framework=version, framework_code=version.framework_id, year=year,
                                           status=status, created_by=answered_by, created_at=when, **{kind: subject})
    raw, bases = _answers(version, subject, year, maturity, rng, share)
    reviewer = users["assessor"] if status in ("verified", "evidence_requested") else None
    _store(assessment, raw, bases, answered_by=answered_by, when=when, reviewer=reviewer,
           adjust=rng.randint(0, 2) if reviewer else 0, request_evidence=1 if status == "evidence_requested" else 0, rng=rng)
    if status != "draft":
        assessment.submitted_by, assessment.submitted_at = answered_by, when
    if status == "verified":
        assessment.verified_by, assessment.verified_at = users["assessor"], when + datetime.timedelta(days=14)
        assessment.verification_mode = rng.choice(["on_site", "remote"])
    if status == "evidence_requested":
        assessment.verification_comment = "Two answers need their documents before the score can be verified."
    assessment.save()
    return assessment


def write_assessments(facilities: dict, parks: dict, users: dict, today: datetime.date, seed: int) -> int:
    """Write the demo's assessment cycles, actions and plans; returns how many cycles were written."""
    from loomlight.assessments.models import Action, ActionStatus, JointActionPlan
    from loomlight.assessments.services import builtin_framework

    if not default_storage.exists(EVIDENCE_NAME):
        default_storage.save(EVIDENCE_NAME, ContentFile(EVIDENCE_PDF))
    rng = random.Random(seed * 7 + 17)
    env, social, park_fw = (builtin_framework(f, by=users["operator"], via="demo")
                            for f in ("facility_env", "facility_social", "industrial_park"))
    year = today.year - 1
    base = timezone.make_aware(datetime.datetime.combine(min(today - datetime.timedelta(days=60), datetime.date(today.year, 12, 31)),
                                                         datetime.time(9)))
    cycles = 0
    verified = []
    manager_facility = users["manager_facility"]
    for name in sorted(facilities):
        facility = facilities[name]
        maturity = rng.uniform(0.35, 0.9)
        draw = rng.random()
        if facility.pk == manager_facility:
            # the manager's facility: two verified years to compare, and its social cycle returned for evidence
            older = _cycle(env, facility, year - 1, "verified", maturity=maturity - 0.2, rng=rng, users=users,
                           when=base - datetime.timedelta(days=365))
            latest = _cycle(env, facility, year, "verified", maturity=maturity, rng=rng, users=users, when=base)
            _cycle(social, facility, year, "evidence_requested", maturity=maturity, rng=rng, users=users, when=base)
            verified += [older, latest]
            cycles += 3
            continue
        if draw < VERIFIED_SHARE:
            if rng.random() < TWO_YEARS_SHARE:
                _cycle(env, facility, year - 1, "verified", maturity=max(0.1, maturity - rng.uniform(0.05, 0.25)),
                       rng=rng, users=users, when=base - datetime.timedelta(days=365))
                cycles += 1
            verified.append(_cycle(env, facility, year, "verified", maturity=maturity, rng=rng, users=users, when=base))
            cycles += 1
        elif draw < VERIFIED_SHARE + SUBMITTED_SHARE:
            _cycle(env, facility, year, "submitted", maturity=maturity, rng=rng, users=users, when=base)
            cycles += 1
        elif draw < VERIFIED_SHARE + SUBMITTED_SHARE + EVIDENCE_SHARE:
            _cycle(env, facility, year, "evidence_requested", maturity=maturity, rng=rng, users=users, when=base)
            cycles += 1
        elif draw < VERIFIED_SHARE + SUBMITTED_SHARE + EVIDENCE_SHARE + DRAFT_SHARE:
            _cycle(env, facility, year, "draft", maturity=maturity, rng=rng, users=users, when=base, share=0.5)
            cycles += 1
        if rng.random() < SOCIAL_SHARE:
            _cycle(social, facility, year, "verified", maturity=rng.uniform(0.4, 0.9), rng=rng, users=users, when=base)
            cycles += 1
    # every park: a verified park cycle (after its tenants', whose shares it reads from data)
    park_cycles = []
    for name in sorted(parks):
        park_cycles.append(_cycle(park_fw, parks[name], year, "verified", maturity=rng.uniform(0.4, 0.8), rng=rng,
                                  users=users, when=base + datetime.timedelta(days=20)))
        cycles += 1
    # actions from failed requirements of verified cycles, in every state; some overdue
    states = [ActionStatus.OPEN, ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.COMPLETED, ActionStatus.VERIFIED]
    actions = []
    for assessment in verified:
        owner = assessment.facility.organisation
        if owner is None or rng.random() < 0.4 and assessment.facility_id != manager_facility:
            continue
        failed = [r for r in assessment.result().raise_most[:3]]
        tree = assessment.framework.tree()
        for i, gain in enumerate(failed[:2]):
            state = states[rng.randrange(len(states))] if i else ActionStatus.OPEN
            due = today + datetime.timedelta(days=rng.randint(-75, 150))
            actions.append(Action(
                assessment=assessment, question=gain.question, facility=assessment.facility, owner=owner,
                title=_action_title(tree.questions[gain.question]), due_date=due, status=state,
                completion_note="Done; the record is attached." if state in (ActionStatus.COMPLETED, ActionStatus.VERIFIED) else "",
                completed_by=users["operator"] if state in (ActionStatus.COMPLETED, ActionStatus.VERIFIED) else None,
                completed_at=base if state in (ActionStatus.COMPLETED, ActionStatus.VERIFIED) else None,
                verified_by=users["assessor"] if state == ActionStatus.VERIFIED else None,
                verified_at=base if state == ActionStatus.VERIFIED else None, created_by=users["assessor"], created_at=base))
    Action.objects.bulk_create(actions)
    # a joint action plan per park: commitments of the operator, tenants' owners and a brand
    from loomlight.registry.models import Organisation
    brand = Organisation.objects.filter(kind="brand").order_by("name").first()
    for park_assessment in park_cycles:
        park = park_assessment.park
        plan = JointActionPlan.objects.create(park=park, title="Water reuse and shared solar", year=today.year,
                                              assessment=park_assessment, created_by=users["park"], created_at=base,
                                              description="Commitments agreed at the park's ESG committee.")
        owners = [park.operator] + [f.organisation for f in park.facilities.exclude(organisation=None).order_by("name")[:2]] + [brand]
        titles = ["Pipe treated CETP water to the tenants' boilers", "Put rooftop solar on two warehouses",
                  "Meter water at every tenant's intake", "Co-finance the tenants' energy audits"]
        for i, (owner, title) in enumerate(zip(owners, titles, strict=False)):
            if owner is None:
                continue
            state = [ActionStatus.IN_PROGRESS, ActionStatus.OPEN, ActionStatus.COMPLETED, ActionStatus.OPEN][i]
            Action.objects.create(plan=plan, park=park, owner=owner, title=title, status=state,
                                  due_date=today + datetime.timedelta(days=[-20, 90, -5, 200][i]), created_by=users["park"],
                                  completed_by=users["park"] if state == ActionStatus.COMPLETED else None,
                                  completed_at=base if state == ActionStatus.COMPLETED else None,
                                  completion_note="Agreed and installed." if state == ActionStatus.COMPLETED else "")
    return cycles


def _action_title(question: calc.Question) -> str:
    text = calc.tree.text_in(question.text, "en").rstrip("?")
    return f"Close the gap: {text[:170]}"
