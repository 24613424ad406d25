"""``loomlight assessment validate | questions | score``: no database and no web server (Django is never imported).

validate: coded errors on standard error, exit 1 on any error, 0 when valid. questions: one question a row, CSV or
JSON. score: the figures of a CSV of answers for the mini framework (hand-computed below), every bad answer named
by its line on standard error with nothing on standard output and exit 1; usage errors exit 2."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loomlight.calc.assessment import builtin as builtin_module
from loomlight.calc.assessment import load
from loomlight.cli import main

MINI = Path(__file__).parent / "frameworks" / "mini.yaml"


def test_a_valid_file_exits_0(capsys):
    assert main(["assessment", "validate", str(MINI)]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (f"{MINI}: valid\n", "")


def test_every_error_is_printed_with_file_line_and_code_and_exit_is_1(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text('id: t\nversion: "1"\ntitle: T\nsections:\n  - id: s\n    title: S\n    questions:\n'
                   '      - {id: q1, type: yesno, text: Q, level: foundational}\n'
                   '      - {id: q2, type: number, text: Q, level: basic, unit: ton}\n', encoding="utf-8")
    assert main(["assessment", "validate", str(MINI), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert out == f"{MINI}: valid\n"
    assert err.splitlines() == [
        f"{bad}:8: F001 unknown question type “yesno” in “q1”; the types are yes_no, single_choice, multiple_choice, number, text, date, evidence, table",
        f"{bad}:9: F008 unknown level “basic” in “q2”; the levels are foundational, intermediate, aspirational",
        f"{bad}:9: F009 the unit of “q2”: “ton” is ambiguous: write tonne (1000 kg) or short_ton (907.18474 kg).",
        f"{bad}: 3 errors",
    ]


def test_a_missing_or_undecodable_file_is_an_error_not_a_traceback(tmp_path, capsys):
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("title: caf\xe9\n".encode("latin-1"))
    assert main(["assessment", "validate", str(tmp_path / "none.yaml"), str(latin)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{tmp_path / 'none.yaml'}: F025 cannot be read: No such file or directory"
    assert err[2].startswith(f"{latin}: F025 cannot be read: 'utf-8' codec can't decode byte 0xe9")


def test_the_command_needs_no_django():
    # given a fresh interpreter; when the command validates a file; then no Django module was imported
    code = ("import sys; from loomlight.cli import main; rc = main(['assessment', 'validate', %r]);"
            " print(rc, sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))" % str(MINI))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(Path(__file__).parents[2] / "src"), "PATH": "/usr/bin:/bin"})
    assert result.stdout.splitlines()[-1] == "0 []"


# ---- loomlight assessment score ------------------------------------------------------------------------------

def write(tmp_path, text: str, name: str = "answers.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


# The hand-scored example of tests/calc/test_assessment_score.py, as a file: "12 %" is read as 12 percent.
EXAMPLE_CSV = ("question,answer\nems.policy,yes\nems.targets,some\nems.target_year,2026-03-01\n"
               "ems.certified,iso14001\nwater.metered,yes\nwater.recycled,12 %\n")


def test_score_prints_the_total_sections_every_answer_and_what_raises_it_most(tmp_path, capsys):
    # given the example answers of a dyehouse
    answers = write(tmp_path, EXAMPLE_CSV)
    # when scored
    assert main(["assessment", "score", str(MINI), answers, "--process", "dyeing"]) == 0
    out, err = capsys.readouterr()
    # then (level weights 25/50/25; section weights ems 1, water 3, so shares 25 % and 75 %):
    # ems = 25 × 10/10 + 50 × 5/10 + 25 × 6/10 = 65 %; water = 25 × 10/10 + 50 × 4/10 + 25 × 0/5 = 45 %;
    # total = 0.25 × 65 + 0.75 × 45 = 50 %. A question's share of the total: ems.policy 25 × 0.25 = 6.25,
    # water.metered 25 × 0.75 = 18.75, water.recycled 20 × 0.75 = 15. Raise most: water.recycled to ≥ 30 %
    # adds 50 × 6/10 × 0.75 = 22.5; water.sources 25 × 0.75 = 18.75; ems.targets 25 × 0.25 = 6.25;
    # ems.certified 25 × 4/10 × 0.25 = 2.5.
    assert err == ""
    assert out.splitlines() == [
        "test_mini 2026.1: 50 %; level reached: foundational",
        f"subject: facility (dyeing); content hash {load(MINI.read_text(encoding='utf-8')).content_hash[:12]}",
        "",
        "section  weight  score  level reached",
        "ems        25 %   65 %  foundational",
        "water      75 %   45 %  foundational",
        "",
        "question         section  level         status      points  of total (pp)",
        "ems.policy       ems      foundational  full         10/10           6.25",
        "ems.targets      ems      intermediate  partial       5/10           6.25",
        "ems.target_year  ems      intermediate  unscored         –              –",
        "ems.certified    ems      aspirational  partial       6/10           3.75",
        "water.metered    water    foundational  full         10/10          18.75",
        "water.recycled   water    intermediate  partial       4/10             15",
        "water.sources    water    aspirational  unanswered     0/5              0",
        "water.permit     water    foundational  unscored         –              –",
        "",
        "what would raise the score most (the total's gain in percentage points if that answer alone earned full points)",
        "question        section  points  total gain (pp)",
        "water.recycled  water        +6            +22.5",
        "water.sources   water        +5           +18.75",
        "ems.targets     ems          +5            +6.25",
        "ems.certified   ems          +4             +2.5",
    ]


def test_score_as_json_with_a_bom_na_a_table_cell_and_gating(tmp_path, capsys):
    # given a file saved by Excel (with a BOM): the policy failed, targets all, certification na, a table in JSON
    answers = write(tmp_path, "\ufeffquestion,answer\nems.policy,no\nems.targets,all\nems.certified,na\n"
                              "water.metered,yes\nwater.recycled,30\n"
                              'water.sources,"[{""source"": ""ground"", ""volume"": ""1200 L""}]"\n')
    assert main(["assessment", "score", str(MINI), answers, "--process", "dyeing", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    body = json.loads(out)
    # then ems: foundational 0/10 gates the intermediate level (targets' 10 points withheld), certification na
    # leaves it out: 0 %; water: 25 + 50 + 25 = 100 %; total 0.25 × 0 + 0.75 × 100 = 75 %
    assert err == ""
    assert set(body) == {"framework", "version", "content_hash", "subject", "percent", "level_reached",
                         "sections", "answers", "raise_most"}
    assert (body["percent"], body["level_reached"], body["subject"]) == (75.0, None, {"kind": "facility", "processes": ["dyeing"]})
    assert [(s["section"], s["percent"], s["weight_share"], s["level_reached"]) for s in body["sections"]] == [
        ("ems", 0.0, 0.25, None), ("water", 100.0, 0.75, "aspirational")]
    assert body["sections"][1]["levels"] == [{"level": "foundational", "earned": 10.0, "possible": 10.0},
                                             {"level": "intermediate", "earned": 10.0, "possible": 10.0},
                                             {"level": "aspirational", "earned": 5.0, "possible": 5.0}]
    statuses = {a["question"]: (a["status"], a["earned"], a["possible"], a["gated"]) for a in body["answers"]}
    assert statuses == {
        "ems.policy": ("failed", 0.0, 10.0, False), "ems.targets": ("full", 0.0, 10.0, True),
        "ems.target_year": ("unscored", 0.0, 0.0, False),   # "all" opens it; it earns no points: unscored
        "ems.certified": ("na", 0.0, 0.0, False), "water.metered": ("full", 10.0, 10.0, False),
        "water.recycled": ("full", 10.0, 10.0, False), "water.sources": ("full", 5.0, 5.0, False),
        "water.permit": ("unscored", 0.0, 0.0, False)}
    # raise most: the policy unlocks ems: (25 + 50) / 75 = 100 % of ems, × 0.25 = +25 points of the total
    assert body["raise_most"] == [{"question": "ems.policy", "section": "ems", "points": 10.0, "total_gain": 25.0}]


def test_a_sewing_unit_without_processes_has_no_water_section(tmp_path, capsys):
    # given the example for a facility whose processes are not given: wet processing does not apply
    assert main(["assessment", "score", str(MINI), write(tmp_path, EXAMPLE_CSV), "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    # then the total is ems alone, 65 %, and every water question is "not_applicable"
    assert body["percent"] == 65.0 and body["sections"][1]["counted"] is False
    assert {a["status"] for a in body["answers"] if a["section"] == "water"} == {"not_applicable"}
    # and the text says so in words
    assert main(["assessment", "score", str(MINI), write(tmp_path, EXAMPLE_CSV)]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[0] == "test_mini 2026.1: 65 %; level reached: foundational"
    assert text[5] == "water         –  not counted  none"
    assert "water.metered    water    foundational  not applicable       –              –" in text


def test_every_bad_answer_is_named_by_its_line_and_nothing_is_printed(tmp_path, capsys):
    # given a file with six bad rows among good ones (the header is line 1; a quoted cell spans lines 7-8)
    answers = write(tmp_path, 'question,answer\nems.policy,yes\nems.targets,most\nnope,yes\nems.policy,no\n'
                              'water.recycled,-4\nwater.sources,"[{""source"":\n""river""}]"\nwater.metered,maybe\n'
                              'water.permit,\n')
    assert main(["assessment", "score", str(MINI), answers, "--process", "dyeing"]) == 1
    out, err = capsys.readouterr()
    # then standard output is empty and every error names its line
    assert out == ""
    assert err.splitlines() == [
        f"{answers}:3: A003 ems.targets: unknown choice most; the codes are all, none, some",
        f"{answers}:4: A001 nope: “nope” is not a question of test_mini 2026.1",
        f"{answers}:5: ems.policy is answered twice (first on line 2)",
        f"{answers}:6: A005 water.recycled: -4 is negative: answer zero or more. (the unit is percent)",
        f"{answers}:7: A003 water.sources[1].source: unknown choice river; the codes are ground, mains",
        f"{answers}:9: A002 water.metered: answer yes or no, not 'maybe'",
        f"{answers}: 6 errors; nothing scored",
    ]


@pytest.mark.parametrize("content, encoding, message", [
    ("", "utf-8", "{f}: the file is empty: write a header row question,answer and one row per answer"),
    ("\n\n", "utf-8", "{f}: the file is empty: write a header row question,answer and one row per answer"),
    ("id,answer\nems.policy,yes\n", "utf-8", "{f}:1: missing column question; the header row names question,answer"),
    ("question\nems.policy\n", "utf-8", "{f}:1: missing column answer; the header row names question,answer"),
    ("question,answer\nems.policy,yes\nwater.permit,café.pdf\n", "latin-1", "{f}:3: not UTF-8 (byte 0xe9): save the file as UTF-8 CSV"),
    ("question,answer\nems.policy,yes,extra\n", "utf-8", "{f}:2: more cells (3) than columns (2)"),
    ("question,answer\n,yes\n", "utf-8", "{f}:2: no question id in the question column"),
    ("question,answer\nwater.sources,[oops\n", "utf-8",
     '{f}:2: A002 water.sources: a table is answered with a JSON list of row objects, e.g. [{{"source": ...}}]; not valid JSON: Expecting value'),
])
def test_a_bad_file_is_named_and_nothing_is_printed(tmp_path, capsys, content, encoding, message):
    answers = write(tmp_path, content, encoding=encoding)
    assert main(["assessment", "score", str(MINI), answers]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [message.format(f=answers), f"{answers}: 1 error; nothing scored"]


def test_an_unknown_process_is_a_usage_error_listing_the_processes(tmp_path, capsys):
    assert main(["assessment", "score", str(MINI), write(tmp_path, EXAMPLE_CSV), "--process", "dyeing,wet"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == ("loomlight: unknown process wet; the processes are spinning, weaving, knitting, dyeing, "
                                 "printing, finishing, cut_make_trim, laundry, footwear_assembly, tannery\n")


def test_an_unknown_subject_is_refused_by_argparse_with_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as raised:
        main(["assessment", "score", str(MINI), write(tmp_path, EXAMPLE_CSV), "--subject", "brand"])
    assert raised.value.code == 2
    assert "invalid choice: 'brand'" in capsys.readouterr().err


def test_the_subject_defaults_to_the_one_kind_the_sections_name(tmp_path, capsys):
    # given a framework whose only section is for parks
    park = write(tmp_path, 'id: parkish\nversion: "1"\ntitle: P\nsections:\n  - id: mgmt\n    title: M\n'
                           '    applies_to: {subjects: [park]}\n    questions:\n'
                           '      - {id: mgmt.plan, type: yes_no, text: A plan, level: foundational, points: 4}\n', name="park.yaml")
    assert main(["assessment", "score", park, write(tmp_path, "question,answer\nmgmt.plan,yes\n"), "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    # then it is scored for a park (for a facility nothing would count): 4/4 = 100 %
    assert body["subject"]["kind"] == "park" and body["percent"] == 100.0


def test_an_invalid_framework_file_prints_its_coded_errors(tmp_path, capsys):
    bad = write(tmp_path, 'id: t\nversion: "1"\ntitle: T\nsections:\n  - id: s\n    title: S\n    questions:\n'
                          '      - {id: q1, type: yesno, text: Q, level: foundational}\n', name="bad.yaml")
    assert main(["assessment", "score", bad, write(tmp_path, EXAMPLE_CSV)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{bad}:8: F001 unknown question type “yesno” in “q1”; the types are yes_no, single_choice, multiple_choice, number, text, date, evidence, table",
        f"{bad}: 1 error"]
    assert main(["assessment", "score", str(tmp_path / "missing.yaml"), write(tmp_path, EXAMPLE_CSV)]) == 1
    assert capsys.readouterr().err == f"{tmp_path / 'missing.yaml'}: F025 cannot be read: No such file or directory\n"


@pytest.fixture
def two_builtins(monkeypatch):
    """The mini framework as a built-in in versions 2025.1 and 2026.1 (the shipped folder left as it is)."""
    text = MINI.read_text(encoding="utf-8")
    monkeypatch.setattr(builtin_module, "builtin_versions", lambda: {"other": ("1",), "test_mini": ("2025.1", "2026.1")})
    monkeypatch.setattr(builtin_module, "_load", lambda name: load(
        text.replace('version: "2026.1"', f'version: "{name.removesuffix(".yaml").split("-", 1)[1]}"'), name))


def test_a_built_in_framework_by_id_and_version(tmp_path, capsys, two_builtins):
    answers = write(tmp_path, EXAMPLE_CSV)
    assert main(["assessment", "score", "test_mini", answers, "--process", "dyeing"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "test_mini 2026.1: 50 %; level reached: foundational"
    assert main(["assessment", "score", "test_mini", answers, "--version", "2025.1"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "test_mini 2025.1: 65 %; level reached: foundational"


def test_an_unknown_id_or_version_names_those_there_are(tmp_path, capsys, two_builtins):
    answers = write(tmp_path, EXAMPLE_CSV)
    assert main(["assessment", "score", "facility_envv", answers]) == 1
    assert capsys.readouterr() == ("", "loomlight: no built-in framework “facility_envv”; the built-in frameworks are other, test_mini\n")
    assert main(["assessment", "questions", "test_mini", "--version", "2024.1"]) == 1
    assert capsys.readouterr() == ("", "loomlight: test_mini has no version “2024.1”; its versions are 2025.1, 2026.1\n")
    # a file's version is its own: another one named is an error
    assert main(["assessment", "questions", str(MINI), "--version", "2025.1"]) == 1
    assert capsys.readouterr().err == f"{MINI}: the file is test_mini version 2026.1, not 2025.1\n"


def test_score_needs_no_django(tmp_path):
    # given a fresh interpreter; when the installed command scores a file; then no Django module was imported
    answers = write(tmp_path, EXAMPLE_CSV)
    code = ("import sys, io, contextlib; from loomlight.cli import main; out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out): rc = main(['assessment', 'score', %r, %r, '--process', 'dyeing'])\n"
            "print(rc, out.getvalue().splitlines()[0], sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
            % (str(MINI), answers))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(Path(__file__).parents[2] / "src"), "PATH": "/usr/bin:/bin"})
    assert result.stdout.splitlines()[-1] == "0 test_mini 2026.1: 50 %; level reached: foundational []"
    # and the real command line prints the same first line
    cli = subprocess.run([sys.executable, "-m", "loomlight.cli", "assessment", "score", str(MINI), answers, "--process", "dyeing"],
                         capture_output=True, text=True, env={"PYTHONPATH": str(Path(__file__).parents[2] / "src"), "PATH": "/usr/bin:/bin"})
    assert (cli.returncode, cli.stdout.splitlines()[0], cli.stderr) == (0, "test_mini 2026.1: 50 %; level reached: foundational", "")


# ---- loomlight assessment questions ----------------------------------------------------------------------------

def test_questions_as_csv_one_row_a_question(capsys):
    assert main(["assessment", "questions", str(MINI)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == ["id", "section", "type", "text", "choices", "thresholds", "columns", "points", "subjects",
                             "processes", "when", "level", "unit", "allow_na", "from_data"]
    assert [r["id"] for r in rows] == ["ems.policy", "ems.targets", "ems.target_year", "ems.certified", "water.metered",
                                       "water.recycled", "water.sources", "water.permit"]
    by_id = {r["id"]: r for r in rows}
    assert by_id["ems.targets"] == {
        "id": "ems.targets", "section": "ems", "type": "single_choice", "text": "Are there environmental targets?",
        "choices": "none: No targets (0); some: For some impacts (5); all: For every significant impact (10)",
        "thresholds": "", "columns": "", "points": "10", "subjects": "facility,park,shared_facility", "processes": "",
        "when": "", "level": "intermediate", "unit": "", "allow_na": "no", "from_data": ""}
    # a multiple choice earns the sum of its choices: 6 + 4
    assert (by_id["ems.certified"]["points"], by_id["ems.certified"]["allow_na"]) == ("10", "yes")
    assert by_id["ems.target_year"]["when"] == "ems.targets in all,some"
    assert (by_id["water.recycled"]["when"], by_id["water.recycled"]["thresholds"], by_id["water.recycled"]["unit"]) == (
        "water.metered equals yes", "≥ 10: 4; ≥ 30: 10", "percent")
    assert by_id["water.sources"]["columns"] == "source (single_choice, ground, mains); volume (number, m3)"
    # applicability: the section's processes, the question's subjects
    assert (by_id["water.permit"]["subjects"], by_id["water.permit"]["processes"]) == ("facility", "wet_processing")


def test_questions_as_json_in_another_language(capsys):
    assert main(["assessment", "questions", str(MINI), "--format", "json", "--language", "vi"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 8
    first = rows[0]
    assert first == {"id": "ems.policy", "section": "ems", "type": "yes_no",
                     "text": "Does the facility have a written environmental policy?",   # no Vietnamese: English
                     "choices": [], "thresholds": [], "columns": [], "points": 10.0,
                     "subjects": ["facility", "park", "shared_facility"], "processes": [], "when": None,
                     "level": "foundational", "unit": None, "allow_na": False, "from_data": None}
    assert rows[5]["thresholds"] == [{"at_least": 10.0, "points": 4.0}, {"at_least": 30.0, "points": 10.0}]
    assert rows[7]["processes"] == [["wet_processing"]]


# ---- no traceback for any file --------------------------------------------------------------------------------

cells = st.one_of(st.sampled_from(["ems.policy", "ems.targets", "water.recycled", "water.sources", "ems.certified", "nope",
                                   "yes", "na", "some;all", "12 MJ/kg", "30 %", "-1", "1e400", '[{"source": "ground"}]',
                                   '[{"volume": "3 t"}]', "[[[[", "", '"', "\n"]), st.text(max_size=8))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cells, min_size=0, max_size=3), max_size=6), st.booleans())
def test_any_file_gives_a_score_or_named_errors_never_a_traceback(tmp_path, capsys, rows, header):
    # given any rows of cells (with or without the header row), written as CSV
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if header:
        writer.writerow(["question", "answer"])
    writer.writerows(rows)
    path = tmp_path / "fuzz.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    # when scored; then it exits 0 with a score, or 1 with errors on standard error and nothing on standard output
    code = main(["assessment", "score", str(MINI), str(path), "--process", "dyeing"])
    out, err = capsys.readouterr()
    assert code in (0, 1)
    if code == 1:
        assert out == "" and err.splitlines()[-1].endswith("nothing scored")
    else:
        assert out.startswith("test_mini 2026.1: ") and err == ""


def test_validate_takes_a_built_in_framework_s_id(capsys):
    from loomlight.cli import main

    assert main(["assessment", "validate", "facility_env", "facility_social", "industrial_park"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "facility_env-2026.1.yaml: valid", "facility_social-2026.1.yaml: valid", "industrial_park-2026.1.yaml: valid"]
