"""A later run of the demo adds the months, samples and chemical uses that have passed since its last build, in the
states of the new day, and changes nothing else; they hold what a demo built afresh on that day holds.

Apart from tests/demo/test_current.py: its module-wide demo would be in the database of these tests."""

from __future__ import annotations

import datetime
from collections import Counter

import time_machine
from django.db import transaction

from loomlight.audit.models import AuditEvent
from loomlight.chemicals.models import ChemicalUse
from loomlight.demo.generator import load_demo
from loomlight.reporting.models import ActivityValue, ReportingPeriod
from loomlight.wastewater.models import SamplingEvent
from tests.demo.helpers import BUILD_DAY

BUILD = BUILD_DAY  # 10 April 2026: the last complete month is March
LATER = BUILD + datetime.timedelta(days=45)  # 25 May 2026: April is over and was due on 20 May
MANAGER_FACILITY = "Hung Phat Sportswear"


def _month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1)


def _monthly_rows():
    return {(r.facility.name, r.period): (r.status, r.submitted_by_id, r.submitted_at, r.verified_by_id, r.verified_at, r.comment)
            for r in ReportingPeriod.objects.select_related("facility")}


def _values():
    return {(v.facility.name, v.period, v.metric): (v.value, v.unit, v.flag, v.entered_by_id, v.entered_at)
            for v in ActivityValue.objects.select_related("facility")}


def _events():
    return {e.pk: (e.at, e.actor_id, e.action, e.object_type, e.object_id, e.before, e.after, e.via)
            for e in AuditEvent.objects.all()}


def _samples():
    return {(e.facility_id, e.shared_facility_id, e.sampled_on, e.sampling_point):
            tuple(sorted(e.results.values_list("parameter", "value"))) for e in SamplingEvent.objects.all()}


def _uses():
    return dict(((u.product.facility.name, u.product.name, u.period), u.quantity_kg)
                for u in ChemicalUse.objects.select_related("product__facility"))


def _everything():
    return _monthly_rows(), _values(), _events(), _samples(), _uses()


def test_a_later_run_adds_the_months_since_and_changes_nothing_else(db):
    with transaction.atomic():  # rolled back at the end, to build afresh on the later day
        # given the demo built on 10 April 2026
        with time_machine.travel(BUILD, tick=False):
            load_demo()
            again = load_demo()  # the same day: nothing to add
        assert (again.created, again.added_months) == (False, 0)
        rows, values, events, samples, uses = _everything()

        # when it runs again 45 days later
        with time_machine.travel(LATER, tick=False):
            summary = load_demo()

        # then every earlier month, value, audit event, sample and chemical use is as it was
        rows2, values2, events2, samples2, uses2 = _everything()
        assert {k: rows2[k] for k in rows} == rows
        assert {k: values2[k] for k in values} == values
        assert {k: events2[k] for k in events} == events
        assert {k: samples2[k] for k in samples} == samples
        assert {k: uses2[k] for k in uses} == uses
        # and April 2026, over since 1 May and due on 20 May, is added in the states of 25 May: drafts of those on
        # time and with a backlog (33 + 8); the others have not entered it yet
        added = {k: v for k, v in rows2.items() if k not in rows}
        assert {period for _name, period in added} == {_month(2026, 4)}
        assert summary.added_months == len(added) == 41 and summary.through == _month(2026, 4)
        assert Counter(status for status, *_ in added.values()) == {"draft": 41}
        assert (MANAGER_FACILITY, _month(2026, 4)) not in rows2  # the newest due month missing at first
        assert (MANAGER_FACILITY, _month(2026, 3)) not in rows2  # March, missing on 10 April: nobody entered it
        # the samples since: the new laundry's monthly ones (15 April, 15 May), the quarterly ones of 15 May
        # (facilities) and 16 May (central plants); and April's chemical uses
        assert {day for (_f, _s, day, _p) in samples2.keys() - samples.keys()} == {
            datetime.date(2026, 4, 15), datetime.date(2026, 5, 15), datetime.date(2026, 5, 16)}
        assert {period for (_f, _p, period) in uses2.keys() - uses.keys()} == {_month(2026, 4)}
        builds = AuditEvent.objects.filter(object_type="demo.build").order_by("at")
        assert [e.after["through"] for e in builds] == ["2026-03-01", "2026-04-01"]
        new_values = {k: v[:3] for k, v in values2.items() if k[1] == _month(2026, 4)}
        new_rows = {k: v[0] for k, v in added.items()}
        transaction.set_rollback(True)

    # and the added months hold what a demo built afresh on 25 May holds for them
    assert not ReportingPeriod.objects.exists()
    with time_machine.travel(LATER, tick=False):
        load_demo()
    fresh_rows = {(r.facility.name, r.period): r.status
                  for r in ReportingPeriod.objects.filter(period=_month(2026, 4)).select_related("facility")}
    fresh_values = {(v.facility.name, v.period, v.metric): (v.value, v.unit, v.flag)
                    for v in ActivityValue.objects.filter(period=_month(2026, 4)).select_related("facility")}
    assert fresh_rows == new_rows
    assert fresh_values == new_values


def test_a_demo_built_before_builds_were_recorded_is_extended_after_its_last_month(db):
    # given a demo whose build is not recorded (as those built before the demo recorded its builds)
    with time_machine.travel(BUILD, tick=False):
        load_demo()
    AuditEvent.objects.filter(object_type="demo.build").delete()
    before = set(ReportingPeriod.objects.values_list("facility_id", "period"))
    # when it runs again 45 days later
    with time_machine.travel(LATER, tick=False):
        summary = load_demo()
    # then it continues after its latest month (March 2026) with the default seed, and records the build
    added = set(ReportingPeriod.objects.values_list("facility_id", "period")) - before
    assert {period for _f, period in added} == {_month(2026, 4)} and summary.added_months == len(added) == 41
    (build,) = AuditEvent.objects.filter(object_type="demo.build")
    assert build.after == {"day": "2026-05-25", "seed": 2026, "through": "2026-04-01"}
    assert build.before == {"day": "2026-04-01", "seed": 2026, "through": "2026-03-01"}
