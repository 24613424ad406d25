"""The import service: a whole file of monthly values, stored completely or not at all.

``activity_values_import`` works in two steps over one streamed reading of the file:

1. **check**: every row is validated (``validate.RowValidator``); rows that would
   change a submitted or verified month are compared with what is stored; each
   problem becomes a line of the error report. Valid rows go to a temporary
   spool file (memory does not grow with the file; the workbook is read once).
   A fuel conversion's record is spooled as the number of the distinct record.
2. **store**, only when the check found nothing: one transaction reads the spool
   in chunks; per chunk, the stored values of its keys and their 12-month history
   are fetched in two queries, unchanged values are skipped (a re-upload changes
   nothing and records nothing; in a submitted or verified month, a value reported
   again as stored is left as it was converted then), new values are bulk-created, changed ones
   bulk-updated, and an audit event per created or changed value is bulk-created
   with before and after as ``audit.services.snapshot`` gives them.

The flag of a value (``calc.validation.history_check``) is computed against the
12 calendar months before it as they stand when its chunk is written: the stored
values overlaid with those of the file already stored and of the chunk itself.
For a file in month order per series (the template's order) this is the history
after the import. The values it flags are listed in the result (the first
FLAGS_KEPT, all counted) with what they were compared with, for the job's page.
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loomlight.audit.models import AuditAction, AuditEvent
from loomlight.calc.validation import SEASON_MONTHS, WINDOW_MONTHS, HistoryCheck, history_check
from loomlight.inventories import services as inventories
from loomlight.registry import policy
from loomlight.registry.policy import Action
from loomlight.reporting.imports.issues import Issue, IssueCode, IssueLog
from loomlight.reporting.imports.reader import FileRefused, open_data_sheet
from loomlight.reporting.imports.template import DATA_SHEET
from loomlight.reporting.imports.validate import RowValidator, ValidRow, month_index, month_of
from loomlight.reporting.models import ActivityValue, ReportingPeriod
from loomlight.reporting.services import EDITABLE_STATUSES

CHUNK_ROWS = 2000
ERRORS_KEPT = 1000          # issues listed in the report; all are counted
FLAGS_KEPT = 1000           # flagged values listed in the result; all are counted
HISTORY_MONTHS = max(WINDOW_MONTHS, SEASON_MONTHS)   # how far back the history check looks
PROGRESS_EVERY = 1000       # rows between two progress reports while checking
UPDATED_FIELDS = ["value", "unit", "original_value", "original_unit", "conversion", "source", "flag", "entered_by", "entered_at"]

#: progress(phase, done, total): "checking", ``done`` rows read of about ``total`` (None when the file does not say);
#: then "storing", once, as the storing transaction begins (``done`` == ``total`` == the rows read).
Progress = Callable[[str, int, int | None], None]


@dataclass
class ImportResult:
    rows: int = 0            # non-blank rows of the data sheet
    skipped: int = 0         # rows without a value (template rows not filled in)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    issues: list[Issue] = field(default_factory=list)   # the first ERRORS_KEPT, file-level first, then by row
    issue_count: int = 0
    flagged: list[dict] = field(default_factory=list)   # the first FLAGS_KEPT values stored with a flag (flagged_value)
    flag_count: int = 0

    @property
    def ok(self) -> bool:
        return self.issue_count == 0


class _Refused(Exception):
    """Raised inside the storing transaction to roll it back."""


def _no_progress(phase: str, done: int, total: int | None) -> None:
    """The progress callback when the caller gives none: reports nowhere."""


def activity_values_import(*, by, facility, path, via: str = "upload", progress: Progress | None = None,
                           today=None, job=None) -> ImportResult:
    """Import the monthly values of one uploaded template into ``facility``.

    All or nothing: when any row is wrong, nothing is written and ``issues`` lists
    every problem (up to ERRORS_KEPT; ``issue_count`` counts them all). With ``job`` (the ImportJob of an upload),
    every value's audit event names the job, and one more event records the import itself (its file and its
    counts), so that the audit trail shows the import once, opening to its values.
    """
    policy.require(by, Action.ENTER_DATA, facility)
    today = today or timezone.localdate()
    progress = progress or _no_progress
    result = ImportResult()
    log = IssueLog(ERRORS_KEPT)
    with tempfile.TemporaryFile("w+", newline="", encoding="utf-8") as spool:
        months, conversions = _check(facility=facility, path=path, today=today, spool=spool, log=log, result=result,
                                     progress=progress)
        valid = result.rows - result.skipped
        if not log and valid == 0:
            log.add(Issue(code=IssueCode.NO_VALUES, problem=_("No row of the sheet “data” has a value."),
                          fix=_("Fill in the column “value”, then upload the file again."), sheet=DATA_SHEET))
        if not log:
            progress("storing", result.rows, result.rows)
            spool.seek(0)
            try:
                _store(by=by, facility=facility, spool=spool, months=months, conversions=conversions, via=via, log=log,
                       result=result, job=job)
            except _Refused:
                result.created = result.updated = result.unchanged = result.flag_count = 0
                result.flagged = []
    result.issues, result.issue_count = log.sorted(), log.count
    return result


# --- 1. check ----------------------------------------------------------------

def _locked_months(facility) -> dict[int, str]:
    """{month index: status shown} of the facility's months that cannot change."""
    rows = ReportingPeriod.objects.filter(facility=facility).exclude(status__in=EDITABLE_STATUSES)
    return {month_index(p.period): p.get_status_display() for p in rows}


