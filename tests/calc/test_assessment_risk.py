"""Risk frameworks (``kind: risk``) and the biomass first screening (calc/assessment/risk.py).

The example screenings are hand-rated: each supplier's answers and the rating expected of every criterion and of
the whole are stated as tables below, read off the framework file's ratings by hand (rule: a criterion is high if
any question is high, else unknown if any is unknown, else medium if any is medium, else low; overall high on any
knock-out). Unknown is never low: a property test deletes random answers."""

import dataclasses
import json
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loomlight.calc.assessment import Code, FrameworkInvalid, Subject, WrongKind, load, score
from loomlight.calc.assessment.builtin import builtin, builtin_versions
from loomlight.calc.assessment.risk import RATINGS, rate, worst
from loomlight.calc.assessment.tree import LANGUAGES, SCHEMES
from loomlight.cli import main

FRAMEWORK = builtin("biomass_screening")
CRITERIA = ("origin", "legality", "deforestation", "biodiversity", "competing", "certification", "labour", "community",
            "transport", "storage", "combustion")


def table(text: str) -> dict:
    """A table of `question | answer` rows (an empty answer: not answered) as a dict of the answered ones."""
    rows = [line.split("|") for line in text.strip().splitlines()]
    return {q.strip(): a.strip() for q, a in rows if a.strip()}


def ratings(text: str) -> dict:
    rows = [line.split("|") for line in text.strip().splitlines()]
    return {c.strip(): r.strip() for c, r in rows}


# ---- four hand-rated suppliers -------------------------------------------------------------------------------

RICE_HUSK_MILL = table("""
feedstock.type              | rice_husk
feedstock.category          | own_process_waste
feedstock.transport_mode    | truck
origin.chain_known          | primary_producer
origin.intermediaries       | 0
legality.licence            | yes
legality.land_rights        | residue_of_own_site
deforestation.converted     | no_existing_use
biodiversity.protected_area | outside
competing.uses              | none
certification.scheme        | ggl
certification.valid         | yes
labour.child_forced         | none_audited
labour.safety               | managed
community.grievance         | yes
community.impacts           | none
transport.distance          | 12 km
storage.cover               | roofed
storage.fire                | yes
combustion.dust_control     | bag_filter_esp
combustion.stack_test       | within_limit
combustion.contaminated     | no
""")
RICE_HUSK_MILL_RATED = ratings("""
origin        | low
legality      | low
deforestation | low
biodiversity  | low
competing     | low
certification | low
labour        | low
community     | low
transport     | low
storage       | low
combustion    | low
overall       | low
""")

# pellets with no chain of custody: the chain is not known, no certificate, the woody questions open
PELLET_TRADER = table("""
feedstock.type               | wood_pellets
feedstock.category           | wood_industry_residue
origin.chain_known           |
origin.intermediaries        |
origin.geolocation           |
legality.licence             | yes
legality.permits             |
legality.land_rights         | documented
deforestation.converted      | no_existing_use
deforestation.natural_forest |
biodiversity.protected_area  | outside
competing.uses               | none
certification.scheme         | none
labour.child_forced          | none_audited
labour.safety                | managed
community.grievance          | yes
community.impacts            | none
transport.distance           | 80
storage.cover                | roofed
storage.fire                 | yes
combustion.dust_control      | bag_filter_esp
combustion.stack_test        | within_limit
combustion.contaminated      | no
""")
PELLET_TRADER_RATED = ratings("""
origin        | unknown
legality      | unknown
deforestation | unknown
biodiversity  | low
competing     | low
certification | medium
labour        | low
community     | low
transport     | medium
storage       | low
combustion    | low
overall       | unknown
""")

FOREST_WOOD = table("""
feedstock.type               | natural_forest_wood
feedstock.category           | natural_forest_wood
origin.chain_known           | own_supplier_only
origin.intermediaries        | 3
origin.geolocation           | no
legality.licence             | yes
legality.permits             | no
legality.land_rights         | undocumented
deforestation.converted      | no_declared
deforestation.natural_forest | yes
biodiversity.protected_area  | bordering
competing.uses               | local_fuel
certification.scheme         | none
labour.child_forced          | none_declared
labour.safety                | none
community.grievance          | no
community.impacts            | none
transport.distance           | 40 km
storage.cover                | open
storage.fire                 | no
combustion.dust_control      | cyclone_scrubber
combustion.stack_test        | no_test
combustion.contaminated      | no
""")
FOREST_WOOD_RATED = ratings("""
origin        | high
legality      | high
deforestation | high
biodiversity  | medium
competing     | medium
certification | medium
labour        | high
community     | medium
transport     | low
storage       | high
combustion    | medium
overall       | high
""")

