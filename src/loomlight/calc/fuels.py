"""Energy of a fuel reported by mass or by volume.

Factories report fuels as delivered: tonnes of coal or rice husk, litres of
diesel, m³ of gas. The energy [GJ] on a net calorific value (NCV, lower heating
value) basis is

    energy [GJ] = mass [t] × ncv [GJ t-1]                          (NCV per mass)
    energy [GJ] = volume [m³] × ncv_v [GJ m-3]                      (NCV per volume)

and a density bridges a quantity of the other dimension:

    mass [t] = volume [m³] × density [t m-3]     volume [m³] = mass [t] / density [t m-3]

Properties are given with their unit as published or as stated by a supplier
(``GJ/t``, ``MJ/kg``, ``MJ/m³``, ``kWh/m³``; density as ``kg/L``, ``kg/m³`` or
its inverse ``L/t``, the form energy statistics publish) and converted with the
one pint registry of ``calc.units``. Nothing here holds a factor: defaults come
from ``reference/fuel_properties.csv``, facility values from their evidence.

The energy is computed as ``quantity × (energy per reported unit)``, so that a
caller converting many values of one unit (the Excel import) computes the
factor once and gets exactly the same numbers.

References
----------
IPCC (2006), 2006 IPCC Guidelines for National Greenhouse Gas Inventories, Vol. 2
Energy, Ch. 1 Introduction, Table 1.2 (default NCVs, TJ/Gg = GJ/t, NCV basis).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

import pint

from loomlight.calc.units import UREG, UnitError, UnitErrorCode, dimension_of, parse_number, parse_unit

ENERGY_UNIT = "GJ"
#: The properties in words, for messages.
PROPERTY_NAMES = {"ncv": "net calorific value", "density": "density"}


class FuelErrorCode(StrEnum):
    NOT_MASS_OR_VOLUME = "not_mass_or_volume"   # the quantity is neither a mass nor a volume
    PROPERTY_UNIT = "property_unit"             # an NCV or density in a unit of the wrong kind
    NOT_POSITIVE = "not_positive"               # an NCV or density of zero or less
    DENSITY_NEEDED = "density_needed"           # the quantity and the NCV differ in dimension, and no density is given


class FuelError(ValueError):
    """A fuel quantity that cannot be converted; ``code`` says why, ``str()`` says what is missing, in English;
    ``key`` and ``params`` let the platform say it in the reader's language (``site.calc_messages``)."""

    def __init__(self, code: FuelErrorCode, message: str, *, key: str | None = None, params: dict | None = None):
        super().__init__(message)
        self.code = code
        self.key = key or str(code)
        self.params = params or {}


@dataclass(frozen=True)
class Property:
    """One fuel property (``ncv`` or ``density``) with where it comes from.

    value [unit], unit as published or stated (e.g. 43.0 GJ/t, 1149 L/t, 35.2 MJ/m³);
    provenance: JSON-safe facts recorded with every value converted with it
    (the citation of a default, or the facility record and its evidence).
    """

    value: float
    unit: str
    provenance: dict = field(default_factory=dict, compare=False, hash=False)

    def record(self) -> dict:
        return {"value": self.value, "unit": self.unit, **self.provenance}


@dataclass(frozen=True)
class FuelEnergy:
    """The energy of a fuel quantity, with every factor that made it."""

    energy_gj: float                 # energy [GJ], NCV basis
    quantity: float                  # as reported [unit]
    unit: str
    gj_per_unit: float               # energy of one reported unit [GJ unit-1]
    mass_t_per_unit: float | None    # mass of one reported unit [t unit-1], when the NCV is per mass
    volume_m3_per_unit: float | None  # volume of one reported unit [m³ unit-1], when the NCV is per volume
    ncv: Property
    density: Property | None
    formula: str

    def record(self) -> dict:
        """JSON-safe record of the conversion, without the quantity (stored beside it):
        value [GJ] = quantity × gj_per_unit."""
        data = {"formula": self.formula, "unit": self.unit, "gj_per_unit": self.gj_per_unit, "ncv": self.ncv.record()}
        if self.density is not None:
            data["density"] = self.density.record()
        return data


