"""calc.assessment.xlsform: a framework version as an XLSForm (checked by pyxform) and submissions read back.

The exported rows are stated as tables, as pyxform's own tests state forms; the submission files are built the
way KoboToolbox (";"-separated CSV, "group/question" headers, "_id", "_uuid", "_submission_time", "__version__"
holding Kobo's own asset uid) and ODK Central ("group-question" headers, "SubmissionDate", "meta-instanceID",
"KEY", "FormVersion") write them.
"""

import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from loomlight.calc.assessment import check_answers, load
from loomlight.calc.assessment.xlsform import (
    LANGUAGE_COLUMNS, Names, SubmissionCode, XLSFormInvalid, form_version, parse_submissions, to_xlsform, xform_xml,
)

MINI = load((Path(__file__).parent / "frameworks" / "mini.yaml").read_text(encoding="utf-8"), "mini.yaml")

# A second framework, inline, for what mini does not have: translated texts, na on a yes/no and on a number,
# a number condition, a negative number, question-level processes and subjects.
SMALL_YAML = """
id: test_small
version: "2026.2"
title: {en: Small assessment, vi: Đánh giá nhỏ}
sections:
  - id: energy
    title: {en: Energy, vi: Năng lượng, km: ថាមពល, th: พลังงาน}
    questions:
      - id: energy.audit
        type: yes_no
        text: {en: "Was an energy audit done?", vi: "Đã kiểm toán năng lượng chưa?"}
        guidance: {en: In the last three years., th: ในสามปีที่ผ่านมา}
        level: foundational
        points: 10
        allow_na: true
      - id: energy.saving
        type: number
        text: Energy saved
        level: intermediate
        unit: MWh
        allow_na: true
        when: {question: energy.audit, equals: yes}
        thresholds: [{at_least: 100, points: 5}]
      - id: energy.change
        type: number
        text: Change in energy intensity
        level: intermediate
        unit: percent
        allow_negative: true
        when: {question: energy.saving, at_least: 50}
      - id: energy.boiler
        type: yes_no
        text: Is the boiler insulated?
        level: intermediate
        points: 5
        applies_to: {processes: [dyeing]}
      - id: energy.cetp
        type: yes_no
        text: Does the park run a CETP?
        level: intermediate
        points: 5
        applies_to: {subjects: [park]}
"""
SMALL = load(SMALL_YAML, "small.yaml")


def sheets(data: bytes) -> dict[str, list[dict]]:
    """Each sheet of an XLSX as a list of {header: value} rows (empty cells left out)."""
    book = load_workbook(io.BytesIO(data))
    out = {}
    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        out[ws.title] = [{h: v for h, v in zip(rows[0], row) if v not in (None, "")} for row in rows[1:]]
    return out


def by_name(rows: list[dict], name: str) -> dict:
    (row,) = [r for r in rows if r.get("name") == name and not r["type"].startswith("end")]
    return row


EN, VI, KM, TH = (f"label::{LANGUAGE_COLUMNS[lang]}" for lang in ("en", "vi", "km", "th"))


# ---- the workbook ----------------------------------------------------------------------------------------------

def test_settings_name_the_exact_version():
    # given the mini framework; when exported; then settings carry its id and "<version>-<8 hex of its hash>"
    settings = sheets(to_xlsform(MINI))["settings"]
    assert settings == [{"form_title": "Mini facility assessment", "form_id": "test_mini",
                         "version": f"2026.1-{MINI.content_hash[:8]}", "default_language": "English (en)"}]
    assert re.fullmatch(r"2026\.1-[0-9a-f]{8}", form_version(MINI))
    assert sheets(to_xlsform(MINI, form_id="mini_field"))["settings"][0]["form_id"] == "mini_field"


