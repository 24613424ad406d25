"""The demo is current: anchored to the day it is built, with work in every queue on that day, and extended,
not rebuilt, on a later day.

Built on 10 April 2026 (deadline day 20, the default): the last complete month is March 2026, not due until
20 April; February and earlier are overdue unless submitted. The window is April 2023 to March 2026.
The states follow monthly.PATTERNS: the manager's facility (missing, returned, missing, draft, submitted, then
verified), of the 65 others 4 late, 6 returned, 8 with a backlog, 14 not yet entered, 33 on time.
"""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
import time_machine
from django.db import transaction

from loomlight.audit.models import AuditEvent
from loomlight.calc import periods as calc_periods
from loomlight.chemicals.models import ChemicalProduct, ChemicalUse
from loomlight.demo import monthly
from loomlight.demo.generator import BRANDS, FINANCIER, load_demo
from loomlight.registry.models import Consent, Facility
from loomlight.reporting import services
from loomlight.reporting.models import ActivityValue, ReportingPeriod
from loomlight.reporting.selectors import months_written_by
from loomlight.wastewater.models import LabResult, SamplingEvent
from tests.demo.helpers import BUILD_DAY, user

BUILD = BUILD_DAY  # 10 April 2026
MANAGER_FACILITY = "Hung Phat Sportswear"


def _month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1)


@pytest.fixture(scope="module")
def _built_in_april(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), time_machine.travel(BUILD, tick=False):
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def april(_built_in_april, db):
    with time_machine.travel(BUILD, tick=False):
        yield _built_in_april


def _states(facility: str) -> dict[datetime.date, str]:
    return dict(ReportingPeriod.objects.filter(facility__name=facility).values_list("period", "status"))


# --- the build day -----------------------------------------------------------------

def test_three_years_up_to_the_last_complete_month(april):
    assert april.through == _month(2026, 3)
    periods = ReportingPeriod.objects.values_list("period", flat=True)
    assert (min(periods), max(periods)) == (_month(2023, 4), _month(2026, 3))
    assert not ActivityValue.objects.filter(period__gt=_month(2026, 3)).exists()


def test_the_latest_months_in_every_state(april):
    # given the patterns (monthly.PATTERNS, PATTERN_COUNTS) with 33 facilities on time:
    # submitted: manager 1 + on time 33 + not yet 14 + backlog 8 × 3 + returned 6 = 78
    # draft: manager 1 + on time 33 + backlog 8 + late 4 = 46; returned: manager 1 + returned 6 = 7
    counts = Counter(ReportingPeriod.objects.values_list("status", flat=True))
    assert {k: v for k, v in counts.items() if k != "verified"} == {"submitted": 78, "draft": 46, "returned": 7}
    # every month before the patterns' latest five is verified, except the gaps of the verified past
    assert not ReportingPeriod.objects.filter(period__lt=_month(2025, 11)).exclude(status="verified").exists()
    # the last complete month: drafts of those on time, with a backlog (33 + 8) and the manager's none
    assert Counter(ReportingPeriod.objects.filter(period=_month(2026, 3)).values_list("status", flat=True)) == {"draft": 41}


def test_the_managers_facility_has_due_overdue_and_returned_months_and_a_flag(april):
    states = _states(MANAGER_FACILITY)
    latest = {p: states.get(p, "missing") for p in (_month(2026, m) for m in (3, 2, 1))}
    latest |= {p: states.get(p, "missing") for p in (_month(2025, 12), _month(2025, 11), _month(2025, 10))}
    assert latest == {_month(2026, 3): "missing", _month(2026, 2): "returned", _month(2026, 1): "missing",
                      _month(2025, 12): "draft", _month(2025, 11): "submitted", _month(2025, 10): "verified"}
    today = BUILD.date()
    # March is due on 20 April (not yet overdue); February, January and December are overdue
    assert calc_periods.due_date(2026, 3) == datetime.date(2026, 4, 20) and not calc_periods.is_due(2026, 3, today)
    assert all(calc_periods.is_due(p.year, p.month, today) for p in (_month(2026, 2), _month(2026, 1), _month(2025, 12)))
    returned = ReportingPeriod.objects.get(facility__name=MANAGER_FACILITY, period=_month(2026, 2))
    assert returned.comment in monthly.RETURN_COMMENTS[1:]
    flagged = ActivityValue.objects.filter(facility__name=MANAGER_FACILITY).exclude(flag="")
    assert list(flagged.values_list("period", "metric", "flag")) == [(_month(2025, 12), "electricity_grid", "high")]
    # the data-entry login and the manager may work on them
    from loomlight.registry import policy
    facility = Facility.objects.get(name=MANAGER_FACILITY)
    assert policy.can(user("dataentry"), policy.Action.ENTER_DATA, facility)