# a cashew-shell trader that answered part of the questionnaire
CASHEW_TRADER = table("""
feedstock.type              | cashew_nut_shells
feedstock.category          | agro_industrial_residue
origin.chain_known          | first_collector
origin.intermediaries       | 2
legality.licence            | yes
legality.land_rights        |
deforestation.converted     | no_existing_use
biodiversity.protected_area | outside
competing.uses              | materials
certification.scheme        | none
labour.child_forced         |
labour.safety               | partly
community.grievance         |
community.impacts           |
transport.distance          | 150 km
storage.cover               | covered
storage.fire                |
combustion.dust_control     | cyclone_scrubber
combustion.stack_test       |
combustion.contaminated     | no
""")
CASHEW_TRADER_RATED = ratings("""
origin        | medium
legality      | unknown
deforestation | low
biodiversity  | low
competing     | medium
certification | medium
labour        | unknown
community     | unknown
transport     | medium
storage       | unknown
combustion    | unknown
overall       | unknown
""")

SUPPLIERS = {
    "rice husk mill, GGL-certified": (RICE_HUSK_MILL, RICE_HUSK_MILL_RATED, (), ()),
    "pellets without chain of custody": (PELLET_TRADER, PELLET_TRADER_RATED, (),
                                         ("origin.chain_known", "origin.intermediaries", "origin.geolocation",
                                          "legality.permits", "deforestation.natural_forest")),
    "natural-forest wood": (FOREST_WOOD, FOREST_WOOD_RATED, ("legality.permits", "deforestation.natural_forest"), ()),
    "cashew-shell trader, partly answered": (CASHEW_TRADER, CASHEW_TRADER_RATED, (),
                                             ("legality.land_rights", "labour.child_forced", "community.grievance",
                                              "community.impacts", "storage.fire", "combustion.stack_test")),
}


@pytest.mark.parametrize("name", SUPPLIERS)
def test_given_a_hand_rated_supplier_when_rated_then_every_criterion_and_the_whole_are_as_the_table_says(name):
    answers, expected, knockouts, missing = SUPPLIERS[name]
    result = rate(FRAMEWORK, answers)
    assert {c.id: c.rating for c in result.criteria} | {"overall": result.overall} == expected
    assert [c.id for c in result.criteria] == list(CRITERIA)   # the feedstock section rates nothing: left out
    assert (result.knockouts, result.missing) == (knockouts, missing)


def test_the_forest_wood_supplier_is_high_by_knock_out_with_reasons_and_mitigations():
    result = rate(FRAMEWORK, FOREST_WOOD)
    rows = {q.id: q for c in result.criteria for q in c.questions}
    permits = rows["legality.permits"]
    assert (permits.answer, permits.rating, permits.knockout) == ("no", "high", True)
    assert dict(permits.reason)["en"] == "Knock-out: woody biomass without legal documents is not eligible as sustainable biomass."
    assert dict(permits.mitigation)["en"] == "Stop buying this wood until permits or origin documents come with every delivery."
    # a generated reason names the answer; a band's reason the number and its unit
    assert dict(rows["origin.chain_known"].reason) == {"en": "answer own_supplier_only → high"}
    assert dict(rows["transport.distance"].reason) == {"en": "answer 40 km → low"}
    assert rows["transport.distance"].mitigation == ()   # low needs none
    # every medium or high question carries a mitigation
    assert all(q.mitigation for q in rows.values() if q.rating in ("medium", "high"))
    # the question's own mitigation serves where the answer has none
    assert dict(rows["labour.safety"].mitigation)["en"].startswith("Agree a safety plan with the supplier")


def test_a_knock_out_makes_the_whole_high_even_when_every_criterion_would_be_low():
    # given the low rice-husk mill, when contaminated waste wood is burned without controls
    result = rate(FRAMEWORK, {**RICE_HUSK_MILL, "combustion.contaminated": "yes_uncontrolled"})
    assert (result.overall, result.knockouts) == ("high", ("combustion.contaminated",))
    assert {c.id: c.rating for c in result.criteria}["combustion"] == "high"


