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
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

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
    """A value that cannot be converted; ``code`` says why, ``str()`` says how to fix it, in English.

    ``key`` names the message and ``params`` holds what it quotes (the unit, the value, the dimensions as codes),
    so that the platform writes the same message in the reader's language (``site.calc_messages``)."""

    def __init__(self, code: UnitErrorCode, message: str, *, key: str | None = None, params: dict | None = None):
        super().__init__(message)
        self.code = code
        self.key = key or str(code)
        self.params = params or {}


@dataclass(frozen=True)
class Converted:
    """A reported value in its canonical unit, with what was reported kept beside it."""

    value: float          # in ``unit``
    unit: str             # the metric's canonical unit
    original_value: float
    original_unit: str
    conversion: dict | None = None   # how, when more than a change of unit (a fuel by mass or volume: calc.fuels)


#: The longest unit accepted, in characters (the forms', the import's and the models' limit).
MAX_UNIT_LENGTH = 32
#: The largest power a unit may be raised to (m³ is the largest a report needs).
MAX_POWER = 3

#: The units a user may name, each with the SI prefixes it takes: the catalogue's canonical units
#: (reference/metrics.csv), the units of the aliases, of fuel properties (GJ/t, MJ/kg, kg/L, L/t) and of
#: lab results (mg/L). Prefixes are chosen per unit so that no spelling means two things in pint:
#: "kt" is pint's knot, so kilotonnes are not offered; no milli for energy ("mWh" reads as MWh, an alias).
_SI_UNITS = {   # symbol: prefixes taken
    "J": "kMGTP", "Wh": "kMGT", "W": "kMG", "cal": "kMG",
    "g": "nuµμmkMGT", "t": "MG",
    "L": "uµμmcdhkM", "l": "uµμmcdhkM",
    "m": "uµμmcdk",
}
_LONG_PREFIXES = {"n": "nano", "u": "micro", "m": "milli", "c": "centi", "d": "deci", "h": "hecto",
                  "k": "kilo", "M": "mega", "G": "giga", "T": "tera", "P": "peta"}
_LONG_NAMES = {   # symbol: long names (singular; the plural adds "s")
    "J": ("joule",), "W": ("watt",), "Wh": ("watt_hour",), "cal": ("calorie",), "g": ("gram",), "t": ("tonne",),
    "L": ("litre", "liter"), "m": ("metre", "meter"),
}
#: Units taken without prefixes (with the plural of their long names).
_PLAIN_UNITS = ("tonne", "short_ton", "lb", "gallon", "gal", "imperial_gallon",
                "s", "second", "min", "minute", "h", "hr", "hour", "d", "day",
                "piece", "pcs", "pair", "pr", "person", "count")
_PLURALS = ("tonne", "short_ton", "gallon", "imperial_gallon", "second", "minute", "hour", "day",
            "piece", "pair", "person", "count")


def _allowed_atoms() -> dict[str, str]:
    """{spelling: pint name} of every unit a user may name (before powers, products and quotients)."""
    atoms: dict[str, str] = {}
    for symbol, prefixes in _SI_UNITS.items():
        atoms[symbol] = symbol
        for prefix in prefixes:
            atoms[prefix + symbol] = ("u" if prefix in "µμ" else prefix) + symbol
            for name in _LONG_NAMES.get(symbol, ()):
                long = _LONG_PREFIXES["u" if prefix in "µμ" else prefix] + name
                atoms[long] = atoms[long + "s"] = long
        for name in _LONG_NAMES.get(symbol, ()):
            atoms[name] = atoms[name + "s"] = name
    for name in _PLAIN_UNITS:
        atoms[name] = name
    for name in _PLURALS:
        atoms[name + "s"] = name
    return atoms


ALLOWED_ATOMS = _allowed_atoms()
#: Single-word aliases, also taken inside a product or quotient ("kwh/m3").
_ATOM_ALIASES = {key: value for key, value in ALIASES.items() if re.fullmatch(r"[a-z]+\d?", key)}

