"""Field collection: a framework version as an XLSForm, and the submissions of KoboToolbox and ODK Central read back.

    data = to_xlsform(framework)                  # XLSX bytes: sheets survey, choices, settings (ODK Collect, Kobo)
    xml = xform_xml(framework)                    # the same form converted by pyxform; XLSFormInvalid on its error
    parsed = parse_submissions(framework, data, "export.csv")   # rows and every error, each naming row and column

Pure: bytes in, bytes or objects out; no Django, no files, no network, no Java (ODK Validate is not run).

**Names.** XLSForm names cannot contain dots, so a question id becomes its name with every dot written as a
double underscore (``ems.policy`` -> ``ems__policy``); a section id the same way. ``Names`` holds the mapping
both ways, built from the framework (never by string replacement backwards), and refuses a framework whose
names would clash.

**The form.** First ``facility`` (the facility's or park's code, required), ``year`` (integer 2000..2100,
required), ``processes`` (a select_multiple of the registry's processes, only when a section or question of
the framework applies to processes) and ``form_version``, a ``calculate`` holding the version string
``<version>-<first 8 hex of the content hash>``. KoboToolbox's own ``__version__`` column holds *its* asset
version uid, not the form's, so the form carries its version as data: every export, Kobo's or ODK Central's,
then has a ``form_version`` column to check. Then one group per section, the questions by type:
yes_no -> select_one ``yes_no``; single_choice -> select_one of its list (named as the question);
multiple_choice -> select_multiple; number -> decimal, constraint ``. >= 0`` unless ``allow_negative``, the unit
in the hint; text, date -> text, date; evidence -> file; table -> a repeat of its columns.
``allow_na``: a choice question gets a choice ``na`` ("Not applicable"; a yes_no question the list
``yes_no_na``; a multiple choice allows ``na`` only alone); any other type gets a flag ``<name>__na``
(select_one ``yes_no``) just before it, and the question is relevant only when the flag is not ``yes``.
Relevance: ``when:`` as XPath on the earlier question's name; ``applies_to`` processes as
``selected(${processes}, 'dyeing') or ...`` (groups such as ``wet_processing`` expanded), on the group for a
section and on the question for a question. Subjects are fixed by the form: ``to_xlsform(..., subject=KIND)``
leaves out what does not apply to that kind (and what depends on it); without ``subject`` every question is in.
Labels and hints in English, Vietnamese, Khmer and Thai columns, a missing translation falling back to English;
the form's own words (the facility field, yes/no, "not applicable", constraint messages) go through
``translate(language, english)`` which the platform gives from its gettext catalogue (English by default).

**Submissions.** CSV (``;`` or ``,``) or XLSX; headers are the XML names, alone or with their group path
(``ems/ems__policy`` as KoboToolbox writes them, ``ems-ems__policy`` as ODK Central does); select_multiple as
space-separated codes (KoboToolbox's extra one-column-per-choice ``ems/ems__certified/iso14001`` is read only
when the summary column is absent). Known meta columns are ignored; any other unknown column is an error.
Each row gives facility, year, version and the answers normalised by ``check_answers``, or errors naming the
row (the file's row, the header being row 1) and the column (its header as written). A table (a repeat) is
read from KoboToolbox's XLSX, which puts each repeat on a sheet named as it, its rows joined to the main
sheet's ``_index`` by ``_parent_index`` (an error there names the sheet too). ODK Central exports repeats as
other CSV files of a zip, which are not read: there, and in a CSV, a table is answered on the platform, and a
value in a column of it is an error ("not importable").
References: the XLSForm specification (xlsform.org, "XLSForm standard"); pyxform (github.com/XLSForm/pyxform);
ODK Central's CSV export (docs.getodk.org/central-submissions); KoboToolbox data exports (support.kobotoolbox.org).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from loomlight.calc.assessment.errors import AnswerCode, AnswersInvalid
from loomlight.calc.assessment.score import NA, check_answers
from loomlight.calc.assessment.tree import LANGUAGES, PROCESS_GROUPS, PROCESSES, Applicability, Framework, Question, text_in

#: The XLSForm language column of each framework language: "Name (code)", as the XLSForm spec recommends.
LANGUAGE_COLUMNS = {"en": "English (en)", "vi": "Tiếng Việt (vi)", "km": "ខ្មែរ (km)", "th": "ไทย (th)"}
DEFAULT_LANGUAGE = LANGUAGE_COLUMNS["en"]
YEAR_MIN, YEAR_MAX = 2000, 2100

#: The form's own words, in English; the platform passes ``translate`` to give them in each language.
WORDS = {
    "facility": "Facility or park code",
    "facility_hint": "The code the platform gives the facility or park.",
    "year": "Year assessed",
    "year_message": "A year from 2000 to 2100.",
    "processes": "Processes at the site",
    "yes": "Yes",
    "no": "No",
    "na": "Not applicable",
    "na_flag": "Not applicable: %(question)s",
    "na_alone": "Choose not applicable alone.",
    "unit": "Unit: %(unit)s",
    "zero_or_more": "Enter zero or more.",
}
PROCESS_WORDS = {p: p.replace("_", " ").capitalize() for p in PROCESSES}   # "cut_make_trim" -> "Cut make trim"

#: Columns of the exports that are not answers. KoboToolbox (kpi/formpack exports) and ODK Central (CSV export).
META_COLUMNS = frozenset({
    "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by", "__version__",
    "_version_", "_tags", "_index", "_parent_index", "_parent_table_name", "_xform_id_string", "_geolocation",
    "_attachments", "_media_all_received", "_total_media", "_media_count", "_date_modified",
    "start", "end", "today", "deviceid", "username", "phonenumber", "simserial", "subscriberid", "audit",
    "SubmissionDate", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent", "AttachmentsExpected",
    "Status", "ReviewState", "DeviceID", "Edits", "FormVersion", "instanceID", "instanceName",
})
META_PREFIXES = ("meta/", "meta-", "formhub/", "formhub-")
#: Columns that carry the form version, in the order they are trusted.
VERSION_COLUMNS = ("form_version", "FormVersion", "__version__")


class XLSFormInvalid(ValueError):
    """The framework cannot be written as an XLSForm (clashing names), or pyxform refused the form."""


class SubmissionCode(StrEnum):
    UNREADABLE = "S001"       # not a CSV or XLSX, not UTF-8, no header
    UNKNOWN_COLUMN = "S002"
    OTHER_VERSION = "S003"    # a submission of another form version, or no version column
    MISSING_FACILITY = "S004"
    BAD_YEAR = "S005"         # missing, not a whole number, out of 2000..2100
    BAD_VALUE = "S006"        # the answer's check failed (its AnswerCode is in the message)
    UNKNOWN_CHOICE = "S007"
    NOT_IMPORTABLE = "S008"   # a table (repeat): answered on the platform


@dataclass(frozen=True)
class SubmissionError:
    code: SubmissionCode
    row: int          # the file's row (header = 1); 0 for the file as a whole
    column: str       # the header as written; "" for the row or the file
    message: str
    sheet: str = ""   # an XLSX's repeat sheet; "" for the main sheet or a CSV

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "") if self.row else "file"
        return f"{f'sheet {self.sheet}, ' if self.sheet else ''}{where}: {self.code.value} {self.message}"


@dataclass(frozen=True)
class SubmissionRow:
    row: int
    facility_code: str
    year: int
    version: str
    answers: dict            # question id -> normalised answer (check_answers), "na" for not applicable
    processes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Submissions:
    version: str             # this export's version string, which every row must carry
    rows: tuple[SubmissionRow, ...]
    errors: tuple[SubmissionError, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.errors


# ---- names -----------------------------------------------------------------------------------------------------

def form_version(framework: Framework) -> str:
    """``<version>-<first 8 hex of content_hash>``: a submission names the exact frozen version it answered."""
    return f"{framework.version}-{framework.content_hash[:8]}"


def xml_name(identifier: str) -> str:
    """A question or section id as an XLSForm name: dots become double underscores."""
    return identifier.replace(".", "__")


@dataclass(frozen=True)
class Names:
    """The framework's ids and their XLSForm names, both ways."""

    sections: dict[str, str]     # section id -> name
    questions: dict[str, str]    # question id -> name
    by_name: dict[str, str]      # question name -> question id

    @classmethod
    def of(cls, framework: Framework) -> Names:
        fixed = {"facility": "", "year": "", "processes": "", "form_version": ""}
        seen: dict[str, str] = dict.fromkeys(fixed, "the form's own field")
        sections, questions = {}, {}

        def claim(name: str, what: str) -> None:
            if name in seen:
                raise XLSFormInvalid(f"{what} and {seen[name]} would both be named “{name}” in the XLSForm")
            seen[name] = what

        for section in framework.sections:
            sections[section.id] = xml_name(section.id)
            claim(sections[section.id], f"section {section.id}")
            for q in section.questions:
                questions[q.id] = xml_name(q.id)
                claim(questions[q.id], f"question {q.id}")
                if q.allow_na and q.type not in _CHOICE_TYPES:
                    claim(questions[q.id] + "__na", f"the not-applicable flag of {q.id}")
                for column in q.columns:
                    claim(f"{questions[q.id]}__{column.id}", f"column {column.id} of {q.id}")
        return cls(sections, questions, {name: qid for qid, name in questions.items()})


