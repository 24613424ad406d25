"""The reporting rate: facilities × months, each month's state and completeness, and the rate per month.

The shape of DHIS2's reporting-rate report: per month, the facilities that reported out of those expected to;
per facility, the months it reported out of those it was expected to. A month's *state* is one of

* ``before``: before the facility's first month on record (its first month with a month record, else the month
  it was registered): it was not expected to report yet, and is never counted as missing;
* ``not_due``: its deadline (``calc.periods.is_due``) has not passed, and nothing is recorded: never missing;
* ``missing``: due, expected, and nothing recorded;
* ``draft``, ``submitted``, ``returned``, ``verified``: the month's record (``ReportingPeriod``); values without
  a month record (written outside the services) read as a draft.

A month is *reported* when it is submitted or verified (a returned month is back with the facility). The rate of
a month is reported / expected, over the facilities due that month; its verified share is verified / expected.
Each cell also says how many of the metrics that apply to the facility (``selectors.applicable_metrics``: saved,
else suggested) have a value that month, the count ``calc.periods.completeness`` judges a month complete by.

Who sees which facilities: ``rate_facilities``. The page's queries do not grow with its rows or months
(``rate_rows`` for the facilities of a page, ``rate_columns`` for the totals of all the filtered ones).
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from loomlight.calc import periods
from loomlight.registry import policy
from loomlight.registry.models import DataKind, Facility, Role
from loomlight.registry.selectors import facility_list
from loomlight.reporting.models import ActivityValue, ApplicableMetrics, PeriodStatus, ReportingPeriod
from loomlight.reporting.selectors import suggested_metrics

BEFORE, NOT_DUE, MISSING = "before", "not_due", "missing"
DRAFT, SUBMITTED, RETURNED, VERIFIED = (PeriodStatus.DRAFT.value, PeriodStatus.SUBMITTED.value,
                                        PeriodStatus.RETURNED.value, PeriodStatus.VERIFIED.value)
#: every state, in the order of the legend
STATES = (BEFORE, NOT_DUE, MISSING, DRAFT, RETURNED, SUBMITTED, VERIFIED)
REPORTED = frozenset({SUBMITTED, VERIFIED})
#: the state in words: the legend, the cell's title, the downloads
STATE_LABELS = {
    BEFORE: pgettext_lazy("state of a reporting month", "not expected yet"),
    NOT_DUE: pgettext_lazy("state of a reporting month", "not due"),
    MISSING: pgettext_lazy("state of a reporting month", "missing"),
    DRAFT: pgettext_lazy("state of a reporting month", "draft"),
    RETURNED: pgettext_lazy("state of a reporting month", "returned"),
    SUBMITTED: pgettext_lazy("state of a reporting month", "submitted"),
    VERIFIED: pgettext_lazy("state of a reporting month", "verified"),
}
#: a sign beside each colour, so that the state reads without colour (colour-blind readers, print)
STATE_SIGNS = {BEFORE: "·", NOT_DUE: "○", MISSING: "✕", DRAFT: "✎", RETURNED: "↩", SUBMITTED: "↑", VERIFIED: "✓"}
#: the months a page shows
MONTHS = 12
#: the roles that open the page (with the installation's operators): those who follow a programme's or a
#: park's reporting. Facility staff, brands and financiers have their facility pages.
RATE_ROLES = frozenset({Role.PROGRAMME_ADMIN, Role.ASSESSOR, Role.PARK_OPERATOR})
#: facilities per batch of queries in a download (which lists every filtered facility)
CHUNK = 500


def rate_facilities(user) -> QuerySet[Facility] | None:
    """The facilities whose reporting state ``user`` sees here, or None when the page is not theirs.

    Programme admins and assessors: the facilities whose environmental data they may read
    (``policy.facilities_with_data``); park operators: their parks' tenants (their reporting state, not their
    data); the installation's operators: every facility. Other roles: None (no link, 403)."""
    if policy.is_operator(user):
        return Facility.objects.all()
    mine = [m for m in policy.memberships(user) if m.role in RATE_ROLES]
    if not mine:
        return None
    q = Q(pk__in=[])
    if any(m.role != Role.PARK_OPERATOR for m in mine):
        q |= Q(pk__in=policy.facilities_with_data(user, DataKind.ENVIRONMENTAL).values("pk"))
    parks = [m.park_id for m in mine if m.role == Role.PARK_OPERATOR and m.park_id]
    if parks:
        q |= Q(pk__in=policy.facilities_visible(user).filter(park_id__in=parks).values("pk"))
    return Facility.objects.filter(q)


