"""One selector per work queue: ``queue(user, *, today) -> Queue``, a count and the first items.

Each item says what is to be done (its label), by when (its due date), its state, the reviewer's comment where
there is one, and the address where the work is done, only when the viewer may open it (PRODUCT.md: never link
to what the viewer may not open). Items are sorted by due date, the oldest first.

Scope comes from ``registry.policy`` alone: the months a user reports are those of ``facilities_enterable``, the
months a user verifies those of ``facilities_verifiable``. Deadlines are ``calc.periods`` with the deployment's
deadline day. Every selector runs a fixed number of queries, whatever the number of facilities and months
(tests/work pin them); what must scale to a programme of 20,000 facilities (the verifier's queues) is counted
by the database, never by a loop over facilities × months.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from loomlight.calc import periods
from loomlight.reference.metrics import metrics
from loomlight.registry import policy
from loomlight.registry.models import WET_PROCESSES, Consent, DataKind, Facility, Role, SharedFacilityConsent
from loomlight.reporting.models import ActivityValue, PeriodStatus, ReportingPeriod
from loomlight.site.numbers import number
from loomlight.site.periods import deadline_day

#: How many items a queue lists; its count covers them all.
ITEMS = 8
#: How far back "newly shared" and "withdrawn or expired" look [days].
CONSENT_DAYS = 30
#: The months that no longer wait for the facility: handed in (submitted or verified) or handed back with comments
#: (returned: its own queue, with the reviewer's comment).
HANDED_IN = (PeriodStatus.SUBMITTED, PeriodStatus.VERIFIED, PeriodStatus.RETURNED)

STATES = {
    "due": gettext_lazy("Due"),
    "overdue": gettext_lazy("Overdue"),
    "returned": gettext_lazy("Returned with comments"),
    "flagged": gettext_lazy("Flagged"),
    "expired": gettext_lazy("Expired"),
    "submitted": gettext_lazy("Submitted"),
    "late": gettext_lazy("Late"),
    "exceeds": gettext_lazy("Outside a limit"),
    "within": gettext_lazy("Within the limits"),
    "granted": gettext_lazy("Newly shared"),
    "revoked": gettext_lazy("Withdrawn"),
    "ended": gettext_lazy("Expired"),
    "action_overdue": gettext_lazy("Overdue"),
    "assessment_submitted": gettext_lazy("Submitted"),
    "evidence_requested": gettext_lazy("Evidence requested"),
    "comment_new": gettext_lazy("New"),
}


@dataclass(frozen=True)
class Item:
    label: str
    due: datetime.date | None
    state: str                 # a key of STATES
    url: str = ""              # "" when the viewer may not open it
    comment: str = ""          # the reviewer's, on a returned month
    detail: str = ""

    @property
    def is_deadline(self) -> bool:
        """Whether ``due`` is a deadline ("due 20 April"); else it is the day something happened (a sample, a consent)."""
        return self.state not in ("exceeds", "within", "granted", "revoked", "ended", "comment_new")

    @property
    def state_label(self) -> str:
        return str(STATES[self.state])


@dataclass(frozen=True)
class Queue:
    key: str
    title: str
    count: int
    items: tuple[Item, ...]
    empty: str
    summary: tuple[tuple[str, int], ...] = field(default_factory=tuple)   # (label, number) under the title
    more_url: str = ""         # where the whole queue is worked (the review page, the reporting rate); "" for none
    more_label: str = ""


# --- months ---------------------------------------------------------------------------------------

def _index(d: datetime.date) -> int:
    return d.year * 12 + d.month - 1


def _first(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def _month_label(d: datetime.date) -> str:
    return date_format(d, "YEAR_MONTH_FORMAT")


def _due(d: datetime.date) -> datetime.date:
    return periods.due_date(d.year, d.month, deadline_day())


def _year_url(facility_id: int, d: datetime.date) -> str:
    return reverse("reporting:facility_year", args=[facility_id, d.year])


def _month_url(facility_id: int, d: datetime.date) -> str:
    """The month form (``reporting:month``), where a month due or returned is entered and corrected."""
    return reverse("reporting:month", args=[facility_id, d.year, d.month])


def _last_due(today: datetime.date) -> int:
    """The latest month whose deadline has passed (``calc.periods.last_due_month``), as a month number."""
    year, month = periods.last_due_month(today, deadline_day())
    return year * 12 + month - 1


def _upcoming(today: datetime.date) -> int | None:
    """The month whose deadline is still ahead and that has ended (it can be reported now), if any."""
    month = _last_due(today) + 1
    return month if _first(month + 1) <= today else None


def _registered(facility) -> int:
    return _index(facility.created_at.date())


def _empty(key: str, title: str, empty: str) -> Queue:
    return Queue(key, title, 0, (), empty)


# --- facility staff: data entry and facility managers -----------------------------------------------

def months_due(user, *, today: datetime.date) -> Queue:
    """Months due (ended, deadline ahead) and overdue (deadline passed) that are not handed in, of the facilities
    the user reports for, from the facility's first month on record or its registration, whichever is earlier,
    never before. Two queries; the months are worked out from them (a facility's staff report for a few
    facilities)."""
    title, empty = _("Months to report"), _("Nothing due.")
    facilities = list(policy.facilities_enterable(user).only("pk", "name", "created_at").order_by())
    if not facilities:
        return _empty("months_due", title, empty)
    rows: dict[int, dict[int, str]] = {}
    for facility_id, period, status in (ReportingPeriod.objects.filter(facility__in=[f.pk for f in facilities])
                                        .values_list("facility_id", "period", "status")):
        rows.setdefault(facility_id, {})[_index(period)] = status
    last, upcoming = _last_due(today), _upcoming(today)
    items = []
    for f in facilities:
        own = rows.get(f.pk, {})
        since = min([_registered(f), *own])
        months = list(range(since, last + 1)) + ([upcoming] if upcoming is not None and upcoming >= since else [])
        for m in months:
            if own.get(m) in HANDED_IN:
                continue
            d = _first(m)
            items.append(Item(_("%(facility)s · %(month)s") % {"facility": f.name, "month": _month_label(d)}, _due(d),
                              "overdue" if m <= last else "due", _month_url(f.pk, d),
                              detail=_("Draft") if own.get(m) == PeriodStatus.DRAFT else _("Nothing reported yet")))
    items.sort(key=lambda i: (i.due, i.label))
    return Queue("months_due", title, len(items), tuple(items[:ITEMS]), empty)


def months_returned(user, *, today: datetime.date) -> Queue:
    """Months handed back by a reviewer, with the comment, oldest first. Two queries."""
    qs = ReportingPeriod.objects.filter(facility__in=policy.facilities_enterable(user), status=PeriodStatus.RETURNED)
    count = qs.count()
    items = tuple(
        Item(_("%(facility)s · %(month)s") % {"facility": p.facility.name, "month": _month_label(p.period)}, _due(p.period),
             "returned", _month_url(p.facility_id, p.period), comment=p.comment)
        for p in qs.select_related("facility").order_by("period", "facility__name")[:ITEMS]) if count else ()
    return Queue("months_returned", _("Months returned to you"), count, items, _("No month has been returned."))


def _flagged(qs, state: str) -> tuple[int, tuple[Item, ...]]:
    count = qs.count()
    if not count:
        return 0, ()
    catalogue = metrics()
    items = []
    for v in qs.select_related("facility").order_by("period", "facility_id", "metric", "qualifier")[:ITEMS]:
        name = _(catalogue[v.metric].name) if v.metric in catalogue else v.metric
        what = f"{name} ({v.qualifier})" if v.qualifier else name
        items.append(Item(_("%(facility)s · %(month)s · %(metric)s") % {"facility": v.facility.name, "month": _month_label(v.period),
                                                                        "metric": what},
                          _due(v.period), state, _year_url(v.facility_id, v.period),
                          detail=(_("Unusually high: %(value)s") if v.flag == "high" else _("Unusually low: %(value)s"))
                          % {"value": f"{number(v.original_value)} {v.original_unit}"}))
    return count, tuple(items)


def values_flagged(user, *, today: datetime.date) -> Queue:
    """Values flagged as unusual, in months not yet verified, to confirm or correct. Two queries."""
    verified = ReportingPeriod.objects.filter(facility_id=OuterRef("facility_id"), period=OuterRef("period"),
                                              status=PeriodStatus.VERIFIED)
    qs = (ActivityValue.objects.filter(facility__in=policy.facilities_enterable(user)).exclude(flag="")
          .exclude(Exists(verified)))
    count, items = _flagged(qs, "flagged")
    return Queue("values_flagged", _("Values to confirm or correct"), count, items, _("No value is flagged."))


def declarations_expired(user, *, today: datetime.date) -> Queue:
    """Chemical products whose MRSL conformance declaration has expired, the longest expired first. Two queries."""
    from loomlight.chemicals.models import ChemicalProduct

    facilities = policy.facilities_enterable(user).filter(pk__in=policy.facilities_with_data(user, DataKind.CHEMICALS))
    qs = ChemicalProduct.objects.filter(facility__in=facilities, declaration_valid_until__lt=today)
    count = qs.count()
    items = tuple(
        Item(_("%(facility)s · %(product)s (%(supplier)s)") % {"facility": p.facility.name, "product": p.name, "supplier": p.supplier},
             p.declaration_valid_until, "expired", reverse("chemicals:facility", args=[p.facility_id]),
             detail=p.declaration_reference)
        for p in qs.select_related("facility").order_by("declaration_valid_until", "facility__name", "name")[:ITEMS]) if count else ()
    return Queue("declarations_expired", _("Expired chemical declarations"), count, items, _("No declaration has expired."))


def sampling_cycle(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of the ZDHC sampling cycle ``day`` falls in: 1 November to 30 April, 1 May to 31 October.

    References: ZDHC Wastewater Guidelines sampling and reporting cycle, "test at least twice a year, with cycles
    ending 30 April and 31 October" (docs/data-sources.md gives where it was read)."""
    if day.month <= 4:
        return datetime.date(day.year - 1, 11, 1), datetime.date(day.year, 4, 30)
    if day.month <= 10:
        return datetime.date(day.year, 5, 1), datetime.date(day.year, 10, 31)
    return datetime.date(day.year, 11, 1), datetime.date(day.year + 1, 4, 30)


