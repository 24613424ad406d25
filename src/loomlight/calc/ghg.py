"""GHG accounting: stationary combustion (scope 1, biogenic CO2 apart) and purchased
electricity (scope 2, location- and market-based), each result carrying its explanation.

Pure: numbers and factors in, numbers and an explanation out. The factors come from
``reference/ghg_factors.py`` (IPCC 2006 defaults, GWP sets) or from the caller; every
factor travels with its source, so that every tonne can be traced to its inputs.

Conventions:

- energy of a fuel in GJ on a net calorific value basis (as ``calc.fuels`` gives it);
  emission factors in kg of gas per TJ (IPCC 2006 Vol 2 units), so
  ``gas [t] = energy [GJ] x factor [kg/TJ] / 1e6`` (1 TJ = 1,000 GJ, 1 t = 1,000 kg);
- CO2 of biomass and biogas is *biogenic*: reported apart from the scopes; their CH4
  and N2O count in scope 1 (GHG Protocol Corporate Standard, ch. 4 and 9);
- CO2e = sum of gas x its GWP of the inventory's set; with AR6, CH4 from fossil fuels
  takes the fossil methane value and CH4 from biomass the non-fossil one when the set
  gives them apart;
- scope 2 follows the GHG Protocol Scope 2 Guidance (2015): location-based is all
  purchased electricity x the grid's average factor; market-based counts electricity
  covered by contractual instruments (I-REC, PPA) at their factor (zero for renewable
  instruments) and the rest at the residual mix, or at the grid factor when no residual
  mix is available (flagged). Instruments beyond the electricity purchased cover nothing
  more (flagged); on-site solar used on site is not purchased electricity.

Explanations speak to two audiences. The analysts' command (``loomlight ghg``) prints their English ``name``,
``what``, ``formula`` and ``flags`` as they are. The platform writes them in the reader's language and number
format from what they carry beside the English: a ``code`` with its ``params`` (names and numbers, never a
sentence) for each factor, step and flag, and each step's formula as ``terms``, numbers with their units and
the operators between them (``term``), so that the formula and its result are written by one formatter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

GASES = ("CO2", "CH4", "N2O")
GJ_PER_TJ = 1000.0
KG_PER_T = 1000.0


class GhgError(ValueError):
    """Bad input to a GHG calculation: the message says which and why."""


@dataclass(frozen=True)
class Factor:
    """A number used in a calculation, with where it comes from.

    ``code`` and ``params`` say what it is without words (``emission_factor`` of {"gas": "CO2", "fuel": ...}),
    for a reader in another language than ``name``'s English."""

    name: str
    value: float
    unit: str
    source: str
    code: str = ""
    params: dict = field(default_factory=dict, compare=False)


def term(value: float, unit: str) -> dict:
    """A number of a formula with its unit: ``{"value": 56.136, "unit": "GJ"}``."""
    return {"value": value, "unit": unit}


#: The operators between a formula's terms.
TIMES, DIVIDED, PLUS = "×", "÷", "+"


@dataclass(frozen=True)
class Step:
    """One line of the arithmetic: what was computed, how, and the result.

    ``terms``: the formula as numbers with units and operators, ``(term(56.136, "GJ"), TIMES, term(74100,
    "kg/TJ"), DIVIDED, ...)``, equal to ``value``; ``code`` and ``params`` say what was computed."""

    what: str
    formula: str
    value: float
    unit: str
    code: str = ""
    params: dict = field(default_factory=dict, compare=False)
    terms: tuple = field(default=(), compare=False)


@dataclass(frozen=True)
class Flag:
    """Something a reader must know about a result (a gas not counted, a fallback factor): its English ``text``,
    and its ``code`` and ``params`` for a reader in another language. Two flags with the same text are one."""

    code: str
    text: str
    params: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Explanation:
    inputs: tuple[Factor, ...]
    factors: tuple[Factor, ...]
    steps: tuple[Step, ...]
    gwp_set: str | None = None
    flags: tuple[str, ...] = ()             # English, as the analysts' command prints them
    flag_codes: tuple[Flag, ...] = ()       # the same flags, each with its code and parameters

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Combustion:
    """Emissions of one fuel burnt in a stationary source."""

    gas_t: dict[str, float]            # fossil CO2 (0 for biomass), CH4, N2O [t]
    scope1_tco2e: float
    biogenic_co2_t: float
    explanation: Explanation = field(compare=False)


@dataclass(frozen=True)
class EmissionFactor:
    """kg of a gas per TJ of fuel (NCV basis); biogenic CO2 is kept out of the scopes."""

    value_kg_per_tj: float
    source: str
    biogenic: bool = False


