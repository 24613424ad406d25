"""The built-in facility environmental framework (facility_env 2026.1): its shape, its four languages, its
mappings, two hand-scored example assessments and the stability of its content hash. Pure: no database.

Tolerance: 1e-9 percentage points, for the binary rounding of sums of a few products (the hand values are exact
fractions, written out in the comments).
"""

import dataclasses
import re

import pytest

from importlib import resources

from loomlight.calc.assessment import Subject, load, score
from loomlight.calc.assessment.builtin import builtin, builtin_path
from loomlight.calc.assessment.tree import LANGUAGES, LEVELS, Framework

TOL = 1e-9
SECTIONS = ["ems", "energy", "water", "wastewater", "air", "waste", "chemicals"]
KHMER = re.compile("[\u1780-\u17FF]")
THAI = re.compile("[\u0E00-\u0E7F]")


@pytest.fixture(scope="module")
def framework() -> Framework:
    return builtin("facility_env")


def _texts(node, where="framework"):
    """Every text node of the tree as (where, Text); a Text is a tuple of (language, words) pairs."""
    if dataclasses.is_dataclass(node):
        for field in dataclasses.fields(node):
            value = getattr(node, field.name)
            label = f"{where}.{getattr(node, 'id', getattr(node, 'code', ''))}.{field.name}"
            if field.name in ("title", "guidance", "text", "evidence", "label"):
                yield label, value
            else:
                yield from _texts(value, label)
    elif isinstance(node, tuple):
        for item in node:
            yield from _texts(item, where)


# ---- shape -------------------------------------------------------------------------------------------------------

def test_given_the_builtin_file_when_loaded_then_it_has_the_seven_sections_and_at_least_44_questions(framework):
    assert builtin_path("facility_env") == "facility_env-2026.1.yaml"
    assert (framework.id, framework.version) == ("facility_env", "2026.1")
    assert dict(framework.title)["en"] == "Facility environmental assessment"
    assert [s.id for s in framework.sections] == SECTIONS
    assert len(framework.questions) == 50   # the issue asks for at least 40, the brief 44
    assert {s.id: s.weight for s in framework.sections} == {
        "ems": 1, "energy": 2, "water": 2, "wastewater": 2, "air": 1, "waste": 1, "chemicals": 2}
    assert dict(framework.level_weights) == {"foundational": 25, "intermediate": 50, "aspirational": 25}
    assert framework.level_gating is True


def test_every_section_has_scored_questions_at_each_of_the_three_levels(framework):
    for section in framework.sections:
        levels = {q.level for q in section.questions if q.scored}
        assert levels == set(LEVELS), section.id
        assert section.guidance, section.id


def test_sections_apply_to_facilities_and_shared_facilities_and_wastewater_to_wet_processing_only(framework):
    sections = {s.id: s for s in framework.sections}
    for section in framework.sections:
        assert section.applies_to.subjects == ("facility", "shared_facility"), section.id
    assert sections["wastewater"].applies_to.processes == ("wet_processing",)
    assert all(not s.applies_to.processes for s in framework.sections if s.id != "wastewater")


def test_the_figures_the_platform_holds_are_answered_from_data(framework):
    got = {q.id: (q.from_data, q.unit, q.allow_negative) for q in framework.questions.values() if q.from_data}
    assert got == {
        "energy.intensity_reduction": ("energy_intensity_reduction", "percent", True),
        "water.intensity_reduction": ("water_intensity_reduction", "percent", True),
        "wastewater.zdhc_compliance": ("zdhc_wastewater_compliance", "percent", False),
        "chemicals.mrsl_conformance": ("mrsl_conformance", "percent", False),
    }


def test_the_schema_variety_is_used(framework):
    questions = framework.questions.values()
    assert {q.type for q in questions} == {"yes_no", "single_choice", "multiple_choice", "number", "date",
                                          "evidence", "table"}   # no free text: nothing an assessor cannot check
    assert sum(1 for q in questions if q.when) == 7
    assert {q.id for q in questions if q.allow_na} == {
        "water.groundwater_permit", "wastewater.corrective_action", "air.permit", "air.stack_monitoring",
        "chemicals.rsl_testing"}
    assert sum(1 for q in questions if q.evidence_required) == 12
    assert all(q.evidence for q in questions if q.evidence_required)


# ---- texts -------------------------------------------------------------------------------------------------------

