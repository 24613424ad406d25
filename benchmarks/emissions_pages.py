"""Emissions pages at portfolio scale: a programme's and a park's year over stored inventories.

    .venv/bin/python benchmarks/emissions_pages.py [--facilities 20000] [--years 2] [--repeat 5]

Builds a fresh SQLite database in a temporary folder (or uses DATABASE_URL), a synthetic programme
of N facilities in 20 parks (seeded), and stored inventory months for ``--years`` years (bulk
inserted: what the background recomputation would have stored) with their partial sums per
facility-year (``services.store_years``, timed), then times with Django's test
client the programme page and one park's page for the programme admin, and a facility's page for
its manager. Prints median and worst over the repeats and the time of the first request (which
imports Ibis and opens DuckDB). The programme page reads the partial sums of two years of the
facilities the admin may read and adds them up four ways on DuckDB; its months are summed by the
database. Every facility-month has a reporting period (60 % verified, 25 % submitted, 15 % draft), and the
last two rows time the pages with verified months only (``?basis=verified``; code before issue 14 ignores it).
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilities", type=int, default=20000)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client

    from loomlight.inventories.models import Inventory
    from loomlight.inventories.services import factors_version
    from loomlight.programmes.models import Programme
    from loomlight.registry.models import Facility, IndustrialPark, Membership, Organisation
    from loomlight.reporting.models import ReportingPeriod

    call_command("migrate", "--no-input", "--verbosity", "0")
    # code from before issue 14 has no Inventory.status: the same benchmark runs on it, without the field
    has_status = any(f.name == "status" for f in Inventory._meta.concrete_fields)

    def status_field(status: str) -> dict:
        return {"status": status} if has_status else {}

    rng = random.Random(20261123)
    started = time.perf_counter()
    parks = IndustrialPark.objects.bulk_create(IndustrialPark(name=f"Park {i:02d}", country="VN") for i in range(20))
    facilities = Facility.objects.bulk_create(
        Facility(name=f"Facility {i:06d}", country=("VN", "KH", "TH")[i % 3], tier=2, park=parks[i % 20],
                 processes=["dyeing"] if i % 2 else ["cut_make_trim"]) for i in range(args.facilities))
    implementer = Organisation.objects.create(name="Secretariat", kind="programme_implementer", country="VN")
    programme = Programme.objects.create(name="Bench", code="bench", implementer=implementer)
    programme.parks.add(*parks)
    year = datetime.date.today().year - 1
    numbers = [f.name for f in Inventory._meta.concrete_fields if f.get_internal_type() == "FloatField"]
    version, now = factors_version(), datetime.datetime.now(datetime.UTC)
    # every facility-month has its reporting period, as in a programme that uses the review: 60 % verified,
    # 25 % submitted, 15 % draft (the pages count them beside every figure; verified only sums those alone); the
    # stored month carries its period's state, as the recomputation and every transition keep it
    batch, periods = [], []
    for f in facilities:
        for y in range(year - args.years + 1, year + 1):
            for m in range(1, 13):
                values = {n: rng.random() * 100 for n in numbers}
                draw = rng.random()
                status = "verified" if draw < 0.60 else ("submitted" if draw < 0.85 else "draft")
                periods.append(ReportingPeriod(facility=f, period=datetime.date(y, m, 1), status=status))
                batch.append(Inventory(facility=f, period=datetime.date(y, m, 1), gwp_set="AR5", factors_version=version,
                                       computed_at=now, flags="", explanation={}, **values, **status_field(status)))
        if len(batch) >= 20000:
            Inventory.objects.bulk_create(batch)
            batch = []
    Inventory.objects.bulk_create(batch)
    for i in range(0, len(periods), 20000):
        ReportingPeriod.objects.bulk_create(periods[i:i + 20000])
    months = Inventory.objects.count()
    from loomlight.inventories.services import store_years

    store = time.perf_counter()
    store_years([f.pk for f in facilities], range(year - args.years + 1, year + 1))
    print(f"partial sums of {args.facilities * args.years:,} facility-years stored in {time.perf_counter() - store:.1f} s")
    print(f"generated {args.facilities:,} facilities, {months:,} inventory months in {time.perf_counter() - started:.1f} s")
    users = get_user_model()
    admin = users.objects.create_user("admin", password="x-bench-admin-1")
    Membership.objects.create(user=admin, role="programme_admin", programme=programme)
    manager = users.objects.create_user("manager", password="x-bench-manager-1")
    Membership.objects.create(user=manager, role="facility_manager", facility=facilities[1])
    pages = [("programme page (admin)", admin, f"/emissions/programmes/{programme.pk}/{year}/"),
             ("park page (admin)", admin, f"/emissions/parks/{parks[0].pk}/{year}/"),
             ("programme download, CSV (admin)", admin, f"/emissions/programmes/{programme.pk}/{year}/inventory.csv"),
             ("facility page (manager)", manager, f"/emissions/facilities/{facilities[1].pk}/{year}/"),
             # verified months only (issue 14): summed from the verified stored months, not the stored years
             ("programme page, verified only (admin)", admin, f"/emissions/programmes/{programme.pk}/{year}/?basis=verified"),
             ("facility page, verified only (manager)", manager,
              f"/emissions/facilities/{facilities[1].pk}/{year}/?basis=verified")]
    print(f"{'page':40} {'first s':>8} {'median s':>9} {'worst s':>8} {'KiB':>7}")
    for name, user, url in pages:
        client = Client()
        client.force_login(user)
        times = []
        for _ in range(args.repeat + 1):
            start = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - start)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{name:40} {times[0]:8.2f} {statistics.median(times[1:]):9.2f} {max(times[1:]):8.2f} "
              f"{len(response.content) / 1024:7.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
