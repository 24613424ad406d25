"""Field rules shared by models, forms, API, the Excel import and the CLI (one place for each rule).

Months, years, dates and text are checked here for every path: a month is written YYYY-MM in ASCII
digits and lies from January FIRST_YEAR to this month; a date a record names (a consent's validity,
a sampling day, a declaration's end) lies from FIRST_DATE to LAST_DATE; text holds no NUL character
and no unpaired surrogate (neither can be stored by PostgreSQL, nor encoded as UTF-8). Numbers are
``calc.units.parse_number``'s rule (finite; -0 read as 0).
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

#: The earliest year of monthly data: the pages, the Excel import and the API start here.
FIRST_YEAR = 1990
#: The range of the dates a record may name (a consent's start and end, a sampling day, a declaration's end).
FIRST_DATE = datetime.date(FIRST_YEAR, 1, 1)
LAST_DATE = datetime.date(2100, 12, 31)

MONTH_TEXT = re.compile(r"([0-9]{4})-([0-9]{2})")   # fullmatch; ASCII digits only (\d would take Arabic-Indic ones)
_BAD_TEXT = re.compile(r"[\x00\ud800-\udfff]")       # NUL, or half of a UTF-16 surrogate pair

from loomlight.registry.countries import is_country

OS_HUB_ID_RE = re.compile(r"^[A-Z]{2}[0-9A-Z]{8,28}$")


def validate_country(code: str) -> None:
    if not is_country(code):
        raise ValidationError(
            _("Unknown country code “%(code)s”: use an ISO 3166-1 alpha-2 code such as VN, KH or ET."),
            code="unknown_country",
            params={"code": code},
        )


def validate_codes(values, allowed: dict, label: str) -> None:
    if not isinstance(values, list):
        raise ValidationError(_("%(label)s must be a list."), code="not_a_list", params={"label": label})
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError(
            _("Unknown %(label)s: %(unknown)s. Allowed: %(allowed)s."),
            code="unknown_choice",
            params={"label": label, "unknown": ", ".join(map(str, unknown)), "allowed": ", ".join(allowed)},
        )
    if len(set(values)) != len(values):
        raise ValidationError(_("%(label)s lists a value twice."), code="duplicate_choice", params={"label": label})


def validate_os_hub_id(value: str) -> None:
    if value and not OS_HUB_ID_RE.match(value):
        raise ValidationError(
            _("An Open Supply Hub ID is two capital letters followed by 8 to 28 capital letters or digits, e.g. VN2019123ABC4DE."),
            code="invalid_os_hub_id",
        )


# --- months, years and dates -------------------------------------------------------

def _this_month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def _yyyy_mm(period: datetime.date) -> str:
    return f"{period.year:04d}-{period.month:02d}"   # strftime leaves years before 1000 unpadded


def parse_month(text) -> datetime.date:
    """The first day of the month written ``YYYY-MM`` (ASCII digits, nothing before or after), within
    validate_month's range; ValidationError otherwise."""
    match = MONTH_TEXT.fullmatch(text) if isinstance(text, str) else None
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError(_("Give the month as YYYY-MM."), code="not_a_month")
    year, month = int(match.group(1)), int(match.group(2))
    if year < FIRST_YEAR:   # before building a date: year 0 has none
        raise ValidationError(_("%(month)s is before %(year)s."), code="month_out_of_range",
                              params={"month": text, "year": FIRST_YEAR})
    return validate_month(datetime.date(year, month, 1))


def validate_month(period) -> datetime.date:
    """A reporting month: a date on the first of a month from January FIRST_YEAR to this month."""
    if not isinstance(period, datetime.date) or isinstance(period, datetime.datetime):
        raise ValidationError(_("Give the month as YYYY-MM."), code="not_a_month")
    if period.day != 1:
        raise ValidationError(_("A reporting period is a month: give its first day (YYYY-MM-01)."), code="not_first_of_month")
    if period.year < FIRST_YEAR:
        raise ValidationError(_("%(month)s is before %(year)s."), code="month_out_of_range",
                              params={"month": _yyyy_mm(period), "year": FIRST_YEAR})
    if period > _this_month():
        raise ValidationError(_("%(month)s is in the future."), code="month_in_future", params={"month": _yyyy_mm(period)})
    return period


def year_in_range(year) -> bool:
    """A year of data: from FIRST_YEAR to this year."""
    return isinstance(year, int) and not isinstance(year, bool) and FIRST_YEAR <= year <= timezone.localdate().year


def validate_date(value) -> None:
    """A date a record names lies from FIRST_DATE to LAST_DATE (not year 1, not year 9999)."""
    if isinstance(value, datetime.date) and not FIRST_DATE <= value <= LAST_DATE:
        raise ValidationError(_("Give a date from %(first)s to %(last)s."), code="date_out_of_range",
                              params={"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()})


# --- text ------------------------------------------------------------------------

def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (a NUL character, an unpaired surrogate), or None."""
    found = _BAD_TEXT.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        return _("Remove the NUL character (U+0000): text cannot hold it.")
    return _("Remove the unpaired surrogate (U+%(code)04X): text must be valid Unicode.") % {"code": ord(found.group())}


def validate_text(value) -> None:
    """Text holds no NUL character and no unpaired surrogate (a field validator, for forms and models)."""
    if isinstance(value, str) and (problem := text_problem(value)):
        raise ValidationError(problem, code="invalid_text")
