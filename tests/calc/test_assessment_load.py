"""calc.assessment.load: a framework file's coded errors name the file, the line and the problem; all of them.

Each case states a small framework inline and the (code, line) pairs it must produce, as pyxform's tests do.
"""

import textwrap
from pathlib import Path

import pytest
import yaml

from loomlight.calc.assessment import Code, FrameworkInvalid, load, validate
from loomlight.calc.assessment.tree import PROCESS_GROUPS, PROCESSES

MINI = Path(__file__).parent / "frameworks" / "mini.yaml"

HEAD = """\
id: t
version: "1"
title: T
sections:
  - id: s
    title: S
    questions:
"""


def errors_of(body: str, head: str = HEAD) -> list[tuple[str, int]]:
    return [(e.code.value, e.line) for e in validate(head + body, "t.yaml")]


def test_the_example_framework_is_valid_and_keeps_its_tree():
    # given the example framework of the tests; when it is loaded
    framework = load(MINI.read_text(encoding="utf-8"), str(MINI))
    # then its sections, questions, derived maxima and mappings are as written
    assert [s.id for s in framework.sections] == ["ems", "water"]
    assert list(framework.questions) == ["ems.policy", "ems.targets", "ems.target_year", "ems.certified",
                                         "water.metered", "water.recycled", "water.sources", "water.permit"]
    q = framework.questions
    assert q["ems.targets"].points == 10.0          # the best choice
    assert q["ems.certified"].points == 10.0        # the sum of the choices (6 + 4)
    assert q["water.recycled"].points == 10.0       # the best threshold
    assert q["water.recycled"].direction == "at_least"
    assert q["ems.policy"].evidence_required is True
    assert [(m.scheme, m.ref) for m in q["ems.policy"].maps_to] == [("higg_fem", "EMS-1"), ("iso14001", "5.2")]
    assert dict(framework.title) == {"en": "Mini facility assessment", "vi": "Đánh giá cơ sở thu nhỏ"}
    assert framework.level_weights == (("foundational", 25.0), ("intermediate", 50.0), ("aspirational", 25.0))
    assert q["ems.target_year"].when.op == "in" and q["ems.target_year"].when.value == ("all", "some")
    assert framework.sections[1].applies_to.processes == ("wet_processing",)


@pytest.mark.parametrize("body, expected", [
    # an unknown question type, on the line of `type:`
    ("""\
      - id: q1
        type: yesno
        text: Q
        level: foundational
    """, [("F001", 9)]),
    # a missing key (level) is reported on the question's first line; an unknown key on its own line
    ("""\
      - id: q1
        type: yes_no
        text: Q
        colour: red
    """, [("F002", 8), ("F003", 11)]),
    # an unknown level and negative points
    ("""\
      - id: q1
        type: yes_no
        text: Q
        level: basic
        points: -3
    """, [("F008", 11), ("F011", 12)]),
    # a unit the registry does not know, and an ambiguous one
    ("""\
      - id: q1
        type: number
        text: Q
        level: foundational
        unit: furlongs
      - id: q2
        type: number
        text: Q
        level: foundational
        unit: ton
    """, [("F009", 12), ("F009", 17)]),
    # `when:` naming a later question, and a choice that the earlier question lacks
    ("""\
      - id: q1
        type: yes_no
        text: Q
        level: foundational
        when: {question: q2, equals: yes}
      - id: q2
        type: single_choice
        text: Q
        level: foundational
        choices: [{code: a, label: A}, {code: b, label: B}]
      - id: q3
        type: yes_no
        text: Q
        level: foundational
        when: {question: q2, equals: c}
    """, [("F012", 12), ("F013", 22)]),
    # duplicate question ids and a duplicate choice code
    ("""\
      - id: q1
        type: yes_no
        text: Q
        level: foundational
      - id: q1
        type: multiple_choice
        text: Q
        level: foundational
        choices:
          - {code: a, label: A}
          - {code: a, label: A again}
    """, [("F005", 12), ("F010", 18)]),
    # a language outside en, vi, km, th; a text without English
    ("""\
      - id: q1
        type: yes_no
        level: foundational
        text: {en: Q, fr: Q}
      - id: q2
        type: yes_no
        level: foundational
        text: {vi: Câu hỏi}
    """, [("F007", 11), ("F007", 15)]),
    # an unknown process and subject kind; an unknown mapping scheme
    ("""\
      - id: q1
        type: yes_no
        text: Q
        level: foundational
        applies_to: {processes: [smelting], subjects: [farm]}
        maps_to: [{scheme: gri, ref: "303-3"}]
    """, [("F014", 12), ("F014", 12), ("F015", 13)]),
    # thresholds that give a better number fewer points
    ("""\
      - id: q1
        type: number
        text: Q
        level: foundational
        unit: m3
        thresholds:
          - {at_most: 100, points: 5}
          - {at_most: 50, points: 2}
    """, [("F019", 13)]),
    # a table column of an unknown type, and a number column without a unit
    ("""\
      - id: q1
        type: table
        text: Q
        level: foundational
        columns:
          - {id: a, type: photo, label: A}
          - {id: b, type: number, label: B}
    """, [("F018", 13), ("F009", 14)]),
    # a key given twice in one mapping
    ("""\
      - id: q1
        type: yes_no
        type: text
        text: Q
        level: foundational
    """, [("F022", 10)]),
    # from_data: an unknown source; a source in another unit; a park source on a facility question
    ("""\
      - id: q1
        type: number
        text: Q
        level: foundational
        unit: "1"
        from_data: ltifr_per_hour
      - id: q2
        type: number
        text: Q
        level: foundational
        unit: "1"
        from_data: women_share
      - id: q3
        type: number
        text: Q
        level: foundational
        unit: percent
        applies_to: {subjects: [facility]}
        from_data: cetp_compliance
    """, [("F026", 13), ("F026", 19), ("F026", 26)]),
    # from_data and allow_negative belong to number questions
    ("""\
      - id: q1
        type: yes_no
        text: Q
        level: foundational
        points: 1
        from_data: ltifr_200k
        allow_negative: true
    """, [("F003", 13), ("F003", 14)]),
])
def test_schema_errors_name_the_code_and_line(body, expected):
    assert errors_of(body) == expected