_ATOM = re.compile(r"[A-Za-z_µμ]+")
_POWER = re.compile(r"(?:\*\*|\^)\s*([-−]?\d+)")
_SUPERSCRIPTS = {"²": 2, "³": 3}
_PER = re.compile(r"\s+per\s+", re.IGNORECASE)

_ACCEPTED = ("use a unit such as kWh, GJ, L, m³, kg or tonne, with an SI prefix (MWh, mg), or a product or quotient "
             "of such units (MJ/kg, kg/m³, mg/L) with whole powers up to 3")


def _unknown(cleaned: str) -> UnitError:
    return UnitError(UnitErrorCode.UNKNOWN_UNIT, f"Unknown unit “{cleaned}”: {_ACCEPTED}.", params={"unit": cleaned})


@lru_cache(maxsize=None)
def _atom_unit(name: str) -> pint.Unit:
    return UREG.Unit(name)   # a name from ALLOWED_ATOMS or an alias's value: a constant, never user text


def _atom(word: str) -> pint.Unit | None:
    if word in ALLOWED_ATOMS:
        return _atom_unit(ALLOWED_ATOMS[word])
    alias = _ATOM_ALIASES.get(word.lower())
    return _atom_unit(alias) if alias is not None else None


def _grammar(cleaned: str) -> pint.Unit:
    """The unit of an expression of allowed units: ``term (("*" | "·" | " " | "/") term)*``, where
    ``term = unit [("**" | "^") n | "²" | "³" | 2 | 3]`` and 1 <= |n| <= MAX_POWER. Built with pint's
    arithmetic on units; pint's parser, which evaluates numbers and powers, never sees the text."""
    text = _PER.sub("/", cleaned)
    result: pint.Unit | None = None
    operator = "*"
    at = 0
    while True:
        while at < len(text) and text[at] == " ":
            at += 1
        match = _ATOM.match(text, at)
        if match is None:
            raise _unknown(cleaned)
        unit = _atom(match.group())
        if unit is None:
            raise _unknown(cleaned)
        at = match.end()
        power = 1
        if (found := _POWER.match(text, at)) is not None:
            power = int(found.group(1).replace("−", "-"))
            at = found.end()
        elif at < len(text) and text[at] in _SUPERSCRIPTS:
            power = _SUPERSCRIPTS[text[at]]
            at += 1
        elif at < len(text) and text[at] in "23" and (at + 1 == len(text) or not text[at + 1].isdigit()):
            power, at = int(text[at]), at + 1   # "m3", "kg/m3": as spreadsheets write m³
        if power == 0 or abs(power) > MAX_POWER:
            raise UnitError(UnitErrorCode.UNKNOWN_UNIT,
                            f"Unknown unit “{cleaned}”: a power is a whole number from -{MAX_POWER} to {MAX_POWER}, "
                            f"not 0 (m³, m**3, m**-1).", key="unit_power", params={"unit": cleaned, "max": MAX_POWER})
        term = unit ** power if power != 1 else unit
        result = term if result is None else (result / term if operator == "/" else result * term)
        spaced = at < len(text) and text[at] == " "
        while at < len(text) and text[at] == " ":
            at += 1
        if at == len(text):
            return result
        if text[at] in "*/·⋅":
            operator = text[at]
            at += 1
        elif spaced:
            operator = "*"   # "kW h"
        else:
            raise _unknown(cleaned)


