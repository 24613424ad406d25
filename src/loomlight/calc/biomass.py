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

    available = Σ tonnes_per_year of the sources at distance ≤ radius; share covered = min(1, available / needed);
    enough = available ≥ needed. ``sources``: ``Source`` or mappings {name, distance_km, tonnes_per_year}.
    """
    raise NotImplementedError


@dataclass(frozen=True)
class Switch:
    """The switch's outputs, each with its step; None where not computed (never 0), with a flag saying why."""

    useful_heat_gj: float
    biomass_energy_gj: float
    biomass_ncv_gj_per_t: float
    biomass_t: float
    scope1_before_tco2e: float
    scope1_after_tco2e: float
    biogenic_co2_t: float
    transport_tco2e: float | None
    cost_before: float | None
    cost_after: float | None
    cost_change: float | None
    particulates: dict | None
    explanations: dict[str, Explanation]
    flags: tuple[Flag, ...] = ()
