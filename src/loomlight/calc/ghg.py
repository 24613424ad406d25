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
    """A number used in a calculation, with where it comes from."""

    name: str
    value: float
    unit: str
    source: str


@dataclass(frozen=True)
class Step:
    """One line of the arithmetic: what was computed, how, and the result."""

    what: str
    formula: str
    value: float
    unit: str


@dataclass(frozen=True)
class Explanation:
    inputs: tuple[Factor, ...]
    factors: tuple[Factor, ...]
    steps: tuple[Step, ...]
    gwp_set: str | None = None
    flags: tuple[str, ...] = ()

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
    inputs = (Factor(f"energy of {fuel}", energy_gj, "GJ (NCV basis)", "reported"),)
    used: list[Factor] = []
    steps: list[Step] = []
    flags: list[str] = []
    gas_t = {gas: 0.0 for gas in GASES}
    biogenic = 0.0
    co2e = 0.0
    for gas in GASES:
        ef = factors.get(gas)
        if ef is None:
            flags.append(f"no {gas} factor for {fuel}: {gas} not counted")
            continue
        if ef.value_kg_per_tj < 0:
            raise GhgError(f"the {gas} factor of {fuel} is negative")
        used.append(Factor(f"{gas} emission factor of {fuel}", ef.value_kg_per_tj, "kg/TJ", ef.source))
        tonnes = energy_gj * ef.value_kg_per_tj / GJ_PER_TJ / KG_PER_T
        steps.append(Step(f"{gas} of {fuel}" + (" (biogenic)" if gas == "CO2" and ef.biogenic else ""),
                          f"{energy_gj:g} GJ x {ef.value_kg_per_tj:g} kg/TJ / 1,000 GJ/TJ / 1,000 kg/t", tonnes, "t"))
        if gas == "CO2" and ef.biogenic:
            biogenic += tonnes
            continue
        gas_t[gas] += tonnes
        name, weight = _gwp_for(gas, gwp, biogenic_fuel=biogenic_fuel)
        used.append(Factor(f"GWP of {name}", weight, f"t CO2e/t {gas}", gwp_source or gwp_set))
        steps.append(Step(f"{gas} of {fuel} as CO2e", f"{tonnes:.6g} t x {weight:g}", tonnes * weight, "t CO2e"))
        co2e += tonnes * weight
    steps.append(Step(f"scope 1 of {fuel}", "sum of the gases as CO2e (biogenic CO2 reported apart)", co2e, "t CO2e"))
    return Combustion(gas_t, co2e, biogenic, Explanation(inputs, tuple(used), tuple(steps), gwp_set, tuple(flags)))


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
    """Scope 2 of ``purchased_kwh`` of grid electricity; factors in t CO2e per MWh."""
    if purchased_kwh is None or purchased_kwh != purchased_kwh or purchased_kwh < 0:
        raise GhgError(f"purchased electricity must be zero or more, in kWh (got {purchased_kwh!r})")
    for factor in (grid, residual_mix):
        if factor is not None and factor.value < 0:
            raise GhgError(f"{factor.name} is negative")
    mwh = purchased_kwh / 1000.0
    steps = [Step("electricity purchased", f"{purchased_kwh:g} kWh / 1,000 kWh/MWh", mwh, "MWh"),
             Step("scope 2, location-based", f"{mwh:g} MWh x {grid.value:g} t CO2e/MWh", mwh * grid.value, "t CO2e")]
    used = [grid]
    flags: list[str] = []
    covered = 0.0
    market = 0.0
    for instrument in instruments:
        if instrument.mwh < 0:
            raise GhgError(f"{instrument.kind}: MWh must be zero or more")
        take = min(instrument.mwh, mwh - covered)
        if take < instrument.mwh:
            flags.append(f"{instrument.kind}: {instrument.mwh - take:g} MWh beyond the electricity purchased cover nothing")
        covered += take
        market += take * instrument.factor_t_per_mwh
        used.append(Factor(f"{instrument.kind} emission factor", instrument.factor_t_per_mwh, "t CO2e/MWh", instrument.source))
        steps.append(Step(f"covered by {instrument.kind}", f"{take:g} MWh x {instrument.factor_t_per_mwh:g} t CO2e/MWh",
                          take * instrument.factor_t_per_mwh, "t CO2e"))
    rest = mwh - covered
    if residual_mix is not None:
        rest_factor = residual_mix
        used.append(residual_mix)
    else:
        rest_factor = grid
        flags.append("no residual mix for this grid: the grid's average factor is used for electricity not covered by instruments")
    steps.append(Step("not covered by instruments", f"{rest:g} MWh x {rest_factor.value:g} t CO2e/MWh", rest * rest_factor.value, "t CO2e"))
    market += rest * rest_factor.value
    steps.append(Step("scope 2, market-based", "covered + not covered", market, "t CO2e"))
    inputs = (Factor("grid electricity purchased", purchased_kwh, "kWh", "reported"),) + tuple(
        Factor(f"{i.kind} instruments", i.mwh, "MWh", "reported") for i in instruments)
    return Scope2(mwh * grid.value, market, Explanation(inputs, tuple(used), tuple(steps), None, tuple(flags)))