def _gwp_for(gas: str, gwp: Mapping[str, float], *, biogenic_fuel: bool) -> tuple[str, float]:
    if gas == "CH4":
        apart = "CH4_nonfossil" if biogenic_fuel else "CH4_fossil"
        if apart in gwp:
            return apart, gwp[apart]
    if gas not in gwp:
        raise GhgError(f"the GWP set has no value for {gas}")
    return gas, gwp[gas]


def combustion(energy_gj: float, factors: Mapping[str, EmissionFactor], *, gwp: Mapping[str, float], gwp_set: str,
               gwp_source: str = "", fuel: str = "fuel") -> Combustion:
    """Scope 1 emissions and biogenic CO2 of ``energy_gj`` of one fuel.

    factors: {"CO2": ..., "CH4": ..., "N2O": ...} (each may be missing: that gas is not counted,
    and the explanation says so); a biomass fuel's CO2 factor has ``biogenic=True``.
    """
    if energy_gj is None or energy_gj != energy_gj or energy_gj < 0:
        raise GhgError(f"energy of {fuel} must be zero or more, in GJ (got {energy_gj!r})")
    biogenic_fuel = bool(factors.get("CO2") and factors["CO2"].biogenic)
    inputs = (Factor(f"energy of {fuel}", energy_gj, "GJ (NCV basis)", "reported", "energy", {"fuel": fuel}),)
    used: list[Factor] = []
    steps: list[Step] = []
    flags: list[Flag] = []
    gas_t = {gas: 0.0 for gas in GASES}
    biogenic = 0.0
    co2e = 0.0
    parts = []
    for gas in GASES:
        ef = factors.get(gas)
        if ef is None:
            flags.append(Flag("no_gas_factor", f"no {gas} factor for {fuel}: {gas} not counted", {"gas": gas, "fuel": fuel}))
            continue
        if ef.value_kg_per_tj < 0:
            raise GhgError(f"the {gas} factor of {fuel} is negative")
        used.append(Factor(f"{gas} emission factor of {fuel}", ef.value_kg_per_tj, "kg/TJ", ef.source, "emission_factor",
                           {"gas": gas, "fuel": fuel}))
        tonnes = energy_gj * ef.value_kg_per_tj / GJ_PER_TJ / KG_PER_T
        biogenic_co2 = gas == "CO2" and ef.biogenic
        steps.append(Step(f"{gas} of {fuel}" + (" (biogenic)" if biogenic_co2 else ""),
                          f"{energy_gj:g} GJ x {ef.value_kg_per_tj:g} kg/TJ / 1,000 GJ/TJ / 1,000 kg/t", tonnes, "t",
                          "gas", {"gas": gas, "fuel": fuel, "biogenic": biogenic_co2},
                          (term(energy_gj, "GJ"), TIMES, term(ef.value_kg_per_tj, "kg/TJ"), DIVIDED,
                           term(GJ_PER_TJ, "GJ/TJ"), DIVIDED, term(KG_PER_T, "kg/t"))))
        if biogenic_co2:
            biogenic += tonnes
            continue
        gas_t[gas] += tonnes
        name, weight = _gwp_for(gas, gwp, biogenic_fuel=biogenic_fuel)
        used.append(Factor(f"GWP of {name}", weight, f"t CO2e/t {gas}", gwp_source or gwp_set, "gwp", {"gas": name}))
        steps.append(Step(f"{gas} of {fuel} as CO2e", f"{tonnes:.6g} t x {weight:g}", tonnes * weight, "t CO2e",
                          "gas_co2e", {"gas": gas, "fuel": fuel},
                          (term(tonnes, f"t {gas}"), TIMES, term(weight, f"t CO2e/t {gas}"))))
        co2e += tonnes * weight
        parts.append(term(tonnes * weight, "t CO2e"))
    steps.append(Step(f"scope 1 of {fuel}", "sum of the gases as CO2e (biogenic CO2 reported apart)", co2e, "t CO2e",
                      "scope1_fuel", {"fuel": fuel, "biogenic_apart": biogenic_fuel}, _sum(parts)))
    return Combustion(gas_t, co2e, biogenic, Explanation(inputs, tuple(used), tuple(steps), gwp_set,
                                                         tuple(f.text for f in flags), tuple(flags)))


def _sum(parts: list[dict]) -> tuple:
    """The terms of ``a + b + c``."""
    terms: list = []
    for part in parts:
        if terms:
            terms.append(PLUS)
        terms.append(part)
    return tuple(terms)


@dataclass(frozen=True)
class Instrument:
    """A contractual instrument for electricity (I-REC, PPA): MWh and its emission factor."""

    kind: str
    mwh: float
    factor_t_per_mwh: float = 0.0
    source: str = "renewable instrument: zero emissions (GHG Protocol Scope 2 Guidance, 2015, ch. 6)"