def test_the_assessor_finds_flagged_values_in_submitted_months(april):
    """Each of the 8 facilities with a review backlog holds electricity typed ten times too large in its latest
    submitted month (February 2026, built on 10 April 2026): the assessor's "flagged values in submitted months"."""
    submitted = ReportingPeriod.objects.filter(status="submitted")
    flagged = [(v.facility_id, v.period, v.metric, v.flag) for v in ActivityValue.objects.exclude(flag="")
               if submitted.filter(facility_id=v.facility_id, period=v.period).exists()]
    typed_too_large = [row for row in flagged if row[3] == "high"]
    assert len(typed_too_large) == 8
    assert {(p, m) for _facility, p, m, _f in typed_too_large} == {(_month(2026, 2), "electricity_grid")}
    # besides them, the plan's own anomalies (a month at a fifth) may flag a value low
    assert {f for *_rest, f in flagged} <= {"high", "low"}


def test_a_few_facilities_are_late_by_several_months(april):
    today = BUILD.date()
    overdue = Counter()
    for facility in Facility.objects.all():
        states = _states(facility.name)
        recent = [_month(2025, 11), _month(2025, 12), _month(2026, 1), _month(2026, 2)]
        overdue[facility.name] = sum(1 for p in recent if calc_periods.is_due(p.year, p.month, today)
                                     and states.get(p, "missing") in ("missing", "draft", "returned"))
    late = sorted(name for name, n in overdue.items() if n >= 3)
    assert len(late) == 4 + 1  # the four late facilities and the manager's (January, February, December)
    assert MANAGER_FACILITY in late


def test_the_assessor_may_verify_every_submitted_month(april):
    assessor = user("assessor")
    submitted = list(ReportingPeriod.objects.filter(status="submitted").select_related("facility", "submitted_by"))
    assert len(submitted) == 78
    by_facility: dict[int, list] = {}
    for row in submitted:
        by_facility.setdefault(row.facility_id, []).append(row.period)
    assert all(months_written_by(assessor, f, ps) == {} for f, ps in by_facility.items())
    # submitted by the facility's users: the manager's facility by its manager, the others by the data-entry login
    assert {(r.facility.name == MANAGER_FACILITY, r.submitted_by.username) for r in submitted} == {
        (True, "manager"), (False, "dataentry")}
    # each submission is in the audit trail by its submitter, before the build
    events = AuditEvent.objects.filter(object_type="reporting.reportingperiod", after__status="submitted", via="demo")
    assert set(events.values_list("actor__username", flat=True)) == {"manager", "dataentry"}
    assert not events.filter(at__gt=BUILD).exists()
    # the trail names the facility's users as the month's authors: the clerk entered it, the manager submitted it
    facility = Facility.objects.get(name=MANAGER_FACILITY)
    november = _month(2025, 11)
    assert months_written_by(user("dataentry"), facility, [november]) == {november: "entered"}
    assert months_written_by(user("manager"), facility, [november]) == {november: "submitted"}
    # when the assessor verifies it (reporting.services, separation of duties), then it is verified
    month = services.period_verify(by=assessor, facility=facility, period=november)
    assert (month.status, month.verified_by) == ("verified", assessor)


def test_an_expired_declaration_and_a_lab_result_due_at_the_managers_facility(april):
    today = BUILD.date()
    products = ChemicalProduct.objects.filter(facility__name=MANAGER_FACILITY, mrsl_level__gte=1)
    assert products.filter(declaration_valid_until__lt=today).exists()
    # quarterly samples on 14 Feb, 15 May, 14 Aug, 13 Nov: its 2026-02-14 sample was not taken
    days = list(SamplingEvent.objects.filter(facility__name=MANAGER_FACILITY).order_by("-sampled_on")
                .values_list("sampled_on", flat=True)[:2])
    assert days == [datetime.date(2025, 11, 13), datetime.date(2025, 8, 14)]
    assert SamplingEvent.objects.filter(sampled_on=datetime.date(2026, 2, 14)).exclude(facility__name=MANAGER_FACILITY).exists()
    # chemicals used up to the last complete month
    assert ChemicalUse.objects.filter(product__facility__name=MANAGER_FACILITY).latest("period").period == _month(2026, 3)


def test_the_stricter_intake_cod_of_2026_judges_a_sample(april):
    # the dye house that only pretreats: 455 mg/L on 2026-02-14, within 2025's 500, over 2026's 400 (demo/discharge.py)
    result = LabResult.objects.get(event__facility__name="Phuc Lam Dyeing & Finishing", event__sampled_on=datetime.date(2026, 2, 14),
                                   parameter="cod")
    assert result.value == 455.0


def test_consents_newly_granted_withdrawn_and_expiring(april):
    today = BUILD.date()
    recent = datetime.timedelta(days=30)
    granted = Consent.objects.filter(grantee__name=BRANDS[0], granted_at__gte=BUILD - recent)
    assert [(c.valid_from, c.revoked_at) for c in granted] == [(today - datetime.timedelta(days=9), None)]
    withdrawn = Consent.objects.filter(grantee__name=BRANDS[0], revoked_at__gte=BUILD - recent)
    assert [c.revoked_at.date() for c in withdrawn] == [today - datetime.timedelta(days=6)]
    expiring = Consent.objects.filter(grantee__name=FINANCIER, valid_until__range=(today, today + recent))
    assert [c.valid_until for c in expiring] == [today + datetime.timedelta(days=20)]
    # every other consent was granted long before: 30 days of news hold only these
    assert Consent.objects.filter(granted_at__gte=BUILD - recent).count() == 1