_CHOICE_TYPES = ("yes_no", "single_choice", "multiple_choice")


# ---- the form --------------------------------------------------------------------------------------------------

Translate = Callable[[str, str], str]


def _english(language: str, text: str) -> str:
    return text


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _processes_relevance(applies: Applicability) -> str:
    if not applies.processes:
        return ""
    wanted: list[str] = []
    for name in applies.processes:
        for process in sorted(PROCESS_GROUPS.get(name, {name})):
            if process not in wanted:
                wanted.append(process)
    return " or ".join(f"selected(${{processes}}, '{p}')" for p in wanted)


def _when_relevance(question: Question, names: Names, framework: Framework) -> str:
    condition = question.when
    if condition is None:
        return ""
    ref = f"${{{names.questions[condition.question]}}}"
    target = framework.questions[condition.question]
    op, value = condition.op, condition.value
    if op == "equals":
        return f"{ref} = '{value}'"
    if op == "in":
        return " or ".join(f"{ref} = '{code}'" for code in value)
    if op == "includes":
        return f"selected({ref}, '{value}')"
    if op == "at_least":
        return f"{ref} >= {_number_text(value)}"
    if op == "at_most":
        return f"{ref} != '' and {ref} <= {_number_text(value)}"
    # answered: a value that is not "na" (a choice's na; another type's na empties it through its flag)
    return f"{ref} != ''" + (f" and {ref} != 'na'" if target.allow_na and target.type in _CHOICE_TYPES else "")


