"""Excel import at scale: a 100,000-row upload checked and stored, against openpyxl reading it alone.

    .venv/bin/python benchmarks/excel_import.py [--rows 100000] [--small 25000] [--seed 20261123]

Generates (seeded) workbooks of the monthly data template for one facility: 59
metrics x 6 qualifiers, month after month from January 2001, every unit family
the catalogue accepts, months as text and as date cells; a corrected copy of the
large file with every value changed. Then measures, each in a fresh child process
(so that its peak memory is its own) and, for the imports, a fresh SQLite database:

- ``read``     openpyxl alone: load_workbook(read_only=True), iterate every row (values only);
- ``import``   the service ``activity_values_import`` (check, then store with audit events);
- ``again``    the same file a second time (changes nothing);
- ``correct``  the corrected file (every value updated and audited);

for the large file, and ``read`` and ``import`` for the small one, to show that peak
memory does not grow with the file. Prints wall time, the importing process's CPU time
(user + system, without the parser process: steadier than wall time when the machine
is shared), peak RSS of the child
(``ru_maxrss``) and its growth over the child's baseline (after imports, migration
and set-up, before the measured step). A large data sheet is parsed by a grandchild
process (``reporting/imports/parse.py``); its peak RSS is printed as "parser process peak".
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUALIFIERS = 6
FIRST_YEAR = 2001
UNITS = {   # canonical unit -> spellings a factory might use, all convertible to it
    "kWh": ["kWh", "MWh", "GJ", "MJ"], "GJ": ["GJ", "MJ", "kWh", "TJ"], "MWh": ["MWh", "kWh", "GWh"],
    "m³": ["m³", "m3", "L", "litres"], "kg": ["kg", "tonne", "t", "kgs"], "piece": ["piece", "pcs"], "pair": ["pair", "pairs"],
    "m": ["m", "km"], "hour": ["hour", "h"], "person": ["person", "people"], "count": ["count"],
}


def peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def cpu_seconds() -> float:
    """User and system CPU time of this process (not the parser child): steadier than wall time on a busy machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- generating the files --------------------------------------------------------

def generate(path: Path, rows: int, seed: int, *, facility_id: int, scale: float = 1.0) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from loomlight.reference.metrics import metrics
    from loomlight.reporting.imports.template import ABOUT_SHEET, COLUMNS, DATA_SHEET, TEMPLATE_NAME, TEMPLATE_VERSION

    rng = random.Random(seed)
    series = [(m, f"line {q + 1}") for q in range(QUALIFIERS) for m in metrics().values()]
    level = {(m.code, q): rng.uniform(10, 50_000) for m, q in series}
    unit = {(m.code, q): rng.choice(UNITS[m.canonical_unit]) for m, q in series}
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET)
    ws.append(list(COLUMNS))
    written, month = 0, FIRST_YEAR * 12
    while written < rows:
        year, number = divmod(month, 12)
        if month % 2:
            when = WriteOnlyCell(ws, value=datetime.datetime(year, number + 1, 1))
            when.number_format = "yyyy-mm"
        else:
            when = f"{year}-{number + 1:02d}"
        for m, q in series:
            if written == rows:
                break
            value = level[(m.code, q)] * max(0.0, rng.gauss(1.0, 0.15)) * (5 if rng.random() < 0.01 else 1)
            ws.append([facility_id, when, m.code, q, round(value * scale, 3), unit[(m.code, q)]])
            written += 1
        month += 1
    about = wb.create_sheet(ABOUT_SHEET)
    for row in (("template", TEMPLATE_NAME), ("version", TEMPLATE_VERSION), ("facility_id", facility_id)):
        about.append(list(row))
    wb.save(path)


# --- the measured steps, one child process each ---------------------------------

def child_read(path: Path) -> dict:
    from openpyxl import load_workbook

    baseline = peak_kib()
    started = time.perf_counter()
    wb = load_workbook(path, read_only=True)
    rows = sum(1 for _row in wb["data"].iter_rows(values_only=True)) - 1
    wb.close()
    return {"seconds": time.perf_counter() - started, "rows": rows, "baseline_kib": baseline, "peak_kib": peak_kib()}


