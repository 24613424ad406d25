"""The assessment pages: answered, submitted, reviewed, verified and explained through the web (issue 17)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from loomlight.assessments import services
from loomlight.assessments.models import Action, Answer, Assessment, JointActionPlan
from tests.assessments.conftest import COMPLETE


def login(client, world, role):
    client.force_login(world.users[role])
    return client


@pytest.fixture
def cycle(world, mini):
    return services.assessment_start(by=world.users["manager"], framework=mini, subject=world.own, year=2025,
                                     today=datetime.date(2026, 3, 1))


def form_post(answers: dict, comments: dict | None = None) -> dict:
    """The answer form's fields for ``answers`` (as the page names them)."""
    data = {}
    for qid, value in answers.items():
        data[f"p-{qid}"] = "1"
        if isinstance(value, list):
            for i, row in enumerate(value):
                for column, cell in row.items():
                    data[f"t-{qid}-{i}-{column}"] = cell
        else:
            data[f"q-{qid}"] = value
    for qid, comment in (comments or {}).items():
        data[f"p-{qid}"] = "1"
        data[f"c-{qid}"] = comment
    return data


def test_the_manager_answers_and_reads_the_explained_score(client, world, cycle, pdf_file):
    login(client, world, "manager")
    page = client.get(reverse("assessments:detail", args=[cycle.pk]))
    assert page.status_code == 200
    assert b'data-testid="answer-form"' in page.content
    data = form_post(COMPLETE, {"ems.policy": "Signed by the director"})
    data["e-ems.policy"] = pdf_file()
    response = client.post(reverse("assessments:detail", args=[cycle.pk]), data)
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.percent == pytest.approx(97.5)
    assert Answer.objects.get(assessment=cycle, question="ems.policy").comment == "Signed by the director"
    page = client.get(reverse("assessments:detail", args=[cycle.pk])).content.decode()
    assert "97.5 %" in page
    assert "Intermediate" in page
    # the aspirational certification earns 6 of 10: 0.6 × 25 / 1 = 15 pp of the section... and its gain is ranked
    assert 'data-testid="raise-most"' in page
    assert "6 of 10 points" in page


