"""Uncertainty of a business case: sensitivity (tornado) and Monte Carlo, seeded and vectorised.

The names and meanings below are a contract (issue 18).

An input is named by a path into ``calc.finance.CaseInputs``: ``capex``, ``opex_change``, ``discount_rate``,
``escalation``, ``grant``, ``lifetime_years``, ``tax_rate``, ``loan.rate``, ``savings_per_year``, or a saving line
of the case as ``savings.<i>.quantity`` / ``savings.<i>.price`` / ``savings.<i>.money`` (``lines`` give the year-1
lines, so the money saved is Σ quantity × price + money). A distribution: ``Uniform(low, high)``,
``Triangular(low, mode, high)``, ``Normal(mean, sd)`` (truncated at no bound: a draw may be negative, said so),
``LogNormal(median, gsd)``. Draws use ``numpy.random.default_rng(seed)``, one stream per input in the order given,
so a seed reproduces every draw. NPV is the factory's (``CaseResult.npv``) computed for all draws at once
(arrays of draws × years); 10,000 draws of a case in well under 1 s.

Beside the contract: a range may be a pair ``(low, high)`` (a uniform draw, as ``loomlight case`` input gives it);
``draw_inputs`` (the draws of ``monte_carlo``) and ``npv_of_draws`` (their NPVs, equal to ``finance.evaluate``'s
for each drawn case) for a caller that wants the draws themselves. A drawn lifetime is rounded to whole years
(1..50) and the years beyond it are masked; a draw outside an input's domain (a negative capex, a rate at or below
−100 %, a lifetime below the loan's tenor, a grant above the capex) is refused naming the input, not clipped.
With saving lines, ``savings_per_year`` must equal their sum (it is the same number) and is not drawn itself.

References: RETScreen's sensitivity and risk analysis (500 draws, ../shared/reference/ghg-roi-biomass.md §4.1);
numpy's ``Generator.spawn`` for independent child streams.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from loomlight.calc import finance
from loomlight.calc.finance import CaseInputs


@dataclass(frozen=True)
class Line:
    quantity: float | None = None   # per year, in the line's unit
    price: float | None = None      # currency per unit
    money: float | None = None      # a saving given only in money [currency/year]


@dataclass(frozen=True)
class Uniform:
    low: float
    high: float


@dataclass(frozen=True)
class Triangular:
    low: float
    mode: float
    high: float


@dataclass(frozen=True)
class Normal:
    mean: float
    sd: float


@dataclass(frozen=True)
class LogNormal:
    median: float
    gsd: float          # geometric standard deviation, > 1


@dataclass(frozen=True)
class MonteCarloResult:
    draws: int
    seed: int
    npv_p10: float          # 10th percentile of the NPV draws (exceeded by 90 % of them)
    npv_p50: float
    npv_p90: float
    npv_mean: float
    probability_npv_positive: float
    histogram: tuple[tuple[float, float, int], ...]   # (from, to, count), 20 bins
    inputs: tuple[str, ...]                           # the inputs drawn


@dataclass(frozen=True)
class TornadoBar:
    input: str
    low: float              # the input's low and high values
    high: float
    npv_low: float          # the NPV with the input at low / high, others at their base
    npv_high: float
    swing: float            # |npv_high − npv_low|


#: The paths of ``CaseInputs`` that can be drawn (besides the saving lines' ``savings.<i>.<part>``).
PATHS = ("capex", "opex_change", "discount_rate", "escalation", "grant", "lifetime_years", "tax_rate", "loan.rate",
         "savings_per_year")
#: The main inputs of a tornado when no range is given for them (each at ± ``swing`` of its value).
MAIN = ("capex", "savings_per_year", "opex_change", "discount_rate", "lifetime_years")
MAX_DRAWS = 1_000_000
BINS = 20
#: z of the 10th/90th percentile of a normal distribution: the tornado's bounds of an unbounded distribution.
Z90 = 1.2815515655446004


def _finite(path: str, *values) -> None:
    for value in values:
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise ValueError(f"{path}: the distribution's parameters must be finite numbers (got {value!r})")


def _distribution(path: str, dist):
    """The distribution of ``path``, checked; a pair ``(low, high)`` is ``Uniform(low, high)``."""
    if isinstance(dist, (tuple, list)) and len(dist) == 2:
        dist = Uniform(*dist)
    if isinstance(dist, Uniform):
        _finite(path, dist.low, dist.high)
        if dist.low > dist.high:
            raise ValueError(f"{path}: low ({dist.low:g}) is above high ({dist.high:g})")
    elif isinstance(dist, Triangular):
        _finite(path, dist.low, dist.mode, dist.high)
        if not dist.low <= dist.mode <= dist.high:
            raise ValueError(f"{path}: a triangular distribution needs low ≤ mode ≤ high")
    elif isinstance(dist, Normal):
        _finite(path, dist.mean, dist.sd)
        if dist.sd < 0:
            raise ValueError(f"{path}: the standard deviation must be zero or more")
    elif isinstance(dist, LogNormal):
        _finite(path, dist.median, dist.gsd)
        if dist.median <= 0:
            raise ValueError(f"{path}: a log-normal distribution needs a median above zero")
        if dist.gsd <= 1:
            raise ValueError(f"{path}: the geometric standard deviation must be above 1")
    else:
        raise ValueError(f"{path}: not a distribution (Uniform, Triangular, Normal or LogNormal): {dist!r}")
    return dist


def _draw(rng: np.random.Generator, dist, size: int) -> np.ndarray:
    if isinstance(dist, Uniform):
        return np.full(size, float(dist.low)) if dist.low == dist.high else rng.uniform(dist.low, dist.high, size)
    if isinstance(dist, Triangular):
        if dist.low == dist.high:
            return np.full(size, float(dist.low))
        return rng.triangular(dist.low, dist.mode, dist.high, size)
    if isinstance(dist, Normal):
        return np.full(size, float(dist.mean)) if dist.sd == 0 else rng.normal(dist.mean, dist.sd, size)
    return rng.lognormal(math.log(dist.median), math.log(dist.gsd), size)


def _bounds(dist) -> tuple[float, float]:
    """A distribution's low and high for the tornado: its bounds, or its P10 and P90 when it has none."""
    if isinstance(dist, (Uniform, Triangular)):
        return float(dist.low), float(dist.high)
    if isinstance(dist, Normal):
        return dist.mean - Z90 * dist.sd, dist.mean + Z90 * dist.sd
    return dist.median / dist.gsd**Z90, dist.median * dist.gsd**Z90


