"""Business-case finance for an ESG intervention: cash flows, NPV, IRR, paybacks, levelised costs, abatement cost.

The names, fields and meanings below are a contract (issue 18) used by
``calc.uncertainty``, ``calc.macc``, the ``loomlight case`` command and the ``interventions`` app.

Pure: numbers in, numbers and an explanation out (the ``calc.ghg`` Step/Factor/Flag/Explanation types). Money is in
one currency per case (the case's ``currency``, USD by default); rates are fractions (0.10 = 10 %); years are whole.

Cash flows (year 0 = the investment, years 1..N = operation; N = ``lifetime_years``):

- yearly net benefit B_t = S × (1+g)^(t−1) − O × (1+g)^(t−1), S = money saved in year 1 (sum of the savings), O =
  the opex change in year 1 (positive = costs more), g = ``escalation`` (from the second year on);
- project (unlevered) flows: F_0 = −(capex − grant); F_t = B_t − tax_t(unlevered);
- equity (the factory's) flows: E_0 = −(capex − grant − loan principal); E_t = F_t − debt service_t + interest tax
  shield_t; debt service is the annuity of the loan (principal = ``loan.share`` × (capex − grant), ``loan.rate``,
  ``loan.tenor_years``), interest and principal per year in the schedule;
- simple taxes, stated as such: profit tax = ``tax_rate`` × max(0, B_t − depreciation_t [− interest_t for
  equity]), straight-line depreciation of (capex − grant) over the lifetime, no loss carried forward;
  ``tax_rate`` 0 by default (no tax modelled, said so).

Metrics (RETScreen's, ../shared/reference/ghg-roi-biomass.md §4.2):

- ``npv`` = Σ_{t=0..N} E_t / (1+r)^t: the factory's NPV (equal to ``npv_project`` without a loan);
- ``npv_project`` = Σ F_t / (1+r)^t;
- ``irr`` = project IRR (the r with Σ F_t/(1+r)^t = 0, root found with scipy.optimize.brentq); ``irr_equity`` on
  E_t; None (with a flag saying why) when the flows never change sign or no root exists in (−99 %, 1000 %);
- ``simple_payback_years`` = (capex − grant) / B_1 (None when B_1 ≤ 0);
- ``discounted_payback_years``: the first time the cumulative discounted project flow reaches 0, interpolated
  linearly within the year; None when it never does within the lifetime;
- ``benefit_cost_ratio`` = Σ_{t≥1} B_t/(1+r)^t ÷ (capex − grant);
- ``crf`` = r(1+r)^N / ((1+r)^N − 1) (1/N when r = 0);
- ``eac`` = capex × CRF + CRF × PV(opex changes) − CRF × PV(savings): the equivalent annual cost (with g = 0 this
  is capex × CRF + O − S, the issue's formula); the grant is *not* deducted (the cost of the measure, whoever
  pays it), said in the explanation;
- ``abatement_cost_per_tco2e`` = eac / ``tco2e_per_year`` (None when tco2e_per_year ≤ 0: nothing abated);
- ``tco2e_lifetime`` = tco2e_per_year × N (a constant factor over the lifetime, said so);
- ``levelised_cost`` = (capex × CRF + CRF × PV(opex)) / ``energy_per_year`` — of saved energy, or of
  electricity generated for solar (``energy_kind``), in currency per ``energy_unit``; None without energy.

A ratio whose divisor is so near zero that it overflows is None (a gap), never infinite. Amounts are bounded at
``MAX_AMOUNT`` (10^15) and escalation at 100 % a year, so 50 escalated years never overflow.

Beside the contract: ``validate(inputs)`` (the checks of ``evaluate``, for a form or an import to call alone),
``loan_schedule(principal, rate, years)`` (interest and principal per year), ``STEP_CODES`` and ``FLAG_CODES``
(every code the explanation carries) and ``MINUS`` (the operator of a difference in ``terms``).

References: RETScreen financial analysis and its metric definitions (../shared/reference/ghg-roi-biomass.md §4.1,
§4.2); the EAC and marginal abatement cost by the annuity method (GECS, ibid. §4.4); the IRR's several roots for
flows that change sign more than once: Descartes' rule of signs on Σ F_t v^t, v = 1/(1+r).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq

from loomlight.calc.ghg import DIVIDED, PLUS, TIMES, Explanation, Factor, Flag, Step, term


class FinanceError(ValueError):
    """Bad input to a business case: ``field`` names it (``capex``, ``loan.rate``...), the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


