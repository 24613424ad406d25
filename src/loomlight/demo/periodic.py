"""The demo's dated series, written for the day the demo is built and extended on a later day.

* monthly data (``demo/monthly.py``): the months of the window, each in the state its facility's pattern gives it
  on the build day, with the dates and the people of a real programme: values entered by the facility's data-entry
  login, months submitted by the facility's users (the manager's facility: its manager; the others: the data-entry
  login, the demo's only facility clerk), verified or returned by the assessor, each transition recorded in the
  audit trail (``via="demo"``) at the time it would have happened, so that separation of duties
  (``reporting.selectors.months_written_by``) lets the assessor verify every submitted month;
* lab samples and chemical uses (``demo/labs.py``): from 2024 and 2025 on, up to the build day.

``write_series(..., since=None)`` writes everything up to the build day; ``since`` (the last build's day and
month) writes only what came after: the months that have passed since, in the states of the new day (the newest
due month missing at first), the samples taken and the chemicals used since. Nothing written before is changed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from loomlight.audit.models import AuditAction, AuditEvent
from loomlight.audit.services import snapshot
from loomlight.calc import periods as calc_periods
from loomlight.demo import monthly
from loomlight.registry.models import WET_PROCESSES
from loomlight.site.periods import deadline_day

VIA = "demo"
#: Chemical uses are recorded from this month on (the demo's chemical inventories began in 2025).
CHEMICALS_FROM = datetime.date(2025, 1, 1)


@dataclass(frozen=True)
class Since:
    """What an earlier build wrote up to: its day and its last complete month."""

    day: datetime.date
    through: datetime.date


def _at(day: datetime.date, hour: int, latest: datetime.datetime) -> datetime.datetime:
    """A moment on ``day`` at ``hour`` UTC, never after ``latest`` (a month's events happen before the build)."""
    return min(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=datetime.UTC), latest)


def build_start(today: datetime.date) -> datetime.datetime:
    """Midnight (UTC) of the build day: what the demo dates happened before it, whatever the hour it is built at
    (the same day gives the same database)."""
    return datetime.datetime(today.year, today.month, today.day, tzinfo=datetime.UTC)


def _times(period: datetime.date, now: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime, datetime.datetime]:
    """(entered, submitted, reviewed) of a month: entered a week before its deadline, submitted three days before,
    reviewed twelve days after; each at most ``now`` and in that order."""
    due = calc_periods.due_date(period.year, period.month, deadline_day())
    entered = _at(due - datetime.timedelta(days=7), 8, now - datetime.timedelta(hours=3))
    submitted = max(_at(due - datetime.timedelta(days=3), 9, now - datetime.timedelta(hours=2)), entered)
    reviewed = max(_at(due + datetime.timedelta(days=12), 10, now - datetime.timedelta(hours=1)), submitted)
    return entered, submitted, reviewed