def test_the_worst_selected_use_rates_a_multiple_choice():
    for uses, expected in (("none", "low"), ("none;materials", "medium"), ("feed;local_fuel", "medium"),
                           ("materials;food", "high")):
        result = rate(FRAMEWORK, {**RICE_HUSK_MILL, "competing.uses": uses})
        assert {c.id: c.rating for c in result.criteria}["competing"] == expected, uses


@pytest.mark.parametrize("distance, expected", [("0", "low"), ("50", "low"), ("50.1", "medium"), ("200 km", "medium"),
                                                ("200.5 km", "high"), ("2000 m", "low"), ("1200", "high")])
def test_a_number_rates_by_its_first_band_in_the_question_unit(distance, expected):
    result = rate(FRAMEWORK, {**RICE_HUSK_MILL, "transport.distance": distance})
    assert {c.id: c.rating for c in result.criteria}["transport"] == expected


def test_a_question_that_does_not_apply_is_left_out_and_not_unknown():
    # given the rice-husk mill: the woody questions and the field-residue question do not apply
    rows = {q.id for c in rate(FRAMEWORK, RICE_HUSK_MILL).criteria for q in c.questions}
    assert not rows & {"origin.geolocation", "legality.permits", "deforestation.natural_forest", "biodiversity.residue_removal"}
    # an uncertified stream is not asked whether its certificate is valid
    result = rate(FRAMEWORK, {**RICE_HUSK_MILL, "certification.scheme": "none"})
    assert [q.id for c in result.criteria if c.id == "certification" for q in c.questions] == ["certification.scheme"]


def test_an_unanswered_gate_leaves_its_rated_follow_ups_unknown_and_is_what_to_ask_for():
    # given the rice-husk mill without its feedstock type: nobody knows whether the woody questions apply
    answers = {q: a for q, a in RICE_HUSK_MILL.items() if q != "feedstock.type"}
    result = rate(FRAMEWORK, answers)
    got = {c.id: c.rating for c in result.criteria}
    assert (got["origin"], got["legality"], got["deforestation"], result.overall) == ("unknown",) * 4
    assert result.missing == ("feedstock.type",)


def test_a_criterion_with_no_rated_question_that_applies_is_left_out():
    mini = load(RISK_MINI.replace("      - id: water.use\n", "      - id: water.use\n        applies_to: {subjects: [park]}\n"))
    result = rate(mini, {"legal.permit": "yes"}, Subject("facility"))
    assert [c.id for c in result.criteria] == ["legal"]
    assert rate(mini, {}, Subject("facility")).overall == "unknown"


def test_na_where_allowed_does_not_count_and_is_not_unknown():
    mini = load(RISK_MINI.replace("        bands:", "        allow_na: true\n        bands:"))
    result = rate(mini, {"legal.permit": "yes", "water.use": "na"})
    assert ([c.id for c in result.criteria], result.overall, result.missing) == (["legal"], "low", ())


def test_the_rating_order_puts_unknown_between_medium_and_high():
    assert RATINGS == ("low", "medium", "high", "unknown")
    assert [worst(r) for r in (["low", "medium"], ["medium", "unknown"], ["unknown", "high"], ["low"], [])] == [
        "medium", "unknown", "high", "low", None]


# ---- unknown is never low ------------------------------------------------------------------------------------

RATED = [q.id for q in FRAMEWORK.questions.values() if q.rated]
GATES = sorted({q.when.question for q in FRAMEWORK.questions.values() if q.when is not None and q.rated})