def lab_results_due(user, *, today: datetime.date) -> Queue:
    """Facilities with no wastewater sample in the current ZDHC cycle (due at its end) or none in the cycle before
    either (overdue since that one's end, counted from the facility's registration). It concerns wet processing
    facilities and any facility that has recorded a sample. Two queries."""
    from django.db.models import Max

    from loomlight.wastewater.models import SamplingEvent

    title, empty = _("Wastewater samples due"), _("No sample is due.")
    facilities = (policy.facilities_enterable(user).filter(pk__in=policy.facilities_with_data(user, DataKind.WASTEWATER))
                  .annotate(last_sample=Max("sampling_events__sampled_on")).order_by("name"))
    start, end = sampling_cycle(today)
    previous_start, previous_end = sampling_cycle(start - datetime.timedelta(days=1))
    items = []
    for f in facilities:
        if not (set(f.processes or []) & WET_PROCESSES) and f.last_sample is None:
            continue
        if f.last_sample is not None and f.last_sample >= start:
            continue
        registered = f.created_at.date()
        if (f.last_sample is None or f.last_sample < previous_start) and registered <= previous_start:
            state, due = "overdue", previous_end
        elif registered <= end:
            state, due = "due", end
        else:
            continue
        detail = (_("Last sampled on %(day)s") % {"day": date_format(f.last_sample, "DATE_FORMAT")} if f.last_sample
                  else _("No sample recorded yet"))
        items.append(Item(f.name, due, state, reverse("wastewater:facility", args=[f.pk]), detail=detail))
    items.sort(key=lambda i: (i.due, i.label))
    return Queue("lab_results_due", title, len(items), tuple(items[:ITEMS]), empty)


