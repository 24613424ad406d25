"""The error report of an import as a download: .csv (UTF-8, opens in Excel) and .xlsx.

Values come from the uploaded file; a value that a spreadsheet would run as a
formula (=, +, -, @) is written as text.
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FIELDS = ("sheet", "row", "column", "field", "value", "problem", "fix")


def headers() -> list[str]:
    return [_("sheet"), _("row"), _("column"), _("field"), _("value"), _("what is wrong"), _("how to fix it")]


def _cells(issue: dict) -> list:
    return [issue.get(name) if issue.get(name) is not None else "" for name in FIELDS]


def report_csv(issues: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers())
    for issue in issues:
        writer.writerow([_defused(v) for v in _cells(issue)])
    return buffer.getvalue().encode("utf-8-sig")


def report_xlsx(issues: list[dict]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("errors")
    ws.append(headers())
    for issue in issues:
        row = []
        for value in _cells(issue):
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"   # never a formula, whatever the text
            row.append(cell)
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _defused(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
