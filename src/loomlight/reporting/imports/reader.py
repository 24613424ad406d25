"""Open an upload and stream the rows of its data sheet, refusing what is not the template.

The file is checked before any row is read: its size (``settings.IMPORT_MAX_BYTES``),
that it is an .xlsx workbook, that its *about* sheet names this template, its version
and the facility of the upload, and that the *data* sheet starts with the template's
header. Rows are then streamed by ``parse.worksheet_items`` (openpyxl's worksheet
parser, one row at a time), so memory does not depend on the number of rows; a large
file is parsed in a child process (``parse.in_background``) while this process checks
and spools the rows it receives.
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
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from loomlight.reporting.imports.issues import Issue, IssueCode, shown
from loomlight.reporting.imports.parse import Damaged, Opened, in_background, open_workbook, worksheet_items
from loomlight.reporting.imports.template import ABOUT_SHEET, COLUMNS, DATA_SHEET, TEMPLATE_NAME, TEMPLATE_VERSION

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: A workbook that unpacks to more than this many times the size limit is refused (a "zip bomb").
MAX_UNPACKED_RATIO = 25
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 (.xls) and password-protected workbooks
MERGED_LISTED = 20
#: A data sheet smaller than this (unpacked XML; 150 to 350 bytes a row) is parsed in this process:
#: a child process costs about 0.5 s to start, more than it saves on fewer than some 10,000 rows.
DEFAULT_BACKGROUND_BYTES = 3 * 1024 * 1024


class FileRefused(Exception):
    """The file cannot be read as the template; ``issues`` say why."""

    def __init__(self, *issues: Issue):
        super().__init__("; ".join(i.problem for i in issues))
        self.issues = list(issues)


def background_bytes() -> int:
    """From what size of its XML (unpacked) the data sheet is parsed in a child process."""
    return getattr(settings, "IMPORT_BACKGROUND_BYTES", DEFAULT_BACKGROUND_BYTES)


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def _download_fix() -> str:
    return _("Download the template from the facility's monthly data page and copy your values into it.")


def _version_fix(found) -> str:
    """What to do with a file of another version of the template. Version 1 pre-set every fuel's unit to GJ."""
    if found == 1:
        return _("Download the template again from the facility's monthly data page and copy your values into it. "
                 "Check the unit of every fuel as you do: version 1 pre-set them all to GJ, the new template pre-sets the "
                 "unit they are usually bought in (litres of diesel, tonnes of coal, kg of LPG); keep GJ only where "
                 "your figure is energy.")
    return _download_fix()


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

    opened: Opened
    path: str | None = None
    merged: list[str] = field(default_factory=list)

    @property
    def xml_bytes(self) -> int:
        """The unpacked size of the sheet's XML: what parsing it costs."""
        return self.opened.part_size(DATA_SHEET)

    @property
    def estimated_rows(self) -> int | None:
        """Data rows according to the file's own ``dimension`` element (may be missing or wrong)."""
        dimension = self.opened.dimension(DATA_SHEET)
        return max(dimension[3] - 1, 0) if dimension else None

    def rows(self) -> Iterator[tuple[int, list]]:
        """``(row number, [six values])`` for each non-blank row after the header.

        Formulas come as ``Formula``, error values as ``CellError``, dates as
        ``datetime``. Raises FileRefused for a wrong header, a damaged file or merged cells
        (found after the last row). A sheet of ``background_bytes()`` or more of XML (unpacked)
        is parsed in a child process, in parallel with the caller's work on the rows.
        """
        width = len(COLUMNS)
        if self.path is not None and self.xml_bytes >= background_bytes():
            items = in_background(self.path, DATA_SHEET, width)
        else:
            items = worksheet_items(self.opened, DATA_SHEET, width)
        header_seen = False
        merged: list[str] = []
        try:
            for item in items:
                if item[0] == "merged":
                    merged = item[1]
                    break
                _kind, number, values = item
                if not header_seen:
                    _check_header(number, values)
                    header_seen = True
                    continue
                if values.count(None) == width:
                    continue
                yield number, values
        except Damaged as exc:
            raise FileRefused(file_issue(
                IssueCode.DAMAGED, _("The workbook is damaged and cannot be read (%(detail)s).") % {"detail": str(exc)},
                _("Open it in Excel or LibreOffice, save it again as Excel Workbook (.xlsx) and upload that file."),
                sheet=DATA_SHEET,
            )) from None
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()   # stops a background parser the caller no longer reads
        if not header_seen:
            _check_header(None, [None] * width)
        if merged:
            self.merged = merged
            raise FileRefused(*(_merged_issue(ref) for ref in self.merged[:MERGED_LISTED]))


def _check_header(number, values) -> None:
    # a header cell is its code, or the code with the reader's words on the lines below (template._localise)
    found = [str(v).strip().split("\n")[0].strip().lower() if v is not None else "" for v in values]
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
    for row in wb.worksheet(ABOUT_SHEET).iter_rows(min_row=1, max_row=10, max_col=2, values_only=True):
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
            _version_fix(about.get("version")), sheet=ABOUT_SHEET, row=2, column="B", value=shown(about.get("version")),
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
    try:
        opened = open_workbook(str(path))
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ParseError, ValueError, TypeError, OSError, zlib.error):
        raise _not_a_workbook() from None
    try:
        _check_about(opened, facility)
        yield DataSheet(opened, str(path))
    finally:
        opened.close()