@dataclass(frozen=True)
class Loan:
    share: float            # of (capex − grant), 0..1
    rate: float             # yearly interest, fraction
    tenor_years: int        # ≥ 1, ≤ lifetime


@dataclass(frozen=True)
class CaseInputs:
    capex: float                          # [currency] at year 0, ≥ 0
    lifetime_years: int                   # [year] 1..50
    discount_rate: float                  # [fraction] > −1
    savings_per_year: float               # S [currency/year] in year 1 (sum of every saving line)
    opex_change: float = 0.0              # O [currency/year] in year 1; positive costs more
    escalation: float = 0.0               # g [fraction/year] of savings and opex from year 2
    grant: float = 0.0                    # [currency] at year 0, 0..capex
    loan: Loan | None = None
    tax_rate: float = 0.0                 # [fraction] of taxable benefit; 0 = no tax modelled
    tco2e_per_year: float | None = None   # avoided [t CO2e/year]; None = not computed (a gap, never 0)
    energy_per_year: float | None = None  # saved or generated energy per year, in energy_unit
    energy_unit: str = "kWh"
    energy_kind: str = "saved"            # "saved" (levelised cost of saved energy) or "generated" (LCOE)
    currency: str = "USD"


@dataclass(frozen=True)
class YearFlow:
    year: int
    savings: float
    opex_change: float
    tax: float
    project_flow: float
    interest: float
    principal: float
    equity_flow: float
    discounted_project_flow: float
    cumulative_discounted_project_flow: float


@dataclass(frozen=True)
class CaseResult:
    npv: float
    npv_project: float
    irr: float | None
    irr_equity: float | None
    simple_payback_years: float | None
    discounted_payback_years: float | None
    benefit_cost_ratio: float | None
    crf: float
    eac: float
    abatement_cost_per_tco2e: float | None
    tco2e_per_year: float | None
    tco2e_lifetime: float | None
    levelised_cost: float | None
    flows: tuple[YearFlow, ...]
    explanation: Explanation = field(compare=False)
    flags: tuple[Flag, ...] = ()


#: The operator of a difference between two terms (beside calc.ghg's TIMES, DIVIDED, PLUS).
MINUS = "−"

#: Every step and flag code this module emits (the platform translates them in site/calc_messages.py).
STEP_CODES = ("finance.capex_net", "finance.benefit_year1", "finance.loan_annuity", "finance.npv_project",
              "finance.npv", "finance.irr", "finance.irr_equity", "finance.simple_payback",
              "finance.discounted_payback", "finance.benefit_cost_ratio", "finance.crf", "finance.eac",
              "finance.abatement_cost", "finance.tco2e_lifetime", "finance.levelised_cost")
FLAG_CODES = ("finance.no_tax", "finance.irr_not_found", "finance.irr_multiple", "finance.no_payback",
              "finance.nothing_abated", "finance.tco2e_not_computed", "finance.eac_without_grant",
              "finance.constant_factor")

IRR_LOW, IRR_HIGH = -0.99, 10.0
# The scan grid of discount rates for IRR brackets: fine near 0 %, coarser further out (brentq refines).
_GRID = np.unique(np.concatenate([np.linspace(IRR_LOW, -0.2, 80), np.linspace(-0.2, 1.0, 241),
                                  np.geomspace(1.0, IRR_HIGH, 81)]))
_V = 1.0 / (1.0 + _GRID)                        # discount factor per grid rate
_VPOW = _V[:, None] ** np.arange(52)[None, :]   # v^t for t = 0..51 (a lifetime of 50 years at most, and one spare)


