"""Periods of time that pages, downloads and API routes show and compare: one rule for all of them.

A ``Period`` is a run of whole months, from ``start`` to ``end`` (both the 1st of a month, both
included): a calendar year, a year to date (January to a month of the same year) or the trailing
12 months ending with a month. ``before()`` is the comparable period a year earlier (the same
months shifted by 12), so that a part of a year is never compared with a whole one:

    year_to_date(2026, 3).before()  ->  Jan-Mar 2025        (never the whole of 2025)

``comparison`` picks what a page compares from the months that have data: a year whose data reach
December is compared with the year before; a year whose latest month with data is M is compared,
January to M, with the same months of the year before (year to date); the trailing 12 months end
with the latest month with data.

Reporting deadlines: the data of a month are due on day ``deadline_day`` of the month after
(LOOMLIGHT_REPORTING_DEADLINE_DAY, 20 by default: a programme's rule, not a publication's). A month
is *due* once its deadline has passed; a month not yet due is never counted as missing. A year is
*over* for a facility once its December is due; it is *complete* when it is over and each of its 12
months has data (``year_complete``): only complete years say how a year went.

Pure: dates in, dates and numbers out (no clock: ``today`` is always passed in), no Django.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

Month = tuple[int, int]   # (year, month 1..12)

YEAR, YEAR_TO_DATE, TRAILING_12 = "year", "ytd", "ttm"
KINDS = (YEAR, YEAR_TO_DATE, TRAILING_12)
#: Day of the following month on which a month's data are due, unless a deployment sets another.
DEFAULT_DEADLINE_DAY = 20


class PeriodError(ValueError):
    """A period that cannot be: the message says which part and why."""


def _index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _month(index: int) -> Month:
    return index // 12, index % 12 + 1


def _first(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1)


@dataclass(frozen=True)
class Period:
    """Whole months from ``start`` to ``end`` (the 1st of each, both included); ``kind`` says how it was chosen."""

    start: datetime.date
    end: datetime.date
    kind: str = YEAR

    def __post_init__(self):
        if self.start.day != 1 or self.end.day != 1:
            raise PeriodError("a period starts and ends on the 1st of a month")
        if self.end < self.start:
            raise PeriodError("a period ends after it starts")
        if self.kind not in KINDS:
            raise PeriodError(f"a period is one of {', '.join(KINDS)}, not {self.kind!r}")

    @property
    def months(self) -> list[Month]:
        """(year, month) of every month of the period, in order."""
        first, last = _index(self.start.year, self.start.month), _index(self.end.year, self.end.month)
        return [_month(i) for i in range(first, last + 1)]

    @property
    def length(self) -> int:
        """Number of months [months]."""
        return _index(self.end.year, self.end.month) - _index(self.start.year, self.start.month) + 1

    @property
    def years(self) -> list[int]:
        """The calendar years the period touches."""
        return list(range(self.start.year, self.end.year + 1))

    @property
    def is_whole_year(self) -> bool:
        return self.start.month == 1 and self.end.month == 12 and self.start.year == self.end.year

    def contains(self, period: datetime.date | Month) -> bool:
        year, month = (period.year, period.month) if isinstance(period, datetime.date) else period
        return (_index(self.start.year, self.start.month) <= _index(year, month)
                <= _index(self.end.year, self.end.month))

    def before(self) -> Period:
        """The comparable period a year earlier: the same months, 12 months before."""
        return Period(_first(self.start.year - 1, self.start.month), _first(self.end.year - 1, self.end.month), self.kind)

    def label_parts(self) -> dict:
        """What a label is made of, for the platform to word in the reader's language: the kind, and the first
        and last (year, month). "2025", "Jan-Mar 2026", "Apr 2025-Mar 2026" are three ways of showing them."""
        return {"kind": self.kind, "start_year": self.start.year, "start_month": self.start.month,
                "end_year": self.end.year, "end_month": self.end.month, "months": self.length}


def year(y: int) -> Period:
    """The calendar year ``y``, January to December."""
    return Period(_first(y, 1), _first(y, 12), YEAR)


def year_to_date(y: int, through_month: int) -> Period:
    """January to ``through_month`` (1..12) of ``y``; through December it is the whole year."""
    if not 1 <= through_month <= 12:
        raise PeriodError("the month a year to date runs through is 1 to 12")
    if through_month == 12:
        return year(y)
    return Period(_first(y, 1), _first(y, through_month), YEAR_TO_DATE)


def trailing_12_months(end_year: int, end_month: int) -> Period:
    """The 12 months ending with ``end_month`` of ``end_year``; ending in December it is that calendar year."""
    if not 1 <= end_month <= 12:
        raise PeriodError("the month trailing 12 months end with is 1 to 12")
    if end_month == 12:
        return year(end_year)
    start = _month(_index(end_year, end_month) - 11)
    return Period(_first(*start), _first(end_year, end_month), TRAILING_12)


# --- deadlines -------------------------------------------------------------------

def due_date(y: int, month: int, deadline_day: int = DEFAULT_DEADLINE_DAY) -> datetime.date:
    """The day the data of ``month`` of ``y`` are due: day ``deadline_day`` (1..28) of the month after."""
    if not 1 <= deadline_day <= 28:
        raise PeriodError("the reporting deadline is a day of the month from 1 to 28")
    ny, nm = _month(_index(y, month) + 1)
    return datetime.date(ny, nm, deadline_day)


def is_due(y: int, month: int, today: datetime.date, deadline_day: int = DEFAULT_DEADLINE_DAY) -> bool:
    """Whether the month's deadline has passed on ``today`` (on the deadline day itself it may still be reported)."""
    return today > due_date(y, month, deadline_day)


