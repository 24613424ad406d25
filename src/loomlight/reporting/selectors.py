"""Read paths for monthly reporting."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext

from loomlight.calc.validation import completeness, missing_months
from loomlight.reference.metrics import metrics
from loomlight.registry.models import Facility
from loomlight.reporting.models import ActivityValue, PeriodStatus, ReportingPeriod


@dataclass
class YearGrid:
    """A facility's year at a glance: one row per metric (and qualifier), one column per month."""

    year: int
    months: list[datetime.date]
    statuses: dict[int, ReportingPeriod]              # month number -> period row
    rows: list[dict] = field(default_factory=list)    # {metric, qualifier, name, unit, cells: [value|None]*12}
    completeness: float = 0.0
    missing: list[int] = field(default_factory=list)
    flags: int = 0


def year_grid(facility: Facility, year: int, *, today: datetime.date | None = None) -> YearGrid:
    today = today or datetime.date.today()
    through = 12 if year < today.year else (today.month if year == today.year else 0)
    values = ActivityValue.objects.filter(facility=facility, period__year=year).order_by("metric", "qualifier", "period")
    catalogue = metrics()
    order = {code: i for i, code in enumerate(catalogue)}
    rows: dict[tuple[str, str], dict] = {}
    reported = set()
    flags = 0
    for v in values:
        key = (v.metric, v.qualifier)
        if key not in rows:
            m = catalogue.get(v.metric)
            rows[key] = {"metric": v.metric, "qualifier": v.qualifier, "name": gettext(m.name) if m else v.metric, "unit": v.unit,
                         "category": m.category if m else "", "cells": [None] * 12}
        rows[key]["cells"][v.period.month - 1] = v
        reported.add((year, v.period.month))
        flags += bool(v.flag)
    statuses = {p.period.month: p for p in ReportingPeriod.objects.filter(facility=facility, period__year=year)}
    grid = YearGrid(year=year, months=[datetime.date(year, m, 1) for m in range(1, 13)], statuses=statuses,
                    rows=sorted(rows.values(), key=lambda r: (order.get(r["metric"], 10**6), r["qualifier"])), flags=flags)
    if through:
        grid.completeness = completeness(reported, year, through_month=through)
        grid.missing = missing_months(reported, year, through_month=through)
    return grid


def status_choices():
    return PeriodStatus.choices
