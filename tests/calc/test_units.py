"""Unit conversion at the door: exact factors with their sources, and coded refusals."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loomlight.calc.units import UnitError, UnitErrorCode, dimension_of, to_canonical


@pytest.mark.parametrize(
    "value,unit,canonical,expected,source",
    [
        # NIST Handbook 44 (2024) App. C: 1 US gallon = 231 in³ = 3.785411784 L (exact)
        (1, "US gallon", "L", 3.785411784, "NIST HB44 App. C"),
        (100, "gal", "m³", 0.3785411784, "NIST HB44 App. C"),
        # NIST Handbook 44 (2024) App. C: 1 short ton = 2000 lb = 907.18474 kg (exact)
        (2, "short tons", "kg", 1814.36948, "NIST HB44 App. C"),
        (1.5, "t", "kg", 1500.0, "SI Brochure 9th ed., Table 8: 1 t = 1000 kg"),
        # SI Brochure 9th ed.: 1 kWh = 3.6 MJ; 1 MWh = 3.6 GJ
        (1000, "kWh", "GJ", 3.6, "SI Brochure 9th ed."),
        (2.5, "MWh", "kWh", 2500.0, "SI prefixes"),
        (3.6, "GJ", "MWh", 1.0, "SI Brochure 9th ed."),
        (12_000, "litres", "m3", 12.0, "SI Brochure 9th ed., Table 8: 1 L = 1 dm³"),
        (450, "pairs", "pair", 450.0, "count"),
    ],
)
def test_exact_conversions(value, unit, canonical, expected, source):
    result = to_canonical(value, unit, canonical)
    assert math.isclose(result.value, expected, rel_tol=1e-12), source
    assert (result.original_value, result.original_unit, result.unit) == (float(value), unit, canonical)


@pytest.mark.parametrize(
    "value,unit,canonical,code",
    [
        (-5, "kWh", "kWh", UnitErrorCode.NEGATIVE),
        ("12,5", "kWh", "kWh", UnitErrorCode.NOT_A_NUMBER),
        ("abc", "kWh", "kWh", UnitErrorCode.NOT_A_NUMBER),
        (float("nan"), "kWh", "kWh", UnitErrorCode.NOT_A_NUMBER),
        (True, "kWh", "kWh", UnitErrorCode.NOT_A_NUMBER),
        (10, "widgets", "kWh", UnitErrorCode.UNKNOWN_UNIT),
        (10, "furlongs per bushel", "kWh", UnitErrorCode.WRONG_DIMENSION),
        (10, "", "kWh", UnitErrorCode.UNKNOWN_UNIT),
        (10, "ton", "kg", UnitErrorCode.AMBIGUOUS_UNIT),
        (10, "L", "kWh", UnitErrorCode.WRONG_DIMENSION),
        (10, "pieces", "pair", UnitErrorCode.WRONG_DIMENSION),
    ],
)
def test_refusals_are_coded(value, unit, canonical, code):
    with pytest.raises(UnitError) as exc_info:
        to_canonical(value, unit, canonical)
    assert exc_info.value.code == code


def test_wrong_dimension_message_names_both_dimensions():
    with pytest.raises(UnitError, match="“L” measures volume, but this value is energy"):
        to_canonical(10, "L", "kWh")


def test_numbers_written_as_text_are_read():
    assert to_canonical(" 1 234.5 ", "kWh", "kWh").value == 1234.5
    assert to_canonical("0", "m³", "m³").value == 0.0


@pytest.mark.parametrize("unit,dimension", [("kWh", "energy"), ("m³", "volume"), ("short ton", "mass"), ("pcs", "pieces"), ("h", "time")])
def test_dimension_names(unit, dimension):
    assert dimension_of(unit) == dimension


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_round_trip_through_another_unit_returns_the_value(x):
    there = to_canonical(x, "kWh", "GJ").value
    back = to_canonical(there, "GJ", "kWh").value
    assert math.isclose(back, x, rel_tol=1e-12, abs_tol=1e-12)


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False))
def test_conversion_is_linear(x):
    assert math.isclose(to_canonical(2 * x, "MWh", "kWh").value, 2 * to_canonical(x, "MWh", "kWh").value, rel_tol=1e-12)


def test_conversion_noise_is_dropped_at_15_significant_digits():
    # 370,000 L x 0.001 m³/L is 370.00000000000006 in binary floating point; a double holds 15 digits exactly
    assert to_canonical(370_000, "L", "m³").value == 370.0
    assert to_canonical("12.5", "MWh", "kWh").value == 12_500.0
    # a value with more than 15 significant digits keeps the first 15
    assert to_canonical(1.23456789012345678, "kWh", "kWh").value == 1.23456789012346
