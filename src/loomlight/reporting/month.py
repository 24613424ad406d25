"""Read paths of the month form and of "what to do next": one facility-month with every metric that applies,
the unit each is usually reported in, last month's and last year's values beside it; and the months a viewer
should act on (due, overdue, returned, awaiting verification).

Selectors only (no writes). The month form saves through ``services.month_values_set``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cache

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loomlight.calc import periods
from loomlight.calc.units import dimension_of
from loomlight.calc.validation import HistoryCheck, history_check, month_index
from loomlight.reference.metrics import metrics
from loomlight.registry.models import Facility
from loomlight.reporting.models import ActivityValue, PeriodStatus, ReportingPeriod

#: metrics whose values are told apart by a qualifier (the product type of production, the waste type of waste)
QUALIFIED_CATEGORIES = ("production", "waste")

#: the units offered in a unit list, filtered per metric by what the one unit parser says their dimension is
#: (``calc.units.dimension_of``); any other unit the parser accepts can still be typed in the extra rows
UNIT_CANDIDATES = ("kWh", "MWh", "GJ", "MJ", "TJ", "Gcal", "L", "m³", "gal", "kg", "tonne", "short_ton", "lb",
                   "m", "km", "piece", "pair", "hour", "person", "count")

EDITABLE = (PeriodStatus.DRAFT, PeriodStatus.RETURNED)


def shift(period: datetime.date, months: int) -> datetime.date:
    index = month_index(period.year, period.month) + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@cache
def unit_options(metric: str) -> tuple[str, ...]:
    """The units a metric's list offers: those of its canonical unit's dimension, and of the dimensions it
    also accepts through fuel properties (litres, tonnes of a fuel)."""
    m = metrics()[metric]
    dimensions = {dimension_of(m.canonical_unit), *m.also_accepts}
    options = [u for u in UNIT_CANDIDATES if dimension_of(u) in dimensions]
    for unit in (m.reporting_unit, m.canonical_unit):
        if unit not in options:
            options.insert(0, unit)
    return tuple(options)


def units_for(metric: str, unit: str) -> list[str]:
    """``unit_options`` with ``unit`` (one the facility used, perhaps not in the list) first when it is not in it."""
    options = list(unit_options(metric))
    return options if unit in options else [unit, *options]


@dataclass
class MonthRow:
    """One series (metric and qualifier) of the month form."""

    metric: str
    qualifier: str
    name: str
    applies: bool                       # in the facility's applicable metrics
    unit: str                           # pre-selected: this month's, else the last one used, else the catalogue's
    units: list[str]
    value: ActivityValue | None = None  # this month's stored value
    previous: ActivityValue | None = None
    last_year: ActivityValue | None = None
    check: HistoryCheck | None = None   # the history check of a stored flagged value

    @property
    def key(self) -> tuple[str, str]:
        return (self.metric, self.qualifier)


@dataclass
class MonthSheet:
    facility: Facility
    period: datetime.date
    status: ReportingPeriod | None
    rows: list[MonthRow] = field(default_factory=list)
    applicable_saved: bool = False

    @property
    def previous_period(self) -> datetime.date:
        return shift(self.period, -1)

    @property
    def last_year_period(self) -> datetime.date:
        return shift(self.period, -12)

    @property
    def editable(self) -> bool:
        return self.status is None or self.status.status in EDITABLE


def month_sheet(facility: Facility, period: datetime.date) -> MonthSheet:
    """The month form's rows for ``facility`` and ``period`` (the 1st of a month).

    Rows: each metric that applies to the facility (``selectors.applicable_metrics``), as the series it was
    reported in over the 12 months before (a production metric by product type, a waste metric by waste
    type) or else one row without qualifier; and every series with a value this month. Each row's unit is
    the one of this month's value, else the one last used in those 12 months (for the series, then for
    the metric), else the catalogue's reporting unit. Four queries at most (the applicable metrics take one
    when set, three when suggested), whatever the number of metrics."""
    from loomlight.reporting.selectors import applicable_metrics

    catalogue = metrics()
    applicable, saved = applicable_metrics(facility)
    first = shift(period, -12)
    values = list(ActivityValue.objects.filter(facility=facility, period__gte=first, period__lte=period)
                  .order_by("period").only("metric", "qualifier", "period", "value", "unit", "original_value",
                                           "original_unit", "flag"))
    status = ReportingPeriod.objects.filter(facility=facility, period=period).first()
    by_series: dict[tuple[str, str], dict[datetime.date, ActivityValue]] = {}
    last_unit: dict[str, str] = {}
    for v in values:   # in month order: the last seen is the latest
        by_series.setdefault((v.metric, v.qualifier), {})[v.period] = v
        last_unit[v.metric] = v.original_unit
    keys: list[tuple[str, str]] = []
    for code in applicable:
        if code not in catalogue:
            continue
        seen = sorted(k for k in by_series if k[0] == code)
        keys.extend(seen or [(code, "")])
    keys.extend(k for k, months in sorted(by_series.items()) if period in months and k not in keys and k[0] in catalogue)
    order = {code: i for i, code in enumerate(catalogue)}
    keys.sort(key=lambda k: (order[k[0]], k[1]))
    rows = []
    for metric, qualifier in keys:
        months = by_series.get((metric, qualifier), {})
        current = months.get(period)
        earlier = [months[p] for p in sorted(months) if p < period]
        unit = (current.original_unit if current else earlier[-1].original_unit if earlier
                else last_unit.get(metric) or catalogue[metric].reporting_unit)
        row = MonthRow(metric=metric, qualifier=qualifier, name=gettext(catalogue[metric].name),
                       applies=metric in applicable, unit=unit, units=units_for(metric, unit), value=current,
                       previous=months.get(shift(period, -1)), last_year=months.get(shift(period, -12)))
        if current is not None and current.flag:
            history = {month_index(p.year, p.month): v.value for p, v in months.items() if p < period}
            row.check = history_check(current.value, month_index(period.year, period.month), history)
        rows.append(row)
    return MonthSheet(facility=facility, period=period, status=status, rows=rows, applicable_saved=saved)


def qualified(metric: str) -> bool:
    m = metrics().get(metric)
    return m is not None and m.category in QUALIFIED_CATEGORIES


# --- what to do next -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One thing a viewer should do about a facility: the sentence, and where it is done (a page they may open)."""

    text: str
    url: str
    kind: str   # "returned", "overdue", "due", "verify"


