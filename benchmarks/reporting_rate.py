"""The reporting-rate page (reporting:rate) and its CSV at programme scale.

    .venv/bin/python benchmarks/reporting_rate.py [--facilities 20000] [--months 24] [--metrics 3] [--repeat 5]

Builds a fresh SQLite database in a temporary folder (or uses DATABASE_URL), a synthetic programme of N
facilities in 20 parks (seeded), ``--months`` months of month records for each up to the last month due (55 % verified,
20 % submitted, 10 % returned, 10 % draft, 5 % none) with ``--metrics`` values per recorded month (bulk inserted),
then times with Django's test client the programme admin's page (page 1, a later page, a park filter) and the CSV of
one park. Prints median and worst over the repeats, the size sent and the number of queries.
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
os.environ.setdefault("LOOMLIGHT_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

STATES = ["verified"] * 11 + ["submitted"] * 4 + ["returned"] * 2 + ["draft"] * 2 + [None]
METRICS = ["electricity_grid", "water_municipal", "production_kg", "fuel_diesel", "waste_nonhazardous_landfilled"]
UNITS = {"electricity_grid": "kWh", "water_municipal": "m³", "production_kg": "kg", "fuel_diesel": "L",
         "waste_nonhazardous_landfilled": "kg"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilities", type=int, default=20000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--metrics", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
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
    from loomlight.registry.models import Facility, IndustrialPark, Membership
    from loomlight.reporting.models import ActivityValue, ReportingPeriod
    from loomlight.reporting.rate import month_range
    from loomlight.site import periods as clock

    call_command("migrate", "--no-input", "--verbosity", "0")
    rng = random.Random(20261201)
    started = time.perf_counter()
    parks = IndustrialPark.objects.bulk_create(IndustrialPark(name=f"Park {i:02d}", country="VN") for i in range(20))
    facilities = Facility.objects.bulk_create(
        (Facility(name=f"Facility {i:06d}", country="VN", tier=1, park=parks[i % 20] if i % 5 else None,
                  processes=["dyeing"] if i % 3 else ["cut_make_trim"]) for i in range(args.facilities)),
        batch_size=2000)
    programme = Programme.objects.create(name="Bench", code="bench")
    programme.parks.add(*parks)
    programme.facilities.add(*[f for f in facilities if f.park_id is None])
    admin = get_user_model().objects.create_user("bench-admin")
    Membership.objects.create(user=admin, role="programme_admin", programme=programme)
    months = month_range(periods.last_due_month(clock.today(), clock.deadline_day()), args.months)
    records, values = [], []
    for f in facilities:
        for p in months:
            state = rng.choice(STATES)
            if state is None:
                continue
            records.append(ReportingPeriod(facility=f, period=p, status=state))
            for metric in METRICS[:args.metrics]:
                values.append(ActivityValue(facility=f, period=p, metric=metric, value=1.0, unit=UNITS[metric],
                                            original_value=1.0, original_unit=UNITS[metric], source="demo"))
        if len(values) > 200_000:
            ReportingPeriod.objects.bulk_create(records, batch_size=5000)
            ActivityValue.objects.bulk_create(values, batch_size=5000)
            records, values = [], []
    ReportingPeriod.objects.bulk_create(records, batch_size=5000)
    ActivityValue.objects.bulk_create(values, batch_size=5000)
    print(f"generated {args.facilities} facilities, {ReportingPeriod.objects.count()} month records and "
          f"{ActivityValue.objects.count()} values in {time.perf_counter() - started:.1f} s on {connection.vendor}",
          flush=True)

    pages = ["/data/rate/", "/data/rate/?page=200", f"/data/rate/?park={parks[3].pk}",
             f"/data/rate.csv?park={parks[3].pk}"]
    print(f"{'page':<40} {'median ms':>9} {'max ms':>8} {'KiB sent':>9} {'queries':>7}")
    for url in pages:
        client = Client()
        client.force_login(admin)
        client.get(url)  # warm
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"{url:<40} {statistics.median(times):>9.1f} {max(times):>8.1f} {len(response.content) / 1024:>9.1f} "
              f"{len(queries):>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
