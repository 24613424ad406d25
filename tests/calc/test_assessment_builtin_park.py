"""The built-in industrial park assessment (industrial_park 2026.1, issue 17 point 2): its shape, its texts in four
languages, its mappings, and three hand-scored example assessments.

Scoring rules: calc/assessment/score.py (level weights 25/50/25 and gating after Cascale, Higg FEM 4.0 scoring
methodology; every section of this framework has weight 1). Tolerance 1e-9 percentage points: the hand values
below are exact fractions, the tolerance only absorbs binary rounding of thirds.
"""

import dataclasses
from importlib import resources

import pytest

from loomlight.calc.assessment import Subject, load, score
from loomlight.calc.assessment.builtin import builtin, builtin_versions
from loomlight.calc.assessment.tree import LANGUAGES, LEVELS

TOL = 1e-9
PARK = Subject("park")
CETP = Subject("shared_facility")
FRAMEWORK = builtin("industrial_park")


def _text_nodes(node, path="framework"):
    """Every Text node of the tree (a tuple of (language, text) pairs), with where it is."""
    if dataclasses.is_dataclass(node):
        for field in dataclasses.fields(node):
            yield from _text_nodes(getattr(node, field.name), f"{path}.{field.name}")
    elif isinstance(node, tuple) and node and all(isinstance(i, tuple) and len(i) == 2 and i[0] in LANGUAGES
                                                  and isinstance(i[1], str) for i in node):
        yield path, node
    elif isinstance(node, tuple):
        for index, item in enumerate(node):
            yield from _text_nodes(item, f"{path}[{index}]")


# ---- shape -------------------------------------------------------------------------------------------------------

def test_given_the_builtin_when_loaded_then_it_is_the_park_framework_with_its_six_sections():
    assert builtin_versions()["industrial_park"] == ("2026.1",)
    assert (FRAMEWORK.id, FRAMEWORK.version) == ("industrial_park", "2026.1")
    assert dict(FRAMEWORK.title)["en"] == "Industrial park assessment"
    assert [s.id for s in FRAMEWORK.sections] == ["management", "environment", "shared", "tenants", "social", "economic"]
    assert len(FRAMEWORK.questions) == 38            # the brief asks at least 28 (the issue at least 25)
    assert sum(q.scored for q in FRAMEWORK.questions.values()) == 36   # drill_date and has_cetp are not scored


def test_every_section_has_scored_questions_at_each_of_the_three_levels():
    for section in FRAMEWORK.sections:
        levels = {q.level for q in section.questions if q.scored}
        assert levels == set(LEVELS), section.id


def test_sections_apply_to_parks_and_the_shared_facilities_section_also_to_a_shared_facility():
    subjects = {s.id: s.applies_to.subjects for s in FRAMEWORK.sections}
    assert subjects == {"management": ("park",), "environment": ("park",), "shared": ("park", "shared_facility"),
                        "tenants": ("park",), "social": ("park",), "economic": ("park",)}


def test_figures_the_platform_holds_are_answered_from_data_in_percent():
    from_data = {q.id: (q.from_data, q.unit) for q in FRAMEWORK.questions.values() if q.from_data}
    assert from_data == {
        "environment.cetp_compliance": ("cetp_compliance", "percent"),
        "tenants.foundational_share": ("park_tenants_foundational", "percent"),
        "tenants.intermediate_share": ("park_tenants_intermediate", "percent"),
    }


def test_skip_logic_follows_the_earlier_answers():
    when = {q.id: (q.when.question, q.when.op, q.when.value) for q in FRAMEWORK.questions.values() if q.when}
    assert when == {
        "management.drill_date": ("management.emergency_plan", "equals", "yes"),
        "environment.solar_sites": ("environment.rooftop_solar", "in", ("most", "some")),
        "shared.cetp_operation": ("shared.has_cetp", "equals", "yes"),
        "shared.cetp_utilisation": ("shared.has_cetp", "equals", "yes"),
        "social.grievance_closed": ("social.grievance", "equals", "yes"),
        "economic.local_employment": ("economic.employment_records", "equals", "yes"),
    }
    # "not applicable" is allowed only where it is honest: no central plant, no common steam supply
    assert sorted(q.id for q in FRAMEWORK.questions.values() if q.allow_na) == ["environment.cetp_compliance", "shared.steam"]


# ---- texts -------------------------------------------------------------------------------------------------------