# --- verifiers: assessors and programme admins ------------------------------------------------------

def _programme_wide(user) -> bool:
    """Whether the user verifies whole programmes (or everything): then a queue is read from its state index
    (``period_by_status``, ``value_flagged``) and each row checked against the scope, rather than from each of
    thousands of facilities' rows."""
    return bool(user.is_superuser or any(m.programme_id and m.role in (Role.PROGRAMME_ADMIN, Role.ASSESSOR)
                                         for m in policy.memberships(user)))


def _in_scope(qs, facilities, wide: bool):
    """``qs`` (rows with a facility) narrowed to ``facilities``. Programme-wide, the facility is compared as an
    expression (``facility_id + 0``), so that the database reads the rows by their state index instead of by
    facility: SQLite otherwise takes the IN list as selective and reads every month of every facility."""
    if not wide:
        return qs.filter(facility__in=facilities)
    return qs.alias(_facility=F("facility_id") + Value(0)).filter(_facility__in=facilities.values("pk"))


def months_awaiting_verification(user, *, today: datetime.date) -> Queue:
    """Submitted months of the facilities the user verifies, the oldest month first. Two queries."""
    qs = _in_scope(ReportingPeriod.objects.filter(status=PeriodStatus.SUBMITTED), policy.facilities_verifiable(user),
                   _programme_wide(user))
    count = qs.count()
    items = tuple(
        Item(_("%(facility)s · %(month)s") % {"facility": p.facility.name, "month": _month_label(p.period)}, _due(p.period),
             "submitted", _year_url(p.facility_id, p.period),
             detail=_("Submitted on %(day)s") % {"day": date_format(p.submitted_at, "DATE_FORMAT")} if p.submitted_at else "")
        for p in qs.select_related("facility").order_by("period", "submitted_at", "pk")[:ITEMS]) if count else ()
    return Queue("months_awaiting_verification", _("Months awaiting verification"), count, items,
                 _("No month is awaiting verification."),
                 more_url=reverse("reporting:review") if count else "",
                 more_label=_("Review them on one page: verify, return or reopen many at once") if count else "")