def test_every_text_has_all_four_languages_none_empty_and_in_its_script(framework):
    texts = list(_texts(framework))
    assert len(texts) == 251   # framework 2, sections 14, the questions' texts, guidance, evidence, labels
    for where, text in texts:
        if where.endswith(".evidence") and not text:
            continue   # a question without evidence has no description
        languages = dict(text)
        assert tuple(languages) == LANGUAGES, where
        assert all(words.strip() for words in languages.values()), where
        assert KHMER.search(languages["km"]), where
        assert THAI.search(languages["th"]), where
        assert languages["vi"] != languages["en"], where


def test_vietnamese_is_written_with_its_diacritics(framework):
    # every Vietnamese question text has a letter only Vietnamese spelling uses (ă â đ ê ô ơ ư or a tone mark)
    marks = re.compile("[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")
    for q in framework.questions.values():
        assert marks.search(dict(q.text)["vi"].lower()), q.id


def test_no_two_questions_share_an_english_text(framework):
    english = [dict(q.text)["en"] for q in framework.questions.values()]
    assert len(set(english)) == len(english)


def test_every_question_maps_to_at_least_one_external_clause(framework):
    for q in framework.questions.values():
        assert q.maps_to, q.id
    schemes = {m.scheme for q in framework.questions.values() for m in q.maps_to}
    assert schemes == {"higg_fem", "iso14001", "zdhc"}
    iso = {m.ref for q in framework.questions.values() for m in q.maps_to if m.scheme == "iso14001"}
    assert iso <= {"4.4", "5.2", "5.3", "6.1.2", "6.1.3", "6.2.1", "6.2.2", "7.2", "7.5", "8.1", "8.2", "9.1.1",
                   "9.1.2", "10.2"}
    higg = {m.ref for q in framework.questions.values() for m in q.maps_to if m.scheme == "higg_fem"}
    assert higg == {"EMS", "Energy/GHG", "Water", "Wastewater", "Air", "Waste", "Chemicals"}


