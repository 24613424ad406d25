"""The PDF scorecard of an assessment: scores by section and level, the actions, and the point-by-point appendix.

    pdf = scorecard_pdf(framework=fw, result=score(fw, answers, subject), subject_name="Sunrise Dyeing",
                        year=2026, language="km", status_label=_("Verified"), verified_by="A. Assessor",
                        verified_at=date(2027, 2, 3), actions=[...])

``result`` is ``calc.assessment.score``'s ``Result`` for ``framework`` (the version the response pinned). Every
figure of the PDF is one of the result's: the total, each section's score and level reached, every answer's
points earned and possible and its contribution in percentage points of its section and of the total (so the
appendix adds up to the scores on the first page). Numbers go through ``site.numbers``, dates through Django's
``date_format``, strings through gettext, the framework's texts through ``text_in``: all in ``language``.

An action is any object with ``title``, ``owner_name``, ``due_date`` (a date or None) and ``status_label`` (already
in the reader's language); ``ScorecardAction`` is one. The caller decides who may download the scorecard.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from loomlight.calc.assessment.score import Result
from loomlight.calc.assessment.tree import Framework, text_in
from loomlight.site.numbers import number
from loomlight.site.pdf import render_pdf

TEMPLATE = "assessments/scorecard.html"
#: The most decimals of a score [%] and of a contribution [percentage points]: a contribution keeps two, so that
#: the appendix's rows add up by hand to the section's score (25 + 25 + 15 = 65; 6.25 + 6.25 + 3.75 = 16.25).
PERCENT_DECIMALS = 1
PP_DECIMALS = 2


@dataclass(frozen=True)
class ScorecardAction:
    title: str
    owner_name: str
    due_date: dt.date | None
    status_label: str


def level_label(level: str | None) -> str:
    """A level's name in the active language; "none" said in words."""
    labels = {"foundational": _("Foundational"), "intermediate": _("Intermediate"), "aspirational": _("Aspirational")}
    return labels.get(level, _("No level reached"))


def status_label(status: str, gated: bool = False) -> str:
    """What became of one question, in a few words that fit a table cell (``AnswerScore.status``); the
    appendix's introduction says what each means."""
    if gated and status in ("full", "partial"):   # a gap stays a gap, a failure a failure
        return _("Withheld: foundational level not met")
    labels = {
        "full": _("Full points"),
        "partial": _("Part of the points"),
        "failed": _("No points"),
        "unanswered": _("Gap: not answered"),
        "skipped": _("Skipped"),
        "not_applicable": _("Does not apply"),
        "na": _("Answered not applicable"),
        "unscored": _("Not scored"),
    }
    return labels[status]


def _percent(value: float | None) -> str:
    return "" if value is None else f"{number(value, max_decimals=PERCENT_DECIMALS)} %"   # the unit, as every page writes it


def _pp(value: float) -> str:
    # Translators: "pp" is "percentage points" (a contribution to a score in percent).
    return _("%(value)s pp") % {"value": number(value, max_decimals=PP_DECIMALS)}


def _points(value: float) -> str:
    return number(value, max_decimals=2)


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return date_format(value, "DATETIME_FORMAT")
    return date_format(value, "DATE_FORMAT")


def scorecard_context(*, framework: Framework, result: Result, subject_name: str, year: int, language: str,
                      status_label: str, verified_by: str | None = None, verified_at=None, actions=()) -> dict:
    """What the template shows, every string and number already in ``language`` (the template holds no logic).

    ValueError when ``result`` was not scored against this very ``framework`` (its content hash)."""
    if result.content_hash != framework.content_hash:
        raise ValueError(f"the result is of {result.framework} {result.version} ({result.content_hash[:12]}), "
                         f"not of {framework.id} {framework.version} ({framework.content_hash[:12]})")
    with override(language):
        return _context(framework, result, subject_name, year, language, status_label, verified_by, verified_at, actions)


def _context(framework, result, subject_name, year, language, state_label, verified_by, verified_at, actions):
    sections_by_id = {s.id: s for s in framework.sections}
    answers_by_section: dict[str, list] = {}
    for a in result.answers:
        answers_by_section.setdefault(a.section, []).append(a)
    if verified_by and verified_at:
        verification = _("Verified by %(name)s on %(date)s") % {"name": verified_by, "date": _day(verified_at)}
    elif verified_by:
        verification = _("Verified by %(name)s") % {"name": verified_by}
    else:
        verification = _("Not verified: these are the answers as given, not checked by an assessor")
    sections, appendix = [], []
    for s in result.sections:
        title = text_in(sections_by_id[s.section].title, language)
        sections.append({
            "title": title,
            "counted": s.counted,
            "percent": _percent(s.percent) if s.counted else _("Does not apply: its weight goes to the other sections"),
            "weight": _percent(s.weight_share * 100) if s.counted else "",
            "level": level_label(s.level_reached) if s.counted else "",
            "bar": f"bar-{len(sections)}",
            "bar_width": f"{max(0.0, min(100.0, s.percent or 0.0)):.1f}",   # CSS, not for reading: always a dot
        })
        rows = []
        for a in answers_by_section.get(s.section, ()):
            question = framework.questions[a.question]
            counted = a.possible > 0
            rows.append({
                "id": a.question,
                "text": text_in(question.text, language),
                "level": level_label(a.level),
                "status": status_label(a.status, a.gated),
                "gap": a.status == "unanswered",
                "points": _("%(earned)s of %(possible)s") % {"earned": _points(a.earned), "possible": _points(a.possible)}
                if counted else "",
                "section_pp": _pp(a.contribution) if counted else "",
                "total_pp": _pp(a.total_contribution) if counted else "",
            })
        appendix.append({"title": title, "percent": sections[-1]["percent"], "rows": rows})
    gains = [{"text": text_in(framework.questions[g.question].text, language), "id": g.question,
              "section": text_in(sections_by_id[g.section].title, language), "gain": _pp(g.total_gain)}
             for g in result.raise_most[:5] if g.total_gain > 0]
    return {
        "subject_name": subject_name,
        "year": str(year),
        "framework_title": text_in(framework.title, language),
        "version": _("Version %(version)s (content %(hash)s)") % {"version": framework.version,
                                                                   "hash": framework.content_hash[:12]},
        "status": state_label,
        "verification": verification,
        "total": _percent(result.percent) if result.percent is not None else _("No question counts for this subject"),
        "level": level_label(result.level_reached),
        "sections": sections,
        "gains": gains,
        "actions": [{"title": a.title, "owner": a.owner_name, "due": _day(a.due_date) or _("no due date"),
                     "status": a.status_label} for a in actions],
        "appendix": appendix,
    }


def scorecard_pdf(*, framework: Framework, result: Result, subject_name: str, year: int, language: str,
                  status_label: str, verified_by: str | None = None, verified_at=None, actions=()) -> bytes:
    """The scorecard of one assessment as an A4 PDF in ``language`` [bytes]."""
    context = scorecard_context(framework=framework, result=result, subject_name=subject_name, year=year,
                                language=language, status_label=status_label, verified_by=verified_by,
                                verified_at=verified_at, actions=actions)
    bars = "".join(f".{s['bar']} span {{ width: {s['bar_width']}%; }}" for s in context["sections"])
    return render_pdf(TEMPLATE, context, language=language, css=bars)
