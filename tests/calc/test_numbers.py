"""calc.units.parse_number and to_canonical: finite numbers, also once converted; -0 read as 0 (issue 13, point 5)."""

from __future__ import annotations

import math

import pytest

from loomlight.calc.units import UnitError, UnitErrorCode, parse_number, to_canonical


@pytest.mark.parametrize("value", ["-0", -0.0, "-0.0", " -0 "])
def test_minus_zero_is_read_as_zero(value):
    number = parse_number(value)
    assert number == 0.0 and math.copysign(1, number) == 1.0


@pytest.mark.parametrize("value", [10**400, "1e400", float("inf"), float("nan"), True])
def test_what_is_not_a_finite_number_is_refused(value):
    with pytest.raises(UnitError) as caught:
        parse_number(value)
    assert caught.value.code == UnitErrorCode.NOT_A_NUMBER


def test_a_value_beyond_a_double_once_converted_is_refused():
    # 1e308 MWh = 1e311 kWh; the largest double is 1.7976931348623157e308 (IEEE 754 binary64)
    with pytest.raises(UnitError) as caught:
        to_canonical(1e308, "MWh", "kWh")
    assert (caught.value.code, str(caught.value)) == (
        UnitErrorCode.NOT_A_NUMBER, "1e+308 MWh is too large: in kWh it is beyond the largest number stored.")
    assert to_canonical(1.7e305, "MWh", "kWh").value == 1.7e308   # still a double: kept
