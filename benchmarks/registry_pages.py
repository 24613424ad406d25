"""Registry pages at portfolio scale: how fast lists, search and the map answer.

    .venv/bin/python benchmarks/registry_pages.py [--facilities 20000] [--repeat 7]

Builds a fresh SQLite database in a temporary folder (or uses DATABASE_URL),
generates a synthetic programme of N facilities across 20 parks (seeded, so
the run is reproducible), and times, with Django's test client, the pages a
programme admin and a facility manager open most. Prints one row per page:
median and worst time over the repeats, response size and number of queries.
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from loomlight.programmes.models import Programme
    from loomlight.registry.models import Facility, IndustrialPark, Membership, Process
    from django.contrib.auth import get_user_model

    call_command("migrate", "--no-input", "--verbosity", "0")
    rng = random.Random(20261123)
    started = time.perf_counter()
    parks = IndustrialPark.objects.bulk_create(
        IndustrialPark(name=f"Park {i:02d}", country="VN", latitude=10 + rng.random() * 10, longitude=105 + rng.random() * 2)
        for i in range(20)
    )
    processes = list(Process.values)
    facilities = Facility.objects.bulk_create(
        (
            Facility(
                name=f"Facility {i:06d}", country="VN", tier=rng.choice([1, 2]), park=parks[i % 20] if i % 5 else None,
                processes=rng.sample(processes, 2), latitude=10 + rng.random() * 10, longitude=105 + rng.random() * 2,
                headcount_female=rng.randint(50, 3000), headcount_male=rng.randint(20, 1500),
            )
            for i in range(args.facilities)
        ),
        batch_size=2000,
    )
    programme = Programme.objects.create(name="Bench", code="bench")
    programme.parks.add(*parks)
    programme.facilities.add(*[f for f in facilities if f.park_id is None])
    User = get_user_model()
    admin = User.objects.create_user("bench-admin")
    manager = User.objects.create_user("bench-manager")
    Membership.objects.create(user=admin, role="programme_admin", programme=programme)
    Membership.objects.create(user=manager, role="facility_manager", facility=facilities[1])
    print(f"generated {args.facilities} facilities in {time.perf_counter() - started:.1f} s "
          f"on {connection.vendor}", flush=True)

    pages = [
        ("admin", "/registry/facilities/"),
        ("admin", "/registry/facilities/?search=Facility%200123&process=dyeing"),
        ("admin", "/registry/facilities/?page=400"),
        ("admin", "/registry/parks/"),
        ("admin", "/registry/map/data.geojson"),
        ("admin", "/"),
        ("manager", "/registry/facilities/"),
        ("manager", f"/registry/facilities/{facilities[1].pk}/"),
        ("manager", "/registry/map/data.geojson"),
    ]
    users = {"admin": admin, "manager": manager}
    print(f"{'user':<8} {'page':<58} {'median ms':>9} {'max ms':>8} {'KiB sent':>9} {'queries':>7}")
    for who, url in pages:
        client = Client(HTTP_ACCEPT_ENCODING="gzip")
        client.force_login(users[who])
        client.get(url)  # warm
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        gz = "z" if response.get("Content-Encoding") == "gzip" else " "
        print(f"{who:<8} {url:<58} {statistics.median(times):>9.1f} {max(times):>8.1f} "
              f"{len(response.content) / 1024:>8.1f}{gz} {len(queries):>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
