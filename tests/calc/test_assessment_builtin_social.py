"""The built-in framework facility_social 2026.1: its shape, its four languages, its mappings, and hand-scored examples.

Pure: no database. The framework is read through ``builtin("facility_social")`` (package data) as the platform
reads it. Level weights are the defaults (Higg FEM 4.0: foundational 25, intermediate 50, aspirational 25, with
gating); the four sections weigh 1 each. Every scored question of this version is worth 10 points.
Tolerance: 1e-9 percentage points, for the binary rounding of sums of a few products (the hand values are exact
fractions).
"""

import dataclasses
import re
from importlib import resources

import pytest

from loomlight.calc.assessment import Subject, load, score
from loomlight.calc.assessment.builtin import PACKAGE, builtin, builtin_path
from loomlight.calc.assessment.tree import LANGUAGES, LEVELS

FRAMEWORK = builtin("facility_social")
FACILITY = Subject("facility", ("cut_make_trim",))
TOL = 1e-9
KHMER = re.compile("[\u1780-\u17ff]")
THAI = re.compile("[\u0e00-\u0e7f]")


def _texts(node, where="framework"):
    """Every Text node of the tree, with where it sits: a tuple of (language, text) pairs."""
    if dataclasses.is_dataclass(node):
        for field in dataclasses.fields(node):
            yield from _texts(getattr(node, field.name), f"{where}.{field.name}")
    elif isinstance(node, tuple) and node and all(
            isinstance(p, tuple) and len(p) == 2 and p[0] in LANGUAGES and isinstance(p[1], str) for p in node):
        yield where, node
    elif isinstance(node, tuple):
        for i, item in enumerate(node):
            yield from _texts(item, f"{where}[{getattr(item, 'id', getattr(item, 'code', i))}]")


# ---- shape ----------------------------------------------------------------------------------------------------

def test_it_loads_as_a_builtin_with_the_four_sections_and_at_least_28_questions():
    # given the shipped file, when it is loaded by id, then it is the 2026.1 version with the named sections
    assert builtin_path("facility_social") == "facility_social-2026.1.yaml"
    assert (FRAMEWORK.id, FRAMEWORK.version) == ("facility_social", "2026.1")
    assert dict(FRAMEWORK.title)["en"] == "Facility social assessment"
    assert [s.id for s in FRAMEWORK.sections] == ["dialogue", "women", "ohs", "conditions"]
    assert len(FRAMEWORK.questions) == 34
    assert [len(s.questions) for s in FRAMEWORK.sections] == [7, 7, 11, 9]
    assert dict(FRAMEWORK.level_weights) == {"foundational": 25.0, "intermediate": 50.0, "aspirational": 25.0}
    assert FRAMEWORK.level_gating is True


def test_every_section_has_scored_questions_at_each_level_and_is_for_facilities():
    for section in FRAMEWORK.sections:
        assert section.applies_to.subjects == ("facility",), section.id
        for level in LEVELS:
            scored = [q.id for q in section.questions if q.level == level and q.scored]
            assert scored, (section.id, level)


def test_the_question_types_used():
    # given the file, then it uses every question type but free text (nothing here is scored from prose)
    types = {q.type for q in FRAMEWORK.questions.values()}
    assert types == {"yes_no", "single_choice", "multiple_choice", "number", "date", "evidence", "table"}   # no free text
    assert sum(q.when is not None for q in FRAMEWORK.questions.values()) == 3
    assert sorted(q.id for q in FRAMEWORK.questions.values() if q.allow_na) == ["dialogue.resolved", "ohs.injury_log"]


def test_the_figures_answered_from_data():
    # given the three questions the platform answers from its data, then their sources, units and directions
    q = FRAMEWORK.questions
    assert (q["women.share"].from_data, q["women.share"].unit, q["women.share"].scored) == ("women_share", "percent", False)
    for qid, source in (("ohs.ltifr", "ltifr_200k"), ("ohs.trir", "trir_200k")):
        assert (q[qid].from_data, q[qid].unit, q[qid].direction) == (source, "1", "at_most"), qid
    assert [(t.bound, t.points) for t in q["ohs.ltifr"].thresholds] == [(1.0, 5.0), (0.5, 10.0)]
    assert [(t.bound, t.points) for t in q["ohs.trir"].thresholds] == [(3.0, 5.0), (1.5, 10.0)]
    assert sorted(qid for qid, question in q.items() if question.from_data) == ["ohs.ltifr", "ohs.trir", "women.share"]


