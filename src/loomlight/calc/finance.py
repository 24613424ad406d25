"""Business-case finance for an ESG intervention: cash flows, NPV, IRR, paybacks, levelised costs, abatement cost.

CONTRACT (issue 18) — the bodies are being written; the names, fields and meanings below are fixed and used by
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
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loomlight.calc.ghg import Explanation, Flag


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


def crf(rate: float, years: int) -> float:
    """Capital recovery factor r(1+r)^N / ((1+r)^N − 1); 1/N at r = 0."""
    raise NotImplementedError


def npv(rate: float, flows) -> float:
    """Σ flows[t] / (1+rate)^t, flows[0] at year 0 (undiscounted)."""
    raise NotImplementedError


def irr(flows) -> float | None:
    """The rate with npv(rate, flows) = 0 (scipy.optimize.brentq), or None when there is none in (−0.99, 10)."""
    raise NotImplementedError


def annuity(principal: float, rate: float, years: int) -> float:
    """The constant yearly payment that repays ``principal`` at ``rate`` over ``years``: principal × CRF."""
    raise NotImplementedError


def evaluate(inputs: CaseInputs) -> CaseResult:
    """Every metric of the module docstring for one case, with its explanation (steps with terms, factors, flags);
    FinanceError naming the field for a bad input."""
    raise NotImplementedError
