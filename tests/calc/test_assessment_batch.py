"""calc.assessment.batch: re-scoring many normalised answer sets gives ``score``'s figures to 1e-9.

Tolerance: 1e-9 percentage points; both paths add the same products in the same order, so they agree to the
last bit in practice, and the tolerance only allows for a reordering of a sum of a few dozen terms.
"""

import dataclasses
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loomlight.calc.assessment import Subject, check_answers, load, score
from loomlight.calc.assessment.batch import compile_plan, rescore

MINI = load((Path(__file__).parent / "frameworks" / "mini.yaml").read_text(encoding="utf-8"), "mini.yaml")
SUBJECTS = [Subject("facility", ("dyeing", "finishing")), Subject("facility", ("cut_make_trim",)), Subject("park"),
            Subject("shared_facility", ("laundry",))]
TOL = 1e-9


def assert_same(framework, raw, subject, figures):
    # score checks the raw answers itself (a normalised table answer is not raw input again)
    expected = score(framework, raw, subject, gains=False)
    if expected.percent is None:
        assert figures.percent is None
    else:
        assert figures.percent == pytest.approx(expected.percent, abs=TOL)
    assert figures.level_reached == expected.level_reached
    assert len(figures.sections) == len(expected.sections)
    for mine, theirs in zip(figures.sections, expected.sections):
        assert mine.section == theirs.section
        assert (mine.percent is None) == (theirs.percent is None)
        if theirs.percent is not None:
            assert mine.percent == pytest.approx(theirs.percent, abs=TOL)
        assert mine.level_reached == theirs.level_reached


def test_the_hand_scored_example_of_test_assessment_score():
    # given the example of tests/calc/test_assessment_score.py (ems 65 %, water 45 %, total (65 + 3 × 45) / 4 = 50 %)
    answers = check_answers(MINI, {"ems.policy": "yes", "ems.targets": "some", "ems.target_year": "2026-03-01",
                                   "ems.certified": "iso14001", "water.metered": "yes", "water.recycled": "12"})
    # when re-scored in a batch of two (the second: the sewing unit, where water does not apply: ems alone, 65 %)
    plan = compile_plan(MINI, Subject("facility", ("dyeing",)))
    sewing = compile_plan(MINI, Subject("facility", ("cut_make_trim",)))
    (dyehouse,) = rescore(plan, [answers])
    (cmt,) = rescore(sewing, [answers])
    # then the figures are the hand-computed ones
    assert dyehouse.percent == pytest.approx(50.0, abs=TOL)
    assert [(s.section, round(s.percent, 9), s.level_reached) for s in dyehouse.sections] == [
        ("ems", 65.0, "foundational"), ("water", 45.0, "foundational")]
    assert dyehouse.level_reached == "foundational"
    assert cmt.percent == pytest.approx(65.0, abs=TOL)
    assert cmt.sections[1] == ("water", None, None)


def test_nothing_counted_is_none_and_an_unknown_answer_is_ignored():
    only_water = dataclasses.replace(MINI, sections=(MINI.sections[1],))
    plan = compile_plan(only_water, Subject("facility", ("cut_make_trim",)))
    assert plan.rows == ()
    assert rescore(plan, [{"nope": "yes"}]) == [(None, None, (("water", None, None),))]


# ---- random answer sets of the mini framework ------------------------------------------------------------------

MINI_SPACE = {
    "ems.policy": [None, "no", "yes"],
    "ems.targets": [None, "none", "some", "all"],
    "ems.target_year": [None, "2026-01-01"],
    "ems.certified": [None, "na", "iso50001", "iso14001", "iso14001;iso50001"],
    "water.metered": [None, "no", "yes"],
    "water.recycled": [None, "0", "10", "29.9", "30", "95"],
    "water.sources": [None, [{"source": "ground"}], []],
    "water.permit": [None, "permit.pdf"],
}
mini_answers = st.fixed_dictionaries({q: st.sampled_from(v) for q, v in MINI_SPACE.items()}).map(
    lambda d: {k: v for k, v in d.items() if v is not None})


@settings(max_examples=400, deadline=None)
@given(st.lists(mini_answers, min_size=1, max_size=5), st.sampled_from(SUBJECTS), st.booleans())
def test_batch_equals_score_on_the_mini_framework(answer_sets, subject, gating):
    framework = MINI if gating else dataclasses.replace(MINI, level_gating=False)
    figures = rescore(compile_plan(framework, subject), [check_answers(framework, a) for a in answer_sets])
    assert len(figures) == len(answer_sets)
    for answers, one in zip(answer_sets, figures):
        assert_same(framework, answers, subject, one)


# ---- a generated larger framework: 7 sections, 3 levels, every scored type, conditions, na, applicability ------