def _random_answers(rng) -> dict:
    """One valid answer for every question (a random choice, subset, yes/no or distance)."""
    out = {}
    for q in FRAMEWORK.questions.values():
        if q.type == "yes_no":
            out[q.id] = rng.choice(["yes", "no"])
        elif q.type == "single_choice":
            out[q.id] = rng.choice(q.choices).code
        elif q.type == "multiple_choice":
            out[q.id] = ";".join(c.code for c in rng.sample(q.choices, rng.randint(1, len(q.choices))))
        elif q.type == "number":
            out[q.id] = str(rng.choice([0, 1, 2, 3, 4, 50, 51, 200, 201, 900]))
    return out


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), start=st.sampled_from([None, *SUPPLIERS]), share=st.floats(0.01, 1.0))
def test_deleting_any_applicable_rated_answer_never_leaves_its_criterion_or_the_whole_low(seed, start, share):
    # given a complete screening (random, or one of the suppliers), and a random subset of the answers that rate
    # a question that applies (and of the gates such questions hang on), when they are deleted
    rng = random.Random(seed)
    answers = _random_answers(rng) if start is None else dict(SUPPLIERS[start][0])
    before = rate(FRAMEWORK, answers)
    applicable = [q.id for c in before.criteria for q in c.questions if q.rating != "unknown"]
    pool = applicable + [g for g in GATES if g in answers]
    deleted = set(rng.sample(pool, max(1, round(share * len(pool))))) if pool else set()
    after = rate(FRAMEWORK, {q: a for q, a in answers.items() if q not in deleted})
    # then no criterion holding a deleted rated answer is low, and the whole is not low
    criterion_of = {q.id: q.section for q in FRAMEWORK.questions.values()}
    got = {c.id: c.rating for c in after.criteria}
    for qid in deleted & set(applicable):
        assert got[criterion_of[qid]] != "low", (qid, got)
    assert after.overall != "low"
    # and a deleted answer is unknown, never rated from nothing; what is missing now is what was deleted or missing before
    rows = {q.id: q for c in after.criteria for q in c.questions}
    for qid in deleted & set(applicable):
        assert rows[qid].rating == "unknown" and rows[qid].answer is None
    assert set(after.missing) <= deleted | set(before.missing)


def test_unknown_never_low_over_every_single_deletion_of_every_supplier():
    # the exhaustive complement of the property test: each supplier, each of its answers deleted alone
    for name, (answers, *_rest) in SUPPLIERS.items():
        for qid in answers:
            question = FRAMEWORK.questions[qid]
            after = rate(FRAMEWORK, {q: a for q, a in answers.items() if q != qid})
            if question.rated:
                assert {c.id: c.rating for c in after.criteria}[question.section] != "low", (name, qid)
                assert after.overall != "low", (name, qid)


# ---- the framework file ----------------------------------------------------------------------------------------

def test_the_biomass_framework_is_a_shipped_risk_framework_with_the_issue_criteria():
    assert builtin_versions()["biomass_screening"] == ("2026.1",)
    assert FRAMEWORK.kind == "risk"
    assert [s.id for s in FRAMEWORK.sections] == ["feedstock", *CRITERIA]
    assert not any(q.rated for q in FRAMEWORK.sections[0].questions)   # the feedstock section is informational
    assert [c.code for c in FRAMEWORK.questions["feedstock.type"].choices] == [
        "rice_husk", "wood_chips", "wood_pellets", "sawdust", "bagasse", "cashew_nut_shells", "palm_kernel_shells",
        "coconut_shells", "corn_cobs", "cassava_rhizomes", "empty_fruit_bunches", "coffee_husks",
        "agricultural_residues_other", "plantation_wood", "natural_forest_wood"]
    assert [c.code for c in FRAMEWORK.questions["feedstock.category"].choices] == [
        "own_process_waste", "agro_industrial_residue", "field_residue", "wood_industry_residue",
        "plantation_roundwood", "natural_forest_wood", "unknown"]
    assert [c.code for c in FRAMEWORK.questions["certification.scheme"].choices] == [
        "fsc", "pefc", "sbp", "rsb", "ggl", "iscc", "national", "none"]
    # the knock-outs of ../shared/reference/ghg-roi-biomass.md §6.6 C, one question each
    knockouts = sorted(q.id for q in FRAMEWORK.questions.values()
                       if any(o.knockout for _, o in q.outcomes) or any(c.outcome and c.outcome.knockout for c in q.choices))
    assert knockouts == ["biodiversity.protected_area", "combustion.contaminated", "deforestation.converted",
                         "deforestation.natural_forest", "labour.child_forced", "legality.permits"]
    assert {"sbp", "fsc", "pefc", "rsb", "ggl", "iscc"} <= {m.scheme for q in FRAMEWORK.questions.values() for m in q.maps_to}
    assert SCHEMES["sbp"] == "Sustainable Biomass Program (SBP) standards" and SCHEMES["ggl"] == "Green Gold Label (GGL)"
    assert all(s.guidance for s in FRAMEWORK.sections)   # each criterion says what evidence to ask for
    assert "31 December 2020" in dict(FRAMEWORK.sections[3].guidance)["en"]


