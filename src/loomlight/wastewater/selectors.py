"""Compliance tables: each result of a sampling event against every level of a standard."""

from __future__ import annotations

from django.utils.translation import gettext, pgettext_lazy

from loomlight.site.numbers import number

from loomlight.calc.wastewater import Outcome, Result, applicable, assess, overall
from loomlight.reference.wastewater import STANDARDS, limits, parameters, version
from loomlight.wastewater.models import DischargeType, SamplingEvent


#: The levels' names as shown; the codes stay in the data and the API.
LEVEL_LABELS = {
    "foundational": pgettext_lazy("ZDHC level", "foundational"),
    "progressive": pgettext_lazy("ZDHC level", "progressive"),
    "aspirational": pgettext_lazy("ZDHC level", "aspirational"),
}


#: Units that are a scale, not a quantity: written as the column's name, not after the number ("6.9", not "6.9 pH").
DIMENSIONLESS = {"pH"}


def _measure(value: float, unit: str) -> str:
    """A value with its unit, in the reader's number format, with no trailing zeros (6.9 is "6.9", never "6.9000")."""
    text = number(value)
    return text if unit in DIMENSIONLESS else f"{text} {unit}"


def result_text(result) -> str:
    """A lab result as read: "25.0383 mg/L", "< 0.01 mg/L" below the detection limit, "6.9" for a pH."""
    if result.below_detection_limit:
        return f"< {_measure(result.detection_limit, result.unit)}"
    return _measure(result.value, result.unit)


def limit_text(limit) -> str:
    """The limit a result is judged against: a range "6–9" (pH), a maximum "≤ 150 mg/L", a minimum "≥ 5 mg/L"; ""
    without a limit."""
    if limit is None:
        return ""
    low, high = limit.limit_min, limit.limit_max
    if low is not None and high is not None:
        return _measure_range(low, high, limit.unit)
    if high is not None:
        return f"≤ {_measure(high, limit.unit)}"
    if low is not None:
        return f"≥ {_measure(low, limit.unit)}"
    return ""


def _measure_range(low: float, high: float, unit: str) -> str:
    span = f"{number(low)}–{number(high)}"
    return span if unit in DIMENSIONLESS else f"{span} {unit}"


def event_compliance(event: SamplingEvent, standard: str = "zdhc_wwg") -> dict:
    """{"levels": [...], "rows": [{parameter, name, result, shown, outcomes: {level: Outcome}, limits: {level: text}}],
    "overall": {level: Outcome|None}}: each result as read (``result_text``) with the limit of each level it is judged
    against (``limit_text``; "" where the standard sets none for this discharge)."""
    levels = STANDARDS[standard][1]
    direct = event.discharge_type == DischargeType.DIRECT
    table = applicable(limits(standard), direct_discharge=direct)
    names = parameters()
    rows = []
    for r in event.results.all():
        result = Result(r.parameter, r.value, r.unit, r.detection_limit, r.below_detection_limit)
        outcomes = {level: assess(result, table.get((r.parameter, level))) for level in levels}
        rows.append({"parameter": r.parameter, "name": gettext(names[r.parameter].name) if r.parameter in names else r.parameter,
                     "result": r, "shown": result_text(r), "outcomes": outcomes,
                     "limits": {level: limit_text(table.get((r.parameter, level))) for level in levels}})
    return {
        "standard": STANDARDS[standard][0], "version": version(standard), "levels": levels, "labels": LEVEL_LABELS, "rows": rows,
        "direct": direct,
        "overall": {level: overall(row["outcomes"][level] for row in rows) for level in levels},
    }


def latest_events(qs, points) -> list[SamplingEvent]:
    """The newest event at each sampling point, with its results."""
    seen, events = set(), []
    for event in qs.filter(sampling_point__in=points).prefetch_related("results").order_by("-sampled_on", "-pk"):
        if event.sampling_point not in seen:
            seen.add(event.sampling_point)
            events.append(event)
    return events


TREND_EVENTS = 24


def compliance_trend(qs, points, standard: str = "zdhc_wwg", *, last: int = TREND_EVENTS) -> dict:
    """The ``last`` events at ``points``, oldest first, each with its overall outcome per level,
    the parameters that exceed the first level's limits, and the result furthest above its
    first-level limit (as a multiple of that limit): how a site's compliance moves over time."""
    events = list(qs.filter(sampling_point__in=points).prefetch_related("results").order_by("-sampled_on", "-pk")[:last])
    levels = STANDARDS[standard][1]
    first = levels[0]
    rows = []
    for event in reversed(events):
        c = event_compliance(event, standard)
        failing = [row["name"] for row in c["rows"] if row["outcomes"][first] == Outcome.FAIL]
        table = applicable(limits(standard), direct_discharge=event.discharge_type == DischargeType.DIRECT)
        worst = None
        for row in c["rows"]:
            limit, result = table.get((row["parameter"], first)), row["result"]
            if limit is None or not limit.limit_max or result.below_detection_limit or result.value is None:
                continue
            ratio = result.value / limit.limit_max
            if worst is None or ratio > worst["ratio"]:
                worst = {"name": row["name"], "ratio": ratio}
        rows.append({"event": event, "overall": c["overall"], "failing": failing, "worst": worst})
    return {"levels": levels, "first": first, "first_label": LEVEL_LABELS.get(first, first), "labels": LEVEL_LABELS, "rows": rows}


OUTCOME_LABELS = {Outcome.PASS: "pass", Outcome.FAIL: "fail", Outcome.INCONCLUSIVE: "inconclusive", Outcome.NO_LIMIT: "no_limit"}
