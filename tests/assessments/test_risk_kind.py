"""A risk framework (``kind: risk``, the biomass first screening) is never an assessment cycle (issue 19, point 2):
the built-in and current lists leave it out, and opening a cycle of one is refused with nothing written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from loomlight.assessments import services
from loomlight.assessments.models import Assessment, FrameworkVersion
from loomlight.audit.models import AuditEvent

RISK = """id: risk_local
version: "1"
kind: risk
title: A local risk screening
sections:
  - id: legal
    title: Legal
    questions:
      - id: legal.permit
        type: yes_no
        text: Permit?
        risk: {yes: low, no: {risk: high, mitigation: Get one}}
"""


def test_the_builtin_and_current_frameworks_leave_the_risk_frameworks_out(world, mini):
    # given the shipped risk framework and one published here, beside the scored ones
    screening = services.builtin_framework("biomass_screening")
    local = services.framework_publish(text=RISK, file_name="risk_local.yaml")
    assert (screening.tree().kind, local.tree().kind) == ("risk", "risk")
    # then neither is offered for a cycle; every scored framework still is
    assert [v.framework_id for v in services.builtin_frameworks()] == ["facility_env", "facility_social", "industrial_park"]
    assert [v.framework_id for v in services.frameworks_current()] == [
        "facility_env", "facility_social", "industrial_park", "test_mini"]


def test_opening_a_cycle_of_a_risk_framework_is_refused_and_nothing_is_written(world):
    screening = services.builtin_framework("biomass_screening")
    assessments, events = Assessment.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.assessment_start(by=world.users["manager"], framework=screening, subject=world.own, year=2025)
    assert {f: [e.code for e in errors] for f, errors in refused.value.error_dict.items()} == {"framework": ["not_assessment"]}
    assert refused.value.error_dict["framework"][0].message == (
        "biomass_screening 2026.1 is a risk screening, not an assessment: it cannot open a cycle.")
    assert (Assessment.objects.count(), AuditEvent.objects.count()) == (assessments, events)
    assert FrameworkVersion.objects.filter(framework_id="biomass_screening").count() == 1
