"""Coal-to-biomass (or any fuel-to-biomass) switch: the arithmetic, each output a ``calc.ghg.Step``.

Pure: numbers and factors in (each factor a ``calc.ghg.Factor`` carrying its source), numbers and steps out. The
shipped factors come from ``reference/`` through the caller (``biomass.document``); nothing here holds a factor,
except the physical constant of the moisture correction, cited below.

The switch keeps the useful heat of the boiler:

    useful heat [GJ]      = fuel energy [GJ, NCV] × η_old
    biomass energy [GJ]   = useful heat [GJ] / η_new
    biomass [t]           = biomass energy [GJ] / NCV_ar [GJ t-1]

with the NCV of the biomass *as received* (``lhv_as_received``). Scope 1 before is the old fuel's CO2 + CH4 + N2O,
after the biomass's CH4 + N2O only; the biomass's CO2 is biogenic, reported apart (``calc.ghg.combustion``).
Transport is ``t × km × factor [kg CO2e t-1 km-1]``; particulates ``energy × factor × (1 − control efficiency)``
or ``t × factor``, as the factor's unit says.

References
----------
ISO 18125:2017, Solid biofuels: Determination of calorific value, clause 9 / Annex E (net calorific value at
constant pressure on an as-received basis from the dry basis; 0.02443 MJ/kg per % moisture = 2.443 MJ/kg of water
evaporated at 25 °C); EN 14918:2009 (the same formula, which ISO 18125 superseded).
IPCC (2006) 2006 IPCC Guidelines, Vol. 2, ch. 1 Table 1.2 (NCV) and ch. 2 Table 2.3 (CH4, N2O in manufacturing).
GHG Protocol Corporate Standard (2004), ch. 4 and 9 (biogenic CO2 reported apart).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from loomlight.calc.ghg import DIVIDED, TIMES, Explanation, Factor, Flag, Step, term

#: Enthalpy of vaporisation of water at 25 °C [GJ t-1 = MJ kg-1], the constant of ISO 18125:2017's net calorific
#: value at constant pressure (written there as 0.02443 × M with M in %).
WATER_VAPORISATION_GJ_PER_T = 2.443


class BiomassError(ValueError):
    """Bad input to the switch arithmetic: ``field`` names the input, the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _moisture(moisture: float, field: str = "moisture") -> float:
    if moisture is None or isinstance(moisture, bool) or not isinstance(moisture, (int, float)) \
            or not math.isfinite(moisture) or not 0.0 <= moisture < 1.0:
        raise BiomassError(field, f"must be a wet-basis fraction from 0 up to (not including) 1, not {moisture!r}")
    return float(moisture)


def lhv_as_received(lhv_db_gj_per_t: float, moisture: float) -> float:
    """Net calorific value as received [GJ t-1] from the dry-basis one.

    LHV_ar = LHV_db × (1 − M) − 2.443 × M

    Parameters
    ----------
    lhv_db_gj_per_t : net calorific value at constant pressure, dry basis [GJ t-1 = MJ kg-1], more than 0
    moisture : M, moisture as received, wet basis [fraction of the mass as received, 0 ≤ M < 1]

    Returns
    -------
    LHV_ar [GJ t-1]; BiomassError when M is outside [0, 1) or the result is not positive (so wet a fuel gives no
    net heat).

    References
    ----------
    ISO 18125:2017, net calorific value at constant pressure, as received: q_p,net,ar = q_p,net,d × (100 − M_ar)/100
    − 0.02443 × M_ar [MJ/kg, M_ar in %]; 2.443 MJ/kg is the enthalpy of vaporisation of water at 25 °C.
    """
    m = _moisture(moisture)
    if lhv_db_gj_per_t is None or not math.isfinite(lhv_db_gj_per_t) or lhv_db_gj_per_t <= 0:
        raise BiomassError("lhv_db", f"must be more than 0 GJ/t, not {lhv_db_gj_per_t!r}")
    lhv_ar = lhv_db_gj_per_t * (1.0 - m) - WATER_VAPORISATION_GJ_PER_T * m
    if lhv_ar <= 0:
        raise BiomassError("moisture", f"at {m:g} moisture a fuel of {lhv_db_gj_per_t:g} GJ/t dry gives no net heat "
                                       f"({lhv_ar:.3f} GJ/t as received)")
    return lhv_ar


