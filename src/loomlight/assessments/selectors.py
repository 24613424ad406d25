"""Reads of assessments for the pages: the sheet of one assessment (questions, answers, points, the explanation),
peers' benchmark, two cycles side by side, a park's tenants against each other.

Texts come from the framework in the reader's language (``calc.assessment.tree.text_in``); numbers are formatted
by the templates (``|number``). The sheet is built from four queries whatever the number of questions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from loomlight.assessments import access
from loomlight.assessments.models import Action, Answer, AnswerFile, Assessment, AssessmentStatus
from loomlight.calc import assessment as calc
from loomlight.calc.assessment.benchmark import distribution, percentile, size_band
from loomlight.calc.assessment.tree import text_in
from loomlight.calc.validation import MIN_PEERS
from loomlight.registry.models import WET_PROCESSES

STATUS_WORDS = {
    "full": _lazy("full points"),
    "partial": _lazy("part of the points"),
    "failed": _lazy("no points"),
    "unanswered": _lazy("not answered yet"),
    "skipped": _lazy("not asked: an earlier answer makes it unnecessary"),
    "not_applicable": _lazy("does not apply to this subject"),
    "na": _lazy("answered not applicable"),
    "unscored": _lazy("for information, earns no points"),
}


def status_words(status: str) -> str:
    return str(STATUS_WORDS.get(status, status))


def level_label(level: str | None) -> str:
    return {"foundational": _("Foundational"), "intermediate": _("Intermediate"),
            "aspirational": _("Aspirational")}.get(level or "", _("No level reached"))


def load(pk: int, user) -> Assessment | None:
    """The assessment with what its page shows, or None when the user may not read it."""
    return (access.assessments_visible(user)
            .select_related("framework", "facility", "facility__park", "park", "shared_facility", "shared_facility__park",
                            "created_by", "submitted_by", "verified_by", "reopened_by")
            .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("answered_by", "verified_by")),
                              Prefetch("answers__files", queryset=AnswerFile.objects.all()))
            .filter(pk=pk).first())


@dataclass
class Row:
    question: calc.Question
    text: str
    guidance: str
    evidence_text: str
    answer: Answer | None
    score: object            # calc AnswerScore
    status_text: str
    choices: list            # (code, label, points, chosen)
    value_text: str          # the answer in words
    files: list = field(default_factory=list)
    condition_text: str = ""
    columns: list = field(default_factory=list)   # (id, label, type, choices, unit)
    table_rows: list = field(default_factory=list)


@dataclass
class SectionView:
    section: calc.Section
    title: str
    guidance: str
    score: object            # calc SectionScore
    rows: list


def _value_text(question: calc.Question, value, language: str) -> str:
    if value is None:
        return ""
    if value == calc.NA:
        return _("Not applicable")
    if question.type == "yes_no":
        return _("Yes") if value == "yes" else _("No")
    if question.type == "single_choice":
        return next((text_in(c.label, language) for c in question.choices if c.code == value), str(value))
    if question.type == "multiple_choice":
        chosen = set(value)
        return ", ".join(text_in(c.label, language) for c in question.choices if c.code in chosen)
    if question.type == "table":
        rows = len(value) if isinstance(value, list) else 0
        return _("%(n)s rows") % {"n": rows}
    return str(value)


def _condition_text(framework: calc.Framework, question: calc.Question, language: str) -> str:
    condition = question.when
    if condition is None:
        return ""
    earlier = framework.questions[condition.question]
    named = text_in(earlier.text, language)
    if condition.op == "answered":
        return _("Asked once “%(question)s” is answered.") % {"question": named}
    if condition.op in ("at_least", "at_most"):
        word = _("at least") if condition.op == "at_least" else _("at most")
        return _("Asked when “%(question)s” is %(op)s %(value)s.") % {"question": named, "op": word, "value": f"{condition.value:g}"}
    wanted = condition.value if isinstance(condition.value, tuple) else (condition.value,)
    labels = {c.code: text_in(c.label, language) for c in earlier.choices}
    labels.update({"yes": str(_("Yes")), "no": str(_("No"))})
    return _("Asked when “%(question)s” is answered %(value)s.") % {"question": named, "value": " / ".join(labels.get(v, v) for v in wanted)}


def sheet(assessment: Assessment, language: str) -> tuple[calc.Result, list[SectionView]]:
    """The score (with what would raise it) and every section's questions with their answers, in framework order."""
    framework = assessment.framework.tree()
    answers = {a.question: a for a in assessment.answers.all()}
    values = {q: a.scoring_value() for q, a in answers.items() if a.value is not None}
    result = calc.score(framework, values, assessment.calc_subject())
    by_question = {a.question: a for a in result.answers}
    by_section = {s.section: s for s in result.sections}
    sections = []
    for section in framework.sections:
        rows = []
        for question in section.questions:
            answer = answers.get(question.id)
            value = answer.value if answer else None
            chosen = (set(value) if question.type == "multiple_choice" and isinstance(value, list)
                      else {value} if isinstance(value, str) else set())
            rows.append(Row(
                question=question, text=text_in(question.text, language),
                guidance=text_in(question.guidance, language) if question.guidance else "",
                evidence_text=text_in(question.evidence, language) if question.evidence else "",
                answer=answer, score=by_question[question.id], status_text=status_words(by_question[question.id].status),
                choices=[(c.code, text_in(c.label, language), c.points, c.code in chosen) for c in question.choices],
                value_text=_value_text(question, value, language),
                files=list(answer.files.all()) if answer else [],
                condition_text=_condition_text(framework, question, language),
                columns=[(c.id, text_in(c.label, language), c.type, [(ch.code, text_in(ch.label, language)) for ch in c.choices], c.unit)
                         for c in question.columns],
                table_rows=[dict(r) for r in value] if question.type == "table" and isinstance(value, list) else [],
            ))
        sections.append(SectionView(section, text_in(section.title, language),
                                    text_in(section.guidance, language) if section.guidance else "",
                                    by_section[section.id], rows))
    return result, sections


