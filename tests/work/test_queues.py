"""Each work queue against the hand-built programme of tests/work/programme.py, on 10 April 2026.

With the deadline on the 20th, February 2026 is the latest month due (its deadline, 20 March, has passed) and
March 2026 is due on 20 April (it has ended, its deadline is ahead); April 2026 is not due at all.
"""

from __future__ import annotations

import datetime

import pytest

from loomlight.registry import policy
from loomlight.work import queues
from tests.april_2026 import april_2026  # noqa: F401 (the clock, frozen on 10 April 2026)
from tests.work.programme import build

TODAY = datetime.date(2026, 4, 10)
D = datetime.date


@pytest.fixture
def programme(world):
    return build(world)


def rows(queue):
    return [(i.label, i.due, i.state) for i in queue.items]


def fresh(user):
    """The user with memberships loaded, as a request has them after its first policy question."""
    policy.forget(user)
    policy.memberships(user)
    return user


# --- facility staff ------------------------------------------------------------------------------------------

def test_months_due_and_overdue_of_data_entry(world, programme):
    """Given Own Dyehouse's months (first on record October 2025: Oct verified, Nov submitted, Dec returned,
    Jan draft, Feb and Mar nothing), when its data-entry clerk opens the queue, then January and February are
    overdue (deadlines 20 Feb and 20 Mar passed), March is due on 20 April, and nothing before October 2025 or
    after March is asked for."""
    q = queues.months_due(world.users["data_entry"], today=TODAY)
    assert q.count == 3
    assert rows(q) == [
        ("Own Dyehouse · January 2026", D(2026, 2, 20), "overdue"),
        ("Own Dyehouse · February 2026", D(2026, 3, 20), "overdue"),
        ("Own Dyehouse · March 2026", D(2026, 4, 20), "due"),
    ]
    assert [i.detail for i in q.items] == ["Draft", "Nothing reported yet", "Nothing reported yet"]
    # each links to its month form, where the month is entered
    assert [i.url for i in q.items] == [f"/data/facilities/{world.own.pk}/2026/{m}/" for m in (1, 2, 3)]


def test_months_due_count_from_registration_never_before(world, programme):
    """Given Neighbour Sewing, registered on 5 January 2026 with February submitted, when its manager opens the
    queue, then January is overdue, March due, and no month of 2025 is missing."""
    q = queues.months_due(world.users["neighbour_manager"], today=TODAY)
    assert rows(q) == [("Neighbour Sewing · January 2026", D(2026, 2, 20), "overdue"),
                       ("Neighbour Sewing · March 2026", D(2026, 4, 20), "due")]


def test_a_facility_registered_this_month_has_nothing_due(world, programme, django_user_model):
    """Given a facility registered today (April 2026), when its clerk opens the queue, then nothing is due:
    March ended before it was registered and April is not over."""
    from loomlight.registry.models import Facility, Membership

    new = Facility.objects.create(name="New Knit", country="VN", tier=1, processes=["knitting"])
    clerk = django_user_model.objects.create_user("clerk")
    Membership.objects.create(user=clerk, role="facility_data_entry", facility=new)
    q = queues.months_due(clerk, today=TODAY)
    assert (q.count, q.items, q.empty) == (0, (), "Nothing due.")


def test_months_returned_carry_the_reviewers_comment(world, programme):
    q = queues.months_returned(world.users["data_entry"], today=TODAY)
    assert q.count == 1
    assert rows(q) == [("Own Dyehouse · December 2025", D(2026, 1, 20), "returned")]
    assert q.items[0].comment == "Electricity looks doubled"
    assert q.items[0].url == f"/data/facilities/{world.own.pk}/2025/12/"   # the month form, to correct it


def test_flagged_values_in_months_not_verified(world, programme):
    """Given flags in October (verified), November (submitted) and December (returned), then the clerk is asked
    about November's and December's, not October's (a verified month is locked)."""
    q = queues.values_flagged(world.users["data_entry"], today=TODAY)
    assert q.count == 2
    assert rows(q) == [("Own Dyehouse · November 2025 · Grid electricity purchased", D(2025, 12, 20), "flagged"),
                       ("Own Dyehouse · December 2025 · Grid electricity purchased", D(2026, 1, 20), "flagged")]
    assert [i.detail for i in q.items] == ["Unusually low: 90,000 kWh", "Unusually high: 640,000 kWh"]


def test_expired_declarations(world, programme):
    """Given declarations valid until 31 March and 31 December 2026, then only the first has expired on 10 April."""
    q = queues.declarations_expired(world.users["manager"], today=TODAY)
    assert q.count == 1
    assert rows(q) == [("Own Dyehouse · Levafix Blue (Dystar)", D(2026, 3, 31), "expired")]
    assert q.items[0].url == f"/chemicals/facilities/{world.own.pk}/"


