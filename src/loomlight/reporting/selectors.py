"""Read paths for monthly reporting."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy

from loomlight.audit.models import AuditEvent
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


#: why a user may not verify a month (separation of duties), shown on the page and raised by the service
AUTHOR_REFUSALS = {
    "entered": gettext_lazy("You entered or changed values of %(month)s: another reviewer must verify it."),
    "submitted": gettext_lazy("You submitted %(month)s: another reviewer must verify it."),
}


@dataclass(frozen=True)
class MonthAuthors:
    """Who wrote a facility-month, by user id, as its values, the audit trail and its submissions tell.

    ``entered``: entered or changed any value of the month, in its present version or an
    earlier one (an imported value is entered by whoever uploaded the file); ``submitted``:
    submitted the month, now or before it was returned.
    """

    entered: frozenset[int] = frozenset()
    submitted: frozenset[int] = frozenset()

    def conflict(self, user) -> str | None:
        """What keeps ``user`` from verifying the month: "entered", "submitted", or None."""
        if user.pk in self.entered:
            return "entered"
        if user.pk in self.submitted:
            return "submitted"
        return None

    def refusal(self, user, period: datetime.date) -> str | None:
        """The reason, in the reader's language, that ``user`` may not verify the month; None when they may."""
        conflict = self.conflict(user)
        return str(AUTHOR_REFUSALS[conflict]) % {"month": f"{period:%Y-%m}"} if conflict else None


def _audited(model, keys: QuerySet, *fields: str):
    """(object id, actor id, *fields) of the audit events of the ``model`` rows whose pk ``keys`` selects."""
    ids = keys.annotate(audit_key=Cast("pk", CharField())).values("audit_key")
    return (AuditEvent.objects.filter(object_type=model._meta.label_lower, object_id__in=ids)
            .values_list("object_id", "actor_id", *fields))


def month_authors(facility: Facility | int, periods: Iterable[datetime.date]) -> dict[datetime.date, MonthAuthors]:
    """{period: MonthAuthors} of ``facility``'s months ``periods``, in four queries whatever their number."""
    periods = sorted(set(periods))
    entered: dict[datetime.date, set[int]] = defaultdict(set)
    submitted: dict[datetime.date, set[int]] = defaultdict(set)

    values = ActivityValue.objects.filter(facility=facility, period__in=periods)
    value_month = {}
    for pk, period, by in values.values_list("pk", "period", "entered_by_id"):
        value_month[str(pk)] = period
        entered[period].add(by)
    # earlier versions: who wrote each version (the event's actor) and whom each version names
    for object_id, *users in _audited(ActivityValue, values, "before__entered_by_id", "after__entered_by_id"):
        entered[value_month[object_id]].update(users)

    months = ReportingPeriod.objects.filter(facility=facility, period__in=periods)
    month_of = {}
    for pk, period, by in months.values_list("pk", "period", "submitted_by_id"):
        month_of[str(pk)] = period
        submitted[period].add(by)
    for object_id, actor, status, *users in _audited(ReportingPeriod, months, "after__status", "before__submitted_by_id",
                                                     "after__submitted_by_id"):
        submitted[month_of[object_id]].update(users)
        if status == PeriodStatus.SUBMITTED:
            submitted[month_of[object_id]].add(actor)

    def ids(found: set) -> frozenset[int]:
        return frozenset(int(u) for u in found if u is not None)

    return {p: MonthAuthors(entered=ids(entered[p]), submitted=ids(submitted[p])) for p in periods}


def status_choices():
    return PeriodStatus.choices