def test_survey_rows_of_the_mini_framework():
    survey = sheets(to_xlsform(MINI))["survey"]
    # the order: the form's own fields, then one group per section, closed in order
    assert [(r["type"], r["name"]) for r in survey][:6] == [
        ("text", "facility"), ("integer", "year"), ("select_multiple processes", "processes"),
        ("calculate", "form_version"), ("begin group", "ems"), ("select_one yes_no", "ems__policy")]
    assert [r["type"] for r in survey].count("begin group") == 2
    assert [r["name"] for r in survey if r["type"] == "end group"] == ["ems", "water"]
    assert by_name(survey, "facility")["required"] == "yes"
    assert by_name(survey, "year") | {} == {
        "type": "integer", "name": "year", "required": "yes", "constraint": ". >= 2000 and . <= 2100",
        EN: "Year assessed", VI: "Year assessed", KM: "Year assessed", TH: "Year assessed",
        **{f"constraint_message::{LANGUAGE_COLUMNS[lang]}": "A year from 2000 to 2100." for lang in ("en", "vi", "km", "th")}}
    assert by_name(survey, "form_version")["calculation"] == f"'{form_version(MINI)}'"
    # when: {question: ems.targets, in: [some, all]} (codes sorted by the tree)
    assert by_name(survey, "ems__target_year")["type"] == "date"
    assert by_name(survey, "ems__target_year")["relevant"] == "${ems__targets} = 'all' or ${ems__targets} = 'some'"
    assert by_name(survey, "ems__targets")["type"] == "select_one ems__targets"
    # multiple choice with allow_na: na is a choice, alone
    certified = by_name(survey, "ems__certified")
    assert certified["type"] == "select_multiple ems__certified"
    assert certified["constraint"] == "not(selected(., 'na')) or count-selected(.) = 1"
    # section applies_to wet_processing: the group is relevant for any of the group's processes
    assert by_name(survey, "water")["relevant"] == (
        "selected(${processes}, 'dyeing') or selected(${processes}, 'finishing') or selected(${processes}, 'laundry')"
        " or selected(${processes}, 'printing') or selected(${processes}, 'tannery')")
    recycled = by_name(survey, "water__recycled")
    assert (recycled["type"], recycled["constraint"], recycled["relevant"], recycled["hint::English (en)"]) == (
        "decimal", ". >= 0", "${water__metered} = 'yes'", "Unit: %")
    assert by_name(survey, "water__permit")["type"] == "file"
    # the table: a repeat of its columns
    names = [r["name"] for r in survey]
    start = names.index("water__sources")
    assert [(r["type"], r["name"]) for r in survey[start:start + 4]] == [
        ("begin repeat", "water__sources"), ("select_one water__sources__source", "water__sources__source"),
        ("decimal", "water__sources__volume"), ("end repeat", "water__sources")]
    assert by_name(survey, "water__sources__volume")["hint::English (en)"] == "Unit: m3"


def test_choice_lists_and_the_four_label_columns():
    book = load_workbook(io.BytesIO(to_xlsform(MINI)))
    assert book.sheetnames == ["survey", "choices", "settings"]
    header = next(book["survey"].iter_rows(values_only=True))
    assert [h for h in header if h.startswith("label::")] == [
        "label::English (en)", "label::Tiếng Việt (vi)", "label::ខ្មែរ (km)", "label::ไทย (th)"]
    choices = sheets(to_xlsform(MINI))["choices"]
    lists = {}
    for row in choices:
        lists.setdefault(row["list_name"], []).append(row["name"])
    assert lists["yes_no"] == ["yes", "no"]
    assert lists["ems__targets"] == ["none", "some", "all"]
    assert lists["ems__certified"] == ["iso14001", "iso50001", "na"]
    assert lists["water__sources__source"] == ["ground", "mains"]
    assert lists["processes"][:3] == ["spinning", "weaving", "knitting"] and len(lists["processes"]) == 10
    # a missing translation falls back to English
    some = [r for r in choices if r["list_name"] == "ems__targets" and r["name"] == "some"][0]
    assert (some[EN], some[VI], some[KM], some[TH]) == ("For some impacts",) * 4