def test_sampling_cycle_is_zdhcs():
    """ZDHC Wastewater Guidelines: cycles ending 30 April and 31 October (docs/data-sources.md)."""
    assert queues.sampling_cycle(D(2026, 4, 10)) == (D(2025, 11, 1), D(2026, 4, 30))
    assert queues.sampling_cycle(D(2026, 5, 1)) == (D(2026, 5, 1), D(2026, 10, 31))
    assert queues.sampling_cycle(D(2026, 11, 1)) == (D(2026, 11, 1), D(2027, 4, 30))


def test_lab_results_due_for_the_sampling_frequency(world, programme):
    """Given Own Dyehouse (dyeing, registered November 2025, never sampled) and Outside Laundry (laundry, last
    sampled 1 March 2025, nothing in the May-October 2025 cycle), then Own Dyehouse's sample is due at the end of
    this cycle (30 April 2026) and Outside Laundry's is overdue since 31 October 2025; dry Neighbour Sewing and
    Stranger Mill, which never sampled, owe none."""
    q = queues.lab_results_due(world.users["operator"], today=TODAY)
    assert rows(q) == [("Outside Laundry", D(2025, 10, 31), "overdue"), ("Own Dyehouse", D(2026, 4, 30), "due")]
    assert [i.detail for i in q.items] == ["Last sampled on March 1, 2025", "No sample recorded yet"]
    assert queues.lab_results_due(world.users["neighbour_manager"], today=TODAY).count == 0


def test_a_sample_in_this_cycle_clears_the_queue(world, programme):
    from loomlight.wastewater.models import SamplingEvent

    SamplingEvent.objects.create(facility=world.own, sampled_on=D(2026, 3, 2), sampling_point="discharge",
                                 discharge_type="indirect", laboratory="Lab")
    assert queues.lab_results_due(world.users["manager"], today=TODAY).count == 0


def test_data_entry_never_sees_another_facilitys_work(world, programme):
    """Given work waiting at Neighbour Sewing and Stranger Mill, then Own Dyehouse's clerk sees only its own."""
    user = world.users["data_entry"]
    for q in queues.for_user(user, today=TODAY):
        assert all(i.label.startswith("Own Dyehouse") for i in q.items), q.key
    assert [q.key for q in queues.for_user(user, today=TODAY)] == [
        "actions_overdue", "months_due", "months_returned", "values_flagged", "declarations_expired", "lab_results_due",
        "assessments_returned"]


# --- verifiers -------------------------------------------------------------------------------------------------

def test_months_awaiting_verification_oldest_first(world, programme):
    """Given November 2025 (Own Dyehouse) and February 2026 (Neighbour Sewing) submitted in the programme, and
    January 2026 submitted at Stranger Mill outside it, then the programme's two are listed, oldest first."""
    for who in ("admin", "assessor"):
        q = queues.months_awaiting_verification(world.users[who], today=TODAY)
        assert q.count == 2
        assert rows(q) == [("Own Dyehouse · November 2025", D(2025, 12, 20), "submitted"),
                           ("Neighbour Sewing · February 2026", D(2026, 3, 20), "submitted")]
        assert [i.url for i in q.items] == [f"/data/facilities/{world.own.pk}/2025/",
                                            f"/data/facilities/{world.neighbour.pk}/2026/"]
        assert q.more_url == "/data/review/"   # the whole queue, worked many months at once


def test_a_facility_assessor_sees_only_that_facilitys_months(world, programme, django_user_model):
    """Given an assessor of Neighbour Sewing alone, then only its submitted February is awaiting them, and no flag
    of Own Dyehouse's November reaches them."""
    from loomlight.registry.models import Membership

    assessor = django_user_model.objects.create_user("facility-assessor")
    Membership.objects.create(user=assessor, role="assessor", facility=world.neighbour)
    assert rows(queues.months_awaiting_verification(assessor, today=TODAY)) == [
        ("Neighbour Sewing · February 2026", D(2026, 3, 20), "submitted")]
    assert queues.values_flagged_submitted(assessor, today=TODAY).count == 0


