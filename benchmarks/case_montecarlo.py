"""Monte Carlo of one business case (issue 18 point 11: 10,000 draws under 1 s, vectorised).

    .venv/bin/python benchmarks/case_montecarlo.py [--draws 10000] [--seed 20261202] [--repeat 5] [--loop-repeat 2]

No database. One case of every feature the vectorised NPV carries: the rooftop-PV example of
../shared/reference/ghg-roi-biomass.md §4.4 (capex USD 550k, O&M 5.5k/yr, 110.5k/yr saved, 20 years at 10 %)
with a grant of 50k, 60 % of the rest borrowed at 6 % over 8 years, profit tax 20 %, 2 % escalation; eight inputs
drawn (uniform, triangular, normal and log-normal, the lifetime as whole years). Timed two ways in the same run:

(a) the reference the issue names: a plain Python loop over the draws, one ``finance.evaluate`` per drawn case
    (every metric and its explanation; only its NPV is used), percentiles by numpy; best of ``--loop-repeat``;
(b) ``uncertainty.monte_carlo`` (drawing included), best of ``--repeat``.

It checks that the NPV of every draw agrees between (a) and ``uncertainty.npv_of_draws`` (the arrays of (b)) to
1e-6 relative, and that the percentiles of (a) equal those of (b), and prints the times and ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace

import numpy as np

from loomlight.calc import finance
from loomlight.calc.finance import CaseInputs, Loan
from loomlight.calc.uncertainty import LogNormal, Normal, Triangular, Uniform, draw_inputs, monte_carlo, npv_of_draws

CASE = CaseInputs(capex=550_000.0, lifetime_years=20, discount_rate=0.10, savings_per_year=110_500.0,
                  opex_change=5_500.0, escalation=0.02, grant=50_000.0, loan=Loan(0.6, 0.06, 8), tax_rate=0.2,
                  tco2e_per_year=857.0)
RANGES = {"capex": Uniform(450_000, 650_000), "savings_per_year": Triangular(80_000, 110_500, 130_000),
          "opex_change": LogNormal(5_500, 1.3), "discount_rate": Normal(0.10, 0.015),
          "lifetime_years": Uniform(15, 25), "loan.rate": Uniform(0.04, 0.09), "tax_rate": Uniform(0.1, 0.25),
          "escalation": Normal(0.02, 0.01)}


def drawn_case(values: dict, i: int) -> CaseInputs:
    """The case of draw ``i``, as a user would type it (the lifetime in whole years)."""
    return replace(CASE, capex=float(values["capex"][i]), savings_per_year=float(values["savings_per_year"][i]),
                   opex_change=float(values["opex_change"][i]), discount_rate=float(values["discount_rate"][i]),
                   lifetime_years=int(round(values["lifetime_years"][i])), tax_rate=float(values["tax_rate"][i]),
                   escalation=float(values["escalation"][i]),
                   loan=replace(CASE.loan, rate=float(values["loan.rate"][i])))


def best_of(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261202)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--loop-repeat", type=int, default=2)
    args = parser.parse_args()

    def run_loop():
        values = draw_inputs(CASE, ranges=RANGES, draws=args.draws, seed=args.seed)
        npvs = np.array([finance.evaluate(drawn_case(values, i)).npv for i in range(args.draws)])
        return npvs, np.percentile(npvs, [10, 50, 90]), float((npvs > 0).mean())

    def run_vectorised():
        return monte_carlo(CASE, ranges=RANGES, draws=args.draws, seed=args.seed)

    loop_best, loop_median, (loop_npvs, loop_pct, loop_positive) = best_of(run_loop, args.loop_repeat)
    vec_best, vec_median, result = best_of(run_vectorised, args.repeat)
    values = draw_inputs(CASE, ranges=RANGES, draws=args.draws, seed=args.seed)
    vec_npvs = npv_of_draws(CASE, values=values)
    relative = np.abs(vec_npvs - loop_npvs) / np.maximum(1.0, np.abs(loop_npvs))
    agree = int((relative <= 1e-6).sum())
    pct_agree = np.allclose(loop_pct, [result.npv_p10, result.npv_p50, result.npv_p90], rtol=1e-6)

    print(f"{args.draws:,} draws of one case ({len(RANGES)} inputs drawn, loan, tax, grant, escalation), "
          f"seed {args.seed}")
    print(f"{'way':<58}{'best s':>9}{'median s':>10}{'µs/draw':>9}{'vs (a)':>8}")
    for label, best, median in (("(a) Python loop, finance.evaluate per draw", loop_best, loop_median),
                                ("(b) uncertainty.monte_carlo (vectorised)", vec_best, vec_median)):
        print(f"{label:<58}{best:>9.3f}{median:>10.3f}{best / args.draws * 1e6:>9.1f}{loop_best / best:>7.1f}×")
    print(f"NPV P10 {result.npv_p10:,.0f}  P50 {result.npv_p50:,.0f}  P90 {result.npv_p90:,.0f}  "
          f"P(NPV > 0) {result.probability_npv_positive:.4f} (loop {loop_positive:.4f})")
    print(f"per-draw NPV agreement to 1e-6 relative: {agree:,} of {args.draws:,} (largest {relative.max():.2e}); "
          f"percentiles agree: {pct_agree}")
    ok = agree == args.draws and pct_agree and abs(loop_positive - result.probability_npv_positive) < 1e-12
    print(f"target 10,000 draws under 1 s: {'met' if vec_best < 1.0 else 'NOT met'} ({vec_best:.3f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
