"""The yearly cycle: self-assessment → submit → verification (accept, adjust, ask evidence) → verified, locked,
reopened with a reason; every change audited; frozen framework versions (issue 17, points 1 and 4)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from loomlight.assessments import services
from loomlight.assessments.models import Answer, Assessment, AssessmentStatus
from loomlight.audit.models import AuditEvent
from tests.assessments.conftest import COMPLETE, MINI

TODAY = datetime.date(2026, 3, 15)


def codes(exc) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.value.error_dict.items()}


def start(world, mini, by="manager", subject=None, year=2025):
    return services.assessment_start(by=world.users[by], framework=mini, subject=subject or world.own, year=year, today=TODAY)


def test_a_cycle_from_self_assessment_to_verified_score(world, mini, pdf_file):
    manager, assessor = world.users["manager"], world.users["assessor"]
    # given the manager opens the 2025 cycle and answers part of it
    assessment = start(world, mini)
    services.answers_save(by=manager, assessment=assessment, answers={"ems.policy": "yes", "ems.targets": "some"})
    # then submitting names every scored question still open and the evidence the policy needs (the recycled share
    # is asked only once water is metered; the review date earns no points and may stay open)
    with pytest.raises(ValidationError) as refused:
        services.assessment_submit(by=manager, assessment=assessment)
    assert codes(refused) == {"ems.policy": ["missing_evidence"], "ems.certified": ["missing_answer"],
                              "water.metered": ["missing_answer"], "water.sources": ["missing_answer"]}
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.DRAFT
    # when every question is answered and the policy attached
    services.answers_save(by=manager, assessment=assessment, answers=COMPLETE)
    services.answer_file_attach(by=manager, assessment=assessment, question="ems.policy", uploaded=pdf_file())
    services.assessment_submit(by=manager, assessment=assessment)
    assessment.refresh_from_db()
    # then the stored score is the hand-scored 97.5 % (tests/assessments/conftest.py)
    assert (assessment.status, assessment.percent, assessment.level_reached) == ("submitted", 97.5, "intermediate")
    assert assessment.section_scores == {"ems": pytest.approx(90.0), "water": pytest.approx(100.0)}
    # when the assessor adjusts the recycled share to 20 % (4 of 10 points) and asks evidence of the permit question
    services.answer_review(by=assessor, assessment=assessment, question="water.recycled", decision="adjusted",
                           value="20", comment="The meter log shows 20 %.")
    services.answer_review(by=assessor, assessment=assessment, question="ems.targets", decision="evidence_requested",
                           comment="Attach the targets document.")
    assessment.refresh_from_db()
    # water: (25 × 1 + 50 × 0.4 + 25 × 1) = 70 %; total (90 + 3 × 70) / 4 = 75 %
    assert assessment.percent == pytest.approx(75.0)
    adjusted = Answer.objects.get(assessment=assessment, question="water.recycled")
    assert (adjusted.value, adjusted.respondent_value, adjusted.source, adjusted.verification) == (20.0, 35.0, "assessor", "adjusted")
    # then verifying is refused while evidence is asked; returning sends it back
    with pytest.raises(ValidationError) as refused:
        services.assessment_verify(by=assessor, assessment=assessment, mode="remote")
    assert codes(refused) == {"__all__": ["evidence_pending"]}
    services.assessment_return(by=assessor, assessment=assessment, comment="See the targets question.")
    assert Assessment.objects.get(pk=assessment.pk).status == "evidence_requested"
    # when the manager attaches it and submits again, the assessor accepts and verifies on site
    services.answer_file_attach(by=manager, assessment=assessment, question="ems.targets", uploaded=pdf_file("targets.pdf"))
    services.assessment_submit(by=manager, assessment=assessment)
    services.answer_review(by=assessor, assessment=assessment, question="ems.targets", decision="accepted")
    services.assessment_verify(by=assessor, assessment=assessment, mode="on_site")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.verified_by, assessment.verification_mode, assessment.percent) == (
        "verified", assessor, "on_site", pytest.approx(75.0))
    # every answer is reviewed: the ones not looked at one by one are accepted
    assert set(Answer.objects.filter(assessment=assessment).values_list("verification", flat=True)) == {"accepted", "adjusted"}
    # then it is locked
    with pytest.raises(ValidationError) as refused:
        services.answers_save(by=manager, assessment=assessment, answers={"water.recycled": "50"})
    assert codes(refused) == {"__all__": ["locked"]}
    assert Answer.objects.get(assessment=assessment, question="water.recycled").value == 20.0


def test_every_answer_change_is_audited_with_before_after_who_and_via(world, mini):
    manager, assessor = world.users["manager"], world.users["assessor"]
    assessment = start(world, mini)
    services.answers_save(by=manager, assessment=assessment, answers={"water.recycled": "12"}, via="api")
    services.answers_save(by=manager, assessment=assessment, answers={"water.recycled": "35"})
    answer = Answer.objects.get(assessment=assessment, question="water.recycled")
    events = list(AuditEvent.objects.filter(object_type="assessments.answer", object_id=str(answer.pk)).order_by("at", "id"))
    assert [(e.action, e.actor, e.via, (e.before or {}).get("value"), e.after["value"]) for e in events] == [
        ("create", manager, "api", None, 12.0), ("update", manager, "web", 12.0, 35.0)]
    # and the event belongs to the facility (who may read it follows the audit trail's rules)
    assert {e.facility_id for e in events} == {world.own.pk}
    # saving the same value again records nothing
    services.answers_save(by=manager, assessment=assessment, answers={"water.recycled": "35"})
    assert AuditEvent.objects.filter(object_type="assessments.answer", object_id=str(answer.pk)).count() == 2
    del assessor


def test_bad_answers_are_named_and_nothing_is_written(world, mini):
    manager = world.users["manager"]
    assessment = start(world, mini)
    with pytest.raises(ValidationError) as refused:
        services.answers_save(by=manager, assessment=assessment,
                              answers={"ems.policy": "yes", "ems.targets": "many", "water.recycled": "-4", "nope": "1"})
    assert codes(refused) == {"ems.targets": ["A003"], "water.recycled": ["A005"], "nope": ["A001"]}
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_nobody_verifies_their_own_answers(world, mini, pdf_file):
    operator = world.users["operator"]   # the installation's operator may answer and verify, but not both
    assessment = start(world, mini, by="operator")
    services.answers_save(by=operator, assessment=assessment, answers=COMPLETE)
    services.answer_file_attach(by=operator, assessment=assessment, question="ems.policy", uploaded=pdf_file())
    services.assessment_submit(by=operator, assessment=assessment)
    for call in (lambda: services.answer_review(by=operator, assessment=assessment, question="ems.policy", decision="accepted"),
                 lambda: services.assessment_verify(by=operator, assessment=assessment, mode="remote")):
        with pytest.raises(ValidationError) as refused:
            call()
        assert codes(refused) == {"__all__": ["own_answers"]}
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"


def test_reopening_needs_a_reason_and_keeps_it(world, mini, pdf_file):
    manager, assessor = world.users["manager"], world.users["assessor"]
    assessment = start(world, mini)
    services.answers_save(by=manager, assessment=assessment, answers=COMPLETE)
    services.answer_file_attach(by=manager, assessment=assessment, question="ems.policy", uploaded=pdf_file())
    services.assessment_submit(by=manager, assessment=assessment)
    services.assessment_verify(by=assessor, assessment=assessment, mode="remote")
    with pytest.raises(ValidationError) as refused:
        services.assessment_reopen(by=assessor, assessment=assessment, reason="  ")
    assert codes(refused) == {"reason": ["reason_required"]}
    with pytest.raises(PermissionDenied):   # the facility cannot unlock its own verified score
        services.assessment_reopen(by=manager, assessment=assessment, reason="We found a better meter log")
    services.assessment_reopen(by=assessor, assessment=assessment, reason="The 2025 water bills were restated.")
    assessment.refresh_from_db()
    assert (assessment.status, assessment.verified_by, assessment.reopened_by, assessment.reopen_reason) == (
        "draft", None, assessor, "The 2025 water bills were restated.")
    event = AuditEvent.objects.filter(object_type="assessments.assessment", object_id=str(assessment.pk)).order_by("-at", "-id").first()
    assert (event.before["status"], event.after["status"], event.after["reopen_reason"]) == ("verified", "draft", "The 2025 water bills were restated.")


def test_one_cycle_per_framework_subject_and_year(world, mini):
    start(world, mini)
    with pytest.raises(ValidationError) as refused:
        start(world, mini)
    assert codes(refused) == {"year": ["cycle_exists"]}
    start(world, mini, year=2024)
    with pytest.raises(ValidationError) as refused:
        start(world, mini, year=2027)   # a year not yet begun
    assert codes(refused) == {"year": ["bad_year"]}
    assert Assessment.objects.filter(facility=world.own).count() == 2


def test_a_published_version_is_frozen_and_a_revision_never_changes_an_old_score(world, mini, pdf_file):
    manager, assessor = world.users["manager"], world.users["assessor"]
    assessment = start(world, mini)
    services.answers_save(by=manager, assessment=assessment, answers=COMPLETE)
    before = Assessment.objects.get(pk=assessment.pk).percent
    revised = MINI.read_text(encoding="utf-8").replace("{code: iso14001, label: ISO 14001, points: 6}",
                                                        "{code: iso14001, label: ISO 14001, points: 10}")
    # the same id and version with other content is refused
    with pytest.raises(ValidationError) as refused:
        services.framework_publish(text=revised, file_name="mini.yaml")
    assert codes(refused) == {"source": ["version_taken"]}
    # publishing the same text again gives the same version
    assert services.framework_publish(text=MINI.read_text(encoding="utf-8"), file_name="again.yaml") == mini
    # a revision under a new version is another framework version; the old assessment keeps its version and score
    newer = services.framework_publish(text=revised.replace('version: "2026.1"', 'version: "2026.2"'), file_name="mini2.yaml")
    assert newer.content_hash != mini.content_hash
    assessment.refresh_from_db()
    assert (assessment.framework, assessment.percent, assessment.result().percent) == (mini, before, before)
    # the new version scores the same answers differently: certified ISO 14001 earns 10 of 10 + 4 = 14, so ems is
    # 25 + 50 + 25 × 10/14 = 92.857 % and the total (92.857 + 3 × 100) / 4 = 98.214 %
    fresh = start(world, newer, year=2024)
    services.answers_save(by=manager, assessment=fresh, answers=COMPLETE)
    assert Assessment.objects.get(pk=fresh.pk).percent == pytest.approx((75 + 25 * 10 / 14 + 300) / 4, abs=1e-9)
    del assessor, pdf_file


def test_a_framework_for_parks_is_not_started_for_a_facility(world, db):
    text = MINI.read_text(encoding="utf-8").replace("id: test_mini", "id: test_park_only").replace(
        "    weight: 1\n", "    weight: 1\n    applies_to: {subjects: [park]}\n").replace(
        "    applies_to: {processes: [wet_processing]}", "    applies_to: {subjects: [park]}").replace(
        "        applies_to: {subjects: [facility]}\n", "")
    park_only = services.framework_publish(text=text, file_name="park.yaml")
    assert park_only.subject_kinds() == {"park"}
    with pytest.raises(ValidationError) as refused:
        services.assessment_start(by=world.users["admin"], framework=park_only, subject=world.own, year=2025, today=TODAY)
    assert codes(refused) == {"framework": ["wrong_subject"]}
    park = services.assessment_start(by=world.users["park_operator"], framework=park_only, subject=world.park, year=2025, today=TODAY)
    assert (park.subject, park.subject_kind) == (world.park, "park")


def test_rescoring_a_portfolio_restores_each_score_from_its_scored_answers(world, mini):
    # given two cycles with their stored scores, one of them altered behind the services' back
    first = start(world, mini)
    services.answers_save(by=world.users["manager"], assessment=first, answers=COMPLETE)
    second = start(world, mini, year=2024)
    services.answers_save(by=world.users["manager"], assessment=second, answers={"ems.policy": "yes"})
    Assessment.objects.filter(pk=first.pk).update(percent=12.0, level_reached="")
    # when the portfolio is re-scored, then only the altered one is written, back to the hand-scored 97.5 %
    assert services.assessments_rescore(Assessment.objects.all()) == 1
    first.refresh_from_db()
    assert (first.percent, first.level_reached) == (pytest.approx(97.5, abs=1e-9), "intermediate")
    assert services.assessments_rescore(Assessment.objects.all()) == 0
