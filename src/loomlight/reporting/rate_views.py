"""The reporting-rate page and its downloads (``reporting.rate``). Thin: parse, authorise, select, render."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from loomlight.calc import periods
from loomlight.registry import policy
from loomlight.registry.countries import country_name
from loomlight.registry.models import DataKind, IndustrialPark, Process
from loomlight.registry.validators import FIRST_YEAR, parse_month
from loomlight.reporting import rate
from loomlight.site import periods as clock
from loomlight.site.tables import table_csv, table_xlsx

#: facilities per page
PAGE_SIZE = 50
FILTERS = ("search", "park", "country", "process", "programme")
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _shift(end: periods.Month, months: int) -> str:
    index = end[0] * 12 + end[1] - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _request(request):
    """(visible facilities, filters, months, last due month, today, deadline day) or a 400 response naming the field."""
    visible = rate.rate_facilities(request.user)
    if visible is None:
        raise PermissionDenied
    today, deadline_day = clock.today(), clock.deadline_day()
    last_due = periods.last_due_month(today, deadline_day)
    end = last_due
    text = request.GET.get("end", "")
    if text:
        try:
            month = parse_month(text)
        except ValidationError as exc:
            return render(request, "400.html", {"field": "end", "problem": " ".join(exc.messages)}, status=400)
        end = (month.year, month.month)
    filters = {k: request.GET.get(k, "").strip() for k in FILTERS}
    facilities = rate.rate_filter(request.user, visible, **filters)
    return visible, facilities, filters, end, last_due, today, deadline_day


@login_required
def reporting_rate(request):
    parsed = _request(request)
    if isinstance(parsed, HttpResponse):
        return parsed
    visible, facilities, filters, end, last_due, today, deadline_day = parsed
    months = rate.month_range(end)
    page = Paginator(facilities.select_related("park"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = rate.rate_rows(list(page.object_list), months, today=today, deadline_day=deadline_day)
    # each name links to the facility's monthly data when the viewer may read them, else to its profile
    readable = set(policy.facilities_with_data(request.user, DataKind.ENVIRONMENTAL)
                   .filter(pk__in=[r.facility.pk for r in rows]).values_list("pk", flat=True)) if rows else set()
    columns, total = rate.rate_columns(facilities, months, today=today, deadline_day=deadline_day)
    this_month = (today.year, today.month)
    context = {
        "rows": rows, "readable": readable, "columns": columns, "total": total, "page": page, "months": months, "filters": filters,
        "states": [(s, rate.STATE_LABELS[s], rate.STATE_SIGNS[s]) for s in rate.STATES],
        "period_label": clock.period_label(periods.Period(months[0], months[-1], periods.TRAILING_12)),
        "is_default": end == last_due,
        "earlier": _shift(end, -rate.MONTHS),
        "later": _shift(end, rate.MONTHS) if (end[0] * 12 + end[1] + rate.MONTHS) <= (this_month[0] * 12 + this_month[1]) else "",
        "latest": f"{last_due[0]:04d}-{last_due[1]:02d}",
        # calendar years one click away: the last three whose December has begun
        "years": [(y, f"{y:04d}-12") for y in range(today.year - 1, today.year - 4, -1) if y >= FIRST_YEAR],
        "end": f"{end[0]:04d}-{end[1]:02d}",
        "deadline_day": deadline_day,
        "parks": IndustrialPark.objects.filter(pk__in=visible.values("park_id")).order_by("name", "pk"),
        "countries": sorted(((c, country_name(c)) for c in visible.values_list("country", flat=True).distinct().order_by()),
                            key=lambda pair: pair[1]),
        "processes": Process.choices,
        "programmes": policy.programmes_visible(request.user).order_by("name"),
    }
    return render(request, "reporting/rate.html", context)


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _headers(months: list[datetime.date]) -> list[str]:
    headers = [_("facility"), _("facility id"), _("industrial park"), _("country"), _("metrics that apply"),
               _("months expected"), _("months reported"), _("months verified"), _("reporting rate [%]")]
    for p in months:
        label = date_format(p, "YEAR_MONTH_FORMAT")
        headers += [_("%(month)s: state") % {"month": label},
                    _("%(month)s: metrics with a value") % {"month": label}]
    return headers


def _cells(row: rate.Row) -> list:
    f = row.facility
    cells = [f.name, f.pk, f.park.name if f.park_id else "", country_name(f.country), len(row.applicable),
             row.expected, row.reported, row.verified, _percent(row.rate)]
    for cell in row.cells:
        cells += [str(cell.label), cell.metrics if cell.recorded else None]
    return cells


@login_required
def reporting_rate_download(request, fmt):
    if fmt not in FORMATS:
        raise Http404
    parsed = _request(request)
    if isinstance(parsed, HttpResponse):
        return parsed
    _visible, facilities, _filters, end, _last_due, today, deadline_day = parsed
    months = rate.month_range(end)
    facilities = list(facilities.select_related("park"))

    def rows():
        for start in range(0, len(facilities), rate.CHUNK):
            for row in rate.rate_rows(facilities[start:start + rate.CHUNK], months, today=today, deadline_day=deadline_day):
                yield _cells(row)

    headers = _headers(months)
    body = table_csv(headers, rows()) if fmt == "csv" else table_xlsx(_("reporting rate"), headers, rows())
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="reporting-rate-{_shift(end, 0)}.{fmt}"'
    return response
