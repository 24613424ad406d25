"""Many months at once (issue 16, point 4): submit a facility's complete months; verify, return or reopen months
of several facilities. Each month goes through its one-month service and is audited on its own; a month that
cannot be changed is refused with its reason and the others go through.

The clock is frozen on 10 April 2026 (deadline: the 20th of the month after), so January and February 2026 are
due, March has ended but is not due until 20 April, April has not ended.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from loomlight.audit.models import AuditEvent
from loomlight.registry import policy
from loomlight.registry.models import Membership
from loomlight.reporting import bulk, services
from loomlight.reporting.models import ActivityValue, ApplicableMetrics, PeriodStatus, ReportingPeriod
from tests.april_2026 import april_2026, store_values  # noqa: F401 (april_2026: the frozen clock, autouse)

JAN, FEB, MAR, APR = (datetime.date(2026, m, 1) for m in (1, 2, 3, 4))
DEC = datetime.date(2025, 12, 1)
ELECTRICITY, WATER = "electricity_grid", "water_municipal"


def _state():
    """Every month's (facility, month, status, comment, verifier) and the number of audit events."""
    months = sorted(ReportingPeriod.objects.values_list("facility_id", "period", "status", "comment", "verified_by_id"))
    return months, AuditEvent.objects.count()


def _status(facility, period):
    return ReportingPeriod.objects.filter(facility=facility, period=period).values_list("status", flat=True).first()


def _period_events(facility, periods):
    """The audit events of these months of ``facility`` (one per transition)."""
    ids = [str(pk) for pk in ReportingPeriod.objects.filter(facility=facility, period__in=periods).values_list("pk", flat=True)]
    return AuditEvent.objects.filter(object_type="reporting.reportingperiod", object_id__in=ids)


@pytest.fixture
def own_2026(world):
    """The Own Dyehouse reports grid electricity and municipal water (saved as its applicable metrics).
    January 2026: both; February: nothing; March: electricity only."""
    ApplicableMetrics.objects.create(facility=world.own, metrics=[ELECTRICITY, WATER])
    store_values(world.own, [(2026, [1], ELECTRICITY, 1000, "kWh"), (2026, [1], WATER, 100, "m³"),
                             (2026, [3], ELECTRICITY, 900, "kWh")])
    return world


# --- submitting the complete months ----------------------------------------------------------------------

def test_submitting_complete_months_submits_the_complete_and_names_what_the_others_lack(own_2026):
    world = own_2026
    # given: January complete, February due with nothing reported, March ended with water missing, April not ended
    events = AuditEvent.objects.count()
    # when
    result = bulk.months_submit_complete(by=world.users["data_entry"], facility=world.own, year=2026)
    # then: January is submitted, by its one-month service (one audit event, the submitter recorded)
    assert [m.period for m in result.done] == [JAN]
    assert _status(world.own, JAN) == PeriodStatus.SUBMITTED
    assert ReportingPeriod.objects.get(facility=world.own, period=JAN).submitted_by == world.users["data_entry"]
    assert AuditEvent.objects.count() == events + 1
    assert _period_events(world.own, [JAN]).get().after["status"] == "submitted"
    # and the others are named month by month, metric by metric, and left as they were
    assert [(r.month.period, r.reason) for r in result.refused] == [
        (FEB, "Incomplete: no value of Grid electricity purchased, Water withdrawn, municipal supply."),
        (MAR, "Incomplete: no value of Water withdrawn, municipal supply."),
    ]
    assert _status(world.own, FEB) is None and _status(world.own, MAR) is None
    assert result.summary() == "1 month submitted; 2 not submitted:"


def test_the_page_offers_what_it_would_submit(own_2026):
    plan = bulk.submittable(own_2026.own, 2026)
    assert plan.ready == [JAN]
    assert plan.incomplete == [(FEB, ["Grid electricity purchased", "Water withdrawn, municipal supply"]),
                               (MAR, ["Water withdrawn, municipal supply"])]


def test_months_already_submitted_or_verified_are_not_candidates(own_2026):
    world = own_2026
    services.period_submit(by=world.users["data_entry"], facility=world.own, period=JAN)
    plan = bulk.submittable(world.own, 2026)
    assert plan.ready == [] and [m for m, _names in plan.incomplete] == [FEB, MAR]
    result = bulk.months_submit_complete(by=world.users["data_entry"], facility=world.own, year=2026)
    assert result.done == [] and result.summary() == "0 months submitted; 2 not submitted:"