def lhv_dry(lhv_ar: float, moisture: float) -> float:
    """Net calorific value, dry basis [GJ t-1], from the as-received one: the inverse of ``lhv_as_received``.

    LHV_db = (LHV_ar + 2.443 × M) / (1 − M)

    Parameters
    ----------
    lhv_ar : net calorific value as received [GJ t-1], more than 0
    moisture : M, wet basis [fraction, 0 ≤ M < 1]

    References
    ----------
    ISO 18125:2017 (as ``lhv_as_received``).
    """
    m = _moisture(moisture)
    if lhv_ar is None or not math.isfinite(lhv_ar) or lhv_ar <= 0:
        raise BiomassError("lhv_ar", f"must be more than 0 GJ/t, not {lhv_ar!r}")
    return (lhv_ar + WATER_VAPORISATION_GJ_PER_T * m) / (1.0 - m)


def _positive(value, field: str, *, high: float | None = None) -> float:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value <= 0 or (high is not None and value > high):
        bound = f" and at most {high:g}" if high is not None else ""
        raise BiomassError(field, f"must be more than 0{bound}, not {value!r}")
    return float(value)


def _efficiency(value, field: str) -> float:
    return _positive(value, field, high=1.0)


# --- the steps ---------------------------------------------------------------------------------------------------

def ncv_as_received_step(lhv_db: Factor, moisture: float) -> Step:
    """The step of ``lhv_as_received``: LHV_ar = LHV_db × (1 − M) − 2.443 × M [GJ t-1]."""
    m = _moisture(moisture)
    value = lhv_as_received(lhv_db.value, m)
    return Step("net calorific value as received", f"{lhv_db.value:g} GJ/t × (1 − {m:g}) − "
                f"{WATER_VAPORISATION_GJ_PER_T:g} GJ/t × {m:g} (ISO 18125)", value, "GJ/t",
                "biomass.ncv_as_received", {"moisture": m},
                (term(lhv_db.value, "GJ/t"), TIMES, term(1.0 - m, ""), "−",
                 term(WATER_VAPORISATION_GJ_PER_T, "GJ/t"), TIMES, term(m, "")))


def useful_heat(fuel_energy_gj: float, efficiency_old: float, *, fuel: str = "fuel") -> Step:
    """Useful heat [GJ] = fuel energy [GJ, NCV] × η_old [fraction, 0 < η ≤ 1]."""
    energy = _positive_or_zero(fuel_energy_gj, "from.quantity")
    eta = _efficiency(efficiency_old, "from.boiler_efficiency")
    return Step("useful heat of the old boiler", f"{energy:g} GJ × {eta:g}", energy * eta, "GJ",
                "biomass.useful_heat", {"fuel": fuel, "efficiency": eta},
                (term(energy, "GJ"), TIMES, term(eta, "")))


def biomass_energy(useful_heat_gj: float, efficiency_new: float, *, biomass: str = "biomass") -> Step:
    """Biomass energy [GJ, NCV] = useful heat [GJ] / η_new [fraction, 0 < η ≤ 1]."""
    heat = _positive_or_zero(useful_heat_gj, "useful_heat")
    eta = _efficiency(efficiency_new, "to.boiler_efficiency")
    return Step("energy of the biomass for the same useful heat", f"{heat:g} GJ ÷ {eta:g}", heat / eta, "GJ",
                "biomass.energy", {"fuel": biomass, "efficiency": eta},
                (term(heat, "GJ"), DIVIDED, term(eta, "")))


def biomass_tonnes(energy_gj: float, ncv_gj_per_t: float, *, biomass: str = "biomass") -> Step:
    """Biomass [t] = biomass energy [GJ] / NCV as received [GJ t-1]."""
    energy = _positive_or_zero(energy_gj, "biomass_energy")
    ncv = _positive(ncv_gj_per_t, "to.ncv")
    return Step("biomass needed", f"{energy:g} GJ ÷ {ncv:g} GJ/t", energy / ncv, "t", "biomass.tonnes",
                {"fuel": biomass}, (term(energy, "GJ"), DIVIDED, term(ncv, "GJ/t")))


def transport_emissions(tonnes: float, distance_km: float, factor: Factor) -> Step:
    """Transport [t CO2e] = biomass [t] × distance [km] × factor [kg CO2e t-1 km-1] / 1,000 kg/t."""
    t = _positive_or_zero(tonnes, "biomass_t")
    km = _positive_or_zero(distance_km, "transport.distance_km")
    if factor.unit != "kg CO2e/t.km":
        raise BiomassError("transport.mode", f"the factor's unit is {factor.unit}, expected kg CO2e/t.km")
    value = t * km * factor.value / 1000.0
    return Step("transport of the biomass", f"{t:g} t × {km:g} km × {factor.value:g} kg CO2e/t.km ÷ 1,000 kg/t",
                value, "t CO2e", "biomass.transport", dict(factor.params),
                (term(t, "t"), TIMES, term(km, "km"), TIMES, term(factor.value, "kg CO2e/t.km"), DIVIDED,
                 term(1000.0, "kg/t")))


