"""Units: one pint registry for the whole application, and the conversion of a
reported value to its metric's canonical unit.

Users report in whatever unit their bill or meter shows (kWh, MWh, GJ, litres,
m³, US gallons, kg, tonnes, short tons, ...). Data enter through
``to_canonical``, which refuses what it cannot convert with a coded error and
never guesses: a negative or non-numeric value, an unknown or ambiguous unit
("ton"), or a unit of the wrong dimension (litres for electricity).

Exact definitions used by pint's default registry and pinned in
tests/calc/test_units.py:
- 1 US liquid gallon = 231 in³ = 3.785411784 L; 1 short ton = 2000 lb = 907.18474 kg
  (NIST Handbook 44 (2024), Appendix C; the inch and pound as defined in 1959).
- 1 kWh = 3.6 MJ (SI Brochure, 9th ed. (2019), BIPM: 1 W = 1 J s-1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import pint

UREG = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
# Production counts are their own dimensions: a pair of shoes is not two garments.
UREG.define("piece = [piece] = pcs")
UREG.define("pair = [pair] = pr")
UREG.define("person = [person]")
UREG.define("count = [event]")  # injuries and other events counted one by one

#: Spellings seen in factory spreadsheets, mapped to pint's names.
ALIASES = {
    "m3": "m**3", "m³": "m**3", "cubic metre": "m**3", "cubic meter": "m**3", "cbm": "m**3",
    "l": "L", "litre": "L", "litres": "L", "liter": "L", "liters": "L", "lit": "L",
    "t": "tonne", "tonnes": "tonne", "metric ton": "tonne", "metric tons": "tonne",
    "short ton": "short_ton", "short tons": "short_ton", "us ton": "short_ton",
    "gal": "gallon", "us gal": "gallon", "us gallon": "gallon", "us gallons": "gallon", "gallons": "gallon",
    "kwh": "kWh", "mwh": "MWh", "gwh": "GWh", "gj": "GJ", "mj": "MJ", "tj": "TJ",
    "kg": "kg", "kgs": "kg", "pieces": "piece", "pcs": "piece", "pairs": "pair", "persons": "person", "people": "person",
}
#: Spellings that mean different amounts in different places: refused, with the choices named.
AMBIGUOUS = {
    "ton": "tonne (1000 kg) or short_ton (907.18474 kg)",
    "tons": "tonne (1000 kg) or short_ton (907.18474 kg)",
    "gallons (imperial or us)": "gallon (US, 3.785 L) or imperial_gallon (4.546 L)",
}


class UnitErrorCode(StrEnum):
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    UNKNOWN_UNIT = "unknown_unit"
    AMBIGUOUS_UNIT = "ambiguous_unit"
    WRONG_DIMENSION = "wrong_dimension"


class UnitError(ValueError):
    """A value that cannot be converted; ``code`` says why, ``str()`` says how to fix it."""

    def __init__(self, code: UnitErrorCode, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Converted:
    """A reported value in its canonical unit, with what was reported kept beside it."""

    value: float          # in ``unit``
    unit: str             # the metric's canonical unit
    original_value: float
    original_unit: str
    conversion: dict | None = None   # how, when more than a change of unit (a fuel by mass or volume: calc.fuels)


def parse_unit(text: str) -> pint.Unit:
    """The pint unit for a user's spelling; UnitError when unknown or ambiguous."""
    cleaned = " ".join(str(text).strip().split())
    lowered = cleaned.lower()
    if lowered in AMBIGUOUS:
        raise UnitError(UnitErrorCode.AMBIGUOUS_UNIT, f"“{cleaned}” is ambiguous: write {AMBIGUOUS[lowered]}.")
    name = ALIASES.get(lowered, cleaned).replace("³", "**3").replace("²", "**2")
    if not name:
        raise UnitError(UnitErrorCode.UNKNOWN_UNIT, "No unit given.")
    try:
        return UREG.Unit(name)
    except (pint.errors.UndefinedUnitError, ValueError, TypeError, AttributeError, AssertionError, SyntaxError):
        raise UnitError(UnitErrorCode.UNKNOWN_UNIT, f"Unknown unit “{cleaned}”: use for example kWh, GJ, L, m³, kg or tonne.") from None


def parse_number(value) -> float:
    """A finite number from a cell or a form; UnitError otherwise (text, NaN, infinity, booleans, an integer
    beyond a double's range). Negative zero is read as zero: -0 is stored as 0.0."""
    if isinstance(value, bool):
        raise UnitError(UnitErrorCode.NOT_A_NUMBER, f"“{value}” is not a number.")
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        try:
            number = float(text)
        except ValueError:
            raise UnitError(UnitErrorCode.NOT_A_NUMBER, f"“{value}” is not a number: write digits with a point for decimals, e.g. 1234.5.") from None
    else:
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        except (TypeError, ValueError):
            raise UnitError(UnitErrorCode.NOT_A_NUMBER, f"“{value}” is not a number.") from None
    if not math.isfinite(number):
        raise UnitError(UnitErrorCode.NOT_A_NUMBER, f"“{str(value)[:40]}” is not a finite number.")
    return number + 0.0   # -0.0 + 0.0 is 0.0 (IEEE 754, rounding to nearest)


def to_canonical(value, unit: str, canonical_unit: str) -> Converted:
    """Convert a reported ``value`` in ``unit`` to ``canonical_unit``.

    value [any unit of the canonical unit's dimension], non-negative.
    Returns the converted value with the original kept beside it.
    """
    number = parse_number(value)
    if number < 0:
        raise UnitError(UnitErrorCode.NEGATIVE, f"{number:g} is negative: report amounts as zero or more.")
    source = parse_unit(unit)
    target = parse_unit(canonical_unit)
    if source.dimensionality != target.dimensionality:
        raise UnitError(
            UnitErrorCode.WRONG_DIMENSION,
            f"“{unit}” measures {_dimension_name(source)}, but this value is {_dimension_name(target)} (in {canonical_unit}).",
        )
    converted = UREG.Quantity(number, source).to(target).magnitude
    if not math.isfinite(converted):
        raise UnitError(UnitErrorCode.NOT_A_NUMBER,
                        f"{number:g} {str(unit).strip()} is too large: in {canonical_unit} it is beyond the largest number stored.")
    return Converted(value=significant(converted), unit=canonical_unit, original_value=number, original_unit=str(unit).strip())


def significant(number) -> float:
    """``number`` to 15 significant digits, as many as a double holds exactly: drops the binary
    noise of a conversion (370,000 L x 0.001 m³/L = 370.00000000000006 becomes 370.0)."""
    return float(f"{float(number):.15g}")


_DIMENSION_NAMES = {
    "[mass] * [length] ** 2 / [time] ** 2": "energy",
    "[length] ** 3": "volume",
    "[mass]": "mass",
    "[time]": "time",
    "[piece]": "pieces",
    "[pair]": "pairs",
    "[person]": "people",
    "[event]": "events",
    "[length]": "length",
}


def _dimension_name(unit: pint.Unit) -> str:
    return _DIMENSION_NAMES.get(str(unit.dimensionality), str(unit.dimensionality))


def dimension_of(unit: str) -> str:
    """The plain name of a unit's dimension: energy, volume, mass, time, pieces, pairs, people, length."""
    return _dimension_name(parse_unit(unit))