def _texts(node, path="framework"):
    if dataclasses.is_dataclass(node):
        for field in dataclasses.fields(node):
            yield from _texts(getattr(node, field.name), f"{path}.{field.name}")
    elif isinstance(node, tuple) and node and all(isinstance(i, tuple) and len(i) == 2 and i[0] in LANGUAGES
                                                  and isinstance(i[1], str) for i in node):
        yield path, node
    elif isinstance(node, tuple):
        for index, item in enumerate(node):
            yield from _texts(item, f"{path}[{index}]")


def test_every_text_of_the_biomass_framework_is_in_all_four_languages():
    nodes = list(_texts(FRAMEWORK))
    assert len(nodes) > 150
    for path, text in nodes:
        found = dict(text)
        assert tuple(found) == LANGUAGES, path
        if len(set(found.values())) == 1 and found["en"].isascii() and found["en"].isupper():
            continue   # a scheme's name (FSC, PEFC, SBP, ...) is written the same in every language
        assert any("\u1780" <= ch <= "\u17ff" for ch in found["km"]), path
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in found["th"]), path
        assert found["vi"] != found["en"], path


def test_the_content_hashes_of_the_scored_frameworks_did_not_change():
    # the values published before risk frameworks existed (main at c0bf243): the new fields are left out of the
    # canonical JSON at their defaults, so no published version changes identity
    assert {f: builtin(f).content_hash for f in ("facility_env", "facility_social", "industrial_park")} == {
        "facility_env": "21a5f8f77a4c76d7a7311053ebb9fd468de931fb49007941c218c9f9c9e36c42",
        "facility_social": "b6fd6ecbbd2aa8afc530308d94aab4fd58785ba6df9bd00c8052d0573d8ed2a2",
        "industrial_park": "3d8aef5d86ec18e30be70ca426418b0548b7b71867fbcebf63c3ec6e68991d59",
    }
    assert all(builtin(f).kind == "scored" for f in ("facility_env", "facility_social", "industrial_park"))


def test_a_risk_framework_is_not_scored_and_a_scored_one_not_rated():
    with pytest.raises(WrongKind, match="biomass_screening 2026.1 is a risk framework"):
        score(FRAMEWORK, {})
    with pytest.raises(WrongKind, match="facility_env 2026.1 is a scored framework"):
        rate(builtin("facility_env"), {})


# ---- validation ----------------------------------------------------------------------------------------------

RISK_MINI = """id: risk_mini
version: "1"
kind: risk
title: Mini
sections:
  - id: legal
    title: Legal
    questions:
      - id: legal.permit
        type: yes_no
        text: Permit?
        risk: {yes: low, no: {risk: high, knockout: true, mitigation: Get one}}
  - id: water
    title: Water
    questions:
      - id: water.use
        type: number
        unit: m3
        text: Water use
        mitigation: Use less
        bands: [{at_most: 10, risk: low}, {risk: medium}]
"""
SCORED_MINI = """id: scored_mini
version: "1"
title: Mini
sections:
  - id: s
    title: S
    questions:
      - id: s.q
        type: single_choice
        text: Q
        level: foundational
        choices: [{code: a, label: A, points: 1}, {code: b, label: B}]
"""


def _codes(text: str) -> list[tuple[int, str]]:
    with pytest.raises(FrameworkInvalid) as caught:
        load(text, "t.yaml")
    return [(e.line, e.code.value) for e in caught.value.errors]


def test_the_mini_risk_framework_is_valid_and_its_hash_counts_its_risks():
    mini = load(RISK_MINI)
    assert (mini.kind, mini.questions["legal.permit"].rated, mini.questions["water.use"].rated) == ("risk", True, True)
    other = load(RISK_MINI.replace("{risk: medium}", "{risk: high}"))
    assert other.content_hash != mini.content_hash


