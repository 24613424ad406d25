"""Field collection through the platform: the XLSForm download in four languages, a KoboToolbox-shaped export
imported all or nothing with row and column named; and the PDF scorecard's route (issue 17, points 8 and 9)."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loomlight.assessments import services
from loomlight.assessments.field import ImportRefused, submissions_import
from loomlight.assessments.models import Answer, Assessment
from loomlight.calc.assessment.xlsform import form_version

QUESTIONS = ["ems.policy", "ems.targets", "ems.target_year", "ems.certified", "water.metered", "water.recycled"]


def kobo_csv(version: str, rows) -> bytes:
    """KoboToolbox's CSV export: ';'-separated, group paths with '/', its meta columns, its own uid as __version__."""
    header = ["facility", "year", "processes", "form_version",
              *[f"{q.split('.')[0]}/{q.replace('.', '__')}" for q in QUESTIONS],
              "_id", "_uuid", "_submission_time", "__version__", "_index"]
    lines = [";".join(f'"{h}"' for h in header)]
    for i, (facility, year, answers) in enumerate(rows, start=1):
        cells = [facility, str(year), "dyeing", version, *[answers.get(q, "") for q in QUESTIONS],
                 str(100 + i), f"uuid-{i}", "2026-11-30T10:00:00", "vGKwUs4mxyqoJkCkjNhmEf", str(i)]
        lines.append(";".join(f'"{c}"' for c in cells))
    return ("\n".join(lines) + "\n").encode("utf-8")


GOOD = {"ems.policy": "yes", "ems.targets": "some", "ems.target_year": "2026-03-01", "ems.certified": "iso14001 iso50001",
        "water.metered": "yes", "water.recycled": "35"}


def test_a_field_export_becomes_answers_of_each_facility_s_cycle(world, mini):
    version = form_version(mini.tree())
    data = kobo_csv(version, [(str(world.own.pk), 2025, GOOD), (str(world.outside.pk), 2025, {"ems.policy": "no"})])
    done = submissions_import(by=world.users["assessor"], version=mini, data=data, filename="kobo.csv")
    assert (done.started, done.updated, done.answers) == (2, 0, 7)
    own = Assessment.objects.get(facility=world.own)
    answers = {a.question: (a.value, a.source, a.answered_by.username) for a in own.answers.all()}
    assert answers["ems.certified"] == (["iso14001", "iso50001"], "import", "assessor")
    assert answers["water.recycled"] == (35.0, "import", "assessor")
    # whoever collected the answers does not verify them
    own.status = "submitted"
    own.save()
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError):
        services.assessment_verify(by=world.users["assessor"], assessment=own, mode="on_site")


def test_a_file_with_any_error_writes_nothing_and_names_row_and_column(world, mini):
    version = form_version(mini.tree())
    services.assessment_start(by=world.users["manager"], framework=mini, subject=world.own, year=2024,
                              today=datetime.date(2026, 3, 1))
    Assessment.objects.filter(facility=world.own, year=2024).update(status="verified")
    data = kobo_csv(version, [
        (str(world.outside.pk), 2025, GOOD),                        # row 2: fine on its own
        ("999999", 2025, GOOD),                                     # row 3: no such facility
        (str(world.stranger.pk), 2025, GOOD),                       # row 4: not in the assessor's programme
        (str(world.own.pk), 2024, GOOD),                            # row 5: the 2024 cycle is verified
        (str(world.own.pk), 2025, {**GOOD, "ems.targets": "most"}),  # row 6: unknown choice
    ])
    with pytest.raises(ImportRefused) as refused:
        submissions_import(by=world.users["assessor"], version=mini, data=data, filename="kobo.csv")
    where = [(e.row, e.column) for e in refused.value.errors]
    assert where == [(3, "facility"), (4, "facility"), (5, "facility"), (6, "ems/ems__targets")]
    assert Assessment.objects.filter(year=2025).count() == 0
    assert not Answer.objects.exists()
    # a submission of another form version is refused too
    with pytest.raises(ImportRefused) as refused:
        submissions_import(by=world.users["assessor"], version=mini, data=kobo_csv("2026.1-00000000", [(str(world.outside.pk), 2025, GOOD)]),
                           filename="kobo.csv")
    assert [e.message[:4] for e in refused.value.errors] == ["S003"]


def test_the_import_page_reports_by_row(client, world, mini):
    client.force_login(world.users["assessor"])
    data = kobo_csv(form_version(mini.tree()), [("999999", 2025, GOOD)])
    page = client.post(reverse("assessments:import", args=[mini.pk]),
                       {"kind": "facility", "file": SimpleUploadedFile("kobo.csv", data, content_type="text/csv")})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="import-errors"' in body and "999999" in body
    for role in ("brand", "financier", "nobody"):
        client.force_login(world.users[role])
        assert client.get(reverse("assessments:import", args=[mini.pk])).status_code == 403
        assert client.get(reverse("assessments:xlsform", args=[mini.pk])).status_code == 403


def test_the_xlsform_download_carries_four_languages(client, world, mini):
    client.force_login(world.users["manager"])
    response = client.get(reverse("assessments:xlsform", args=[mini.pk]) + "?subject=facility")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    header = [c.value for c in next(book["survey"].iter_rows(max_row=1))]
    assert {"label::English (en)", "label::Tiếng Việt (vi)", "label::ខ្មែរ (km)", "label::ไทย (th)"} <= set(header)
    rows = [dict(zip(header, [c.value for c in r], strict=False)) for r in book["survey"].iter_rows(min_row=2)]
    facility = next(r for r in rows if r.get("name") == "facility")
    # the form's own words come from the catalogue: the Vietnamese label is the catalogue's, not English
    from django.utils import translation
    with translation.override("vi"):
        from django.utils.translation import gettext
        assert facility["label::Tiếng Việt (vi)"] == gettext("Facility or park code")


def test_the_scorecard_pdf_is_for_readers_only(client, world, mini):
    from pypdf import PdfReader

    cycle = services.assessment_start(by=world.users["manager"], framework=mini, subject=world.own, year=2025,
                                      today=datetime.date(2026, 3, 1))
    services.answers_save(by=world.users["manager"], assessment=cycle, answers={"ems.policy": "yes"})
    client.force_login(world.users["manager"])
    response = client.get(reverse("assessments:scorecard", args=[cycle.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Own Dyehouse" in text and "Not verified" in text
    for role in ("neighbour_manager", "brand", "nobody"):
        client.force_login(world.users[role])
        assert client.get(reverse("assessments:scorecard", args=[cycle.pk])).status_code == 404