def test_every_text_is_in_all_four_languages_in_the_right_script():
    nodes = list(_text_nodes(FRAMEWORK))
    # the walk found every text: title and guidance, 6 sections × 2, 38 questions × 2 (text, guidance),
    # 6 evidence descriptions, 34 choice labels, 3 column labels = 2 + 12 + 76 + 6 + 34 + 3 = 133
    questions = FRAMEWORK.questions.values()
    assert sum(len(q.choices) for q in questions) == 34 and sum(bool(q.evidence) for q in questions) == 6
    assert len(nodes) == 133
    for path, text in nodes:
        found = dict(text)
        assert set(found) == set(LANGUAGES), path
        assert all(value.strip() for value in found.values()), path
        assert any("\u1780" <= ch <= "\u17ff" for ch in found["km"]), path
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in found["th"]), path
        assert found["vi"] != found["en"], path


def test_every_question_has_guidance_and_no_two_questions_share_an_english_text():
    english = [dict(q.text)["en"] for q in FRAMEWORK.questions.values()]
    assert len(set(english)) == len(english)
    assert all(q.guidance for q in FRAMEWORK.questions.values())


def test_every_question_maps_to_an_external_clause():
    for q in FRAMEWORK.questions.values():
        assert q.maps_to, q.id
    legal = FRAMEWORK.questions["management.legal_register"]
    assert ("eip", "Prerequisite: compliance with local and national law") in [(m.scheme, m.ref) for m in legal.maps_to]


def test_content_hash_is_stable():
    text = resources.files("loomlight.calc.assessment.frameworks").joinpath("industrial_park-2026.1.yaml").read_text(encoding="utf-8")
    again = load(text, "industrial_park-2026.1.yaml")
    assert again.content_hash == FRAMEWORK.content_hash == builtin("industrial_park", "2026.1").content_hash
    assert len(FRAMEWORK.content_hash) == 64


