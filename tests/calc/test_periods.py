"""The one period module: which periods a page shows and compares, deadlines and completeness (``calc.periods``).

Dates are passed in (no clock); each expected value is worked out in the comment beside it.
"""

from __future__ import annotations

import datetime

import pytest

from loomlight.calc import periods
from loomlight.calc.periods import Period, PeriodError

D = datetime.date


def test_a_year_to_date_is_compared_with_the_same_months_of_the_year_before():
    # given three months of 2026, when compared, then January-March 2025 (never the whole of 2025)
    shown = periods.year_to_date(2026, 3)
    before = shown.before()
    assert (shown.start, shown.end, shown.kind) == (D(2026, 1, 1), D(2026, 3, 1), "ytd")
    assert (before.start, before.end, before.length) == (D(2025, 1, 1), D(2025, 3, 1), 3)
    assert not shown.is_whole_year and periods.year_to_date(2026, 12) == periods.year(2026)


def test_the_comparison_follows_the_months_with_data():
    months = [D(2026, m, 1) for m in (1, 2, 3)]
    # data through March: Jan-Mar 2026 against Jan-Mar 2025
    assert periods.comparison(2026, months) == (periods.year_to_date(2026, 3), periods.year_to_date(2025, 3))
    # a year whose data reach December: the year against the year before
    full = [D(2025, m, 1) for m in range(1, 13)]
    assert periods.comparison(2025, full) == (periods.year(2025), periods.year(2024))
    # a past year with a gap in the middle but data in December is still a whole year
    assert periods.comparison(2025, [D(2025, 1, 1), D(2025, 12, 1)])[0] == periods.year(2025)
    # no data in the year: the year, whole
    assert periods.comparison(2027, []) == (periods.year(2027), periods.year(2026))
    # only months of other years count: a 2025 month does not make 2026 a whole year
    assert periods.comparison(2026, full + months)[0].end == D(2026, 3, 1)


def test_trailing_12_months_end_with_the_latest_month_with_data():
    shown, before = periods.comparison(2026, [(2026, 1), (2026, 3)], kind=periods.TRAILING_12)
    # 12 months ending March 2026 start April 2025; the 12 before them run April 2024 to March 2025
    assert (shown.start, shown.end, shown.length, shown.kind) == (D(2025, 4, 1), D(2026, 3, 1), 12, "ttm")
    assert (before.start, before.end) == (D(2024, 4, 1), D(2025, 3, 1))
    assert shown.years == [2025, 2026] and shown.contains(D(2025, 4, 1)) and not shown.contains((2025, 3))
    # ending in December they are the calendar year
    assert periods.trailing_12_months(2025, 12) == periods.year(2025)


def test_label_parts_name_both_ends():
    assert periods.trailing_12_months(2026, 3).label_parts() == {
        "kind": "ttm", "start_year": 2025, "start_month": 4, "end_year": 2026, "end_month": 3, "months": 12}


@pytest.mark.parametrize("bad", [
    lambda: Period(D(2026, 1, 2), D(2026, 3, 1)),          # not the 1st of a month
    lambda: Period(D(2026, 3, 1), D(2026, 1, 1)),          # ends before it starts
    lambda: Period(D(2026, 1, 1), D(2026, 3, 1), "week"),  # no such kind
    lambda: periods.year_to_date(2026, 13),
    lambda: periods.due_date(2026, 1, 29),                 # a deadline every month has: 1 to 28
    lambda: periods.annualise(10.0, 0),
    lambda: periods.comparison(2026, [], kind="ytd"),      # a comparison is by year (to date) or trailing 12 months
])
def test_impossible_periods_are_refused(bad):
    with pytest.raises(PeriodError):
        bad()