def test_every_error_of_a_file_is_reported_with_the_file_name_and_problem():
    # given a file with four problems in different places
    text = textwrap.dedent("""\
        id: Bad Id
        version: 2026.1
        title: {en: T}
        sections:
          - id: s
            title: S
            weight: 0
            questions:
              - {id: q1, type: essay, text: Q, level: foundational}
    """)
    # when it is validated, then all of them are reported, in line order, naming file and line
    errors = validate(text, "frameworks/bad.yaml")
    assert [str(e) for e in errors] == [
        "frameworks/bad.yaml:1: F006 the framework id “Bad Id” must be lower-case letters, digits and _ (parts joined"
        " by dots), starting with a letter, at most 64 characters",
        "frameworks/bad.yaml:2: F021 the version must be text such as \"2026.1\" (in quotes, so YAML does not read a"
        " number), up to 32 letters, digits, . _ -; not 2026.1",
        "frameworks/bad.yaml:7: F017 the weight of section “s” must be more than 0, not 0",
        "frameworks/bad.yaml:9: F001 unknown question type “essay” in “q1”; the types are yes_no, single_choice,"
        " multiple_choice, number, text, date, evidence, table",
    ]
    with pytest.raises(FrameworkInvalid) as raised:
        load(text, "frameworks/bad.yaml")
    assert len(raised.value.errors) == 4


def test_yaml_syntax_errors_and_aliases_are_coded_with_their_line():
    assert [(e.code, e.line) for e in validate("id: t\nversion: '1'\ntitle: [unclosed\n", "x.yaml")] == [(Code.YAML_SYNTAX, 4)]
    aliased = HEAD + "      - &q {id: q1, type: yes_no, text: Q, level: foundational}\n      - *q\n"
    assert [(e.code, e.line) for e in validate(aliased, "x.yaml")] == [(Code.ALIAS, 8)]
    assert [(e.code, e.line) for e in validate("", "x.yaml")] == [(Code.WRONG_TYPE, 1)]
    assert [(e.code, e.line) for e in validate("- a\n- b\n", "x.yaml")] == [(Code.WRONG_TYPE, 1)]


def test_the_process_vocabulary_is_the_registry_s():
    from loomlight.registry.models import WET_PROCESSES, Process

    assert set(PROCESSES) == {p.value for p in Process}
    assert PROCESS_GROUPS["wet_processing"] == WET_PROCESSES


def test_the_content_hash_ignores_key_order_formatting_and_comments():
    # given the example framework, and the same data re-written with sorted keys in flow style, 10 as 10.0
    text = MINI.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["sections"][0]["questions"][0]["points"] = 10.0
    rewritten = yaml.safe_dump(data, sort_keys=True, default_flow_style=True, allow_unicode=True)
    reordered = yaml.safe_dump(dict(reversed(list(data.items()))), sort_keys=False, allow_unicode=True)
    # then all three have one hash
    original = load(text, "a.yaml").content_hash
    assert load(rewritten, "b.yaml").content_hash == original
    assert load(reordered, "c.yaml").content_hash == original
    assert len(original) == 64 and int(original, 16) >= 0