def month_label(period: datetime.date) -> str:
    return date_format(period, "YEAR_MONTH_FORMAT")


def next_steps(facility: Facility, *, today: datetime.date, deadline_day: int, can_enter: bool,
               can_verify: bool) -> list[Step]:
    """What a viewer should do next about ``facility``, most urgent first: for those who enter data, the months
    returned with comments, the months overdue (due and neither submitted nor verified, since the facility's
    first month with data, at most two years back) and the month coming due; for those who verify, the months
    submitted and awaiting verification. Empty when there is nothing to do. Two queries."""
    from django.urls import reverse

    if not (can_enter or can_verify):
        return []
    last = periods.last_due_month(today, deadline_day)
    last_due = datetime.date(last[0], last[1], 1)
    coming = shift(last_due, 1)   # the month whose deadline comes next
    since = shift(last_due, -23)
    rows = {p.period: p for p in ReportingPeriod.objects.filter(facility=facility, period__gte=since)}
    first = ActivityValue.objects.filter(facility=facility).order_by("period").values_list("period", flat=True).first()
    steps: list[Step] = []

    def year_url(period):
        return reverse("reporting:facility_year", args=[facility.pk, period.year])

    def month_url(period):
        return reverse("reporting:month", args=[facility.pk, period.year, period.month])

    if can_enter:
        returned = sorted(p for p, row in rows.items() if row.status == PeriodStatus.RETURNED)
        if returned:
            steps.append(Step(ngettext("%(month)s was returned: see the comment and correct it.",
                                       "%(count)s months returned, the oldest %(month)s: see the comments.",
                                       len(returned)) % {"count": len(returned), "month": month_label(returned[0])},
                              month_url(returned[0]), "returned"))
        start = max(since, first.replace(day=1)) if first else None
        overdue = []
        if start is not None:
            p = start
            while p <= last_due:
                row = rows.get(p)
                if row is None or row.status == PeriodStatus.DRAFT:
                    overdue.append(p)
                p = shift(p, 1)
        if overdue:
            due_on = date_format(periods.due_date(overdue[0].year, overdue[0].month, deadline_day), "DATE_FORMAT")
            steps.append(Step(ngettext("%(month)s was due on %(date)s: enter and submit it.",
                                       "%(count)s months overdue, the oldest %(month)s (due on %(date)s): enter and "
                                       "submit them.", len(overdue)) % {
                "count": len(overdue), "month": month_label(overdue[0]), "date": due_on}, month_url(overdue[0]), "overdue"))
        coming_row = rows.get(coming)
        if coming_row is None or coming_row.status == PeriodStatus.DRAFT:
            due_on = date_format(periods.due_date(coming.year, coming.month, deadline_day), "DATE_FORMAT")
            steps.append(Step(_("%(month)s is due on %(date)s: enter it.") % {"month": month_label(coming), "date": due_on},
                              month_url(coming), "due"))
    if can_verify:
        submitted = sorted(p for p, row in rows.items() if row.status == PeriodStatus.SUBMITTED)
        if submitted:
            steps.append(Step(ngettext("%(month)s is submitted: review and verify it.",
                                       "%(count)s months submitted, the oldest %(month)s: review and verify them.",
                                       len(submitted)) % {"count": len(submitted), "month": month_label(submitted[0])},
                              year_url(submitted[0]), "verify"))
    return steps