# ---- hand-scored examples ---------------------------------------------------------------------------------------
#
# Example 1: a sewing factory (cut_make_trim, not wet processing): the wastewater section does not apply, so the
# weights are ems 1, energy 2, water 2, air 1, waste 1, chemicals 2 (sum 9). Energy's foundational level is not
# met (metering from invoices only), so its intermediate and aspirational points are withheld (gated).
#
# | question                   | level | answer                      | earned / possible | note                     |
# |----------------------------|-------|-----------------------------|-------------------|--------------------------|
# | ems.policy                 | F     | yes                         | 10 / 10           |                          |
# | ems.responsible            | F     | yes                         | 10 / 10           |                          |
# | ems.legal_register         | F     | yes                         | 10 / 10           |                          |
# | ems.permits                | F     | all                         | 10 / 10           |                          |
# | ems.aspects                | I     | yes                         | 10 / 10           |                          |
# | ems.targets                | I     | some                        |  5 / 10           |                          |
# | ems.training               | I     | 60 (percent)                |  5 / 10           | ≥ 50 met, ≥ 90 not       |
# | ems.iso14001               | A     | under_way                   |  5 / 10           |                          |
# | ems.certificate_expiry     | A     | -                           |  skipped          | only if certified        |
# | energy.metering            | F     | invoices                    |  5 / 10           | foundational not met     |
# | energy.sources             | F     | grid; coal                  |  unscored         |                          |
# | energy.inventory           | F     | scopes_1_2                  | 10 / 10           |                          |
# | energy.target              | I     | yes                         | (10) 0 / 10       | gated                    |
# | energy.intensity_reduction | I     | -2 (it rose 2 %)            |  0 / 10           | below every threshold    |
# | energy.biomass_sourcing    | I     | -                           |  skipped          | no biomass               |
# | energy.projects            | I     | one row                     | (10) 0 / 10       | gated                    |
# | energy.renewable_share     | A     | 12 (percent)                | (4) 0 / 10        | gated                    |
# | energy.coal_phase_out      | A     | studied                     | (5) 0 / 10        | gated; asked: coal       |
# | water.metering             | F     | yes                         | 10 / 10           |                          |
# | water.sources              | F     | two rows                    | 10 / 10           |                          |
# | water.groundwater_permit   | F     | na (no well)                |  not counted      |                          |
# | water.balance              | I     | no                          |  0 / 10           |                          |
# | water.target               | I     | yes                         | 10 / 10           |                          |
# | water.intensity_reduction  | I     | 3.5 (percent)               |  7 / 10           | ≥ 3 met, ≥ 5 not         |
# | water.recycled_share       | A     | (unanswered)                |  0 / 10           | a gap                    |
# | air.sources                | F     | one row                     | 10 / 10           |                          |
# | air.permit                 | F     | yes                         | 10 / 10           |                          |
# | air.stack_monitoring       | I     | within_limits               | 10 / 10           |                          |
# | air.refrigerants           | I     | yes                         | 10 / 10           |                          |
# | air.ozone_depleting        | A     | plan                        |  5 / 10           |                          |
# | waste.segregation          | F     | yes                         | 10 / 10           |                          |
# | waste.hazardous            | F     | licensed_manifests          | 10 / 10           |                          |
# | waste.tracking             | I     | yes                         | 10 / 10           |                          |
# | waste.diversion            | I     | 60 (percent)                |  5 / 10           | ≥ 50 met                 |
# | waste.circular             | A     | textile_recycling; reuse    |  7 / 10           | 4 + 3                    |
# | chemicals.inventory        | F     | yes                         | 10 / 10           |                          |
# | chemicals.sds              | F     | yes                         | 10 / 10           |                          |
# | chemicals.storage          | F     | full                        | 10 / 10           |                          |
# | chemicals.mrsl_conformance | I     | 92 (percent)                |  7 / 10           | ≥ 90 met                 |
# | chemicals.purchasing       | I     | no                          |  0 / 10           |                          |
# | chemicals.training         | I     | 85 (percent)                |  5 / 10           | ≥ 80 met                 |
# | chemicals.rsl_testing      | A     | on_request                  |  5 / 10           |                          |
#
# ems       = 25 × 40/40 + 50 × 20/30 + 25 × 5/10         = 25 + 33.333… + 12.5 = 70.8333… (= 425/6); level F
# energy    = 25 × 15/20 + 50 × 0/30 (gated) + 25 × 0/20  = 18.75; no level reached
# water     = 25 × 20/20 + 50 × 17/30 + 25 × 0/10         = 25 + 28.333…        = 53.3333… (= 160/3); level F
# air       = 25 × 20/20 + 50 × 20/20 + 25 × 5/10         = 25 + 50 + 12.5      = 87.5; level I
# waste     = 25 × 20/20 + 50 × 15/20 + 25 × 7/10         = 25 + 37.5 + 17.5    = 80; level F
# chemicals = 25 × 30/30 + 50 × 12/30 + 25 × 5/10         = 25 + 20 + 12.5      = 57.5; level F
# total     = (1 × 425/6 + 2 × 18.75 + 2 × 160/3 + 1 × 87.5 + 1 × 80 + 2 × 57.5) / 9
#           = (70.8333… + 37.5 + 106.6667… + 87.5 + 80 + 115) / 9 = 497.5 / 9 = 55.2777…; overall: no level
#           (energy's foundational level is not met).
SEWING = Subject("facility", ("cut_make_trim",))
EXAMPLE_1 = {
    "ems.policy": "yes", "ems.responsible": "yes", "ems.legal_register": "yes", "ems.permits": "all",
    "ems.aspects": "yes", "ems.targets": "some", "ems.training": "60", "ems.iso14001": "under_way",
    "energy.metering": "invoices", "energy.sources": "grid;coal", "energy.inventory": "scopes_1_2",
    "energy.target": "yes", "energy.intensity_reduction": "-2",
    "energy.projects": [{"project": "Condensate return", "completed": "2026-03-15", "saving": "120 MWh"}],
    "energy.renewable_share": "12", "energy.coal_phase_out": "studied",
    "water.metering": "yes", "water.groundwater_permit": "na", "water.balance": "no", "water.target": "yes",
    "water.sources": [{"source": "mains", "volume": "18000 m3", "metered": "yes"},
                      {"source": "rainwater", "volume": "1200 m3", "metered": "no"}],
    "water.intensity_reduction": "3.5",
    "air.sources": [{"unit": "generator", "fuel": "oil", "capacity": "500 kW", "hours": "120 h"}],
    "air.permit": "yes", "air.stack_monitoring": "within_limits", "air.refrigerants": "yes",
    "air.ozone_depleting": "plan",
    "waste.segregation": "yes", "waste.hazardous": "licensed_manifests", "waste.tracking": "yes",
    "waste.diversion": "60", "waste.circular": "textile_recycling;reuse",
    "chemicals.inventory": "yes", "chemicals.sds": "yes", "chemicals.storage": "full",
    "chemicals.mrsl_conformance": "92", "chemicals.purchasing": "no", "chemicals.training": "85",
    "chemicals.rsl_testing": "on_request",
}
EXAMPLE_1_ANSWERS = {   # question: (status, earned as reported (0 when gated), possible, gated)
    "ems.training": ("partial", 5, 10, False), "ems.certificate_expiry": ("skipped", 0, 0, False),
    "energy.metering": ("partial", 5, 10, False), "energy.sources": ("unscored", 0, 0, False),
    "energy.target": ("full", 0, 10, True), "energy.intensity_reduction": ("failed", 0, 10, True),
    "energy.biomass_sourcing": ("skipped", 0, 0, False), "energy.projects": ("full", 0, 10, True),
    "energy.renewable_share": ("partial", 0, 10, True), "energy.coal_phase_out": ("partial", 0, 10, True),
    "water.groundwater_permit": ("na", 0, 0, False), "water.intensity_reduction": ("partial", 7, 10, False),
    "water.recycled_share": ("unanswered", 0, 10, False),
    "wastewater.treatment": ("not_applicable", 0, 0, False), "waste.circular": ("partial", 7, 10, False),
    "chemicals.mrsl_conformance": ("partial", 7, 10, False),
}


