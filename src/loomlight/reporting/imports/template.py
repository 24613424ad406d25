"""The downloadable Excel template of a facility's monthly data.

Three sheets:

- **data**, in long format, one row per value: ``facility_id, month, metric,
  qualifier, value, unit``; prefilled with one row per metric and month of the
  year (value empty, unit the metric's usual reporting unit: litres of diesel,
  tonnes of coal, kWh of electricity, from reference/metrics.csv), with drop-down
  lists for the metric and the unit;
- **metrics**, the metric catalogue: code, name, category, canonical unit (the one
  values are stored in), reporting unit, note;
- **about**, which names the template, its version and the facility, so that an
  upload of another workbook, another version or another facility's template is
  recognised and refused.

The version changes whenever what the template pre-sets changes: version 1 pre-set
every fuel in GJ, so 1,500 typed as litres of diesel was stored as 1,500 GJ; version
2 pre-sets the reporting units. An upload of another version is refused (``reader``).

The sheets' column headers and the about sheet's keys are codes, which the import reads; the reader's language
stands beside them (``_localise``): each header cell is "code" and its label on a second line (the reader
takes the first), the data sheet gets the metric's name in a column after the six it reads, the metrics sheet
the unit in words, the about sheet each key's label in a third column. The sheet names stay codes.
"""

from __future__ import annotations

import datetime
import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

from loomlight.reference.metrics import metrics
from loomlight.site.units import unit_label

TEMPLATE_NAME = "loomlight-monthly-data"
TEMPLATE_VERSION = 2
DATA_SHEET, METRICS_SHEET, ABOUT_SHEET = "data", "metrics", "about"
COLUMNS = ("facility_id", "month", "metric", "qualifier", "value", "unit")
#: Offered in the unit drop-down; other spellings pint understands are accepted too (with a warning in Excel).
COMMON_UNITS = ("kWh", "MWh", "GJ", "MJ", "m³", "L", "kg", "tonne", "piece", "pair", "person", "hour", "count", "m")
#: Rows below the prefilled ones that keep the drop-downs, for values the template did not foresee.
SPARE_ROWS = 1000


def template_months(year: int, today: datetime.date) -> list[datetime.date]:
    """The months of ``year`` the template lists: all twelve, or up to this month in the current year."""
    last = 12 if year < today.year else today.month
    return [datetime.date(year, m, 1) for m in range(1, last + 1)]


