"""The rows of a worksheet as plain values, read with openpyxl's worksheet parser.

No Django here: this module also runs as a child process (``in_background``), so
that a large upload is parsed on one core while the rows are checked on the other.
Parsing the XML is most of the time of an import; checking a row is the rest.

``open_workbook`` opens a file without parsing its sheets; ``worksheet_items`` yields ``("row", number, values)`` for every row with a cell
in the first ``width`` columns, then ``("merged", [ranges])``. Values are as the
cell holds them: numbers, text, ``datetime`` for date-formatted numbers,
``Formula`` for a formula, ``CellError`` for an error value (#REF! ...).

The parser is ``openpyxl.worksheet._reader.WorkSheetParser``, the one behind
openpyxl's read-only worksheets (openpyxl is pinned to 3.1): it names each cell's
type, so a formula is told from text; it sees the ``mergeCells`` element after the
rows, so merged cells are found in the same pass; and it reads every row even when
the file's ``dimension`` element is wrong (read-only worksheets stop at it).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError, iterparse

from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DIMENSION_TAG, WorkSheetParser

#: What a damaged workbook raises while its rows are parsed.
DAMAGE = (ParseError, zipfile.BadZipFile, zlib.error, KeyError, EOFError, OSError, ValueError, TypeError)
BATCH_ROWS = 2000   # rows per message from the child process
MODULE = "loomlight.reporting.imports.parse"


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


class Damaged(Exception):
    """The worksheet cannot be parsed; the message names the exception's type."""


@dataclass
class Opened:
    """A workbook opened read-only without its worksheets: their parts are opened on demand.

    ``openpyxl.load_workbook(read_only=True)`` looks for every sheet's ``dimension``
    element when it opens the file; in a sheet without one (files written by
    streaming writers, openpyxl's write-only mode among them) that parses the whole
    sheet, once more than reading it. Here only the parts a step reads are parsed.
    """

    workbook: object              # openpyxl Workbook: epoch, date formats; no sheets attached
    sheets: dict[str, str]        # sheet name -> its part in the archive
    shared_strings: list

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def part_size(self, name: str) -> int:
        """The unpacked size of a sheet's XML: what parsing it costs."""
        return self.workbook._archive.getinfo(self.sheets[name]).file_size

    def worksheet(self, name: str) -> ReadOnlyWorksheet:
        """openpyxl's read-only worksheet, for small sheets (it looks for the dimension first)."""
        return ReadOnlyWorksheet(self.workbook, name, self.sheets[name], self.shared_strings)

    def dimension(self, name: str) -> tuple[int, int, int, int] | None:
        """(min col, min row, max col, max row) from the sheet's ``dimension`` element, read up to the
        first row; None when the sheet has none."""
        with self.workbook._archive.open(self.sheets[name]) as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == DIMENSION_TAG:
                    ref = element.get("ref", "")
                    if ":" not in ref:
                        return None
                    return range_boundaries(ref)
                if element.tag.endswith("}sheetData"):
                    return None
        return None

    def close(self) -> None:
        self.workbook._archive.close()


def open_workbook(path) -> Opened:
    """Open an .xlsx file (a path or a binary file) read-only; raises what openpyxl raises for a bad one."""
    reader = ExcelReader(path, read_only=True, keep_vba=False, data_only=False, keep_links=False)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
        sheets = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets()
                  if rel.target in reader.valid_files and "chartsheet" not in rel.Type}
    except BaseException:
        reader.archive.close()
        raise
    return Opened(reader.wb, sheets, reader.shared_strings)


def worksheet_items(opened: Opened, name: str, width: int) -> Iterator[tuple]:
    """Stream the rows of sheet ``name``; Damaged when it cannot be parsed."""
    workbook = opened.workbook
    try:
        with workbook._archive.open(opened.sheets[name]) as source:
            parser = WorkSheetParser(source, opened.shared_strings, data_only=False, epoch=workbook.epoch,
                                     date_formats=workbook._date_formats, timedelta_formats=workbook._timedelta_formats)
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
                yield ("row", number, values)
            merged = parser.merged_cells
    except DAMAGE as exc:
        raise Damaged(type(exc).__name__) from None
    yield ("merged", [m.ref for m in merged.mergeCell] if merged is not None and merged.mergeCell else [])


def _child(path: str, sheet: str, width: int, out) -> None:
    """In the child process: write the rows to ``out`` in pickled batches, then the merged ranges
    or what went wrong."""
    def send(message) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        opened = open_workbook(path)
        try:
            batch = []
            for item in worksheet_items(opened, sheet, width):
                if item[0] == "row":
                    batch.append(item)
                    if len(batch) == BATCH_ROWS:
                        send(("rows", batch))
                        batch = []
                else:
                    send(("rows", batch))
                    send(item)
        finally:
            opened.close()
    except Damaged as exc:
        send(("damaged", str(exc)))
    except Exception as exc:  # noqa: BLE001 (reported to the parent, which raises it)
        send(("failed", f"{type(exc).__name__}: {exc}"))
    out.flush()


def in_background(path: str, sheet: str, width: int) -> Iterator[tuple]:
    """``worksheet_items`` of ``sheet`` in the file at ``path``, parsed by a child process.

    The child is a fresh interpreter running this module (``python -m``): it shares
    nothing with the caller (no threads, locks or database connections) and imports
    nothing but openpyxl. It is stopped when the caller stops reading.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", MODULE, str(path), sheet, str(width)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, close_fds=True,
    )
    try:
        while True:
            try:
                kind, payload = pickle.load(process.stdout)
            except EOFError:
                raise RuntimeError(f"the worksheet parser stopped without a result (exit {process.wait()})") from None
            if kind == "rows":
                yield from payload
            elif kind == "merged":
                yield (kind, payload)
                return
            elif kind == "damaged":
                raise Damaged(payload)
            else:
                raise RuntimeError(f"the worksheet parser failed: {payload}")
    finally:
        process.stdout.close()
        if process.poll() is None:
            process.terminate()
        process.wait()


if __name__ == "__main__":
    # Run from the module imported under its own name, so that Formula and CellError
    # pickle as loomlight.reporting.imports.parse.*, not __main__.*
    from loomlight.reporting.imports import parse

    parse._child(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.stdout.buffer)