def _check(result, sections, answers):
    got = {s.section: s for s in result.sections}
    for sid, (percent, level) in sections.items():
        if percent is None:
            assert not got[sid].counted and got[sid].percent is None, sid
        else:
            assert got[sid].percent == pytest.approx(percent, abs=TOL), sid
        assert got[sid].level_reached == level, sid
    scored = {a.question: a for a in result.answers}
    for qid, (status, earned, possible, gated) in answers.items():
        a = scored[qid]
        assert (a.status, a.earned, a.possible, a.gated) == (status, earned, possible, gated), qid


def test_example_1_a_sewing_factory_reaches_the_foundational_level_in_some_sections_and_is_gated_in_energy(framework):
    result = score(framework, EXAMPLE_1, SEWING)
    _check(result, {
        "ems": (425 / 6, "foundational"), "energy": (18.75, None), "water": (160 / 3, "foundational"),
        "wastewater": (None, None), "air": (87.5, "intermediate"), "waste": (80.0, "foundational"),
        "chemicals": (57.5, "foundational"),
    }, EXAMPLE_1_ANSWERS)
    assert result.percent == pytest.approx(497.5 / 9, abs=TOL)
    assert result.level_reached is None
    shares = {s.section: s.weight_share for s in result.sections}
    assert shares == pytest.approx({"ems": 1 / 9, "energy": 2 / 9, "water": 2 / 9, "wastewater": 0.0,
                                    "air": 1 / 9, "waste": 1 / 9, "chemicals": 2 / 9}, abs=TOL)
    # Raising energy.metering to full lifts the gate: energy becomes 25 + 50 × 20/30 + 25 × 9/20 = 69.1666…,
    # a gain of 50.4166… section points × 2/9 = 11.2037… total points, the largest of all.
    best = result.raise_most[0]
    assert best.question == "energy.metering"
    assert best.total_gain == pytest.approx((25 + 50 * 20 / 30 + 25 * 9 / 20 - 18.75) * 2 / 9, abs=TOL)