# ---- example 1: a park that reaches the foundational level in most sections and is gated in environment ----------
#
# | question                      | level | answer                  | earned / possible |
# |-------------------------------|-------|-------------------------|-------------------|
# | management.entity             | F     | yes                     | 10 / 10           |
# | management.legal_register     | F     | yes                     | 10 / 10           |
# | management.emergency_plan     | F     | yes                     | 10 / 10           |
# | management.drill_date         | F     | 2026-03-15              | unscored          |
# | management.master_plan        | I     | plan                    |  5 / 10           |
# | management.esms               | I     | documented              |  5 / 10           |
# | management.tenant_monitoring  | I     | quarterly               | 10 / 10           |
# | management.services           | A     | symbiosis;permits       |  7 / 10 (4 + 3)   |
# | management.report             | A     | (unanswered)            |  0 / 10           |
# management: F 30/30 = 1 -> 25 × 1 = 25; I 20/30 -> 50 × 2/3 = 33.333…; A 7/20 -> 25 × 0.35 = 8.75;
#             = 25 + 100/3 + 8.75 = 805/12 = 67.0833… %; level reached foundational.
# | environment.energy_metering   | F     | yes                     | 10 / 10           |
# | environment.cetp_compliance   | F     | 88 % (≥80 met, ≥95 not) |  5 / 10           |
# | environment.rooftop_solar     | I     | most                    | 10 / 10, gated    |
# | environment.solar_sites       | A     | one row                 |  5 / 5, gated     |
# | environment.water_reuse       | I     | 35 %                    | 10 / 10, gated    |
# | environment.air_monitoring    | I     | yes                     | 10 / 10, gated    |
# | environment.symbiosis         | A     | heat                    |  3 / 10, gated    |
# | environment.climate_target    | A     | park                    |  5 / 10, gated    |
# environment: F 15/20 -> 25 × 0.75 = 18.75; the foundational level is not met, so I and A earn 0 of their
#             30 and 25 possible points: = 18.75 %; level reached none.
# | shared.has_cetp               | F     | yes                     | unscored          |
# | shared.cetp_operation         | F     | yes                     | 10 / 10           |
# | shared.solid_waste            | F     | yes                     | 10 / 10           |
# | shared.cetp_utilisation       | I     | 92 % (≤100 met, ≤85 not)|  5 / 10           |
# | shared.steam                  | I     | gas                     |  5 / 10           |
# | shared.public_data            | A     | no                      |  0 / 10           |
# shared: F 1 -> 25; I 10/20 -> 25; A 0 -> 0; = 50 %; foundational.
# | tenants.register              | F     | yes                     | 10 / 10           |
# | tenants.foundational_share    | I     | 62 % (≥50 met)          |  5 / 10           |
# | tenants.support               | I     | action_plan             | 10 / 10           |
# | tenants.intermediate_share    | A     | 20 % (below 25)         |  0 / 10           |
# tenants: F 25; I 15/20 -> 37.5; A 0; = 62.5 %; foundational.
# | social.ohs_services           | F     | yes                     | 10 / 10           |
# | social.grievance              | F     | yes                     | 10 / 10           |
# | social.grievance_closed       | I     | 85 % (≥80 met)          | 10 / 10           |
# | social.housing_transport      | I     | housing;canteen         |  7 / 10 (4 + 3)   |
# | social.childcare              | I     | lactation               |  4 / 10           |
# | social.training_centre        | A     | no                      |  0 / 10           |
# social: F 25; I 21/30 -> 50 × 0.7 = 35; A 0; = 60 %; foundational.
# | economic.employment_records   | F     | yes                     | 10 / 10           |
# | economic.local_employment     | I     | 45 % (≥30 met)          |  5 / 10           |
# | economic.local_suppliers      | I     | 30 % (≥25 met)          | 10 / 10           |
# | economic.skills_programme     | A     | yes                     | 10 / 10           |
# | economic.occupancy            | A     | 70 % (≥60 met)          |  5 / 10           |
# economic: F 25; I 15/20 -> 37.5; A 15/20 -> 18.75; = 81.25 %; foundational.
# Total (six sections of weight 1): (805/12 + 18.75 + 50 + 62.5 + 60 + 81.25) / 6 = (4075/12) / 6 = 4075/72
#       = 56.5972… %; level reached overall: none (environment's foundational level is not met).
EXAMPLE_1 = {
    "management.entity": "yes", "management.legal_register": "yes", "management.emergency_plan": "yes",
    "management.drill_date": "2026-03-15", "management.master_plan": "plan", "management.esms": "documented",
    "management.tenant_monitoring": "quarterly", "management.services": "symbiosis;permits",
    "environment.energy_metering": "yes", "environment.cetp_compliance": "88", "environment.rooftop_solar": "most",
    "environment.solar_sites": [{"roof": "Building A3", "capacity": "850", "output": "1020"}],
    "environment.water_reuse": "35", "environment.air_monitoring": "yes", "environment.symbiosis": "heat",
    "environment.climate_target": "park",
    "shared.has_cetp": "yes", "shared.cetp_operation": "yes", "shared.solid_waste": "yes",
    "shared.cetp_utilisation": "92", "shared.steam": "gas", "shared.public_data": "no",
    "tenants.register": "yes", "tenants.foundational_share": "62", "tenants.support": "action_plan",
    "tenants.intermediate_share": "20",
    "social.ohs_services": "yes", "social.grievance": "yes", "social.grievance_closed": "85",
    "social.housing_transport": "housing;canteen", "social.childcare": "lactation", "social.training_centre": "no",
    "economic.employment_records": "yes", "economic.local_employment": "45", "economic.local_suppliers": "30",
    "economic.skills_programme": "yes", "economic.occupancy": "70",
}


def test_example_1_foundational_reached_in_five_sections_and_environment_gated():
    result = score(FRAMEWORK, EXAMPLE_1, PARK)
    sections = {s.section: s for s in result.sections}
    expected = {"management": (805 / 12, "foundational"), "environment": (18.75, None), "shared": (50.0, "foundational"),
                "tenants": (62.5, "foundational"), "social": (60.0, "foundational"), "economic": (81.25, "foundational")}
    for sid, (percent, reached) in expected.items():
        assert sections[sid].percent == pytest.approx(percent, abs=TOL), sid
        assert sections[sid].level_reached == reached, sid
        assert sections[sid].weight_share == pytest.approx(1 / 6, abs=TOL), sid
    assert result.percent == pytest.approx(4075 / 72, abs=TOL)
    assert result.level_reached is None
    answers = {a.question: a for a in result.answers}
    # environment: what its intermediate and aspirational answers would earn is withheld by the gate
    for qid in ("environment.rooftop_solar", "environment.solar_sites", "environment.water_reuse",
                "environment.air_monitoring", "environment.symbiosis", "environment.climate_target"):
        assert answers[qid].gated and answers[qid].earned == 0 and answers[qid].contribution == 0, qid
    assert dict((lv, (e, p)) for lv, e, p in sections["environment"].levels) == {
        "foundational": (15, 20), "intermediate": (30, 30), "aspirational": (13, 25)}
    assert (answers["environment.cetp_compliance"].status, answers["environment.cetp_compliance"].earned) == ("partial", 5)
    assert (answers["management.drill_date"].status, answers["management.report"].status) == ("unscored", "unanswered")
    # the CETP figure is the largest lever: full points lift the gate, environment goes from 18.75 to
    # 25 + 50 × 30/30 + 25 × 13/25 = 88 %, +69.25 section points, 69.25 / 6 = 11.541 6… total points
    assert result.raise_most[0].question == "environment.cetp_compliance"
    assert result.raise_most[0].total_gain == pytest.approx(69.25 / 6, abs=TOL)