def property_quantity(prop: Property, kind: str) -> pint.Quantity:
    """The property as a pint quantity, checked: an ``ncv`` is energy per mass or per volume,
    a ``density`` mass per volume or volume per mass (returned as mass per volume).

    Raises UnitError (``unknown_unit``) for a unit outside ``calc.units``' allow-list, FuelError
    (``property_unit``) for a unit of the wrong kind, (``not_positive``) for a value of zero or less."""
    unit = parse_unit(prop.unit)   # the one guarded parser ("MJ per kg", "MJ/m3", "MJ/m³"); UnitError when unknown
    if not prop.value > 0:
        raise FuelError(FuelErrorCode.NOT_POSITIVE, f"The {PROPERTY_NAMES.get(kind, kind)} must be more than zero.",
                        key=f"{kind}_not_positive")
    quantity = UREG.Quantity(float(prop.value), unit)
    if kind == "ncv":
        if quantity.check("[energy]/[mass]") or quantity.check("[energy]/[length]**3"):
            return quantity
        raise FuelError(FuelErrorCode.PROPERTY_UNIT,
                        f"“{prop.unit}” is not a calorific value: give energy per mass (GJ/t, MJ/kg) or per volume (MJ/m³).",
                        key="ncv_unit", params={"unit": prop.unit})
    if quantity.check("[mass]/[length]**3"):
        return quantity
    if quantity.check("[length]**3/[mass]"):
        return 1 / quantity
    raise FuelError(FuelErrorCode.PROPERTY_UNIT,
                    f"“{prop.unit}” is not a density: give mass per volume (kg/L, kg/m³) or volume per mass (L/t).",
                    key="density_unit", params={"unit": prop.unit})


def ncv_basis(ncv: Property) -> str:
    """``mass`` when the NCV is energy per mass, ``volume`` when per volume."""
    return "mass" if property_quantity(ncv, "ncv").check("[energy]/[mass]") else "volume"


def quantity_dimension(unit: str) -> str:
    """``mass`` or ``volume`` for a reported unit; FuelError for any other dimension, UnitError when unknown."""
    dimension = dimension_of(unit)
    if dimension not in ("mass", "volume"):
        raise FuelError(FuelErrorCode.NOT_MASS_OR_VOLUME, f"“{unit}” measures {dimension}, not a mass or a volume.",
                        params={"unit": unit, "measures": dimension})
    return dimension


def needs_density(unit: str, ncv: Property) -> bool:
    """Whether converting ``unit`` with this NCV needs a density (the two differ in dimension)."""
    return quantity_dimension(unit) != ncv_basis(ncv)


def energy_per_unit(unit: str, *, ncv: Property, density: Property | None = None) -> FuelEnergy:
    """The energy [GJ] of one ``unit`` of fuel (see ``fuel_energy``)."""
    dimension = quantity_dimension(unit)
    one = UREG.Quantity(1.0, parse_unit(unit))
    ncv_q = property_quantity(ncv, "ncv")
    basis = "mass" if ncv_q.check("[energy]/[mass]") else "volume"
    if dimension != basis and density is None:
        raise FuelError(FuelErrorCode.DENSITY_NEEDED,
                        f"A {dimension} needs a density to be converted with a calorific value per {basis}.",
                        params={"measures": dimension, "basis": basis})
    rho = property_quantity(density, "density") if dimension != basis else None

    if basis == "mass":
        mass = one if dimension == "mass" else one * rho          # [t]
        energy = mass * ncv_q
        mass_t, volume_m3 = mass.to("t").magnitude, None
        formula = ("energy [GJ] = mass [t] × ncv [GJ t-1]" if dimension == "mass"
                   else "energy [GJ] = volume [m³] × density [t m-3] × ncv [GJ t-1]")
    else:
        volume = one if dimension == "volume" else one / rho      # [m³]
        energy = volume * ncv_q
        mass_t, volume_m3 = None, volume.to("m**3").magnitude
        formula = ("energy [GJ] = volume [m³] × ncv [GJ m-3]" if dimension == "volume"
                   else "energy [GJ] = mass [t] / density [t m-3] × ncv [GJ m-3]")
    gj = energy.to(ENERGY_UNIT).magnitude
    return FuelEnergy(energy_gj=gj, quantity=1.0, unit=str(unit).strip(), gj_per_unit=gj, mass_t_per_unit=mass_t,
                      volume_m3_per_unit=volume_m3, ncv=ncv, density=density if rho is not None else None, formula=formula)


def fuel_energy(quantity, unit: str, *, ncv: Property, density: Property | None = None) -> FuelEnergy:
    """Energy of a fuel quantity reported by mass or volume.

    Parameters
    ----------
    quantity : number or text [unit], zero or more
    unit : a mass or volume unit of ``calc.units`` (kg, tonne, short_ton, L, m³, US gallon, ...)
    ncv : net calorific value [energy mass-1] or [energy volume-1]
    density : [mass volume-1] or [volume mass-1]; needed only when ``unit`` and ``ncv`` differ in dimension

    Returns
    -------
    FuelEnergy: energy [GJ] = quantity × gj_per_unit, with the factors and the formula used.

    Raises UnitError for a quantity that is not a number, negative, or in an unknown
    unit, and for a property in an unknown unit; FuelError when the quantity is neither mass nor volume, a property has the
    wrong kind of unit or is not positive, or a needed density is missing.
    """
    number = parse_number(quantity)
    if number < 0:
        raise UnitError(UnitErrorCode.NEGATIVE, f"{number:g} is negative: report amounts as zero or more.",
                        params={"value": number})
    per_unit = energy_per_unit(unit, ncv=ncv, density=density)
    return replace(per_unit, quantity=number, energy_gj=number * per_unit.gj_per_unit)