def _and(*parts: str) -> str:
    parts = [p for p in parts if p]
    if len(parts) == 1:
        return parts[0]
    return " and ".join(f"({p})" for p in parts)


def _applies_to_subject(applies: Applicability, subject: str | None) -> bool:
    return subject is None or not applies.subjects or subject in applies.subjects


def _rows(framework: Framework, names: Names, translate: Translate, subject: str | None):
    """(survey rows, choice rows) as dicts keyed by XLSForm column."""
    def words(key: str, **values) -> dict[str, str]:
        return {lang: translate(lang, WORDS[key]) % values if values else translate(lang, WORDS[key]) for lang in LANGUAGES}

    def texts(text) -> dict[str, str]:
        return {lang: text_in(text, lang) for lang in LANGUAGES}

    survey: list[dict] = []
    choices: list[dict] = []

    def choice_list(list_name: str, items: list[tuple[str, dict[str, str]]]) -> None:
        for code, label in items:
            choices.append({"list_name": list_name, "name": code, "label": label})

    yes_no = [("yes", words("yes")), ("no", words("no"))]
    choice_list("yes_no", yes_no)
    needs_yes_no_na = any(q.type == "yes_no" and q.allow_na for q in framework.questions.values())
    if needs_yes_no_na:
        choice_list("yes_no_na", [*yes_no, (NA, words("na"))])

    survey.append({"type": "text", "name": "facility", "label": words("facility"), "hint": words("facility_hint"),
                   "required": "yes"})
    survey.append({"type": "integer", "name": "year", "label": words("year"), "required": "yes",
                   "constraint": f". >= {YEAR_MIN} and . <= {YEAR_MAX}", "constraint_message": words("year_message")})
    uses_processes = any(s.applies_to.processes or any(q.applies_to.processes for q in s.questions)
                         for s in framework.sections)
    if uses_processes:
        survey.append({"type": "select_multiple processes", "name": "processes", "label": words("processes")})
        choice_list("processes", [(p, {lang: translate(lang, PROCESS_WORDS[p]) for lang in LANGUAGES}) for p in PROCESSES])
    survey.append({"type": "calculate", "name": "form_version", "calculation": f"'{form_version(framework)}'"})

    included: set[str] = set()
    for section in framework.sections:
        if not _applies_to_subject(section.applies_to, subject):
            continue
        body: list[dict] = []
        for q in section.questions:
            if not _applies_to_subject(q.applies_to, subject):
                continue
            if q.when is not None and q.when.question not in included:
                continue   # what it depends on is not in the form: the scorer skips it too
            included.add(q.id)
            name = names.questions[q.id]
            hint = texts(q.guidance) if q.guidance else {}
            relevant = _and(_processes_relevance(q.applies_to), _when_relevance(q, names, framework))
            row = {"name": name, "label": texts(q.text)}
            if q.allow_na and q.type not in _CHOICE_TYPES:
                body.append({"type": "select_one yes_no", "name": f"{name}__na", "relevant": relevant,
                             "label": {lang: translate(lang, WORDS["na_flag"]) % {"question": text_in(q.text, lang)}
                                       for lang in LANGUAGES}})
                relevant = _and(relevant, f"${{{name}__na}} != 'yes'")
            if q.type == "yes_no":
                row["type"] = "select_one yes_no_na" if q.allow_na else "select_one yes_no"
            elif q.type in ("single_choice", "multiple_choice"):
                kind = "select_one" if q.type == "single_choice" else "select_multiple"
                row["type"] = f"{kind} {name}"
                items = [(c.code, texts(c.label)) for c in q.choices]
                if q.allow_na:
                    items.append((NA, words("na")))
                    if q.type == "multiple_choice":
                        row["constraint"] = "not(selected(., 'na')) or count-selected(.) = 1"
                        row["constraint_message"] = words("na_alone")
                choice_list(name, items)
            elif q.type == "number":
                row["type"] = "decimal"
                if not q.allow_negative:
                    row["constraint"] = ". >= 0"
                    row["constraint_message"] = words("zero_or_more")
                hint = _with_unit(hint, q.unit, words)
            elif q.type in ("text", "date"):
                row["type"] = q.type
            elif q.type == "evidence":
                row["type"] = "file"
            if hint:
                row["hint"] = hint
            if q.type == "table":
                body.append({"type": "begin repeat", "name": name, "label": texts(q.text), "relevant": relevant,
                             **({"hint": hint} if hint else {})})
                for column in q.columns:
                    body.append(_column_row(name, column, texts, words, choice_list))
                body.append({"type": "end repeat", "name": name})
                continue
            if relevant:
                row["relevant"] = relevant
            body.append(row)
        if not body:
            continue
        group = {"type": "begin group", "name": names.sections[section.id], "label": texts(section.title)}
        if section.guidance:
            group["hint"] = texts(section.guidance)
        if section.applies_to.processes:
            group["relevant"] = _processes_relevance(section.applies_to)
        survey.extend([group, *body, {"type": "end group", "name": names.sections[section.id]}])
    return survey, choices


