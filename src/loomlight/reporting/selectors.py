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
from loomlight.calc import periods
from loomlight.reference.metrics import metrics
from loomlight.registry.models import Facility
from loomlight.reporting.models import ActivityValue, PeriodStatus, ReportingPeriod


@dataclass
class YearGrid:
    """A facility's year at a glance: one row per metric (and qualifier), one column per month.

    Completeness counts the months due (``calc.periods.due_months``: a month not yet due is never missing)
    against the metrics that apply to the facility (``applicable_metrics``): ``completeness`` is the share of
    the months due with every applicable metric reported (None when no month is due yet), ``missing`` the
    months due that are not complete, ``missing_metrics`` {month: names of the applicable metrics it lacks}."""

    year: int
    months: list[datetime.date]
    statuses: dict[int, ReportingPeriod]              # month number -> period row
    rows: list[dict] = field(default_factory=list)    # {metric, qualifier, name, unit, cells: [value|None]*12}
    completeness: float | None = None
    missing: list[int] = field(default_factory=list)
    missing_metrics: list[tuple[datetime.date, list[str]]] = field(default_factory=list)
    due: list[int] = field(default_factory=list)
    applicable: list[str] = field(default_factory=list)
    flags: int = 0


def years_with_data(facility: Facility) -> set[int]:
    """The years in which the facility reported any value."""
    return {d.year for d in ActivityValue.objects.filter(facility=facility).dates("period", "year")}


#: What a facility is suggested to report, by category, when it has reported nothing of that category yet:
#: grid electricity for everyone; water and wastewater for wet processing (to the park's central plant in a park).
SUGGESTED_BY_CATEGORY = {"energy": "electricity_grid"}
SUGGESTED_WET = {"water": "water_municipal", "wastewater": ("wastewater_cetp", "wastewater_sewer")}


def applicable_metrics(facility: Facility) -> tuple[list[str], bool]:
    """(the metric codes that apply to the facility, whether its manager set them).

    Until they are set (``services.applicable_metrics_set``), they are suggested: the metrics the facility
    reported in the 12 months up to its latest month with data, and, for a category it has reported nothing
    of, grid electricity for every facility and municipal water and wastewater (to the park's plant, or the
    sewer) for wet processing."""
    return applicable_metrics_of([facility])[facility.pk]


def applicable_metrics_of(facilities: Iterable[Facility]) -> dict[int, tuple[list[str], bool]]:
    """``applicable_metrics`` of many facilities: {facility id: (codes, saved)}, in at most three queries
    whatever their number (a page of the review list shows the completeness of each row)."""
    from django.db.models import Max

    from loomlight.reporting.models import ApplicableMetrics

    facilities = {f.pk: f for f in facilities}
    if not facilities:
        return {}
    result: dict[int, tuple[list[str], bool]] = {
        f: (list(codes), True) for f, codes in
        ApplicableMetrics.objects.filter(facility_id__in=list(facilities)).values_list("facility_id", "metrics")}
    unsaved = [f for f in facilities if f not in result]
    if not unsaved:
        return result
    latest = dict(ActivityValue.objects.filter(facility_id__in=unsaved).order_by().values("facility_id")
                  .annotate(latest=Max("period")).values_list("facility_id", "latest"))
    reported: dict[int, set[str]] = {f: set() for f in unsaved}
    if latest:
        window = Q()
        for f, last in latest.items():
            window |= Q(facility_id=f, period__gt=datetime.date(last.year - 1, last.month, 1), period__lte=last)
        for f, code in ActivityValue.objects.filter(window).order_by().values_list("facility_id", "metric").distinct():
            reported[f].add(code)
    for f in unsaved:
        facility = facilities[f]
        result[f] = (suggested_metrics(reported[f], facility.processes, in_park=bool(facility.park_id)), False)
    return result


def suggested_metrics(reported: Iterable[str], processes, *, in_park: bool) -> list[str]:
    """The metrics suggested to a facility that has not set them (``applicable_metrics``): those it reported in the
    12 months up to its latest month with data (``reported``, codes of the catalogue), with grid electricity when
    it reported no energy or fuel, and municipal water and wastewater (to the park's plant, or the sewer) for wet
    processing when it reported none; in the catalogue's order. Also used for many facilities at once
    (``reporting.rate``)."""
    from loomlight.registry.models import WET_PROCESSES

    catalogue = metrics()
    reported = set(reported) & set(catalogue)
    categories = {catalogue[c].category for c in reported}
    suggested = set(reported)
    if not categories & {"energy", "fuel"}:
        suggested.add(SUGGESTED_BY_CATEGORY["energy"])
    if set(processes or []) & WET_PROCESSES:
        if "water" not in categories:
            suggested.add(SUGGESTED_WET["water"])
        if "wastewater" not in categories:
            suggested.add(SUGGESTED_WET["wastewater"][0 if in_park else 1])
    return [c for c in catalogue if c in suggested]