def facilities_late(user, *, today: datetime.date) -> Queue:
    """Facilities that have not handed in the latest month due (it is neither submitted, verified nor returned), of
    those that owe it (registered by its end, or with a month on record up to it); the longest late are listed: by
    their latest month handed in, none first. Each item says how many months the facility has overdue and the
    oldest (its due date is that month's deadline) and, where it has one, the latest month due with values that
    lacks applicable metrics (``calc.periods.completeness``).

    The count is one query over the programme (an index seek per facility for its latest month, whatever the number
    of months); a facility whose latest month is in but an older one is not is left to its staff's queue and the
    facility's year page. Listing the ``ITEMS`` longest late costs at most six queries whatever their number: the
    facilities, their months, their applicable metrics (``reporting.selectors.applicable_metrics_of``, up to three)
    and their values of the year."""
    from loomlight.reporting.selectors import applicable_metrics_of

    last = _last_due(today)
    month, end = _first(last), _first(last + 1)
    title, empty = _("Facilities late with %(month)s") % {"month": _month_label(month)}, _("No facility is late.")
    handed = ReportingPeriod.objects.filter(facility_id=OuterRef("pk"), status__in=HANDED_IN)
    late = list(policy.facilities_verifiable(user)
                .filter(Q(created_at__lt=datetime.datetime.combine(end, datetime.time.min, tzinfo=datetime.UTC))
                        | Exists(ReportingPeriod.objects.filter(facility_id=OuterRef("pk"), period__lte=month)))
                .exclude(Exists(handed.filter(period=month)))
                .annotate(last_handed=Subquery(handed.filter(period__lt=month).order_by("-period").values("period")[:1]))
                .order_by().values_list("pk", "last_handed"))
    count = len(late)
    if not count:
        return _empty("facilities_late", title, empty)
    late.sort(key=lambda row: (row[1] or datetime.date.min, row[0]))
    listed = list(Facility.objects.filter(pk__in=[pk for pk, _last in late[:ITEMS]]))
    rows: dict[int, dict[int, str]] = {}
    for facility_id, period, status in (ReportingPeriod.objects.filter(facility__in=[f.pk for f in listed])
                                        .values_list("facility_id", "period", "status")):
        rows.setdefault(facility_id, {})[_index(period)] = status
    catalogue = metrics()
    applicable = applicable_metrics_of(listed)
    year = _first(last).year
    values: dict[int, dict[int, set[str]]] = {}
    for facility_id, period, metric in (ActivityValue.objects.filter(facility__in=[f.pk for f in listed], period__year=year)
                                        .values_list("facility_id", "period", "metric")):
        values.setdefault(facility_id, {}).setdefault(period.month, set()).add(metric)
    items = []
    for f in listed:
        own = rows.get(f.pk, {})
        since = min([_registered(f), *own])
        overdue = [m for m in range(since, last + 1) if own.get(m) not in HANDED_IN]
        detail = ngettext("%(count)s month overdue, the oldest %(month)s", "%(count)s months overdue, the oldest %(month)s",
                          len(overdue)) % {"count": number(len(overdue)), "month": _month_label(_first(overdue[0]))}
        lacking = _lacking(values.get(f.pk, {}), applicable[f.pk][0], last, since, catalogue)
        if lacking:
            detail += " · " + _("%(month)s lacks %(metrics)s") % lacking
        items.append(Item(f.name, _due(_first(overdue[0])), "late", reverse("reporting:facility", args=[f.pk]), detail=detail))
    items.sort(key=lambda i: (i.due, i.label))
    from loomlight.reporting.rate import may_open

    more = may_open(user)
    return Queue("facilities_late", title, count, tuple(items), empty,
                 more_url=reverse("reporting:rate") if more else "",
                 more_label=_("See every facility's months: the reporting rate") if more else "")