@dataclass(frozen=True)
class Benchmark:
    percentile: float | None
    peers: int
    group: tuple[str, ...]       # the criteria the peers share, in words
    bins: tuple                  # (low, high, count, own)
    min_peers: int = MIN_PEERS


def _wet(processes) -> bool:
    return bool(set(processes or ()) & set(WET_PROCESSES))


def benchmark(assessment: Assessment) -> Benchmark | None:
    """The verified score among the verified scores of the same framework and year of peers: same country, same
    process class (wet or dry) and same size band; when fewer than MIN_PEERS share all three, the size band and
    then the country are let go (the page says which criteria the peers share). None for a subject that is not a
    facility or a score not computed. One query."""
    if not assessment.facility_id or assessment.percent is None:
        return None
    facility = assessment.facility
    rows = list(Assessment.objects.filter(framework_code=assessment.framework_code, year=assessment.year,
                                          status=AssessmentStatus.VERIFIED, facility__isnull=False, percent__isnull=False)
                .exclude(facility_id=facility.pk)
                .values_list("percent", "facility__country", "facility__processes", "facility__headcount_female",
                             "facility__headcount_male"))
    wet = _wet(facility.processes)
    band = size_band(facility.headcount_total)
    process_word = str(_("wet processing") if wet else _("dry processes"))
    attempts = [
        ((str(_("same country")), process_word, str(_("same size"))),
         lambda r: r[1] == facility.country and _wet(r[2]) == wet and band is not None and size_band((r[3] or 0) + (r[4] or 0)) == band),
        ((str(_("same country")), process_word), lambda r: r[1] == facility.country and _wet(r[2]) == wet),
        ((process_word,), lambda r: _wet(r[2]) == wet),
    ]
    peers, group = [], attempts[-1][0]
    for criteria, test in attempts:
        peers = [r[0] for r in rows if test(r)]
        group = criteria
        if len(peers) >= MIN_PEERS:
            break
    rank = percentile(assessment.percent, peers)
    own = assessment.percent
    bins = tuple((lo, hi, n, lo <= own < hi or (hi == 100.0 and own == 100.0)) for lo, hi, n in distribution(peers))
    return Benchmark(rank, len(peers), group, bins)


def tenants(park, user) -> list[dict]:
    """The park's tenants' verified facility assessments, newest year first per framework, for the operator and
    the programme (``access.tenant_scores_visible``): name, framework, year, score and level; never answers."""
    rows = (access.tenant_scores_visible(user, park).select_related("facility", "framework")
            .order_by("framework_code", "-year", "-percent", "facility__name"))
    return list(rows)


@dataclass
class CompareRow:
    question: calc.Question
    text: str
    before: str
    after: str
    points_before: float | None
    points_after: float | None
    changed: bool


def compare(first: Assessment, second: Assessment, language: str) -> tuple[list, list[CompareRow]]:
    """Two cycles side by side: each section's score in both, and every question whose answer or points changed
    (questions of either version; a question only one version has is said to be new or gone)."""
    (res_a, sec_a), (res_b, sec_b) = sheet(first, language), sheet(second, language)
    rows_a = {r.question.id: r for s in sec_a for r in s.rows}
    rows_b = {r.question.id: r for s in sec_b for r in s.rows}
    sections = []
    titles = {s.section.id: s.title for s in sec_b} | {s.section.id: s.title for s in sec_a}
    scores_a = {s.section: s for s in res_a.sections}
    scores_b = {s.section: s for s in res_b.sections}
    for sid in dict.fromkeys([s.section.id for s in sec_a] + [s.section.id for s in sec_b]):
        a, b = scores_a.get(sid), scores_b.get(sid)
        pa, pb = (a.percent if a else None), (b.percent if b else None)
        sections.append((titles[sid], pa, pb, None if pa is None or pb is None else pb - pa))
    changes = []
    for qid in dict.fromkeys(list(rows_a) + list(rows_b)):
        a, b = rows_a.get(qid), rows_b.get(qid)
        row = a or b
        before = a.value_text if a else str(_("not in this version"))
        after = b.value_text if b else str(_("not in this version"))
        pa = a.score.earned if a and a.score.possible else None
        pb = b.score.earned if b and b.score.possible else None
        changed = before != after or pa != pb
        changes.append(CompareRow(row.question, row.text, before, after, pa, pb, changed))
    total_delta = None if res_a.percent is None or res_b.percent is None else res_b.percent - res_a.percent
    return [("total", res_a.percent, res_b.percent, total_delta)] + sections, changes


def actions_for(user, *, assessment: Assessment | None = None):
    queryset = access.actions_visible(user).select_related("owner", "assessment", "plan", "facility", "park")
    if assessment is not None:
        queryset = queryset.filter(assessment=assessment)
    return queryset.order_by("due_date", "pk")


def overdue_actions(user, today):
    """Open actions past their due date owned by an organisation the user answers for (the home page's queue)."""
    from loomlight.assessments.models import OPEN_ACTION_STATES

    return (Action.objects.filter(owner__in=access.organisations_answering(user).values("pk"),
                                  status__in=OPEN_ACTION_STATES, due_date__lt=today)
            .select_related("owner", "facility", "park").order_by("due_date", "pk"))
