"""Read paths for monthly reporting."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast, Coalesce
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


def verify_refusal(written: str, period: datetime.date) -> str:
    """The reason, in the reader's language, why the author of a month (``months_written_by``) may not verify it."""
    return str(AUTHOR_REFUSALS[written]) % {"month": f"{period:%Y-%m}"}


def _audited_by(user, model, **match) -> Exists:
    """Whether the audit trail records ``user`` changing the outer ``model`` row.

    Looked up per row on the trail's (object type, object id) index. The actor is compared
    through Coalesce so that no index on it can be used: given one, SQLite (without
    statistics) picks it and scans all the actor's events for every row.
    """
    events = (AuditEvent.objects.filter(object_type=model._meta.label_lower, object_id=Cast(OuterRef("pk"), CharField()),
                                        **match)
              .annotate(by=Coalesce("actor_id", 0)).filter(by=user.pk))
    return Exists(events)


def months_written_by(user, facility: Facility | int, periods: Iterable[datetime.date]) -> dict[datetime.date, str]:
    """{period: "entered" | "submitted"} of the months of ``periods`` that ``user`` wrote; the others are left out.

    "entered": they entered or changed a value of the month, in its present version
    (``ActivityValue.entered_by``) or an earlier one (the actor of each version in the audit
    trail, so a value corrected by someone else still counts its first author, and a value
    converted again by a fuel property counts whoever recorded it; an import writes as its
    uploader). "submitted": they submitted the month, now (``ReportingPeriod.submitted_by``)
    or before a return (the audit trail). Two queries, whatever the number of months.
    """
    facility_id = getattr(facility, "pk", facility)
    periods = sorted(set(periods))
    if user.pk is None or not periods:
        return {}
    submitted = (ReportingPeriod.objects.filter(facility_id=facility_id, period__in=periods)
                 .filter(Q(submitted_by_id=user.pk) | _audited_by(user, ReportingPeriod, after__status=PeriodStatus.SUBMITTED))
                 .order_by().values_list("period", flat=True))
    entered = (ActivityValue.objects.filter(facility_id=facility_id, period__in=periods)
               .filter(Q(entered_by_id=user.pk) | _audited_by(user, ActivityValue))
               .order_by().values_list("period", flat=True).distinct())
    written = dict.fromkeys(submitted, "submitted")
    written.update(dict.fromkeys(entered, "entered"))
    return written


def status_choices():
    return PeriodStatus.choices