@pytest.mark.parametrize("old, new, expected", [
    # a scored framework's keys in a risk framework
    ("kind: risk\n", "kind: risk\nscoring: {level_gating: false}\n", [(4, "F028")]),
    ("    title: Legal\n", "    title: Legal\n    weight: 2\n", [(8, "F028")]),
    ("        text: Permit?\n", "        text: Permit?\n        level: foundational\n        points: 2\n", [(12, "F028"), (13, "F028")]),
    ("        mitigation: Use less\n", "        mitigation: Use less\n        thresholds: [{at_most: 3, points: 1}]\n", [(21, "F028")]),
    # a kind that does not exist
    ("kind: risk\n", "kind: graded\n", None),
    # ratings: unknown, missing, knock-out on a low answer
    ("{risk: medium}", "{risk: severe}", [(21, "F030")]),
    ("risk: {yes: low, no: {risk: high, knockout: true, mitigation: Get one}}", "risk: {yes: low}", [(12, "F030")]),
    ("risk: {yes: low, no:", "risk: {yes: {risk: low, knockout: true}, no:", [(12, "F030")]),
    ("risk: {yes: low, no:", "risk: {maybe: low, yes: low, no:", [(12, "F030")]),
    # bands: the last one open, the others rising
    ("bands: [{at_most: 10, risk: low}, {risk: medium}]", "bands: [{at_most: 10, risk: low}, {at_most: 20, risk: medium}]", [(21, "F030")]),
    ("bands: [{at_most: 10, risk: low}, {risk: medium}]", "bands: [{at_most: 10, risk: low}, {at_most: 5, risk: low}, {risk: medium}]", [(21, "F030")]),
    ("bands: [{at_most: 10, risk: low}, {risk: medium}]", "bands: [{risk: low}, {risk: medium}]", [(21, "F030")]),
    # a medium or high outcome without a mitigation, on the outcome or the question
    ("        mitigation: Use less\n", "", [(20, "F031")]),
    (", mitigation: Get one}}", "}}", [(12, "F031")]),
    # a risk spec on a type that takes none
    ("        type: yes_no\n", "        type: text\n", [(12, "F003")]),
])
def test_a_bad_risk_framework_gets_coded_errors_by_line(old, new, expected):
    assert old in RISK_MINI
    codes = _codes(RISK_MINI.replace(old, new))
    if expected is None:
        assert (3, "F027") in codes
    else:
        assert codes == expected


def test_every_choice_is_rated_once_one_is():
    text = RISK_MINI.replace("""        bands: [{at_most: 10, risk: low}, {risk: medium}]
""", """        bands: [{at_most: 10, risk: low}, {risk: medium}]
      - id: water.source
        type: single_choice
        text: Source
        choices: [{code: a, label: A, risk: low}, {code: b, label: B}, {code: c, label: C, reason: Because}]
""")
    assert _codes(text) == [(25, "F030"), (25, "F030")]


@pytest.mark.parametrize("old, new, expected", [
    ("        level: foundational\n", "        level: foundational\n        mitigation: Do it\n", [(12, "F029")]),
    ("{code: a, label: A, points: 1}", "{code: a, label: A, points: 1, risk: low}", [(12, "F029")]),
    ("{code: b, label: B}", "{code: b, label: B, knockout: true}", [(12, "F029")]),
    ("        type: single_choice\n", "        type: yes_no\n        risk: {yes: low, no: high}\n", [(10, "F029"), (13, "F003")]),
])
def test_risk_keys_in_a_scored_framework_are_refused(old, new, expected):
    assert old in SCORED_MINI
    assert _codes(SCORED_MINI.replace(old, new)) == expected


def test_the_new_error_codes_are_in_the_docs_error_table():
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "frameworks.md").read_text(encoding="utf-8")
    for code in (Code.BAD_KIND, Code.NOT_IN_RISK, Code.NOT_IN_SCORED, Code.BAD_RISK, Code.NO_MITIGATION):
        assert f"| {code.value} |" in docs, code


# ---- the command -----------------------------------------------------------------------------------------------

def _csv(tmp_path, answers: dict):
    path = tmp_path / "answers.csv"
    path.write_text("question,answer\n" + "".join(f"{q},{a}\n" for q, a in answers.items()), encoding="utf-8")
    return str(path)


