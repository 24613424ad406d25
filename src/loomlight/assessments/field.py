"""Field collection: a framework version as an XLSForm for ODK Collect and KoboToolbox, and their submission
exports imported back as answers, all or nothing.

The pure part (``calc.assessment.xlsform``) writes the form and parses a file; this module gives it the form's own
words in the four languages (gettext) and writes the parsed rows: a file with any error — another form version, a
bad value, an unknown facility or park, one the importer may not collect for, a cycle already submitted, the same
subject and year twice — writes nothing, and every error names its row and column.

A facility is named in the form by its number on the platform (shown on its page) or its Open Supply Hub ID; a
park or shared facility by its number.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from loomlight.assessments import access, services
from loomlight.assessments.models import AnswerSource, Assessment, FrameworkVersion
from loomlight.calc.assessment import xlsform
from loomlight.registry.models import Facility, IndustrialPark, Process, SharedFacility

#: The form's own words, for the catalogue (calc.assessment.xlsform.WORDS holds the same English).
FORM_WORDS = (
    gettext_noop("Facility or park code"), gettext_noop("The code the platform gives the facility or park."),
    gettext_noop("Year assessed"), gettext_noop("A year from 2000 to 2100."), gettext_noop("Processes at the site"),
    gettext_noop("Yes"), gettext_noop("No"), gettext_noop("Not applicable"), gettext_noop("Not applicable: %(question)s"),
    gettext_noop("Choose not applicable alone."), gettext_noop("Unit: %(unit)s"), gettext_noop("Enter zero or more."),
)
_PROCESS_LABELS = {word: code for code, word in xlsform.PROCESS_WORDS.items()}


def translate(language: str, english: str) -> str:
    """The form's word in ``language``: a process by the registry's label, the rest from the catalogue."""
    with translation.override(language):
        if english in _PROCESS_LABELS:
            return str(Process(_PROCESS_LABELS[english]).label)
        return _(english)   # noqa: INT001 (FORM_WORDS above names every msgid)


def xlsform_bytes(version: FrameworkVersion, subject: str | None = None) -> bytes:
    return xlsform.to_xlsform(version.tree(), subject=subject, translate=translate)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    sheet: str = ""


@dataclass(frozen=True)
class Imported:
    started: int
    updated: int
    answers: int


class ImportRefused(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.sheet, e.row, e.column))
        super().__init__(f"{len(self.errors)} errors")


def _subject(code: str, kind: str):
    code = code.strip()
    if kind == "facility":
        if code.isdigit():
            return Facility.objects.filter(pk=int(code)).first()
        return Facility.objects.filter(os_hub_id=code).first() if code else None
    model = IndustrialPark if kind == "park" else SharedFacility
    return model.objects.filter(pk=int(code)).first() if code.isdigit() else None


def submissions_import(*, by, version: FrameworkVersion, data: bytes, filename: str, subject_kind: str = "facility") -> Imported:
    """Write the submissions of a KoboToolbox or ODK Central export as answers (source "import"), starting the
    year's cycle where there is none; ImportRefused with every error and nothing written otherwise."""
    parsed = xlsform.parse_submissions(version.tree(), data, filename)
    errors = [RowError(e.row, e.column, f"{e.code.value} {e.message}", e.sheet) for e in parsed.errors]
    plan, seen = [], {}
    for row in parsed.rows:
        subject = _subject(row.facility_code, subject_kind)
        if subject is None:
            errors.append(RowError(row.row, "facility", _("No %(kind)s has the code “%(code)s” on the platform.") % {
                "kind": _("facility") if subject_kind == "facility" else _("park") if subject_kind == "park" else _("shared facility"),
                "code": row.facility_code}))
            continue
        key = (subject.pk, row.year)
        if key in seen:
            errors.append(RowError(row.row, "facility", _("The same subject and year as row %(row)s.") % {"row": seen[key]}))
            continue
        seen[key] = row.row
        existing = Assessment.objects.filter(framework_code=version.framework_id, year=row.year,
                                             **{f"{subject_kind}_id": subject.pk}).first()
        if existing is None:
            if not access.can_start(by, subject):
                errors.append(RowError(row.row, "facility", _("You cannot collect answers for %(name)s.") % {"name": subject.name}))
                continue
        else:
            if existing.framework_id != version.pk:
                errors.append(RowError(row.row, "form_version", _("The %(year)s cycle of %(name)s answers version %(version)s of the framework.") % {
                    "year": row.year, "name": subject.name, "version": existing.framework.version}))
                continue
            if existing.status not in services.EDITABLE:
                errors.append(RowError(row.row, "facility", _("The %(year)s cycle of %(name)s is %(status)s: it takes no answers.") % {
                    "year": row.year, "name": subject.name, "status": existing.get_status_display().lower()}))
                continue
            if not (access.can_answer(by, existing) or access.can_verify(by, existing)):
                errors.append(RowError(row.row, "facility", _("You cannot collect answers for %(name)s.") % {"name": subject.name}))
                continue
        plan.append((row, subject, existing))
    if errors:
        raise ImportRefused(errors)
    started = updated = answers = 0
    try:
        with transaction.atomic():
            for row, subject, existing in plan:
                assessment = existing or services.assessment_start(by=by, framework=version, subject=subject, year=row.year, via="upload")
                started += existing is None
                updated += existing is not None
                values = {q: (list(v) if isinstance(v, tuple) and v and not isinstance(v[0], tuple) else v)
                          for q, v in row.answers.items()}
                changed = services.answers_save(by=by, assessment=assessment, answers=_raw(version, values),
                                                via="upload", source=AnswerSource.IMPORT)
                answers += len(changed)
    except ValidationError as exc:
        raise ImportRefused([RowError(0, field, "; ".join(str(m) for m in messages))
                             for field, messages in exc.message_dict.items()]) from None
    except PermissionDenied:
        raise ImportRefused([RowError(0, "", _("You cannot collect answers for one of these subjects."))]) from None
    return Imported(started, updated, answers)


def _raw(version: FrameworkVersion, values: dict) -> dict:
    """Normalised answers back into what ``answers_save`` checks again (codes joined by ";", tables as rows)."""
    tree = version.tree()
    out = {}
    for qid, value in values.items():
        question = tree.questions[qid]
        if question.type == "multiple_choice" and isinstance(value, (list, tuple)):
            out[qid] = ";".join(value)
        elif question.type == "table" and isinstance(value, (list, tuple)):
            out[qid] = [dict(row) for row in value]
        elif isinstance(value, float):
            out[qid] = repr(value)
        else:
            out[qid] = value
    return out