def template_workbook(*, facility, year: int, today: datetime.date | None = None) -> bytes:
    """The template for ``facility`` and ``year``, as the bytes of an .xlsx file."""
    today = today or datetime.date.today()
    catalogue = metrics()
    wb = Workbook()
    data = wb.active
    data.title = DATA_SHEET
    data.append(list(COLUMNS))
    for cell in data[1]:
        cell.font = Font(bold=True)
    for month in template_months(year, today):
        for m in catalogue.values():
            data.append([facility.pk, f"{month:%Y-%m}", m.code, None, None, m.reporting_unit])
    last = data.max_row + SPARE_ROWS
    data.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (12, 10, 40, 24, 14, 10)):
        data.column_dimensions[letter].width = width
    data.column_dimensions["B"].number_format = "@"  # months typed as text stay text
    for row in data.iter_rows(min_row=2, min_col=2, max_col=2):
        row[0].number_format = "@"

    lists = [
        DataValidation(type="list", formula1=f"{METRICS_SHEET}!$A$2:$A${len(catalogue) + 1}", allow_blank=True,
                       errorTitle=_("Unknown metric"), error=_("Pick a metric code from the list (sheet “metrics”)."),
                       showErrorMessage=True, sqref=f"C2:C{last}"),
        DataValidation(type="list", formula1='"' + ",".join(COMMON_UNITS) + '"', allow_blank=True, errorStyle="warning",
                       errorTitle=_("Unit"), error=_("Not a common unit: Loomlight accepts it if it measures the metric's quantity."),
                       showErrorMessage=True, sqref=f"F2:F{last}"),
        DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                       errorTitle=_("Value"), error=_("A number, zero or more, without its unit."),
                       showErrorMessage=True, sqref=f"E2:E{last}"),
        DataValidation(type="textLength", operator="lessThanOrEqual", formula1="64", allow_blank=True,
                       errorTitle=_("Qualifier"), error=_("At most 64 characters."), showErrorMessage=True, sqref=f"D2:D{last}"),
    ]
    for dv in lists:
        data.add_data_validation(dv)

    sheet = wb.create_sheet(METRICS_SHEET)
    sheet.append(["code", "name", "category", "canonical_unit", "reporting_unit", "note"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for m in catalogue.values():
        sheet.append([m.code, _(m.name), m.category, m.canonical_unit, m.reporting_unit, m.note])
    for letter, width in zip("ABCDEF", (40, 60, 14, 16, 16, 60)):
        sheet.column_dimensions[letter].width = width

    about = wb.create_sheet(ABOUT_SHEET)
    for key, value in (
        ("template", TEMPLATE_NAME), ("version", TEMPLATE_VERSION), ("facility_id", facility.pk),
        ("facility", facility.name), ("year", year), ("generated", today.isoformat()),
    ):
        about.append([key, value])
    about.append([])
    for line in (
        _("Fill in the column “value” of the sheet “data”, one row per metric and month. Rows left empty are ignored."),
        _("Write months as text YYYY-MM (for example 2025-03), or enter a date on the first of the month."),
        _("The column “unit” starts as the unit each metric is usually reported in (litres of diesel, kWh of "
          "electricity, tonnes of coal ...). If your bill, meter or delivery note uses another (GJ, MWh, kg ...), "
          "change the unit: Loomlight converts it. The sheet “metrics” lists each metric's units."),
        _("Use the column “qualifier” for the product type of a production figure or the waste type of a waste figure; "
          "add a row for each."),
        _("Type values, not formulas, and do not merge cells. Keep the first row and the sheet names as they are."),
        _("Upload the file on the facility's monthly data page. A file is stored completely or not at all: "
          "if any row is wrong, the error report lists every problem and nothing is changed."),
    ):
        about.append([line])
    about.column_dimensions["A"].width = 14
    about.column_dimensions["B"].width = 40

    _localise(data, sheet, about)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def header_labels() -> dict[str, str]:
    """The reader's words for the template's codes (column headers and about keys)."""
    return {
        "facility_id": _("Facility (id)"), "month": _("Month (YYYY-MM)"), "metric": _("Metric (code)"),
        "qualifier": _("Product or waste type"), "value": pgettext("reported", "Value"), "unit": pgettext("measure", "Unit"),
        "code": _("Code"), "name": _("Name"), "category": _("Category"), "canonical_unit": _("Unit of the stored values"),
        "reporting_unit": _("Usual reporting unit"),
        "note": _("Note"), "template": _("Template"), "version": _("Version"), "facility": _("Facility"),
        "year": _("Year"), "generated": _("Made on"), METRIC_NAME: _("Metric name (not read)"),
        UNIT_NAME: _("Unit in words (not read)"),
    }


#: Columns the template adds beside those the import reads, in the reader's language (parse.py reads only the first six).
METRIC_NAME, UNIT_NAME = "metric_name", "unit_name"


def _label(cell, labels: dict[str, str]) -> None:
    code = str(cell.value)
    if code in labels:
        cell.value = f"{code}\n{labels[code]}"
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _localise(data, metrics_sheet, about) -> None:
    """Put the reader's words beside the codes (see the module's docstring); the codes stay where the import reads them."""
    labels = header_labels()
    names = {code: _(m.name) for code, m in metrics().items()}
    width = len(COLUMNS)
    data.cell(row=1, column=width + 1, value=METRIC_NAME).font = Font(bold=True)
    for row in data.iter_rows(min_row=2, max_row=data.max_row, max_col=width + 1):
        code = row[COLUMNS.index("metric")].value
        if code in names:
            row[width].value = names[code]
    data.column_dimensions["G"].width = 48
    for cell in data[1]:
        _label(cell, labels)
    unit_column = [c.value for c in metrics_sheet[1]].index("canonical_unit")
    extra = metrics_sheet.max_column + 1
    metrics_sheet.cell(row=1, column=extra, value=UNIT_NAME).font = Font(bold=True)
    for row in metrics_sheet.iter_rows(min_row=2, max_row=metrics_sheet.max_row, max_col=extra):
        row[extra - 1].value = unit_label(row[unit_column].value)
    for cell in metrics_sheet[1]:
        _label(cell, labels)
    for row in about.iter_rows(min_row=1, max_row=about.max_row, max_col=1):
        key = row[0].value
        if key in labels:
            about.cell(row=row[0].row, column=3, value=labels[key])
