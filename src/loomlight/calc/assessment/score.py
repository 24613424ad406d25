"""Transparent scoring of answers to a framework version.

    result = score(framework, answers, subject=Subject(kind="facility", processes=("dyeing",)))

``answers`` maps a question id to its value (see ``check_answers``) or ``"na"``. The result decomposes every
figure: the total is the sum of the sections' contributions, a section's score the sum of its answers'
contributions, each answer's contribution its points times its level's and section's share.

The rules, in order:
1. **Counted questions.** A question counts when it is scored (it can earn points), applies to the subject
   (``applies_to``: subject kind and processes, of the question and of its section), is not skipped (its
   ``when:`` is met by the earlier answer; a question whose condition looks at a skipped, unanswered or "na"
   answer is skipped too) and is not answered "na" (only where the framework allows it). A question that does
   not count adds nothing to what is earned nor to what could be earned: the score is the score of the
   framework without it, never below leaving it open or failing it (it can be below a partial answer: the
   other questions of its level then carry its weight, as in Higg FEM).
   An unanswered counted question earns 0 of its points: a gap is shown as a gap.
2. **Points of an answer.** yes_no: its points for yes, 0 for no. single_choice: the chosen choice's points.
   multiple_choice: the sum of the chosen choices' points. number: the points of the best threshold met
   (``at_least``: value >= bound; ``at_most``: value <= bound), in the question's unit. text, date, evidence,
   table: their points once answered (a table with at least one row).
3. **Levels within a section.** level fraction = earned / possible over the counted questions of that level;
   section score [%] = 100 × Σ w_level × fraction / Σ w_level, the sums over the levels that have counted
   questions, so the level weights are normalised (Higg FEM 4.0: 25/50/25, and "stopped at Level 1, Level 1
   is worth 100 %"). With gating, a section whose counted foundational questions do not all earn full
   points earns nothing in its intermediate and aspirational levels (their possible points still count).
4. **Sections in the total.** total [%] = Σ w_section × section score / Σ w_section over the sections with
   counted questions: a section that does not apply gives its weight to the others.
5. **Level reached** (of a section, and of the whole over all its counted questions): the highest level such
   that every counted question of it and of every lower level earns full points; a level without counted
   questions neither blocks nor is reached by itself. ``None`` when not even the foundational level is met.
6. **What would raise the score most**: each counted question earning less than its points, with the
   percentage points the total would gain if it alone earned its full points (gating taken into account),
   largest first.
Monotonic: a better answer (more points) never lowers the total or a section, provided the follow-ups it
opens are answered as well (an opened question left unanswered is a gap); a follow-up opened by a *worse*
answer ("if no, is there a plan?") closes with the better one, and its points go with it.
References: Cascale, Higg FEM 4.0 scoring methodology (howtohigg.cascale.org): level weights, gating, the
redistribution of a section that does not apply. ../shared/reference/frameworks.md §1.3-1.4.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from loomlight.calc.assessment.errors import AnswerCode, AnswerError, AnswersInvalid, WrongKind
from loomlight.calc.assessment.tree import DIMENSIONLESS, LEVELS, PROCESS_GROUPS, Applicability, Framework, Question
from loomlight.calc.units import UnitError, UnitErrorCode, parse_number, to_canonical

NA = "na"


@dataclass(frozen=True)
class Subject:
    """What is assessed: kind (facility, park, shared_facility) and, for a facility, its processes."""

    kind: str = "facility"
    processes: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerScore:
    question: str
    section: str
    level: str
    status: str          # full, partial, failed, unanswered, skipped, not_applicable, na, unscored
    earned: float        # points earned (0 when gated or not counted)
    possible: float      # points that could be earned (0 when not counted)
    contribution: float  # percentage points of the section score
    total_contribution: float   # percentage points of the total
    gated: bool = False  # earned points withheld because the foundational level is not met


@dataclass(frozen=True)
class SectionScore:
    section: str
    counted: bool        # False when no question of it counts: then its weight goes to the others
    percent: float | None
    weight_share: float  # its weight / Σ weights of counted sections
    level_reached: str | None
    levels: tuple[tuple[str, float, float], ...]   # (level, earned, possible) over counted questions


@dataclass(frozen=True)
class Gain:
    question: str
    section: str
    points: float        # points it would add
    total_gain: float    # percentage points the total would gain


@dataclass(frozen=True)
class Result:
    framework: str
    version: str
    content_hash: str
    percent: float | None        # None when nothing counts
    level_reached: str | None
    sections: tuple[SectionScore, ...]
    answers: tuple[AnswerScore, ...]
    raise_most: tuple[Gain, ...]


# ---- answers ---------------------------------------------------------------------------------------------------

def _codes(value) -> list[str] | None:
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(v, str) for v in value):
        return sorted(v.strip() for v in value)
    return None


def _signed(text: str) -> tuple[float, str]:
    text = text.strip()
    return (-1.0, text[1:].strip()) if text.startswith(("-", "\u2212")) else (1.0, text)


def _number(question_unit: str, value, qid: str, negative: bool = False) -> float:
    """value [number in the question's unit, or (value, unit), or "value unit"] -> value in the question's unit.
    Below zero only where the question allows it (``allow_negative``: a change); the sign is read apart so that
    the units parser, which refuses negative quantities, sees the magnitude."""
    sign = 1.0
    if negative and isinstance(value, str):
        sign, value = _signed(value)
    elif negative and isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        sign, value = -1.0, -value
    if question_unit in DIMENSIONLESS.values():
        if isinstance(value, str):
            value = value.strip().removesuffix("%").removesuffix("percent").strip() if question_unit == "percent" else value
        number = parse_number(value)
    elif isinstance(value, str) and " " in value.strip():
        magnitude, unit = value.strip().split(None, 1)
        number = to_canonical(magnitude, unit, question_unit).value
    elif isinstance(value, tuple) and len(value) == 2:
        number = to_canonical(value[0], value[1], question_unit).value
    else:
        number = parse_number(value)
    if number < 0:
        raise UnitError(UnitErrorCode.NEGATIVE, f"{number:g} is negative: answer zero or more.")
    return sign * number


def _one(question, value, where: str) -> tuple[object, AnswerError | None]:
    """The normalised value of one answer (of a question or a table column), or an error."""
    qtype = question.type
    if qtype == "yes_no":
        if value is True or (isinstance(value, str) and value.strip().lower() == "yes"):
            return "yes", None
        if value is False or (isinstance(value, str) and value.strip().lower() == "no"):
            return "no", None
        return None, AnswerError(AnswerCode.BAD_VALUE, where, f"answer yes or no, not {value!r}")
    if qtype in ("single_choice", "multiple_choice"):
        codes = _codes(value)
        known = {c.code for c in question.choices}
        if codes is None or not codes or (qtype == "single_choice" and len(codes) != 1):
            many = "one choice code" if qtype == "single_choice" else "choice codes separated by ;"
            return None, AnswerError(AnswerCode.BAD_VALUE, where, f"answer {many} ({', '.join(sorted(known))}), not {value!r}")
        unknown = [c for c in codes if c not in known]
        if unknown:
            return None, AnswerError(AnswerCode.UNKNOWN_CHOICE, where, f"unknown choice {', '.join(unknown)}; the codes are {', '.join(sorted(known))}")
        return (codes[0] if qtype == "single_choice" else tuple(sorted(set(codes)))), None
    if qtype == "number":
        try:
            return _number(question.unit, value, where, getattr(question, "allow_negative", False)), None
        except UnitError as exc:
            return None, AnswerError(AnswerCode.BAD_NUMBER, where, f"{exc} (the unit is {question.unit})")
    if qtype == "date":
        if isinstance(value, dt.date):
            return value.isoformat(), None
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat(), None
        except ValueError:
            return None, AnswerError(AnswerCode.BAD_VALUE, where, f"answer a date as YYYY-MM-DD, not {value!r}")
    if qtype in ("text", "evidence"):
        if isinstance(value, str) and value.strip():
            return value.strip(), None
        return None, AnswerError(AnswerCode.BAD_VALUE, where, "answer with non-empty text" if qtype == "text" else "name the evidence file")
    raise AssertionError(qtype)


def check_answers(framework: Framework, answers: dict) -> dict[str, object]:
    """The answers normalised (yes/no, choice codes, numbers in the question's unit, ISO dates, table rows);
    AnswersInvalid naming every bad answer otherwise. An answer of None or "" is no answer."""
    errors, out = [], {}
    for qid, value in answers.items():
        question = framework.questions.get(qid)
        if question is None:
            errors.append(AnswerError(AnswerCode.UNKNOWN_QUESTION, str(qid), f"“{qid}” is not a question of {framework.id} {framework.version}"))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, str) and value.strip().lower() == NA:
            if not question.allow_na:
                errors.append(AnswerError(AnswerCode.NA_NOT_ALLOWED, qid, "this question cannot be answered not applicable"))
            else:
                out[qid] = NA
            continue
        if question.type == "table":
            rows, bad = _rows(question, value)
            if bad:
                errors.extend(bad)
            else:
                out[qid] = rows
            continue
        normal, error = _one(question, value, qid)
        if error:
            errors.append(error)
        else:
            out[qid] = normal
    if errors:
        raise AnswersInvalid(errors)
    return out


def _pairs(row):
    """A row as check_answers gives it back ((column, value) pairs), read again as a mapping: normalising twice
    gives the same answers."""
    if isinstance(row, (list, tuple)) and all(isinstance(c, (list, tuple)) and len(c) == 2 and isinstance(c[0], str) for c in row):
        return dict(row)
    return row


def _rows(question: Question, value) -> tuple[tuple, list[AnswerError]]:
    if isinstance(value, (list, tuple)):
        value = [_pairs(r) for r in value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(r, dict) for r in value):
        return (), [AnswerError(AnswerCode.BAD_VALUE, question.id, "a table is answered with a list of rows, each a mapping of column ids to values")]
    columns = {c.id: c for c in question.columns}
    rows, errors = [], []
    for number, row in enumerate(value, start=1):
        normal = []
        for key, cell in row.items():
            column = columns.get(key)
            where = f"{question.id}[{number}].{key}"
            if column is None:
                errors.append(AnswerError(AnswerCode.BAD_ROW, where, f"unknown column; the columns are {', '.join(columns)}"))
                continue
            if cell is None or (isinstance(cell, str) and not cell.strip()):
                continue
            cell_value, error = _one(column, cell, where)
            if error:
                errors.append(error)
            else:
                normal.append((key, cell_value))
        rows.append(tuple(sorted(normal)))
    return tuple(rows), errors


# ---- scoring ---------------------------------------------------------------------------------------------------

def _applies(applies: Applicability, subject: Subject) -> bool:
    if applies.subjects and subject.kind not in applies.subjects:
        return False
    if applies.processes:
        wanted = set()
        for name in applies.processes:
            wanted |= PROCESS_GROUPS.get(name, {name})
        return bool(wanted & set(subject.processes))
    return True


def _condition_met(condition, value) -> bool:
    if value is None or value == NA:
        return False
    op, expected = condition.op, condition.value
    if op == "answered":
        return True
    if op == "equals":
        return value == expected
    if op == "in":
        return value in expected
    if op == "includes":
        return expected in value
    if op == "at_least":
        return value >= expected
    return value <= expected   # at_most


def _earned(question: Question, value) -> float:
    if question.type == "yes_no":
        return question.points if value == "yes" else 0.0
    if question.type == "single_choice":
        return next(c.points for c in question.choices if c.code == value)
    if question.type == "multiple_choice":
        return sum(c.points for c in question.choices if c.code in value)
    if question.type == "number":
        met = [t.points for t in question.thresholds
               if (value >= t.bound if question.direction == "at_least" else value <= t.bound)]
        return max(met, default=0.0)
    if question.type == "table":
        return question.points if value else 0.0
    return question.points   # text, date, evidence: answered


def _status(framework: Framework, answers: dict, subject: Subject) -> dict[str, tuple[str, float]]:
    """question id -> (status, earned) before levels and gating, in framework order."""
    out = {}
    for section in framework.sections:
        section_applies = _applies(section.applies_to, subject)
        for q in section.questions:
            value = answers.get(q.id)
            if not section_applies or not _applies(q.applies_to, subject):
                out[q.id] = ("not_applicable", 0.0)
            elif q.when is not None and (out[q.when.question][0] in ("not_applicable", "skipped")
                                         or not _condition_met(q.when, answers.get(q.when.question))):
                out[q.id] = ("skipped", 0.0)
            elif value == NA:
                out[q.id] = ("na", 0.0)
            elif not q.scored:
                out[q.id] = ("unscored", 0.0)
            elif value is None:
                out[q.id] = ("unanswered", 0.0)
            else:
                earned = _earned(q, value)
                out[q.id] = ("full" if earned >= q.points else "partial" if earned > 0 else "failed", earned)
    return out


def _reached(rows) -> str | None:
    """rows: (level, earned, possible) of counted questions -> the level reached (rule 5)."""
    reached = None
    for level in LEVELS:
        mine = [(e, p) for lv, e, p in rows if lv == level]
        if not mine:
            continue
        if any(e < p for e, p in mine):
            break
        reached = level
    return reached


def _section(framework: Framework, section, status: dict, full: str | None = None):
    """(counted rows, level shares, percent or None, gated) of one section; ``full``: that question at full points."""
    level_weights = dict(framework.level_weights)
    rows = []   # (question, level, earned, possible)
    for q in section.questions:
        state, earned = status[q.id]
        if state in ("full", "partial", "failed", "unanswered"):
            rows.append((q, q.level, q.points if q.id == full else earned, q.points))
    sums = {lv: [0.0, 0.0] for lv in LEVELS}
    for q, lv, e, p in rows:
        sums[lv][0] += e
        sums[lv][1] += p
    gate = framework.level_gating and any(e < p for q, lv, e, p in rows if lv == "foundational")
    if gate:
        for lv in LEVELS[1:]:
            sums[lv][0] = 0.0
    present = [lv for lv in LEVELS if sums[lv][1] > 0]
    weight_sum = sum(level_weights[lv] for lv in present)
    shares = {lv: level_weights[lv] / weight_sum / sums[lv][1] * 100.0 for lv in present}
    percent = sum(sums[lv][0] * shares[lv] for lv in present) if present else None
    return rows, shares, percent, gate


def score(framework: Framework, answers: dict, subject: Subject = Subject(), *, gains: bool = True) -> Result:
    """Score ``answers`` (question id -> value or "na"; checked by ``check_answers``) for ``subject``.

    ``gains=False`` leaves ``raise_most`` empty (a re-scoring that needs only the figures). A risk framework
    (``kind: risk``) has no score: WrongKind (rate it with ``calc.assessment.risk.rate``)."""
    if framework.kind != "scored":
        raise WrongKind(f"{framework.id} {framework.version} is a {framework.kind} framework: rate it (calc.assessment.risk), do not score it")
    normal = check_answers(framework, answers)
    status = _status(framework, normal, subject)
    per_section = [(section, *_section(framework, section, status)) for section in framework.sections]
    counted_weight = sum(sec.weight for sec, rows, shares, pct, gate in per_section if pct is not None)
    total = (sum(sec.weight * pct for sec, rows, shares, pct, gate in per_section if pct is not None) / counted_weight
             if counted_weight else None)
    answer_scores, section_scores, all_rows, raise_most = [], [], [], []
    for section, rows, shares, percent, gate in per_section:
        share = section.weight / counted_weight if percent is not None else 0.0
        counted = {q.id: (lv, e, p) for q, lv, e, p in rows}
        for q in section.questions:
            state, _ = status[q.id]
            if q.id in counted:
                lv, e, p = counted[q.id]
                withheld = gate and lv != "foundational"
                contribution = 0.0 if withheld else e * shares[lv]
                answer_scores.append(AnswerScore(q.id, section.id, q.level, state, 0.0 if withheld else e, p,
                                                 contribution, contribution * share, gated=withheld))
                if gains and e < p:
                    # only this section changes: the total moves by its share of the section's change
                    better = _section(framework, section, status, full=q.id)[2]
                    raise_most.append(Gain(q.id, section.id, p - e, (better - percent) * share))
            else:
                answer_scores.append(AnswerScore(q.id, section.id, q.level, state, 0.0, 0.0, 0.0, 0.0))
        level_rows = tuple((lv, sum(e for q, l2, e, p in rows if l2 == lv), sum(p for q, l2, e, p in rows if l2 == lv))
                           for lv in LEVELS if any(l2 == lv for q, l2, e, p in rows))
        all_rows.extend((lv, e, p) for q, lv, e, p in rows)
        section_scores.append(SectionScore(section.id, percent is not None, percent, share,
                                           _reached([(lv, e, p) for q, lv, e, p in rows]), level_rows))
    order = {q: i for i, q in enumerate(framework.questions)}
    raise_most.sort(key=lambda g: (-round(g.total_gain, 9), order[g.question]))
    return Result(framework.id, framework.version, framework.content_hash, total, _reached(all_rows),
                  tuple(section_scores), tuple(answer_scores), tuple(raise_most))
