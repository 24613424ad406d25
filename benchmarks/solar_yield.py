"""Rooftop solar yield (issue 18, 4): a year of hourly generation for one site, and for 100 sites (a park's roofs
or a programme's factories), with loomlight.calc.solar.generation (pvlib).

    .venv/bin/python benchmarks/solar_yield.py [--sites 100] [--repeat 7]

No database. Times, in the same run: the first call in a fresh process (pvlib's import and its Linke turbidity
file included); one site's year, median and worst of ``--repeat`` after the first, clear sky and scaled to 12
monthly values; then ``--sites`` different sites in a loop (seeded coordinates across Viet Nam, Cambodia and
Thailand), each its own solar position, clear sky, turbidity look-up and model chain. Target (issue 18 brief): one
site's year under ~1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    t0 = time.perf_counter()
    from loomlight.calc import solar
    t_import = time.perf_counter() - t0
    site = solar.Site(10.78, 106.70, 10.0, "Asia/Ho_Chi_Minh", "VN")
    array = solar.Array(500.0)
    t0 = time.perf_counter()
    first = solar.generation(site, array)
    t_first = time.perf_counter() - t0

    def timed(**kwargs):
        runs = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            y = solar.generation(site, array, **kwargs)
            runs.append(time.perf_counter() - t)
        return statistics.median(runs), max(runs), y

    clear_med, clear_max, _ = timed()
    scaled_med, scaled_max, scaled = timed(monthly_ghi_kwh_m2_day=[4.3] * 12, irradiance_source="benchmark")

    rng = random.Random(18)
    sites = [solar.Site(rng.uniform(8.5, 21.5), rng.uniform(100.0, 108.5), 10.0, "Asia/Ho_Chi_Minh")
             for _ in range(args.sites)]
    t0 = time.perf_counter()
    total = 0.0
    for s in sites:
        total += solar.generation(s, solar.Array(rng.uniform(100, 2000))).annual_kwh
    t_many = time.perf_counter() - t0

    t0 = time.perf_counter()
    sc = solar.self_consumption(scaled, monthly_load_kwh=[60_000.0] * 12)
    t_sc = time.perf_counter() - t0
    shares = {f"tenant {i}": rng.uniform(1000, 20000) for i in range(args.sites)}
    t0 = time.perf_counter()
    solar.allocate(scaled.annual_kwh, shares, rule="roof_area")
    t_alloc = time.perf_counter() - t0

    print(f"import loomlight.calc.solar (pvlib not loaded): {t_import * 1000:.1f} ms")
    print(f"first generation in the process (pvlib import, turbidity file): {t_first:.2f} s "
          f"({first.specific_yield_kwh_per_kwp:.0f} kWh/kWp clear sky)")
    print(f"one site, a year, clear sky: median {clear_med * 1000:.0f} ms, max {clear_max * 1000:.0f} ms")
    print(f"one site, a year, scaled to monthly GHI: median {scaled_med * 1000:.0f} ms, max {scaled_max * 1000:.0f} ms")
    print(f"{args.sites} sites in a loop: {t_many:.2f} s ({t_many / args.sites * 1000:.0f} ms a site), "
          f"{total / 1e6:.1f} GWh")
    print(f"self-consumption against 12 monthly totals (two shifts): {t_sc * 1000:.1f} ms "
          f"(self-consumed {sc.self_consumed_share:.1%})")
    print(f"allocation among {args.sites} tenants: {t_alloc * 1000:.2f} ms")


if __name__ == "__main__":
    main()
