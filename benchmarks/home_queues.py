"""The home page with its work queues (issue 16) for a programme admin of 20,000 facilities: target 300 ms.

    .venv/bin/python benchmarks/home_queues.py [--facilities 20000] [--months 24] [--repeat 9] [--reuse]

Builds a fresh SQLite database in a temporary folder (or uses DATABASE_URL) with one programme of ``--facilities``
facilities across 20 parks (a fifth outside any park), each with ``--months`` months up to the latest month due,
in mixed states (seeded, so the run is reproducible): of 100 facility-months about 70 verified, 10 submitted,
4 returned, 6 drafts and 10 never reported, with one value each (about 1 in 40 flagged). Then, in the same run,
with Django's test client (no network), median and worst of ``--repeat`` after one warm-up:

1. the home page of the programme admin (its three queues: months awaiting verification, facilities late,
   flagged values in submitted months; and the counts the page showed before);
2. the named references: the home page as it was before the queues (``registry.selectors.home_summary`` alone:
   ``facilities_visible(user).count()`` and the other counts), and the late-facilities count written by hand in
   SQL;
3. each of the admin's queue selectors alone, and the home page of one facility's manager.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time

os.environ.setdefault("LOOMLIGHT_ENV", "test")
os.environ.setdefault("LOOMLIGHT_DATA_DIR", tempfile.mkdtemp(prefix="loomlight-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loomlight.site.settings")
os.environ.setdefault("LOOMLIGHT_ALLOWED_HOSTS", "testserver")

TARGET_MS = 300


def _time(fn, repeat: int) -> tuple[float, float]:
    fn()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), max(runs)


def generate(args, months) -> None:
    """The programme: ``--facilities`` facilities in 20 parks, each with ``--months`` months in mixed states."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from loomlight.programmes.models import Programme
    from loomlight.registry.models import Facility, IndustrialPark, Membership
    from loomlight.reporting.models import ActivityValue, ReportingPeriod

    rng = random.Random(20261201)
    started = time.perf_counter()
    registered = datetime.datetime(months[0].year, months[0].month, 1, tzinfo=datetime.UTC)
    parks = IndustrialPark.objects.bulk_create(IndustrialPark(name=f"Park {i:02d}", country="VN") for i in range(20))
    facilities = Facility.objects.bulk_create(
        (Facility(name=f"Facility {i:06d}", country="VN", tier=rng.choice([1, 2]), park=parks[i % 20] if i % 5 else None,
                  processes=["dyeing"] if i % 3 == 0 else ["cut_make_trim"], created_at=registered)
         for i in range(args.facilities)), batch_size=2000)
    programme = Programme.objects.create(name="Bench", code="bench")
    programme.parks.add(*parks)
    programme.facilities.add(*[f for f in facilities if f.park_id is None])
    states = ["verified"] * 70 + ["submitted"] * 10 + ["returned"] * 4 + ["draft"] * 6 + [None] * 10
    period_rows, value_rows = [], []
    for f in facilities:
        for month in months:
            state = rng.choice(states)
            if state is None:
                continue
            period_rows.append(ReportingPeriod(facility_id=f.pk, period=month, status=state))
            value_rows.append(ActivityValue(facility_id=f.pk, period=month, metric="electricity_grid", value=1000, unit="kWh",
                                            original_value=1000, original_unit="kWh", source="upload",
                                            flag="high" if rng.random() < 0.025 else ""))
        if len(period_rows) >= 50000:
            ReportingPeriod.objects.bulk_create(period_rows, batch_size=5000)
            ActivityValue.objects.bulk_create(value_rows, batch_size=5000)
            period_rows, value_rows = [], []
    ReportingPeriod.objects.bulk_create(period_rows, batch_size=5000)
    ActivityValue.objects.bulk_create(value_rows, batch_size=5000)
    User = get_user_model()
    admin = User.objects.create_user("bench-admin")
    manager = User.objects.create_user("bench-manager")
    Membership.objects.create(user=admin, role="programme_admin", programme=programme)
    Membership.objects.create(user=manager, role="facility_manager", facility=facilities[1])
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilities", type=int, default=20000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--reuse", action="store_true", help="time the programme a previous run left in LOOMLIGHT_DATA_DIR")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from loomlight.calc import periods
    from loomlight.programmes.models import Programme
    from loomlight.registry import selectors as registry_selectors
    from loomlight.registry.models import Facility
    from loomlight.reporting.models import ActivityValue, ReportingPeriod
    from loomlight.site.periods import deadline_day, today
    from loomlight.work import queues

    call_command("migrate", "--no-input", "--verbosity", "0")
    now = today()
    last_y, last_m = periods.last_due_month(now, deadline_day())
    last = last_y * 12 + last_m - 1
    months = [datetime.date((last - k) // 12, (last - k) % 12 + 1, 1) for k in range(args.months)][::-1]
    User = get_user_model()
    if not (args.reuse and User.objects.filter(username="bench-admin").exists()):
        generate(args, months)
    admin, manager = User.objects.get(username="bench-admin"), User.objects.get(username="bench-manager")
    programme = Programme.objects.get(code="bench")
    print(f"{Facility.objects.count()} facilities × {args.months} months ({ReportingPeriod.objects.count()} months on "
          f"record, {ActivityValue.objects.count()} values) on {connection.vendor}; "
          f"today {now}, latest month due {months[-1]:%Y-%m}", flush=True)

    def page(user, url="/"):
        client = Client()
        client.force_login(user)

        def get():
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response
        return get

    def plain_home():
        """The page before the queues: what home_summary counts, without them."""
        from loomlight.registry import policy
        policy.forget(admin)
        registry_selectors.home_summary(admin)

    # The late-facilities queue by hand: those of the programme that owe the latest month due and did not hand it in.
    late_sql = """
        SELECT COUNT(*) FROM registry_facility f
        WHERE (f.id IN (SELECT facility_id FROM programmes_programme_facilities WHERE programme_id = %s)
               OR f.park_id IN (SELECT industrialpark_id FROM programmes_programme_parks WHERE programme_id = %s))
          AND (f.created_at < %s OR EXISTS (SELECT 1 FROM reporting_reportingperiod p
                                            WHERE p.facility_id = f.id AND p.period <= %s))
          AND NOT EXISTS (SELECT 1 FROM reporting_reportingperiod p WHERE p.facility_id = f.id AND p.period = %s
                          AND p.status IN ('submitted', 'verified', 'returned'))"""
    month_end = datetime.datetime(months[-1].year + months[-1].month // 12, months[-1].month % 12 + 1, 1, tzinfo=datetime.UTC)

    def hand_sql():
        with connection.cursor() as cursor:
            cursor.execute(late_sql, [programme.pk, programme.pk, month_end, months[-1], months[-1]])
            return cursor.fetchone()[0]

    def selector(fn):
        def run():
            from loomlight.registry import policy
            policy.forget(admin)
            return fn(admin, today=now)
        return run

    late = selector(queues.facilities_late)()
    print(f"facilities late: {late.count} (hand-written SQL: {hand_sql()}); awaiting verification: "
          f"{selector(queues.months_awaiting_verification)().count}; flagged in submitted months: "
          f"{selector(queues.values_flagged_submitted)().count}", flush=True)

    rows = [
        ("admin", "**home page with its queues**", page(admin)),
        ("admin", "reference: home page before the queues (`home_summary` alone)", plain_home),
        ("admin", "reference: late facilities counted by one hand-written SQL aggregate", hand_sql),
        ("admin", "queue: months awaiting verification", selector(queues.months_awaiting_verification)),
        ("admin", "queue: facilities late", selector(queues.facilities_late)),
        ("admin", "queue: flagged values in submitted months", selector(queues.values_flagged_submitted)),
        ("manager", "home page with its queues (one facility)", page(manager)),
    ]
    print(f"{'user':<8} {'what':<72} {'median ms':>9} {'max ms':>8} {'queries':>7}")
    for who, what, fn in rows:
        median, worst = _time(fn, args.repeat)
        with CaptureQueriesContext(connection) as queries:
            fn()
        print(f"{who:<8} {what:<72} {median:>9.1f} {worst:>8.1f} {len(queries):>7}", flush=True)
        if what.startswith("**"):
            verdict = "meets" if median <= TARGET_MS else "MISSES"
            print(f"         {verdict} the target of {TARGET_MS} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