def _check(*, facility, path, today, spool, log: IssueLog, result: ImportResult,
           progress: Progress) -> tuple[set[int], list[dict]]:
    """Validate every row; spool the valid ones. Returns the months seen and the distinct conversion records."""
    locked = _locked_months(facility)
    locked_hit: dict[int, str] = {}
    validate = RowValidator(facility=facility, today=today)
    write = csv.writer(spool).writerow
    months: set[int] = set()
    conversions: list[dict] = []          # distinct records of fuel conversions, spooled by number
    numbers: dict[int, int] = {}          # id(record) -> its number (the validator keeps each record alive)
    in_locked: list[ValidRow] = []
    try:
        with open_data_sheet(path, facility=facility) as sheet:
            total = sheet.estimated_rows
            progress("checking", 0, total)
            for number, cells in sheet.rows():
                result.rows += 1
                row = validate(number, cells)
                if row is None:
                    result.skipped += 1
                elif type(row) is list:
                    log.extend(row)
                else:
                    months.add(row.month)
                    if row.month in locked:
                        in_locked.append(row)
                        if len(in_locked) >= CHUNK_ROWS:
                            _check_locked(facility, in_locked, locked, locked_hit, log)
                            in_locked.clear()
                    if not log:
                        conversion = -1
                        if row.conversion is not None:
                            conversion = numbers.get(id(row.conversion))
                            if conversion is None:
                                conversion = numbers[id(row.conversion)] = len(conversions)
                                conversions.append(row.conversion)
                        write((row.number, row.month, row.metric, row.qualifier, repr(row.value), row.unit,
                               repr(row.original_value), row.original_unit, conversion))
                if result.rows % PROGRESS_EVERY == 0:
                    progress("checking", number - 1, total)
    except FileRefused as exc:
        log.extend(exc.issues)
    if in_locked:
        _check_locked(facility, in_locked, locked, locked_hit, log)
    if locked_hit:
        log.add(Issue(
            code=IssueCode.LOCKED_MONTHS,
            problem=_("The file changes values of months that are submitted or verified: %(months)s.") % {
                "months": ", ".join(f"{month_of(m):%Y-%m} ({status})" for m, status in sorted(locked_hit.items()))},
            fix=_("Remove the rows of these months, or ask your programme to return (submitted) or reopen (verified) "
                  "them, then upload the file again."),
            sheet=DATA_SHEET,
        ))
    return months, conversions


