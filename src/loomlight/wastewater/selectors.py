"""Compliance tables: each result of a sampling event against every level of a standard."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext, pgettext_lazy

from loomlight.site.numbers import current_language, number

from loomlight.calc.discharge import Basis, Gap, LimitSet, Route, Why
from loomlight.calc.discharge import stricter as calc_stricter
from loomlight.calc.wastewater import Outcome, Result, applicable, assess, overall
from loomlight.reference import discharge as discharge_reference
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
    return _limit_text(limit.limit_min, limit.limit_max, limit.unit, current_language())


@lru_cache(maxsize=4096)
def _limit_text(low, high, unit: str, language: str) -> str:
    """limit_text's words, kept per language: a page judges hundreds of results against the same few limits."""
    if low is not None and high is not None:
        return _measure_range(low, high, unit)
    if high is not None:
        return f"≤ {_measure(high, unit)}"
    if low is not None:
        return f"≥ {_measure(low, unit)}"
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


OUTCOME_LABELS = {Outcome.PASS: "pass", Outcome.FAIL: "fail", Outcome.INCONCLUSIVE: "inconclusive", Outcome.NO_LIMIT: "no_limit"}


# --- every applicable set of limits: national or permit, a central plant's intake, ZDHC ---------------------

def set_title(s: LimitSet) -> str:
    """A set's short name, for a column head: "QCVN 40:2025/BTNMT, column B", "Permit 123/GP-UBND"."""
    why = s.why
    if s.kind == "national":
        name = short_name(why.regulation)
        if why.column is None or _single_table(why.regulation.code):
            return name
        return gettext("%(regulation)s, column %(column)s") % {"regulation": name, "column": why.column.column}
    if s.kind == "permit":
        return gettext("Permit %(number)s") % {"number": why.reference}
    if s.kind == "intake":
        return gettext("Central plant intake")
    return gettext("ZDHC %(level)s") % {"level": LEVEL_LABELS.get(why.reference, why.reference)}


def _single_table(code: str) -> bool:
    """A regulation with one table for every discharge it covers: its column is not named."""
    return len({c.column for c in discharge_reference.columns() if c.regulation == code}) == 1


def short_name(regulation) -> str:
    return SHORT_NAMES.get(regulation.code, regulation.short)


#: Short names of regulations whose full name does not start with its number.
SHORT_NAMES = {"th_moi_2560": "MoI effluent standards B.E. 2560", "kh_subdecree_27_1999": "Sub-decree 27 (1999)"}


def _day(d) -> str:
    return d.isoformat() if d else ""


def _route_text(why: Why) -> str:
    water = f" ({why.receiving_water})" if why.receiving_water else ""
    if why.route == Route.SURFACE:
        if why.receiving_class:
            return gettext("discharge to surface water of class %(cls)s%(water)s") % {"cls": why.receiving_class, "water": water}
        return gettext("discharge to surface water%(water)s") % {"water": water}
    if why.route == Route.SEWER:
        return gettext("discharge to a public sewer")
    if why.route == Route.CETP:
        return gettext("discharge to the park's central plant")
    return ""


def why_text(s: LimitSet, operating_since=None) -> str:
    """Why a set applies to this sample, in a sentence: "QCVN 40:2025/BTNMT, column B: discharge to surface
    water of class B (Thị Vải river); in force since 2025-09-01."; or why it gives no limits."""
    why = s.why
    if s.kind == "permit":
        text = gettext("Permit %(number)s, issued by %(body)s on %(issued)s") % {
            "number": why.reference, "body": why.receiving_water, "issued": _day(why.since)}
        if why.until:
            text += gettext(", valid until %(until)s") % {"until": _day(why.until)}
        return text + "."
    if s.kind == "intake":
        if not s.limits:
            return gettext("The facility discharges to %(plant)s, whose operator has set no intake limits for this date.") % {
                "plant": why.reference}
        return gettext("Intake limits of %(plant)s, which the facility discharges to; in force since %(since)s.") % {
            "plant": why.reference, "since": _day(why.since)}
    if s.kind == "zdhc":
        route = gettext("direct discharge") if why.route == "direct" else gettext("indirect discharge, to a central plant or sewer")
        return gettext("ZDHC Wastewater Guidelines %(version)s, %(level)s level: %(route)s.") % {
            "version": version(), "level": LEVEL_LABELS.get(why.reference, why.reference), "route": route}
    name = short_name(why.regulation)
    args = {"regulation": name, "since": _day(why.since), "until": _day(why.until), "cls": why.receiving_class,
            "cutoff": _day(why.regulation.existing_before), "operating": _day(operating_since)}
    if why.gap == Gap.NO_ROUTE:
        return gettext("%(regulation)s is in force on this date (since %(since)s); where the site discharges is not recorded, so no column of it can be chosen.") % args
    if why.gap == Gap.ROUTE_NOT_COVERED:
        if why.route == Route.CETP:
            return gettext("%(regulation)s does not govern a discharge to a park's central plant: the plant's intake limits apply.") % args
        return gettext("%(regulation)s sets no limits for this discharge route.") % args
    if why.gap == Gap.CLASS_NEEDED:
        return gettext("%(regulation)s sets its limits by the class of the receiving water, which is not recorded.") % args
    if why.gap == Gap.CLASS_UNKNOWN:
        return gettext("%(regulation)s defines no receiving-water class “%(cls)s”.") % args
    head = set_title(s) if why.column else name
    route = _route_text(why)
    if why.basis == Basis.TRANSITION:
        tail = gettext("superseded, but kept until %(until)s for a site operating since before %(cutoff)s (this one since %(operating)s)") % args
    elif why.basis == Basis.IF_EXISTING:
        tail = gettext("applies until %(until)s if the site began operating before %(cutoff)s; record the day it began operating") % args
    elif why.basis == Basis.IF_NEW:
        tail = gettext("in force since %(since)s; applies if the site began operating on %(since)s or later") % args
    else:
        tail = gettext("in force since %(since)s") % args
    text = f"{head}: {route}; {tail}." if route else f"{head}: {tail}."
    if why.gap == Gap.NOT_SHIPPED:
        text += " " + gettext("Loomlight ships none of its limit values: no primary copy of its table was read. The permit's limits are the ones to meet.")
    return text