def _with_unit(hint: dict, unit: str | None, words) -> dict:
    if not unit or unit == "1":
        return hint
    shown = "%" if unit == "percent" else unit
    unit_words = words("unit", unit=shown)
    return {lang: (f"{hint[lang]}\n{unit_words[lang]}" if hint.get(lang) else unit_words[lang]) for lang in LANGUAGES}


def _column_row(table: str, column, texts, words, choice_list) -> dict:
    name = f"{table}__{column.id}"
    row = {"name": name, "label": texts(column.label)}
    if column.type == "yes_no":
        row["type"] = "select_one yes_no"
    elif column.type in ("single_choice", "multiple_choice"):
        row["type"] = f"{'select_one' if column.type == 'single_choice' else 'select_multiple'} {name}"
        choice_list(name, [(c.code, texts(c.label)) for c in column.choices])
    elif column.type == "number":
        row["type"] = "decimal"
        row["constraint"] = ". >= 0"
        row["constraint_message"] = words("zero_or_more")
        hint = _with_unit({}, column.unit, words)
        if hint:
            row["hint"] = hint
    else:
        row["type"] = column.type   # text, date
    return row


SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant", "constraint", "constraint_message", "calculation")
TRANSLATED = ("label", "hint", "constraint_message")


def _header(column: str) -> list[str]:
    return [f"{column}::{LANGUAGE_COLUMNS[lang]}" for lang in LANGUAGES] if column in TRANSLATED else [column]