def _stored_values(facility, rows: list[ValidRow]) -> dict[tuple[int, str, str], tuple[float, str]]:
    lo, hi = min(r.month for r in rows), max(r.month for r in rows)
    stored = ActivityValue.objects.filter(
        facility=facility, metric__in={r.metric for r in rows}, period__gte=month_of(lo), period__lte=month_of(hi),
    ).values_list("period", "metric", "qualifier", "original_value", "original_unit")
    return {(month_index(p), m, q): (v, u) for p, m, q, v, u in stored}


def _check_locked(facility, rows: list[ValidRow], locked: dict[int, str], locked_hit: dict[int, str], log: IssueLog) -> None:
    """Rows in locked months may only repeat what is stored."""
    stored = _stored_values(facility, rows)
    for r in rows:
        if stored.get((r.month, r.metric, r.qualifier)) != (r.original_value, r.original_unit):
            locked_hit[r.month] = locked[r.month]
            log.add(_locked_issue(r, locked[r.month]))


def _locked_issue(row: ValidRow, status: str) -> Issue:
    return Issue(
        code=IssueCode.LOCKED_MONTH,
        problem=_("%(month)s is %(status)s: its values cannot change.") % {"month": f"{row.period:%Y-%m}", "status": status},
        fix=_("Remove this row, or ask your programme to return or reopen the month."),
        sheet=DATA_SHEET, row=row.number, column="E", field="value", value=_number_text(row.original_value),
    )