def _lacking(reported: dict[int, set[str]], applicable, last: int, since: int, catalogue) -> dict | None:
    """The latest month due with values that lacks an applicable metric, and those metrics' names; None if none.
    ``reported``: {month 1..12 of the latest due month's year: metric codes with a value}."""
    year = _first(last).year
    due = [m for m in range(1, _first(last).month + 1) if _index(datetime.date(year, m, 1)) >= since and m in reported]
    result = periods.completeness(reported, applicable, due)
    if not result.missing:
        return None
    month = max(result.missing)
    names = [_(catalogue[c].name) if c in catalogue else c for c in result.missing[month]]
    return {"month": _month_label(datetime.date(year, month, 1)), "metrics": ", ".join(names)}


def values_flagged_submitted(user, *, today: datetime.date) -> Queue:
    """Values flagged as unusual in submitted months of the facilities the user verifies. Two queries."""
    submitted = ReportingPeriod.objects.filter(facility_id=OuterRef("facility_id"), period=OuterRef("period"),
                                               status=PeriodStatus.SUBMITTED)
    qs = _in_scope(ActivityValue.objects.exclude(flag="").filter(Exists(submitted)), policy.facilities_verifiable(user),
                   _programme_wide(user))
    count, items = _flagged(qs, "flagged")
    return Queue("values_flagged_submitted", _("Flagged values in submitted months"), count, items, _("No value is flagged."))


# --- park operators --------------------------------------------------------------------------------

def _operated_parks(user) -> list[int]:
    return sorted({m.park_id for m in policy.memberships(user) if m.role == Role.PARK_OPERATOR and m.park_id})