def _cells(row: dict, columns) -> list:
    cells = []
    for column in columns:
        value = row.get(column, "")
        if column in TRANSLATED:
            cells.extend(value.get(lang, "") if value else "" for lang in LANGUAGES)
        else:
            cells.append(value)
    return cells


def to_xlsform(framework: Framework, *, form_id: str | None = None, subject: str | None = None,
               translate: Translate | None = None, validate: bool = True) -> bytes:
    """The framework version as an XLSForm workbook (XLSX bytes) with the sheets survey, choices and settings.

    ``form_id`` defaults to the framework id; ``subject`` (facility, park, shared_facility) leaves out what does
    not apply to that kind; ``translate(language, english)`` gives the form's own words in each language.
    With ``validate`` (the default) the workbook is converted by pyxform first and XLSFormInvalid is raised on
    its error, so that no form leaves the platform that ODK Collect or KoboToolbox would refuse."""
    from openpyxl import Workbook

    names = Names.of(framework)
    survey, choices = _rows(framework, names, translate or _english, subject)
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append([h for column in SURVEY_COLUMNS for h in _header(column)])
    for row in survey:
        sheet.append(_cells(row, SURVEY_COLUMNS))
    sheet = book.create_sheet("choices")
    sheet.append(["list_name", "name", *_header("label")])
    for row in choices:
        sheet.append(_cells(row, ("list_name", "name", "label")))
    sheet = book.create_sheet("settings")
    sheet.append(["form_title", "form_id", "version", "default_language"])
    sheet.append([text_in(framework.title, "en"), form_id or framework.id, form_version(framework), DEFAULT_LANGUAGE])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    if validate:
        _convert(data)
    return data


def _convert(data: bytes) -> str:
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    try:
        return convert(data, file_type=".xlsx", pretty_print=True).xform
    except PyXFormError as exc:
        raise XLSFormInvalid(f"pyxform refused the form: {exc}") from exc


def xform_xml(framework: Framework, *, form_id: str | None = None, subject: str | None = None,
              translate: Translate | None = None) -> str:
    """The XForm XML pyxform makes of ``to_xlsform``'s workbook (what ODK Collect loads); XLSFormInvalid if refused."""
    return _convert(to_xlsform(framework, form_id=form_id, subject=subject, translate=translate, validate=False))


# ---- submissions -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Field:
    kind: str             # facility, year, processes, process_choice, version, question, choice, na, table
    question: str = ""    # question id
    code: str = ""        # the choice of a one-column-per-choice column


def _paths(framework: Framework, names: Names) -> dict[tuple[str, ...], _Field]:
    paths: dict[tuple[str, ...], _Field] = {
        ("facility",): _Field("facility"), ("year",): _Field("year"), ("processes",): _Field("processes"),
        ("form_version",): _Field("version"),
    }
    for process in PROCESSES:
        paths[("processes", process)] = _Field("process_choice", code=process)
    for section in framework.sections:
        group = names.sections[section.id]
        for q in section.questions:
            name = names.questions[q.id]
            found = {(name,): _Field("table" if q.type == "table" else "question", q.id)}
            if q.allow_na and q.type not in _CHOICE_TYPES:
                found[(f"{name}__na",)] = _Field("na", q.id)
            if q.type == "multiple_choice":
                for code in [c.code for c in q.choices] + ([NA] if q.allow_na else []):
                    found[(name, code)] = _Field("choice", q.id, code)
            for column in q.columns:
                found[(name, f"{name}__{column.id}")] = _Field("table", q.id)
                found[(f"{name}__{column.id}",)] = _Field("table", q.id)
            for path, target in found.items():
                paths[path] = target
                paths[(group, *path)] = target
    return paths


