"""Fast re-scoring of many answer sets to one framework version for one kind of subject (issue 17 point 12).

    plan = compile_plan(framework, Subject("facility", ("dyeing",)))
    figures = rescore(plan, answer_sets)        # one Figures per answer set, in order
    figures[0].percent, figures[0].sections[0].percent, figures[0].level_reached

``score`` explains every answer (contributions, gating, what would raise the score most); re-scoring a
programme's submitted assessments after a correction needs only the figures. ``compile_plan`` does once what
``score`` does for each answer set: it drops the questions that do not apply to the subject (and those whose
``when:`` looks at one of them: they are always skipped), turns each question into a flat row (its section
and level as indices, a table of choice points or its thresholds, its condition as a test), and keeps the
level weights, gating flag and section weights. ``rescore`` then walks the rows of each answer set once,
adding earned and possible points to per-section, per-level sums, and combines them with the same rules and
in the same arithmetic order as ``score`` (rules 1-5 of ``score.py``), so that the figures equal ``score``'s
to rounding (tests/calc/test_assessment_batch.py holds them equal to 1e-9 over random answer sets).

The answers arrive **already normalised**, as ``check_answers`` returns them (yes/no as "yes"/"no", a single
choice as its code, a multiple choice as a tuple of codes, a number in the question's unit as a float, a
date as ISO text, a table as a tuple of rows, "na"): the platform stores answers normalised, and checking
them again would cost more than scoring. An answer to a question the plan does not know is ignored.
Pure: no Django, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, NamedTuple

from loomlight.calc.assessment.score import NA, Subject, _applies
from loomlight.calc.assessment.tree import LEVELS, Framework, Question

_ALWAYS_SKIPPED = object()


class SectionFigures(NamedTuple):
    section: str
    percent: float | None        # None when no question of the section counts
    level_reached: str | None


class Figures(NamedTuple):
    percent: float | None        # the total [%]; None when nothing counts
    level_reached: str | None
    sections: tuple[SectionFigures, ...]


@dataclass(frozen=True)
class Plan:
    """A framework compiled for one subject: see the module's docstring. Build it with ``compile_plan``."""

    framework: str
    version: str
    content_hash: str
    section_ids: tuple[str, ...]
    section_weights: tuple[float, ...]
    level_weights: tuple[float, ...]      # in LEVELS order
    level_gating: bool
    # one row per question that may count or that a later condition reads, in framework order:
    # (question id, section index, level index, points, earn(value) -> points or None (unscored),
    #  condition row index or -1, test(value) -> bool or None)
    rows: tuple[tuple, ...]


def _earn(q: Question) -> Callable[[object], float] | None:
    """value (normalised, neither None nor "na") -> points earned (rule 2 of score.py), or None if not scored."""
    if not q.scored:
        return None
    points = q.points
    if q.type == "yes_no":
        table = {"yes": points, "no": 0.0}
        return table.__getitem__
    if q.type == "single_choice":
        return {c.code: c.points for c in q.choices}.__getitem__
    if q.type == "multiple_choice":
        table = {c.code: c.points for c in q.choices}
        return lambda codes: sum(table[c] for c in table if c in codes)   # choice order, as score sums
    if q.type == "number":
        bounds = tuple((t.bound, t.points) for t in q.thresholds)
        if q.direction == "at_least":
            return lambda v: max((p for b, p in bounds if v >= b), default=0.0)
        return lambda v: max((p for b, p in bounds if v <= b), default=0.0)
    if q.type == "table":
        return lambda rows: points if rows else 0.0
    return lambda value: points   # text, date, evidence: answered