def test_facilities_late(world, programme):
    """Late with February 2026, the latest month due: Outside Laundry (registered January 2024, nothing handed in:
    26 months overdue, January 2024 to February 2026) and Own Dyehouse (from October 2025, 3 of 5 handed in:
    January and February). Neighbour Sewing handed February in: its missing January is its staff's to report,
    not a late facility's (Stranger Mill is outside the programme)."""
    q = queues.facilities_late(world.users["admin"], today=TODAY)
    assert q.title == "Facilities late with February 2026"
    assert q.count == 2
    assert rows(q) == [("Outside Laundry", D(2024, 2, 20), "late"), ("Own Dyehouse", D(2026, 2, 20), "late")]
    assert [i.detail for i in q.items] == [
        "26 months overdue, the oldest January 2024",
        "2 months overdue, the oldest January 2026 · January 2026 lacks Grid electricity purchased, "
        "Wastewater discharged to the park's central treatment plant",
    ]
    assert [i.url for i in q.items] == [f"/data/facilities/{world.outside.pk}/", f"/data/facilities/{world.own.pk}/"]
    assert q.more_url == "/data/rate/"   # every facility's months


def test_a_queue_without_work_links_nowhere_further(world):
    """Given nothing submitted, then the verification queue offers no link to the review page."""
    q = queues.months_awaiting_verification(world.users["assessor"], today=TODAY)
    assert (q.count, q.more_url) == (0, "")


def test_facilities_late_for_the_operator_include_every_programme(world, programme):
    """The installation's operator sees Stranger Mill too (registered June 2025, January 2026 submitted: 8 months
    overdue, June to December 2025 and February 2026, the oldest June 2025)."""
    q = queues.facilities_late(world.users["operator"], today=TODAY)
    assert rows(q) == [("Outside Laundry", D(2024, 2, 20), "late"), ("Stranger Mill", D(2025, 7, 20), "late"),
                       ("Own Dyehouse", D(2026, 2, 20), "late")]
    assert q.items[1].detail == "8 months overdue, the oldest June 2025"


def test_flagged_values_in_submitted_months(world, programme):
    """Only November's flag is in a submitted month of the programme (December is returned, October verified,
    Stranger Mill's is outside the programme)."""
    q = queues.values_flagged_submitted(world.users["assessor"], today=TODAY)
    assert q.count == 1
    assert rows(q) == [("Own Dyehouse · November 2025 · Grid electricity purchased", D(2025, 12, 20), "flagged")]


# --- park operator -----------------------------------------------------------------------------------------------

def test_tenants_reporting_state(world, programme):
    """February 2026: Neighbour Sewing submitted it, Own Dyehouse did not; the overdue tenant links to its profile
    (a park operator reads no tenant's reported data)."""
    q = queues.tenants_reporting(world.users["park_operator"], today=TODAY)
    assert q.title == "Tenants' reporting for February 2026"
    assert q.count == 1
    assert rows(q) == [("Own Dyehouse", D(2026, 3, 20), "overdue")]
    assert q.items[0].url == f"/registry/facilities/{world.own.pk}/"
    assert q.summary == (("Overdue", 1), ("Submitted", 1), ("Returned with comments", 0), ("Verified", 0))
    assert q.more_url == "/data/rate/"   # every tenant's months, on the reporting rate page it may open


def test_cetp_results(world, programme):
    """COD 250 mg/L exceeds ZDHC's foundational 150 mg/L (WWG V2.2 Table 3); 60 mg/L does not."""
    q = queues.cetp_results(world.users["park_operator"], today=TODAY)
    assert q.count == 1
    assert rows(q) == [("Green Park CETP · Central plant outflow", D(2026, 3, 15), "exceeds"),
                       ("Green Park CETP · Central plant outflow", D(2026, 2, 2), "within")]
    assert q.items[0].url == f"/wastewater/events/{programme['high_event'].pk}/"
    assert q.items[0].detail == "Chemical oxygen demand (COD) 250 mg/L"


# --- brands and financiers ------------------------------------------------------------------------------------------

def test_brand_sees_what_was_newly_shared_and_withdrawn(world, programme):
    user = world.users["brand"]
    granted = queues.consents_granted(user, today=TODAY)
    assert rows(granted) == [("Own Dyehouse", D(2026, 4, 10), "granted")]
    assert granted.items[0].url == f"/registry/facilities/{world.own.pk}/"
    assert granted.items[0].detail == "Facility profile, Environmental data"
    ended = queues.consents_ended(user, today=TODAY)
    assert rows(ended) == [("Outside Laundry", D(2026, 4, 1), "ended"), ("Neighbour Sewing", D(2026, 3, 25), "revoked")]
    assert [i.url for i in ended.items] == ["", ""]   # no longer shared: no link to a page it may not open