# ---- example 2: a park without a central plant: "not applicable" and skipped questions, and gates -----------------
#
# | question                      | level | answer                  | earned / possible      |
# |-------------------------------|-------|-------------------------|------------------------|
# | management.entity             | F     | yes                     | 10 / 10                |
# | management.legal_register     | F     | yes                     | 10 / 10                |
# | management.emergency_plan     | F     | no                      |  0 / 10                |
# | management.drill_date         | F     | (skipped: no plan)      | —                      |
# | management.master_plan        | I     | zoned                   | 10 / 10, gated         |
# | management.esms               | I     | certified               | 10 / 10, gated         |
# | management.tenant_monitoring  | I     | yearly                  |  4 / 10, gated         |
# | management.services           | A     | all three               | 10 / 10, gated         |
# | management.report             | A     | park-report-2025.pdf    | 10 / 10, gated         |
# management: F 20/30 -> 25 × 2/3 = 16.666…; I and A gated -> 0; = 50/3 %.
# | environment.energy_metering   | F     | yes                     | 10 / 10                |
# | environment.cetp_compliance   | F     | na (no central plant)   | not counted            |
# | environment.rooftop_solar     | I     | none                    |  0 / 10                |
# | environment.solar_sites       | A     | (skipped: no solar)     | —                      |
# | environment.water_reuse       | I     | 12 % (≥10 met)          |  4 / 10                |
# | environment.air_monitoring    | I     | no                      |  0 / 10                |
# | environment.symbiosis         | A     | byproducts              |  4 / 10                |
# | environment.climate_target    | A     | none                    |  0 / 10                |
# environment: F 10/10 -> 25; I 4/30 -> 50 × 4/30 = 20/3; A 4/20 -> 25 × 0.2 = 5; = 25 + 20/3 + 5 = 110/3 %.
# | shared.has_cetp               | F     | no                      | unscored               |
# | shared.cetp_operation         | F     | (skipped: no CETP)      | —                      |
# | shared.solid_waste            | F     | yes                     | 10 / 10                |
# | shared.cetp_utilisation       | I     | (skipped: no CETP)      | —                      |
# | shared.steam                  | I     | na (no common steam)    | not counted            |
# | shared.public_data            | A     | no                      |  0 / 10                |
# shared: no intermediate question counts, so the weights of F and A are normalised over 25 + 25:
#         100 × (25 × 10/10 + 25 × 0/10) / 50 = 50 %.
# | tenants.register              | F     | yes                     | 10 / 10                |
# | tenants.foundational_share    | I     | 85 % (≥80 met)          | 10 / 10                |
# | tenants.support               | I     | advice                  |  5 / 10                |
# | tenants.intermediate_share    | A     | 50 % (≥50 met)          | 10 / 10                |
# tenants: F 25; I 15/20 -> 37.5; A 25; = 87.5 %.
# | social.ohs_services           | F     | yes                     | 10 / 10                |
# | social.grievance              | F     | no                      |  0 / 10                |
# | social.grievance_closed       | I     | (skipped: no mechanism) | —                      |
# | social.housing_transport      | I     | transport               |  3 / 10, gated         |
# | social.childcare              | I     | childcare               | 10 / 10, gated         |
# | social.training_centre        | A     | yes                     | 10 / 10, gated         |
# social: F 10/20 -> 12.5; I and A gated; = 12.5 %.
# | economic.employment_records   | F     | no                      |  0 / 10                |
# | economic.local_employment     | I     | (skipped: no records)   | —                      |
# | economic.local_suppliers      | I     | 5 % (below 10)          |  0 / 10, gated         |
# | economic.skills_programme     | A     | no                      |  0 / 10, gated         |
# | economic.occupancy            | A     | 90 % (≥85 met)          | 10 / 10, gated         |
# economic: F 0/10 -> 0; I and A gated; = 0 %.
# Total: (50/3 + 110/3 + 50 + 87.5 + 12.5 + 0) / 6 = (160/3 + 150) / 6 = 610/18 = 305/9 = 33.888… %.
EXAMPLE_2 = {
    "management.entity": "yes", "management.legal_register": "yes", "management.emergency_plan": "no",
    "management.master_plan": "zoned", "management.esms": "certified", "management.tenant_monitoring": "yearly",
    "management.services": ["symbiosis", "efficiency", "permits"], "management.report": "park-report-2025.pdf",
    "environment.energy_metering": "yes", "environment.cetp_compliance": "na", "environment.rooftop_solar": "none",
    "environment.water_reuse": "12", "environment.air_monitoring": "no", "environment.symbiosis": "byproducts",
    "environment.climate_target": "none",
    "shared.has_cetp": "no", "shared.solid_waste": "yes", "shared.steam": "na", "shared.public_data": "no",
    "tenants.register": "yes", "tenants.foundational_share": "85", "tenants.support": "advice",
    "tenants.intermediate_share": "50",
    "social.ohs_services": "yes", "social.grievance": "no", "social.housing_transport": "transport",
    "social.childcare": "childcare", "social.training_centre": "yes",
    "economic.employment_records": "no", "economic.local_suppliers": "5", "economic.skills_programme": "no",
    "economic.occupancy": "90",
}