def _line_part(path: str, lines: tuple[Line, ...]) -> tuple[int, str]:
    parts = path.split(".")
    if len(parts) != 3 or parts[0] != "savings" or not parts[1].isdigit() or parts[2] not in ("quantity", "price", "money"):
        raise ValueError(f"{path}: unknown input (one of {', '.join(PATHS)}, or savings.<i>.quantity/price/money)")
    index, part = int(parts[1]), parts[2]
    if index >= len(lines):
        raise ValueError(f"{path}: the case has {len(lines)} saving line(s), numbered from 0")
    line = lines[index]
    if part in ("quantity", "price") and (line.quantity is None or line.price is None):
        raise ValueError(f"{path}: saving line {index} has no quantity × price")
    if part == "money" and line.money is None:
        raise ValueError(f"{path}: saving line {index} has no money saving")
    return index, part


def _check_path(path: str, lines: tuple[Line, ...]) -> None:
    if path in PATHS:
        if path == "savings_per_year" and lines:
            raise ValueError(f"{path}: the case has saving lines: draw savings.<i>.quantity/price/money instead")
        return
    _line_part(path, lines)


def _lines_total(lines: tuple[Line, ...]) -> float:
    return sum((ln.quantity * ln.price if ln.quantity is not None and ln.price is not None else 0.0)
               + (ln.money or 0.0) for ln in lines)


def _base(inputs: CaseInputs, lines: tuple[Line, ...], path: str) -> float:
    if path == "loan.rate":
        if inputs.loan is None:
            raise ValueError("loan.rate: the case has no loan")
        return float(inputs.loan.rate)
    if path in PATHS:
        return float(getattr(inputs, path))
    index, part = _line_part(path, lines)
    return float(getattr(lines[index], part))


def _check_domain(path: str, values: np.ndarray, inputs: CaseInputs, capex: np.ndarray) -> None:
    def refuse(why: str):
        raise ValueError(f"{path}: {why}")
    if path == "capex" and (values < 0).any():
        refuse("the range gives a negative capex")
    if path in ("discount_rate", "escalation") and (values <= -1).any():
        refuse("the range reaches −100 % or below")
    if path == "tax_rate" and ((values < 0) | (values >= 1)).any():
        refuse("the range leaves 0 to below 100 %")
    if path == "loan.rate" and ((values < 0) | (values > 1)).any():
        refuse("the range leaves 0 to 100 % a year")
    if path == "grant" and ((values < 0) | (values > capex)).any():
        refuse("the range gives a grant below zero or above the capex")