def test_brand_sees_nothing_but_its_consents(world, programme):
    assert [q.key for q in queues.for_user(world.users["brand"], today=TODAY)] == [
        "actions_overdue", "consents_granted", "consents_ended"]
    other = queues.consents_granted(world.users["other_brand"], today=TODAY)
    assert rows(other) == [("Stranger Mill", D(2026, 4, 10), "granted")]
    financier = queues.for_user(world.users["financier"], today=TODAY)
    assert [(q.count, q.items) for q in financier] == [(0, ()), (0, ()), (0, ())]
    assert financier[1].empty == "Nothing new was shared with you in the last 30 days."


def test_a_user_without_a_role_has_no_queue(world, programme):
    assert queues.for_user(world.users["nobody"], today=TODAY) == []


# --- query counts: fixed, whatever the size of the programme ---------------------------------------------------------

#: (selector, user, queries). Listing the late facilities costs four queries more per facility listed (at most
#: ``queues.ITEMS``): its applicable metrics (saved, latest month, metrics reported) and its values of the year.
PINNED = [
    (queues.months_due, "data_entry", 2),
    (queues.months_returned, "data_entry", 2),
    (queues.values_flagged, "data_entry", 2),
    (queues.declarations_expired, "data_entry", 2),
    (queues.lab_results_due, "data_entry", 1),
    (queues.months_awaiting_verification, "admin", 2),
    (queues.values_flagged_submitted, "admin", 2),
    (queues.tenants_reporting, "park_operator", 1),
    (queues.consents_granted, "brand", 4),   # consents of facilities, of shared facilities; which facilities it sees (2)
    (queues.consents_ended, "brand", 4),
    # an empty queue: its count alone (test_assessment_queries_with_items pins them with items)
    (queues.actions_overdue, "manager", 1),
    (queues.assessments_to_verify, "assessor", 1),
    (queues.assessments_returned, "manager", 1),
]