# ---- languages ------------------------------------------------------------------------------------------------

def test_every_text_is_in_the_four_languages_in_its_own_script():
    texts = list(_texts(FRAMEWORK))
    # title, guidance; 4 × (title, guidance); 34 × (text, guidance); 10 evidence descriptions; 38 labels: the
    # choices 4 + 3 (dialogue), 3 + 3 (women), 3 + 3 + 3 (ohs), 3 + 3 + 3 (conditions) and the injury log's 4 columns
    # and 3 severities
    assert len(texts) == 2 + 4 * 2 + 34 * 2 + 10 + 38
    for where, text in texts:
        found = dict(text)
        assert tuple(found) == LANGUAGES, where
        assert all(value.strip() for value in found.values()), where
        assert KHMER.search(found["km"]), where
        assert THAI.search(found["th"]), where
        assert found["vi"] != found["en"] or found["en"].startswith("ISO"), where


def test_every_question_and_section_has_guidance_and_every_required_evidence_a_description():
    for section in FRAMEWORK.sections:
        assert section.guidance, section.id
    for q in FRAMEWORK.questions.values():
        assert q.guidance, q.id
        if q.evidence_required:
            assert q.evidence, q.id
    assert sum(q.evidence_required for q in FRAMEWORK.questions.values()) == 10


def test_no_two_questions_share_an_english_text():
    english = [dict(q.text)["en"] for q in FRAMEWORK.questions.values()]
    assert len(set(english)) == len(english) == 34


# ---- mappings -------------------------------------------------------------------------------------------------

# The section names of the Higg FSLM as ../shared/reference/frameworks.md §1.10 gives them (howtohigg.org).
FSLM_SECTIONS = {"Recruitment & Hiring", "Working Hours", "Wages & Benefits", "Employee Treatment",
                 "Employee Involvement", "Health & Safety", "Termination", "Management Systems"}
# ISO 45001:2018 clauses used: 4.4 OH&S management system, 5.4 consultation and participation of workers,
# 6.1.2 hazard identification and assessment of risks, 8.1.2 eliminating hazards and reducing risks,
# 8.2 emergency preparedness and response, 9.1 monitoring and measurement, 10.2 incident and corrective action.
ISO45001_CLAUSES = {"4.4", "5.4", "6.1.2", "8.1.2", "8.2", "9.1", "10.2"}


def test_every_question_maps_to_a_known_clause():
    ilo_used = set()
    for q in FRAMEWORK.questions.values():
        assert q.maps_to, q.id
        for m in q.maps_to:
            if m.scheme == "ilo":
                assert re.fullmatch(r"C[1-9][0-9]{0,2}", m.ref), (q.id, m.ref)
                ilo_used.add(m.ref)
            elif m.scheme == "higg_fslm":
                assert m.ref in FSLM_SECTIONS, (q.id, m.ref)
            else:
                assert (m.scheme, m.ref in ISO45001_CLAUSES) == ("iso45001", True), (q.id, m.scheme, m.ref)
    assert ilo_used == {"C1", "C14", "C29", "C87", "C95", "C98", "C100", "C102", "C105", "C111", "C131", "C135",
                        "C138", "C154", "C155", "C161", "C182", "C183", "C187", "C190"}


def test_the_conventions_the_brief_names_sit_on_their_questions():
    refs = {qid: {m.ref for m in q.maps_to} for qid, q in FRAMEWORK.questions.items()}
    assert {"C87", "C98"} <= refs["dialogue.freedom_of_association"]
    assert "C190" in refs["women.harassment_policy"] and "C183" in refs["women.maternity"]
    assert "C100" in refs["women.equal_pay_review"]
    assert {"C138", "C182"} <= refs["conditions.child_labour"]
    assert {"C29", "C105"} <= refs["conditions.forced_labour"]


# ---- hand-scored examples -------------------------------------------------------------------------------------