def last_due_month(today: datetime.date, deadline_day: int = DEFAULT_DEADLINE_DAY) -> Month:
    """The latest month whose deadline has passed on ``today``: on 10 April (deadline the 20th) February, on
    21 April March."""
    candidate = _index(today.year, today.month) - 1        # last month: due on the deadline day of this one
    if not is_due(*_month(candidate), today, deadline_day):
        candidate -= 1
    return _month(candidate)


def due_months(y: int, today: datetime.date, deadline_day: int = DEFAULT_DEADLINE_DAY, *,
               since: Month | None = None) -> list[int]:
    """The months (1..12) of ``y`` that are due on ``today``, from ``since`` on when it falls in ``y`` (a facility
    that started reporting in June is not missing January to May)."""
    last = _index(*last_due_month(today, deadline_day))
    first = _index(y, 1)
    if since is not None:
        first = max(first, _index(*since))
    return [_month(i)[1] for i in range(first, min(last, _index(y, 12)) + 1)]


def year_over(y: int, today: datetime.date, deadline_day: int = DEFAULT_DEADLINE_DAY) -> bool:
    """Whether every month of ``y`` is due (its December's deadline has passed)."""
    return is_due(y, 12, today, deadline_day)


def year_complete(y: int, months_with_data: int, today: datetime.date,
                  deadline_day: int = DEFAULT_DEADLINE_DAY) -> bool:
    """Whether ``y`` can say how the year went: it is over, and each of its 12 months has data
    (``months_with_data`` [months] is how many have)."""
    return year_over(y, today, deadline_day) and months_with_data >= 12


# --- which period a page shows ------------------------------------------------------------

def default_year(years_with_data: Iterable[int], today: datetime.date, *, compares: bool = False,
                 deadline_day: int = DEFAULT_DEADLINE_DAY) -> tuple[int, str]:
    """(the year a page opens on, why): the latest year with data ("latest"); on a page that compares years,
    the latest year with data that is over ("last_complete"), else the latest with data; the current year
    when there are no data at all ("none")."""
    years = sorted({y for y in years_with_data if y <= today.year}, reverse=True)
    if not years:
        return today.year, "none"
    if compares:
        over = [y for y in years if year_over(y, today, deadline_day)]
        if over:
            return over[0], "last_complete"
    return years[0], "latest"


def year_choices(years_with_data: Iterable[int], today: datetime.date) -> list[int]:
    """The years a page's year navigation lists, newest first: those with data and the current one."""
    return sorted({y for y in years_with_data if y <= today.year} | {today.year}, reverse=True)


def comparison(y: int, months_with_data: Iterable[datetime.date | Month], *, kind: str = YEAR) -> tuple[Period, Period]:
    """(the period shown, the comparable period before it) for year ``y`` given the months that have data.

    ``kind`` YEAR (the default) compares the year with the year before when its data reach December, else
    January to its latest month with data with the same months of the year before (year to date).
    TRAILING_12 compares the 12 months ending with the latest month with data in ``y`` with the 12 before.
    A year without data is compared whole.
    """
    if kind not in (YEAR, TRAILING_12):
        raise PeriodError("a comparison is by year (to date) or over the trailing 12 months")
    months = [(m.year, m.month) if isinstance(m, datetime.date) else m for m in months_with_data]
    latest = max((m for m in months if m[0] == y), default=None)
    if latest is None:
        shown = year(y)
    elif kind == TRAILING_12:
        shown = trailing_12_months(*latest)
    else:
        shown = year_to_date(y, latest[1])
    return shown, shown.before()


def annualise(value: float, months: int) -> float:
    """A part of a year scaled to 12 months [same unit a year]: value x 12 / months. It assumes the months
    missing are like those reported, and is shown as such, never as the year's result."""
    if not 1 <= months <= 12:
        raise PeriodError("an annualisation needs 1 to 12 months")
    return value * 12 / months


# --- completeness -------------------------------------------------------------------

@dataclass(frozen=True)
class Completeness:
    """How much of what is due has been reported: the months due, those complete, and per incomplete month the
    applicable metrics it lacks."""

    due: tuple[int, ...]                       # months (1..12) due
    complete: tuple[int, ...]                  # months due with every applicable metric reported
    missing: Mapping[int, tuple[str, ...]]     # month -> applicable metrics without a value (due months only)

    @property
    def share(self) -> float | None:
        """complete / due [0..1]; None when nothing is due yet (never 0 % for a month not yet due)."""
        return len(self.complete) / len(self.due) if self.due else None

    @property
    def incomplete(self) -> list[int]:
        return [m for m in self.due if m not in self.complete]


def completeness(reported: Mapping[int, Iterable[str]], applicable: Iterable[str], due: Iterable[int]) -> Completeness:
    """Completeness of a year against the metrics that apply to the facility.

    reported: {month 1..12: metric codes with a value}; applicable: the metric codes that apply to the facility;
    due: the months due (``due_months``). A month is complete when every applicable metric has a value; with no
    applicable metric, when any value exists.
    """
    wanted = set(applicable)
    due = tuple(sorted(set(due)))
    missing: dict[int, tuple[str, ...]] = {}
    complete = []
    for m in due:
        have = set(reported.get(m, ()))
        lacking = tuple(sorted(wanted - have)) if wanted else (() if have else ("",))
        if lacking:
            missing[m] = tuple(c for c in lacking if c)
        else:
            complete.append(m)
    return Completeness(due, tuple(complete), missing)