def crf(rate: float, years: int) -> float:
    """Capital recovery factor r(1+r)^N / ((1+r)^N − 1); 1/N at r = 0.

    rate [fraction/year] > −1, years [year] ≥ 1. References: RETScreen financial analysis
    (../shared/reference/ghg-roi-biomass.md §4.2)."""
    if years < 1:
        raise FinanceError("lifetime_years", "must be at least 1")
    if rate == 0:
        return 1.0 / years
    log_growth = years * math.log1p(rate)       # (1+r)^N − 1 as expm1(N ln(1+r)): exact for a rate near 0
    return rate * math.exp(log_growth) / math.expm1(log_growth)


def npv(rate: float, flows) -> float:
    """Σ flows[t] / (1+rate)^t, flows[0] at year 0 (undiscounted)."""
    v = 1.0 / (1.0 + rate)
    total = 0.0
    for flow in reversed(list(flows)):      # Horner: ((F_N v + F_{N−1}) v + ...) v + F_0
        total = total * v + flow
    return total


def _sign_changes(flows) -> int:
    signs = [f > 0 for f in flows if f != 0]
    return sum(1 for a, b in zip(signs, signs[1:]) if a != b)


def _irr(flows) -> tuple[float | None, str]:
    """(rate, why): why is "" (found), "no_sign_change" (the flows never change sign) or "no_root" (none in the
    scanned range (−99 %, 1000 %)). The root nearest 0 % is taken: the grid interval around it is bracketed."""
    flows = [float(f) for f in flows]
    if _sign_changes(flows) == 0:
        return None, "no_sign_change"
    values = _VPOW[:, :len(flows)] @ np.asarray(flows) if len(flows) <= 52 else np.polyval(flows[::-1], _V)
    exact = np.flatnonzero(values == 0)
    cross = np.flatnonzero(values[:-1] * values[1:] < 0)
    candidates = [(abs(_GRID[i]), float(_GRID[i])) for i in exact]
    if cross.size:
        nearest = cross[np.argmin(np.abs(_GRID[cross] + _GRID[cross + 1]))]
        a, b = float(_GRID[nearest]), float(_GRID[nearest + 1])
        root = brentq(lambda rate: npv(rate, flows), a, b, xtol=1e-14, rtol=1e-12, maxiter=200)
        candidates.append((abs(root), float(root)))
    if not candidates:
        return None, "no_root"
    return min(candidates)[1], ""


def irr(flows) -> float | None:
    """The rate with npv(rate, flows) = 0 (scipy.optimize.brentq), or None when there is none in (−0.99, 10).

    The NPV is scanned on a grid of rates for a change of sign and the bracket nearest 0 % is refined; flows
    that change sign several times may have several IRRs (``evaluate`` flags it)."""
    return _irr(flows)[0]


def annuity(principal: float, rate: float, years: int) -> float:
    """The constant yearly payment that repays ``principal`` at ``rate`` over ``years``: principal × CRF."""
    return principal * crf(rate, years)


# --- validation -------------------------------------------------------------------------------------------

#: The largest magnitude of an amount (money, tonnes, energy) a case takes: 10^15, far above any factory's, so that
#: no sum of 50 escalated years overflows.
MAX_AMOUNT = 1e15