def write_monthly(demo, facilities: dict, users: dict, today: datetime.date, since: Since | None = None,
                  factor=None) -> int:
    """The months of ``monthly.window(today)`` after ``since.through`` (all when None), their values, states and
    audit events; returns how many facility-months were written. ``factor(facility, metric, period)``, when
    given, scales a planned value (``demo/cases.py``: the use of a facility after its measure was implemented)."""
    from loomlight.calc.validation import history_check, month_index
    from loomlight.reporting.models import ActivityValue, PeriodStatus, ReportingPeriod

    months = [m for m in monthly.window(today) if since is None or m > since.through]
    if not months:
        return 0
    now = build_start(today)
    cetp_parks = {s.park for s in demo.shared_facilities if s.kind == "cetp"}
    served = {name for s in demo.shared_facilities if s.kind == "cetp" for name in s.serves}
    profiles = [monthly.FacilityProfile(f.name, f.country, f.processes, f.headcount_female, f.headcount_male,
                                        cetp=f.park in cetp_parks and f.name in served)
                for f in demo.facilities]
    manager_facility = next((u.scope_name for u in demo.users if u.username == "manager"), None)
    patterns = monthly.assign_patterns([f.name for f in demo.facilities], manager_facility, demo.seed)
    starts = demo.discharge.starts()  # a plant that began operating late reports from its first month
    entered_by, assessor = users["dataentry"], users["assessor"]
    submitter = {name: users["manager"] if name == manager_facility else entered_by for name in patterns}

    history = _history(facilities, months[0]) if since is not None else {}
    values, month_rows = [], {}
    gaps: dict[tuple[str, datetime.date], bool] = {}
    for row in monthly.plan_monthly(profiles, demo.seed, months, gaps=False):
        if row.period < starts.get(row.facility, row.period):
            continue
        pattern = patterns[row.facility]
        state = monthly.month_state(pattern, row.period, today)
        key = (row.facility, row.period)
        if key not in gaps:  # a gap only in the verified past: the latest months follow the pattern
            gaps[key] = state == monthly.VERIFIED and monthly.is_gap(demo.seed, row.facility, row.period)
        if state == monthly.MISSING or gaps[key]:
            continue
        value = row.value if factor is None else round(row.value * factor(row.facility, row.metric, row.period), 3)
        if row.metric == "electricity_grid" and row.period == monthly.flagged_month(pattern, today):
            value = round(value * 10, 3)  # typed ten times too large: a flag to confirm or correct
        series = history.setdefault((row.facility, row.metric), {})
        index = month_index(row.period.year, row.period.month)
        flag = history_check(value, index, series).flag
        series[index] = value
        facility = facilities[row.facility]
        entered, _submitted, _reviewed = _times(row.period, now)
        original_value, original_unit, canonical, conversion = _as_delivered(row.metric, value, row.unit)
        values.append(ActivityValue(
            facility=facility, period=row.period, metric=row.metric, value=canonical, unit=row.unit,
            original_value=original_value, original_unit=original_unit, source="demo", flag=flag,
            entered_by=entered_by, entered_at=entered, conversion=conversion))
        month_rows[(row.facility, row.period)] = state
    ActivityValue.objects.bulk_create(values, batch_size=2000)

    rows, stages = [], []
    for (name, period), state in sorted(month_rows.items()):
        _entered, submitted, reviewed = _times(period, now)
        row = ReportingPeriod(facility=facilities[name], period=period, status=state)
        if state != monthly.DRAFT:
            row.submitted_at, row.submitted_by = submitted, submitter[name]
        if state == monthly.VERIFIED:
            row.verified_at, row.verified_by = reviewed, assessor
        if state == monthly.RETURNED:
            row.comment = monthly.return_comment(demo.seed, name, period,
                                                 flagged=period == monthly.flagged_month(patterns[name], today))
        rows.append(row)
        stages.append((submitted, reviewed, submitter[name]))
    ReportingPeriod.objects.bulk_create(rows, batch_size=2000)
    AuditEvent.objects.bulk_create(_transition_events(rows, stages, assessor, PeriodStatus), batch_size=2000)
    return len(rows)


def _history(facilities: dict, first: datetime.date) -> dict[tuple[str, str], dict[int, float]]:
    """The stored series of the year before ``first``, for the history check of the months after it."""
    from loomlight.calc.validation import month_index
    from loomlight.reporting.models import ActivityValue

    names = {f.pk: name for name, f in facilities.items()}
    history: dict[tuple[str, str], dict[int, float]] = {}
    stored = ActivityValue.objects.filter(facility__in=facilities.values(), period__gte=monthly.month_add(first, -13),
                                          period__lt=first, qualifier="")
    for facility_id, period, metric, value in stored.values_list("facility_id", "period", "metric", "value"):
        history.setdefault((names[facility_id], metric), {})[month_index(period.year, period.month)] = value
    return history


def _transition_events(rows, stages, assessor, status) -> list:
    """The audit events of each month's way to its state: submitted by its facility's user, then verified or
    returned by the assessor; each before and after as ``reporting.services`` records them."""
    events = []
    for row, (submitted, reviewed, by) in zip(rows, stages, strict=True):
        if row.status == status.DRAFT:
            continue
        final = snapshot(row)
        draft = {**final, "status": status.DRAFT, "submitted_at": None, "submitted_by_id": None,
                 "verified_at": None, "verified_by_id": None, "comment": ""}
        sent = {**draft, "status": status.SUBMITTED, "submitted_at": final["submitted_at"],
                "submitted_by_id": final["submitted_by_id"]}
        events.append(_event(by, row, draft, sent, submitted))
        if row.status in (status.VERIFIED, status.RETURNED):
            events.append(_event(assessor, row, sent, final, reviewed))
    return events