def _npvs(inputs: CaseInputs, lines: tuple[Line, ...], values: dict[str, np.ndarray], size: int) -> np.ndarray:
    """The factory's NPV (``CaseResult.npv``) for ``size`` cases at once: each input of ``values`` an array of
    ``size``, the others at their value in ``inputs`` (arrays of cases × years; a drawn lifetime masks the years
    beyond it)."""
    finance.validate(inputs)
    if lines and abs(_lines_total(lines) - inputs.savings_per_year) > 1e-9 * max(1.0, abs(inputs.savings_per_year)):
        raise ValueError("savings_per_year: differs from the sum of the saving lines")

    def value(path: str) -> np.ndarray:
        if path in values:
            return values[path]
        return np.full(size, _base(inputs, lines, path)) if path != "loan.rate" or inputs.loan else np.zeros(size)

    capex = value("capex")
    for path, drawn in values.items():
        _check_domain(path, drawn, inputs, capex)
    grant = value("grant")
    if "grant" not in values and (grant > capex).any():
        raise ValueError("capex: the range gives a capex below the grant")
    if lines:
        savings = np.zeros(size)
        for i, line in enumerate(lines):
            if line.quantity is not None and line.price is not None:
                savings = savings + value(f"savings.{i}.quantity") * value(f"savings.{i}.price")
            if line.money is not None:
                savings = savings + value(f"savings.{i}.money")
    else:
        savings = value("savings_per_year")
    opex, rate, growth, tax = value("opex_change"), value("discount_rate"), value("escalation"), value("tax_rate")
    if "lifetime_years" in values:
        lifetime = np.clip(np.rint(values["lifetime_years"]), 1, 50).astype(np.int64)
    else:
        lifetime = np.full(size, int(inputs.lifetime_years), dtype=np.int64)
    horizon = int(lifetime.max())
    years = np.arange(1, horizon + 1)
    alive = years[None, :] <= lifetime[:, None]                          # cases × years
    escalated = (1.0 + growth)[:, None] ** (years - 1)[None, :]
    benefit = (savings - opex)[:, None] * escalated
    net = capex - grant
    depreciation = (net / lifetime)[:, None]

    loan = inputs.loan
    principal = loan.share * net if loan is not None else np.zeros(size)
    interest = np.zeros((size, horizon))
    service = np.zeros((size, horizon))
    if loan is not None:
        tenor = int(loan.tenor_years)
        if (lifetime < tenor).any():
            raise ValueError(f"lifetime_years: the range gives a lifetime below the loan's tenor ({tenor} years)")
        loan_rate = value("loan.rate")
        payment = np.where(loan_rate == 0, principal / tenor,
                           principal * _crf_array(loan_rate, tenor))
        balance = principal.copy()
        for t in range(tenor):
            interest[:, t] = balance * loan_rate
            service[:, t] = payment
            balance = balance - (payment - interest[:, t])
    taxed = tax[:, None] * np.maximum(0.0, benefit - depreciation - interest)
    equity = (benefit - taxed - service) * alive
    discount = (1.0 / (1.0 + rate))[:, None] ** years[None, :]
    return -(net - principal) + (equity * discount).sum(axis=1)


