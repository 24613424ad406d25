"""What a history flag means, in the reader's language: the sentences shown beside a flagged value.

The rule is ``calc.validation.history_check``; this module only words its comparisons,
for the import's result page (from the comparisons the job kept) and the form's message
(from a fresh check).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from urllib.parse import urlencode

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from loomlight.calc.validation import HIGH_FACTOR, LAST_YEAR, MIN_HISTORY, MONTHS, WINDOW_MONTHS, Comparison
from loomlight.reference.metrics import metrics

#: the rule's numbers, for the sentences that state it (low is 1/high)
RULE = {"high": f"{HIGH_FACTOR:g}", "min_history": MIN_HISTORY, "window": WINDOW_MONTHS}


def ratio_text(value: float, reference: float) -> str:
    """value / reference with two significant digits (``27``, ``3.6``, ``0.037``), grouped as the language groups."""
    ratio = value / reference
    if ratio == 0:
        return "0"
    decimals = 0 if ratio >= 10 else max(0, 1 - math.floor(math.log10(ratio)))
    shown = f"{ratio:.{decimals}f}".rstrip("0").rstrip(".") if decimals else ""   # 0.050 -> 0.05, 3.0 -> 3
    return floatformat(ratio, f"{len(shown.partition('.')[2])}g")


def amount_text(value: float, unit: str) -> str:
    return f"{floatformat(value, '-2g')} {unit}"


def comparison_text(comparison: Comparison | dict, *, value: float, unit: str, period: str = "") -> str:
    """One comparison of the check, as a sentence: how many times the reference the value is, and the reference.

    value [unit], the value stored; ``period`` (YYYY-MM) names the month compared with last year's.
    """
    c = comparison if isinstance(comparison, Comparison) else Comparison(**comparison)
    reference = amount_text(c.reference, unit)
    if c.basis == MONTHS:
        if c.reference == 0:
            return ngettext("The median of the %(count)s earlier month is 0 %(unit)s.",
                            "The median of the %(count)s earlier months is 0 %(unit)s.", c.count) % {
                "count": c.count, "unit": unit}
        return ngettext("%(ratio)s × the median of the %(count)s earlier month (%(reference)s).",
                        "%(ratio)s × the median of the %(count)s earlier months (%(reference)s).", c.count) % {
            "ratio": ratio_text(value, c.reference), "count": c.count, "reference": reference}
    if c.basis == LAST_YEAR:
        month = _last_year(period)
        return gettext("%(ratio)s × the same month last year (%(reference)s in %(month)s).") % {
            "ratio": ratio_text(value, c.reference), "reference": reference, "month": month}
    raise ValueError(f"unknown basis {c.basis!r}")


def _last_year(period: str) -> str:
    """YYYY-MM a year before ``period`` (YYYY-MM); "" when none is given."""
    if not period:
        return ""
    year, month = period.split("-")
    return f"{int(year) - 1:04d}-{month}"


def comparison_lines(comparisons: Iterable[Comparison | dict], *, value: float, unit: str,
                     period: str = "") -> list[tuple[str, bool]]:
    """(sentence, whether it flagged the value) for every comparison the check made, in its order."""
    checked = [c if isinstance(c, Comparison) else Comparison(**c) for c in comparisons]
    return [(comparison_text(c, value=value, unit=unit, period=period), bool(c.flag)) for c in checked]


def flag_reasons(comparisons: Iterable[Comparison | dict], *, value: float, unit: str, period: str = "") -> list[str]:
    """The sentences of the comparisons that flagged the value (those that did not are left out)."""
    return [text for text, flagged in comparison_lines(comparisons, value=value, unit=unit, period=period) if flagged]


def flagged_rows(facility, flagged: Iterable[dict]) -> list[dict]:
    """The flagged values an import kept (``writer.flagged_value``), ready for its page: the metric's name, what was
    reported and stored, the comparisons in words, and a link to the value's month and metric on the monthly data page."""
    catalogue = metrics()
    rows = []
    for f in flagged:
        year, month = (int(part) for part in f["period"].split("-"))
        metric = catalogue.get(f["metric"])
        query = urlencode({"month": month, "metric": f["metric"], **({"qualifier": f["qualifier"]} if f["qualifier"] else {})})
        rows.append({
            **f, "name": gettext(metric.name) if metric else f["metric"],
            "reported": amount_text(f["original_value"], f["original_unit"]), "stored": amount_text(f["value"], f["unit"]),
            "lines": comparison_lines(f["comparisons"], value=f["value"], unit=f["unit"], period=f["period"]),
            "url": f"{reverse('reporting:facility_year', args=[facility.pk, year])}?{query}#report-value",
        })
    return rows