def test_a_bad_answer_is_named_and_nothing_is_saved(client, world, cycle):
    login(client, world, "manager")
    response = client.post(reverse("assessments:detail", args=[cycle.pk]),
                           form_post({"ems.policy": "yes", "water.recycled": "lots"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="error-water.recycled"' in page
    assert 'value="lots"' in page   # what was typed stays in its field
    assert not Answer.objects.filter(assessment=cycle).exists()


def test_submit_review_verify_through_the_pages(client, world, cycle, pdf_file):
    login(client, world, "manager")
    data = form_post(COMPLETE)
    data["e-ems.policy"] = pdf_file()
    client.post(reverse("assessments:detail", args=[cycle.pk]), data)
    client.post(reverse("assessments:transition", args=[cycle.pk, "submit"]))
    assert Assessment.objects.get(pk=cycle.pk).status == "submitted"
    login(client, world, "assessor")
    page = client.get(reverse("assessments:detail", args=[cycle.pk])).content.decode()
    assert 'data-testid="review-form-water.recycled"' in page and 'data-testid="answer-form"' not in page
    client.post(reverse("assessments:review", args=[cycle.pk, "water.recycled"]),
                {"decision": "adjusted", "value": "20", "comment": "Meter log: 20 %"})
    client.post(reverse("assessments:transition", args=[cycle.pk, "verify"]), {"mode": "on_site"})
    cycle.refresh_from_db()
    assert (cycle.status, cycle.percent) == ("verified", pytest.approx(75.0))
    page = client.get(reverse("assessments:detail", args=[cycle.pk])).content.decode()
    assert "75.0 %" in page and 'data-testid="reopen-form"' in page


def test_who_may_not_read_gets_404_and_who_may_not_answer_403(client, world, cycle):
    for role in ("neighbour_manager", "brand", "park_operator", "nobody"):
        login(client, world, role)
        assert client.get(reverse("assessments:detail", args=[cycle.pk])).status_code == 404
    login(client, world, "assessor")
    assert client.post(reverse("assessments:detail", args=[cycle.pk]), form_post({"ems.policy": "yes"})).status_code == 403
    assert not Answer.objects.filter(assessment=cycle).exists()


def test_the_list_and_starting_a_cycle(client, world, mini):
    login(client, world, "manager")
    page = client.get(reverse("assessments:list")).content.decode()
    assert 'data-testid="assessment-start"' in page and "No assessment you may read yet." in page
    response = client.post(reverse("assessments:list"), {"framework": str(mini.pk), "subject": f"facility:{world.own.pk}", "year": "2025"})
    created = Assessment.objects.get(facility=world.own)
    assert response.status_code == 302 and response["Location"] == reverse("assessments:detail", args=[created.pk])
    # a facility the manager does not report for is refused
    response = client.post(reverse("assessments:list"), {"framework": str(mini.pk), "subject": f"facility:{world.neighbour.pk}", "year": "2025"})
    assert response.status_code == 200 and Assessment.objects.count() == 1


def test_two_cycles_side_by_side(client, world, mini, cycle):
    older = services.assessment_start(by=world.users["manager"], framework=mini, subject=world.own, year=2024,
                                      today=datetime.date(2026, 3, 1))
    services.answers_save(by=world.users["manager"], assessment=older, answers={"ems.policy": "no", "water.metered": "yes"})
    services.answers_save(by=world.users["manager"], assessment=cycle, answers={"ems.policy": "yes", "water.metered": "yes"})
    login(client, world, "manager")
    page = client.get(reverse("assessments:compare", args=[cycle.pk, older.pk])).content.decode()
    assert 'data-testid="compare-changes"' in page
    assert "Does the facility have a written environmental policy?" in page
    assert "1 question is answered the same in both." in page or "questions are answered the same" in page


def test_actions_from_a_gap_and_a_joint_plan(client, world, cycle):
    services.answers_save(by=world.users["manager"], assessment=cycle, answers={"ems.policy": "no"})
    login(client, world, "manager")
    client.post(reverse("assessments:action_create", args=[cycle.pk]),
                {"question": "ems.policy", "title": "Write and sign the policy", "owner": str(world.group.pk),
                 "due_date": "2026-01-31"})
    action = Action.objects.get()
    assert (action.owner, action.facility, action.question) == (world.group, world.own, "ems.policy")
    page = client.get(reverse("assessments:actions") + "?state=overdue").content.decode()
    assert "Write and sign the policy" in page
    login(client, world, "park_operator")
    client.post(reverse("assessments:park_plans", args=[world.park.pk]), {"title": "Water reuse 2026", "year": "2026"})
    plan = JointActionPlan.objects.get()
    client.post(reverse("assessments:plan", args=[plan.pk]), {"owner": str(world.park_operator_org.pk),
                                                             "title": "Pipe treated water to tenants", "due_date": "2026-09-30"})
    assert plan.actions.get().owner == world.park_operator_org
    assert client.get(reverse("assessments:park_tenants", args=[world.park.pk])).status_code == 200


def test_the_score_page_s_queries_are_pinned(client, world, mini, cycle, django_assert_num_queries, pdf_file):
    """The page of one assessment runs a fixed number of queries whatever its answers, files, actions and peers
    (issue 17 point 12; benchmarks/assessment_page.py times it): the assessment with its framework, subject and
    people in one, its answers and their files in two, the reader's rights as subqueries, the previous cycle, the
    files missing to submit, the actions, the owners to choose from; the verified page reads its peers in one."""
    client.force_login(world.users["manager"])
    url = reverse("assessments:detail", args=[cycle.pk])
    services.answers_save(by=world.users["manager"], assessment=cycle, answers={"ems.policy": "no"})
    client.get(url)
    with django_assert_num_queries(QUERIES_MANAGER) as few:
        assert client.get(url).status_code == 200
    services.answers_save(by=world.users["manager"], assessment=cycle, answers=COMPLETE,
                          comments={q: "checked" for q in COMPLETE})
    services.answer_file_attach(by=world.users["manager"], assessment=cycle, question="ems.policy", uploaded=pdf_file())
    services.answer_file_attach(by=world.users["manager"], assessment=cycle, question="ems.targets", uploaded=pdf_file("t.pdf"))
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    # the verified page with its peers' benchmark: one query more for the peers, whatever their number
    services.assessment_submit(by=world.users["manager"], assessment=cycle)
    services.assessment_verify(by=world.users["assessor"], assessment=cycle, mode="remote")
    client.force_login(world.users["assessor"])
    client.get(url)
    with django_assert_num_queries(QUERIES_ASSESSOR_VERIFIED):
        assert client.get(url).status_code == 200


QUERIES_MANAGER = 12
QUERIES_ASSESSOR_VERIFIED = 13