def test_the_content_hash_changes_when_a_point_or_a_text_changes():
    text = MINI.read_text(encoding="utf-8")
    original = load(text).content_hash
    one_point = text.replace("{code: some, label: For some impacts, points: 5}", "{code: some, label: For some impacts, points: 6}")
    assert one_point != text
    assert load(one_point).content_hash != original
    assert load(text.replace("Is water use metered at the intake?", "Is water use metered?")).content_hash != original


# ---- no input crashes the loader: every problem is a coded error ----------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=True), st.text(max_size=8),
                    st.sampled_from(["yes_no", "number", "table", "foundational", "m3", "wet_processing", "q1", "s"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["id", "type", "text", "level", "points", "choices", "code", "label", "unit",
                                     "thresholds", "at_least", "when", "question", "equals", "columns", "questions",
                                     "applies_to", "processes", "maps_to", "scheme", "ref", "evidence", "x"]),
                    inner, max_size=6)), max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(values)
def test_any_yaml_document_gives_errors_or_a_framework_never_an_exception(value):
    text = HEAD + yaml.safe_dump([value], allow_unicode=True).replace("\n", "\n      ").rstrip() + "\n"
    errors = validate(text, "fuzz.yaml")
    assert all(e.file == "fuzz.yaml" and e.code in Code and e.message for e in errors)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_errors_or_a_framework_never_an_exception(text):
    errors = validate(text, "fuzz.yaml")
    assert all(e.file == "fuzz.yaml" and e.line >= 0 for e in errors)


def test_deep_nesting_is_a_coded_error():
    assert [str(e) for e in validate("[" * 5000 + "]" * 5000, "deep.yaml")] == [
        "deep.yaml:1: F016 the lists and mappings are nested more than 32 deep"]


def test_messages_say_what_is_wrong_and_what_to_write():
    body = ("      - {id: q1, type: yes_no, text: Q, level: foundational, applies_to: {processes: [smelting]}}\n"
            "      - {id: q1, type: multiple_choice, text: Q, level: foundational,"
            " choices: [{code: a, label: A}, {code: a, label: B}]}\n")
    assert [str(e) for e in validate(HEAD + body, "t.yaml")] == [
        "t.yaml:8: F014 unknown process “smelting” in “q1”; write one of spinning, weaving, knitting, dyeing, printing,"
        " finishing, cut_make_trim, laundry, footwear_assembly, tannery, wet_processing",
        "t.yaml:9: F005 the question id “q1” is used twice (first on line 8)",
        "t.yaml:9: F010 the choice code “a” of “q1” is used twice (first on line 9)",
    ]


def test_the_tree_is_immutable():
    import dataclasses as dc

    framework = load(MINI.read_text(encoding="utf-8"))
    question = framework.questions["ems.policy"]
    with pytest.raises(dc.FrozenInstanceError):
        question.points = 99.0
    with pytest.raises(dc.FrozenInstanceError):
        framework.sections[0].weight = 5.0
    assert isinstance(framework.sections, tuple) and isinstance(question.choices, tuple)


def test_a_question_answered_from_data_keeps_its_source_and_a_change_may_be_negative():
    # given a reduction in energy intensity against the year before, answered from data, which may be negative
    framework = load(HEAD + """\
      - id: q1
        type: number
        text: Energy intensity reduction
        level: foundational
        unit: percent
        from_data: energy_intensity_reduction
        allow_negative: true
        thresholds: [{at_least: 0, points: 2}, {at_least: 5, points: 5}]
      - id: q2
        type: number
        text: Share recycled
        level: foundational
        unit: percent
        thresholds: [{at_least: 10, points: 5}]
    """, "t.yaml")
    q1, q2 = framework.questions["q1"], framework.questions["q2"]
    assert (q1.from_data, q1.allow_negative, q2.from_data, q2.allow_negative) == ("energy_intensity_reduction", True, None, False)
    from loomlight.calc.assessment import AnswersInvalid, score
    # then a rise of 3 % (-3) earns nothing and a fall of 6 % the top threshold; q2 refuses a negative share
    assert [a.earned for a in score(framework, {"q1": "-3", "q2": "12"}).answers] == [0.0, 5.0]
    assert [a.earned for a in score(framework, {"q1": "\u22126 %", "q2": "12"}).answers] == [0.0, 5.0]
    assert [a.earned for a in score(framework, {"q1": "6 %", "q2": "12"}).answers] == [5.0, 5.0]
    with pytest.raises(AnswersInvalid) as refused:
        score(framework, {"q2": "-1"})
    assert [(e.code.value, e.question) for e in refused.value.errors] == [("A005", "q2")]
