"""Tables as downloads: .csv (UTF-8 with BOM, so that Excel opens it as UTF-8) and .xlsx.

Text that a spreadsheet would run as a formula (=, +, -, @, tab, carriage return at the start)
is defused: prefixed with ' in CSV, stored as a string cell in XLSX. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell


def defused(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def table_csv(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([defused(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else defused(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def table_xlsx(sheet: str, headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    for row in ([*headers], *rows):
        cells = []
        for value in row:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"   # never a formula, whatever the text
            cells.append(cell)
        ws.append(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
