"""The audit trail at portfolio scale: the list page, its filters and the download.

    .venv/bin/python benchmarks/audit_trail.py [--facilities 20000] [--events 500000] [--repeat 5]

Builds a fresh SQLite database in a temporary folder (or uses DATABASE_URL), a synthetic programme of N facilities
in 20 parks (seeded), and M audit events of monthly values spread over the facilities and 24 months (bulk
inserted, each with its facility and month as audit_record fills them), then times with Django's test client the
audit page for the programme admin (all, one facility, one month, a late page) and for one facility's manager, and
the download of one facility's month. Prints median and worst over the repeats, the size and the queries.
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilities", type=int, default=20000)
    parser.add_argument("--events", type=int, default=500000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true", help="keep the data already in DATABASE_URL's database")
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from loomlight.audit.models import AuditEvent
    from loomlight.programmes.models import Programme
    from loomlight.registry.models import Facility, IndustrialPark, Membership

    call_command("migrate", "--no-input", "--verbosity", "0")
    if args.reuse and AuditEvent.objects.exists():
        return _time(args)
    rng = random.Random(20261201)
    started = time.perf_counter()
    parks = IndustrialPark.objects.bulk_create(IndustrialPark(name=f"Park {i:02d}", country="VN") for i in range(20))
    facilities = Facility.objects.bulk_create(
        (Facility(name=f"Facility {i:06d}", country="VN", tier=2, park=parks[i % 20] if i % 5 else None)
         for i in range(args.facilities)), batch_size=2000)
    programme = Programme.objects.create(name="Bench", code="bench")
    programme.parks.add(*parks)
    programme.facilities.add(*[f for f in facilities if f.park_id is None])
    User = get_user_model()
    admin, manager, clerk = (User.objects.create_user(n) for n in ("bench-admin", "bench-manager", "bench-clerk"))
    Membership.objects.create(user=admin, role="programme_admin", programme=programme)
    Membership.objects.create(user=manager, role="facility_manager", facility=facilities[1])
    months = [datetime.date(2024 + m // 12, m % 12 + 1, 1) for m in range(24)]
    now = timezone.now()
    batch = []
    for i in range(args.events):
        facility = facilities[1] if i % 500 == 0 else facilities[rng.randrange(args.facilities)]
        period = months[rng.randrange(24)]
        value = rng.randint(1000, 900000)
        snap = {"id": i, "facility_id": facility.pk, "period": period.isoformat(), "metric": "electricity_grid",
                "qualifier": "", "original_value": value, "original_unit": "kWh", "value": value, "unit": "kWh"}
        batch.append(AuditEvent(at=now - datetime.timedelta(minutes=args.events - i), actor=clerk, action="create",
                                object_type="reporting.activityvalue", object_id=str(i), object_repr=f"value {i}",
                                after=snap, via="form", facility_id=facility.pk, period=period))
        if len(batch) == 5000:
            AuditEvent.objects.bulk_create(batch)
            batch = []
    AuditEvent.objects.bulk_create(batch)
    print(f"generated {args.facilities} facilities and {args.events} events in {time.perf_counter() - started:.1f} s "
          f"on {connection.vendor}", flush=True)

    return _time(args)


def _time(args) -> int:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from loomlight.registry.models import Membership

    User = get_user_model()
    admin, manager = User.objects.get(username="bench-admin"), User.objects.get(username="bench-manager")
    one = Membership.objects.get(user=manager).facility_id
    pages = [
        ("admin", "/audit/"),
        ("admin", f"/audit/?facility={one}"),
        ("admin", "/audit/?month=2025-06"),
        ("admin", "/audit/?page=200"),
        ("manager", "/audit/"),
        ("manager", f"/audit/audit-trail.csv?facility={one}&month=2025-06"),
    ]
    users = {"admin": admin, "manager": manager}
    print(f"{'user':<8} {'page':<50} {'median ms':>9} {'max ms':>8} {'KiB':>8} {'queries':>7}")
    for who, url in pages:
        client = Client()
        client.force_login(users[who])

        def get():
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            return response, body

        get()  # warm
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response, body = get()
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            get()
        print(f"{who:<8} {url:<50} {statistics.median(times):>9.1f} {max(times):>8.1f} {len(body) / 1024:>8.1f} "
              f"{len(queries):>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