def test_example_2_not_applicable_and_skipped_questions_leave_the_score_of_the_rest():
    result = score(FRAMEWORK, EXAMPLE_2, PARK)
    sections = {s.section: s for s in result.sections}
    expected = {"management": 50 / 3, "environment": 110 / 3, "shared": 50.0, "tenants": 87.5, "social": 12.5,
                "economic": 0.0}
    for sid, percent in expected.items():
        assert sections[sid].percent == pytest.approx(percent, abs=TOL), sid
    assert result.percent == pytest.approx(305 / 9, abs=TOL)
    status = {a.question: a.status for a in result.answers}
    assert {q: status[q] for q in ("environment.cetp_compliance", "shared.steam")} == {
        "environment.cetp_compliance": "na", "shared.steam": "na"}
    assert {q for q, s in status.items() if s == "skipped"} == {
        "management.drill_date", "environment.solar_sites", "shared.cetp_operation", "shared.cetp_utilisation",
        "social.grievance_closed", "economic.local_employment"}
    assert [lv for lv, e, p in sections["shared"].levels] == ["foundational", "aspirational"]
    assert (sections["tenants"].level_reached, sections["environment"].level_reached) == ("foundational", "foundational")
    assert sections["management"].level_reached is None and sections["economic"].level_reached is None


# ---- example 3: a central effluent treatment plant assessed on its own (subject shared_facility) ------------------
#
# | question                 | level | answer     | earned / possible |
# |--------------------------|-------|------------|-------------------|
# | shared.has_cetp          | F     | yes        | unscored          |
# | shared.cetp_operation    | F     | yes        | 10 / 10           |
# | shared.solid_waste       | F     | no         |  0 / 10           |
# | shared.cetp_utilisation  | I     | 80 % (≤85) | 10 / 10, gated    |
# | shared.steam             | I     | clean      | 10 / 10, gated    |
# | shared.public_data       | A     | yes        | 10 / 10, gated    |
# shared: F 10/20 -> 25 × 0.5 = 12.5; I and A gated -> 0; = 12.5 %. The other five sections apply only to a
# park: they do not count, and shared carries the whole weight: total = 12.5 %.
# With solid_waste "yes" instead: F 1 -> 25, I 1 -> 50, A 1 -> 25: 100 %.
EXAMPLE_3 = {"shared.has_cetp": "yes", "shared.cetp_operation": "yes", "shared.solid_waste": "no",
             "shared.cetp_utilisation": "80", "shared.steam": "clean", "shared.public_data": "yes"}


def test_example_3_a_shared_facility_is_scored_on_the_shared_section_alone():
    result = score(FRAMEWORK, EXAMPLE_3, CETP)
    sections = {s.section: s for s in result.sections}
    assert [s for s, sec in sections.items() if sec.counted] == ["shared"]
    assert sections["shared"].weight_share == 1.0
    assert sections["shared"].percent == pytest.approx(12.5, abs=TOL)
    assert result.percent == pytest.approx(12.5, abs=TOL)
    better = score(FRAMEWORK, {**EXAMPLE_3, "shared.solid_waste": "yes"}, CETP)
    assert better.percent == pytest.approx(100.0, abs=TOL)
    assert better.level_reached == "aspirational"