# Example 1: a facility at the foundational level in dialogue, OHS and working conditions, gated in women.
#
# | question                        | level | answer                            | earned / possible |
# |---------------------------------|-------|-----------------------------------|-------------------|
# | dialogue.freedom_of_association | F     | yes                               | 10 / 10           |
# | dialogue.representation         | F     | elected                           | 10 / 10           |
# | dialogue.grievance              | F     | yes                               | 10 / 10           |
# | dialogue.committee              | I     | yes                               | 10 / 10           |
# | dialogue.meetings               | I     | 3 (≥ 2 met, ≥ 4 not)              |  5 / 10           |
# | dialogue.resolved               | I     | 85 % (≥ 80 met)                   | 10 / 10           |
# | dialogue.collective_agreement   | A     | restates_law                      |  3 / 10           |
# dialogue: F 30/30 = 1, I 25/30, A 3/10 -> 25 × 1 + 50 × 25/30 + 25 × 0.3 = 25 + 41.6̅ + 7.5 = 74.16̅ %
# | women.share                     | F     | 72 (unscored, from data)          |  –                |
# | women.harassment_policy         | F     | yes                               | 10 / 10           |
# | women.maternity                 | F     | paid_leave; no_pregnancy_test     |  8 / 10 (4 + 4)   |
# | women.supervisors               | I     | 35 % (≥ 30 met)                   |  5 / 10, gated: 0 |
# | women.gbv_focal_point           | I     | committee                         | 10 / 10, gated: 0 |
# | women.training                  | I     | 95 % (≥ 90 met)                   | 10 / 10, gated: 0 |
# | women.equal_pay_review          | A     | yes                               | 10 / 10, gated: 0 |
# women: F 18/20 < full, so I and A are gated (earn 0 of 30 and 0 of 10) -> 25 × 18/20 + 0 + 0 = 22.5 %
# | ohs.committee                   | F     | yes                               | 10 / 10           |
# | ohs.risk_assessment             | F     | yes                               | 10 / 10           |
# | ohs.risk_review_date            | I     | 2026-03-15 (unscored)             |  –                |
# | ohs.fire_drills                 | F     | 2 (≥ 2 met)                       | 10 / 10           |
# | ohs.first_aid                   | F     | yes                               | 10 / 10           |
# | ohs.ppe                         | F     | full                              | 10 / 10           |
# | ohs.ltifr                       | I     | 0.8 (≤ 1 met, ≤ 0.5 not)          |  5 / 10           |
# | ohs.trir                        | I     | 2.0 (≤ 3 met, ≤ 1.5 not)          |  5 / 10           |
# | ohs.investigation               | I     | injuries                          |  5 / 10           |
# | ohs.injury_log                  | I     | two rows (unscored)               |  –                |
# | ohs.iso45001                    | A     | aligned                           |  4 / 10           |
# ohs: F 50/50, I 15/30, A 4/10 -> 25 + 50 × 0.5 + 25 × 0.4 = 25 + 25 + 10 = 60 %
# | conditions.contracts            | F     | yes                               | 10 / 10           |
# | conditions.minimum_wage         | F     | yes                               | 10 / 10           |
# | conditions.child_labour         | F     | yes                               | 10 / 10           |
# | conditions.age_records          | F     | hiring-files-2026.pdf             | 10 / 10           |
# | conditions.forced_labour        | F     | no_fees; own_documents; free_to_leave | 10 / 10 (4+3+3) |
# | conditions.overtime             | I     | sometimes_exceeded                |  4 / 10           |
# | conditions.weekly_rest          | I     | no                                |  0 / 10           |
# | conditions.social_insurance     | I     | 100 % (≥ 100 met)                 | 10 / 10           |
# | conditions.living_wage          | A     | not_assessed                      |  0 / 10           |
# conditions: F 50/50, I 14/30, A 0/10 -> 25 + 50 × 14/30 + 0 = 25 + 23.3̅ = 48.3̅ %
# total (weights 1, 1, 1, 1) = (74.16̅ + 22.5 + 60 + 48.3̅) / 4 = 205 / 4 = 51.25 %
EXAMPLE_1 = {
    "dialogue.freedom_of_association": "yes", "dialogue.representation": "elected", "dialogue.grievance": "yes",
    "dialogue.committee": "yes", "dialogue.meetings": "3", "dialogue.resolved": "85",
    "dialogue.collective_agreement": "restates_law",
    "women.share": "72", "women.harassment_policy": "yes", "women.maternity": "paid_leave;no_pregnancy_test",
    "women.supervisors": "35", "women.gbv_focal_point": "committee", "women.training": "95",
    "women.equal_pay_review": "yes",
    "ohs.committee": "yes", "ohs.risk_assessment": "yes", "ohs.risk_review_date": "2026-03-15",
    "ohs.fire_drills": "2", "ohs.first_aid": "yes", "ohs.ppe": "full", "ohs.ltifr": "0.8", "ohs.trir": "2.0",
    "ohs.investigation": "injuries",
    "ohs.injury_log": [{"date": "2026-02-03", "severity": "lost_time", "days_lost": "2", "action_closed": "yes"},
                       {"date": "2026-05-20", "severity": "medical", "days_lost": "0", "action_closed": "no"}],
    "ohs.iso45001": "aligned",
    "conditions.contracts": "yes", "conditions.minimum_wage": "yes", "conditions.child_labour": "yes",
    "conditions.age_records": "hiring-files-2026.pdf",
    "conditions.forced_labour": "no_fees;own_documents;free_to_leave",
    "conditions.overtime": "sometimes_exceeded", "conditions.weekly_rest": "no",
    "conditions.social_insurance": "100", "conditions.living_wage": "not_assessed",
}