@dataclass
class SetView:
    key: str
    family: str
    kind: str
    title: str
    why: str
    judged: bool          # it has limits to judge against
    legal: bool
    regulation: str = ""  # code of a national set
    conditional: bool = False   # applies only on a condition not recorded (when the site began operating)


def _set_view(s: LimitSet, operating, language: str) -> SetView:
    """A set as the page shows it, kept per set, start of operation and language (the same permit or ZDHC level
    judges every sample of a site: its words are made once)."""
    key = (s.key, s.why, bool(s.limits), operating, language)
    view = _SET_VIEWS.get(key)
    if view is None:
        if len(_SET_VIEWS) > 4096:
            _SET_VIEWS.clear()
        view = _SET_VIEWS[key] = SetView(
            s.key, s.family, s.kind, set_title(s), why_text(s, operating), bool(s.limits), s.legal,
            s.why.regulation.code if s.why and s.why.regulation else "", bool(s.why and s.why.basis in (Basis.IF_EXISTING, Basis.IF_NEW)))
    return view


_SET_VIEWS: dict[tuple, "SetView"] = {}


def rules_for(event: SamplingEvent):
    """The SiteRules of the event's site (one per call; pass one ``rules`` to compliance() for many events)."""
    from loomlight.wastewater.rules import SiteRules

    return SiteRules(facility=event.facility) if event.facility_id else SiteRules(shared=event.shared_facility)


def compliance(event: SamplingEvent, rules=None) -> dict:
    """Each result of ``event`` against every set of limits that applies to its site on its day.

    {"sets": [SetView] (only those with limits: the columns), "notes": [SetView] (sets in force that give no
    limits here, with the reason), "rows": [{parameter, name, result, shown, cells: {key: {limit, outcome,
    stricter}}}], "overall": {key: Outcome|None}, "legal": Outcome|None (the worst of the binding sets)}."""
    rules = rules or rules_for(event)
    if event.pk in rules.judged:
        return rules.judged[event.pk]
    sets = rules.sets(event)
    d = rules.discharge_on(event.sampled_on)
    operating = d.operating_since if d else None
    views = [_set_view(s, operating, current_language()) for s in sets]
    judged = [(s, v) for s, v in zip(sets, views) if v.judged]
    national = [s for s in sets if s.kind == "national" and s.limits]
    names = parameters()
    rows = []
    for r in event.results.all():
        result = Result(r.parameter, r.value, r.unit, r.detection_limit, r.below_detection_limit)
        cells = {}
        for s, v in judged:
            limit = s.limits.get(r.parameter)
            outcome = assess(result, limit) if limit is None or limit.unit == r.unit else Outcome.NO_LIMIT
            strict = s.kind in ("permit", "intake") and any(calc_stricter(limit, n.limits.get(r.parameter)) for n in national)
            cells[v.key] = {"limit": limit_text(limit), "outcome": outcome, "stricter": strict, "bounds": limit}
        rows.append({"parameter": r.parameter, "name": gettext(names[r.parameter].name) if r.parameter in names else r.parameter,
                     "result": r, "shown": result_text(r), "cells": cells})
    overall_by = {v.key: overall(row["cells"][v.key]["outcome"] for row in rows) for _, v in judged}
    # The binding verdict: the worst of the legal sets that surely apply (a conditional one is shown, not counted).
    legal = overall(o for _, v in judged if v.legal and not v.conditional for o in [overall_by[v.key]] if o is not None)
    out = {"sets": [v for _, v in judged], "notes": [v for v in views if not v.judged], "rows": rows,
           "overall": overall_by, "legal": legal, "discharge": d, "direct": rules.direct_on(event)}
    rules.judged[event.pk] = out
    return out


