"""Downloads of business cases: the abatement-cost curve (CSV, XLSX) and the financier's export of the cases
shared with them (XLSX). Headers in the reader's language, numbers as numbers (a spreadsheet formats them)."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def curve_headers(currency: str) -> list[str]:
    return [_("rank"), _("measure"), _("category"), _("t CO2e avoided a year"),
            _("equivalent annual cost [%(currency)s a year]") % {"currency": currency},
            _("cost per t CO2e [%(currency)s/t]") % {"currency": currency}, _("cumulative t CO2e a year"),
            _("no regret"), _("cases")]


def curve_rows(curve) -> list[list]:
    return [[i, bar.label, bar.category, bar.tco2e_per_year, bar.eac, bar.cost_per_tco2e, bar.x_to,
             _("yes") if bar.no_regret else _("no"), bar.count] for i, bar in enumerate(curve.bars, start=1)]


def _xlsx(title: str, headers: list[str], rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def curve(curve, *, fmt: str, currency: str) -> tuple[bytes, str]:
    headers, rows = curve_headers(currency), curve_rows(curve)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerows(rows)
        return out.getvalue().encode("utf-8"), "text/csv; charset=utf-8"
    return _xlsx(_("Abatement-cost curve"), headers, rows), XLSX


def financier_headers() -> list[str]:
    return [_("case"), _("facility"), _("country"), _("intervention"), _("stage"), _("currency"), _("investment"),
            _("net present value"), _("internal rate of return [%]"), _("simple payback [years]"),
            _("t CO2e avoided a year"), _("abatement cost [per t CO2e]"), _("computed from the year")]


def financier(cases, *, catalogue) -> bytes:
    rows = []
    for c in cases:
        r, doc = c.result or {}, c.document or {}
        irr = r.get("irr")
        item = catalogue.get(c.intervention)
        rows.append([c.pk, c.subject.name, c.country, _(item.name) if item else c.intervention, c.get_stage_display(),
                     r.get("currency", c.currency), doc.get("capex"), r.get("npv"), None if irr is None else irr * 100,
                     r.get("simple_payback_years"), r.get("tco2e_per_year"), r.get("abatement_cost_per_tco2e"),
                     c.baseline_year])
    return _xlsx(_("Business cases"), financier_headers(), rows)
