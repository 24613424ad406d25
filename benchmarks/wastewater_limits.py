"""Wastewater compliance against every set of limits (issue 15): how much the national, permit and intake sets cost
beside the ZDHC-only judgement they extend, and how fast the pages that use them answer.

    .venv/bin/python benchmarks/wastewater_limits.py [--tenants 60] [--events 24] [--repeat 7]

Builds a fresh SQLite database in a temporary folder (or uses DATABASE_URL) with one Vietnamese park: its central
plant with intake limits, ``--tenants`` facilities sending to it (each with a permit of 7 limits) and one river
discharger, each with ``--events`` discharge samples of 20 parameters (seeded, so the run is reproducible). Then,
in the same run:

1. judging every sample of one tenant: the ZDHC-only ``event_compliance`` (the judgement before issue 15, the
   reference) against ``compliance`` with every set (national, permit, intake, ZDHC), in turns;
2. the pages and API routes, with Django's test client (no network): median and worst of ``--repeat`` after one
   warm-up, response size and number of queries.
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

PARAMETERS = [("ph", 6.0, 9.0, "pH"), ("cod", 40, 700, "mg/L"), ("bod5", 10, 300, "mg/L"), ("tss", 5, 250, "mg/L"),
              ("ammonium_n", 0.2, 20, "mg/L"), ("total_nitrogen", 2, 40, "mg/L"), ("total_phosphorus", 0.1, 5, "mg/L"),
              ("colour_436", 1, 40, "m-1"), ("aox", 0.05, 2, "mg/L"), ("sulfide", 0.05, 2, "mg/L"),
              ("chromium_total", 0.01, 0.4, "mg/L"), ("chromium_vi", 0.005, 0.1, "mg/L"), ("copper", 0.01, 1, "mg/L"),
              ("zinc", 0.05, 3, "mg/L"), ("lead", 0.002, 0.1, "mg/L"), ("nickel", 0.01, 0.3, "mg/L"),
              ("cadmium", 0.001, 0.05, "mg/L"), ("mercury", 0.0002, 0.005, "mg/L"), ("total_chlorine", 0.05, 1.5, "mg/L"),
              ("temperature_delta", 0.5, 12, "°C")]


def _time(fn, repeat: int) -> tuple[float, float]:
    fn()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), max(runs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenants", type=int, default=60)
    parser.add_argument("--events", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from loomlight.wastewater import selectors
    from loomlight.wastewater.rules import SiteRules

    admin, park, sites, river, events = build(args.tenants, args.events)
    return main_runs(args, admin, park, sites, river, events, connection, Client, selectors, SiteRules)


def build(tenants: int, samples: int):
    """The park, its plant, ``tenants`` tenants and a river discharger, with ``samples`` samples each; seeded."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from loomlight.programmes.models import Programme
    from loomlight.registry.models import Facility, IndustrialPark, Membership, SharedFacility
    from loomlight.wastewater import services
    from loomlight.wastewater.models import LabResult, SamplingEvent

    call_command("migrate", "--no-input", "--verbosity", "0")
    rng = random.Random(20261201)
    started = time.perf_counter()
    User = get_user_model()
    admin = User.objects.create_user("bench-admin")
    operator = User.objects.create_user("bench-operator")
    park = IndustrialPark.objects.create(name="Bench Park", country="VN", latitude=10.9, longitude=106.7)
    programme = Programme.objects.create(name="Bench", code="bench")
    programme.parks.add(park)
    Membership.objects.create(user=admin, role="programme_admin", programme=programme)
    Membership.objects.create(user=operator, role="park_operator", park=park)
    plant = SharedFacility.objects.create(park=park, kind="cetp", name="Bench CETP")
    for parameter, high, day in (("cod", "500", datetime.date(2023, 1, 1)), ("cod", "400", datetime.date(2025, 1, 1)),
                                 ("bod5", "250", datetime.date(2023, 1, 1)), ("tss", "200", datetime.date(2023, 1, 1))):
        services.intake_limit_set(by=operator, cetp=plant, parameter=parameter, limit_max=high, unit="mg/L", valid_from=day)
    sites = Facility.objects.bulk_create(Facility(name=f"Tenant {i:03d}", country="VN", park=park, tier=2, processes=["dyeing"])
                                         for i in range(tenants + 1))
    river = sites[-1]
    for i, site in enumerate(sites):
        if site is river:
            services.discharge_set(by=admin, facility=site, valid_from=datetime.date(2020, 1, 1), route="surface",
                                   receiving_water="Bench river", receiving_class="B", operating_since=datetime.date(2012, 5, 1))
        else:
            services.discharge_set(by=admin, facility=site, valid_from=datetime.date(2020, 1, 1), route="cetp", cetp=plant)
        permit = services.permit_save(by=admin, facility=site, number=f"{i}/GP-BENCH", issuing_body="Bench committee",
                                      issued_on=datetime.date(2020, 1, 1))
        for parameter, high in (("cod", "450"), ("bod5", "200"), ("tss", "150"), ("ammonium_n", "10"), ("total_nitrogen", "30"),
                                ("colour_436", "30"), ("chromium_vi", "0.05")):
            services.permit_limit_set(by=admin, permit=permit, parameter=parameter, limit_max=high,
                                      unit="m-1" if parameter == "colour_436" else "mg/L")
    events = SamplingEvent.objects.bulk_create(
        SamplingEvent(facility=site, sampled_on=datetime.date(2024, 1, 15) + datetime.timedelta(days=30 * k),
                      sampling_point="discharge", discharge_type="indirect", laboratory="Bench Lab")
        for site in sites for k in range(samples))
    LabResult.objects.bulk_create(
        LabResult(event=e, parameter=p, value=round(rng.uniform(lo, hi), 4), unit=unit)
        for e in events for p, lo, hi, unit in PARAMETERS)
    print(f"generated {len(sites)} facilities, {len(events)} samples, {len(events) * len(PARAMETERS)} results in "
          f"{time.perf_counter() - started:.1f} s on {connection.vendor}", flush=True)
    return admin, park, sites, river, events


