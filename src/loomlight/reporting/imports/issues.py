"""What is wrong with an upload: one line of the error report per problem.

A problem with the whole file (not a workbook, another template, merged cells)
and a problem with one cell are the same record; the first has no row.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum


class IssueCode(StrEnum):
    # the whole file
    TOO_LARGE = "too_large"
    NOT_A_WORKBOOK = "not_a_workbook"
    OLD_FORMAT = "old_format"
    DAMAGED = "damaged"
    NOT_THE_TEMPLATE = "not_the_template"
    TEMPLATE_VERSION = "template_version"
    OTHER_FACILITY = "other_facility"
    WRONG_COLUMNS = "wrong_columns"
    MERGED_CELLS = "merged_cells"
    NO_VALUES = "no_values"
    LOCKED_MONTHS = "locked_months"
    PERMISSION = "permission"
    FILE_REMOVED = "file_removed"
    TIME_LIMIT = "time_limit"     # the worker stopped the import at LOOMLIGHT_TASK_TIME_LIMIT
    STOPPED = "stopped"           # the import's process ended otherwise
    # one cell
    FORMULA = "formula"
    CELL_ERROR = "cell_error"
    WRONG_FACILITY = "wrong_facility"
    MISSING = "missing"
    NOT_A_MONTH = "not_a_month"
    DATE_AS_TEXT = "date_as_text"
    NOT_FIRST_OF_MONTH = "not_first_of_month"
    MONTH_OUT_OF_RANGE = "month_out_of_range"
    UNKNOWN_METRIC = "unknown_metric"
    TOO_LONG = "too_long"
    NOT_A_NUMBER = "not_a_number"
    NEGATIVE = "negative"
    UNIT = "unit"
    DUPLICATE = "duplicate"
    LOCKED_MONTH = "locked_month"
    INVALID_TEXT = "invalid_text"


@dataclass(frozen=True, slots=True)
class Issue:
    """One line of the error report: where, what was there, what is wrong, how to fix it."""

    code: str
    problem: str
    fix: str
    sheet: str = ""
    row: int | None = None      # the spreadsheet's row number (1 is the header)
    column: str = ""            # the spreadsheet's column letter
    field: str = ""             # the column's name: facility_id, month, metric, qualifier, value, unit
    value: str = ""             # what the cell held, as text (cut to 100 characters)

    def as_dict(self) -> dict:
        return asdict(self)


class IssueLog:
    """Collects issues, keeping the first ``limit`` and counting all of them."""

    def __init__(self, limit: int):
        self.limit = limit
        self.kept: list[Issue] = []
        self.count = 0

    def add(self, issue: Issue) -> None:
        self.count += 1
        if len(self.kept) < self.limit:
            self.kept.append(issue)

    def extend(self, issues) -> None:
        for issue in issues:
            self.add(issue)

    def __bool__(self) -> bool:
        return self.count > 0

    def sorted(self) -> list[Issue]:
        """File-level issues first, then by row and column."""
        return sorted(self.kept, key=lambda i: (i.row is not None, i.row or 0, i.column))


def shown(value) -> str:
    """A cell's value as the report shows it."""
    if value is None:
        return ""
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text if len(text) <= 100 else text[:99] + "…"