# Example 2: a dyehouse (dyeing: wet processing, so all seven sections apply; weights sum 11) with questions
# answered "not applicable" and questions skipped by their conditions. No section is gated.
#
# | question                      | level | answer                   | earned / possible | note                      |
# |-------------------------------|-------|--------------------------|-------------------|---------------------------|
# | ems.policy … ems.permits      | F     | yes, yes, yes, all       | 40 / 40           |                           |
# | ems.aspects                   | I     | yes                      | 10 / 10           |                           |
# | ems.targets                   | I     | some                     |  5 / 10           |                           |
# | ems.training                  | I     | 95 (percent)             | 10 / 10           | ≥ 90 met                  |
# | ems.iso14001                  | A     | certified                | 10 / 10           |                           |
# | ems.certificate_expiry        | A     | 2027-06-30               |  unscored         | asked: certified          |
# | energy.metering               | F     | submetered               | 10 / 10           |                           |
# | energy.sources                | F     | grid; biomass; solar     |  unscored         |                           |
# | energy.inventory              | F     | scopes_1_2               | 10 / 10           |                           |
# | energy.target                 | I     | yes                      | 10 / 10           |                           |
# | energy.intensity_reduction    | I     | 5.2 (percent)            | 10 / 10           | ≥ 5 met                   |
# | energy.biomass_sourcing       | I     | known                    |  5 / 10           | asked: biomass            |
# | energy.projects               | I     | (unanswered)             |  0 / 10           | a gap                     |
# | energy.renewable_share        | A     | 35 (percent)             |  7 / 10           | ≥ 30 met                  |
# | energy.coal_phase_out         | A     | -                        |  skipped          | no coal                   |
# | water.metering, water.sources | F     | yes; one row             | 20 / 20           |                           |
# | water.groundwater_permit      | F     | na (no well)             |  not counted      |                           |
# | water.balance                 | I     | yes                      | 10 / 10           |                           |
# | water.target                  | I     | no                       |  0 / 10           |                           |
# | water.intensity_reduction     | I     | -1.5 (it rose)           |  0 / 10           |                           |
# | water.recycled_share          | A     | 45 (percent)             | 10 / 10           | ≥ 40 met                  |
# | wastewater.treatment          | F     | central_plant            | 10 / 10           |                           |
# | wastewater.permit             | F     | yes                      | 10 / 10           |                           |
# | wastewater.zdhc_sampling      | F     | two                      | 10 / 10           |                           |
# | wastewater.zdhc_compliance    | I     | 96 (percent)             |  7 / 10           | ≥ 95 met                  |
# | wastewater.corrective_action  | I     | na (nothing failed)      |  not counted      |                           |
# | wastewater.sludge             | I     | licensed_manifests       | 10 / 10           |                           |
# | wastewater.lab_report         | I     | clearstream-2026-04.pdf  |  5 / 5            |                           |
# | wastewater.beyond_foundational| A     | progressive              |  6 / 10           |                           |
# | air.sources, air.permit       | F     | one row; yes             | 20 / 20           |                           |
# | air.stack_monitoring          | I     | exceeded                 |  4 / 10           |                           |
# | air.refrigerants              | I     | yes                      | 10 / 10           |                           |
# | air.ozone_depleting           | A     | in_use                   |  0 / 10           |                           |
# | waste.segregation, .hazardous | F     | yes; licensed_manifests  | 20 / 20           |                           |
# | waste.tracking                | I     | no                       |  0 / 10           |                           |
# | waste.diversion               | I     | -                        |  skipped          | only if tracked           |
# | waste.circular                | A     | none                     |  0 / 10           |                           |
# | chemicals.inventory, .sds, .storage | F | yes; yes; full        | 30 / 30           |                           |
# | chemicals.mrsl_conformance, .purchasing, .training | I | 100; yes; 100 | 30 / 30  |                           |
# | chemicals.rsl_testing         | A     | planned                  | 10 / 10           |                           |
#
# ems        = 25 × 1 + 50 × 25/30 + 25 × 1   = 25 + 41.6667… + 25 = 91.6667… (= 275/3); level F (targets partial)
# energy     = 25 × 1 + 50 × 25/40 + 25 × 7/10 = 25 + 31.25 + 17.5 = 73.75; level F
# water      = 25 × 1 + 50 × 10/30 + 25 × 1    = 25 + 16.6667… + 25 = 66.6667… (= 200/3); level F
# wastewater = 25 × 1 + 50 × 22/25 + 25 × 6/10 = 25 + 44 + 15 = 84; level F
# air        = 25 × 1 + 50 × 14/20 + 25 × 0    = 25 + 35 = 60; level F
# waste      = 25 × 1 + 50 × 0/10 + 25 × 0     = 25; level F
# chemicals  = 25 × 1 + 50 × 1 + 25 × 1        = 100; level aspirational
# total      = (1 × 275/3 + 2 × 73.75 + 2 × 200/3 + 2 × 84 + 1 × 60 + 1 × 25 + 2 × 100) / 11
#            = (91.6667… + 147.5 + 133.3333… + 168 + 60 + 25 + 200) / 11 = 825.5 / 11 = 75.0454…; overall level F.
DYEHOUSE = Subject("facility", ("dyeing",))
EXAMPLE_2 = {
    "ems.policy": "yes", "ems.responsible": "yes", "ems.legal_register": "yes", "ems.permits": "all",
    "ems.aspects": "yes", "ems.targets": "some", "ems.training": "95 %", "ems.iso14001": "certified",
    "ems.certificate_expiry": "2027-06-30",
    "energy.metering": "submetered", "energy.sources": ["grid", "biomass", "solar"], "energy.inventory": "scopes_1_2",
    "energy.target": "yes", "energy.intensity_reduction": 5.2, "energy.biomass_sourcing": "known",
    "energy.renewable_share": "35",
    "water.metering": "yes", "water.sources": [{"source": "mains", "volume": "250000 m3", "metered": "yes"}],
    "water.groundwater_permit": "na", "water.balance": "yes", "water.target": "no",
    "water.intensity_reduction": "-1.5", "water.recycled_share": "45",
    "wastewater.treatment": "central_plant", "wastewater.permit": "yes", "wastewater.zdhc_sampling": "two",
    "wastewater.zdhc_compliance": "96", "wastewater.corrective_action": "na",
    "wastewater.sludge": "licensed_manifests", "wastewater.lab_report": "clearstream-2026-04.pdf",
    "wastewater.beyond_foundational": "progressive",
    "air.sources": [{"unit": "boiler", "fuel": "biomass", "capacity": "4 MW", "hours": "6000 h"}],
    "air.permit": "yes", "air.stack_monitoring": "exceeded", "air.refrigerants": "yes", "air.ozone_depleting": "in_use",
    "waste.segregation": "yes", "waste.hazardous": "licensed_manifests", "waste.tracking": "no",
    "waste.circular": "none",
    "chemicals.inventory": "yes", "chemicals.sds": "yes", "chemicals.storage": "full",
    "chemicals.mrsl_conformance": "100", "chemicals.purchasing": "yes", "chemicals.training": "100",
    "chemicals.rsl_testing": "planned",
}
EXAMPLE_2_ANSWERS = {
    "ems.certificate_expiry": ("unscored", 0, 0, False), "energy.biomass_sourcing": ("partial", 5, 10, False),
    "energy.projects": ("unanswered", 0, 10, False), "energy.coal_phase_out": ("skipped", 0, 0, False),
    "water.groundwater_permit": ("na", 0, 0, False), "water.intensity_reduction": ("failed", 0, 10, False),
    "wastewater.corrective_action": ("na", 0, 0, False), "wastewater.lab_report": ("full", 5, 5, False),
    "wastewater.zdhc_compliance": ("partial", 7, 10, False), "air.stack_monitoring": ("partial", 4, 10, False),
    "waste.diversion": ("skipped", 0, 0, False), "waste.circular": ("failed", 0, 10, False),
}


