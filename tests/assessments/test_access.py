"""Who may read, start, answer and verify assessments: every role × every action (issue 17, point 4 and 9),
proven on both databases by the suite's two passes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from loomlight.assessments import access, services
from loomlight.assessments.models import Answer, Assessment
from loomlight.registry.models import Consent

ROLES = ["operator", "admin", "assessor", "park_operator", "manager", "group_manager", "data_entry",
         "neighbour_manager", "brand", "brand_assessments", "other_brand", "financier", "nobody"]

#: facility "Own Dyehouse" (in the programme's park, managed by manager and group_manager)
FACILITY = {
    "view": {"operator", "admin", "assessor", "manager", "group_manager", "data_entry", "brand_assessments"},
    "start": {"operator", "admin", "assessor", "manager", "group_manager", "data_entry"},
    "answer": {"operator", "manager", "group_manager", "data_entry"},
    "verify": {"operator", "admin", "assessor"},
}
#: the industrial park "Green Park" (enrolled in the programme, operated by park_operator)
PARK = {
    "view": {"operator", "admin", "assessor", "park_operator"},
    "start": {"operator", "admin", "assessor", "park_operator"},
    "answer": {"operator", "park_operator"},
    "verify": {"operator", "admin", "assessor"},
}


@pytest.fixture
def users(world, django_user_model):
    from loomlight.registry.models import Membership

    users = dict(world.users)
    users["brand_assessments"] = django_user_model.objects.create_user(username="brand_assessments", password="x-ba-pw-123")
    Membership.objects.create(user=users["brand_assessments"], role="brand_viewer", organisation=world.other_brand)
    Consent.objects.create(facility=world.own, grantee=world.other_brand, data_kinds=["profile", "assessments"],
                           valid_from=datetime.date(2020, 1, 1), granted_by=world.users["manager"])
    # "other_brand" now shares Brand B's consent: the matrix's "other_brand" row is a brand without any consent
    users["other_brand"] = django_user_model.objects.create_user(username="brand_c_viewer", password="x-bc-pw-123")
    from loomlight.registry.models import Organisation
    brand_c = Organisation.objects.create(name="Brand C", kind="brand", country="FR")
    Membership.objects.create(user=users["other_brand"], role="brand_viewer", organisation=brand_c)
    return users


@pytest.fixture
def cycles(world, mini):
    facility = services.assessment_start(by=world.users["operator"], framework=mini, subject=world.own, year=2025,
                                         today=datetime.date(2026, 3, 1))
    park = services.assessment_start(by=world.users["operator"], framework=mini, subject=world.park, year=2025,
                                     today=datetime.date(2026, 3, 1))
    return facility, park


def allowed(users, check, assessment) -> set[str]:
    return {role for role in ROLES if check(users[role], assessment)}


@pytest.mark.parametrize("subject, expected", [("facility", FACILITY), ("park", PARK)])
def test_the_matrix(world, users, cycles, subject, expected):
    assessment = cycles[0] if subject == "facility" else cycles[1]
    found = {
        "view": allowed(users, access.can_view, assessment),
        "start": {role for role in ROLES if access.can_start(users[role], assessment.subject)},
        "answer": allowed(users, access.can_answer, assessment),
        "verify": allowed(users, access.can_verify, assessment),
    }
    assert found == expected
    # the selectors agree with the single-object checks
    assert {r for r in ROLES if access.assessments_visible(users[r]).filter(pk=assessment.pk).exists()} == expected["view"]


def test_a_brand_sees_assessments_only_while_its_consent_names_them(world, users, cycles):
    facility, _park = cycles
    brand = users["brand_assessments"]
    assert access.can_view(brand, facility)
    Consent.objects.filter(grantee=world.other_brand).update(revoked_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                                                             revoked_by=world.users["manager"])
    from loomlight.registry import policy
    policy.forget(brand)
    assert not access.can_view(brand, facility)


def test_refused_writes_change_nothing(world, users, cycles):
    facility, park = cycles
    for role in sorted(set(ROLES) - FACILITY["answer"]):
        with pytest.raises(PermissionDenied):
            services.answers_save(by=users[role], assessment=facility, answers={"ems.policy": "yes"})
    for role in sorted(set(ROLES) - PARK["answer"]):
        with pytest.raises(PermissionDenied):
            services.answers_save(by=users[role], assessment=park, answers={"ems.policy": "yes"})
    assert not Answer.objects.exists()
    services.answers_save(by=users["data_entry"], assessment=facility, answers={"ems.policy": "no"})
    facility.status = "submitted"
    facility.save()
    for role in sorted(set(ROLES) - FACILITY["verify"]):
        with pytest.raises(PermissionDenied):
            services.answer_review(by=users[role], assessment=facility, question="ems.policy", decision="accepted")
        with pytest.raises(PermissionDenied):
            services.assessment_verify(by=users[role], assessment=facility, mode="remote")
    assert Assessment.objects.get(pk=facility.pk).status == "submitted"
    assert Answer.objects.get(assessment=facility).verification == ""


def test_tenant_scores_are_for_the_park_s_operator_and_programme_not_its_tenants(world, users, mini):
    tenant = services.assessment_start(by=world.users["operator"], framework=mini, subject=world.neighbour, year=2025,
                                       today=datetime.date(2026, 3, 1))
    Assessment.objects.filter(pk=tenant.pk).update(status="verified", percent=61.5)
    found = {r for r in ROLES if list(access.tenant_scores_visible(users[r], world.park).values_list("percent", flat=True)) == [61.5]}
    assert found == {"operator", "admin", "assessor", "park_operator"}
    # the park operator compares scores but reads no answers of its tenants
    assert not access.can_view(users["park_operator"], tenant)


def test_starting_is_refused_to_who_may_not_and_nothing_is_created(world, users, mini):
    for role in sorted(set(ROLES) - FACILITY["start"]):
        with pytest.raises(PermissionDenied):
            services.assessment_start(by=users[role], framework=mini, subject=world.own, year=2025,
                                      today=datetime.date(2026, 3, 1))
    assert not Assessment.objects.exists()
    with pytest.raises(ValidationError):
        services.assessment_start(by=users["manager"], framework=mini, subject=world.own, year=1999,
                                  today=datetime.date(2026, 3, 1))
    assert not Assessment.objects.exists()