def tenants_reporting(user, *, today: datetime.date) -> Queue:
    """The park's tenants' state for the latest month due: how many handed it in, had it verified, or are overdue
    (the overdue ones listed, each a link to its profile: a park operator reads no tenant's data). Two queries."""
    title, empty = _("Tenants' reporting"), _("No tenant is overdue.")
    parks = _operated_parks(user)
    if not parks:
        return _empty("tenants_reporting", title, empty)
    month = _first(_last_due(today))
    end_of_month = _first(_last_due(today) + 1)
    state = ReportingPeriod.objects.filter(facility_id=OuterRef("pk"), period=month).values("status")[:1]
    tenants = (policy.facilities_visible(user).filter(park_id__in=parks)
               .filter(Q(created_at__lt=datetime.datetime.combine(end_of_month, datetime.time.min, tzinfo=datetime.UTC))
                       | Exists(ReportingPeriod.objects.filter(facility_id=OuterRef("pk"), period__lte=month)))
               .annotate(state=Subquery(state)).order_by("name").values_list("pk", "name", "state"))
    counts = {PeriodStatus.SUBMITTED: 0, PeriodStatus.VERIFIED: 0, PeriodStatus.RETURNED: 0}
    overdue = []
    for pk, name, status in tenants:
        if status in counts:
            counts[status] += 1
        else:
            overdue.append((pk, name, status))
    visible_items = tuple(Item(name, _due(month), "overdue", reverse("registry:facility", args=[pk]),
                               detail=_("Draft") if status == PeriodStatus.DRAFT else _("Nothing reported yet"))
                          for pk, name, status in overdue[:ITEMS])
    summary = ((_("Overdue"), len(overdue)), (_("Submitted"), counts[PeriodStatus.SUBMITTED]),
               (_("Returned with comments"), counts[PeriodStatus.RETURNED]), (_("Verified"), counts[PeriodStatus.VERIFIED]))
    from loomlight.reporting.rate import may_open

    more = may_open(user)
    return Queue("tenants_reporting", _("Tenants' reporting for %(month)s") % {"month": _month_label(month)}, len(overdue),
                 visible_items, empty, summary, more_url=reverse("reporting:rate") if more else "",
                 more_label=_("Every tenant's months: the reporting rate") if more else "")


#: How many of the central plants' newest samples the park operator's queue judges.
CETP_EVENTS = 5


def cetp_results(user, *, today: datetime.date) -> Queue:
    """The newest samples of the central plants of the user's parks, each judged against every set of limits that
    applies (``wastewater.selectors``); the count is the results outside a limit. A fixed number of queries."""
    from loomlight.wastewater import selectors as wastewater
    from loomlight.wastewater.models import SamplingEvent
    from loomlight.wastewater.rules import LEGAL_POINTS, SiteRules

    title, empty = _("Central plant results"), _("No result recorded yet.")
    parks = _operated_parks(user)
    plants = list(policy.shared_facilities_with_data(user).filter(park_id__in=parks).select_related("park")) if parks else []
    if not plants:
        return _empty("cetp_results", title, empty)
    events = list(SamplingEvent.objects.filter(shared_facility__in=plants, sampling_point__in=LEGAL_POINTS)
                  .select_related("shared_facility").prefetch_related("results").order_by("-sampled_on", "-pk")[:CETP_EVENTS])
    if not events:
        return _empty("cetp_results", title, empty)
    pairs = wastewater.judged(events, SiteRules.many(plants=plants))
    over: dict[int, list[str]] = {}
    for x in wastewater.exceedances(pairs):
        over.setdefault(x["event"].pk, []).append(f"{x['name']} {x['shown']}")
    items = tuple(Item(_("%(plant)s · %(point)s") % {"plant": e.shared_facility.name, "point": e.get_sampling_point_display()},
                       e.sampled_on, "exceeds" if e.pk in over else "within", reverse("wastewater:event", args=[e.pk]),
                       detail=", ".join(over.get(e.pk, [])))
                  for e, _c in pairs)
    return Queue("cetp_results", title, sum(len(v) for v in over.values()), items, empty)


# --- brands and financiers ---------------------------------------------------------------------------

def _grantees(user) -> list[int]:
    return sorted({m.organisation_id for m in policy.memberships(user)
                   if m.role in (Role.BRAND_VIEWER, Role.FINANCIER_VIEWER) and m.organisation_id})


