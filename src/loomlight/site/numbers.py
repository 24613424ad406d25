"""Numbers in the reader's format: the one locale-aware formatter of pages, explanations, messages and charts.

Every separator, grouping and month name comes from the Unicode CLDR through Babel (CLDR 49 in Babel 2.19,
pinned in pyproject.toml): Vietnamese writes 12.118.877 and 29,504261, Khmer and Thai 12,118,877 and 29.504261,
as English does. Django's own localisation (``floatformat``, ``localize``) reads the same data: the format
modules under ``site/formats/`` take their separators and grouping from here (``django_formats``), because
Django's shipped formats group no digits in Vietnamese and Khmer and give Khmer a decimal comma that CLDR does
not (docs/architecture.md, "Numbers and languages").

``number`` formats one value. Its default is for people: six significant digits, never an exponent (1,254,960,
not 1.25496e+06; 0.00114358, not 1.14358e-03), every integer digit kept, trailing zeros dropped. A formula and
its result are written with it alike, so that "1,000" and "29.5043" read the same way on one line.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.core import Locale, UnknownLocaleError
from babel.dates import get_month_names
from babel.numbers import (NumberPattern, format_decimal, format_scientific, get_decimal_symbol, get_group_symbol,
                           get_minus_sign_symbol, parse_pattern)

#: Significant digits of ``number``'s default: enough to check a product by hand, few enough to read.
SIGNIFICANT = 6
#: The most decimals any number is written with (smaller magnitudes read as 0).
MAX_DECIMALS = 12
#: From this magnitude on a number is written with an exponent (1E308 in a message about a value too large to
#: store): no figure of a page comes near it, and 309 digits would help nobody.
EXPONENT_FROM = 1e15


def current_language() -> str:
    """The language of the request (Django's active language), "en" outside one."""
    from django.utils import translation

    return translation.get_language() or "en"


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


@cache
def _pattern(min_decimals: int, max_decimals: int, grouping: bool) -> NumberPattern:
    """The CLDR pattern for these decimals, parsed once (a page formats thousands of numbers with a few patterns)."""
    integer = "#,##0" if grouping else "0"
    if max_decimals <= 0:
        return parse_pattern(integer)
    return parse_pattern(f"{integer}.{'0' * min_decimals}{'#' * (max_decimals - min_decimals)}")


def _decimals_for(value: float, significant: int) -> int:
    if value == 0:
        return 0
    exponent = math.floor(math.log10(abs(value)))
    return min(max(significant - 1 - exponent, 0), MAX_DECIMALS)


def number(value, *, decimals: int | None = None, max_decimals: int | None = None, significant: int = SIGNIFICANT,
           grouping: bool = True, language: str | None = None) -> str:
    """``value`` written in the reader's language (``language``, else the active one).

    decimals: exactly that many (``number(204.352, decimals=1)`` is "204.4"); max_decimals: at most that many,
    trailing zeros dropped; neither: ``significant`` digits (default 6), trailing zeros dropped. Rounding is half
    up, as people round by hand. From ``EXPONENT_FROM`` (10^15) on, with an exponent (1E308). None is "" (a page
    says "not reported" or "not counted" itself); NaN and infinity, which no stored figure holds, are written as
    Python writes them rather than raise.
    """
    if value is None:
        return ""
    number_ = float(value)
    if not math.isfinite(number_):
        return str(number_)
    locale = _locale(language or current_language())
    if abs(number_) >= EXPONENT_FROM:
        return format_scientific(number_, format="0.#####E0", locale=locale)
    if decimals is not None:
        low = high = max(0, min(decimals, MAX_DECIMALS))
    elif max_decimals is not None:
        low, high = 0, max(0, min(max_decimals, MAX_DECIMALS))
    else:
        low, high = 0, _decimals_for(number_, significant)
    rounded = Decimal(repr(number_)).quantize(Decimal(1).scaleb(-high), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)   # never "-0"
    return format_decimal(rounded, format=_pattern(low, high, grouping), locale=locale)


def symbols(language: str | None = None) -> dict:
    """The language's decimal and group separators and minus sign (CLDR)."""
    locale = _locale(language or current_language())
    return {"decimal": get_decimal_symbol(locale), "group": get_group_symbol(locale), "minus": get_minus_sign_symbol(locale)}


def month_names(language: str | None = None) -> list[str]:
    """The twelve abbreviated month names of the language (CLDR, format context): "Jan", "thg 1", "មករា", "ม.ค."."""
    names = get_month_names("abbreviated", context="format", locale=_locale(language or current_language()))
    return [names[m] for m in range(1, 13)]


def chart_format(language: str | None = None) -> dict:
    """What the charts (site/static/loomlight/dashboard.js) format numbers and months with, for the page's JSON."""
    return dict(_chart_format(language or current_language()))


@cache
def _chart_format(language: str) -> dict:
    return {"language": language, **symbols(language), "months": month_names(language)}


def django_formats(language: str) -> dict:
    """The number settings of a Django format module (``site/formats/<lang>/formats.py``), from CLDR."""
    found = symbols(language)
    primary, secondary = _locale(language).decimal_formats[None].grouping
    grouping = primary if primary == secondary else (primary, secondary, 0)   # Django's form of 12,34,567
    return {"DECIMAL_SEPARATOR": found["decimal"], "THOUSAND_SEPARATOR": found["group"], "NUMBER_GROUPING": grouping}