@dataclass(frozen=True)
class Scope2:
    location_tco2e: float
    market_tco2e: float
    explanation: Explanation = field(compare=False)


def scope2(purchased_kwh: float, *, grid: Factor, instruments: tuple[Instrument, ...] = (),
           residual_mix: Factor | None = None) -> Scope2:
    """Scope 2 of ``purchased_kwh`` of grid electricity; factors in t CO2e per MWh, or in t CO2 per MWh where the
    publisher gives CO2 alone (``grid.unit``): that is counted as CO2e, flagged ``co2_only``."""
    if purchased_kwh is None or purchased_kwh != purchased_kwh or purchased_kwh < 0:
        raise GhgError(f"purchased electricity must be zero or more, in kWh (got {purchased_kwh!r})")
    for factor in (grid, residual_mix):
        if factor is not None and factor.value < 0:
            raise GhgError(f"{factor.name} is negative")
    mwh = purchased_kwh / 1000.0
    grid_t = _tonnes(grid.unit)
    steps = [Step("electricity purchased", f"{purchased_kwh:g} kWh / 1,000 kWh/MWh", mwh, "MWh", "electricity_mwh", {},
                  (term(purchased_kwh, "kWh"), DIVIDED, term(1000.0, "kWh/MWh"))),
             Step("scope 2, location-based", f"{mwh:g} MWh x {grid.value:g} {grid.unit}", mwh * grid.value, grid_t,
                  "scope2_location", {}, (term(mwh, "MWh"), TIMES, term(grid.value, grid.unit)))]
    used = [grid]
    flags: list[Flag] = []
    if grid_t != "t CO2e":
        flags.append(Flag("co2_only", f"the grid factor gives CO2 only ({grid.unit}, as published): scope 2 counts it "
                                      "as CO2e, without CH4 and N2O", {"unit": grid.unit}))
    covered = 0.0
    market = 0.0
    parts = []
    for instrument in instruments:
        if instrument.mwh < 0:
            raise GhgError(f"{instrument.kind}: MWh must be zero or more")
        take = min(instrument.mwh, mwh - covered)
        if take < instrument.mwh:
            flags.append(Flag("instrument_beyond",
                              f"{instrument.kind}: {instrument.mwh - take:g} MWh beyond the electricity purchased cover nothing",
                              {"kind": instrument.kind, "mwh": instrument.mwh - take}))
        covered += take
        market += take * instrument.factor_t_per_mwh
        used.append(Factor(f"{instrument.kind} emission factor", instrument.factor_t_per_mwh, "t CO2e/MWh",
                           instrument.source, "instrument_factor", {"kind": instrument.kind}))
        steps.append(Step(f"covered by {instrument.kind}", f"{take:g} MWh x {instrument.factor_t_per_mwh:g} t CO2e/MWh",
                          take * instrument.factor_t_per_mwh, "t CO2e", "instrument_covered", {"kind": instrument.kind},
                          (term(take, "MWh"), TIMES, term(instrument.factor_t_per_mwh, "t CO2e/MWh"))))
        parts.append(term(take * instrument.factor_t_per_mwh, "t CO2e"))
    rest = mwh - covered
    if residual_mix is not None:
        rest_factor = residual_mix
        used.append(residual_mix)
    else:
        rest_factor = grid
        flags.append(Flag("no_residual_mix", "no residual mix for this grid: the location-based grid factor is used "
                                             "for electricity not covered by instruments",
                          {"factor": grid.params.get("factor_type", "")}))
    rest_t = _tonnes(rest_factor.unit)
    steps.append(Step("not covered by instruments", f"{rest:g} MWh x {rest_factor.value:g} {rest_factor.unit}",
                      rest * rest_factor.value, rest_t, "not_covered", {},
                      (term(rest, "MWh"), TIMES, term(rest_factor.value, rest_factor.unit))))
    market += rest * rest_factor.value
    parts.append(term(rest * rest_factor.value, rest_t))
    steps.append(Step("scope 2, market-based", "covered + not covered", market, rest_t, "scope2_market", {}, _sum(parts)))
    inputs = (Factor("grid electricity purchased", purchased_kwh, "kWh", "reported", "electricity_purchased"),) + tuple(
        Factor(f"{i.kind} instruments", i.mwh, "MWh", "reported", "instruments", {"kind": i.kind}) for i in instruments)
    return Scope2(mwh * grid.value, market, Explanation(inputs, tuple(used), tuple(steps), None,
                                                        tuple(f.text for f in flags), tuple(flags)))


def _tonnes(factor_unit: str) -> str:
    """The unit of MWh x a factor in ``factor_unit``: "t CO2e" of "t CO2e/MWh", "t CO2" of "t CO2/MWh"."""
    return factor_unit.split("/", 1)[0].strip() or "t CO2e"
