"""The Excel template in the reader's language beside its codes, still read by the import (issue 14, 7).

The header cells are the code with the reader's words on a second line; the data sheet names each metric in a
seventh column the import does not read; the import's messages come in the uploader's language.
"""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loomlight.reporting.imports.jobs import ImportJob
from loomlight.reporting.imports.template import COLUMNS
from loomlight.reporting.models import ActivityValue
from tests.reporting.test_import_service import fill
from tests.site.catalogues import install

YEAR = 2025
VIETNAMESE = {
    "Facility (id)": "Cơ sở (mã)", "Month (YYYY-MM)": "Tháng (YYYY-MM)", "Metric (code)": "Chỉ số (mã)",
    ("reported", "Value"): "Giá trị", ("measure", "Unit"): "Đơn vị", ("unit", "person"): "người",
    "“%(value)s” is not a number: write digits with a point for decimals, e.g. %(example)s.":
        "“%(value)s” không phải là số: viết chữ số, dùng dấu chấm cho phần thập phân, ví dụ %(example)s.",
}


def _template(client, world) -> openpyxl.Workbook:
    response = client.get(reverse("reporting:import_template", args=[world.own.pk, YEAR]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _upload(client, world, wb, capture) -> ImportJob:
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = SimpleUploadedFile("thang-1.xlsx", buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with capture(execute=True):
        response = client.post(reverse("reporting:import", args=[world.own.pk, YEAR]), {"file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.latest("id")
    job.refresh_from_db()
    return job


def test_the_vietnamese_template_has_words_beside_its_codes_and_still_imports(client, world, settings, tmp_path,
                                                                               django_capture_on_commit_callbacks):
    install(settings, tmp_path, "vi", VIETNAMESE)
    client.force_login(world.users["data_entry"])
    client.cookies["django_language"] = "vi"
    # given the template downloaded by a Vietnamese reader
    wb = _template(client, world)
    header = [c.value for c in wb["data"][1]]
    assert header[:5] == ["facility_id\nCơ sở (mã)", "month\nTháng (YYYY-MM)", "metric\nChỉ số (mã)",
                          "qualifier\nLoại sản phẩm hoặc loại chất thải", "value\nGiá trị"]   # the form's label, shipped
    assert tuple(h.split("\n")[0] for h in header[:6]) == COLUMNS
    first = [c.value for c in wb["data"][2]]
    assert first[2] == "electricity_grid" and first[6] == "Điện lưới mua vào"   # the metric's name from the catalogue
    metrics = {r[0]: r for r in wb["metrics"].iter_rows(min_row=2, values_only=True)}
    assert metrics["headcount_female"][3] == "person" and metrics["headcount_female"][-1] == "người"
    about = {r[0]: r[1] for r in wb["about"].iter_rows(max_row=6, values_only=True)}
    assert about["template"] == "loomlight-monthly-data"                       # the codes the import reads, kept

    # when it comes back with a value that is not a number: refused, the message in Vietnamese, nothing stored
    fill(wb, "2025-01", "electricity_grid", "abc")
    job = _upload(client, world, wb, django_capture_on_commit_callbacks)
    assert job.status == "refused"
    assert [e["problem"] for e in job.errors] == [
        "“abc” không phải là số: viết chữ số, dùng dấu chấm cho phần thập phân, ví dụ 1234.5."]
    assert not ActivityValue.objects.filter(facility=world.own).exists()

    # and once corrected it is stored, its header words and the seventh column left unread
    fill(wb, "2025-01", "electricity_grid", 1250, "MWh")
    job = _upload(client, world, wb, django_capture_on_commit_callbacks)
    assert (job.status, job.values_created) == ("done", 1)
    assert ActivityValue.objects.get(facility=world.own, metric="electricity_grid").value == 1_250_000
