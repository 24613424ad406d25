"""Compliance tables: each result of a sampling event against every level of a standard."""

from __future__ import annotations

from django.utils.translation import gettext

from loomlight.calc.wastewater import Outcome, Result, applicable, assess, overall
from loomlight.reference.wastewater import STANDARDS, limits, parameters, version
from loomlight.wastewater.models import DischargeType, SamplingEvent


def event_compliance(event: SamplingEvent, standard: str = "zdhc_wwg") -> dict:
    """{"levels": [...], "rows": [{parameter, name, result, outcomes: {level: Outcome}}], "overall": {level: Outcome|None}}"""
    levels = STANDARDS[standard][1]
    table = applicable(limits(standard), direct_discharge=event.discharge_type == DischargeType.DIRECT)
    names = parameters()
    rows = []
    for r in event.results.all():
        result = Result(r.parameter, r.value, r.unit, r.detection_limit, r.below_detection_limit)
        outcomes = {level: assess(result, table.get((r.parameter, level))) for level in levels}
        rows.append({"parameter": r.parameter, "name": gettext(names[r.parameter].name) if r.parameter in names else r.parameter,
                     "result": r, "outcomes": outcomes})
    return {
        "standard": STANDARDS[standard][0], "version": version(standard), "levels": levels, "rows": rows,
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


OUTCOME_LABELS = {Outcome.PASS: "pass", Outcome.FAIL: "fail", Outcome.INCONCLUSIVE: "inconclusive", Outcome.NO_LIMIT: "no_limit"}
