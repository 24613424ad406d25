"""Open an upload and stream the rows of its data sheet, refusing what is not the template.

The file is checked before any row is read: its size (``settings.IMPORT_MAX_BYTES``),
that it is an .xlsx workbook, that its *about* sheet names this template, its version
and the facility of the upload, and that the *data* sheet starts with the template's
header. Rows are then read one at a time with openpyxl's read-only parser, so memory
does not depend on the number of rows.

Rows come from ``openpyxl.worksheet._reader.WorkSheetParser``, the parser behind
openpyxl's read-only worksheets (pinned to openpyxl 3.1), used directly for three
reasons: it names each cell's type, so a formula is told from text; it sees the
``mergeCells`` element that follows the rows, so merged cells are found in the same
pass; and it reads every row even when the file's ``dimension`` element is wrong
(read-only worksheets stop at it).
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._reader import WorkSheetParser

from loomlight.reporting.imports.issues import Issue, IssueCode, shown
from loomlight.reporting.imports.template import ABOUT_SHEET, COLUMNS, DATA_SHEET, TEMPLATE_NAME, TEMPLATE_VERSION

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: A workbook that unpacks to more than this many times the size limit is refused (a "zip bomb").
MAX_UNPACKED_RATIO = 25
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and password-protected workbooks
MERGED_LISTED = 20



class FileRefused(Exception):
    """The file cannot be read as the template; ``issues`` say why."""

    def __init__(self, *issues: Issue):
        super().__init__("; ".join(i.problem for i in issues))
        self.issues = list(issues)


@dataclass(frozen=True, slots=True)
class Formula:
    """A cell holding a formula instead of a value."""

    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class CellError:
    """A cell showing an error value (#REF!, #VALUE!, #N/A ...)."""

    text: str

    def __str__(self) -> str:
        return self.text


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def _download_fix() -> str:
    return _("Download the template from the facility's monthly data page and copy your values into it.")


def file_issue(code: IssueCode, problem: str, fix: str, **where) -> Issue:
    return Issue(code=code, problem=problem, fix=fix, **where)


def check_size(size: int) -> None:
    """Refuse a file over the size limit before anything reads it."""
    limit = max_bytes()
    if size > limit:
        raise FileRefused(file_issue(
            IssueCode.TOO_LARGE,
            _("The file is %(size)s; the limit is %(limit)s.") % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            _("Split it into smaller files, for example one per year, and upload each."),
        ))


@dataclass
class DataSheet:
    """The data sheet of an opened upload; ``rows()`` streams it."""

    workbook: object
    worksheet: object
    merged: list[str] = field(default_factory=list)

    @property
    def estimated_rows(self) -> int | None:
        """Data rows according to the file's own ``dimension`` element (may be missing or wrong)."""
        max_row = self.worksheet.max_row
        return max(max_row - 1, 0) if max_row else None

    def rows(self) -> Iterator[tuple[int, list]]:
        """``(row number, [six values])`` for each non-blank row after the header.

        Formulas come as ``Formula``, error values as ``CellError``, dates as
        ``datetime``. Raises FileRefused for a wrong header, a damaged file or merged cells
        (found after the last row).
        """
        wb, ws = self.workbook, self.worksheet
        width = len(COLUMNS)
        try:
            with ws._get_source() as source:
                parser = WorkSheetParser(source, ws._shared_strings, data_only=False, epoch=wb.epoch,
                                         date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
                header_seen = False
                for number, cells in parser.parse():
                    values = [None] * width
                    for cell in cells:
                        column = cell["column"]
                        if column > width:
                            continue
                        value = cell["value"]
                        kind = cell["data_type"]
                        if kind == "f":
                            value = Formula(str(getattr(value, "text", value)))
                        elif kind == "e":
                            value = CellError(str(value))
                        elif value == "":
                            value = None
                        values[column - 1] = value
                    if not header_seen:
                        _check_header(number, values)
                        header_seen = True
                        continue
                    if values.count(None) == width:
                        continue
                    yield number, values
                if not header_seen:
                    _check_header(None, [None] * width)
                merged = parser.merged_cells
        except (ParseError, zipfile.BadZipFile, zlib.error, KeyError, EOFError, OSError, ValueError, TypeError) as exc:
            raise FileRefused(file_issue(
                IssueCode.DAMAGED, _("The workbook is damaged and cannot be read (%(detail)s).") % {"detail": type(exc).__name__},
                _("Open it in Excel or LibreOffice, save it again as Excel Workbook (.xlsx) and upload that file."),
                sheet=DATA_SHEET,
            )) from None
        if merged is not None and merged.mergeCell:
            self.merged = [m.ref for m in merged.mergeCell]
            raise FileRefused(*(_merged_issue(ref) for ref in self.merged[:MERGED_LISTED]))


def _check_header(number, values) -> None:
    found = [str(v).strip().lower() if v is not None else "" for v in values]
    if number == 1 and tuple(found) == COLUMNS:
        return
    raise FileRefused(file_issue(
        IssueCode.WRONG_COLUMNS,
        _("The first row of the sheet “data” must be: %(expected)s (found: %(found)s).") % {
            "expected": ", ".join(COLUMNS), "found": ", ".join(f or "–" for f in found) if number == 1 else _("no header")},
        _("Restore the first row from the template; do not insert, remove or reorder columns."),
        sheet=DATA_SHEET, row=number or 1,
    ))


def _merged_issue(ref: str) -> Issue:
    min_col, min_row, _max_col, _max_row = range_boundaries(ref)
    return file_issue(
        IssueCode.MERGED_CELLS, _("Cells %(range)s are merged.") % {"range": ref},
        _("Unmerge them and write the value into every row it belongs to."),
        sheet=DATA_SHEET, row=min_row, column=get_column_letter(min_col),
        field=COLUMNS[min_col - 1] if min_col <= len(COLUMNS) else "",
    )


def _not_a_workbook() -> FileRefused:
    return FileRefused(file_issue(
        IssueCode.NOT_A_WORKBOOK, _("This file is not an Excel workbook (.xlsx)."),
        _("Fill in the template in Excel or LibreOffice and save it as Excel Workbook (.xlsx)."),
    ))


def _check_archive(path) -> None:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == OLE_SIGNATURE:
        raise FileRefused(file_issue(
            IssueCode.OLD_FORMAT, _("This is an Excel 97-2003 (.xls) file or a password-protected workbook."),
            _("Save it as Excel Workbook (.xlsx), without a password, and upload that file."),
        ))
    if not zipfile.is_zipfile(path):
        raise _not_a_workbook()
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_a_workbook() from None
    if "xl/workbook.xml" not in names:
        raise _not_a_workbook()
    if unpacked > MAX_UNPACKED_RATIO * max_bytes():
        raise FileRefused(file_issue(
            IssueCode.TOO_LARGE, _("The workbook unpacks to %(size)s, more than this installation reads.") % {"size": filesizeformat(unpacked)},
            _("Split it into smaller files, for example one per year, and upload each."),
        ))


def _check_about(wb, facility) -> None:
    if ABOUT_SHEET not in wb.sheetnames or DATA_SHEET not in wb.sheetnames:
        raise FileRefused(file_issue(
            IssueCode.NOT_THE_TEMPLATE,
            _("This workbook was not made from Loomlight's monthly data template (it needs the sheets “data” and “about”)."),
            _download_fix(),
        ))
    about = {}
    for row in wb[ABOUT_SHEET].iter_rows(min_row=1, max_row=10, max_col=2, values_only=True):
        if row and row[0] is not None:
            about[str(row[0]).strip()] = row[1] if len(row) > 1 else None
    if about.get("template") != TEMPLATE_NAME:
        raise FileRefused(file_issue(
            IssueCode.NOT_THE_TEMPLATE,
            _("This workbook was not made from Loomlight's monthly data template (its sheet “about” does not name it)."),
            _download_fix(), sheet=ABOUT_SHEET, row=1, column="B", value=shown(about.get("template")),
        ))
    if about.get("version") != TEMPLATE_VERSION:
        raise FileRefused(file_issue(
            IssueCode.TEMPLATE_VERSION,
            _("This is version %(found)s of the template; this installation reads version %(version)s.") % {
                "found": shown(about.get("version")) or "?", "version": TEMPLATE_VERSION},
            _download_fix(), sheet=ABOUT_SHEET, row=2, column="B", value=shown(about.get("version")),
        ))
    if about.get("facility_id") != facility.pk:
        raise FileRefused(file_issue(
            IssueCode.OTHER_FACILITY,
            _("This template was made for facility %(found)s, not for %(name)s (%(pk)s).") % {
                "found": shown(about.get("facility_id")) or "?", "name": facility.name, "pk": facility.pk},
            _("Upload it on the page of the facility it was made for, or download this facility's template."),
            sheet=ABOUT_SHEET, row=3, column="B", value=shown(about.get("facility_id")),
        ))


@contextmanager
def open_data_sheet(path, *, facility) -> Iterator[DataSheet]:
    """Check the file and yield its data sheet, ready to stream; FileRefused otherwise."""
    check_size(os.path.getsize(path))
    _check_archive(path)
    with open(path, "rb") as fh:
        try:
            wb = load_workbook(fh, read_only=True, data_only=False, keep_links=False)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, ParseError, ValueError, TypeError, OSError, zlib.error):
            raise _not_a_workbook() from None
        try:
            _check_about(wb, facility)
            yield DataSheet(wb, wb[DATA_SHEET])
        finally:
            wb.close()