def judged(events, rules_by_site) -> list[tuple[SamplingEvent, dict]]:
    """Each event with its compliance(); ``rules_by_site`` maps ("facility" | "shared", pk) to its SiteRules."""
    out = []
    for event in events:
        site_key = ("facility", event.facility_id) if event.facility_id else ("shared", event.shared_facility_id)
        out.append((event, compliance(event, rules_by_site[site_key])))
    return out


#: The sets an exceedance is counted against: the binding ones and ZDHC's foundational level (the level every
#: supplier is expected to meet); the progressive and aspirational levels are goals, shown on each sample.
EXCEEDANCE_KINDS = frozenset({"national", "permit", "intake"})
EXCEEDANCE_FAMILIES = frozenset({"zdhc:foundational"})


def exceedances(events, rules_by_site=None) -> list[dict]:
    """Every result outside a limit of a binding set or of ZDHC's foundational level, in the events' order, one row
    per result: {event, site, parameter, name, shown, over: [{set, limit, bounds}]}. ``events`` are events with
    ``rules_by_site``, or judged() pairs."""
    pairs = judged(events, rules_by_site) if rules_by_site is not None else events
    out = []
    for event, c in pairs:
        counted = [v for v in c["sets"] if v.kind in EXCEEDANCE_KINDS or v.family in EXCEEDANCE_FAMILIES]
        for row in c["rows"]:
            over = [{"set": v, "limit": row["cells"][v.key]["limit"], "bounds": row["cells"][v.key]["bounds"]}
                    for v in counted if row["cells"][v.key]["outcome"] == Outcome.FAIL]
            if over:
                out.append({"event": event, "site": (event.facility or event.shared_facility).name, "parameter": row["parameter"],
                            "name": row["name"], "shown": row["shown"], "result": row["result"], "over": over})
    return out


def monthly_compliance(pairs) -> dict:
    """Per month (newest first) and family of sets: how many samples were judged and how many were not
    compliant: the trend of compliance over time across many sites."""
    months: dict[str, dict[str, list[int]]] = {}
    seen = set()
    for event, c in pairs:
        month = months.setdefault(event.sampled_on.strftime("%Y-%m"), {})
        for v in c["sets"]:
            o = c["overall"][v.key]
            if o is None:
                continue
            seen.add(v.family)
            tally = month.setdefault(v.family, [0, 0])
            tally[0] += 1
            tally[1] += o == Outcome.FAIL
    families = [f for f in FAMILY_ORDER if f in seen]
    rows = [{"month": m, "cells": {f: months[m].get(f) for f in families}} for m in sorted(months, reverse=True)]
    return {"families": [(f, family_label(f)) for f in families], "rows": rows}


FAMILY_ORDER = ("national", "permit", "intake", "zdhc:foundational", "zdhc:progressive", "zdhc:aspirational")


def family_label(family: str) -> str:
    if family == "national":
        return gettext("National regulation")
    if family == "permit":
        return gettext("Permit")
    if family == "intake":
        return gettext("Central plant intake")
    level = family.split(":", 1)[1]
    return gettext("ZDHC %(level)s") % {"level": LEVEL_LABELS.get(level, level)}


def rules_trend(qs, points, rules, *, last: int = TREND_EVENTS) -> dict:
    """The ``last`` events at ``points``, oldest first, each with its overall outcome per family of limits
    (national, permit, intake, ZDHC levels) and the title of the set used (a regulation changes over time); the
    parameters outside a binding limit or ZDHC's foundational level; and the result furthest above such a
    maximum, as a multiple of it."""
    events = list(qs.filter(sampling_point__in=points).prefetch_related("results").order_by("-sampled_on", "-pk")[:last])
    rows, seen = [], set()
    for event in reversed(events):
        c = compliance(event, rules)
        cells = {}
        for v in c["sets"]:
            cells[v.family] = {"outcome": c["overall"][v.key], "title": v.title}
            seen.add(v.family)
        failing, worst = [], None
        for x in exceedances([(event, c)]):
            failing.append(x["name"])
        counted = [v for v in c["sets"] if v.kind in EXCEEDANCE_KINDS or v.family in EXCEEDANCE_FAMILIES]
        for row in c["rows"]:
            result = row["result"]
            if result.below_detection_limit or result.value is None:
                continue
            for v in counted:
                bounds = row["cells"][v.key]["bounds"]
                if bounds is None or not bounds.limit_max:
                    continue
                ratio = result.value / bounds.limit_max
                if worst is None or ratio > worst["ratio"]:
                    worst = {"name": row["name"], "ratio": ratio, "set": v.title}
        rows.append({"event": event, "cells": cells, "legal": c["legal"], "failing": failing, "worst": worst})
    families = [f for f in FAMILY_ORDER if f in seen]
    return {"families": [(f, family_label(f)) for f in families], "rows": rows}
