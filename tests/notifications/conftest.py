"""The small world of tests/conftest.py, built on 1 April 2026 (so its facilities are registered before March's
deadline, 20 April), with e-mail addresses for the people who are told, and helpers to move the clock and to
put a month in a state."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from loomlight.reporting.models import ActivityValue, PeriodStatus, ReportingPeriod

BUILT = datetime.datetime(2026, 4, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    """The clock, frozen on 1 April 2026 08:00 UTC; ``clock.move_to(...)`` moves it."""
    with time_machine.travel(BUILT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def people(world):
    for name, user in world.users.items():
        user.email = f"{name}@example.org"
        user.save(update_fields=["email"])
    return world


def at(day: int, month: int = 4, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, 0, tzinfo=datetime.UTC)


def month_in(facility, period: datetime.date, status: str, *, by=None, comment: str = "",
             submitted_at=None, verified_at=None, verified_by=None) -> ReportingPeriod:
    """A facility-month with one value and the given state, written straight to the store."""
    ActivityValue.objects.create(facility=facility, period=period, metric="electricity_purchased", value=310000,
                                 unit="kWh", original_value=310000, original_unit="kWh", source="form", entered_by=by)
    return ReportingPeriod.objects.create(
        facility=facility, period=period, status=status, comment=comment, submitted_by=by,
        submitted_at=submitted_at, verified_at=verified_at, verified_by=verified_by)


SUBMITTED = PeriodStatus.SUBMITTED
RETURNED = PeriodStatus.RETURNED
VERIFIED = PeriodStatus.VERIFIED
