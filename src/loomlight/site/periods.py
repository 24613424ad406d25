"""The pages' side of ``loomlight.calc.periods``: which year a page opens on, its year navigation, the
words of a period and of a comparison in the reader's language, and today's date and the reporting
deadline (the one place that reads the clock and the setting for them).

Every page that shows a year asks ``page_year``; every page, download and route that compares two
periods asks ``calc.periods.comparison`` and labels it with ``comparison_label``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from loomlight.calc import periods
from loomlight.calc.periods import Period
from loomlight.site.lookups import data_year


def today() -> datetime.date:
    return datetime.date.today()


def deadline_day() -> int:
    """LOOMLIGHT_REPORTING_DEADLINE_DAY: a month's data are due on this day of the month after."""
    return settings.REPORTING_DEADLINE_DAY


@dataclass(frozen=True)
class YearChoice:
    """The year a page shows, why (``requested``, or ``calc.periods.default_year``'s reason: "latest",
    "last_complete", "none") and the years its navigation lists (those with data and the current one)."""

    year: int
    reason: str
    years: list[int]

    @property
    def note(self) -> str:
        """What the page says about the year it opened on; nothing when the reader chose it."""
        if self.reason == "latest":
            return _("Showing %(year)s, the latest year with data.") % {"year": self.year}
        if self.reason == "last_complete":
            return _("Showing %(year)s, the latest year with data that is over.") % {"year": self.year}
        if self.reason == "none":
            return _("No data yet: showing %(year)s.") % {"year": self.year}
        return ""


def page_year(requested: int | None, years_with_data, *, compares: bool = False) -> YearChoice:
    """The year of a page: the one in the address (404 outside the years a page can show), else the default of
    ``calc.periods.default_year`` for the years that have data."""
    now = today()
    years_with_data = set(years_with_data)
    if requested is not None:
        year, reason = data_year(requested), "requested"
    else:
        year, reason = periods.default_year(years_with_data, now, compares=compares, deadline_day=deadline_day())
    return YearChoice(year, reason, periods.year_choices(years_with_data | {year}, now))


def _month(year: int, month: int) -> str:
    return date_format(datetime.date(year, month, 1), "M")


def period_label(period: Period) -> str:
    """"2025", "Jan–Mar 2026" or "Apr 2025–Mar 2026", with month names in the reader's language."""
    if period.is_whole_year:
        return str(period.start.year)
    start, end = period.start, period.end
    if start.year == end.year:
        if start.month == end.month:
            return _("%(month)s %(year)s") % {"month": _month(end.year, end.month), "year": end.year}
        return _("%(first)s–%(last)s %(year)s") % {"first": _month(start.year, start.month),
                                                   "last": _month(end.year, end.month), "year": end.year}
    return _("%(first)s %(first_year)s–%(last)s %(last_year)s") % {
        "first": _month(start.year, start.month), "first_year": start.year,
        "last": _month(end.year, end.month), "last_year": end.year}


def comparison_label(shown: Period, before: Period) -> str:
    """"Jan–Mar 2026 against Jan–Mar 2025": the periods of a comparison, named."""
    return _("%(shown)s against %(before)s") % {"shown": period_label(shown), "before": period_label(before)}


def comparison_kind(request) -> str:
    """The comparison a page was asked for: ``?compare=ttm`` for the trailing 12 months, else by year (to date)."""
    return periods.TRAILING_12 if request.GET.get("compare") == periods.TRAILING_12 else periods.YEAR
