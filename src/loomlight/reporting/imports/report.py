"""The error report of an import as a download: .csv (UTF-8, opens in Excel) and .xlsx.

Values come from the uploaded file; a value that a spreadsheet would run as a
formula (=, +, -, @) is written as text.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from loomlight.site.tables import table_csv, table_xlsx

FIELDS = ("sheet", "row", "column", "field", "value", "problem", "fix")


def headers() -> list[str]:
    return [_("sheet"), _("row"), _("column"), _("field"), _("value"), _("what is wrong"), _("how to fix it")]


def _cells(issue: dict) -> list:
    return [issue.get(name) if issue.get(name) is not None else "" for name in FIELDS]


def report_csv(issues: list[dict]) -> bytes:
    return table_csv(headers(), (_cells(issue) for issue in issues))


def report_xlsx(issues: list[dict]) -> bytes:
    return table_xlsx("errors", headers(), (_cells(issue) for issue in issues))
