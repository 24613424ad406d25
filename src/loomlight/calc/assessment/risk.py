"""Risk rating of answers to a risk framework (``kind: risk``): the first screening of a biomass supplier.

    from loomlight.calc.assessment import builtin, risk
    framework = builtin.builtin("biomass_screening")
    result = risk.rate(framework, {"feedstock.type": "rice_husk", "certification.scheme": "none", ...})
    result.overall            # "low", "medium", "high" or "unknown"
    result.criteria[0].rating, result.missing, result.knockouts

The same engine as the scored frameworks (load → normalise → validate → tree; ``check_answers`` for the
answers; ``applies_to`` and ``when:`` as there), with another reading of the answers. In a risk framework the
sections are the **criteria**; a question with a risk spec is **rated**, one without is informational (it may
gate others with ``when:``).

The rules, in order:
1. **A question's rating.** yes_no: the outcome of its answer (``risk: {yes: low, no: high}``). single_choice:
   its choice's outcome. multiple_choice: the worst outcome among the choices selected (high > medium > low).
   number: the outcome of the first band whose ``at_most`` holds the value, in the question's unit (the last band
   has no bound). An outcome may be a **knock-out**: that answer makes the overall rating high.
2. **Unknown.** A rated question that applies and is not answered is ``unknown``. So is one whose ``when:`` looks
   at an earlier question that is not answered (nobody knows yet whether it applies): the earlier question is
   then what to ask. A question that does not apply (``applies_to``, or a ``when:`` that an answer does not
   meet) is left out, as is one answered "na" where the framework allows it: neither is unknown.
   **Unknown is never low**: it ranks between medium and high.
3. **A criterion** (a section): high if any of its questions is high; else unknown if any is unknown; else
   medium if any is medium; else low. A criterion with no rated question that applies is left out.
4. **Overall**: high when any answer is a knock-out; else the rule of 3 over the criteria (unknown when no
   criterion applies: nothing is known).
5. **Missing**: every question whose answer the rating needs (the unknown questions, or the unanswered question
   a ``when:`` looks at), in framework order: what to ask the supplier for.
Every rated question's ``reason`` says why (the outcome's own reason, else "answer X → medium") and every medium
or high one carries its mitigation (the outcome's, else the question's).
References: ../shared/reference/ghg-roi-biomass.md §6.5 (risk taxonomy), §6.6 C (knock-outs) and D (the
green/amber/red output with the list of missing evidence).
"""

from __future__ import annotations

from dataclasses import dataclass

from loomlight.calc.assessment.errors import WrongKind
from loomlight.calc.assessment.score import NA, Subject, _applies, _condition_met, check_answers
from loomlight.calc.assessment.tree import Framework, Outcome, Question, Text

RATINGS = ("low", "medium", "high", "unknown")
#: The order of worse: a criterion takes its worst question's rating. Unknown sits below high (a known high risk
#: is worse) and above medium (a gap must not pass for a moderate, managed risk), never as low.
SEVERITY = {"low": 0, "medium": 1, "unknown": 2, "high": 3}


@dataclass(frozen=True)
class QuestionRating:
    id: str
    answer: object         # the normalised answer (a code, codes, a number in the question's unit), None when unknown
    rating: str            # RATINGS
    reason: Text           # why, in the framework's languages (generated reasons in English)
    mitigation: Text       # for medium and high (and unknown: the question's own mitigation, if any); () for low
    knockout: bool         # this answer is a knock-out


@dataclass(frozen=True)
class CriterionRating:
    id: str                # the section's id
    title: Text
    rating: str            # RATINGS
    questions: tuple[QuestionRating, ...]


@dataclass(frozen=True)
class RiskResult:
    framework: str
    version: str
    content_hash: str
    overall: str                               # RATINGS
    criteria: tuple[CriterionRating, ...]      # the criteria that apply, in framework order
    missing: tuple[str, ...]                   # question ids to ask for, in framework order
    knockouts: tuple[str, ...]                 # question ids whose answer is a knock-out