def test_example_1_foundational_in_three_sections_and_gated_in_women():
    # given example 1, when it is scored for a sewing facility, then the hand-computed figures
    result = score(FRAMEWORK, EXAMPLE_1, FACILITY)
    sections = {s.section: s for s in result.sections}
    assert sections["dialogue"].percent == pytest.approx(25 + 50 * 25 / 30 + 25 * 0.3, abs=TOL)
    assert sections["dialogue"].percent == pytest.approx(74.1666666666666667, abs=TOL)
    assert sections["women"].percent == pytest.approx(22.5, abs=TOL)
    assert sections["ohs"].percent == pytest.approx(60.0, abs=TOL)
    assert sections["conditions"].percent == pytest.approx(48.3333333333333333, abs=TOL)
    assert result.percent == pytest.approx(51.25, abs=TOL)
    assert [(s.section, s.level_reached) for s in result.sections] == [
        ("dialogue", "foundational"), ("women", None), ("ohs", "foundational"), ("conditions", "foundational")]
    assert result.level_reached is None   # women's foundational level is not met
    assert all(s.weight_share == 0.25 for s in result.sections)
    women = {lv: (e, p) for lv, e, p in sections["women"].levels}
    # the section's level rows keep the points answered before gating; the answers carry the withholding
    assert women == {"foundational": (18.0, 20.0), "intermediate": (25.0, 30.0), "aspirational": (10.0, 10.0)}
    answers = {a.question: a for a in result.answers}
    gated = sorted(qid for qid, a in answers.items() if a.gated)
    assert all((a.earned, a.contribution) == (0.0, 0.0) for a in answers.values() if a.gated)
    assert gated == ["women.equal_pay_review", "women.gbv_focal_point", "women.supervisors", "women.training"]
    assert (answers["women.maternity"].status, answers["women.maternity"].earned) == ("partial", 8.0)
    assert (answers["ohs.ltifr"].status, answers["ohs.ltifr"].earned) == ("partial", 5.0)
    assert [answers[q].status for q in ("women.share", "ohs.risk_review_date", "ohs.injury_log")] == ["unscored"] * 3
    # women.maternity to full points lifts the gate: women = 25 + 50 × 25/30 + 25 × 1 = 91.6̅ (+69.16̅), /4 = 17.2916̅
    top = result.raise_most[0]
    assert (top.question, top.points) == ("women.maternity", 2.0)
    assert top.total_gain == pytest.approx((25 + 50 * 25 / 30 + 25 - 22.5) / 4, abs=TOL)