def particulate_emissions(energy_gj: float, factor: Factor, *, side: str) -> Step:
    """Particulates [kg] = fuel energy [GJ, NCV] × factor [g GJ-1] / 1,000 g/kg. ``side``: "before" or "after";
    the factor's params name the pollutant (TSP, PM10, PM2.5) and the control."""
    energy = _positive_or_zero(energy_gj, "energy")
    if factor.unit != "g/GJ":
        raise BiomassError("particulates", f"the factor's unit is {factor.unit}, expected g/GJ")
    value = energy * factor.value / 1000.0
    return Step(f"particulates {side} ({factor.params.get('pollutant', 'PM')}, {factor.params.get('control', '')})",
                f"{energy:g} GJ × {factor.value:g} g/GJ ÷ 1,000 g/kg", value, "kg", "biomass.particulates",
                {"side": side, **factor.params},
                (term(energy, "GJ"), TIMES, term(factor.value, "g/GJ"), DIVIDED, term(1000.0, "g/kg")))


def fuel_cost(quantity: float, unit: str, price: float, currency: str, *, side: str, fuel: str) -> Step:
    """Cost [currency] = quantity [unit] × price [currency unit-1]."""
    q = _positive_or_zero(quantity, "quantity")
    if price is None or not math.isfinite(price) or price < 0:
        raise BiomassError("prices", f"must be zero or more, not {price!r}")
    return Step(f"fuel cost {side}", f"{q:g} {unit} × {price:g} {currency}/{unit}", q * price, currency,
                "biomass.fuel_cost", {"side": side, "fuel": fuel, "currency": currency},
                (term(q, unit), TIMES, term(price, f"{currency}/{unit}")))


def difference(after: Step, before: Step, *, code: str, what: str) -> Step:
    """after − before, in their unit (a change: negative = less after the switch)."""
    return Step(what, f"{after.value:g} {after.unit} − {before.value:g} {before.unit}", after.value - before.value,
                after.unit, code, {}, (term(after.value, after.unit), "−", term(before.value, before.unit)))


def _positive_or_zero(value, field: str) -> float:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value < 0:
        raise BiomassError(field, f"must be zero or more, not {value!r}")
    return float(value)


# --- supply within a radius ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    """A biomass source within reach: its distance [km] and the tonnes a year it can supply [t yr-1]."""

    name: str
    distance_km: float
    tonnes_per_year: float


@dataclass(frozen=True)
class Supply:
    """Whether the sources within ``radius_km`` can supply the need: ``enough``, the tonnes available, the share
    of the need they cover (capped at 1) and the sources counted."""

    needed_t_per_year: float
    radius_km: float
    available_t_per_year: float
    share_covered: float
    enough: bool
    sources: tuple[Source, ...]
    step: Step = field(compare=False, default=None)


def supply_within_radius(needed_t_per_year: float, sources, radius_km: float) -> Supply:
    """The supply of the sources within ``radius_km`` [km] against ``needed_t_per_year`` [t yr-1].

    available = Σ tonnes_per_year of the sources at distance ≤ radius; share covered = min(1, available / needed)
    (1 when nothing is needed); enough = available ≥ needed. ``sources``: ``Source`` or mappings {name,
    distance_km, tonnes_per_year}; a source with a negative or non-finite distance or tonnage is refused.
    """
    needed = _positive_or_zero(needed_t_per_year, "needed_t_per_year")
    radius = _positive_or_zero(radius_km, "radius_km")
    parsed: list[Source] = []
    for i, s in enumerate(sources):
        if not isinstance(s, Source):
            s = Source(str(s.get("name", f"source {i + 1}")), s.get("distance_km"), s.get("tonnes_per_year"))
        _positive_or_zero(s.distance_km, f"sources[{i}].distance_km")
        _positive_or_zero(s.tonnes_per_year, f"sources[{i}].tonnes_per_year")
        parsed.append(Source(s.name, float(s.distance_km), float(s.tonnes_per_year)))
    within = tuple(s for s in parsed if s.distance_km <= radius)
    available = sum(s.tonnes_per_year for s in within)
    share = 1.0 if needed == 0 else min(1.0, available / needed)
    step = Step(f"supply within {radius:g} km", f"{available:g} t/yr available ÷ {needed:g} t/yr needed",
                share, "", "biomass.supply", {"radius_km": radius, "sources": len(within), "enough": available >= needed},
                (term(available, "t/yr"), DIVIDED, term(needed, "t/yr")))
    return Supply(needed, radius, available, share, available >= needed, within, step)


