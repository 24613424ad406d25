"""The month form: one facility-month with every metric that applies, saved in one go; and its live check.

Thin: parse, authorise (policy), call ``month.month_sheet`` / ``services.month_values_set``, render. Works without
JavaScript (the history check's warnings are shown beside the saved values); ``static/loomlight/month.js`` adds
the same warning as the user types, from ``month_check``.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from loomlight.reference.metrics import metrics
from loomlight.registry.models import DataKind
from loomlight.registry.policy import Action
from loomlight.registry.validators import validate_month
from loomlight.reporting import month as sheets
from loomlight.reporting import services
from loomlight.reporting.flags import flag_reasons
from loomlight.reporting.forms import metric_choices
from loomlight.site.lookups import data_year, facility_with_data

#: blank rows at the end of the form, for a metric that does not apply yet or another product or waste type
EXTRA_ROWS = 2
#: the most rows a post may carry (the catalogue has 59 metrics; more rows are a forged post, ignored)
MAX_ROWS = 400
SESSION_KEY = "month_saved"


def _month(year: int, month: int) -> datetime.date:
    """The month of the address: 404 for a year or month that is no reporting month (before 1990, in the future)."""
    data_year(year)
    if not 1 <= month <= 12:
        raise Http404
    try:
        return validate_month(datetime.date(year, month, 1))
    except ValidationError:
        raise Http404 from None


def _facility(request, pk):
    """The facility, for those who may enter its data: 404 to those who may not read it, 403 to readers."""
    return facility_with_data(request.user, pk, DataKind.ENVIRONMENTAL, action=Action.ENTER_DATA)


def _value_text(value: float) -> str:
    """A stored value as it goes back into a field: 1250, 12.5 (no grouping: the parser reads either)."""
    return str(int(value)) if value.is_integer() else repr(value)


def _warning(check, *, value: float, unit: str, period: datetime.date) -> str:
    reasons = flag_reasons(check.comparisons, value=value, unit=unit, period=f"{period:%Y-%m}")
    return _("Far from this facility's own history: %(reasons)s Check it, above all its unit.") % {"reasons": " ".join(reasons)}


def _posted(post) -> tuple[list[dict], list[dict]]:
    """(rows of the form's series, extra rows) as posted: {metric, qualifier, value, unit, prefix}."""
    rows, extra = [], []
    for prefix, into in (("r", rows), ("x", extra)):
        for i in range(MAX_ROWS):
            name = f"{prefix}{i}"
            if f"{name}-metric" not in post:
                break
            into.append({"prefix": name, "metric": post.get(f"{name}-metric", ""), "qualifier": post.get(f"{name}-qualifier", "").strip(),
                         "value": post.get(f"{name}-value", "").strip(), "unit": post.get(f"{name}-unit", "").strip()})
    return rows, extra


@login_required
def month_form(request, pk, year, month):
    facility = _facility(request, pk)
    period = _month(year, month)
    sheet = sheets.month_sheet(facility, period)
    url = reverse("reporting:month", args=[facility.pk, period.year, period.month])
    errors: dict[str, list[str]] = {}
    month_errors: list[str] = []
    posted_rows: dict[tuple[str, str], dict] = {}
    extra = [{"prefix": f"x{j}", "metric": "", "qualifier": "", "value": "", "unit": ""} for j in range(EXTRA_ROWS)]
    saved: set[tuple[str, str]] = set()
    saved_count = None
    status = 200
    if request.method == "POST":
        rows, extra_posted = _posted(request.POST)
        entries, fields = [], []
        for row in rows + extra_posted:
            if not row["value"]:
                continue   # a field left empty changes nothing (a value is never removed by leaving it blank)
            if row["prefix"].startswith("x") and not row["unit"] and row["metric"] in metrics():
                row["unit"] = metrics()[row["metric"]].reporting_unit
            entries.append({k: row[k] for k in ("metric", "qualifier", "value", "unit")})
            fields.append(row)
        try:
            changed = services.month_values_set(by=request.user, facility=facility, period=period, entries=entries, via="form")
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                index, _dot, field = name.partition(".")
                if index.isdigit() and field:
                    errors[f"{fields[int(index)]['prefix']}-{field}"] = messages
                else:
                    month_errors.extend(messages)
            posted_rows = {(r["metric"], r["qualifier"]): r for r in rows}
            extra = extra_posted[:EXTRA_ROWS] or extra
            status = 400
            sheet = sheets.month_sheet(facility, period)
        else:
            request.session[SESSION_KEY] = {"url": url, "series": [[fields[i]["metric"], fields[i]["qualifier"]] for i in changed],
                                            "count": len(changed)}
            return redirect(f"{url}#saved" if changed else url)
    else:
        note = request.session.pop(SESSION_KEY, None)
        if note and note.get("url") == url:
            saved = {tuple(s) for s in note["series"]}
            saved_count = note["count"]
    lines = []
    for i, row in enumerate(sheet.rows):
        prefix = f"r{i}"
        given = posted_rows.get(row.key)
        unit = given["unit"] if given and given["unit"] else row.unit
        lines.append({
            "row": row, "prefix": prefix,
            "value": given["value"] if given else (_value_text(row.value.original_value) if row.value else ""),
            "unit": unit, "units": row.units if unit in row.units else [unit, *row.units],
            # errors are found by the prefix the row was posted with (the rows may have changed since the page was sent)
            "errors": {f: errors.get(f"{given['prefix']}-{f}", []) if given else [] for f in ("value", "unit", "qualifier", "metric")},
            "saved": row.key in saved,
            "warning": _warning(row.check, value=row.value.value, unit=row.value.unit, period=period)
            if row.check is not None and row.check.flag else "",
        })
    for row in extra:
        row["errors"] = {f: errors.get(f"{row['prefix']}-{f}", []) for f in ("value", "unit", "qualifier", "metric")}
    shown = {posted_rows[line["row"].key]["prefix"] for line in lines if line["row"].key in posted_rows}
    shown |= {row["prefix"] for row in extra}
    for name, messages in errors.items():   # a row the page no longer shows (a forged or outdated post): said at the top
        if name.partition("-")[0] not in shown:
            month_errors.extend(messages)
    context = {
        "facility": facility, "sheet": sheet, "lines": lines, "extra": extra, "month_errors": month_errors,
        "metric_choices": metric_choices(), "qualified": [c for c in metrics() if sheets.qualified(c)],
        "saved_count": saved_count, "has_errors": bool(errors or month_errors),
        "check_url": reverse("reporting:month_check", args=[facility.pk, period.year, period.month]),
        "previous_url": reverse("reporting:month", args=[facility.pk, sheet.previous_period.year, sheet.previous_period.month])
        if sheet.previous_period.year >= 1990 else "",
        "next_period": sheets.shift(period, 1),
    }
    try:
        validate_month(context["next_period"])
    except ValidationError:
        context["next_period"] = None
    response = render(request, "reporting/month.html", context)
    response.status_code = status
    return response


@login_required
def month_check(request, pk, year, month):
    """The history check of one value as typed, before it is saved: {"flag", "message"} or {"error", "field"}.
    Writes nothing; for those who may enter the facility's data (the month form's script)."""
    facility = _facility(request, pk)
    period = _month(year, month)
    metric, unit = request.GET.get("metric", ""), request.GET.get("unit", "").strip()[:64]
    qualifier, value = request.GET.get("qualifier", "").strip()[:64], request.GET.get("value", "").strip()[:40]
    if not value:
        return JsonResponse({"flag": "", "message": ""})
    try:
        converted = services.convert(metric, value, unit or (metrics()[metric].reporting_unit if metric in metrics() else ""),
                                     facility=facility, period=period)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        return JsonResponse({"error": " ".join(messages), "field": field})
    check = services.activity_value_check(facility=facility, period=period, metric=metric, qualifier=qualifier,
                                          value=converted.value)
    message = _warning(check, value=converted.value, unit=converted.unit, period=period) if check.flag else ""
    return JsonResponse({"flag": check.flag, "message": message})