def test_a_month_is_due_on_the_deadline_day_of_the_month_after():
    # deadline the 20th: March 2026 is due on 20 April 2026 and missing only from 21 April
    assert periods.due_date(2026, 3, 20) == D(2026, 4, 20)
    assert periods.due_date(2025, 12, 20) == D(2026, 1, 20)
    assert not periods.is_due(2026, 3, D(2026, 4, 20), 20) and periods.is_due(2026, 3, D(2026, 4, 21), 20)
    # on 10 April February is the last month due; on 21 April March; on 5 January 2026 November 2025
    assert periods.last_due_month(D(2026, 4, 10), 20) == (2026, 2)
    assert periods.last_due_month(D(2026, 4, 21), 20) == (2026, 3)
    assert periods.last_due_month(D(2026, 1, 5), 20) == (2025, 11)


def test_months_due_leave_out_the_months_not_yet_due_and_those_before_the_first_data():
    # on 10 April 2026: January and February of 2026 are due (March is due on 20 April, April not before May)
    assert periods.due_months(2026, D(2026, 4, 10), 20) == [1, 2]
    assert periods.due_months(2025, D(2026, 4, 10), 20) == list(range(1, 13))
    assert periods.due_months(2027, D(2026, 4, 10), 20) == []
    # a facility that first reported in June 2025 is not missing January to May 2025
    assert periods.due_months(2025, D(2026, 4, 10), 20, since=(2025, 6)) == [6, 7, 8, 9, 10, 11, 12]


def test_a_year_is_complete_once_over_and_with_twelve_months_of_data():
    # 2025 is over from 21 January 2026 (its December due on the 20th)
    assert not periods.year_over(2025, D(2026, 1, 20), 20) and periods.year_over(2025, D(2026, 1, 21), 20)
    assert periods.year_complete(2025, 12, D(2026, 4, 10), 20)
    assert not periods.year_complete(2025, 11, D(2026, 4, 10), 20)       # a month without data
    assert not periods.year_complete(2026, 12, D(2026, 4, 10), 20)       # not over (future months entered)


def test_a_page_opens_on_the_latest_year_with_data():
    today = D(2026, 4, 10)
    # a facility with only earlier years opens on the latest of them, never on an empty 2026
    assert periods.default_year({2023, 2024}, today) == (2024, "latest")
    # with three months of 2026: a page that lists months opens on 2026; one that compares years on 2025, over
    assert periods.default_year({2025, 2026}, today) == (2026, "latest")
    assert periods.default_year({2025, 2026}, today, compares=True) == (2025, "last_complete")
    # only the year in progress: that year, even on a page that compares
    assert periods.default_year({2026}, today, compares=True) == (2026, "latest")
    # no data: the current year; a year in the future (a typing error) is never the default
    assert periods.default_year([], today) == (2026, "none")
    assert periods.default_year({2024, 2031}, today) == (2024, "latest")
    # every year with data stays one click away, with the current one
    assert periods.year_choices({2021, 2023}, today) == [2026, 2023, 2021]


def test_annualising_scales_to_twelve_months():
    # 125.3 t in 3 months: 125.3 x 12 / 3 = 501.2 t a year
    assert periods.annualise(125.3, 3) == pytest.approx(501.2)


def test_a_month_is_complete_when_every_metric_that_applies_has_a_value():
    reported = {1: {"electricity_grid", "water_municipal"}, 2: {"electricity_grid"}, 3: {"electricity_grid", "water_municipal"}}
    # due: January and February (10 April); March is reported but not yet due, and is not counted either way
    result = periods.completeness(reported, {"electricity_grid", "water_municipal"}, [1, 2])
    assert result.complete == (1,) and result.missing == {2: ("water_municipal",)}
    assert result.share == pytest.approx(0.5) and result.incomplete == [2]
    # nothing due yet: no share (never 0 % for months not yet due)
    assert periods.completeness(reported, {"electricity_grid"}, []).share is None
    # with no metric set up, any value makes the month complete; a month without values is missing
    fallback = periods.completeness({1: {"x"}}, [], [1, 2])
    assert fallback.complete == (1,) and fallback.missing == {2: ()}