def test_a_returned_complete_month_is_submitted_again(own_2026):
    world = own_2026
    services.period_submit(by=world.users["data_entry"], facility=world.own, period=JAN)
    services.period_return(by=world.users["assessor"], facility=world.own, period=JAN, comment="Check the meter")
    result = bulk.months_submit_complete(by=world.users["manager"], facility=world.own, year=2026)
    assert [m.period for m in result.done] == [JAN]
    assert _status(world.own, JAN) == PeriodStatus.SUBMITTED


@pytest.mark.parametrize("who", ["assessor", "admin", "brand", "other_brand", "neighbour_manager"])
def test_only_those_who_enter_data_submit_complete_months(own_2026, who):
    world = own_2026
    before = _state()
    with pytest.raises(PermissionDenied):
        bulk.months_submit_complete(by=world.users[who], facility=world.own, year=2026)
    assert _state() == before


# --- verifying, returning, reopening many months --------------------------------------------------------

@pytest.fixture
def submitted(own_2026, django_user_model):
    """Submitted: the Own Dyehouse's December 2025, January and March 2026 (March's value entered by `reviewer`,
    data entry at the Own Dyehouse and assessor of the programme) and the Neighbour's January 2026.
    February 2026 of the Own Dyehouse is a draft."""
    world = own_2026
    reviewer = django_user_model.objects.create_user(username="reviewer", password="x-reviewer-pw-123")
    Membership.objects.create(user=reviewer, role="facility_data_entry", facility=world.own)
    Membership.objects.create(user=reviewer, role="assessor", programme=world.programme)
    world.users["reviewer"] = reviewer
    store_values(world.own, [(2025, [12], ELECTRICITY, 1100, "kWh"), (2026, [2], ELECTRICITY, 950, "kWh")])
    store_values(world.neighbour, [(2026, [1], ELECTRICITY, 500, "kWh")])
    ActivityValue.objects.filter(facility=world.own, period=MAR).delete()
    services.activity_value_set(by=reviewer, facility=world.own, period=MAR, metric=ELECTRICITY, value=900, unit="kWh")
    for period in (DEC, JAN, MAR):
        services.period_submit(by=world.users["data_entry"], facility=world.own, period=period)
    services.period_submit(by=world.users["neighbour_manager"], facility=world.neighbour, period=JAN)
    return world


def test_an_assessor_verifies_the_months_they_may_and_each_refusal_is_named(submitted):
    world = submitted
    own, neighbour, stranger = world.own.pk, world.neighbour.pk, world.stranger.pk
    months = [(own, DEC), (own, JAN), (own, FEB), (own, MAR), (neighbour, JAN), (stranger, JAN)]
    untouched = {(own, FEB), (own, MAR), (stranger, JAN)}
    before = [row for row in _state()[0] if (row[0], row[1]) in untouched]
    events = AuditEvent.objects.count()
    # when: the reviewer (who entered March's value) verifies the six months ticked
    result = bulk.months_verify(by=world.users["reviewer"], months=months)
    # then: the three months they may verify are verified, each audited on its own
    assert [(m.facility_id, m.period) for m in result.done] == [(own, DEC), (own, JAN), (neighbour, JAN)]
    assert AuditEvent.objects.count() == events + 3
    assert _period_events(world.own, [DEC, JAN]).filter(after__status="verified").count() == 2
    assert _period_events(world.neighbour, [JAN]).filter(after__status="verified").count() == 1
    assert ReportingPeriod.objects.get(facility=world.neighbour, period=JAN).verified_by == world.users["reviewer"]
    # and the other three are refused with their reasons, unchanged
    assert [(r.month.label, r.reason) for r in result.refused] == [
        ("Own Dyehouse 2026-02", "2026-02 is Draft."),
        ("Own Dyehouse 2026-03", "You entered or changed values of 2026-03: another reviewer must verify it."),
        (f"#{stranger} 2026-01", "You may not verify the months of this facility."),
    ]
    assert [row for row in _state()[0] if (row[0], row[1]) in untouched] == before
    assert result.summary() == "3 months verified; 3 refused:"