def test_translations_na_flags_number_conditions_and_subjects():
    survey = sheets(to_xlsform(SMALL, subject="facility"))["survey"]
    group = by_name(survey, "energy")
    assert (group[EN], group[VI], group[KM], group[TH]) == ("Energy", "Năng lượng", "ថាមពល", "พลังงาน")
    audit = by_name(survey, "energy__audit")
    assert audit["type"] == "select_one yes_no_na"
    assert (audit[EN], audit[VI], audit[KM]) == (
        "Was an energy audit done?", "Đã kiểm toán năng lượng chưa?", "Was an energy audit done?")
    assert (audit["hint::English (en)"], audit["hint::ไทย (th)"]) == ("In the last three years.", "ในสามปีที่ผ่านมา")
    # a number with allow_na: a flag before it, the number relevant only when the flag is not yes
    flag = by_name(survey, "energy__saving__na")
    assert (flag["type"], flag[EN], flag["relevant"]) == (
        "select_one yes_no", "Not applicable: Energy saved", "${energy__audit} = 'yes'")
    saving = by_name(survey, "energy__saving")
    assert saving["relevant"] == "(${energy__audit} = 'yes') and (${energy__saving__na} != 'yes')"
    assert saving["hint::English (en)"] == "Unit: MWh"
    change = by_name(survey, "energy__change")
    assert change["relevant"] == "${energy__saving} >= 50"
    assert "constraint" not in change   # allow_negative
    assert by_name(survey, "energy__boiler")["relevant"] == "selected(${processes}, 'dyeing')"
    # a park-only question is not in a facility's form; with no subject named, every question is
    assert "energy__cetp" not in [r["name"] for r in survey]
    assert "energy__cetp" in [r["name"] for r in sheets(to_xlsform(SMALL))["survey"]]
    yes_no_na = [r["name"] for r in sheets(to_xlsform(SMALL))["choices"] if r["list_name"] == "yes_no_na"]
    assert yes_no_na == ["yes", "no", "na"]


def test_the_form_words_go_through_translate():
    def translate(language, english):
        return f"[{language}] {english}"

    survey = sheets(to_xlsform(SMALL, translate=translate))["survey"]
    facility = by_name(survey, "facility")
    assert (facility[EN], facility[VI]) == ("[en] Facility or park code", "[vi] Facility or park code")
    assert by_name(survey, "energy__saving__na")[TH] == "[th] Not applicable: Energy saved"


def test_names_are_reversible_and_clashes_refused():
    names = Names.of(MINI)
    assert names.questions["ems.target_year"] == "ems__target_year"
    assert all(names.by_name[name] == qid for qid, name in names.questions.items())
    clash = SMALL_YAML.replace("id: energy.change", "id: energy__saving.na")   # energy__saving__na twice
    with pytest.raises(XLSFormInvalid, match="energy__saving__na"):
        to_xlsform(load(clash, "clash.yaml"))


def test_pyxform_converts_it_with_the_bindings():
    xml = xform_xml(MINI)
    assert f'<data id="test_mini" version="{form_version(MINI)}">' in xml
    assert '<bind nodeset="/data/year" type="int" required="true()" constraint=". &gt;= 2000 and . &lt;= 2100"' in xml
    assert ('<bind nodeset="/data/ems/ems__target_year" type="date" relevant=" /data/ems/ems__targets  = \'all\' or '
            ' /data/ems/ems__targets  = \'some\'"/>') in xml
    assert '<bind nodeset="/data/water/water__recycled" type="decimal" relevant=" /data/water/water__metered  = \'yes\'" constraint=". &gt;= 0"' in xml
    assert '<bind nodeset="/data/water/water__permit" type="binary"/>' in xml
    assert '<repeat nodeset="/data/water/water__sources">' in xml
    assert f'calculate="\'{form_version(MINI)}\'"' in xml
    for language in LANGUAGE_COLUMNS.values():
        assert f'<translation lang="{language}"' in xml
    small = xform_xml(SMALL)
    assert '<bind nodeset="/data/energy/energy__change" type="decimal" relevant=" /data/energy/energy__saving  &gt;= 50"/>' in small


# ---- submissions -----------------------------------------------------------------------------------------------

VERSION = form_version(MINI)
DYEHOUSE = {"ems.policy": "yes", "ems.targets": "some", "ems.target_year": "2026-03-01",
            "ems.certified": "iso14001 iso50001", "water.metered": "yes", "water.recycled": "12.5",
            "water.permit": "permit-2026.pdf"}
SEWING = {"ems.policy": "no", "ems.targets": "none", "ems.certified": "na"}
QUESTIONS = ["ems.policy", "ems.targets", "ems.target_year", "ems.certified", "water.metered", "water.recycled",
             "water.permit"]