def _split(header: str) -> tuple[str, ...]:
    """A header as its path: KoboToolbox joins groups with "/", ODK Central with "-" (no name of ours has either)."""
    return tuple(part for part in header.replace("-", "/").split("/") if part)


class _Unsupported(ValueError):
    """A file that is neither a CSV nor an XLSX this reader knows (reported as S001)."""


def _read_sheets(data: bytes, filename: str) -> list[tuple[str, list[list]]]:
    """(sheet title, rows) of each sheet; a CSV is one sheet titled ""."""
    lower = filename.lower()
    if lower.endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        # KoboToolbox: the main sheet first, each repeat on a sheet after it named as the repeat
        return [(sheet.title, [list(row) for row in sheet.iter_rows(values_only=True)]) for sheet in book.worksheets]
    if lower.endswith(".csv"):
        text = data.decode("utf-8-sig")
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        return [("", list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))]
    raise _Unsupported("the file must be a CSV (.csv) or an Excel workbook (.xlsx)")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_ANSWER_CODES = {AnswerCode.UNKNOWN_CHOICE: SubmissionCode.UNKNOWN_CHOICE}


def parse_submissions(framework: Framework, data: bytes, filename: str) -> Submissions:
    """Read a KoboToolbox (CSV or XLSX) or ODK Central (CSV) export of this framework's XLSForm.

    Every error of the file is collected, each naming its row and column; the caller writes nothing of a file
    with any error. Rows left wholly blank are passed over."""
    version = form_version(framework)
    try:
        sheets = _read_sheets(data, filename)
        table = sheets[0][1]
    except UnicodeDecodeError:
        return _unreadable(version, f"{filename}: it is not UTF-8 text")
    except _Unsupported as exc:
        return _unreadable(version, f"{filename}: {exc}")
    except Exception:   # noqa: BLE001 - a broken workbook raises whatever zipfile or openpyxl meet; never a 500
        return _unreadable(version, f"{filename}: it cannot be read as a CSV or XLSX file")
    if not table or not any(_cell(v) for v in table[0]):
        return _unreadable(version, f"{filename}: no header row")

    names = Names.of(framework)
    paths = _paths(framework, names)
    headers = [_cell(h) for h in table[0]]
    errors: list[SubmissionError] = []
    columns: list[tuple[int, str, _Field | None]] = []   # (index, header, field or None for meta)
    for index, header in enumerate(headers):
        if not header:
            continue
        if header in META_COLUMNS or header.startswith(META_PREFIXES):
            columns.append((index, header, _Field("meta")))
            continue
        target = paths.get(_split(header))
        if target is None:
            errors.append(SubmissionError(SubmissionCode.UNKNOWN_COLUMN, 1, header,
                                          f"“{header}” is neither a question of {framework.id} {framework.version} nor a known meta column"))
            continue
        columns.append((index, header, target))
    summary = {f.question for _, _, f in columns if f and f.kind == "question"}
    has = {f.kind for _, _, f in columns if f}
    # our form_version and ODK Central's FormVersion hold the form's version; KoboToolbox's __version__ only
    # when neither is there (it holds Kobo's own asset version uid, so such a file is refused as another version)
    version_columns = [h for h in VERSION_COLUMNS[:2] if h in headers] or [h for h in VERSION_COLUMNS[2:] if h in headers]
    for kind, header, message in (("facility", "facility", "the facility or park code"), ("year", "year", "the year")):
        if kind not in has:
            errors.append(SubmissionError(SubmissionCode.MISSING_FACILITY if kind == "facility" else SubmissionCode.BAD_YEAR,
                                          1, header, f"no column “{header}” ({message})"))
    if not version_columns:
        errors.append(SubmissionError(SubmissionCode.OTHER_VERSION, 1, "form_version",
                                      f"no column names the form version; export the submissions with the form_version column ({version})"))

    index_column = headers.index("_index") if "_index" in headers else None
    tables: dict[str, dict[str, list]] = {}
    if len(sheets) > 1:
        if index_column is None:
            errors.append(SubmissionError(SubmissionCode.UNKNOWN_COLUMN, 1, "_index",
                                          "the file has repeat sheets but its first sheet has no _index column to join them by"))
        tables = _repeat_sheets(framework, names, sheets[1:], errors)

    rows: list[SubmissionRow] = []
    for number, raw in enumerate(table[1:], start=2):
        cells = {index: _cell(raw[index]) if index < len(raw) else "" for index, _, _ in columns}
        if not any(cells.values()):
            continue
        row_errors: list[SubmissionError] = []
        facility, year, processes = "", None, ()
        values: dict[str, str] = {}
        value_columns: dict[str, str] = {}
        picked: dict[str, list[str]] = {}
        na_flags: dict[str, tuple[str, str]] = {}
        for index, header, target in columns:
            value = cells[index]
            if header in version_columns and value != version:
                row_errors.append(SubmissionError(SubmissionCode.OTHER_VERSION, number, header,
                                                  f"a submission of form version “{value or 'none'}”; this form is {version}: "
                                                  "import it with the framework version it answered"))
            kind = target.kind
            if kind == "facility":
                facility = value
                if not value:
                    row_errors.append(SubmissionError(SubmissionCode.MISSING_FACILITY, number, header, "the facility or park code is missing"))
            elif kind == "year":
                year = _year(value)
                if year is None:
                    row_errors.append(SubmissionError(SubmissionCode.BAD_YEAR, number, header,
                                                      f"the year must be a whole number from {YEAR_MIN} to {YEAR_MAX}, not “{value}”"))
            elif kind == "processes":
                processes = tuple(value.split())
                unknown = [p for p in processes if p not in PROCESSES]
                if unknown:
                    row_errors.append(SubmissionError(SubmissionCode.UNKNOWN_CHOICE, number, header,
                                                      f"unknown process {', '.join(unknown)}; the processes are {', '.join(PROCESSES)}"))
            elif kind == "question":
                values[target.question] = value
                value_columns[target.question] = header
            elif kind == "choice" and target.question not in summary:
                value_columns.setdefault(target.question, header)
                if value.lower() in ("1", "true", "yes"):
                    picked.setdefault(target.question, []).append(target.code)
            elif kind == "na":
                na_flags[target.question] = (value, header)
            elif kind == "table" and value and value != "0":
                row_errors.append(SubmissionError(SubmissionCode.NOT_IMPORTABLE, number, header,
                                                  f"{target.question} is a table: it is answered on the platform, not imported"))
        repeats = tables.get(_cell(raw[index_column]) if index_column is not None and index_column < len(raw) else "", {})
        if "processes" not in has and any(f.kind == "process_choice" for _, _, f in columns):
            processes = tuple(f.code for i, _, f in columns if f.kind == "process_choice" and cells[i].lower() in ("1", "true", "yes"))
        for qid, codes in picked.items():
            values[qid] = " ".join(codes)
        answers: dict[str, object] = {}
        for qid, value in values.items():
            question = framework.questions[qid]
            if question.type == "multiple_choice" and value and value != NA:
                answers[qid] = value.split()
            elif value:
                answers[qid] = value
        for qid, table_rows in repeats.items():
            answers[qid] = [{col: value for col, (header, value) in cells_.items()} for sheet, at, cells_ in table_rows]
        for qid, (flag, header) in na_flags.items():
            if flag == "yes":
                if answers.get(qid):
                    row_errors.append(SubmissionError(SubmissionCode.BAD_VALUE, number, value_columns.get(qid, header),
                                                      f"{qid} is answered and flagged not applicable: keep one"))
                answers[qid] = NA
            elif flag not in ("", "no"):
                row_errors.append(SubmissionError(SubmissionCode.BAD_VALUE, number, header, f"answer yes or no, not “{flag}”"))
        try:
            normal = check_answers(framework, answers)
        except AnswersInvalid as exc:
            normal = {}
            for error in exc.errors:
                qid = error.question.split("[", 1)[0]
                code = _ANSWER_CODES.get(error.code, SubmissionCode.BAD_VALUE)
                message = f"{qid}: {error.code.value} {error.message}"
                where = _repeat_cell(error.question, repeats.get(qid))
                if where:   # a table's cell: the repeat sheet's own row and column
                    row_errors.append(SubmissionError(code, where[1], where[2], message, sheet=where[0]))
                else:
                    row_errors.append(SubmissionError(code, number, value_columns.get(qid, names.questions.get(qid, qid)), message))
        if row_errors:
            errors.extend(row_errors)
            continue
        rows.append(SubmissionRow(number, facility, year, version, normal, processes))
    return Submissions(version, tuple(rows), tuple(errors))