def _number_text(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


# --- 2. store ----------------------------------------------------------------

def _spooled(spool, conversions: list[dict]) -> Iterator[list[ValidRow]]:
    chunk: list[ValidRow] = []
    for number, month, metric, qualifier, value, unit, original_value, original_unit, conversion in csv.reader(spool):
        chunk.append(ValidRow(int(number), int(month), metric, qualifier, float(value), unit, float(original_value), original_unit,
                              conversions[int(conversion)] if conversion != "-1" else None))
        if len(chunk) == CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _store(*, by, facility, spool, months: set[int], conversions: list[dict], via: str, log: IssueLog,
           result: ImportResult, job=None) -> None:
    now = timezone.now()
    periods = [month_of(m) for m in sorted(months)]
    with transaction.atomic():
        known = set(ReportingPeriod.objects.filter(facility=facility, period__in=periods).values_list("period", flat=True))
        ReportingPeriod.objects.bulk_create([ReportingPeriod(facility=facility, period=p) for p in periods if p not in known])
        # Locked now, perhaps since the check: rows of these months may only repeat what is stored.
        locked = {month_index(p.period): p.get_status_display() for p in ReportingPeriod.objects.select_for_update().filter(
            facility=facility, period__in=periods).exclude(status__in=EDITABLE_STATUSES)}
        for chunk in _spooled(spool, conversions):
            _store_chunk(by=by, facility=facility, rows=chunk, locked=locked, via=via, now=now, log=log, result=result,
                         job=job)
        if log:
            raise _Refused
        if job is not None and (result.created or result.updated):
            _record_import(by=by, facility=facility, job=job, via=via, result=result)
        if result.created or result.updated:
            inventories.schedule(facility.pk, periods)


def _store_chunk(*, by, facility, rows: list[ValidRow], locked, via, now, log: IssueLog, result: ImportResult,
                 job=None) -> None:
    lo, hi = min(r.month for r in rows), max(r.month for r in rows)
    metric_codes = {r.metric for r in rows}
    keys = {(r.month, r.metric, r.qualifier) for r in rows}
    in_range = ActivityValue.objects.filter(facility=facility, metric__in=metric_codes,
                                            period__gte=month_of(lo), period__lte=month_of(hi))
    existing: dict[tuple[int, str, str], dict] = {}   # stored values as dicts by attname: no model instances
    for stored in in_range.values(*SNAPSHOT_FIELDS):
        key = (month_index(stored["period"]), stored["metric"], stored["qualifier"])
        if key in keys:
            existing[key] = stored
    history = _history(facility, rows, metric_codes, lo, hi)

    new: list[dict] = []                              # field values of each new ActivityValue
    changed: list[tuple[dict, dict]] = []             # (field values after, snapshot before)
    for r in rows:
        obj = existing.get((r.month, r.metric, r.qualifier))
        if (obj is not None and obj["original_value"] == r.original_value and obj["original_unit"] == r.original_unit
                and (r.month in locked or obj["conversion"] == r.conversion)):
            result.unchanged += 1
            continue
        if r.month in locked:
            log.add(_locked_issue(r, locked[r.month]))
            continue
        if log:
            continue
        check = history_check(r.value, r.month, history[(r.metric, r.qualifier)])
        flag = check.flag
        if flag:
            result.flag_count += 1
            if len(result.flagged) < FLAGS_KEPT:
                result.flagged.append(flagged_value(r, check))
        if obj is None:
            new.append({
                "facility_id": facility.pk, "period": r.period, "metric": r.metric, "qualifier": r.qualifier,
                "value": r.value, "unit": r.unit, "original_value": r.original_value, "original_unit": r.original_unit,
                "conversion": r.conversion, "source": via, "flag": flag, "entered_by_id": by.pk, "entered_at": now,
            })
        else:
            changed.append(({**obj, "value": r.value, "unit": r.unit, "original_value": r.original_value,
                              "original_unit": r.original_unit, "conversion": r.conversion, "source": via, "flag": flag,
                              "entered_by_id": by.pk, "entered_at": now}, _snapshot(obj)))
    if log:
        return

    events = []
    if new:
        _insert_many(ActivityValue, new)
        ids = {(month_index(p), m, q): pk for pk, p, m, q in in_range.values_list("pk", "period", "metric", "qualifier")}
        for values in new:
            values["id"] = ids[(month_index(values["period"]), values["metric"], values["qualifier"])]
            events.append(_event(by, AuditAction.CREATE, values["id"], _repr(facility, values), None, _snapshot(values), via,
                                 now, job))
    _update_many([after for after, _before in changed], UPDATED_FIELDS)
    events += [_event(by, AuditAction.UPDATE, after["id"], _repr(facility, after), before, _snapshot(after), via, now, job)
               for after, before in changed]
    _insert_many(AuditEvent, events)
    result.created += len(new)
    result.updated += len(changed)


# Bulk writes without model instances: at 100,000 values, building ActivityValue and
# AuditEvent instances and Django's per-value INSERT compilation took about half of the
# import. What the ORM would do is kept: values are prepared by the model fields, and the
# audit record is what audit.services.snapshot and str() give (test_import_service pins both).

SNAPSHOT_FIELDS = [f.attname for f in ActivityValue._meta.concrete_fields]


def _snapshot(values: dict) -> dict:
    """audit.services.snapshot of the ActivityValue with these field values."""
    return {name: values[name].isoformat() if isinstance(values[name], datetime.date) else values[name]
            for name in SNAPSHOT_FIELDS}


def _repr(facility, values: dict) -> str:
    """str() of the ActivityValue with these field values."""
    return ActivityValue.__str__(SimpleNamespace(facility=facility, **values))[:300]


def _event(by, action, pk, text, before, after, via, now, job=None) -> dict:
    """The audit event of one value, as audit.services.audit_record would record it (with its place), naming the job."""
    return {"at": now, "actor_id": by.pk, "action": action, "object_type": ActivityValue._meta.label_lower,
            "object_id": str(pk), "object_repr": text[:300], "before": before, "after": after, "via": via,
            "facility_id": after["facility_id"], "park_id": None, "period": after["period"],
            "import_job_id": job.pk if job is not None else None}


def _record_import(*, by, facility, job, via, result: ImportResult) -> None:
    """The one audit event of the import itself: its file and its counts (audit.describe shows it)."""
    from loomlight.audit.services import audit_record_event

    audit_record_event(
        actor=by, action=AuditAction.IMPORT, object_type=job._meta.label_lower, object_id=str(job.pk),
        object_repr=job.original_name, before=None, via=via, facility_id=facility.pk, import_job_id=job.pk,
        after={"file": job.original_name, "year": job.year, "created": result.created, "updated": result.updated,
               "unchanged": result.unchanged, "flagged": result.flag_count})


def _insert_many(model, rows: list[dict]) -> None:
    """INSERT rows (dicts by attname) with executemany; other fields take their defaults."""
    if not rows:
        return
    meta = model._meta
    given = list(rows[0])
    fields = [meta.get_field(name) for name in given]
    defaults = [(f, f.get_db_prep_save(f.get_default(), connection))
                for f in meta.concrete_fields if f.attname not in given and not f.primary_key]
    quote = connection.ops.quote_name
    columns = [f.column for f in fields] + [f.column for f, _value in defaults]
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    tail = [value for _f, value in defaults]
    prepared: dict = {}   # dates and datetimes repeat: prepare each once

    def prep(field, value):
        if value is None or type(value) in (str, float, int):
            return value
        if type(value) is dict:   # JSON: a fuel conversion's record is shared by many rows, so encode each once
            key = (field.attname, id(value))
            if key not in prepared:
                prepared[key] = field.get_db_prep_save(value, connection)
            return prepared[key]
        if isinstance(value, datetime.date):
            key = (field.attname, value)
            if key not in prepared:
                prepared[key] = field.get_db_prep_save(value, connection)
            return prepared[key]
        return field.get_db_prep_save(value, connection)

    with connection.cursor() as cursor:
        cursor.executemany(sql, [[prep(f, row[f.attname]) for f in fields] + tail for row in rows])


def _update_many(rows: list[dict], fields: list[str]) -> None:
    """One ``UPDATE ... WHERE id = %s`` run with executemany.

    Django's ``bulk_update`` writes one CASE WHEN per field and row, which SQLite
    evaluates row by row: 5,000 changed values took 11 s, against 0.1 s this way.
    """
    if not rows:
        return
    meta = ActivityValue._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in columns)} "
           f"WHERE {quote(meta.pk.column)} = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[f.get_db_prep_save(row[f.attname], connection) for f in columns] + [row["id"]]
                                 for row in rows])


