"""The rules for one row of the data sheet.

``RowValidator`` turns the six cells of a row into a ``ValidRow`` (the value in its
metric's canonical unit, with what was reported kept beside it), or a list of
issues naming each wrong cell, or None for a row without a value (a template row
not filled in). It remembers what it has seen, to refuse a second row for the
same month, metric and qualifier, in memory that grows with the number of
series (metric and qualifier), not of rows.

Conversions are checked with the one pint registry through
``reporting.services.convert`` (the same rules and messages as the form and the
API), once per metric and unit: the factor is kept and multiplied. A fuel in a
mass or volume unit depends also on the facility's fuel property valid for the
row's month (loaded once, looked up by bisection): its factor is kept per
metric, unit and fuel property, with the record of the conversion, which every
row converted with it shares.
"""

from __future__ import annotations

import bisect
import datetime
import math
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from loomlight.calc.units import UnitError, dimension_of, parse_number
from loomlight.reference.metrics import metrics
from loomlight.registry.validators import FIRST_YEAR, MONTH_TEXT, text_problem
from loomlight.reporting.imports.issues import Issue, IssueCode, shown
from loomlight.reporting.imports.parse import CellError, Formula
from loomlight.reporting.imports.template import COLUMNS, DATA_SHEET
from loomlight.reporting.services import convert
from loomlight.site.calc_messages import calc_message
from loomlight.site.numbers import number as format_number

FACILITY, MONTH, METRIC, QUALIFIER, VALUE, UNIT = range(6)
LETTERS = "ABCDEF"
MAX_TEXT = {QUALIFIER: 64, UNIT: 32}   # the model's field lengths
_DATE_LIKE = re.compile(r"^\d{1,4}\s*[-/.]\s*\d{1,4}(\s*[-/.]\s*\d{1,4})?$|^\d{1,2}\s*[-/. ]\s*[A-Za-z]{3,}|^[A-Za-z]{3,}\.?\s*[-/ ]?\s*\d{2,4}$")


def month_index(period: datetime.date) -> int:
    return period.year * 12 + period.month - 1


