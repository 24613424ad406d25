"""Portfolio inventories at scale: 10 million activity rows into per-facility-month inventories.

    .venv/bin/python benchmarks/portfolio_inventory.py [--facilities 20000] [--years 5] [--runs 5]
                                                        [--sample 200000] [--seed 20261123] [--dir DIR]

Generates (seeded, numpy) a synthetic portfolio: ``--facilities`` facilities in the twelve
programme countries x ``--years`` x 12 months x 8 or 9 metrics each (grid electricity, one or two
fuels among coal, diesel, LPG, natural gas, rice husk and wood chips, two water sources,
wastewater, two waste routes, output in kg, metres, pieces or pairs; a sixth buy I-RECs): 10.0
million rows at the defaults, the rows of a facility-month together as the platform stores them. They are stored once in a DuckDB database file with the metric coefficients and grid
factors (``loomlight.analytics.coefficients``). Then, each in a fresh child process (so that
its peak memory is its own), on 2 DuckDB threads:

- ``ours``    ``portfolio.inventory`` (the Ibis expression the platform runs), materialised as a
              table: ``--runs`` times, the median and the best reported;
- ``hand``    the same inventory written by hand as one DuckDB SQL query (CREATE TABLE AS),
              ``--runs`` times;
- ``loop``    a straightforward per-row Python loop (dict of coefficients, dict of sums per
              facility-month, then scope 2) over the first ``--sample`` rows; rows per second.

It checks that ``ours`` and ``hand`` give the same totals, and prints wall times, the
ratio ours/hand, rows per second of each, the loop's ratio, and each child's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COUNTRIES = ("VN", "KH", "TH", "ET", "KE", "BD", "IN", "ID", "CN", "LK", "PK", "MM")
FUELS = ("coal_bituminous", "fuel_diesel", "fuel_lpg", "fuel_natural_gas", "biomass_rice_husk", "biomass_wood_chips")
OUTPUTS = ("production_kg", "production_m", "production_pieces", "production_pairs")
FIRST_YEAR = 2021
THREADS = 2


def generate(path: Path, facilities: int, years: int, seed: int) -> int:
    import duckdb
    import numpy as np
    import pyarrow as pa

    from loomlight.analytics import coefficients

    rng = np.random.default_rng(seed)
    months = years * 12
    ids = np.arange(1, facilities + 1, dtype=np.int64)
    # every facility, every month: grid electricity, a fuel, municipal water, groundwater, wastewater to the
    # park's plant, two waste routes and its output (8 rows); every sixth also burns a second fuel and another
    # sixth buys I-RECs: 8 1/3 rows per facility-month on average, 10 million over 20,000 facilities x 60 months
    fuel1 = rng.integers(0, len(FUELS), facilities)
    fuel2 = (fuel1 + 1 + rng.integers(0, len(FUELS) - 1, facilities)) % len(FUELS)
    output = rng.integers(0, len(OUTPUTS), facilities)
    names = ["electricity_grid", *FUELS, "water_municipal", "water_groundwater", "wastewater_cetp",
             "waste_nonhazardous_recycled", "waste_nonhazardous_landfilled", *OUTPUTS, "rec_irec"]
    code = {n: i for i, n in enumerate(names)}
    fixed = np.array([code[n] for n in ("electricity_grid", "water_municipal", "water_groundwater", "wastewater_cetp",
                                        "waste_nonhazardous_recycled", "waste_nonhazardous_landfilled")])
    columns = [np.broadcast_to(fixed, (facilities, len(fixed))),
               (fuel1 + code[FUELS[0]])[:, None], (output + code[OUTPUTS[0]])[:, None]]
    metrics_of = np.concatenate(columns, axis=1)                         # 8 per facility
    extra = np.where(ids % 6 == 0, fuel2 + code[FUELS[0]], np.where(ids % 6 == 1, code["rec_irec"], -1))
    has_extra = extra >= 0
    facility_once = np.concatenate([np.repeat(ids, metrics_of.shape[1]), ids[has_extra]])
    metric_once = np.concatenate([metrics_of.ravel(), extra[has_extra]])
    # rows of a facility-month together, as the platform stores and exports them (by facility, period)
    order = np.lexsort((metric_once, facility_once))
    facility_once, metric_once = facility_once[order], metric_once[order]
    typical = {"electricity_grid": 250_000.0, "water_municipal": 4_000.0, "water_groundwater": 2_000.0,
               "wastewater_cetp": 5_000.0, "waste_nonhazardous_recycled": 8_000.0,
               "waste_nonhazardous_landfilled": 3_000.0, "rec_irec": 120.0,
               **dict.fromkeys(FUELS, 900.0), **dict.fromkeys(OUTPUTS, 60_000.0)}
    scale = np.array([typical[n] for n in names])
    per_month = facility_once.size
    facility = np.tile(facility_once, months)
    metric = np.tile(metric_once, months)
    month_index = np.repeat(np.arange(months), per_month)
    first = np.datetime64(f"{FIRST_YEAR}-01", "M")
    period = (first + month_index.astype("timedelta64[M]")).astype("datetime64[D]")
    amount = scale[metric] * rng.lognormal(0.0, 0.35, facility.size)
    activity = pa.table({
        "facility_id": pa.array(facility),
        "period": pa.array(period, type=pa.date32()),
        "metric": pa.DictionaryArray.from_arrays(pa.array(metric.astype(np.int32)), pa.array(names)).cast(pa.string()),
        "amount": pa.array(amount),
    })
    facility_table = pa.table({"facility_id": pa.array(ids),
                               "country": pa.array([COUNTRIES[i % len(COUNTRIES)] for i in range(facilities)])})
    pairs = [(c, y) for c in COUNTRIES for y in range(FIRST_YEAR, FIRST_YEAR + years)]
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    for name, table in (("activity", activity), ("facilities", facility_table),
                        ("metrics", coefficients.metric_table()), ("grid", coefficients.grid_table(pairs))):
        con.register("incoming", table)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM incoming")
        con.unregister("incoming")
    con.close()
    return activity.num_rows


def hand_sql() -> str:
    """The inventory as an analyst would write it in DuckDB: one query, no Ibis."""
    from loomlight.analytics.coefficients import COLUMNS
    sums = ",\n    ".join(f"sum(a.amount * m.{c}) AS {c}" for c in COLUMNS)
    passthrough = ", ".join(f"s.{c}" for c in COLUMNS)
    return f"""