def generated_yaml(seed: int, sections: int = 7, per_section: int = 7) -> str:
    """A valid framework of ``sections`` × ``per_section`` questions, drawn with ``random.Random(seed)``."""
    rng = random.Random(seed)
    lines = [f"id: generated_{seed}", 'version: "1"', "title: Generated", "scoring:",
             f"  level_weights: {{foundational: {rng.choice([25, 10])}, intermediate: {rng.choice([50, 30])}, aspirational: 25}}",
             f"  level_gating: {rng.choice(['true', 'false'])}", "sections:"]
    for s in range(sections):
        lines += [f"  - id: s{s}", f"    title: Section {s}", f"    weight: {rng.choice([1, 2, 3.5])}"]
        if s == 5:
            lines.append("    applies_to: {processes: [wet_processing]}")
        if s == 6:
            lines.append("    applies_to: {subjects: [park, shared_facility]}")
        lines.append("    questions:")
        earlier = []   # (id, type) of this section's questions so far
        for k in range(per_section):
            qid, qtype = f"s{s}.q{k}", rng.choice(["yes_no", "yes_no", "single_choice", "multiple_choice", "number", "text", "table"])
            level = rng.choice(["foundational", "intermediate", "intermediate", "aspirational"])
            lines += [f"      - id: {qid}", f"        type: {qtype}", f"        text: Question {qid}", f"        level: {level}"]
            if qtype in ("yes_no", "text", "table"):
                lines.append(f"        points: {rng.choice([0, 5, 10, 10])}")
            if qtype in ("single_choice", "multiple_choice"):
                lines.append("        choices:")
                for code, points in (("a", 0), ("b", rng.choice([2, 5])), ("c", 10)):
                    lines.append(f"          - {{code: {code}, label: {code.upper()}, points: {points}}}")
            if qtype == "number":
                direction = rng.choice(["at_least", "at_most"])
                bounds = [(10, 4), (30, 10)] if direction == "at_least" else [(30, 4), (10, 10)]
                lines += ["        unit: percent", "        thresholds:"]
                lines += [f"          - {{{direction}: {b}, points: {p}}}" for b, p in bounds]
            if qtype == "table":
                lines += ["        columns:", "          - {id: amount, type: number, label: Amount, unit: kg}"]
            if rng.random() < 0.25:
                lines.append("        allow_na: true")
            if k == 3 and s % 2 == 0:
                lines.append("        applies_to: {subjects: [facility]}")
            if earlier and rng.random() < 0.35:
                target, ttype = rng.choice(earlier)
                condition = {"yes_no": "equals: yes", "single_choice": "in: [b, c]", "multiple_choice": "includes: c",
                             "number": "at_least: 20", "text": "answered: true", "table": "answered: true"}[ttype]
                lines.append(f"        when: {{question: {target}, {condition}}}")
            earlier.append((qid, qtype))
    return "\n".join(lines) + "\n"


def random_answers(framework, rng: random.Random) -> dict:
    """Raw answers (as a person gives them) to a random part of ``framework``'s questions."""
    out = {}
    for q in framework.questions.values():
        if rng.random() < 0.15:
            continue   # unanswered
        if q.allow_na and rng.random() < 0.2:
            out[q.id] = "na"
        elif q.type == "yes_no":
            out[q.id] = rng.choice(["yes", "no"])
        elif q.type == "single_choice":
            out[q.id] = rng.choice("abc")
        elif q.type == "multiple_choice":
            out[q.id] = ";".join(rng.sample("abc", rng.randint(1, 3)))
        elif q.type == "number":
            out[q.id] = rng.choice(["0", "10", "20", "29.99", "30", "55 %"])
        elif q.type == "text":
            out[q.id] = "done"
        elif q.type == "table":
            out[q.id] = rng.choice([[], [{"amount": "3 t"}]])
    return out


GENERATED = [load(generated_yaml(seed), f"generated-{seed}.yaml") for seed in (1, 2, 3)]


def test_the_generated_frameworks_have_the_shape_of_facility_env():
    for framework in GENERATED:
        assert len(framework.sections) == 7 and len(framework.questions) == 49
        assert {q.level for q in framework.questions.values()} == {"foundational", "intermediate", "aspirational"}
        assert sum(q.when is not None for q in framework.questions.values()) >= 5


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(range(len(GENERATED))), st.sampled_from(SUBJECTS), st.integers(0, 2**32 - 1))
def test_batch_equals_score_on_a_generated_framework(which, subject, seed):
    framework, rng = GENERATED[which], random.Random(seed)
    raw = [random_answers(framework, rng) for _ in range(4)]
    figures = rescore(compile_plan(framework, subject), [check_answers(framework, a) for a in raw])
    for answers, one in zip(raw, figures):
        assert_same(framework, answers, subject, one)


def test_the_generated_comparison_meets_every_status():
    # given 200 seeded answer sets of the first generated framework for a dyehouse and a park
    rng = random.Random(20261201)
    seen = set()
    for subject in (SUBJECTS[0], SUBJECTS[2]):
        for _ in range(100):
            answers = random_answers(GENERATED[0], rng)
            seen |= {a.status for a in score(GENERATED[0], answers, subject, gains=False).answers}
    # then the random answers reach every status the property test compares
    assert seen == {"full", "partial", "failed", "unanswered", "skipped", "not_applicable", "na", "unscored"}