def kobo_csv(rows, *, version=VERSION, sep=";") -> bytes:
    """rows: (facility, year, processes, answers). KoboToolbox's CSV: group paths with '/', meta columns."""
    header = ["facility", "year", "processes", "form_version",
              *[f"{qid.split('.')[0]}/{qid.replace('.', '__')}" for qid in QUESTIONS],
              "_id", "_uuid", "_submission_time", "_validation_status", "__version__", "_index"]
    lines = [sep.join(f'"{h}"' for h in header)]
    for index, (facility, year, processes, answers) in enumerate(rows, start=1):
        cells = [facility, str(year), processes, version, *[answers.get(qid, "") for qid in QUESTIONS],
                 str(1000 + index), f"uuid-{index}", "2026-11-30T10:00:00", "", "vGKwUs4mxyqoJkCkjNhmEf", str(index)]
        lines.append(sep.join(f'"{c}"' for c in cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


def odk_csv(rows, *, version=VERSION) -> bytes:
    """ODK Central's CSV: SubmissionDate first, group paths with '-', meta-instanceID, KEY, FormVersion last."""
    header = ["SubmissionDate", "facility", "year", "processes", "form_version",
              *[f"{qid.split('.')[0]}-{qid.replace('.', '__')}" for qid in QUESTIONS],
              "meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
              "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
    lines = [",".join(header)]
    for index, (facility, year, processes, answers) in enumerate(rows, start=1):
        cells = ["2026-11-30T10:00:00.000Z", facility, str(year), processes, version,
                 *[answers.get(qid, "") for qid in QUESTIONS],
                 f"uuid:{index}", f"uuid:{index}", "5", "collector", "0", "0", "", "", "", "0", version]
        lines.append(",".join(cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


TWO = [("VN-DYE-01", 2026, "dyeing finishing", DYEHOUSE), ("KH-CMT-02", 2025, "cut_make_trim", SEWING)]
EXPECTED = [
    {"ems.policy": "yes", "ems.targets": "some", "ems.target_year": "2026-03-01",
     "ems.certified": ("iso14001", "iso50001"), "water.metered": "yes", "water.recycled": 12.5,
     "water.permit": "permit-2026.pdf"},
    {"ems.policy": "no", "ems.targets": "none", "ems.certified": "na"},
]


@pytest.mark.parametrize("data, filename", [(kobo_csv(TWO), "kobo.csv"), (kobo_csv(TWO, sep=","), "kobo-comma.csv"),
                                            (odk_csv(TWO), "odk-central.csv")])
def test_round_trip_of_two_facilities(data, filename):
    # given answers written as KoboToolbox or ODK Central export them; when parsed; then the same normalised answers
    parsed = parse_submissions(MINI, data, filename)
    assert parsed.errors == ()
    assert [(r.row, r.facility_code, r.year, r.version, r.processes) for r in parsed.rows] == [
        (2, "VN-DYE-01", 2026, VERSION, ("dyeing", "finishing")), (3, "KH-CMT-02", 2025, VERSION, ("cut_make_trim",))]
    assert [r.answers for r in parsed.rows] == EXPECTED
    # the same as the form and the platform's own check make of them
    assert parsed.rows[0].answers == check_answers(MINI, {**DYEHOUSE, "ems.certified": "iso14001;iso50001"})


def test_kobo_xlsx_with_bare_names_and_typed_cells():
    book = Workbook()
    ws = book.active
    ws.append(["facility", "year", "form_version", "ems__policy", "ems__certified", "water__recycled", "_id", "_uuid"])
    ws.append(["VN-DYE-01", 2026, VERSION, "yes", "iso50001", 30, 7, "u-7"])
    ws.append([None] * 8)   # a blank row is passed over
    out = io.BytesIO()
    book.save(out)
    parsed = parse_submissions(MINI, out.getvalue(), "kobo.xlsx")
    assert parsed.errors == ()
    assert [(r.row, r.year, r.answers) for r in parsed.rows] == [
        (2, 2026, {"ems.policy": "yes", "ems.certified": ("iso50001",), "water.recycled": 30.0})]


def test_na_flag_of_a_number_is_read_as_na():
    header = "facility;year;form_version;energy/energy__audit;energy/energy__saving__na;energy/energy__saving\n"
    data = (header + f"P-1;2026;{form_version(SMALL)};yes;yes;\n").encode()
    parsed = parse_submissions(SMALL, data, "kobo.csv")
    assert parsed.errors == ()
    assert parsed.rows[0].answers == {"energy.audit": "yes", "energy.saving": "na"}


def refusals(parsed):
    return [(e.code, e.row, e.column) for e in parsed.errors]


def test_refuses_another_version_naming_row_and_column():
    # given a file of the form's earlier version; then every row is refused at its version column, no row kept
    parsed = parse_submissions(MINI, kobo_csv(TWO, version="2025.1-0badcafe"), "kobo.csv")
    assert refusals(parsed) == [(SubmissionCode.OTHER_VERSION, 2, "form_version"),
                                (SubmissionCode.OTHER_VERSION, 3, "form_version")]
    assert parsed.rows == ()
    assert "2025.1-0badcafe" in parsed.errors[0].message and VERSION in parsed.errors[0].message
    odk = parse_submissions(MINI, odk_csv(TWO[:1]).replace(f",0,{VERSION}".encode(), b",0,2025.1-0badcafe"), "odk.csv")
    assert refusals(odk) == [(SubmissionCode.OTHER_VERSION, 2, "FormVersion")]


def test_kobo_version_uid_alone_does_not_name_this_version():
    # Kobo's __version__ is its own asset uid: without form_version the file cannot show it answered this version
    data = "facility;year;ems/ems__policy;__version__\nVN-1;2026;yes;vGKwUs4mxyqoJkCkjNhmEf\n".encode()
    parsed = parse_submissions(MINI, data, "kobo.csv")
    assert refusals(parsed) == [(SubmissionCode.OTHER_VERSION, 2, "__version__")]
    assert parsed.rows == ()


def test_refuses_a_bad_value_and_an_unknown_choice_naming_row_and_column():
    bad = dict(DYEHOUSE, **{"water.recycled": "a lot"})
    unknown = dict(SEWING, **{"ems.certified": "iso9001"})
    parsed = parse_submissions(MINI, kobo_csv([TWO[0], ("VN-DYE-03", 2026, "dyeing", bad),
                                              ("KH-CMT-04", 2026, "", unknown)]), "kobo.csv")
    assert refusals(parsed) == [(SubmissionCode.BAD_VALUE, 3, "water/water__recycled"),
                                (SubmissionCode.UNKNOWN_CHOICE, 4, "ems/ems__certified")]
    assert "A005" in parsed.errors[0].message and "iso9001" in parsed.errors[1].message
    # the good row is parsed, and the caller writes nothing of a file with errors
    assert [r.row for r in parsed.rows] == [2] and not parsed.ok


def test_refuses_a_missing_facility_and_a_bad_year():
    rows = [("", 2026, "dyeing", DYEHOUSE), ("VN-DYE-01", 1999, "dyeing", DYEHOUSE)]
    parsed = parse_submissions(MINI, odk_csv(rows), "odk.csv")
    assert refusals(parsed) == [(SubmissionCode.MISSING_FACILITY, 2, "facility"), (SubmissionCode.BAD_YEAR, 3, "year")]
    assert parsed.rows == ()


def test_unknown_columns_are_errors_meta_columns_are_not():
    data = (f"facility;year;form_version;ems/ems__policy;ems/ems__colour;_submitted_by;meta/instanceID\n"
            f"VN-1;2026;{VERSION};yes;blue;ana;uuid:1\n").encode()
    parsed = parse_submissions(MINI, data, "kobo.csv")
    assert refusals(parsed) == [(SubmissionCode.UNKNOWN_COLUMN, 1, "ems/ems__colour")]


def test_a_table_value_is_not_importable():
    data = (f"facility;year;form_version;water/water__sources/water__sources__volume\n"
            f"VN-1;2026;{VERSION};1200\n").encode()
    parsed = parse_submissions(MINI, data, "kobo.csv")
    assert refusals(parsed) == [(SubmissionCode.NOT_IMPORTABLE, 2, "water/water__sources/water__sources__volume")]


def test_an_unreadable_file_is_one_error():
    assert refusals(parse_submissions(MINI, b"\xff\xfe\x00bad", "kobo.csv")) == [(SubmissionCode.UNREADABLE, 0, "")]
    assert refusals(parse_submissions(MINI, b"PK not a zip", "kobo.xlsx")) == [(SubmissionCode.UNREADABLE, 0, "")]
    assert refusals(parse_submissions(MINI, b"a,b", "kobo.json")) == [(SubmissionCode.UNREADABLE, 0, "")]



def kobo_xlsx_with_repeat(volume_of_second: object) -> bytes:
    """KoboToolbox's XLSX: the main sheet, then the repeat's sheet joined by _parent_index to the main _index."""
    book = Workbook()
    main = book.active
    main.title = "Mini facility assessment"
    main.append(["facility", "year", "processes", "form_version", "water/water__metered", "_id", "_index"])
    main.append(["VN-DYE-01", 2026, "dyeing", VERSION, "yes", 11, 1])
    main.append(["VN-DYE-03", 2026, "laundry", VERSION, "no", 12, 2])
    repeat = book.create_sheet("water__sources")
    repeat.append(["water/water__sources/water__sources__source", "water/water__sources/water__sources__volume",
                   "_index", "_parent_table_name", "_parent_index", "_submission__id", "_submission__uuid"])
    repeat.append(["ground", 1200, 1, "Mini facility assessment", 1, 11, "u-11"])
    repeat.append(["mains", 300.5, 2, "Mini facility assessment", 1, 11, "u-11"])
    repeat.append(["mains", volume_of_second, 3, "Mini facility assessment", 2, 12, "u-12"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_kobo_xlsx_repeat_sheet_answers_the_table():
    # given a table answered on Kobo's repeat sheet; then its rows join their submission by _parent_index
    parsed = parse_submissions(MINI, kobo_xlsx_with_repeat(80), "kobo.xlsx")
    assert parsed.errors == ()
    assert [(r.facility_code, r.answers) for r in parsed.rows] == [
        ("VN-DYE-01", {"water.metered": "yes",
                       "water.sources": ((("source", "ground"), ("volume", 1200.0)),
                                         (("source", "mains"), ("volume", 300.5)))}),
        ("VN-DYE-03", {"water.metered": "no", "water.sources": ((("source", "mains"), ("volume", 80.0)),)}),
    ]


def test_a_bad_cell_of_a_repeat_sheet_is_named_by_sheet_row_and_column():
    parsed = parse_submissions(MINI, kobo_xlsx_with_repeat("lots"), "kobo.xlsx")
    assert [(e.code, e.sheet, e.row, e.column) for e in parsed.errors] == [
        (SubmissionCode.BAD_VALUE, "water__sources", 4, "water/water__sources/water__sources__volume")]
    assert str(parsed.errors[0]).startswith("sheet water__sources, row 4, column water/water__sources/water__sources__volume: S006")
    assert [r.facility_code for r in parsed.rows] == ["VN-DYE-01"]

# ---- the command -----------------------------------------------------------------------------------------------

def test_the_command_writes_the_form(tmp_path, capsys):
    from loomlight.cli import main

    out = tmp_path / "mini.xlsx"
    mini = Path(__file__).parent / "frameworks" / "mini.yaml"
    assert main(["assessment", "xlsform", str(mini), "-o", str(out)]) == 0
    assert capsys.readouterr() == (f"{out}: XLSForm test_mini version {VERSION}\n", "")
    assert sheets(out.read_bytes())["settings"][0]["version"] == VERSION


def test_the_command_refuses_an_unknown_framework_and_writes_nothing(tmp_path, capsys):
    from loomlight.cli import main

    out = tmp_path / "none.xlsx"
    assert main(["assessment", "xlsform", "no_such_framework", "-o", str(out)]) == 1
    out_text, err = capsys.readouterr()
    assert out_text == "" and err.startswith("loomlight: no built-in framework “no_such_framework”")
    assert not out.exists()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([*';,"\n\r /-_xyz019\x00', "ems/ems__policy", "ems/ems__certified", "facility",
                                 "year", "form_version", VERSION, "na", "2026"]), max_size=80).map("".join))
def test_no_input_raises(text):
    # whatever the file holds, the answer is rows and coded errors, never an exception (no 500 upstream)
    parsed = parse_submissions(MINI, text.encode("utf-8"), "any.csv")
    assert all(isinstance(e.code, SubmissionCode) for e in parsed.errors)
