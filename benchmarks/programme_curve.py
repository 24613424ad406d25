"""A programme's abatement-cost curve (issue 18 point 11: 2,000 facilities' cases under 2 s).

    .venv/bin/python benchmarks/programme_curve.py [--facilities 2000] [--seed 20261202] [--repeat 5]

No database. Generates (seeded) ``--facilities`` facilities with 6 to 10 measures each (8 on average) drawn from
16 interventions of the catalogue's kinds: capex, opex change, money saved in year 1, lifetime, discount rate,
escalation and tCO2e avoided per year per case; about 3 % of the cases have no tCO2e (a gap) and 1 % abate
nothing, so the curve leaves them out. Then, each the median of ``--repeat`` runs in the same process:

(a) the reference: a plain Python loop over the cases: each case's EAC year by year (calc.finance's formula,
    ``capex × CRF + CRF × Σ_t (O − S)(1+g)^(t−1)/(1+r)^t``), summed per intervention in a dict, bars sorted by
    cost per tonne with cumulative widths;
(b) ours: ``macc.eac_many`` over every case at once, one ``macc.Item`` per case, ``macc.curve(group=True)``
    (the Items' construction is inside the time); also ``curve()`` ungrouped (a bar per case);

It checks that (a) and (b) give the same bars (order, widths, heights to 1e-9 relative) and prints the times.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from loomlight.calc.macc import Item, curve, eac_many

INTERVENTIONS = (  # code, category, capex range [USD], lifetime [years], saving per USD of capex per year
    ("steam_traps", "efficiency", (5e3, 4e4), 5, 0.9), ("condensate_recovery", "efficiency", (2e4, 1.5e5), 15, 0.35),
    ("boiler_economiser", "efficiency", (2e4, 1e5), 15, 0.4), ("insulation", "efficiency", (5e3, 5e4), 10, 0.6),
    ("wastewater_heat_recovery", "efficiency", (8e4, 4e5), 15, 0.3), ("air_leaks", "efficiency", (2e3, 2e4), 3, 1.2),
    ("vsd", "efficiency", (1e4, 1.2e5), 12, 0.35), ("efficient_motors", "efficiency", (2e4, 2e5), 15, 0.18),
    ("led_lighting", "efficiency", (1e4, 8e4), 10, 0.3), ("low_liquor_ratio", "efficiency", (1e5, 8e5), 15, 0.2),
    ("rooftop_solar", "renewable", (2e5, 1.2e6), 25, 0.16), ("solar_thermal", "renewable", (5e4, 3e5), 20, 0.12),
    ("coal_to_biomass", "fuel_switch", (1e5, 6e5), 15, 0.15), ("heat_pump", "fuel_switch", (1.5e5, 9e5), 15, 0.09),
    ("water_recycling", "water", (5e4, 5e5), 15, 0.1), ("chemical_dosing", "chemicals", (1e4, 6e4), 8, 0.3),
)


def generate(facilities: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    per = rng.integers(6, 11, facilities)
    n = int(per.sum())
    kind = np.concatenate([rng.choice(len(INTERVENTIONS), k, replace=False) for k in per])
    facility = np.repeat(np.arange(facilities), per)
    low = np.array([i[2][0] for i in INTERVENTIONS])[kind]
    high = np.array([i[2][1] for i in INTERVENTIONS])[kind]
    capex = rng.uniform(low, high)
    saving = capex * np.array([i[4] for i in INTERVENTIONS])[kind] * rng.uniform(0.6, 1.4, n)
    opex = capex * rng.uniform(-0.01, 0.03, n)
    lifetime = np.array([i[3] for i in INTERVENTIONS])[kind]
    rate = rng.choice([0.08, 0.10, 0.12, 0.15], n)
    escalation = rng.choice([0.0, 0.02, 0.03], n)
    tco2e = saving / rng.uniform(60, 300, n)          # about USD 60..300 saved per tonne avoided
    gap = rng.random(n)
    tco2e_list = [None if g < 0.03 else (0.0 if g < 0.04 else float(t)) for g, t in zip(gap, tco2e)]
    return {"n": n, "kind": kind, "facility": facility, "capex": capex, "saving": saving, "opex": opex,
            "lifetime": lifetime, "rate": rate, "escalation": escalation, "tco2e": tco2e_list}


def loop(cases: dict) -> list[tuple]:
    """The reference: a plain Python loop over the cases."""
    sums: dict[str, list] = {}
    for i in range(cases["n"]):
        t = cases["tco2e"][i]
        if t is None or t <= 0:
            continue
        capex, opex, saving = float(cases["capex"][i]), float(cases["opex"][i]), float(cases["saving"][i])
        years, r, g = int(cases["lifetime"][i]), float(cases["rate"][i]), float(cases["escalation"][i])
        crf = 1 / years if r == 0 else r * (1 + r) ** years / ((1 + r) ** years - 1)
        pv = 0.0
        for year in range(1, years + 1):
            pv += (opex - saving) * (1 + g) ** (year - 1) / (1 + r) ** year
        eac = capex * crf + crf * pv
        code = INTERVENTIONS[int(cases["kind"][i])][0]
        entry = sums.setdefault(code, [0.0, 0.0, 0])
        entry[0] += t
        entry[1] += eac
        entry[2] += 1
    bars = sorted(((eac / t, code, t, n) for code, (t, eac, n) in sums.items()))
    out, x = [], 0.0
    for cost, code, t, n in bars:
        out.append((code, cost, x, x + t, n))
        x += t
    return out


def ours(cases: dict, *, group: bool = True):
    eac = eac_many(cases["capex"], cases["opex"], cases["saving"], cases["lifetime"], cases["rate"],
                   cases["escalation"])
    kinds = [INTERVENTIONS[k] for k in cases["kind"].tolist()]
    facility = cases["facility"].tolist()
    items = [Item(f"{facility[i]}-{kinds[i][0]}", kinds[i][0], kinds[i][1], cases["tco2e"][i], e, str(facility[i]),
                  kinds[i][0]) for i, e in enumerate(eac.tolist())]
    return curve(items, group=group)


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    cases = generate(args.facilities, args.seed)
    generated = time.perf_counter() - start
    loop_median, loop_best, reference = timed(lambda: loop(cases), args.repeat)
    ours_median, ours_best, grouped = timed(lambda: ours(cases), args.repeat)
    flat_median, flat_best, flat = timed(lambda: ours(cases, group=False), args.repeat)
    eac_median, eac_best, _ = timed(lambda: eac_many(cases["capex"], cases["opex"], cases["saving"],
                                                     cases["lifetime"], cases["rate"], cases["escalation"]),
                                    args.repeat)

    assert len(reference) == len(grouped.bars), (len(reference), len(grouped.bars))
    for (code, cost, x_from, x_to, n), bar in zip(reference, grouped.bars):
        assert bar.key == code and bar.count == n, (bar.key, code)
        for a, b in ((cost, bar.cost_per_tco2e), (x_from, bar.x_from), (x_to, bar.x_to)):
            assert abs(a - b) <= 1e-9 * max(1.0, abs(a)), (code, a, b)
    print(f"{args.facilities} facilities, {cases['n']} cases ({len(grouped.left_out)} left out: no tCO2e or none "
          f"abated), {len(grouped.bars)} intervention bars, {len(flat.bars)} case bars; generated in "
          f"{generated:.2f} s; seed {args.seed}; median (best) of {args.repeat}")
    print(f"(a) plain Python loop, grouped curve    {loop_median:7.3f} s ({loop_best:.3f})")
    print(f"(b) eac_many + Items + curve(group=True) {ours_median:7.3f} s ({ours_best:.3f})   "
          f"{loop_median / ours_median:.1f}x faster than (a)")
    print(f"    eac_many alone                      {eac_median:7.4f} s ({eac_best:.4f})")
    print(f"    eac_many + Items + curve() per case {flat_median:7.3f} s ({flat_best:.3f})")
    print(f"total {grouped.total_tco2e_per_year:,.0f} t CO2e/yr, no regret {grouped.no_regret_tco2e_per_year:,.0f} "
          f"({grouped.no_regret_share:.1%}); the bars of (a) and (b) agree to 1e-9")
    print("target < 2 s: " + ("met" if ours_median < 2 else "NOT met"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
