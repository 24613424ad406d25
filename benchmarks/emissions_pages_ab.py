"""Two versions of the emissions pages timed in turns, request by request, on the same machine.

    LOOMLIGHT_DATA_DIR=/tmp/bench-before PYTHONPATH=<before>/src python <before>/benchmarks/emissions_pages.py
    LOOMLIGHT_DATA_DIR=/tmp/bench-after python benchmarks/emissions_pages.py
    python benchmarks/emissions_pages_ab.py --before-src <before>/src --before-data /tmp/bench-before \\
        --after-data /tmp/bench-after [--repeat 12] [programme park download facility verified]

Each version runs in its own process against the database its ``emissions_pages.py`` run left (the same
seeded programme of 20,000 facilities); the driver asks them for the same page in alternation (before, after,
after, before, ...), so that the machine's drift and its neighbours' load fall on both alike: on a shared
2-core machine whole runs differ by a fifth from one to the next, requests in turns by a few per cent.
Prints the median and the fastest of each, and after / before. ``verified`` (the programme page with
verified months only) exists from issue 14 on: code before it ignores ``?basis=``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

PAGES = ("programme", "park", "download", "facility", "verified")


def serve(data_dir: str) -> None:
    """The worker: logs in as the benchmark's users, then answers "<page>" lines with "<status> <seconds>"."""
    os.environ["LOOMLIGHT_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loomlight.site.settings")
    os.environ.setdefault("LOOMLIGHT_ENV", "test")
    os.environ.setdefault("LOOMLIGHT_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from loomlight.inventories.models import InventoryYear
    from loomlight.programmes.models import Programme
    from loomlight.registry.models import Facility, IndustrialPark

    users = get_user_model().objects
    admin, manager = users.get(username="admin"), users.get(username="manager")
    programme, park = Programme.objects.get(), IndustrialPark.objects.order_by("pk").first()
    facility = Facility.objects.order_by("pk")[1]
    year = InventoryYear.objects.order_by("-year").values_list("year", flat=True).first()   # the benchmark's last year
    urls = {"programme": (admin, f"/emissions/programmes/{programme.pk}/{year}/"),
            "park": (admin, f"/emissions/parks/{park.pk}/{year}/"),
            "download": (admin, f"/emissions/programmes/{programme.pk}/{year}/inventory.csv"),
            "facility": (manager, f"/emissions/facilities/{facility.pk}/{year}/"),
            "verified": (admin, f"/emissions/programmes/{programme.pk}/{year}/?basis=verified")}
    clients = {}
    for name, (user, _url) in urls.items():
        clients[name] = Client()
        clients[name].force_login(user)
    print("ready", flush=True)
    for line in sys.stdin:
        name = line.strip()
        start = time.perf_counter()
        response = clients[name].get(urls[name][1])
        print(f"{response.status_code} {time.perf_counter() - start:.4f}", flush=True)


def _start(src: str | None, data_dir: str) -> subprocess.Popen:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if src:
        env["PYTHONPATH"] = src
    process = subprocess.Popen([sys.executable, __file__, "--serve", data_dir], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    while (line := process.stdout.readline()) and line.strip() != "ready":
        pass
    return process


def _ask(process: subprocess.Popen, page: str) -> float:
    process.stdin.write(page + "\n")
    process.stdin.flush()
    status, seconds = process.stdout.readline().split()
    if status != "200":
        raise SystemExit(f"{page}: HTTP {status}")
    return float(seconds)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve")
    parser.add_argument("--before-src")
    parser.add_argument("--before-data")
    parser.add_argument("--after-src")
    parser.add_argument("--after-data")
    parser.add_argument("--repeat", type=int, default=12)
    parser.add_argument("pages", nargs="*", default=list(PAGES[:4]))
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return 0
    before, after = _start(args.before_src, args.before_data), _start(args.after_src, args.after_data)
    print(f"{'page':10} {'before median':>14} {'fastest':>8} {'after median':>13} {'fastest':>8} {'after/before':>13}")
    try:
        for page in args.pages:
            _ask(before, page), _ask(after, page)          # first requests: imports, DuckDB
            times: dict[str, list[float]] = {"before": [], "after": []}
            for i in range(args.repeat):
                order = (("before", before), ("after", after)) if i % 2 == 0 else (("after", after), ("before", before))
                for name, process in order:
                    times[name].append(_ask(process, page))
            b, a = statistics.median(times["before"]), statistics.median(times["after"])
            print(f"{page:10} {b:14.3f} {min(times['before']):8.3f} {a:13.3f} {min(times['after']):8.3f} {a / b:13.2f}")
    finally:
        before.kill()
        after.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