# --- the switch ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Switch:
    """The switch's outputs, each with its explanation; None where not computed (never 0), with a flag saying why.

    ``particulates``: {"pollutant", "before": {control: kg}, "after": {control: kg}} of what could be computed."""

    useful_heat_gj: float
    biomass_energy_gj: float
    biomass_ncv_gj_per_t: float
    biomass_t: float
    scope1_before_tco2e: float
    scope1_after_tco2e: float
    biogenic_co2_t: float
    transport_tco2e: float | None
    explanations: dict[str, Explanation]
    flags: tuple[Flag, ...] = ()


def switch(*, fuel: str, fuel_energy_gj: float, efficiency_old: float, biomass: str, efficiency_new: float,
           ncv: Factor, inputs: tuple[Factor, ...] = (), ncv_steps: tuple[Step, ...] = (),
           before, after, transport_factor: Factor | None = None, distance_km: float | None = None,
           flags: tuple[Flag, ...] = ()) -> Switch:
    """The fuel switch for the same useful heat.

    Parameters
    ----------
    fuel_energy_gj : energy of the old fuel [GJ, NCV basis], as the accounting engine converted the reported quantity
    efficiency_old, efficiency_new : boiler efficiencies [fraction, 0 < η ≤ 1], NCV basis
    ncv : the biomass's NCV as received [GJ t-1] with its source; ``ncv_steps`` how it was derived (moisture)
    before, after : ``calc.ghg.Combustion`` of the old fuel's energy and of the biomass's energy (the caller runs
        ``calc.ghg.combustion`` with the shipped factors; its biogenic CO2 is reported apart)
    transport_factor : [kg CO2e t-1 km-1] of the mode, with ``distance_km`` [km]; None: transport not computed

    Returns
    -------
    Switch; each output's explanation under its output name.
    """
    heat = useful_heat(fuel_energy_gj, efficiency_old, fuel=fuel)
    energy = biomass_energy(heat.value, efficiency_new, biomass=biomass)
    tonnes = biomass_tonnes(energy.value, ncv.value, biomass=biomass)
    base_inputs = (Factor(f"energy of {fuel}", fuel_energy_gj, "GJ (NCV basis)", "reported", "energy", {"fuel": fuel}),
                   Factor(f"efficiency of the {fuel} boiler", efficiency_old, "", "reported", "boiler_efficiency",
                          {"side": "before"}),
                   Factor(f"efficiency of the {biomass} boiler", efficiency_new, "", "reported", "boiler_efficiency",
                          {"side": "after"}), *inputs)

    def explanation(steps, factors=(), gwp_set=None, extra_flags=()):
        fl = tuple(extra_flags)
        return Explanation(base_inputs, tuple(factors), tuple(steps), gwp_set, tuple(f.text for f in fl), fl)

    explanations = {
        "useful_heat_gj": explanation([heat]),
        "biomass_ncv_gj_per_t": explanation(ncv_steps, [ncv]),
        "biomass_t": explanation([heat, energy, *ncv_steps, tonnes], [ncv]),
        "scope1_before_tco2e": explanation(before.explanation.steps, before.explanation.factors,
                                           before.explanation.gwp_set, before.explanation.flag_codes),
        "scope1_after_tco2e": explanation([heat, energy, *after.explanation.steps], after.explanation.factors,
                                          after.explanation.gwp_set, after.explanation.flag_codes),
        "biogenic_co2_t": explanation([heat, energy, *(s for s in after.explanation.steps
                                                       if s.params.get("biogenic"))], after.explanation.factors,
                                      after.explanation.gwp_set),
    }
    all_flags = list(flags) + list(before.explanation.flag_codes) + list(after.explanation.flag_codes)
    transport = None
    if transport_factor is not None and distance_km is not None:
        step = transport_emissions(tonnes.value, distance_km, transport_factor)
        transport = step.value
        explanations["transport_tco2e"] = explanation([heat, energy, *ncv_steps, tonnes, step], [ncv, transport_factor])
    return Switch(heat.value, energy.value, ncv.value, tonnes.value, before.scope1_tco2e, after.scope1_tco2e,
                  after.biogenic_co2_t, transport, explanations, tuple(_unique(all_flags)))


def _unique(flags):
    seen, out = set(), []
    for f in flags:
        if f.text not in seen:
            seen.add(f.text)
            out.append(f)
    return out