# Example 2: "not applicable" and skipped questions, and a section gated by one weak foundational answer.
#
# | question                        | level | answer                            | earned / possible        |
# |---------------------------------|-------|-----------------------------------|--------------------------|
# | dialogue.freedom_of_association | F     | yes                               | 10 / 10                  |
# | dialogue.representation         | F     | union                             | 10 / 10                  |
# | dialogue.grievance              | F     | yes                               | 10 / 10                  |
# | dialogue.committee              | I     | no                                |  0 / 10                  |
# | dialogue.meetings               | I     | 6, but skipped (committee = no)   |  not counted             |
# | dialogue.resolved               | I     | na (no grievance in the log)      |  not counted             |
# | dialogue.collective_agreement   | A     | better_than_law                   | 10 / 10                  |
# dialogue: F 30/30, I 0/10 (only the committee counts), A 10/10 -> 25 + 0 + 25 = 50 %
# | women.share                     | F     | 80 (unscored)                     |  –                       |
# | women.harassment_policy         | F     | yes                               | 10 / 10                  |
# | women.maternity                 | F     | all three                         | 10 / 10                  |
# | women.supervisors               | I     | 55 % (≥ 50 met)                   | 10 / 10                  |
# | women.gbv_focal_point           | I     | focal_point                       |  5 / 10                  |
# | women.training                  | I     | 60 % (≥ 50 met)                   |  5 / 10                  |
# | women.equal_pay_review          | A     | no                                |  0 / 10                  |
# women: F 20/20, I 20/30, A 0/10 -> 25 + 50 × 20/30 + 0 = 58.3̅ %
# | ohs.committee                   | F     | yes                               | 10 / 10                  |
# | ohs.risk_assessment             | F     | no                                |  0 / 10                  |
# | ohs.risk_review_date            | I     | 2025-01-10, but skipped           |  not counted (unscored)  |
# | ohs.fire_drills                 | F     | 1 (≥ 1 met)                       |  5 / 10                  |
# | ohs.first_aid                   | F     | yes                               | 10 / 10                  |
# | ohs.ppe                         | F     | full                              | 10 / 10                  |
# | ohs.ltifr                       | I     | 0.3 (≤ 0.5 met)                   | 10 / 10, gated: 0        |
# | ohs.trir                        | I     | 1.0 (≤ 1.5 met)                   | 10 / 10, gated: 0        |
# | ohs.investigation               | I     | root_cause                        | 10 / 10, gated: 0        |
# | ohs.injury_log                  | I     | na (no injury in the log)         |  not counted (unscored)  |
# | ohs.iso45001                    | A     | certified                         | 10 / 10, gated: 0        |
# ohs: F 35/50, gated -> 25 × 35/50 + 50 × 0/30 + 25 × 0/10 = 17.5 %
# | conditions.contracts … forced_labour | F | all full                         | 50 / 50                  |
# | conditions.overtime             | I     | within_limits                     | 10 / 10                  |
# | conditions.weekly_rest          | I     | yes                               | 10 / 10                  |
# | conditions.social_insurance     | I     | (unanswered)                      |  0 / 10                  |
# | conditions.living_wage          | A     | closing_plan                      | 10 / 10                  |
# conditions: F 50/50, I 20/30, A 10/10 -> 25 + 50 × 2/3 + 25 = 83.3̅ %
# total = (50 + 58.3̅ + 17.5 + 83.3̅) / 4 = 209.16̅ / 4 = 52.2916̅ %
EXAMPLE_2 = {
    "dialogue.freedom_of_association": "yes", "dialogue.representation": "union", "dialogue.grievance": "yes",
    "dialogue.committee": "no", "dialogue.meetings": "6", "dialogue.resolved": "na",
    "dialogue.collective_agreement": "better_than_law",
    "women.share": "80", "women.harassment_policy": "yes",
    "women.maternity": ["paid_leave", "no_pregnancy_test", "same_job"],
    "women.supervisors": "55", "women.gbv_focal_point": "focal_point", "women.training": "60",
    "women.equal_pay_review": "no",
    "ohs.committee": "yes", "ohs.risk_assessment": "no", "ohs.risk_review_date": "2025-01-10",
    "ohs.fire_drills": "1", "ohs.first_aid": "yes", "ohs.ppe": "full", "ohs.ltifr": "0.3", "ohs.trir": "1.0",
    "ohs.investigation": "root_cause", "ohs.injury_log": "na", "ohs.iso45001": "certified",
    "conditions.contracts": "yes", "conditions.minimum_wage": "yes", "conditions.child_labour": "yes",
    "conditions.age_records": "ids-sample.pdf", "conditions.forced_labour": "no_fees;own_documents;free_to_leave",
    "conditions.overtime": "within_limits", "conditions.weekly_rest": "yes", "conditions.living_wage": "closing_plan",
}


