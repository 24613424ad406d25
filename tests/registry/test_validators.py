"""The field rules every path shares (registry.validators): months, years, dates, text (issue 13, point 5)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from loomlight.registry import validators


@pytest.fixture
def frozen(monkeypatch):
    """Today is 15 March 2026."""
    monkeypatch.setattr(validators.timezone, "localdate", lambda: datetime.date(2026, 3, 15))


@pytest.mark.parametrize("text, month", [("1990-01", datetime.date(1990, 1, 1)), ("2026-03", datetime.date(2026, 3, 1))])
def test_a_month_from_january_1990_to_this_month(frozen, text, month):
    assert validators.parse_month(text) == month


@pytest.mark.parametrize("text, code, message", [
    ("0000-01", "month_out_of_range", "0000-01 is before 1990."),
    ("1989-12", "month_out_of_range", "1989-12 is before 1990."),
    ("2026-04", "month_in_future", "2026-04 is in the future."),
    ("2025-13", "not_a_month", "Give the month as YYYY-MM."),
    ("٢٠٢٥-٠٣", "not_a_month", "Give the month as YYYY-MM."),   # Arabic-Indic digits: ASCII only
    ("2025-03\n", "not_a_month", "Give the month as YYYY-MM."),
    (" 2025-03", "not_a_month", "Give the month as YYYY-MM."),
    ("99999-01", "not_a_month", "Give the month as YYYY-MM."),
    (None, "not_a_month", "Give the month as YYYY-MM."),
])
def test_anything_else_is_refused_with_its_reason(frozen, text, code, message):
    with pytest.raises(ValidationError) as caught:
        validators.parse_month(text)
    assert (caught.value.code, caught.value.messages) == (code, [message])


@pytest.mark.parametrize("period, message", [
    (datetime.date(2025, 3, 2), "A reporting period is a month: give its first day (YYYY-MM-01)."),
    (datetime.datetime(2025, 3, 1), "Give the month as YYYY-MM."),
    (datetime.date(1, 1, 1), "0001-01 is before 1990."),
])
def test_a_month_as_a_date_is_its_first_day(frozen, period, message):
    with pytest.raises(ValidationError) as caught:
        validators.validate_month(period)
    assert caught.value.messages == [message]


@pytest.mark.parametrize("year, ok", [(1989, False), (1990, True), (2026, True), (2027, False), (True, False), ("2025", False)])
def test_a_year_of_data(frozen, year, ok):
    assert validators.year_in_range(year) is ok


@pytest.mark.parametrize("date, ok", [(datetime.date(1, 1, 1), False), (datetime.date(1990, 1, 1), True),
                                      (datetime.date(2100, 12, 31), True), (datetime.date(2101, 1, 1), False), (None, True)])
def test_a_date_a_record_names(date, ok):
    if ok:
        validators.validate_date(date)
    else:
        with pytest.raises(ValidationError, match="Give a date from 1990-01-01 to 2100-12-31."):
            validators.validate_date(date)


@pytest.mark.parametrize("text, problem", [
    ("Dyehouse", None),
    ("Phúc Lâm សុវណ្ណ แสงทอง 😍", None),
    ("a\x00b", "Remove the NUL character (U+0000): text cannot hold it."),
    ("a\ud800", "Remove the unpaired surrogate (U+D800): text must be valid Unicode."),
])
def test_text_that_can_be_stored(text, problem):
    assert validators.text_problem(text) == problem