def _crf_array(rate: np.ndarray, years: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        log_growth = years * np.log1p(rate)
        return np.where(rate == 0, 1.0 / years, rate * np.exp(log_growth) / np.expm1(log_growth))


def draw_inputs(inputs: CaseInputs, *, lines: tuple[Line, ...] = (), ranges: dict, draws: int = 10_000,
                seed: int = 0) -> dict[str, np.ndarray]:
    """The draws of ``monte_carlo``: {input path: array of ``draws`` values}, in the order of ``ranges``."""
    if isinstance(draws, bool) or not isinstance(draws, numbers.Integral) or not 1 <= draws <= MAX_DRAWS:
        raise ValueError(f"draws: must be a whole number from 1 to {MAX_DRAWS:,} (got {draws!r})")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed: must be a whole number, zero or more (got {seed!r})")
    if not isinstance(ranges, dict):
        raise ValueError("ranges: must map input paths to distributions")
    lines = tuple(lines)
    checked = {}
    for path, dist in ranges.items():
        _check_path(path, lines)
        _base(inputs, lines, path)          # the input exists in this case (a loan for loan.rate)
        checked[path] = _distribution(path, dist)
    streams = np.random.default_rng(int(seed)).spawn(len(checked)) if checked else []
    return {path: _draw(stream, dist, int(draws)) for (path, dist), stream in zip(checked.items(), streams)}


def npv_of_draws(inputs: CaseInputs, *, lines: tuple[Line, ...] = (), values: dict[str, np.ndarray]) -> np.ndarray:
    """The factory's NPV for every draw of ``values`` (as ``draw_inputs`` gives them), vectorised; equal to
    ``finance.evaluate(...).npv`` of each drawn case."""
    sizes = {len(v) for v in values.values()}
    if len(sizes) > 1:
        raise ValueError("values: every input needs the same number of draws")
    size = sizes.pop() if sizes else 1
    return _npvs(inputs, tuple(lines), {k: np.asarray(v, dtype=float) for k, v in values.items()}, size)


def monte_carlo(inputs: CaseInputs, *, lines: tuple[Line, ...] = (), ranges: dict, draws: int = 10_000,
                seed: int = 0) -> MonteCarloResult:
    """NPV percentiles and P(NPV > 0) over ``draws`` draws of ``ranges`` ({input path: distribution}); the
    inputs not drawn stay at their value. ValueError naming the input for an unknown path or bad distribution.

    A range may be given as a pair ``(low, high)``: ``Uniform(low, high)``. A drawn lifetime is rounded to whole
    years and kept within 1..50. The streams: ``numpy.random.default_rng(seed).spawn(len(ranges))``, one per
    input in the order of ``ranges``, so adding an input after the others leaves their draws unchanged."""
    values = draw_inputs(inputs, lines=lines, ranges=ranges, draws=draws, seed=seed)
    result = _npvs(inputs, tuple(lines), values, int(draws))
    p10, p50, p90 = np.percentile(result, [10, 50, 90])
    counts, edges = np.histogram(result, bins=BINS)
    histogram = tuple((float(edges[i]), float(edges[i + 1]), int(counts[i])) for i in range(BINS))
    return MonteCarloResult(draws=int(draws), seed=int(seed), npv_p10=float(p10), npv_p50=float(p50),
                            npv_p90=float(p90), npv_mean=float(result.mean()),
                            probability_npv_positive=float((result > 0).mean()), histogram=histogram,
                            inputs=tuple(values))


def tornado(inputs: CaseInputs, *, lines: tuple[Line, ...] = (), ranges: dict | None = None,
            swing: float = 0.2) -> tuple[TornadoBar, ...]:
    """Each main input at its low and high (its range's bounds, else ± ``swing`` of its value), the others at
    their base; bars sorted by swing, largest first.

    The main inputs: capex, the money saved (``savings_per_year``, or each saving line's quantity and price, or
    money), opex change, discount rate and lifetime, then every other input of ``ranges``. An unbounded
    distribution (normal, log-normal) is taken at its P10 and P90; a lifetime is rounded to whole years."""
    if isinstance(swing, bool) or not isinstance(swing, numbers.Real) or not 0 <= swing < 1:
        raise ValueError(f"swing: must be a fraction from 0 to below 1 (got {swing!r})")
    lines = tuple(lines)
    ranges = dict(ranges or {})
    main: list[str] = ["capex"]
    if lines:
        for i, line in enumerate(lines):
            if line.quantity is not None and line.price is not None:
                main += [f"savings.{i}.quantity", f"savings.{i}.price"]
            if line.money is not None:
                main.append(f"savings.{i}.money")
    else:
        main.append("savings_per_year")
    main += ["opex_change", "discount_rate", "lifetime_years"]
    order = main + [p for p in ranges if p not in main]
    bounds: dict[str, tuple[float, float]] = {}
    for path in order:
        if path in ranges:
            _check_path(path, lines)
            _base(inputs, lines, path)
            bounds[path] = _bounds(_distribution(path, ranges[path]))
        else:
            base = _base(inputs, lines, path)
            low, high = sorted((base * (1 - swing), base * (1 + swing)))
            if path == "capex":
                low = max(low, float(inputs.grant))         # a capex below the grant is no case
            if path == "lifetime_years":
                tenor = inputs.loan.tenor_years if inputs.loan else 1
                low, high = max(float(tenor), 1.0, float(round(low))), min(50.0, float(round(high)))
            bounds[path] = (low, high)
    size = 2 * len(order)
    values = {}
    for k, path in enumerate(order):
        column = np.full(size, _base(inputs, lines, path))
        column[2 * k], column[2 * k + 1] = bounds[path]
        values[path] = column
    result = _npvs(inputs, lines, values, size)
    bars = [TornadoBar(path, bounds[path][0], bounds[path][1], float(result[2 * k]), float(result[2 * k + 1]),
                       float(abs(result[2 * k + 1] - result[2 * k]))) for k, path in enumerate(order)]
    return tuple(sorted(bars, key=lambda bar: -bar.swing))