def _repeat_sheets(framework: Framework, names: Names, sheets, errors: list) -> dict[str, dict[str, list]]:
    """KoboToolbox's repeat sheets -> {parent _index: {table question id: [(sheet, row, {column id: (header, value)})]}}.

    A sheet is named as its repeat (cut to Excel's 31 characters); its rows join the main sheet's row whose
    ``_index`` their ``_parent_index`` holds. A sheet or column that is no table of this form is an error."""
    by_title = {names.questions[q.id][:31]: q for q in framework.questions.values() if q.type == "table"}
    out: dict[str, dict[str, list]] = {}
    for title, table in sheets:
        question = by_title.get(title)
        if question is None:
            errors.append(SubmissionError(SubmissionCode.UNKNOWN_COLUMN, 0, "", f"the sheet “{title}” is no table of "
                                          f"{framework.id} {framework.version}", sheet=title))
            continue
        if not table:
            continue
        name = names.questions[question.id]
        group = names.sections[question.section]
        known = {}
        for column in question.columns:
            cname = f"{name}__{column.id}"
            for path in ((cname,), (name, cname), (group, name, cname)):
                known[path] = column.id
        headers = [_cell(h) for h in table[0]]
        columns, parent = [], None
        for index, header in enumerate(headers):
            if header == "_parent_index":
                parent = index
            elif not header or header in META_COLUMNS or header.startswith(("_submission_", *META_PREFIXES)):
                continue
            elif _split(header) in known:
                columns.append((index, header, known[_split(header)]))
            else:
                errors.append(SubmissionError(SubmissionCode.UNKNOWN_COLUMN, 1, header,
                                              f"“{header}” is no column of the table {question.id}", sheet=title))
        if parent is None:
            errors.append(SubmissionError(SubmissionCode.UNKNOWN_COLUMN, 1, "_parent_index",
                                          "a repeat sheet needs its _parent_index column", sheet=title))
            continue
        for number, raw in enumerate(table[1:], start=2):
            cells = {col: (header, _cell(raw[i]) if i < len(raw) else "") for i, header, col in columns}
            if not any(v for h, v in cells.values()):
                continue
            key = _cell(raw[parent]) if parent < len(raw) else ""
            out.setdefault(key, {}).setdefault(question.id, []).append((title, number, cells))
    return out


def _repeat_cell(where: str, table_rows) -> tuple[str, int, str] | None:
    """check_answers' ``qid[n].column`` -> (sheet, row, header) of that cell, or None."""
    if not table_rows or "[" not in where:
        return None
    number, _, column = where.split("[", 1)[1].partition("].")
    sheet, row, cells = table_rows[int(number) - 1]
    return sheet, row, cells.get(column, (column, ""))[0]


def _unreadable(version: str, message: str) -> Submissions:
    return Submissions(version, (), (SubmissionError(SubmissionCode.UNREADABLE, 0, "", message),))


def _year(value: str) -> int | None:
    try:
        number = float(value)
    except ValueError:
        return None
    if not number.is_integer() or not YEAR_MIN <= number <= YEAR_MAX:
        return None
    return int(number)
