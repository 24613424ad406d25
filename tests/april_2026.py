"""The new user's April of the period tests (tests/inventories/test_periods.py, tests/reporting/test_periods.py):
the clock frozen on 10 April 2026, and monthly values written straight to the store."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from loomlight.reporting.models import ActivityValue


@pytest.fixture(autouse=True)
def april_2026():
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0, tzinfo=datetime.UTC), tick=False):
        yield


def store_values(facility, rows) -> None:
    """``rows`` of (year, months, metric, value, unit): the value in each of those months, in canonical units."""
    ActivityValue.objects.bulk_create([
        ActivityValue(facility=facility, period=datetime.date(y, m, 1), metric=metric, value=value, unit=unit,
                      original_value=value, original_unit=unit, source="form")
        for y, months, metric, value, unit in rows for m in months])