def parse_unit(text: str) -> pint.Unit:
    """The pint unit for a user's spelling; UnitError (``unknown_unit``, ``ambiguous_unit``) otherwise.

    The one entry for units written by people (forms, the Excel import, the API, fuel properties, lab
    results, the analysts' CLI). Only allowed units are taken (``ALLOWED_ATOMS``: the catalogue's units
    and the aliases' with their SI prefixes), in products and quotients with whole powers up to
    MAX_POWER, in at most MAX_UNIT_LENGTH characters: pint's own parser evaluates arithmetic
    (``kWh*9**9**9`` would compute a number of 370 million digits), so user text never reaches it.
    """
    raw = text if isinstance(text, str) else str(text)
    if len(raw) > 4 * MAX_UNIT_LENGTH:
        raise UnitError(UnitErrorCode.UNKNOWN_UNIT,
                        f"Unknown unit “{raw[:MAX_UNIT_LENGTH]}…”: a unit has at most {MAX_UNIT_LENGTH} characters; {_ACCEPTED}.",
                        key="unit_too_long", params={"unit": raw[:MAX_UNIT_LENGTH], "max": MAX_UNIT_LENGTH})
    cleaned = " ".join(raw.strip().split())
    if not cleaned:
        raise UnitError(UnitErrorCode.UNKNOWN_UNIT, "No unit given.", key="no_unit")
    if len(cleaned) > MAX_UNIT_LENGTH:
        raise UnitError(UnitErrorCode.UNKNOWN_UNIT,
                        f"Unknown unit “{cleaned[:MAX_UNIT_LENGTH]}…”: a unit has at most {MAX_UNIT_LENGTH} characters; {_ACCEPTED}.",
                        key="unit_too_long", params={"unit": cleaned[:MAX_UNIT_LENGTH], "max": MAX_UNIT_LENGTH})
    lowered = cleaned.lower()
    if lowered in AMBIGUOUS:
        raise UnitError(UnitErrorCode.AMBIGUOUS_UNIT, f"“{cleaned}” is ambiguous: write {AMBIGUOUS[lowered]}.",
                        params={"unit": cleaned, "choices": AMBIGUOUS[lowered]})
    if lowered in ALIASES:
        return _atom_unit(ALIASES[lowered])
    return _grammar(cleaned)


def parse_number(value) -> float:
    """A finite number from a cell or a form; UnitError otherwise (text, NaN, infinity, booleans, an integer
    beyond a double's range). Negative zero is read as zero: -0 is stored as 0.0."""
    if isinstance(value, bool):
        raise UnitError(UnitErrorCode.NOT_A_NUMBER, f"“{value}” is not a number.", params={"value": str(value)})
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        try:
            number = float(text)
        except ValueError:
            raise UnitError(UnitErrorCode.NOT_A_NUMBER, f"“{value}” is not a number: write digits with a point for decimals, e.g. 1234.5.",
                            key="not_a_number_text", params={"value": value}) from None
    else:
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        except (TypeError, ValueError):
            raise UnitError(UnitErrorCode.NOT_A_NUMBER, f"“{value}” is not a number.", params={"value": str(value)}) from None
    if not math.isfinite(number):
        raise UnitError(UnitErrorCode.NOT_A_NUMBER, f"“{str(value)[:40]}” is not a finite number.", key="not_finite",
                        params={"value": str(value)[:40]})
    return number + 0.0   # -0.0 + 0.0 is 0.0 (IEEE 754, rounding to nearest)


def to_canonical(value, unit: str, canonical_unit: str) -> Converted:
    """Convert a reported ``value`` in ``unit`` to ``canonical_unit``.

    value [any unit of the canonical unit's dimension], non-negative.
    Returns the converted value with the original kept beside it.
    """
    number = parse_number(value)
    if number < 0:
        raise UnitError(UnitErrorCode.NEGATIVE, f"{number:g} is negative: report amounts as zero or more.",
                        params={"value": number})
    source = parse_unit(unit)
    target = parse_unit(canonical_unit)
    if source.dimensionality != target.dimensionality:
        raise UnitError(
            UnitErrorCode.WRONG_DIMENSION,
            f"“{unit}” measures {_dimension_name(source)}, but this value is {_dimension_name(target)} (in {canonical_unit}).",
            params={"unit": unit, "measures": _dimension_name(source), "expected": _dimension_name(target),
                    "canonical": canonical_unit},
        )
    converted = UREG.Quantity(number, source).to(target).magnitude
    if not math.isfinite(converted):
        raise UnitError(UnitErrorCode.NOT_A_NUMBER,
                        f"{number:g} {str(unit).strip()} is too large: in {canonical_unit} it is beyond the largest number stored.",
                        key="too_large", params={"value": number, "unit": str(unit).strip(), "canonical": canonical_unit})
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