def test_nobody_verifies_what_they_submitted(submitted):
    world = submitted
    Membership.objects.create(user=world.users["data_entry"], role="assessor", programme=world.programme)
    policy.forget(world.users["data_entry"])
    before = _state()
    result = bulk.months_verify(by=world.users["data_entry"], months=[(world.own.pk, JAN), (world.own.pk, DEC)])
    assert result.done == []
    assert [r.reason for r in result.refused] == ["You submitted 2026-01: another reviewer must verify it.",
                                                  "You submitted 2025-12: another reviewer must verify it."]
    assert _state() == before


@pytest.mark.parametrize("who", ["data_entry", "manager", "park_operator", "brand", "nobody"])
def test_those_who_may_not_verify_change_nothing(submitted, who):
    world = submitted
    before = _state()
    result = bulk.months_verify(by=world.users[who], months=[(world.own.pk, JAN), (world.neighbour.pk, JAN)])
    assert result.done == []
    assert [r.reason for r in result.refused] == ["You may not verify the months of this facility."] * 2
    assert _state() == before


def test_months_are_returned_with_one_comment_each_audited(submitted):
    world = submitted
    events = AuditEvent.objects.count()
    result = bulk.months_return(by=world.users["assessor"], comment="  Meter photo missing  ",
                                months=[(world.own.pk, JAN), (world.neighbour.pk, JAN), (world.own.pk, FEB)])
    assert [(m.facility_id, m.period) for m in result.done] == [(world.own.pk, JAN), (world.neighbour.pk, JAN)]
    assert [(r.month.period, r.reason) for r in result.refused] == [(FEB, "2026-02 is Draft.")]
    assert AuditEvent.objects.count() == events + 2
    for facility in (world.own, world.neighbour):
        month = ReportingPeriod.objects.get(facility=facility, period=JAN)
        assert (month.status, month.comment) == (PeriodStatus.RETURNED, "Meter photo missing")
    assert result.summary() == "2 months returned; 1 refused:"


@pytest.mark.parametrize("comment", ["", "   ", None])
def test_a_return_without_a_comment_is_refused_whole(submitted, comment):
    world = submitted
    before = _state()
    with pytest.raises(ValidationError) as exc_info:
        bulk.months_return(by=world.users["assessor"], months=[(world.own.pk, JAN)], comment=comment)
    assert exc_info.value.message_dict == {"comment": ["Say why: the facility reads this."]}
    assert _state() == before


def test_verified_months_are_reopened_with_a_reason(submitted):
    world = submitted
    bulk.months_verify(by=world.users["assessor"], months=[(world.own.pk, DEC), (world.own.pk, JAN)])
    with pytest.raises(ValidationError) as exc_info:
        bulk.months_reopen(by=world.users["admin"], months=[(world.own.pk, DEC)], reason="")
    assert exc_info.value.message_dict == {"reason": ["Say why: the facility reads this."]}
    events = AuditEvent.objects.count()
    result = bulk.months_reopen(by=world.users["admin"], reason="Invoice corrected",
                                months=[(world.own.pk, DEC), (world.own.pk, JAN), (world.own.pk, MAR)])
    assert [m.period for m in result.done] == [DEC, JAN]
    assert [(r.month.period, r.reason) for r in result.refused] == [(MAR, "2026-03 is Submitted.")]
    assert AuditEvent.objects.count() == events + 2
    assert [_status(world.own, p) for p in (DEC, JAN, MAR)] == [PeriodStatus.DRAFT, PeriodStatus.DRAFT, PeriodStatus.SUBMITTED]
    assert ReportingPeriod.objects.get(facility=world.own, period=DEC).comment == "Invoice corrected"


def test_a_month_ticked_twice_is_acted_on_once(submitted):
    world = submitted
    result = bulk.months_verify(by=world.users["assessor"], months=[(world.own.pk, JAN), (world.own.pk, JAN)])
    assert len(result.done) == 1 and result.refused == []


def test_the_number_of_months_is_bounded(submitted):
    world = submitted
    before = _state()
    too_many = [(world.own.pk, datetime.date(1990 + i // 12, i % 12 + 1, 1)) for i in range(bulk.MAX_MONTHS + 1)]
    with pytest.raises(ValidationError) as exc_info:
        bulk.months_verify(by=world.users["assessor"], months=too_many)
    assert exc_info.value.message_dict == {"months": [
        "At most 500 months at once: 501 were sent. Filter the list and act on fewer months."]}
    with pytest.raises(ValidationError) as exc_info:
        bulk.months_verify(by=world.users["assessor"], months=[])
    assert exc_info.value.message_dict == {"months": ["Tick at least one month."]}
    assert _state() == before