def _grow(world, n: int, prefix: str = "Grown") -> None:
    """Add ``n`` facilities to the programme (in its park), each with 24 months in mixed states and flags."""
    from loomlight.registry.models import Facility
    from loomlight.reporting.models import ActivityValue, ReportingPeriod

    new = Facility.objects.bulk_create(Facility(name=f"{prefix} {i:03d}", country="VN", tier=1, park=world.park,
                                                processes=["dyeing"]) for i in range(n))
    states = ["verified", "submitted", "returned", "draft"]
    months = [D(2024 + (m // 12), m % 12 + 1, 1) for m in range(24)]
    ReportingPeriod.objects.bulk_create(ReportingPeriod(facility=f, period=p, status=states[(i + j) % 4])
                                        for i, f in enumerate(new) for j, p in enumerate(months))
    ActivityValue.objects.bulk_create(ActivityValue(facility=f, period=p, metric="electricity_grid", value=1, unit="kWh",
                                                    original_value=1, original_unit="kWh", source="form",
                                                    flag="high" if j % 3 == 0 else "")
                                      for f in new for j, p in enumerate(months))


@pytest.mark.parametrize(("selector", "who", "expected"), PINNED, ids=[p[0].__name__ for p in PINNED])
def test_queries_are_pinned(world, programme, django_assert_num_queries, selector, who, expected):
    user = fresh(world.users[who])
    with django_assert_num_queries(expected):
        selector(user, today=TODAY)
    _grow(world, 30)
    user = fresh(world.users[who])
    with django_assert_num_queries(expected):
        selector(user, today=TODAY)


def test_facilities_late_queries_do_not_grow_with_the_programme(world, programme, django_assert_num_queries):
    """Counting is one query whatever the size; listing reads at most ``ITEMS`` facilities' details: the same number
    of queries with 30 and with 60 more facilities of 24 months each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _grow(world, 30)
    user = fresh(world.users["admin"])
    with CaptureQueriesContext(connection) as first:
        q = queues.facilities_late(user, today=TODAY)
    assert q.count == 32          # no grown facility handed February 2026 in
    assert len(q.items) == queues.ITEMS
    # memberships (1), the late count (1), the listed facilities (1), their months (1), their applicable metrics
    # (up to 3: reporting.selectors.applicable_metrics_of), their values of the year (1), the reporting-rate link's
    # memberships (cached): never per facility listed
    assert len(first.captured_queries) <= 8
    _grow(world, 30, prefix="More")
    user = fresh(world.users["admin"])
    with django_assert_num_queries(len(first.captured_queries)):
        q = queues.facilities_late(user, today=TODAY)
    assert q.count == 62


def test_cetp_results_queries_are_fixed(world, programme, django_assert_num_queries):
    from loomlight.wastewater.models import LabResult, SamplingEvent

    user = fresh(world.users["park_operator"])
    with django_assert_num_queries(5) as first:
        queues.cetp_results(user, today=TODAY)
    for day in range(1, 20):
        e = SamplingEvent.objects.create(shared_facility=world.cetp, sampled_on=D(2026, 1, day), sampling_point="cetp_outflow",
                                         discharge_type="direct", laboratory="Lab")
        LabResult.objects.create(event=e, parameter="cod", value=200, unit="mg/L")
    user = fresh(world.users["park_operator"])
    with django_assert_num_queries(len(first.captured_queries)):
        queues.cetp_results(user, today=TODAY)


# --- assessments and actions (issue 17) ------------------------------------------------------------------------

def _assessment_world(world):
    from loomlight.assessments import services
    from tests.assessments.conftest import MINI

    version = services.framework_publish(text=MINI.read_text(encoding="utf-8"), file_name="mini.yaml")
    own = services.assessment_start(by=world.users["manager"], framework=version, subject=world.own, year=2025, today=TODAY)
    neighbour = services.assessment_start(by=world.users["neighbour_manager"], framework=version, subject=world.neighbour,
                                          year=2025, today=TODAY)
    return own, neighbour


def test_overdue_actions_stand_out_on_the_owners_home_page_only(world, programme):
    """Given an action owned by Saigon Knit Group due 31 March 2026 (overdue on 10 April), one due in May, one owned by
    the park operator's organisation overdue since January, then each owner sees its own overdue ones, oldest first."""
    from loomlight.assessments import services

    own, _neighbour = _assessment_world(world)
    services.answers_save(by=world.users["manager"], assessment=own, answers={"ems.policy": "no"})
    services.action_create(by=world.users["manager"], assessment=own, question="ems.policy", owner=world.group,
                           title="Sign the policy", due_date=D(2026, 3, 31))
    services.action_create(by=world.users["manager"], assessment=own, question="ems.policy", owner=world.group,
                           title="Train the staff", due_date=D(2026, 5, 31))
    plan = services.plan_create(by=world.users["park_operator"], park=world.park, title="Water reuse", year=2026)
    services.action_create(by=world.users["park_operator"], plan=plan, owner=world.park_operator_org,
                           title="Pipe treated water", due_date=D(2026, 1, 15))
    manager = queues.actions_overdue(world.users["group_manager"], today=TODAY)
    assert (manager.count, rows(manager)) == (1, [("Saigon Knit Group · Sign the policy", D(2026, 3, 31), "action_overdue")])
    park = queues.actions_overdue(world.users["park_operator"], today=TODAY)
    assert rows(park) == [("Park Operator JSC · Pipe treated water", D(2026, 1, 15), "action_overdue")]
    for who in ("neighbour_manager", "brand", "assessor"):
        assert queues.actions_overdue(world.users[who], today=TODAY).count == 0


def test_assessments_to_verify_and_returned_for_evidence(world, programme):
    from loomlight.assessments.models import Assessment

    own, neighbour = _assessment_world(world)
    Assessment.objects.filter(pk=own.pk).update(status="submitted", submitted_at=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC))
    Assessment.objects.filter(pk=neighbour.pk).update(status="evidence_requested", verification_comment="Attach the permit")
    verify = queues.assessments_to_verify(world.users["assessor"], today=TODAY)
    assert rows(verify) == [("Own Dyehouse · Mini facility assessment 2025", D(2026, 2, 1), "assessment_submitted")]
    assert queues.assessments_to_verify(world.users["manager"], today=TODAY).count == 0
    returned = queues.assessments_returned(world.users["neighbour_manager"], today=TODAY)
    assert [(i.label, i.comment) for i in returned.items] == [("Neighbour Sewing · Mini facility assessment 2025", "Attach the permit")]
    assert queues.assessments_returned(world.users["manager"], today=TODAY).count == 0


def test_assessment_queries_with_items(world, programme, django_assert_num_queries):
    """With items, each queue is its count and one query for the items (with their subjects and framework versions),
    whatever their number."""
    from loomlight.assessments import services
    from loomlight.assessments.models import Assessment

    own, neighbour = _assessment_world(world)
    Assessment.objects.filter(pk__in=[own.pk, neighbour.pk]).update(status="submitted")
    plan = services.plan_create(by=world.users["park_operator"], park=world.park, title="Plan", year=2026)
    for i in range(3):
        services.action_create(by=world.users["park_operator"], plan=plan, owner=world.park_operator_org,
                               title=f"Commitment {i}", due_date=D(2026, 1, 1 + i))
    for selector, who, count in ((queues.assessments_to_verify, "assessor", 2), (queues.actions_overdue, "park_operator", 3)):
        user = fresh(world.users[who])
        with django_assert_num_queries(2):
            assert selector(user, today=TODAY).count == count