def test_example_2_not_applicable_and_skipped_questions():
    # given example 2, when it is scored, then na and skipped questions count for nothing either way
    result = score(FRAMEWORK, EXAMPLE_2, FACILITY)
    sections = {s.section: s for s in result.sections}
    assert sections["dialogue"].percent == pytest.approx(50.0, abs=TOL)
    assert sections["women"].percent == pytest.approx(25 + 50 * 20 / 30, abs=TOL)
    assert sections["women"].percent == pytest.approx(58.3333333333333333, abs=TOL)
    assert sections["ohs"].percent == pytest.approx(17.5, abs=TOL)
    assert sections["conditions"].percent == pytest.approx(83.3333333333333333, abs=TOL)
    assert result.percent == pytest.approx(52.2916666666666667, abs=TOL)
    assert result.percent == pytest.approx((50 + (25 + 50 * 20 / 30) + 17.5 + (25 + 50 * 2 / 3 + 25)) / 4, abs=TOL)
    answers = {a.question: a for a in result.answers}
    assert [answers[q].status for q in ("dialogue.meetings", "dialogue.resolved", "ohs.risk_review_date",
                                        "ohs.injury_log", "conditions.social_insurance")] == [
        "skipped", "na", "skipped", "na", "unanswered"]
    assert [(answers[q].earned, answers[q].possible) for q in ("dialogue.meetings", "dialogue.resolved")] == [
        (0.0, 0.0), (0.0, 0.0)]
    dialogue = {lv: (e, p) for lv, e, p in sections["dialogue"].levels}
    assert dialogue == {"foundational": (30.0, 30.0), "intermediate": (0.0, 10.0), "aspirational": (10.0, 10.0)}
    assert [(s.section, s.level_reached) for s in result.sections] == [
        ("dialogue", "foundational"), ("women", "foundational"), ("ohs", None), ("conditions", "foundational")]
    assert sorted(q for q, a in answers.items() if a.gated) == [
        "ohs.investigation", "ohs.iso45001", "ohs.ltifr", "ohs.trir"]


def test_a_skipped_answer_changes_nothing():
    # given example 2, when the skipped meetings answer is removed or set to its best, then the same total
    without = {k: v for k, v in EXAMPLE_2.items() if k != "dialogue.meetings"}
    best = {**EXAMPLE_2, "dialogue.meetings": "12"}
    totals = {score(FRAMEWORK, a, FACILITY, gains=False).percent for a in (EXAMPLE_2, without, best)}
    assert len(totals) == 1 and totals.pop() == pytest.approx(52.2916666666666667, abs=TOL)


def test_nothing_counts_for_a_subject_that_is_not_a_facility():
    # given example 1, when it is scored for an industrial park, then no section applies and there is no total
    result = score(FRAMEWORK, EXAMPLE_1, Subject("park"))
    assert result.percent is None and result.level_reached is None
    assert [(s.counted, s.percent) for s in result.sections] == [(False, None)] * 4
    assert {a.status for a in result.answers} == {"not_applicable"}


# ---- identity -------------------------------------------------------------------------------------------------

def test_the_content_hash_is_stable():
    # given the shipped text, when it is loaded twice afresh, then the same hash as the built-in's
    text = resources.files(PACKAGE).joinpath("facility_social-2026.1.yaml").read_text(encoding="utf-8")
    first, second = load(text, "a.yaml"), load(text, "b.yaml")
    assert first.content_hash == second.content_hash == FRAMEWORK.content_hash
    # version 2026.1 is frozen by this hash: a changed point, text or mapping needs a new version file
    assert FRAMEWORK.content_hash == "b6fd6ecbbd2aa8afc530308d94aab4fd58785ba6df9bd00c8052d0573d8ed2a2"
