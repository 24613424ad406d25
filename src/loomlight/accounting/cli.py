"""``loomlight ghg``: a GHG inventory per facility and month from a CSV of activity data.

    loomlight ghg INPUT.csv [--gwp AR4|AR5|AR6] [--format csv|json] [--factors-version V] [-o OUT]
    loomlight ghg --list-metrics

INPUT.csv has the columns facility, country, period (YYYY-MM), metric (a catalogue
code), value, unit. Every row is checked before anything is written: a bad row (a
country not in reference/countries.csv among them) is reported on standard error with
its row number (the header is row 1) and column, and the command exits with status 2
and writes nothing.

A figure that cannot be counted is blank, never 0: scope 2 of a month with electricity
or instruments in a country without a grid factor is an empty cell in CSV and null in
JSON, with the flag "no grid emission factor for XX: scope 2 not counted".
"""

from __future__ import annotations

import csv
import io
import json
import sys

from loomlight.accounting import inventory
from loomlight.reference.metrics import metrics

ERRORS_SHOWN = 50
EXAMPLE_UNITS = {
    "energy": "kWh, MWh, GJ, MJ", "mass": "kg, t, short_ton", "volume": "L, m³, US gallon",
    "time": "hour", "length": "m, km", "pieces": "piece", "pairs": "pair", "people": "person", "events": "count",
}


def list_metrics(out) -> None:
    from loomlight.calc.units import dimension_of

    out.write("code\tcanonical_unit\taccepted_units\tname\n")
    for m in metrics().values():
        dims = [dimension_of(m.canonical_unit), *m.also_accepts]
        units = "; ".join(EXAMPLE_UNITS.get(d, m.canonical_unit) for d in dims)
        out.write(f"{m.code}\t{m.canonical_unit}\t{units} (any unit of the same dimension)\t{m.name}\n")


def read_activities(text: str) -> tuple[list, list[str]]:
    """(activities, errors): every row is checked; errors name the row and column."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in inventory.COLUMNS if c not in header]
    if missing:
        return [], [f"row 1: missing column(s) {', '.join(missing)}; the header must name {', '.join(inventory.COLUMNS)}"]
    reader.fieldnames = header
    activities, errors = [], []
    for number, row in enumerate(reader, start=2):
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue
        if None in row:
            errors.append(f"row {number}: more cells than columns ({len(header)})")
            continue
        try:
            activities.append((number, inventory.activity(row)))
        except inventory.RowError as exc:
            errors.append(f"row {number}, column {exc.column}: {exc}")
    return activities, errors


def main(args) -> int:
    err = sys.stderr
    if args.list_metrics:
        list_metrics(sys.stdout)
        return 0
    if not args.input:
        err.write("loomlight ghg: give INPUT.csv (or --list-metrics)\n")
        return 2
    shipped = inventory.factors_version()
    if args.factors_version and args.factors_version != shipped:
        err.write(f"loomlight ghg: factors version {args.factors_version} is not shipped here; this installation has {shipped}\n")
        return 2
    try:
        with open(args.input, encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        err.write(f"loomlight ghg: cannot read {args.input}: {exc}\n")
        return 2
    rows, errors = read_activities(text)
    if not errors:
        try:
            months = inventory.group(a for _n, a in rows)
        except inventory.RowError as exc:
            errors.append(f"column {exc.column}: {exc}")
    if errors:
        for line in errors[:ERRORS_SHOWN]:
            err.write(line + "\n")
        if len(errors) > ERRORS_SHOWN:
            err.write(f"... and {len(errors) - ERRORS_SHOWN} more\n")
        err.write(f"loomlight ghg: {len(errors)} problem(s) in {args.input}; nothing was written\n")
        return 2
    results = [inventory.facility_month(m, gwp_set=args.gwp, uncounted=None) for m in months]
    if args.format == "json":
        content = json.dumps({"gwp": args.gwp, "factors_version": shipped, "results": results}, indent=2, ensure_ascii=False)
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=inventory.OUTPUT, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for r in results:
            writer.writerow({k: (f"{v:.6f}" if isinstance(v, float) else v) for k, v in r.items()})
        content = buffer.getvalue()
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
    else:
        sys.stdout.write(content)
    return 0


def add_parser(sub) -> None:
    from loomlight.reference.ghg_factors import DEFAULT_GWP, GWP_SETS

    ghg = sub.add_parser("ghg", help="GHG inventory per facility and month from a CSV of activity data (no database)")
    ghg.add_argument("input", nargs="?", help="CSV with columns facility, country, period, metric, value, unit")
    ghg.add_argument("--gwp", choices=GWP_SETS, default=DEFAULT_GWP, help=f"GWP set (default {DEFAULT_GWP})")
    ghg.add_argument("--format", choices=("csv", "json"), default="csv")
    ghg.add_argument("--factors-version", help="refuse to run unless the shipped factors are this version")
    ghg.add_argument("-o", "--output", help="write here instead of standard output")
    ghg.add_argument("--list-metrics", action="store_true", help="print the metric codes and accepted units")
    ghg.set_defaults(func=main)