def _test(q: Question) -> Callable[[object], bool] | None:
    """The ``when:`` of ``q`` as a test of the earlier answer (not None, not "na")."""
    if q.when is None:
        return None
    op, expected = q.when.op, q.when.value
    if op == "answered":
        return lambda v: True
    if op == "equals":
        return lambda v: v == expected
    if op == "in":
        allowed = frozenset(expected)
        return lambda v: v in allowed
    if op == "includes":
        return lambda v: expected in v
    if op == "at_least":
        return lambda v: v >= expected
    return lambda v: v <= expected   # at_most


def compile_plan(framework: Framework, subject: Subject = Subject()) -> Plan:
    """``framework`` compiled for ``subject``: the questions that cannot apply left out, every other one a flat row."""
    rows, index, out = [], {}, set()
    for s_index, section in enumerate(framework.sections):
        section_applies = _applies(section.applies_to, subject)
        for q in section.questions:
            if not section_applies or not _applies(q.applies_to, subject):
                out.add(q.id)       # not applicable
                continue
            if q.when is not None and q.when.question in out:
                out.add(q.id)       # its condition reads a question that never applies: always skipped
                continue
            index[q.id] = len(rows)
            rows.append((q.id, s_index, LEVELS.index(q.level), q.points, _earn(q),
                         index[q.when.question] if q.when is not None else -1, _test(q)))
    return Plan(framework.id, framework.version, framework.content_hash,
                tuple(s.id for s in framework.sections), tuple(s.weight for s in framework.sections),
                tuple(dict(framework.level_weights)[lv] for lv in LEVELS), framework.level_gating, tuple(rows))


def rescore(plan: Plan, answer_sets: Iterable[dict]) -> list[Figures]:
    """The figures of each normalised answer set (question id -> value or "na"), in order; see the module."""
    return [_one(plan, answers) for answers in answer_sets]


def _one(plan: Plan, answers: dict) -> Figures:
    n_sections = len(plan.section_ids)
    n_levels = len(LEVELS)
    earned = [0.0] * (n_sections * n_levels)
    possible = [0.0] * (n_sections * n_levels)
    short = [False] * (n_sections * n_levels)     # a counted question of this section and level below full points
    open_ = []                                    # per row: False when skipped (its followers are skipped too)
    get = answers.get
    for qid, s, lv, points, earn, target, test in plan.rows:
        value = get(qid)
        if target >= 0:
            before = plan.rows[target][0]
            seen = get(before)
            if not open_[target] or seen is None or seen == NA or not test(seen):
                open_.append(False)
                continue
        open_.append(True)
        if earn is None or value == NA:
            continue                              # unscored, or not applicable by the answer
        cell = s * n_levels + lv
        possible[cell] += points
        if value is None:
            short[cell] = True                    # unanswered: 0 of its points
            continue
        got = earn(value)
        earned[cell] += got
        if got < points:
            short[cell] = True
    level_weights = plan.level_weights
    sections, weighted, weight_sum = [], 0.0, 0.0
    total_present = [False] * n_levels
    total_short = [False] * n_levels
    for s in range(n_sections):
        base = s * n_levels
        gate = plan.level_gating and short[base]
        present = [lv for lv in range(n_levels) if possible[base + lv] > 0]
        percent = None
        if present:
            w_sum = sum(level_weights[lv] for lv in present)
            percent = 0.0
            for lv in present:
                got = 0.0 if gate and lv > 0 else earned[base + lv]
                percent += got * (level_weights[lv] / w_sum / possible[base + lv] * 100.0)
            weighted += plan.section_weights[s] * percent
            weight_sum += plan.section_weights[s]
        reached = None
        for lv in present:
            total_present[lv] = True
            if short[base + lv]:
                total_short[lv] = True
        for lv in present:
            if short[base + lv]:
                break
            reached = LEVELS[lv]
        sections.append(SectionFigures(plan.section_ids[s], percent, reached))
    level = None
    for lv in range(n_levels):
        if not total_present[lv]:
            continue
        if total_short[lv]:
            break
        level = LEVELS[lv]
    return Figures(weighted / weight_sum if weight_sum else None, level, tuple(sections))