def year_grid(facility: Facility, year: int, *, today: datetime.date | None = None,
              deadline_day: int | None = None) -> YearGrid:
    from django.conf import settings

    today = today or datetime.date.today()
    deadline_day = deadline_day or settings.REPORTING_DEADLINE_DAY
    values = ActivityValue.objects.filter(facility=facility, period__year=year).order_by("metric", "qualifier", "period")
    catalogue = metrics()
    order = {code: i for i, code in enumerate(catalogue)}
    rows: dict[tuple[str, str], dict] = {}
    reported: dict[int, set[str]] = {}
    flags = 0
    for v in values:
        key = (v.metric, v.qualifier)
        if key not in rows:
            m = catalogue.get(v.metric)
            rows[key] = {"metric": v.metric, "qualifier": v.qualifier, "name": gettext(m.name) if m else v.metric, "unit": v.unit,
                         "category": m.category if m else "", "cells": [None] * 12}
        rows[key]["cells"][v.period.month - 1] = v
        reported.setdefault(v.period.month, set()).add(v.metric)
        flags += bool(v.flag)
    statuses = {p.period.month: p for p in ReportingPeriod.objects.filter(facility=facility, period__year=year)}
    grid = YearGrid(year=year, months=[datetime.date(year, m, 1) for m in range(1, 13)], statuses=statuses,
                    rows=sorted(rows.values(), key=lambda r: (order.get(r["metric"], 10**6), r["qualifier"])), flags=flags)
    first = ActivityValue.objects.filter(facility=facility).order_by("period").values_list("period", flat=True).first()
    applicable, _saved = applicable_metrics(facility)
    grid.applicable = applicable
    grid.due = periods.due_months(year, today, deadline_day, since=(first.year, first.month) if first else None)
    result = periods.completeness(reported, applicable, grid.due)
    grid.completeness = result.share
    grid.missing = result.incomplete
    grid.missing_metrics = [(datetime.date(year, m, 1), [gettext(catalogue[c].name) if c in catalogue else c for c in codes])
                            for m, codes in sorted(result.missing.items())]
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


# --- the review list (issue 16: many months at once) ---------------------------------------------------------

#: the states the review list shows, "submitted" (awaiting verification) first
REVIEW_STATES = (PeriodStatus.SUBMITTED, PeriodStatus.RETURNED, PeriodStatus.VERIFIED)


def review_months(user, *, state: str = PeriodStatus.SUBMITTED, facility: int | None = None, park: int | None = None,
                  country: str = "", month: datetime.date | None = None):
    """The facility-months in ``state`` of every facility ``user`` may verify (``policy.facilities_verifiable``),
    oldest month first, then by facility name: a queryset, for a page of the review list (``review_rows``)."""
    from loomlight.registry import policy

    if state not in REVIEW_STATES:
        state = PeriodStatus.SUBMITTED
    rows = ReportingPeriod.objects.filter(facility__in=policy.facilities_verifiable(user), status=state)
    if facility:
        rows = rows.filter(facility_id=facility)
    if park:
        rows = rows.filter(facility__park_id=park)
    if country:
        rows = rows.filter(facility__country=country)
    if month:
        rows = rows.filter(period=month)
    return (rows.select_related("facility", "facility__park", "submitted_by", "verified_by")
            .order_by("period", "facility__name", "facility_id"))


@dataclass
class ReviewRow:
    """One row of the review list: the month, whether every applicable metric has a value (and the names of
    those without), and how many of its values are flagged."""

    month: ReportingPeriod
    complete: bool
    missing: list[str]
    flags: int


def review_rows(months: Iterable[ReportingPeriod]) -> list[ReviewRow]:
    """The rows of one page of ``review_months``: four queries at most, whatever the number of rows."""
    months = list(months)
    if not months:
        return []
    applicable = applicable_metrics_of({m.facility_id: m.facility for m in months}.values())
    pairs = Q()
    for m in months:
        pairs |= Q(facility_id=m.facility_id, period=m.period)
    reported: dict[tuple[int, datetime.date], set[str]] = {}
    flags: dict[tuple[int, datetime.date], int] = {}
    for f, p, code, flag in ActivityValue.objects.filter(pairs).order_by().values_list("facility_id", "period", "metric", "flag"):
        reported.setdefault((f, p), set()).add(code)
        flags[(f, p)] = flags.get((f, p), 0) + bool(flag)
    catalogue = metrics()
    rows = []
    for m in months:
        key = (m.facility_id, m.period)
        codes, _saved = applicable[m.facility_id]
        check = periods.completeness({1: reported.get(key, set())}, codes, [1])
        missing = [gettext(catalogue[c].name) if c in catalogue else c for c in check.missing.get(1, ())]
        rows.append(ReviewRow(month=m, complete=not check.missing, missing=missing, flags=flags.get(key, 0)))
    return rows