def month_of(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def _shown_month(index: int) -> str:
    """YYYY-MM of a month index, also of one no date can hold (year 0, year 10000)."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True, slots=True)
class ValidRow:
    number: int            # spreadsheet row
    month: int             # month_index(period)
    metric: str
    qualifier: str
    value: float           # canonical unit
    unit: str              # the metric's canonical unit
    original_value: float
    original_unit: str
    conversion: dict | None = None   # shared by the rows converted with the same factors

    @property
    def period(self) -> datetime.date:
        return month_of(self.month)


class _Bad(Exception):
    def __init__(self, code, problem, fix):
        self.code, self.problem, self.fix = code, problem, fix


class RowValidator:
    """Check rows of one upload for one facility; call with (row number, six cells)."""

    def __init__(self, *, facility, today: datetime.date):
        self.facility = facility
        self.first_month = FIRST_YEAR * 12
        self.last_month = month_index(today)
        self.catalogue = metrics()
        self._months: dict[str, int | _Bad] = {}
        self._factors: dict[tuple[str, str, int | None], tuple[float, str, str, dict | None] | _Bad] = {}
        self._fuels = {code for code, m in self.catalogue.items() if m.also_accepts}
        self._fuel_timeline: dict[str, tuple[list[int], list]] | None = None   # metric -> (months, FuelProperty rows)
        self._by_property: dict[str, bool] = {}   # unit as written -> a mass or volume (a fuel's properties apply)
        self._seen: dict[tuple[str, str], int] = {}   # series -> bit set of months (bit 0 = January 1990)

    def __call__(self, number: int, cells: list) -> ValidRow | list[Issue] | None:
        value_cell = cells[VALUE]
        if value_cell is None or (isinstance(value_cell, str) and not value_cell.strip()):
            return None
        issues: list[Issue] = []
        checked = []
        for column, check in ((FACILITY, self._facility), (MONTH, self._month), (METRIC, self._metric),
                              (QUALIFIER, self._qualifier), (VALUE, self._value)):
            cell = cells[column]
            try:
                _reject_formula(cell)
                checked.append(check(cell))
            except _Bad as bad:
                issues.append(self._issue(number, column, cell, bad))
                checked.append(None)
        _pk, month, metric, qualifier, number_value = checked
        unit_cell = cells[UNIT]
        try:
            _reject_formula(unit_cell)
            if metric is None:
                self._unit_text(unit_cell)
            else:
                factor, canonical, original_unit, conversion = self._unit(metric, unit_cell, month)
        except _Bad as bad:
            issues.append(self._issue(number, UNIT, unit_cell, bad))
        if issues:
            return issues
        series = (metric, qualifier)
        bit = 1 << (month - self.first_month)
        seen = self._seen.get(series, 0)
        if seen & bit:
            return [self._issue(number, MONTH, cells[MONTH], _Bad(
                IssueCode.DUPLICATE,
                _("%(month)s, %(metric)s%(qualifier)s is already in an earlier row.") % {
                    "month": f"{month_of(month):%Y-%m}", "metric": metric, "qualifier": f" ({qualifier})" if qualifier else ""},
                _("Keep one row per month, metric and qualifier: add the amounts up, or give each a different qualifier."),
            ))]
        self._seen[series] = seen | bit
        converted = number_value * factor
        if not math.isfinite(converted):   # 1e308 MWh is beyond a double in kWh: a row error, as in the form
            return [self._issue(number, VALUE, cells[VALUE], _Bad(
                IssueCode.NOT_A_NUMBER,
                _("%(value)s %(unit)s is too large: in %(canonical)s it is beyond the largest number stored.") % {
                    "value": format_number(number_value), "unit": original_unit, "canonical": canonical},
                _("Check the value and its unit."),
            ))]
        return ValidRow(number, month, metric, qualifier, converted, canonical, number_value, original_unit, conversion)

    # --- one cell each -------------------------------------------------------

    def _issue(self, number, column, cell, bad: _Bad) -> Issue:
        return Issue(code=bad.code, problem=bad.problem, fix=bad.fix, sheet=DATA_SHEET, row=number,
                     column=LETTERS[column], field=COLUMNS[column], value=shown(cell))

    def _facility(self, cell):
        pk = self.facility.pk
        if isinstance(cell, bool):
            found = None
        elif isinstance(cell, int | float):
            found = int(cell) if float(cell).is_integer() else None
        elif isinstance(cell, str) and cell.strip().isascii() and cell.strip().isdigit():
            found = int(cell.strip())
        else:
            found = None
        if found == pk:
            return pk
        if cell is None:
            raise _Bad(IssueCode.MISSING, _("No facility."), _("Write %(pk)s, the id of %(name)s.") % {"pk": pk, "name": self.facility.name})
        raise _Bad(IssueCode.WRONG_FACILITY,
                   _("This row is for facility %(found)s, but this upload is for %(name)s (%(pk)s).") % {
                       "found": shown(cell), "name": self.facility.name, "pk": pk},
                   _("Upload each facility's rows on its own page, or write %(pk)s.") % {"pk": pk})

    def _month(self, cell) -> int:
        if isinstance(cell, str):
            key = cell.strip()
            found = self._months.get(key)
            if found is None:
                found = self._months[key] = self._month_from_text(key)
            if isinstance(found, _Bad):
                raise found
            return self._in_range(found)
        if (isinstance(cell, datetime.datetime | datetime.date) and cell.day == 1
                and not (isinstance(cell, datetime.datetime) and cell.time() != datetime.time())):
            return self._in_range(cell.year * 12 + cell.month - 1)   # the common case: no message built
        fix = _("Write the month as text YYYY-MM (for example 2025-03), or enter a date on the first of the month.")
        if isinstance(cell, datetime.datetime | datetime.date):
            if cell.day != 1 or (isinstance(cell, datetime.datetime) and cell.time() != datetime.time()):
                raise _Bad(IssueCode.NOT_FIRST_OF_MONTH,
                           _("%(date)s is not the first day of a month.") % {"date": shown(cell)}, fix)
            return self._in_range(cell.year * 12 + cell.month - 1)
        if cell is None:
            raise _Bad(IssueCode.MISSING, _("No month."), fix)
        raise _Bad(IssueCode.NOT_A_MONTH,
                   _("“%(value)s” is a number, not a month (a date that lost its date format?).") % {"value": shown(cell)}, fix)

    def _month_from_text(self, text: str) -> int | _Bad:
        fix = _("Write the month as text YYYY-MM (for example 2025-03), or enter a date on the first of the month.")
        match = MONTH_TEXT.fullmatch(text)   # the rule of every path: registry.validators
        if match and 1 <= int(match.group(2)) <= 12:
            return int(match.group(1)) * 12 + int(match.group(2)) - 1
        if not match and _DATE_LIKE.match(text):
            return _Bad(IssueCode.DATE_AS_TEXT,
                        _("“%(value)s” is a date typed as text in another format.") % {"value": text}, fix)
        if not text:
            return _Bad(IssueCode.MISSING, _("No month."), fix)
        return _Bad(IssueCode.NOT_A_MONTH, _("“%(value)s” is not a month.") % {"value": text}, fix)

    def _in_range(self, index: int) -> int:
        if index > self.last_month:
            raise _Bad(IssueCode.MONTH_OUT_OF_RANGE, _("%(month)s is in the future.") % {"month": _shown_month(index)},
                       _("Report a month once it has begun; check the year."))
        if index < self.first_month:
            raise _Bad(IssueCode.MONTH_OUT_OF_RANGE,
                       _("%(month)s is before %(year)s.") % {"month": _shown_month(index), "year": FIRST_YEAR},
                       _("Check the year."))
        return index

    def _metric(self, cell) -> str:
        code = cell.strip() if isinstance(cell, str) else cell
        if code in self.catalogue:
            return code
        fix = _("Pick a code from the list; the sheet “metrics” lists them all.")
        if code is None or code == "":
            raise _Bad(IssueCode.MISSING, _("No metric."), fix)
        raise _Bad(IssueCode.UNKNOWN_METRIC, _("Unknown metric “%(code)s”.") % {"code": shown(cell)}, fix)

    def _qualifier(self, cell) -> str:
        if cell is None:
            return ""
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)
        text = cell.isoformat() if isinstance(cell, datetime.date) else str(cell).strip()
        if problem := text_problem(text):
            raise _Bad(IssueCode.INVALID_TEXT, problem, _("Retype the text, without control characters."))
        if len(text) > MAX_TEXT[QUALIFIER]:
            raise _Bad(IssueCode.TOO_LONG, _("The qualifier is longer than %(n)s characters.") % {"n": MAX_TEXT[QUALIFIER]},
                       _("Shorten it."))
        return text

    def _value(self, cell) -> float:
        if (type(cell) is int or type(cell) is float) and math.isfinite(cell) and cell >= 0:
            return float(cell) + 0.0   # the common case: no message built; -0.0 + 0.0 is 0.0
        fix = _("Type the number only, with a point for decimals; put the unit in the column “unit”.")
        if type(cell) is int or type(cell) is float:
            number = float(cell)
            if not math.isfinite(number):
                raise _Bad(IssueCode.NOT_A_NUMBER, _("“%(value)s” is not a finite number.") % {"value": shown(cell)}, fix)
        else:
            if isinstance(cell, datetime.date | datetime.time | datetime.timedelta):
                raise _Bad(IssueCode.NOT_A_NUMBER, _("“%(value)s” is a date, not a number.") % {"value": shown(cell)}, fix)
            try:
                number = parse_number(cell)
            except UnitError as exc:
                raise _Bad(IssueCode.NOT_A_NUMBER, calc_message(exc), fix) from None
        if number < 0:
            raise _Bad(IssueCode.NEGATIVE, _("%(value)s is negative.") % {"value": format_number(number)}, _("Report amounts as zero or more."))
        return number

    def _unit_text(self, cell) -> tuple[float, str]:
        text = str(cell).strip() if cell is not None else ""
        if not text:
            raise _Bad(IssueCode.MISSING, _("No unit."), _("Give the unit on the bill or meter: kWh, GJ, L, m³, kg, tonne ..."))
        if problem := text_problem(text):
            raise _Bad(IssueCode.INVALID_TEXT, problem, _("Retype the text, without control characters."))
        if len(text) > MAX_TEXT[UNIT]:
            raise _Bad(IssueCode.TOO_LONG, _("The unit is longer than %(n)s characters.") % {"n": MAX_TEXT[UNIT]},
                       _("Give the unit on the bill or meter: kWh, GJ, L, m³, kg, tonne ..."))
        return 1.0, text

    def _unit(self, metric: str, cell, month: int | None) -> tuple[float, str, str, dict | None]:
        """(factor to the canonical unit, canonical unit, the unit as reported, record of a fuel conversion)."""
        text = cell if isinstance(cell, str) else str(cell)
        fuel_property = None
        if metric in self._fuels:
            by_property = self._by_property.get(text)
            if by_property is None:
                by_property = self._by_property[text] = _mass_or_volume(text.strip())
            if by_property:
                fuel_property = self._fuel_property(metric, month)
        key = (metric, text, fuel_property.pk if fuel_property else None)
        found = self._factors.get(key)
        if found is None:
            found = self._factors[key] = self._factor(metric, cell, fuel_property)
        if isinstance(found, _Bad):
            raise found
        return found

    def _fuel_property(self, metric: str, month: int | None):
        """The facility's FuelProperty of ``metric`` valid in ``month`` (None: the defaults apply)."""
        if self._fuel_timeline is None:
            from loomlight.reporting.models import FuelProperty

            self._fuel_timeline = {}
            for prop in FuelProperty.objects.filter(facility=self.facility).order_by("metric", "valid_from"):
                months, props = self._fuel_timeline.setdefault(prop.metric, ([], []))
                months.append(month_index(prop.valid_from))
                props.append(prop)
        if metric not in self._fuel_timeline or month is None:
            return None
        months, props = self._fuel_timeline[metric]
        at = bisect.bisect_right(months, month) - 1
        return props[at] if at >= 0 else None

    def _factor(self, metric: str, cell, fuel_property):
        try:
            _one, text = self._unit_text(cell)
        except _Bad as bad:
            return bad
        try:
            converted = convert(metric, 1.0, text, fuel_property=fuel_property)
        except ValidationError as exc:
            if metric in self._fuels and _mass_or_volume(text):
                fix = _("Record the facility's calorific value or density, with its evidence, under “Fuel properties” on "
                        "the monthly data page, or give the energy in GJ; then upload the file again.")
            else:
                fix = _("Give a unit of this metric's quantity; the sheet “metrics” lists each metric's unit.")
            return _Bad(IssueCode.UNIT, " ".join(exc.messages), fix)
        return converted.value, converted.unit, converted.original_unit, converted.conversion


def _mass_or_volume(unit: str) -> bool:
    try:
        return dimension_of(unit) in ("mass", "volume")
    except UnitError:
        return False


def _reject_formula(cell) -> None:
    if isinstance(cell, Formula):
        raise _Bad(IssueCode.FORMULA, _("A formula (%(formula)s) instead of a value.") % {"formula": shown(cell)},
                   _("Replace formulas by their values: copy the cells, then Paste Special → Values."))
    if isinstance(cell, CellError):
        raise _Bad(IssueCode.CELL_ERROR, _("The cell shows the error %(error)s.") % {"error": shown(cell)},
                   _("Correct the cell or clear it."))