def _number(name: str, value, *, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise FinanceError(name, f"must be a number (got {value!r})")
    value = float(value)
    if not math.isfinite(value):
        raise FinanceError(name, f"must be a finite number (got {value!r})")
    if abs(value) > MAX_AMOUNT:
        raise FinanceError(name, f"is too large (at most {MAX_AMOUNT:.0e} in magnitude)")
    return value


def _whole(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise FinanceError(name, f"must be a whole number of years (got {value!r})")
    if not low <= value <= high:
        raise FinanceError(name, f"must be {low} to {high} years (got {value})")
    return int(value)


def validate(inputs: CaseInputs) -> None:
    """FinanceError naming the first bad field of ``inputs``."""
    capex = _number("capex", inputs.capex)
    if capex < 0:
        raise FinanceError("capex", "must be zero or more")
    lifetime = _whole("lifetime_years", inputs.lifetime_years, 1, 50)
    if _number("discount_rate", inputs.discount_rate) <= -1:
        raise FinanceError("discount_rate", "must be more than −100 %")
    _number("savings_per_year", inputs.savings_per_year)
    _number("opex_change", inputs.opex_change)
    escalation = _number("escalation", inputs.escalation)
    if not -1 < escalation <= 1:
        raise FinanceError("escalation", "must be more than −100 % and at most 100 % a year")
    grant = _number("grant", inputs.grant)
    if grant < 0:
        raise FinanceError("grant", "must be zero or more")
    if grant > capex:
        raise FinanceError("grant", "cannot exceed the capex")
    if inputs.loan is not None:
        loan = inputs.loan
        if not isinstance(loan, Loan):
            raise FinanceError("loan", "must be a loan (share, rate, tenor_years)")
        share = _number("loan.share", loan.share)
        if not 0 <= share <= 1:
            raise FinanceError("loan.share", "must be between 0 and 1 of the capex net of the grant")
        rate = _number("loan.rate", loan.rate)
        if not 0 <= rate <= 1:
            raise FinanceError("loan.rate", "must be between 0 and 100 % a year")
        _whole("loan.tenor_years", loan.tenor_years, 1, 50)
        if loan.tenor_years > lifetime:
            raise FinanceError("loan.tenor_years", "cannot exceed the lifetime")
    tax = _number("tax_rate", inputs.tax_rate)
    if not 0 <= tax < 1:
        raise FinanceError("tax_rate", "must be 0 (no tax modelled) up to below 100 %")
    _number("tco2e_per_year", inputs.tco2e_per_year, allow_none=True)
    energy = _number("energy_per_year", inputs.energy_per_year, allow_none=True)
    if energy is not None and energy < 0:
        raise FinanceError("energy_per_year", "must be zero or more")
    if inputs.energy_kind not in ("saved", "generated"):
        raise FinanceError("energy_kind", "must be 'saved' or 'generated'")
    if not isinstance(inputs.energy_unit, str) or not inputs.energy_unit:
        raise FinanceError("energy_unit", "must be a unit name")
    if not isinstance(inputs.currency, str) or not inputs.currency:
        raise FinanceError("currency", "must be a currency code")


# --- the case ---------------------------------------------------------------------------------------------

def loan_schedule(principal: float, rate: float, years: int) -> tuple[tuple[float, float], ...]:
    """(interest, principal repaid) for each year 1..years of an annuity loan (a level payment
    ``annuity(principal, rate, years)``)."""
    payment = annuity(principal, rate, years)
    balance = principal
    rows = []
    for _ in range(years):
        interest = balance * rate
        repaid = payment - interest
        balance -= repaid
        rows.append((interest, repaid))
    return tuple(rows)


def _ratio(a: float, b: float) -> float | None:
    """a / b, or None when it overflows (a divisor near zero: no meaningful figure)."""
    value = a / b
    return value if math.isfinite(value) else None


def _discounted_payback(cumulative: list[float], discounted: list[float]) -> float | None:
    if cumulative[0] >= 0:
        return 0.0
    for t in range(1, len(cumulative)):
        if cumulative[t] >= 0:
            return (t - 1) + (-cumulative[t - 1]) / discounted[t]
    return None


def evaluate(inputs: CaseInputs) -> CaseResult:
    """Every metric of the module docstring for one case, with its explanation (steps with terms, factors, flags);
    FinanceError naming the field for a bad input."""
    validate(inputs)
    cur = inputs.currency
    capex, grant = float(inputs.capex), float(inputs.grant)
    n, r, g = int(inputs.lifetime_years), float(inputs.discount_rate), float(inputs.escalation)
    s1, o1, tax_rate = float(inputs.savings_per_year), float(inputs.opex_change), float(inputs.tax_rate)
    net = capex - grant
    depreciation = net / n
    loan = inputs.loan
    principal = loan.share * net if loan is not None else 0.0
    schedule = loan_schedule(principal, loan.rate, loan.tenor_years) if loan is not None and principal > 0 else ()
    v = 1.0 / (1.0 + r)

    flows: list[YearFlow] = [YearFlow(0, 0.0, 0.0, 0.0, -net, 0.0, 0.0, -(net - principal), -net, -net)]
    project, equity, disc, cum = [-net], [-(net - principal)], [-net], [-net]
    pv_savings = pv_opex = 0.0
    factor, df = 1.0, 1.0
    for t in range(1, n + 1):
        df *= v
        savings, opex = s1 * factor, o1 * factor
        factor *= 1.0 + g
        benefit = savings - opex
        interest, repaid = schedule[t - 1] if t <= len(schedule) else (0.0, 0.0)
        tax = tax_rate * max(0.0, benefit - depreciation) if tax_rate else 0.0
        tax_equity = tax_rate * max(0.0, benefit - depreciation - interest) if tax_rate else 0.0
        f = benefit - tax
        e = f - (interest + repaid) + (tax - tax_equity)
        pv_savings += savings * df
        pv_opex += opex * df
        project.append(f)
        equity.append(e)
        disc.append(f * df)
        cum.append(cum[-1] + f * df)
        flows.append(YearFlow(t, savings, opex, tax, f, interest, repaid, e, f * df, cum[-1]))

    npv_project = npv(r, project)
    npv_equity = npv(r, equity)
    if not (math.isfinite(npv_project) and math.isfinite(npv_equity) and math.isfinite(pv_savings)
            and math.isfinite(pv_opex)):
        raise FinanceError("discount_rate", "is too close to −100 %: the discounted flows overflow")
    irr_project, why_project = _irr(project)
    irr_equity, why_equity = _irr(equity)
    b1 = s1 - o1
    simple = (_ratio(net, b1) if net > 0 else 0.0) if b1 > 0 else None
    discounted = _discounted_payback(cum, disc)
    pv_benefits = pv_savings - pv_opex
    bcr = _ratio(pv_benefits, net) if net > 0 else None
    k = crf(r, n)
    eac = capex * k + k * pv_opex - k * pv_savings
    tco2e = inputs.tco2e_per_year
    abatement = _ratio(eac, tco2e) if tco2e is not None and tco2e > 0 else None
    tco2e_lifetime = tco2e * n if tco2e is not None else None
    energy = inputs.energy_per_year
    levelised = _ratio(capex * k + k * pv_opex, energy) if energy else None

    flags: list[Flag] = []
    if not tax_rate:
        flags.append(Flag("finance.no_tax", "no tax modelled: the flows are before profit tax"))
    for which, value, why, series in (("project", irr_project, why_project, project),
                                      ("equity", irr_equity, why_equity, equity)):
        if value is None:
            reason = ("the flows never change sign" if why == "no_sign_change"
                      else "no rate between −99 % and 1,000 % makes the NPV zero")
            flags.append(Flag("finance.irr_not_found", f"no {which} IRR: {reason}", {"which": which, "why": why}))
        elif _sign_changes(series) > 1:
            flags.append(Flag("finance.irr_multiple", f"the {which} flows change sign more than once: several IRRs "
                              f"are possible, the one nearest 0 % is given", {"which": which}))
    if discounted is None:
        flags.append(Flag("finance.no_payback", "no payback within the lifetime: the cumulative discounted flow "
                          "stays below zero", {"lifetime_years": n}))
    if tco2e is None:
        flags.append(Flag("finance.tco2e_not_computed", "tCO2e avoided not computed: no abatement cost"))
    elif abatement is None:
        flags.append(Flag("finance.nothing_abated", "nothing abated: no abatement cost", {"tco2e_per_year": tco2e}))
    if grant > 0:
        flags.append(Flag("finance.eac_without_grant", "the grant is not deducted in the EAC and the abatement "
                          "cost: the cost of the measure, whoever pays it", {"grant": grant}))
    if tco2e is not None:
        flags.append(Flag("finance.constant_factor", "the tCO2e avoided are the same every year of the lifetime "
                          "(a constant emission factor)", {"lifetime_years": n}))

    steps = _steps(inputs, net=net, principal=principal, k=k, b1=b1, npv_project=npv_project, npv_equity=npv_equity,
                   irr_project=irr_project, irr_equity=irr_equity, simple=simple, discounted=discounted,
                   pv_benefits=pv_benefits, bcr=bcr, pv_opex=pv_opex, pv_savings=pv_savings, eac=eac,
                   abatement=abatement, tco2e_lifetime=tco2e_lifetime, levelised=levelised)
    explanation = Explanation(_input_factors(inputs), (), steps, None, tuple(f.text for f in flags), tuple(flags))
    return CaseResult(npv=npv_equity, npv_project=npv_project, irr=irr_project, irr_equity=irr_equity,
                      simple_payback_years=simple, discounted_payback_years=discounted, benefit_cost_ratio=bcr,
                      crf=k, eac=eac, abatement_cost_per_tco2e=abatement, tco2e_per_year=tco2e,
                      tco2e_lifetime=tco2e_lifetime, levelised_cost=levelised, flows=tuple(flows),
                      explanation=explanation, flags=tuple(flags))


def _input_factors(inputs: CaseInputs) -> tuple[Factor, ...]:
    cur, src = inputs.currency, "case input"
    rows = [Factor("capex", inputs.capex, cur, src, "finance.capex"),
            Factor("lifetime", inputs.lifetime_years, "year", src, "finance.lifetime_years"),
            Factor("discount rate", inputs.discount_rate, "fraction/year", src, "finance.discount_rate"),
            Factor("money saved in year 1", inputs.savings_per_year, f"{cur}/year", src, "finance.savings_per_year"),
            Factor("opex change in year 1", inputs.opex_change, f"{cur}/year", src, "finance.opex_change"),
            Factor("escalation of savings and opex", inputs.escalation, "fraction/year", src, "finance.escalation"),
            Factor("grant", inputs.grant, cur, src, "finance.grant"),
            Factor("tax rate", inputs.tax_rate, "fraction", src, "finance.tax_rate")]
    if inputs.loan is not None:
        rows += [Factor("loan share", inputs.loan.share, "fraction of capex − grant", src, "finance.loan.share"),
                 Factor("loan rate", inputs.loan.rate, "fraction/year", src, "finance.loan.rate"),
                 Factor("loan tenor", inputs.loan.tenor_years, "year", src, "finance.loan.tenor_years")]
    if inputs.tco2e_per_year is not None:
        rows.append(Factor("tCO2e avoided per year", inputs.tco2e_per_year, "t CO2e/year", src,
                           "finance.tco2e_per_year"))
    if inputs.energy_per_year is not None:
        rows.append(Factor(f"energy {inputs.energy_kind} per year", inputs.energy_per_year,
                           f"{inputs.energy_unit}/year", src, "finance.energy_per_year", {"kind": inputs.energy_kind}))
    return tuple(rows)


def _steps(inputs: CaseInputs, **m) -> tuple[Step, ...]:
    cur, n, r = inputs.currency, inputs.lifetime_years, inputs.discount_rate
    money, rate, years = (lambda x: term(x, cur)), (lambda x: term(x, "fraction/year")), (lambda x: term(x, "year"))
    steps = [
        Step("capex net of the grant", "capex − grant", m["net"], cur, "finance.capex_net", {},
             (money(inputs.capex), MINUS, money(inputs.grant))),
        Step("net benefit in year 1", "savings − opex change", m["b1"], f"{cur}/year", "finance.benefit_year1", {},
             (term(inputs.savings_per_year, f"{cur}/year"), MINUS, term(inputs.opex_change, f"{cur}/year"))),
        Step("capital recovery factor", "r(1+r)^N / ((1+r)^N − 1), 1/N at r = 0", m["k"], "1/year", "finance.crf",
             {"rate": r, "years": n}, (rate(r), years(n))),
    ]
    if inputs.loan is not None and m["principal"] > 0:
        loan = inputs.loan
        k_loan = crf(loan.rate, loan.tenor_years)
        steps.append(Step("yearly debt service (annuity)", "loan principal × CRF(loan rate, tenor)",
                          m["principal"] * k_loan, f"{cur}/year", "finance.loan_annuity",
                          {"rate": loan.rate, "tenor_years": loan.tenor_years},
                          (money(m["principal"]), TIMES, term(k_loan, "1/year"))))
    steps += [
        Step("project NPV", "Σ F_t / (1+r)^t, t = 0..N (project flows after tax, before financing)",
             m["npv_project"], cur, "finance.npv_project", {"rate": r, "years": n}, (rate(r), years(n))),
        Step("NPV (the factory's)", "Σ E_t / (1+r)^t, t = 0..N (equity flows: after grant, loan and tax)",
             m["npv_equity"], cur, "finance.npv", {"rate": r, "years": n}, (rate(r), years(n))),
    ]
    for code, what, value in (("finance.irr", "project IRR", m["irr_project"]),
                              ("finance.irr_equity", "equity IRR", m["irr_equity"])):
        if value is not None:
            steps.append(Step(what, "the rate r with Σ flow_t / (1+r)^t = 0 (brentq)", value, "fraction/year", code,
                              {}, (rate(value),)))
    if m["simple"] is not None:
        steps.append(Step("simple payback", "(capex − grant) ÷ net benefit in year 1", m["simple"], "year",
                          "finance.simple_payback", {},
                          (money(m["net"]), DIVIDED, term(m["b1"], f"{cur}/year"))))
    if m["discounted"] is not None:
        steps.append(Step("discounted payback", "first time the cumulative discounted project flow reaches 0, "
                          "interpolated within the year", m["discounted"], "year", "finance.discounted_payback",
                          {"rate": r}, (rate(r),)))
    if m["bcr"] is not None:
        steps.append(Step("benefit-cost ratio", "Σ_{t≥1} B_t/(1+r)^t ÷ (capex − grant)", m["bcr"], "", 
                          "finance.benefit_cost_ratio", {}, (money(m["pv_benefits"]), DIVIDED, money(m["net"]))))
    steps.append(Step("equivalent annual cost (grant not deducted)", "capex × CRF + CRF × PV(opex) − CRF × PV(savings)",
                      m["eac"], f"{cur}/year", "finance.eac", {},
                      (money(inputs.capex), TIMES, term(m["k"], "1/year"), PLUS, term(m["k"], "1/year"), TIMES,
                       money(m["pv_opex"]), MINUS, term(m["k"], "1/year"), TIMES, money(m["pv_savings"]))))
    if m["abatement"] is not None:
        steps.append(Step("abatement cost", "EAC ÷ tCO2e avoided per year", m["abatement"], f"{cur}/t CO2e",
                          "finance.abatement_cost", {},
                          (term(m["eac"], f"{cur}/year"), DIVIDED, term(inputs.tco2e_per_year, "t CO2e/year"))))
    if m["tco2e_lifetime"] is not None:
        steps.append(Step("tCO2e avoided over the lifetime", "tCO2e per year × N", m["tco2e_lifetime"], "t CO2e",
                          "finance.tco2e_lifetime", {},
                          (term(inputs.tco2e_per_year, "t CO2e/year"), TIMES, years(n))))
    if m["levelised"] is not None:
        unit = inputs.energy_unit
        steps.append(Step("levelised cost of energy " + inputs.energy_kind, "(capex × CRF + CRF × PV(opex)) ÷ energy per year",
                          m["levelised"], f"{cur}/{unit}", "finance.levelised_cost", {"kind": inputs.energy_kind},
                          (money(inputs.capex), TIMES, term(m["k"], "1/year"), PLUS, term(m["k"], "1/year"), TIMES,
                           money(m["pv_opex"]), DIVIDED, term(inputs.energy_per_year, f"{unit}/year"))))
    return tuple(steps)