CREATE OR REPLACE TABLE inventory_hand AS
WITH sums AS (
  SELECT a.facility_id, a.period,
    {sums}
  FROM activity a JOIN metrics m ON m.metric = a.metric
  GROUP BY a.facility_id, a.period
)
SELECT s.facility_id, s.period, year(s.period) AS year, f.country, {passthrough},
  coalesce(s.grid_kwh / 1000 * g.grid_t_per_mwh, 0) AS scope2_location_tco2e,
  coalesce((s.grid_kwh / 1000 - least(s.instrument_mwh, s.grid_kwh / 1000)) * g.grid_t_per_mwh, 0) AS scope2_market_tco2e,
  least(s.instrument_mwh, s.grid_kwh / 1000) AS instrument_covered_mwh,
  s.instrument_mwh - least(s.instrument_mwh, s.grid_kwh / 1000) AS instrument_unused_mwh,
  CASE WHEN g.grid_t_per_mwh IS NULL THEN s.grid_kwh ELSE 0 END AS scope2_uncounted_kwh,
  g.grid_t_per_mwh, coalesce(g.grid_flags, 'no grid emission factor') AS grid_flags
FROM sums s JOIN facilities f ON f.facility_id = s.facility_id
LEFT JOIN grid g ON g.country = f.country AND g.year = year(s.period)
"""


def _rss_mib() -> float:
    """Peak resident memory of this process so far (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(step: str, path: Path, runs: int, sample: int) -> dict:
    import duckdb
    import ibis

    from loomlight.analytics import portfolio

    baseline = _rss_mib()
    if step == "loop":
        return measure_loop(path, sample) | {"baseline_mib": baseline}
    times = []
    if step == "ours":
        con = ibis.duckdb.connect(str(path), threads=THREADS)
        expr = portfolio.inventory(con.table("activity"), con.table("facilities"), con.table("metrics"),
                                   con.table("grid"))
        for _ in range(runs):
            start = time.perf_counter()
            con.create_table("inventory_ours", expr, overwrite=True)
            times.append(time.perf_counter() - start)
        raw = con.raw_sql("SELECT count(*), sum(scope1_tco2e), sum(scope2_market_tco2e), sum(biogenic_co2_t) "
                          "FROM inventory_ours").fetchone()
        rows = con.raw_sql("SELECT count(*) FROM activity").fetchone()[0]
    else:
        con = duckdb.connect(str(path), config={"threads": THREADS})
        sql = hand_sql()
        for _ in range(runs):
            start = time.perf_counter()
            con.execute(sql)
            times.append(time.perf_counter() - start)
        raw = con.execute("SELECT count(*), sum(scope1_tco2e), sum(scope2_market_tco2e), sum(biogenic_co2_t) "
                          "FROM inventory_hand").fetchone()
        rows = con.execute("SELECT count(*) FROM activity").fetchone()[0]
    return {"times": times, "median": statistics.median(times), "best": min(times), "rows": rows,
            "totals": list(raw), "peak_mib": _rss_mib(), "baseline_mib": baseline}


def measure_loop(path: Path, sample: int) -> dict:
    """Per row: look up the metric's coefficients, add to the facility-month's sums; then scope 2."""
    import duckdb

    from loomlight.analytics.coefficients import COLUMNS
    con = duckdb.connect(str(path), read_only=True)
    coefficients = {row[0]: row[1:] for row in con.execute(f"SELECT metric, {', '.join(COLUMNS)} FROM metrics").fetchall()}
    country = dict(con.execute("SELECT facility_id, country FROM facilities").fetchall())
    grid = {(c, y): f for c, y, f in con.execute("SELECT country, year, grid_t_per_mwh FROM grid").fetchall()}
    rows = con.execute(f"SELECT facility_id, period, metric, amount FROM activity LIMIT {sample}").fetchall()
    grid_kwh, instrument = COLUMNS.index("grid_kwh"), COLUMNS.index("instrument_mwh")
    start = time.perf_counter()
    sums: dict = {}
    for facility_id, period, metric, amount in rows:
        key = (facility_id, period)
        acc = sums.get(key)
        if acc is None:
            acc = sums[key] = [0.0] * len(COLUMNS)
        for i, c in enumerate(coefficients[metric]):
            acc[i] += amount * c
    out = []
    for (facility_id, period), acc in sums.items():
        factor = grid.get((country[facility_id], period.year))
        mwh = acc[grid_kwh] / 1000
        covered = min(acc[instrument], mwh)
        location = mwh * factor if factor is not None else 0.0
        market = (mwh - covered) * factor if factor is not None else 0.0
        out.append((facility_id, period, *acc, location, market))
    elapsed = time.perf_counter() - start
    return {"rows": len(rows), "seconds": elapsed, "rows_per_s": len(rows) / elapsed, "facility_months": len(out),
            "peak_mib": _rss_mib()}


def child(step: str, path: Path, runs: int, sample: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", step, "--dir", str(path.parent), "--runs", str(runs),
                          "--sample", str(sample)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=20_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sample", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--child")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    if args.child:
        print(json.dumps(measure(args.child, args.dir / "portfolio.duckdb", args.runs, args.sample), default=str))
        return
    workdir = args.dir or Path(tempfile.mkdtemp(prefix="loomlight-portfolio-"))
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "portfolio.duckdb"
    start = time.perf_counter()
    rows = generate(path, args.facilities, args.years, args.seed)
    print(f"machine: {os.cpu_count()} cores; DuckDB threads: {THREADS}")
    print(f"generated {rows:,} activity rows ({args.facilities:,} facilities x {args.years} years) "
          f"in {time.perf_counter() - start:.1f} s -> {path} ({path.stat().st_size / 2**20:.0f} MiB)")
    ours = child("ours", path, args.runs, args.sample)
    hand = child("hand", path, args.runs, args.sample)
    loop = child("loop", path, args.runs, args.sample)
    same = ours["totals"][0] == hand["totals"][0] and all(
        abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0) for a, b in zip(ours["totals"][1:], hand["totals"][1:]))
    for name, r in (("ours (Ibis on DuckDB)", ours), ("hand-written DuckDB SQL", hand)):
        print(f"{name}: median {r['median']:.3f} s, best {r['best']:.3f} s over {len(r['times'])} runs "
              f"({', '.join(f'{t:.3f}' for t in r['times'])}); {r['rows'] / r['median'] / 1e6:.1f} M rows/s; "
              f"{r['totals'][0]:,} facility-months; peak RSS {r['peak_mib']:.0f} MiB (baseline {r['baseline_mib']:.0f})")
    print(f"ours / hand (medians): {ours['median'] / hand['median']:.2f}x; same totals: {same}")
    print(f"per-row Python loop: {loop['rows']:,} rows in {loop['seconds']:.2f} s = {loop['rows_per_s']:,.0f} rows/s; "
          f"ours is {ours['rows'] / ours['median'] / loop['rows_per_s']:.0f}x faster per row; "
          f"peak RSS {loop['peak_mib']:.0f} MiB")
    if not same:
        sys.exit("ours and the hand-written query disagree")


if __name__ == "__main__":
    main()