def _consent_items(user, rows, state_of, when_of) -> list[Item]:
    facility_ids = {c.facility_id for c in rows if isinstance(c, Consent)}
    plant_ids = {c.shared_facility_id for c in rows if isinstance(c, SharedFacilityConsent)}
    visible = set(policy.facilities_visible(user).filter(pk__in=facility_ids).values_list("pk", flat=True)) if facility_ids else set()
    readable = (set(policy.shared_facilities_with_data(user).filter(pk__in=plant_ids).values_list("pk", flat=True))
                if plant_ids else set())
    items = []
    for c in rows:
        if isinstance(c, Consent):
            name, url = c.facility.name, (reverse("registry:facility", args=[c.facility_id]) if c.facility_id in visible else "")
        else:
            name = c.shared_facility.name
            url = reverse("wastewater:shared", args=[c.shared_facility_id]) if c.shared_facility_id in readable else ""
        items.append(Item(name, when_of(c), state_of(c), url, detail=", ".join(c.data_kind_labels())))
    items.sort(key=lambda i: (i.due, i.label), reverse=True)
    return items


def _consents(user, build):
    grantees = _grantees(user)
    if not grantees:
        return []
    return [*build(Consent.objects.filter(grantee_id__in=grantees).select_related("facility")),
            *build(SharedFacilityConsent.objects.filter(grantee_id__in=grantees).select_related("shared_facility"))]


def consents_granted(user, *, today: datetime.date) -> Queue:
    """Consents granted to the user's organisation in the last ``CONSENT_DAYS`` days and still active, newest first.
    Four queries at most (the consents of facilities and of shared facilities, and which of them the user may open)."""
    since = datetime.datetime.combine(today - datetime.timedelta(days=CONSENT_DAYS), datetime.time.min, tzinfo=datetime.UTC)

    def build(qs):
        return list(qs.filter(granted_at__gte=since, revoked_at__isnull=True, valid_from__lte=today)
                    .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today)))
    rows = _consents(user, build)
    items = _consent_items(user, rows, lambda c: "granted", lambda c: c.granted_at.date())
    return Queue("consents_granted", _("Newly shared with you"), len(items), tuple(items[:ITEMS]),
                 _("Nothing new was shared with you in the last 30 days."))


def consents_ended(user, *, today: datetime.date) -> Queue:
    """Consents to the user's organisation withdrawn or expired in the last ``CONSENT_DAYS`` days, newest first."""
    since_day = today - datetime.timedelta(days=CONSENT_DAYS)
    since = datetime.datetime.combine(since_day, datetime.time.min, tzinfo=datetime.UTC)

    def build(qs):
        return list(qs.filter(Q(revoked_at__gte=since) | Q(revoked_at__isnull=True, valid_until__gte=since_day, valid_until__lt=today)))
    rows = _consents(user, build)
    items = _consent_items(user, rows, lambda c: "revoked" if c.revoked_at else "ended",
                           lambda c: c.revoked_at.date() if c.revoked_at else c.valid_until)
    return Queue("consents_ended", _("Withdrawn or expired"), len(items), tuple(items[:ITEMS]),
                 _("Nothing was withdrawn or expired in the last 30 days."))


# --- assessments and actions (issue 17) ------------------------------------------------------------------

def _assessment_label(a) -> str:
    return _("%(subject)s · %(framework)s %(year)s") % {"subject": a.subject.name, "framework": _framework_title(a),
                                                        "year": a.year}


def _framework_title(a) -> str:
    from django.utils.translation import get_language

    from loomlight.calc.assessment.tree import text_in
    return text_in(a.framework.tree().title, (get_language() or "en").split("-")[0])


def actions_overdue(user, *, today: datetime.date) -> Queue:
    """Open actions past their due date owned by an organisation the user answers for, the longest overdue first.
    Two queries (and one per framework version named, to read its title once)."""
    from loomlight.assessments.selectors import overdue_actions

    qs = overdue_actions(user, today)
    count = qs.count()
    items = tuple(Item(_("%(owner)s · %(action)s") % {"owner": a.owner.name, "action": a.title}, a.due_date,
                       "action_overdue", reverse("assessments:action", args=[a.pk]),
                       detail=(a.facility or a.park).name if (a.facility_id or a.park_id) else "")
                  for a in qs[:ITEMS]) if count else ()
    return Queue("actions_overdue", _("Overdue actions"), count, items, _("No action is overdue."),
                 more_url=reverse("assessments:actions") + "?state=overdue&mine=1" if count else "",
                 more_label=_("All overdue actions") if count else "")