def test_score_of_a_risk_framework_as_json(tmp_path, capsys):
    assert main(["assessment", "score", "biomass_screening", _csv(tmp_path, FOREST_WOOD), "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert list(body) == ["framework", "version", "kind", "content_hash", "subject", "overall", "criteria", "missing", "knockouts"]
    assert (body["framework"], body["version"], body["kind"], body["overall"]) == ("biomass_screening", "2026.1", "risk", "high")
    assert body["knockouts"] == ["legality.permits", "deforestation.natural_forest"] and body["missing"] == []
    assert {c["id"]: c["rating"] for c in body["criteria"]} | {"overall": body["overall"]} == FOREST_WOOD_RATED
    legality = body["criteria"][1]
    assert (legality["id"], legality["title"]) == ("legality", "Legality and land rights")
    assert legality["questions"][1] == {
        "id": "legality.permits", "answer": "no", "rating": "high",
        "reason": "Knock-out: woody biomass without legal documents is not eligible as sustainable biomass.",
        "mitigation": "Stop buying this wood until permits or origin documents come with every delivery.", "knockout": True}
    transport = body["criteria"][8]["questions"][0]
    assert (transport["answer"], transport["rating"], transport["mitigation"]) == (40.0, "low", None)
    competing = body["criteria"][4]["questions"][0]
    assert competing["answer"] == ["local_fuel"]


def test_score_of_a_risk_framework_as_text_in_another_language(tmp_path, capsys):
    assert main(["assessment", "score", "biomass_screening", _csv(tmp_path, CASHEW_TRADER)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "biomass_screening 2026.1: overall risk unknown"
    assert out[3].split() == ["criterion", "title", "rating"]
    assert out[4].split()[0] == "origin" and out[4].split()[-1] == "medium"
    assert out[-1] == ("missing (ask the supplier for): legality.land_rights, labour.child_forced, community.grievance, "
                       "community.impacts, storage.fire, combustion.stack_test")
    assert main(["assessment", "score", "biomass_screening", _csv(tmp_path, FOREST_WOOD), "--language", "th"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "biomass_screening 2026.1: overall risk high (knock-out: legality.permits, deforestation.natural_forest)"
    assert "แหล่งที่มาและการตรวจสอบย้อนกลับ" in out and "เกณฑ์ตัดสิทธิ์" in out


def test_a_bad_answer_to_a_risk_framework_exits_1_with_nothing_on_standard_output(tmp_path, capsys):
    path = _csv(tmp_path, {"feedstock.type": "peat", "transport.distance": "far"})
    assert main(["assessment", "score", "biomass_screening", path, "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[0].startswith(f"{path}:2: A003 feedstock.type: unknown choice peat")
    assert err.splitlines()[1].startswith(f"{path}:3: A005 transport.distance:")


def test_questions_of_a_risk_framework_show_each_answer_risk(capsys):
    assert main(["assessment", "questions", "biomass_screening", "--format", "json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert len(rows) == len(FRAMEWORK.questions) == 26
    assert "points" not in rows["feedstock.type"] and rows["feedstock.type"]["rated"] is False
    assert rows["legality.permits"]["risk"] == [{"answer": "no", "risk": "high", "knockout": True},
                                                {"answer": "yes", "risk": "low", "knockout": False}]
    assert rows["transport.distance"]["risk"] == [{"at_most": 50.0, "risk": "low", "knockout": False},
                                                  {"at_most": 200.0, "risk": "medium", "knockout": False},
                                                  {"at_most": None, "risk": "high", "knockout": False}]
    assert rows["labour.child_forced"]["choices"][2] == {"code": "evidence", "label": "There is evidence or a credible report",
                                                         "risk": "high", "knockout": True}
    assert main(["assessment", "questions", "biomass_screening"]) == 0
    import csv
    import io
    table = {r["id"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert list(next(iter(table.values()))) == ["id", "section", "type", "text", "choices", "risk", "columns", "subjects",
                                                "processes", "when", "unit", "allow_na", "from_data", "mitigation"]
    assert table["transport.distance"]["risk"] == "≤ 50: low; ≤ 200: medium; more: high"
    assert table["legality.permits"]["risk"] == "no: high, knock-out; yes: low"
    assert table["combustion.dust_control"]["choices"].startswith("bag_filter_esp: Bag filter or electrostatic precipitator (low); ")


def test_validate_and_xlsform_take_the_risk_framework(tmp_path, capsys):
    assert main(["assessment", "validate", "biomass_screening"]) == 0
    assert capsys.readouterr().out == "biomass_screening-2026.1.yaml: valid\n"
    out = tmp_path / "screening.xlsx"
    assert main(["assessment", "xlsform", "biomass_screening", "-o", str(out)]) == 0
    assert capsys.readouterr().out == f"{out}: XLSForm biomass_screening version 2026.1-{FRAMEWORK.content_hash[:8]}\n"
    assert out.read_bytes()[:2] == b"PK"