def flagged_value(row: ValidRow, check: HistoryCheck) -> dict:
    """A flagged value as the job keeps it (JSON): where, what was reported and stored, and what it was compared with."""
    return {"row": row.number, "period": f"{row.period:%Y-%m}", "metric": row.metric, "qualifier": row.qualifier,
            "value": row.value, "unit": row.unit, "original_value": row.original_value, "original_unit": row.original_unit,
            "flag": check.flag, "comparisons": [{"basis": c.basis, "reference": c.reference, "count": c.count, "flag": c.flag}
                                                for c in check.comparisons]}


def _history(facility, rows: list[ValidRow], metric_codes, lo: int, hi: int) -> dict[tuple[str, str], dict[int, float]]:
    """{series: {month: value}} for the HISTORY_MONTHS before each row: stored values, overlaid with the chunk's own."""
    series = {(r.metric, r.qualifier) for r in rows}
    history: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    stored = ActivityValue.objects.filter(
        facility=facility, metric__in=metric_codes, period__gte=month_of(lo - HISTORY_MONTHS), period__lt=month_of(hi),
    ).values_list("metric", "qualifier", "period", "value")
    for metric, qualifier, period, value in stored:
        if (metric, qualifier) in series:
            history[(metric, qualifier)][period.year * 12 + period.month - 1] = value
    for r in rows:
        history[(r.metric, r.qualifier)][r.month] = r.value
    return history
