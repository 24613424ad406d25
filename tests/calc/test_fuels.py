"""Energy of a fuel by mass or volume: hand-worked examples with every intermediate pinned, and unit invariance.

Tolerance: rel 1e-12 where a value is a chain of at most four floating-point
multiplications and divisions (pint's unit factors included); the hand-worked
numbers below are exact decimal arithmetic.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loomlight.calc.fuels import (
    FuelError,
    FuelErrorCode,
    Property,
    energy_per_unit,
    fuel_energy,
    ncv_basis,
    needs_density,
    property_quantity,
)
from loomlight.calc.units import UnitError, UnitErrorCode

REL = 1e-12
COAL = Property(25.8, "GJ/t", {"reference": "IPCC 2006 Vol. 2 Ch. 1 Table 1.2: Other Bituminous Coal"})
DIESEL_NCV = Property(43.0, "GJ/t")
DIESEL_LITRES_PER_TONNE = Property(1149, "L/t")


def test_one_tonne_of_other_bituminous_coal_is_25_8_gj():
    # 1 t × 25.8 GJ/t = 25.8 GJ
    e = fuel_energy(1, "tonne", ncv=COAL)
    assert (e.energy_gj, e.mass_t_per_unit, e.volume_m3_per_unit, e.gj_per_unit) == (
        pytest.approx(25.8, rel=REL), pytest.approx(1.0, rel=REL), None, pytest.approx(25.8, rel=REL))
    assert e.formula == "energy [GJ] = mass [t] × ncv [GJ t-1]"
    assert e.density is None


def test_one_thousand_litres_of_diesel_through_its_density():
    # mass = 1000 L × (1 t / 1149 L) = 0.870322019147084... t; energy = 0.870322019147084 t × 43.0 GJ/t = 37.423846823324630 GJ
    e = fuel_energy(1000, "L", ncv=DIESEL_NCV, density=DIESEL_LITRES_PER_TONNE)
    assert e.mass_t_per_unit * 1000 == pytest.approx(0.870322019147084, rel=REL)
    assert e.energy_gj == pytest.approx(37.42384682332463, rel=REL)
    assert e.formula == "energy [GJ] = volume [m³] × density [t m-3] × ncv [GJ t-1]"
    # the same diesel with the density stated as mass per volume: 1000 L × 0.84 kg/L = 840 kg = 0.84 t; × 43.0 = 36.12 GJ
    assert fuel_energy(1000, "L", ncv=DIESEL_NCV, density=Property(0.84, "kg/L")).energy_gj == pytest.approx(36.12, rel=REL)
    assert fuel_energy(1000, "L", ncv=DIESEL_NCV, density=Property(840, "kg/m³")).energy_gj == pytest.approx(36.12, rel=REL)


def test_rice_husk_in_kilograms():
    # 2500 kg = 2.5 t; × 11.6 GJ/t = 29.0 GJ
    assert fuel_energy(2500, "kg", ncv=Property(11.6, "GJ/t")).energy_gj == pytest.approx(29.0, rel=REL)
    # an NCV in MJ/kg is the same number as GJ/t
    assert fuel_energy(2500, "kg", ncv=Property(11.6, "MJ/kg")).energy_gj == pytest.approx(29.0, rel=REL)


def test_short_tons_are_907_18474_kg():
    # 2 short tons = 2 × 0.90718474 t = 1.81436948 t; × 25.8 GJ/t = 46.810732584 GJ
    assert fuel_energy(2, "short ton", ncv=COAL).energy_gj == pytest.approx(46.810732584, rel=REL)


def test_gas_by_volume_with_a_calorific_value_per_volume_or_a_density():
    # 1000 m³ × 36.0 MJ/m³ = 36,000 MJ = 36.0 GJ
    e = fuel_energy(1000, "m³", ncv=Property(36.0, "MJ/m3"))
    assert (e.energy_gj, e.volume_m3_per_unit, e.formula) == (
        pytest.approx(36.0, rel=REL), pytest.approx(1.0, rel=REL), "energy [GJ] = volume [m³] × ncv [GJ m-3]")
    # 1000 m³ × 0.75 kg/m³ = 750 kg = 0.75 t; × 48.0 GJ/t = 36.0 GJ
    assert fuel_energy(1000, "m3", ncv=Property(48.0, "GJ/t"), density=Property(0.75, "kg/m³")).energy_gj == pytest.approx(36.0, rel=REL)


def test_mass_with_a_calorific_value_per_volume_divides_by_the_density():
    # 500 kg / 0.54 kg/L = 925.925925... L; × 25 MJ/L = 23,148.148148... MJ = 23.148148148148 GJ
    e = fuel_energy(500, "kg", ncv=Property(25, "MJ/L"), density=Property(0.54, "kg/L"))
    assert e.energy_gj == pytest.approx(23.148148148148148, rel=REL)
    assert e.formula == "energy [GJ] = mass [t] / density [t m-3] × ncv [GJ m-3]"


def test_the_record_holds_the_formula_the_factor_per_unit_and_each_property_with_its_source():
    e = fuel_energy(1000, "L", ncv=Property(43.0, "GJ/t", {"source": "default", "reference": "IPCC"}),
                    density=Property(1149, "L/t", {"source": "default", "reference": "UNSD"}))
    assert e.record() == {
        "formula": "energy [GJ] = volume [m³] × density [t m-3] × ncv [GJ t-1]",
        "unit": "L",
        "gj_per_unit": e.gj_per_unit,
        "ncv": {"value": 43.0, "unit": "GJ/t", "source": "default", "reference": "IPCC"},
        "density": {"value": 1149, "unit": "L/t", "source": "default", "reference": "UNSD"},
    }
    assert "density" not in fuel_energy(1, "t", ncv=COAL, density=DIESEL_LITRES_PER_TONNE).record()   # not used: not recorded


def test_energy_is_the_quantity_times_the_energy_of_one_unit_exactly():
    per_unit = energy_per_unit("L", ncv=DIESEL_NCV, density=DIESEL_LITRES_PER_TONNE)
    for quantity in (0, 1, 12.5, 987_654.321):
        assert fuel_energy(quantity, "L", ncv=DIESEL_NCV, density=DIESEL_LITRES_PER_TONNE).energy_gj == quantity * per_unit.gj_per_unit


@pytest.mark.parametrize("unit,ncv,density,code", [
    ("GJ", COAL, None, FuelErrorCode.NOT_MASS_OR_VOLUME),
    ("piece", COAL, None, FuelErrorCode.NOT_MASS_OR_VOLUME),
    ("L", DIESEL_NCV, None, FuelErrorCode.DENSITY_NEEDED),
    ("kg", Property(36.0, "MJ/m³"), None, FuelErrorCode.DENSITY_NEEDED),
    ("kg", Property(25.8, "kg/L"), None, FuelErrorCode.PROPERTY_UNIT),
    ("kg", Property(25.8, "m"), None, FuelErrorCode.PROPERTY_UNIT),       # a length: a known unit of the wrong kind
    ("L", DIESEL_NCV, Property(43.0, "GJ/t"), FuelErrorCode.PROPERTY_UNIT),
    ("kg", Property(0, "GJ/t"), None, FuelErrorCode.NOT_POSITIVE),
    ("L", DIESEL_NCV, Property(-1, "kg/L"), FuelErrorCode.NOT_POSITIVE),
])
def test_what_cannot_be_converted_is_refused_with_a_code(unit, ncv, density, code):
    with pytest.raises(FuelError) as exc_info:
        fuel_energy(10, unit, ncv=ncv, density=density)
    assert exc_info.value.code == code


@pytest.mark.parametrize("quantity,unit,code", [(-1, "t", UnitErrorCode.NEGATIVE), ("ten", "t", UnitErrorCode.NOT_A_NUMBER),
                                                (1, "ton", UnitErrorCode.AMBIGUOUS_UNIT)])
def test_quantities_are_checked_like_any_reported_value(quantity, unit, code):
    with pytest.raises(UnitError) as exc_info:
        fuel_energy(quantity, unit, ncv=COAL)
    assert exc_info.value.code == code


HOSTILE_UNITS = ["kWh*9**9**9", "kWh*10**2500001", "kg**99999999", "k" * 10_000, "1e999999 kWh", "furlong"]


@pytest.mark.parametrize("unit", HOSTILE_UNITS, ids=["9**9**9", "10**2500001", "kg**99999999", "10000-chars", "1e999999", "furlong"])
@pytest.mark.parametrize("kind", ["ncv", "density"])
def test_a_property_in_a_unit_outside_the_allow_list_is_an_unknown_unit_at_once(unit, kind):
    # given a calorific value or density stated in a unit built to make pint compute (or one not offered)
    started = time.perf_counter()
    with pytest.raises(UnitError) as exc_info:
        property_quantity(Property(25.8, unit), kind)
    # then it is refused by calc.units' one guarded parser, at once (before: minutes for the first)
    assert exc_info.value.code == UnitErrorCode.UNKNOWN_UNIT
    assert time.perf_counter() - started < 0.05


def test_helpers_name_the_basis_and_whether_a_density_is_needed():
    assert (ncv_basis(COAL), ncv_basis(Property(36, "MJ/m³"))) == ("mass", "volume")
    assert (needs_density("L", COAL), needs_density("kg", COAL), needs_density("kg", Property(36, "MJ/m³"))) == (True, False, True)
    # a density published as litres per tonne is turned into mass per volume
    assert property_quantity(DIESEL_LITRES_PER_TONNE, "density").to("kg/L").magnitude == pytest.approx(1000 / 1149, rel=REL)


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False))
def test_the_same_fuel_in_kg_tonnes_and_short_tons_gives_the_same_energy(kg):
    in_kg = fuel_energy(kg, "kg", ncv=COAL).energy_gj
    assert fuel_energy(kg / 1000, "tonne", ncv=COAL).energy_gj == pytest.approx(in_kg, rel=REL, abs=1e-300)
    assert fuel_energy(kg / 907.18474, "short_ton", ncv=COAL).energy_gj == pytest.approx(in_kg, rel=REL, abs=1e-300)


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False))
def test_the_same_diesel_in_litres_cubic_metres_and_us_gallons_gives_the_same_energy(litres):
    in_litres = fuel_energy(litres, "L", ncv=DIESEL_NCV, density=DIESEL_LITRES_PER_TONNE).energy_gj
    for quantity, unit in ((litres / 1000, "m³"), (litres / 3.785411784, "US gallon")):
        assert fuel_energy(quantity, unit, ncv=DIESEL_NCV, density=DIESEL_LITRES_PER_TONNE).energy_gj == pytest.approx(
            in_litres, rel=REL, abs=1e-300)
