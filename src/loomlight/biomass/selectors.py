"""Reads of biomass sourcing: a facility's supply risk weighted by tonnes delivered, and the portfolio of
screenings across facilities (the brand's and the programme's view). Always of what ``biomass.access`` lets the
viewer read; the tonnes only with the facility's environmental data too (``access.can_read_tonnes``).

**The tonnes of a stream.** The period: the facility's last full year (calc.periods: over, twelve months with
data), else the trailing twelve months to its latest month with data, named as such. The tonnes of a metric: the
sum of its months in the period, as reported in a unit of mass (converted to tonnes); a month reported in another
unit (energy) is left out and flagged ``not_in_mass`` (never converted back through an assumed calorific value).
The streams reported under one metric divide its tonnes by their stated ``share``; streams without one divide what
the stated shares leave equally, flagged ``split_equally``. A metric without any month in the period has tonnes
``None`` (not reported: a gap, never 0); its streams' ratings are still shown.

**The rating of a stream** is that of its latest completed screening (``not_screened`` without one); the supply
is summed by it. The headline is the share of tonnes needing attention (high, unknown, not screened) and the
rating carrying the most tonnes.

**Small numbers.** A reader through consent gets no total over fewer than ``MIN_FACILITIES`` facilities in the
portfolio (PRODUCT.md: "below the threshold (5 peers, 3 facilities) nothing leaves"); each consenting facility's
own rows are its consent's.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from loomlight.biomass import access
from loomlight.biomass.models import Screening, ScreeningStatus, SupplyStream
from loomlight.calc import periods
from loomlight.interventions.selectors import MIN_FACILITIES

#: The buckets of the supply, worst first.
BUCKETS = ("high", "unknown", "not_screened", "medium", "low")
ATTENTION = ("high", "unknown", "not_screened")


@dataclass(frozen=True)
class StreamSupply:
    stream: SupplyStream
    rating: str                         # low medium high unknown, or not_screened
    screening: Screening | None         # the latest completed one
    tonnes: float | None                # None: not reported (or not readable)
    share_used: float | None            # the part of its metric's tonnes given to it
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SupplyRisk:
    facility_id: int
    tonnes_readable: bool               # may the viewer see tonnes (biomass and environmental)?
    period: periods.Period | None       # None: no fuel data (or not readable)
    period_reason: str                  # "last_complete", "trailing_12", "none", "not_readable"
    streams: tuple[StreamSupply, ...]
    tonnes_total: float | None          # Σ tonnes of the streams with tonnes
    by_rating: dict = field(default_factory=dict)   # bucket -> {"streams": n, "tonnes": t|None, "share": f|None}
    headline: str | None = None         # the bucket carrying the most tonnes (ties: the worse)
    attention_share: float | None = None
    attention: tuple[StreamSupply, ...] = ()   # the streams needing attention, worst first


def latest_completed(streams) -> dict[int, Screening]:
    """Stream id -> its latest completed screening (by date, then id), in one query."""
    found: dict[int, Screening] = {}
    for s in (Screening.objects.filter(stream__in=streams, status=ScreeningStatus.COMPLETED)
              .order_by("stream_id", "-screened_on", "-pk")):
        found.setdefault(s.stream_id, s)
    return found


def supply_period(facility, *, today: datetime.date | None = None, deadline_day: int | None = None):
    """(Period, reason) the supply is weighted over: the last full year, else the trailing 12 months to the latest
    month with data; (None, "none") without data."""
    from django.conf import settings

    from loomlight.reporting.models import ActivityValue

    today = today or datetime.date.today()
    deadline_day = deadline_day or settings.REPORTING_DEADLINE_DAY
    months = set(ActivityValue.objects.filter(facility=facility).values_list("period", flat=True).distinct())
    if not months:
        return None, "none"
    years: dict[int, int] = defaultdict(int)
    for m in months:
        years[m.year] += 1
    complete = [y for y, n in years.items() if periods.year_complete(y, n, today, deadline_day)]
    if complete:
        return periods.year(max(complete)), "last_complete"
    latest = max(months)
    return periods.trailing_12_months(latest.year, latest.month), "trailing_12"


def _metric_tonnes(facility, metrics, period) -> tuple[dict[str, float], set[str]]:
    """{metric: tonnes in the period} of the metrics with a month reported in mass, and the metrics with a month
    not reported in mass."""
    from loomlight.calc.units import UnitError, to_canonical
    from loomlight.reporting.models import ActivityValue

    tonnes: dict[str, float] = {}
    not_mass: set[str] = set()
    rows = ActivityValue.objects.filter(facility=facility, metric__in=metrics, period__gte=period.start,
                                        period__lte=period.end).values_list("metric", "original_value", "original_unit")
    for metric, value, unit in rows:
        try:
            t = to_canonical(value, unit, "tonne").value
        except UnitError:
            not_mass.add(metric)
            continue
        tonnes[metric] = tonnes.get(metric, 0.0) + t
    return tonnes, not_mass


def _split(streams: list[SupplyStream]) -> dict[int, tuple[float, bool]]:
    """Stream id -> (its part of the metric's tonnes, split equally?)."""
    stated = sum(s.share for s in streams if s.share is not None)
    without = [s for s in streams if s.share is None]
    out = {s.pk: (s.share, False) for s in streams if s.share is not None}
    if without:
        left = max(0.0, 1.0 - stated)
        for s in without:
            out[s.pk] = (left / len(without), True)
    return out


def supply_risk(facility, viewer, *, today: datetime.date | None = None) -> SupplyRisk:
    """The facility's active biomass supply by rating, weighted by tonnes delivered when the viewer reads them."""
    if not access.can_read(viewer, facility):
        raise PermissionDenied
    streams = list(SupplyStream.objects.filter(facility=facility, active=True).select_related("supplier")
                   .order_by("metric", "pk"))
    screenings = latest_completed(streams)
    readable = access.can_read_tonnes(viewer, facility)
    period, reason = (supply_period(facility, today=today) if readable else (None, "not_readable"))
    tonnes, not_mass = ({}, set())
    if period is not None:
        tonnes, not_mass = _metric_tonnes(facility, {s.metric for s in streams}, period)
    by_metric: dict[str, list[SupplyStream]] = defaultdict(list)
    for s in streams:
        by_metric[s.metric].append(s)
    rows = []
    for metric, group in by_metric.items():
        split = _split(group)
        for s in group:
            screening = screenings.get(s.pk)
            rating = screening.overall if screening else "not_screened"
            part, equal = split[s.pk]
            flags = []
            t = None
            if period is not None and metric in tonnes:
                t = tonnes[metric] * part
                if equal and len(group) > 1:
                    flags.append("split_equally")
            elif period is not None:
                flags.append("not_reported")
            if metric in not_mass:
                flags.append("not_in_mass")
            rows.append(StreamSupply(s, rating, screening, t, part if t is not None else None, tuple(flags)))
    with_tonnes = [r for r in rows if r.tonnes is not None]
    total = sum(r.tonnes for r in with_tonnes) if with_tonnes else None
    by_rating = {}
    for bucket in BUCKETS:
        members = [r for r in rows if r.rating == bucket]
        t = sum(r.tonnes for r in members if r.tonnes is not None) if total is not None else None
        by_rating[bucket] = {"streams": len(members), "tonnes": t,
                             "share": (t / total) if t is not None and total else None}
    headline = attention_share = None
    if total:
        headline = max(BUCKETS, key=lambda b: (by_rating[b]["tonnes"], -BUCKETS.index(b)))
        attention_share = sum(by_rating[b]["share"] for b in ATTENTION)
    attention = tuple(sorted((r for r in rows if r.rating in ATTENTION),
                             key=lambda r: (BUCKETS.index(r.rating), -(r.tonnes or 0))))
    return SupplyRisk(facility_id=facility.pk, tonnes_readable=readable, period=period, period_reason=reason,
                      streams=tuple(rows), tonnes_total=total, by_rating=by_rating, headline=headline,
                      attention_share=attention_share, attention=attention)


# --- the portfolio ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FacilityRow:
    facility: object
    streams: tuple[StreamSupply, ...]
    supply: SupplyRisk
    history: dict        # stream id -> [(screened_on, overall)] of its completed screenings, oldest first
    high: int
    unknown: int
    not_screened: int


@dataclass(frozen=True)
class Portfolio:
    rows: tuple[FacilityRow, ...]
    totals: dict | None          # bucket -> streams, over every facility shown; None when withheld
    withheld: bool
    min_facilities: int
    progress: tuple = ()         # (year, {rating: completed screenings}) of every screening in the year; () when withheld


def portfolio(viewer, filters: dict | None = None) -> Portfolio:
    """Screenings across the facilities the viewer reads: per facility each active stream's latest completed
    screening (high-risk and unknown supply first), each stream's ratings by date, and totals (withheld from a
    reader through consent below MIN_FACILITIES facilities). ``filters``: country, programme (ids), rating."""
    filters = filters or {}
    facilities: QuerySet = access.facilities_readable(viewer).order_by("name", "pk")
    if filters.get("country"):
        facilities = facilities.filter(country=filters["country"])
    if filters.get("programme"):
        from loomlight.registry import policy

        facilities = facilities.filter(pk__in=policy.facilities_in_programme(filters["programme"]).values("pk"))
    facilities = list(facilities.filter(biomass_streams__isnull=False).distinct())
    completed = defaultdict(list)
    for s in (Screening.objects.filter(stream__facility__in=facilities, status=ScreeningStatus.COMPLETED)
              .order_by("screened_on", "pk").values("stream_id", "screened_on", "overall")):
        completed[s["stream_id"]].append((s["screened_on"], s["overall"]))
    rows = []
    for facility in facilities:
        supply = supply_risk(facility, viewer)
        chosen = [r for r in supply.streams if not filters.get("rating") or r.rating == filters["rating"]]
        if filters.get("rating") and not chosen:
            continue
        ordered = tuple(sorted(chosen, key=lambda r: BUCKETS.index(r.rating)))
        rows.append(FacilityRow(facility, ordered, supply, {r.stream.pk: completed.get(r.stream.pk, []) for r in ordered},
                                high=sum(r.rating == "high" for r in ordered),
                                unknown=sum(r.rating == "unknown" for r in ordered),
                                not_screened=sum(r.rating == "not_screened" for r in ordered)))
    rows.sort(key=lambda r: (-(r.high + r.unknown + r.not_screened), r.facility.name))
    withheld = access.sees_through_consent(viewer) and len(rows) < MIN_FACILITIES
    totals = progress = None
    if not withheld:
        totals = {b: sum(1 for r in rows for s in r.streams if s.rating == b) for b in BUCKETS}
        years: dict[int, dict] = defaultdict(lambda: {"low": 0, "medium": 0, "high": 0, "unknown": 0})
        for r in rows:
            for history in r.history.values():
                for day, overall in history:
                    years[day.year][overall] += 1
        progress = tuple(sorted((y, dict(c)) for y, c in years.items()))
    return Portfolio(rows=tuple(rows), totals=totals, withheld=withheld, min_facilities=MIN_FACILITIES,
                     progress=progress or ())