def test_example_2_a_dyehouse_with_not_applicable_and_skipped_questions(framework):
    result = score(framework, EXAMPLE_2, DYEHOUSE)
    _check(result, {
        "ems": (275 / 3, "foundational"), "energy": (73.75, "foundational"), "water": (200 / 3, "foundational"),
        "wastewater": (84.0, "foundational"), "air": (60.0, "foundational"), "waste": (25.0, "foundational"),
        "chemicals": (100.0, "aspirational"),
    }, EXAMPLE_2_ANSWERS)
    assert result.percent == pytest.approx(825.5 / 11, abs=TOL)
    assert result.level_reached == "foundational"
    assert sum(s.weight_share for s in result.sections) == pytest.approx(1.0, abs=TOL)


def test_given_a_shared_facility_then_the_per_kilogram_and_inventory_figures_and_wastewater_do_not_apply(framework):
    # A central plant with no processes of its own: the facility-only data questions are not applicable, and the
    # wastewater section (wet processing) is left out; everything else unanswered counts as a gap (0 %).
    result = score(framework, {}, Subject("shared_facility"))
    status = {a.question: a.status for a in result.answers}
    for qid in ("energy.intensity_reduction", "water.intensity_reduction", "chemicals.mrsl_conformance",
                "wastewater.treatment", "wastewater.zdhc_compliance"):
        assert status[qid] == "not_applicable", qid
    assert status["energy.metering"] == "unanswered"
    assert result.percent == 0.0
    assert [s.section for s in result.sections if s.counted] == ["ems", "energy", "water", "air", "waste", "chemicals"]


# ---- identity ----------------------------------------------------------------------------------------------------

def test_the_content_hash_is_stable_across_loads(framework):
    text = resources.files("loomlight.calc.assessment.frameworks").joinpath(
        "facility_env-2026.1.yaml").read_text(encoding="utf-8")
    first, second = load(text, "facility_env-2026.1.yaml"), load(text, "again.yaml")
    assert first.content_hash == second.content_hash == framework.content_hash
    assert re.fullmatch("[0-9a-f]{64}", framework.content_hash)
    policy = "points: 10\n        text:\n          en: Has top management"
    assert policy in text
    changed = load(text.replace(policy, policy.replace("10", "9"), 1), "changed.yaml")   # one point less
    assert changed.content_hash != framework.content_hash