def child_import(path: Path, mode: str, corrected: Path | None) -> dict:
    os.environ["LOOMLIGHT_DATA_DIR"] = tempfile.mkdtemp(prefix="loomlight-bench-")
    os.environ.setdefault("LOOMLIGHT_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loomlight.site.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from loomlight.audit.models import AuditEvent
    from loomlight.registry.models import Facility, Membership
    from loomlight.reporting.imports.writer import activity_values_import
    from loomlight.reporting.models import ActivityValue

    call_command("migrate", "--no-input", "--verbosity", "0")
    facility = Facility.objects.create(name="Bench Dyehouse", country="VN", tier=2, processes=["dyeing"])
    user = get_user_model().objects.create_user("bench-data-entry")
    Membership.objects.create(user=user, role="facility_data_entry", facility=facility)
    assert facility.pk == 1, "the generated files name facility 1"
    today = datetime.date(2026, 11, 23)
    if mode in ("again", "correct"):
        first = activity_values_import(by=user, facility=facility, path=path, today=today)
        assert first.ok, first.issues[:3]
    target = corrected if mode == "correct" else path
    baseline = peak_kib()
    cpu_before = cpu_seconds()
    started = time.perf_counter()
    result = activity_values_import(by=user, facility=facility, path=target, today=today)
    seconds = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    assert result.ok, [i.as_dict() for i in result.issues[:3]]
    return {
        "seconds": seconds, "cpu_seconds": cpu, "rows": result.rows, "created": result.created, "updated": result.updated,
        "unchanged": result.unchanged, "values": ActivityValue.objects.count(), "audit_events": AuditEvent.objects.count(),
        "flagged": ActivityValue.objects.exclude(flag="").count(), "database": connection.vendor,
        "baseline_kib": baseline, "peak_kib": peak_kib(),
        # the worksheet parser of a large sheet runs as a child process: its own peak
        "parser_peak_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }


def measure(step: str, path: Path, corrected: Path | None = None) -> dict:
    command = [sys.executable, __file__, "--child", step, "--file", str(path)]
    if corrected:
        command += ["--corrected", str(corrected)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--child", choices=["read", "import", "again", "correct"])
    parser.add_argument("--file", type=Path)
    parser.add_argument("--corrected", type=Path)
    args = parser.parse_args()

    if args.child == "read":
        print(json.dumps(child_read(args.file)))
        return 0
    if args.child:
        print(json.dumps(child_import(args.file, args.child, args.corrected)))
        return 0

    os.environ.setdefault("LOOMLIGHT_ENV", "test")
    os.environ.setdefault("LOOMLIGHT_DATA_DIR", tempfile.mkdtemp(prefix="loomlight-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loomlight.site.settings")
    import django

    django.setup()
    folder = Path(tempfile.mkdtemp(prefix="loomlight-excel-"))
    large, small, corrected = folder / f"rows-{args.rows}.xlsx", folder / f"rows-{args.small}.xlsx", folder / "corrected.xlsx"
    started = time.perf_counter()
    generate(large, args.rows, args.seed, facility_id=1)
    generate(small, args.small, args.seed, facility_id=1)
    generate(corrected, args.rows, args.seed, facility_id=1, scale=1.01)
    print(f"generated {args.rows:,} + {args.small:,} + {args.rows:,} rows in {time.perf_counter() - started:.1f} s: "
          f"{large.stat().st_size / 2**20:.1f} MiB, {small.stat().st_size / 2**20:.1f} MiB, {corrected.stat().st_size / 2**20:.1f} MiB "
          f"({os.cpu_count()} CPUs, Python {sys.version.split()[0]})", flush=True)

    print(f"{'step':<40} {'rows':>8} {'seconds':>8} {'cpu s':>6} {'peak MiB':>9} {'growth MiB':>11}  result")
    for label, step, path, extra in (
        (f"openpyxl read-only, values ({args.rows:,})", "read", large, None),
        (f"import, fresh database ({args.rows:,})", "import", large, None),
        (f"same file again ({args.rows:,})", "again", large, None),
        (f"corrected file, all changed ({args.rows:,})", "correct", large, corrected),
        (f"openpyxl read-only, values ({args.small:,})", "read", small, None),
        (f"import, fresh database ({args.small:,})", "import", small, None),
    ):
        m = measure(step, path, extra)
        detail = "" if step == "read" else (
            f"created {m['created']:,}, updated {m['updated']:,}, unchanged {m['unchanged']:,}; "
            f"{m['values']:,} values, {m['audit_events']:,} audit events, {m['flagged']:,} flagged ({m['database']}); "
            f"parser process peak {m['parser_peak_kib'] / 1024:.0f} MiB")
        growth = "–" if step in ("again", "correct") else f"{(m['peak_kib'] - m['baseline_kib']) / 1024:.0f}"  # a first import ran before
        cpu = f"{m['cpu_seconds']:.1f}" if "cpu_seconds" in m else "–"
        print(f"{label:<40} {m['rows']:>8,} {m['seconds']:>8.1f} {cpu:>6} {m['peak_kib'] / 1024:>9.0f} {growth:>11}  {detail}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