def _event(actor, row, before: dict, after: dict, at: datetime.datetime) -> AuditEvent:
    return AuditEvent(at=at, actor=actor, action=AuditAction.UPDATE, object_type=row._meta.label_lower,
                      object_id=str(row.pk), object_repr=str(row)[:300], before=before, after=after, via=VIA)


def wet_sites(demo) -> list[tuple[str, bool]]:
    """(facility name, discharges directly) of the facilities that sample their wastewater (demo/discharge.py)."""
    return [(f.name, demo.discharge.route(f.name) == "surface") for f in demo.facilities if set(f.processes) & WET_PROCESSES]


def write_labs_and_chemicals(demo, facilities: dict, plants: dict, users: dict, today: datetime.date,
                             since: Since | None = None) -> None:
    """Lab samples taken up to ``today`` (after ``since.day``) and chemical uses of the months up to the last
    complete one (after ``since.through``); the products are created once. The manager's facility has not taken
    its latest quarterly sample (a lab result due) and holds an expired declaration."""
    from loomlight.chemicals.models import ChemicalProduct, ChemicalUse
    from loomlight.demo.labs import chemical_kg, plan_chemicals, plan_labs
    from loomlight.wastewater.models import LabResult, SamplingEvent

    wet = wet_sites(demo)
    manager_facility = next((u.scope_name for u in demo.users if u.username == "manager"), None)
    overdue = frozenset({manager_facility} & {name for name, _direct in wet})
    entered_by = users.get("dataentry")
    for e in plan_labs(wet, sorted(plants), demo.seed, dict(demo.discharge.labs), through=today, skip_latest=overdue):
        if since is not None and e.sampled_on <= since.day:
            continue
        event = SamplingEvent.objects.create(
            facility=None if e.central else facilities[e.site], shared_facility=plants[e.site] if e.central else None,
            sampled_on=e.sampled_on, sampling_point=e.sampling_point, discharge_type=e.discharge_type,
            laboratory=e.laboratory, created_by=entered_by)
        LabResult.objects.bulk_create(
            LabResult(event=event, parameter=p, value=v, unit=u, detection_limit=dl, below_detection_limit=below)
            for p, v, u, dl, below in e.results)
    last = monthly.last_complete_month(today)
    first = CHEMICALS_FROM if since is None else max(CHEMICALS_FROM, monthly.month_add(since.through, 1))
    months = [monthly.month_add(first, k) for k in range(monthly.months_between(first, last) + 1)]
    starts = demo.discharge.starts()  # a plant that began operating late used no chemicals before
    uses = []
    for plan_ in plan_chemicals([name for name, _direct in wet], demo.seed, today, expired_for=overdue):
        product, _created = ChemicalProduct.objects.get_or_create(
            facility=facilities[plan_.facility], name=plan_.name, supplier=plan_.supplier,
            defaults={"use_area": plan_.use_area, "hazard_statements": plan_.hazard_statements, "mrsl_level": plan_.mrsl_level,
                      "declaration_reference": plan_.declaration_reference,
                      "declaration_valid_until": plan_.declaration_valid_until, "created_by": entered_by})
        for period in months:
            if period >= starts.get(plan_.facility, datetime.date.min):
                q = chemical_kg(demo.seed, plan_, period)
                uses.append(ChemicalUse(product=product, period=period, quantity_kg=q, original_value=q, original_unit="kg"))
    ChemicalUse.objects.bulk_create(uses, batch_size=2000, ignore_conflicts=True)


def _as_delivered(metric: str, value: float, unit: str) -> tuple[float, str, float, dict | None]:
    """A biomass boiler's month as a factory reports it: the tonnes on the delivery notes, converted to energy with the
    shipped IPCC default NCV exactly as the reporting service converts a month typed in tonnes (its ``conversion``
    recorded). The planned energy is the demo's assumption; its tonnes are that energy over the same NCV, so the
    month's energy stays what was planned (to the rounding of the tonnes). Other metrics stay in their canonical unit.

    Returns (reported value, reported unit, canonical value, conversion)."""
    if not metric.startswith("biomass_"):
        return value, unit, value, None
    from loomlight.reference.fuel_properties import default
    from loomlight.reporting.services import convert

    ncv = default(metric, "ncv")
    if ncv is None:
        return value, unit, value, None
    tonnes = round(value / ncv.value, 3)
    converted = convert(metric, tonnes, "t", fuel_property=None)
    return tonnes, "t", round(converted.value, 3), converted.conversion