def main_runs(args, admin, park, sites, river, events, connection, Client, selectors, SiteRules) -> int:

    # 1. judging one tenant's samples: ZDHC only (before issue 15) against every set, in turns
    tenant = sites[0]
    mine = list(tenant.sampling_events.prefetch_related("results"))
    turns = {"zdhc": [], "all": []}
    for _ in range(args.repeat + 1):
        for name in ("zdhc", "all"):
            t0 = time.perf_counter()
            if name == "zdhc":
                for e in mine:
                    selectors.event_compliance(e)
            else:
                rules = SiteRules(facility=tenant)
                for e in mine:
                    selectors.compliance(e, rules)
            turns[name].append((time.perf_counter() - t0) * 1000)
    zdhc, every = statistics.median(turns["zdhc"][1:]), statistics.median(turns["all"][1:])
    print(f"\njudging {len(mine)} samples × {len(PARAMETERS)} results, median of {args.repeat} turns:")
    print(f"  ZDHC only (reference)            {zdhc:8.1f} ms  ({zdhc / len(mine):.2f} ms a sample)")
    print(f"  every set (national, permit, intake, ZDHC) {every:8.1f} ms  ({every / len(mine):.2f} ms a sample), "
          f"{every / zdhc:.2f}× the reference")

    # 2. the pages and the API
    client = Client()
    client.force_login(admin)
    pages = [
        ("facility wastewater page (tenant)", f"/wastewater/facilities/{tenant.pk}/"),
        ("facility wastewater page (river, transition)", f"/wastewater/facilities/{river.pk}/"),
        ("sample page", f"/wastewater/events/{mine[-1].pk}/"),
        (f"park exceedances ({len(sites)} sites, newest {views_park_events()} samples)", f"/wastewater/parks/{park.pk}/"),
        ("API events of a facility (page of 50)", f"/api/v1/facilities/{tenant.pk}/wastewater/events"),
        ("API exceedances of a facility", f"/api/v1/facilities/{tenant.pk}/wastewater/exceedances"),
        ("API exceedances of the park (all samples)", f"/api/v1/parks/{park.pk}/wastewater/exceedances"),
        ("dashboard", f"/data/facilities/{tenant.pk}/dashboard/"),
    ]
    print(f"\n{'page':<58} {'median ms':>10} {'max ms':>8} {'KiB':>7} {'queries':>8}")
    for label, url in pages:
        count = []
        with connection.execute_wrapper(lambda execute, sql, params, many, context: count.append(sql) or execute(sql, params, many, context)):
            response = client.get(url)
        if response.status_code != 200:
            print(f"{label}: {response.status_code}", file=sys.stderr)
            return 1
        median, worst = _time(lambda: client.get(url), args.repeat)
        print(f"{label:<58} {median:10.1f} {worst:8.1f} {len(response.content) / 1024:7.1f} {len(count):8d}")
    return 0


def views_park_events() -> int:
    from loomlight.wastewater.views import PARK_EVENTS

    return PARK_EVENTS


if __name__ == "__main__":
    sys.exit(main())