def worst(ratings) -> str | None:
    """The worst of ``ratings`` by SEVERITY (high > unknown > medium > low); None when there are none."""
    ratings = list(ratings)
    return max(ratings, key=SEVERITY.__getitem__) if ratings else None


def _outcome(question: Question, value) -> Outcome:
    """The outcome a (normalised, answered) value rates (rule 1)."""
    if question.type == "yes_no":
        return dict(question.outcomes)[value]
    if question.type == "single_choice":
        return next(c.outcome for c in question.choices if c.code == value)
    if question.type == "multiple_choice":
        chosen = [c.outcome for c in question.choices if c.code in value]
        top = max(chosen, key=lambda o: SEVERITY[o.risk])
        return Outcome(top.risk, top.reason, top.mitigation, any(o.knockout for o in chosen))
    if question.type == "number":
        return next(b.outcome for b in question.bands if b.at_most is None or value <= b.at_most)
    raise AssertionError(question.type)


def _words(value) -> str:
    if isinstance(value, tuple):
        return ", ".join(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _rated(question: Question, value) -> QuestionRating:
    outcome = _outcome(question, value)
    unit = f" {question.unit}" if question.type == "number" and question.unit not in (None, "1") else ""
    reason = outcome.reason or (("en", f"answer {_words(value)}{unit} → {outcome.risk}"),)
    mitigation = (outcome.mitigation or question.mitigation) if outcome.risk != "low" else ()
    return QuestionRating(question.id, value, outcome.risk, reason, mitigation, outcome.knockout)


def rate(framework: Framework, answers: dict, subject: Subject = Subject()) -> RiskResult:
    """Rate ``answers`` (question id -> value or "na", checked by ``check_answers``: AnswersInvalid otherwise)
    against a risk framework for ``subject``; WrongKind for a scored framework."""
    if framework.kind != "risk":
        raise WrongKind(f"{framework.id} {framework.version} is a {framework.kind} framework: score it, do not rate it")
    normal = check_answers(framework, answers)
    state: dict[str, str] = {}     # question id -> applies, absent (does not apply), undetermined
    missing: list[str] = []
    criteria, knockouts = [], []
    for section in framework.sections:
        section_applies = _applies(section.applies_to, subject)
        rows = []
        for q in section.questions:
            value = normal.get(q.id)
            if not section_applies or not _applies(q.applies_to, subject):
                state[q.id] = "absent"
                continue
            if q.when is not None:
                gate, gate_value = state[q.when.question], normal.get(q.when.question)
                if gate == "absent" or gate_value == NA or (gate_value is not None and not _condition_met(q.when, gate_value)):
                    state[q.id] = "absent"
                    continue
                if gate == "undetermined" or gate_value is None:
                    state[q.id] = "undetermined"
                    if q.rated:
                        rows.append(QuestionRating(q.id, None, "unknown", (("en", f"not known whether it applies: {q.when.question} is not answered"),),
                                                   q.mitigation, False))
                    continue
            state[q.id] = "applies"
            if not q.rated or value == NA:
                continue   # informational (a gate is listed in missing when a rated follow-up needs it, below)
            if value is None:
                rows.append(QuestionRating(q.id, None, "unknown", (("en", "not answered"),), q.mitigation, False))
                continue
            rating = _rated(q, value)
            rows.append(rating)
            if rating.knockout:
                knockouts.append(q.id)
        if rows:
            criteria.append(CriterionRating(section.id, section.title, worst(r.rating for r in rows), tuple(rows)))
    # what to ask for: the unknown questions, and for an undetermined one the unanswered question its when looks at
    for criterion in criteria:
        for row in criterion.questions:
            if row.rating != "unknown":
                continue
            ask = row.id
            while state.get(ask) == "undetermined":
                ask = framework.questions[ask].when.question
            if ask not in missing:
                missing.append(ask)
    order = {qid: i for i, qid in enumerate(framework.questions)}
    missing.sort(key=order.__getitem__)
    overall = "high" if knockouts else (worst(c.rating for c in criteria) or "unknown")
    return RiskResult(framework.id, framework.version, framework.content_hash, overall, tuple(criteria),
                      tuple(missing), tuple(knockouts))
