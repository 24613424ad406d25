"""Assessments through the REST API (issue 17, point 9): who reads and who changes them, the explained score
(hand-checked against tests/assessments/conftest.py's COMPLETE answers), the workflow through the routes, bad
answers refused by question with nothing written, a brand's consent, and the query count of the explained score.

The access matrix of every write route (each role × each route, nothing changed on a refusal) is in
tests/api/test_data_writes.py (ROUTES)."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loomlight.assessments import services
from loomlight.assessments.models import Action, Answer, AnswerFile, Assessment
from loomlight.audit.models import AuditEvent
from loomlight.registry.models import Consent
from tests.api.conftest import FORBIDDEN, INVALID, NOT_FOUND, UNAUTHENTICATED, error
from tests.assessments.conftest import COMPLETE, mini  # noqa: F401 (the fixture: the mini framework published)

PDF = b"%PDF-1.4\n% signed policy\n"

#: who reads Own Dyehouse's assessments (assessments.access): its people, the programme (admin, assessor), the
#: operator; not the park operator (a tenant's answers are not its own), not the neighbour, not a brand or
#: financier without a consent naming "assessments" (the world's brand consent names environmental data only)
READERS = {"operator", "admin", "assessor", "manager", "group_manager", "data_entry"}
OUTSIDERS = {"park_operator", "neighbour_manager", "brand", "other_brand", "financier", "nobody"}


def _tokens(api, *who) -> None:
    """Issue the tokens first: issuing one is audited, and the state is taken after."""
    for name in who:
        api.token(name)


def _state() -> dict:
    return {
        "assessments": list(Assessment.objects.order_by("pk").values()),
        "answers": list(Answer.objects.order_by("pk").values()),
        "files": list(AnswerFile.objects.order_by("pk").values()),
        "actions": list(Action.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


@pytest.fixture
def cycle(world, mini):
    """Own Dyehouse's 2025 cycle of the mini framework, answered completely by its manager (97.5 %), with the
    policy the first question needs attached."""
    manager = world.users["manager"]
    assessment = services.assessment_start(by=manager, framework=mini, subject=world.own, year=2025)
    services.answers_save(by=manager, assessment=assessment, answers=COMPLETE, comments={"ems.policy": "Signed in 2024."})
    services.answer_file_attach(by=manager, assessment=assessment, question="ems.policy",
                                uploaded=SimpleUploadedFile("policy.pdf", PDF, content_type="application/pdf"))
    return assessment


def _submitted(world, cycle):
    services.assessment_submit(by=world.users["manager"], assessment=cycle)
    cycle.refresh_from_db()
    return cycle


# --- reading ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", sorted(READERS | OUTSIDERS) + [None])
@pytest.mark.parametrize("path", ["", "?explain=true", "/answers", "/actions"])
def test_who_reads_an_assessment(api, world, cycle, who, path):
    # given Own Dyehouse's cycle; when each role reads it (and its answers and actions)
    response = api.get(who, f"/assessments/{cycle.pk}{path.split('?')[0]}", **dict([path[1:].split("=")] if "?" in path else []))
    # then its readers get it, everyone else a 404 exactly like a missing id (401 without a token)
    expected = 401 if who is None else 200 if who in READERS else 404
    assert response.status_code == expected, (who, response.content)
    if expected != 200:
        assert response.json() == (UNAUTHENTICATED if who is None else NOT_FOUND)


@pytest.mark.parametrize("who, count", [(w, 1) for w in sorted(READERS)] + [(w, 0) for w in sorted(OUTSIDERS)])
def test_the_list_is_the_visible_set(api, world, cycle, who, count):
    body = api.get(who, "/assessments").json()
    assert (body["count"], [r["id"] for r in body["results"]]) == (count, [cycle.pk] * count)


def test_the_explained_score_decomposes_into_the_points_of_each_answer(api, world, cycle):
    """The hand-scored COMPLETE set (tests/assessments/conftest.py), weights ems 1 and water 3:
    ems (25 × 10/10 + 50 × 10/10 + 25 × 6/10) / 100 = 90 %, water 100 %, total (1 × 90 + 3 × 100) / 4 = 97.5 %.
    Each answer adds level weight × its share of its level's points to its section, and × the section's weight
    share to the total."""
    body = api.get("manager", f"/assessments/{cycle.pk}", explain="true").json()
    assert {k: body[k] for k in ("year", "status", "percent", "level_reached", "submitted_by", "verified_by")} == {
        "year": 2025, "status": "draft", "percent": 97.5, "level_reached": "intermediate", "submitted_by": None,
        "verified_by": None}
    assert body["subject"] == {"type": "facility", "id": world.own.pk, "name": "Own Dyehouse"}
    assert body["framework"] == {"id": "test_mini", "version": "2026.1", "content_hash": cycle.framework.content_hash}
    score = body["score"]
    assert (score["percent"], score["level_reached"]) == (97.5, "intermediate")
    assert score["sections"] == [
        {"section": "ems", "title": "Management system", "counted": True, "percent": pytest.approx(90.0),
         "level_reached": "intermediate", "weight_share": 0.25},
        {"section": "water", "title": "Water", "counted": True, "percent": pytest.approx(100.0),
         "level_reached": "aspirational", "weight_share": 0.75},
    ]
    rows = {r["question"]: (r["status"], r["earned"], r["possible"], r["contribution"], r["total_contribution"])
            for r in score["answers"]}
    assert rows == {
        "ems.policy": ("full", 10, 10, 25.0, 6.25),            # 25 × 10/10; × 0.25
        "ems.targets": ("full", 10, 10, 50.0, 12.5),           # 50 × 10/10
        "ems.target_year": ("unscored", 0, 0, 0, 0),           # earns no points
        "ems.certified": ("partial", 6, 10, pytest.approx(15.0), pytest.approx(3.75)),   # 25 × 6/10
        "water.metered": ("full", 10, 10, 25.0, 18.75),        # 25 × 10/10; × 0.75
        "water.recycled": ("full", 10, 10, 50.0, 37.5),        # 35 % ≥ 30 % earns 10
        "water.sources": ("full", 5, 5, 25.0, 18.75),
        "water.permit": ("unscored", 0, 0, 0, 0),
    }
    assert sum(r["total_contribution"] for r in score["answers"]) == pytest.approx(97.5)
    # the one gap: ISO 50001 too would give certified 10/10, ems 100 %, total (100 + 300) / 4 = 100 %: +2.5 pp
    assert score["raise_most"] == [{"question": "ems.certified", "section": "ems", "points": 4.0, "total_gain": pytest.approx(2.5)}]


def test_without_explain_the_score_has_its_sections_only(api, world, cycle):
    score = api.get("manager", f"/assessments/{cycle.pk}").json()["score"]
    assert (score["percent"], score["answers"], score["raise_most"]) == (97.5, None, None)
    assert [s["percent"] for s in score["sections"]] == [pytest.approx(90.0), pytest.approx(100.0)]


def test_the_answers_with_their_source_comment_review_and_files(api, world, cycle):
    answers = api.get("data_entry", f"/assessments/{cycle.pk}/answers").json()
    assert [a["question"] for a in answers] == list(COMPLETE)   # framework order
    policy = answers[0]
    assert {k: policy[k] for k in ("value", "source", "basis", "comment", "answered_by", "verification", "assessor_comment")} == {
        "value": "yes", "source": "respondent", "basis": "", "comment": "Signed in 2024.", "answered_by": "manager",
        "verification": "", "assessor_comment": ""}
    assert [(f["name"], f["size"]) for f in policy["files"]] == [("policy.pdf", len(PDF))]
    by_question = {a["question"]: a["value"] for a in answers}
    assert by_question["water.recycled"] == 35.0
    assert by_question["water.sources"] == [{"source": "ground", "volume": 1000.0}]


def test_list_filters(api, world, cycle, mini):
    # given a second cycle, of the park, 2024
    services.assessment_start(by=world.users["park_operator"], framework=mini, subject=world.park, year=2024)

    def ids(**params):
        response = api.get("admin", "/assessments", **params)
        assert response.status_code == 200, response.content
        return [(r["subject"]["type"], r["year"]) for r in response.json()["results"]]

    assert ids() == [("facility", 2025), ("park", 2024)]
    assert ids(year=2024) == [("park", 2024)]
    assert ids(facility=world.own.pk) == [("facility", 2025)]
    assert ids(park=world.park.pk) == [("facility", 2025), ("park", 2024)]   # the park's own, and its tenant's
    assert ids(park=world.other_park.pk) == []
    assert ids(status="draft", framework="test_mini") == [("facility", 2025), ("park", 2024)]
    assert ids(status="verified") == [] and ids(framework="facility_social") == []
    response = api.get("admin", "/assessments", status="done")
    assert response.status_code == 422
    assert response.json() == error("validation_error", INVALID, {
        "status": ["Unknown status: choose one of draft, submitted, evidence_requested, verified."]})


# --- consent ---------------------------------------------------------------------------------------------

def test_a_brand_reads_assessments_only_with_a_consent_naming_them(api, world, cycle):
    submitted = _submitted(world, cycle)
    _tokens(api, "brand")
    # given the brand's consent names environmental data only: the assessment is not found, the list is empty
    assert api.get("brand", f"/assessments/{submitted.pk}").json() == NOT_FOUND
    assert api.get("brand", "/assessments").json()["count"] == 0
    # when the facility names "assessments" in it
    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=["profile", "assessments"])
    body = api.get("brand", f"/assessments/{submitted.pk}", explain="true").json()
    # then the brand reads the score, and not who of the facility's staff answered and submitted it
    assert (body["percent"], body["status"], body["submitted_by"]) == (97.5, "submitted", None)
    assert api.get("manager", f"/assessments/{submitted.pk}").json()["submitted_by"] == "manager"
    assert api.get("admin", f"/assessments/{submitted.pk}").json()["submitted_by"] == "manager"
    answers = api.get("brand", f"/assessments/{submitted.pk}/answers").json()
    assert {a["answered_by"] for a in answers} == {None}
    assert api.get("brand", "/assessments").json()["count"] == 1
    # and may change nothing: 403, nothing written
    before = _state()
    assert api.put("brand", f"/assessments/{submitted.pk}/answers", {"answers": {"ems.policy": "no"}}).json() == FORBIDDEN
    assert api.post("brand", f"/assessments/{submitted.pk}/verify", {"mode": "remote"}).json() == FORBIDDEN
    assert _state() == before
    # another brand, without a consent, still finds nothing
    assert api.get("other_brand", f"/assessments/{submitted.pk}").json() == NOT_FOUND


# --- writing ---------------------------------------------------------------------------------------------

def test_a_cycle_through_the_api(api, world, mini):
    # given the manager opens the 2024 cycle of the mini framework for Own Dyehouse
    response = api.post("manager", "/assessments", {"framework": "test_mini", "version": "2026.1",
                                                    "subject_type": "facility", "subject_id": world.own.pk, "year": 2024})
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert (response.json()["status"], response.json()["percent"]) == ("draft", 0.0)
    # when it answers everything with comments, attaches the policy and submits
    response = api.put("manager", f"/assessments/{pk}/answers", {"answers": COMPLETE, "comments": {"water.recycled": "Meter log."}})
    assert response.status_code == 200, response.content
    assert {a["question"]: a["comment"] for a in response.json()}["water.recycled"] == "Meter log."
    refused = api.post("manager", f"/assessments/{pk}/submit")
    assert refused.json() == error("validation_error", INVALID, {"ems.policy": ["Attach the evidence this answer needs."]})
    response = api.upload("manager", f"/assessments/{pk}/answers/ems.policy/files",
                          {"file": SimpleUploadedFile("policy.pdf", PDF, content_type="application/pdf")})
    assert response.status_code == 201, response.content
    assert [f["name"] for f in response.json()["files"]] == ["policy.pdf"]
    response = api.post("manager", f"/assessments/{pk}/submit")
    assert (response.status_code, response.json()["status"], response.json()["submitted_by"]) == (200, "submitted", "manager")
    # then the assessor adjusts the recycled share to 20 % (4 of 10 points) and asks for the targets' evidence
    response = api.post("assessor", f"/assessments/{pk}/answers/water.recycled/review",
                        {"decision": "adjusted", "value": "20", "comment": "The meter log shows 20 %."})
    assert response.status_code == 200, response.content
    assert {k: response.json()[k] for k in ("value", "respondent_value", "source", "verification", "verified_by")} == {
        "value": 20.0, "respondent_value": 35.0, "source": "assessor", "verification": "adjusted", "verified_by": "assessor"}
    api.post("assessor", f"/assessments/{pk}/answers/ems.targets/review",
             {"decision": "evidence_requested", "comment": "Attach the targets."})
    # verifying waits for the evidence; returning sends it back
    refused = api.post("assessor", f"/assessments/{pk}/verify", {"mode": "remote"})
    assert refused.status_code == 422
    assert refused.json()["error"]["message"] == ("Evidence is still requested for ems.targets: return the assessment, "
                                                  "or accept or adjust those answers.")
    response = api.post("assessor", f"/assessments/{pk}/return", {"comment": "See the targets."})
    assert response.json()["status"] == "evidence_requested"
    api.upload("manager", f"/assessments/{pk}/answers/ems.targets/files", {"file": SimpleUploadedFile("t.pdf", PDF)})
    api.post("manager", f"/assessments/{pk}/submit")
    api.post("assessor", f"/assessments/{pk}/answers/ems.targets/review", {"decision": "accepted"})
    response = api.post("assessor", f"/assessments/{pk}/verify", {"mode": "on_site", "comment": "Visited in May."})
    body = response.json()
    # water (25 × 1 + 50 × 4/10 + 25 × 1) = 70 %; total (90 + 3 × 70) / 4 = 75 %
    assert (body["status"], body["verified_by"], body["verification_mode"], body["percent"]) == (
        "verified", "assessor", "on_site", pytest.approx(75.0))
    # a verified assessment is locked; reopening needs a reason
    locked = api.put("manager", f"/assessments/{pk}/answers", {"answers": {"water.recycled": "50"}})
    assert locked.json()["error"]["message"] == "This assessment is verified: it can no longer be changed."
    assert api.post("assessor", f"/assessments/{pk}/reopen", {"reason": " "}).json() == error(
        "validation_error", INVALID, {"reason": ["Give the reason for reopening: it is kept with the assessment."]})
    response = api.post("admin", f"/assessments/{pk}/reopen", {"reason": "The meter was found faulty."})
    assert (response.json()["status"], response.json()["reopen_reason"]) == ("draft", "The meter was found faulty.")
    # every write of the cycle went through the API's services, audited with via="api"
    events = AuditEvent.objects.filter(object_type__startswith="assessments.").exclude(object_type="assessments.frameworkversion")
    assert set(events.values_list("via", flat=True)) == {"api"}


def test_a_bad_answer_is_refused_naming_its_question_and_nothing_is_written(api, world, cycle):
    _tokens(api, "manager")
    before = _state()
    response = api.put("manager", f"/assessments/{cycle.pk}/answers", {"answers": {
        "ems.policy": "no",                 # a good answer: not written either (all or nothing)
        "ems.targets": "most",              # not a choice
        "water.recycled": "a third",        # not a number
        "water.nothing": "yes",             # not a question
    }})
    assert response.status_code == 422
    assert response.json() == error("validation_error", INVALID, {
        "ems.targets": ["unknown choice most; the codes are all, none, some"],
        "water.recycled": ["“a third” is not a number: write digits with a point for decimals, e.g. 1234.5. (the unit is percent)"],
        "water.nothing": ["“water.nothing” is not a question of test_mini 2026.1"],
    })
    assert _state() == before


@pytest.mark.parametrize("value", [{"a": 1}, [1, 2], [[1]], 1e308, -5, "", None, "na", True, [{"source": "moon"}],
                                   [{"volume": {"x": 1}}], "9" * 400])
@pytest.mark.parametrize("question", list(COMPLETE) + ["water.permit"])
def test_no_answer_value_gives_a_server_error(api, world, cycle, question, value):
    """Any JSON value for any question type is stored or refused naming the question (never a 500)."""
    response = api.put("manager", f"/assessments/{cycle.pk}/answers", {"answers": {question: value}})
    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        assert set(response.json()["error"]["fields"]) == {question}


def test_starting_refuses_an_unknown_framework_and_a_subject_the_caller_cannot_see(api, world, mini):
    _tokens(api, "manager", "brand")
    before = _state()
    start = {"framework": "test_mini", "version": "2026.1", "subject_type": "facility", "subject_id": world.own.pk, "year": 2025}
    assert api.post("manager", "/assessments", {**start, "version": "1999.9"}).json() == error(
        "validation_error", INVALID, {"framework": ["Unknown framework or version: test_mini 1999.9."]})
    assert api.post("manager", "/assessments", {**start, "subject_id": world.stranger.pk}).json() == error(
        "validation_error", INVALID, {"subject_id": [f"Unknown id: {world.stranger.pk}."]})
    assert api.post("manager", "/assessments", {**start, "year": 2000 + 99}).json()["error"]["fields"] == {
        "year": [f"Choose a year from 2000 to {datetime.date.today().year}."]}
    # a brand sees the facility (its consent) but may not open its cycle
    assert api.post("brand", "/assessments", start).json() == FORBIDDEN
    assert api.post("manager", "/assessments", {**start, "colour": "red"}).json()["error"]["fields"] == {"colour": ["Unknown field."]}
    assert _state() == before
    # the same cycle twice is refused, naming the year
    assert api.post("manager", "/assessments", start).status_code == 201
    again = api.post("manager", "/assessments", start).json()
    assert again["error"]["fields"] == {"year": ["The 2025 cycle of this framework is already open for Own Dyehouse."]}


def test_nobody_verifies_their_own_answers(api, world, mini):
    # given the operator (who may answer and verify anything) answered and submitted a cycle
    operator = world.users["operator"]
    assessment = services.assessment_start(by=operator, framework=mini, subject=world.outside, year=2025)
    services.answers_save(by=operator, assessment=assessment, answers={**COMPLETE, "ems.policy": "no"})
    services.assessment_submit(by=operator, assessment=assessment)
    _tokens(api, "operator")
    before = _state()
    response = api.post("operator", f"/assessments/{assessment.pk}/verify", {"mode": "remote"})
    assert response.json() == error("validation_error", "You answered or submitted this assessment: another assessor verifies it.")
    assert _state() == before
    assert api.post("assessor", f"/assessments/{assessment.pk}/verify", {"mode": "remote"}).json()["status"] == "verified"


def test_actions_from_a_gap_to_its_verified_completion(api, world, cycle):
    path = f"/assessments/{cycle.pk}/actions"
    action = {"owner": world.group.pk, "title": "Certify to ISO 50001", "due_date": "2026-06-30", "question": "ems.certified"}
    # a requirement that is met, and an owner the caller cannot see, are refused naming the field; nothing written
    _tokens(api, "assessor", "manager")
    before = _state()
    assert api.post("assessor", path, {**action, "question": "ems.policy"}).json()["error"]["fields"] == {
        "question": ["This requirement is met: an action is for a failed or partly met requirement."]}
    assert api.post("manager", path, {**action, "owner": 10**12}).json()["error"]["fields"] == {
        "owner": ["Choose an organisation you can see as the owner."]}
    assert api.post("manager", path, {**action, "due_date": "soon"}).status_code == 422
    assert _state() == before
    # when the assessor raises the action from the partly met certification
    response = api.post("assessor", path, action)
    assert response.status_code == 201, response.content
    created = response.json()
    assert {k: created[k] for k in ("assessment", "question", "title", "owner", "due_date", "status", "overdue")} == {
        "assessment": cycle.pk, "question": "ems.certified", "title": "Certify to ISO 50001",
        "owner": {"id": world.group.pk, "name": "Saigon Knit Group"}, "due_date": "2026-06-30", "status": "open",
        "overdue": datetime.date.today() > datetime.date(2026, 6, 30)}
    # then the owner's manager reports it completed (a note is required), and the assessor verifies it
    assert api.post("manager", f"/actions/{created['id']}/report", {"status": "completed"}).json()["error"]["fields"] == {
        "note": ["Say how it was done, or attach the evidence."]}
    assert api.post("assessor", f"/actions/{created['id']}/report", {"status": "completed", "note": "x"}).json() == FORBIDDEN
    done = api.post("manager", f"/actions/{created['id']}/report", {"status": "completed", "note": "Certificate 123."}).json()
    assert (done["status"], done["completion_note"]) == ("completed", "Certificate 123.")
    assert api.post("manager", f"/actions/{created['id']}/verify", {"accept": True}).json() == FORBIDDEN
    verified = api.post("assessor", f"/actions/{created['id']}/verify", {"accept": True}).json()
    assert verified["status"] == "verified"
    assert [a["title"] for a in api.get("data_entry", path).json()] == ["Certify to ISO 50001"]
    assert api.get("brand", path).json() == NOT_FOUND
    assert api.post("brand", f"/actions/{created['id']}/report", {"status": "in_progress"}).json() == NOT_FOUND


# --- frameworks ------------------------------------------------------------------------------------------

def test_frameworks_and_their_questions(api, world, mini):
    frameworks = api.get("nobody", "/frameworks").json()
    mine = next(f for f in frameworks if f["id"] == "test_mini")
    assert mine == {"id": "test_mini", "version": "2026.1", "content_hash": mini.content_hash,
                    "title": "Mini facility assessment", "builtin": False,
                    "subjects": ["facility", "park", "shared_facility"], "sections": 2, "questions": 8}
    questions = api.get("nobody", "/frameworks/test_mini/2026.1/questions").json()
    assert [q["id"] for q in questions] == [*COMPLETE, "water.permit"]
    recycled = next(q for q in questions if q["id"] == "water.recycled")
    assert {k: recycled[k] for k in ("section", "type", "unit", "points", "thresholds", "when", "processes")} == {
        "section": "water", "type": "number", "unit": "percent", "points": 10.0,
        "thresholds": [{"at_least": 10.0, "points": 4.0}, {"at_least": 30.0, "points": 10.0}],
        "when": "water.metered equals yes", "processes": [["wet_processing"]]}
    # in the reader's language, English where the framework has no translation
    vi = api.client.get("/api/v1/frameworks", HTTP_AUTHORIZATION=f"Bearer {api.token('nobody')}", HTTP_ACCEPT_LANGUAGE="vi")
    assert next(f for f in vi.json() if f["id"] == "test_mini")["title"] == "Đánh giá cơ sở thu nhỏ"
    assert api.get("nobody", "/frameworks/test_mini/1999.1/questions").json() == NOT_FOUND
    assert api.get(None, "/frameworks").json() == UNAUTHENTICATED


def test_the_frameworks_list_leaves_out_risk_frameworks_and_their_questions_still_read(api, world, mini):
    # given the shipped biomass screening (kind: risk): it opens no assessment cycle, so it is not listed
    ids = [f["id"] for f in api.get("nobody", "/frameworks").json()]
    assert ids == ["facility_env", "facility_social", "industrial_park", "test_mini"]
    # and its questions are still read without an error (no points, no level)
    response = api.get("nobody", "/frameworks/biomass_screening/2026.1/questions")
    assert response.status_code == 200
    first = response.json()[0]
    assert (first["id"], first["points"], first["level"]) == ("feedstock.type", 0.0, "")


# --- performance -------------------------------------------------------------------------------------------

def test_the_explained_score_takes_a_fixed_number_of_queries(api, world, cycle, mini, django_assert_num_queries):
    """GET /assessments/{id}?explain=true: the token (3: the address's lock, the look-up, last used), the
    memberships (1), the assessment with its framework, subject and people (1), its answers (1), who may be
    named (1): 7, whatever the number of answers."""
    api.token("manager")
    url = f"/assessments/{cycle.pk}"
    with django_assert_num_queries(7):
        assert api.get("manager", url, explain="true").status_code == 200
    small = services.assessment_start(by=world.users["manager"], framework=mini, subject=world.own, year=2024)
    services.answers_save(by=world.users["manager"], assessment=small, answers={"ems.policy": "yes"})
    with django_assert_num_queries(7):
        assert api.get("manager", f"/assessments/{small.pk}", explain="true").status_code == 200