def may_open(user) -> bool:
    """Whether ``user`` is shown the link to the page (and may open it)."""
    return policy.is_operator(user) or any(m.role in RATE_ROLES for m in policy.memberships(user))


def rate_filter(user, visible: QuerySet[Facility], *, park: str = "", country: str = "", process: str = "",
                programme: str = "", search: str = "") -> QuerySet[Facility]:
    """``visible`` filtered as the facility list filters (``registry.selectors.facility_list``: unknown values
    match nothing), and by programme (its id; unknown or not a number: nothing), by name."""
    qs = facility_list(user, search=search, country=country, park=park, process=process).filter(pk__in=visible.values("pk"))
    if programme:
        if not programme.isdigit() or not policy.programmes_visible(user).filter(pk=int(programme)).exists():
            return qs.none()
        qs = qs.filter(pk__in=policy.facilities_in_programme(int(programme)).values("pk"))
    return qs


def month_range(end: periods.Month, months: int = MONTHS) -> list[datetime.date]:
    """The first days of the ``months`` months ending with ``end`` (year, month), in order."""
    index = end[0] * 12 + end[1] - 1
    return [datetime.date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


@dataclass(frozen=True)
class Cell:
    period: datetime.date
    state: str
    metrics: int = 0          # metrics with a value that month (of those that apply, when some apply) [count]
    applicable: int = 0       # metrics that apply to the facility [count]

    @property
    def label(self):
        return STATE_LABELS[self.state]

    @property
    def sign(self) -> str:
        return STATE_SIGNS[self.state]

    @property
    def recorded(self) -> bool:
        return self.state in (DRAFT, RETURNED, SUBMITTED, VERIFIED)


@dataclass
class Row:
    facility: Facility
    cells: list[Cell]
    applicable: list[str]
    applicable_saved: bool
    expected: int = 0         # months due since the facility's first month on record [months]
    reported: int = 0         # of those, submitted or verified [months]
    verified: int = 0         # of those, verified [months]

    @property
    def rate(self) -> float | None:
        return self.reported / self.expected if self.expected else None


@dataclass
class Column:
    period: datetime.date
    due: bool
    counts: dict[str, int] = field(default_factory=dict)   # state -> facilities

    @property
    def expected(self) -> int:
        return sum(self.counts.get(s, 0) for s in (MISSING, DRAFT, RETURNED, SUBMITTED, VERIFIED)) if self.due else 0

    @property
    def reported(self) -> int:
        return self.counts.get(SUBMITTED, 0) + self.counts.get(VERIFIED, 0)

    @property
    def rate(self) -> float | None:
        """reported / expected [0..1]; None when no facility is expected (or the month is not due)."""
        return self.reported / self.expected if self.expected else None

    @property
    def verified_share(self) -> float | None:
        return self.counts.get(VERIFIED, 0) / self.expected if self.expected else None


def _start(first_record: datetime.date | None, registered: datetime.datetime) -> datetime.date:
    """The first month a facility is expected to report: its first month on record, else its registration's."""
    if first_record is not None:
        return first_record
    day = timezone.localtime(registered).date() if timezone.is_aware(registered) else registered.date()
    return day.replace(day=1)


def _state(record: str | None, has_values: bool, period: datetime.date, start: datetime.date, today, deadline_day) -> str:
    if record:
        return record
    if has_values:
        return DRAFT
    if period < start:
        return BEFORE
    if not periods.is_due(period.year, period.month, today, deadline_day):
        return NOT_DUE
    return MISSING


def _applicable_many(ids: Sequence[int], facilities: dict[int, Facility]) -> dict[int, tuple[list[str], bool]]:
    """``selectors.applicable_metrics`` for many facilities in two queries: the saved ones, and for the others the
    suggestion from the metrics each reported in the 12 months up to its latest month with data."""
    saved = dict(ApplicableMetrics.objects.filter(facility_id__in=ids).values_list("facility_id", "metrics"))
    result = {pk: (list(codes), True) for pk, codes in saved.items()}
    unsaved = [pk for pk in ids if pk not in saved]
    last_by_metric: dict[int, dict[str, datetime.date]] = defaultdict(dict)
    if unsaved:
        for pk, metric, last in (ActivityValue.objects.filter(facility_id__in=unsaved).values("facility_id", "metric")
                                 .annotate(last=Max("period")).values_list("facility_id", "metric", "last").order_by()):
            last_by_metric[pk][metric] = last
    for pk in unsaved:
        lasts = last_by_metric.get(pk, {})
        reported: set[str] = set()
        if lasts:
            latest = max(lasts.values())
            since = datetime.date(latest.year - 1, latest.month, 1)
            reported = {metric for metric, last in lasts.items() if last > since}
        facility = facilities[pk]
        result[pk] = (suggested_metrics(reported, facility.processes, in_park=bool(facility.park_id)), False)
    return result


def rate_rows(facilities: Sequence[Facility], months: Sequence[datetime.date], *, today: datetime.date,
              deadline_day: int) -> list[Row]:
    """One row per facility (in the order given), one cell per month: five queries, whatever their number."""
    if not facilities or not months:
        return []
    ids = [f.pk for f in facilities]
    by_pk = {f.pk: f for f in facilities}
    first, last = months[0], months[-1]
    records = {(pk, p): status for pk, p, status in ReportingPeriod.objects.filter(
        facility_id__in=ids, period__gte=first, period__lte=last).values_list("facility_id", "period", "status").order_by()}
    starts = dict(ReportingPeriod.objects.filter(facility_id__in=ids).values("facility_id").annotate(first=Min("period"))
                  .values_list("facility_id", "first").order_by())
    reported: dict[tuple[int, datetime.date], set[str]] = defaultdict(set)
    for pk, p, metric in (ActivityValue.objects.filter(facility_id__in=ids, period__gte=first, period__lte=last)
                          .values_list("facility_id", "period", "metric").distinct().order_by()):
        reported[(pk, p)].add(metric)
    applicable = _applicable_many(ids, by_pk)
    rows = []
    for facility in facilities:
        codes, saved = applicable[facility.pk]
        wanted = set(codes)
        start = _start(starts.get(facility.pk), facility.created_at)
        row = Row(facility=facility, cells=[], applicable=codes, applicable_saved=saved)
        for p in months:
            have = reported.get((facility.pk, p), set())
            state = _state(records.get((facility.pk, p)), bool(have), p, start, today, deadline_day)
            row.cells.append(Cell(p, state, len(have & wanted) if wanted else len(have), len(wanted)))
            if p >= start and periods.is_due(p.year, p.month, today, deadline_day):
                row.expected += 1
                row.reported += state in REPORTED
                row.verified += state == VERIFIED
        rows.append(row)
    return rows


def rate_columns(facilities: QuerySet[Facility], months: Sequence[datetime.date], *, today: datetime.date,
                 deadline_day: int) -> tuple[list[Column], int]:
    """(per month the facilities in each state, the number of facilities) over every facility of ``facilities``:
    two queries, whatever their number. Values without a month record are not counted here (the services
    always write one)."""
    first_record = ReportingPeriod.objects.filter(facility=OuterRef("pk")).order_by("period").values("period")[:1]
    starts = Counter()
    total = 0
    for first, registered in facilities.order_by().annotate(first=Subquery(first_record)).values_list("first", "created_at"):
        starts[_start(first, registered)] += 1
        total += 1
    recorded: dict[datetime.date, Counter] = defaultdict(Counter)
    if months and total:
        for p, status, n in (ReportingPeriod.objects.filter(facility__in=facilities.order_by().values("pk"),
                                                            period__gte=months[0], period__lte=months[-1])
                             .values("period", "status").annotate(n=Count("id")).values_list("period", "status", "n")
                             .order_by()):
            recorded[p][status] = n
    return _columns(starts, total, recorded, months, today, deadline_day), total


def _columns(starts, total, recorded, months, today, deadline_day) -> list[Column]:
    columns = []
    for p in months:
        due = periods.is_due(p.year, p.month, today, deadline_day)
        started = sum(n for s, n in starts.items() if s <= p)
        counts = Counter({s: n for s, n in recorded.get(p, {}).items() if n})
        in_record = sum(counts.values())
        counts[BEFORE] = total - started
        counts[MISSING if due else NOT_DUE] = max(started - in_record, 0)
        columns.append(Column(p, due, dict(counts)))
    return columns