def assessments_to_verify(user, *, today: datetime.date) -> Queue:
    """Submitted assessments the user verifies, the longest waiting first. Two queries."""
    from loomlight.assessments.access import assessments_verifiable

    qs = (assessments_verifiable(user).filter(status="submitted")
          .select_related("framework", "facility", "park", "shared_facility").order_by("submitted_at", "pk"))
    count = qs.count()
    items = tuple(Item(_assessment_label(a), a.submitted_at.date() if a.submitted_at else None, "assessment_submitted",
                       reverse("assessments:detail", args=[a.pk])) for a in qs[:ITEMS]) if count else ()
    return Queue("assessments_to_verify", _("Assessments to verify"), count, items, _("No assessment awaits verification."),
                 more_url=reverse("assessments:list") + "?status=submitted" if count else "",
                 more_label=_("All assessments to verify") if count else "")


def assessments_returned(user, *, today: datetime.date) -> Queue:
    """Assessments the assessor sent back for evidence, to complete and submit again. Two queries."""
    from loomlight.assessments.access import assessments_answerable

    qs = (assessments_answerable(user).filter(status="evidence_requested")
          .select_related("framework", "facility", "park", "shared_facility").order_by("submitted_at", "pk"))
    count = qs.count()
    items = tuple(Item(_assessment_label(a), None, "evidence_requested", reverse("assessments:detail", args=[a.pk]),
                       comment=a.verification_comment) for a in qs[:ITEMS]) if count else ()
    return Queue("assessments_returned", _("Assessments returned for evidence"), count, items,
                 _("No assessment waits for your evidence."))


# --- which queues a user has ----------------------------------------------------------------------------

STAFF = (months_due, months_returned, values_flagged, declarations_expired, lab_results_due, assessments_returned)
VERIFIERS = (months_awaiting_verification, facilities_late, values_flagged_submitted, assessments_to_verify)
PARK = (tenants_reporting, cetp_results, assessments_returned)
#: Roles that answer for an organisation's actions (assessments.access.organisations_answering): their home page
#: starts with its overdue actions.
ACTION_OWNERS = frozenset({Role.FACILITY_MANAGER, Role.FACILITY_DATA_ENTRY, Role.PARK_OPERATOR, Role.BRAND_VIEWER,
                           Role.FINANCIER_VIEWER, Role.PROGRAMME_ADMIN})
VIEWERS = (consents_granted, consents_ended)


def for_user(user, *, today: datetime.date) -> list[Queue]:
    """The queues of the user's roles, in the order of their work: the facility's staff, verifiers, park
    operators, brands and financiers. An installation's operator (superuser) sees the verifiers' queues."""
    roles = policy.roles(user)
    selectors: list = []
    if roles & ACTION_OWNERS:
        selectors.append(actions_overdue)
    if roles & {Role.FACILITY_MANAGER, Role.FACILITY_DATA_ENTRY}:
        selectors += STAFF
    if roles & {Role.PROGRAMME_ADMIN, Role.ASSESSOR} or (user.is_authenticated and user.is_superuser):
        selectors += VERIFIERS
    if Role.PARK_OPERATOR in roles:
        selectors += [q for q in PARK if q not in selectors]
    if roles & {Role.BRAND_VIEWER, Role.FINANCIER_VIEWER}:
        selectors += VIEWERS
    if Role.PROGRAMME_ADMIN in roles:
        from loomlight.consultations import access as consultations, selectors as comments

        if consultations.is_author(user):   # the authors of a guideline: the comments to read
            selectors.append(comments.comments_to_read)
    return [select(user, today=today) for select in selectors]
