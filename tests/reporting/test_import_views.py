"""Template download, upload, the background job page and the error report downloads."""

from __future__ import annotations

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.reporting.imports.jobs import ImportJob, ImportStatus
from loomlight.reporting.imports.template import COLUMNS, template_months
from loomlight.reporting.models import ActivityValue
from loomlight.reporting.tasks import activity_values_import_run
from tests.reporting.test_import_service import fill

YEAR = 2025
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _template_url(world, year=YEAR):
    return reverse("reporting:import_template", args=[world.own.pk, year])


def _upload_url(world, year=YEAR):
    return reverse("reporting:import", args=[world.own.pk, year])


def _download_template(client, world) -> openpyxl.Workbook:
    response = client.get(_template_url(world))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == f'attachment; filename="loomlight-{world.own.pk}-{YEAR}.xlsx"'
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _as_upload(wb, name="january.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def _upload(client, world, wb, django_capture_on_commit_callbacks, name="january.xlsx"):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_upload_url(world), {"file": _as_upload(wb, name)})
    assert response.status_code == 302, response.content.decode()[:500]
    job = ImportJob.objects.latest("id")
    assert response["Location"] == reverse("reporting:import_job", args=[world.own.pk, job.pk])
    return job


def test_template_lists_every_metric_and_month_with_drop_downs_and_its_marker(client, world):
    client.force_login(world.users["data_entry"])
    wb = _download_template(client, world)
    assert wb.sheetnames == ["data", "metrics", "about"]
    data = wb["data"]
    rows = list(data.iter_rows(values_only=True))
    assert tuple(h.split("\n")[0] for h in rows[0][:6]) == COLUMNS   # the codes, the reader's words below them
    assert len(rows) == 1 + 12 * 63   # 63 metrics since issue 19 added four biomass fuels
    assert rows[1][:6] == (world.own.pk, "2025-01", "electricity_grid", None, None, "kWh")
    assert rows[-1][:6] == (world.own.pk, "2025-12", "injuries_lost_time", None, None, "count")
    assert {r[1] for r in rows[1:]} == {f"2025-{m:02d}" for m in range(1, 13)}
    lists = {str(dv.sqref): (dv.type, dv.formula1) for dv in data.data_validations.dataValidation}
    assert lists["C2:C1757"] == ("list", "metrics!$A$2:$A$64")
    assert lists["F2:F1757"] == ("list", '"kWh,MWh,GJ,MJ,m³,L,kg,tonne,piece,pair,person,hour,count,m"')
    assert lists["E2:E1757"] == ("decimal", "0")
    metrics = list(wb["metrics"].iter_rows(values_only=True))
    assert tuple(h.split("\n")[0] for h in metrics[0][:5]) == ("code", "name", "category", "canonical_unit", "reporting_unit")
    assert metrics[1][:5] == ("electricity_grid", "Grid electricity purchased", "energy", "kWh", "kWh")
    assert len(metrics) == 64
    about = {r[0]: r[1] for r in wb["about"].iter_rows(max_row=6, values_only=True)}
    assert about == {"template": "loomlight-monthly-data", "version": 2, "facility_id": world.own.pk,
                     "facility": "Own Dyehouse", "year": 2025, "generated": datetime.date.today().isoformat()}


def test_template_presets_each_metrics_usual_reporting_unit(client, world):
    # given the template a facility downloads
    client.force_login(world.users["data_entry"])
    wb = _download_template(client, world)
    rows = list(wb["data"].iter_rows(min_row=2, values_only=True))
    unit = {(r[1], r[2]): r[5] for r in rows}
    # then diesel is pre-set in litres (it was GJ: 1,500 typed as litres was stored as 1,500 GJ), coal in tonnes
    assert {unit[(f"2025-{m:02d}", "fuel_diesel")] for m in range(1, 13)} == {"L"}
    assert (unit[("2025-01", "coal_bituminous")], unit[("2025-01", "biomass_rice_husk")], unit[("2025-01", "fuel_lpg")]) == (
        "tonne", "tonne", "kg")
    assert (unit[("2025-01", "electricity_grid")], unit[("2025-01", "water_municipal")],
            unit[("2025-01", "waste_hazardous_landfilled")]) == ("kWh", "m³", "kg")
    assert {r[5] for r in rows if r[2] == "steam_purchased"} == {"GJ"}   # bought as energy
    sheet = {r[0]: r for r in wb["metrics"].iter_rows(min_row=2, values_only=True)}
    assert sheet["fuel_diesel"][3:5] == ("GJ", "L")   # stored in GJ, reported in L
    about = [r[0] for r in wb["about"].iter_rows(min_row=8, values_only=True)]
    assert ("The column “unit” starts as the unit each metric is usually reported in (litres of diesel, kWh of electricity, "
            "tonnes of coal ...). If your bill, meter or delivery note uses another (GJ, MWh, kg ...), change the unit: "
            "Loomlight converts it. The sheet “metrics” lists each metric's units.") in about


def test_template_of_the_current_year_stops_at_this_month():
    assert template_months(2026, datetime.date(2026, 3, 15)) == [datetime.date(2026, m, 1) for m in (1, 2, 3)]
    assert len(template_months(2025, datetime.date(2026, 3, 15))) == 12


def test_round_trip_download_fill_upload_stored(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["data_entry"])
    wb = _download_template(client, world)
    fill(wb, "2025-01", "electricity_grid", 1250, "MWh")
    fill(wb, "2025-01", "water_municipal", 310.5)

    job = _upload(client, world, wb, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert (job.status, job.values_created, job.values_updated, job.values_unchanged, job.error_count) == ("done", 2, 0, 0, 0)
    assert (job.rows_total, job.rows_done, job.rows_skipped) == (756, 756, 754)
    assert (job.original_name, job.created_by, job.year) == ("january.xlsx", world.users["data_entry"], 2025)
    assert job.file.name.startswith(f"imports/{world.own.pk}/") and job.file.name.endswith(".xlsx")
    assert sorted(ActivityValue.objects.values_list("metric", "value", "original_unit")) == [
        ("electricity_grid", 1_250_000.0, "MWh"), ("water_municipal", 310.5, "m³")]
    page = client.get(reverse("reporting:import_job", args=[world.own.pk, job.pk]))
    body = page.content.decode()
    assert '<div class="number" data-testid="created">2</div>' in body
    assert "hx-trigger" not in body   # finished: the page stops polling


def test_the_result_page_lists_the_flagged_values_with_a_link_to_each(client, world, django_capture_on_commit_callbacks):
    # given a file with five months of diesel in litres and June's 1,500 typed with the unit GJ, and a production
    # figure of T-shirts far below its three earlier months
    client.force_login(world.users["data_entry"])
    wb = _download_template(client, world)
    for month, litres in zip(range(1, 6), (1500, 1480, 1520, 1510, 1490)):
        fill(wb, f"2025-{month:02d}", "fuel_diesel", litres)
    diesel = fill(wb, "2025-06", "fuel_diesel", 1500, "GJ")
    for month in (1, 2, 3):
        fill(wb, f"2025-{month:02d}", "production_pieces", 12_000, qualifier="T-shirts")
    shirts = fill(wb, "2025-04", "production_pieces", 600, qualifier="T-shirts")
    for month in (1, 2, 3):
        fill(wb, f"2025-{month:02d}", "electricity_grid", 100_000)
    fill(wb, "2025-04", "electricity_grid", 1000, "MWh")                 # 1,000,000 kWh: 10 times

    # when it is uploaded and imported
    job = _upload(client, world, wb, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.values_created, job.flag_count) == ("done", 14, 3)
    body = client.get(reverse("reporting:import_job", args=[world.own.pk, job.pk])).content.decode()

    # then the page says how many values are flagged, and lists each with why and a link to its month and metric
    assert '<div class="number" data-testid="flag-count">3</div>' in body
    assert ("3 values stored by this file are far from this facility's own history: more than 3 times, or less than 1/3 "
            "of, both the median of their earlier months (at least 3 of the 12 before) and the same month last year, as "
            "far as they are known. They are stored; check each, above all its unit, and correct it on the monthly data "
            "page if it is wrong.") in body
    table = body[body.index('data-testid="flagged"'):body.index("</table>", body.index('data-testid="flagged"'))]
    links = re.findall(r'<a href="([^"]+)" data-testid="flagged-link">([^<]+)</a>', table)
    page = reverse("reporting:facility_year", args=[world.own.pk, 2025])
    assert links == [
        (f"{page}?month=4&amp;metric=electricity_grid#report-value", "Grid electricity purchased"),
        (f"{page}?month=4&amp;metric=production_pieces&amp;qualifier=T-shirts#report-value", "Production output in pieces · T-shirts"),
        (f"{page}?month=6&amp;metric=fuel_diesel#report-value", "Diesel / gas oil"),
    ]
    assert f"<td>2025-06<br><small>row {diesel}</small></td>" in table and f"<td>2025-04<br><small>row {shirts}</small></td>" in table
    # 1,500 L / 1,149 L/t x 43 GJ/t = 56.136 GJ; 1,500 / 56.136 = 26.7; 600 / 12,000 = 0.05
    assert "<strong>27 × the median of the 5 earlier months (56.14 GJ).</strong>" in table
    assert "<strong>0.05 × the median of the 3 earlier months (12,000 piece).</strong>" in table
    assert '1,500 GJ <span class="badge flag">▲</span></td>' in table   # reported as stored: said once
    assert '1,000 MWh <span class="badge flag">▲</span><br><small>stored as 1,000,000 kWh</small></td>' in table
    assert "<strong>10 × the median of the 3 earlier months (100,000 kWh).</strong>" in table

    # and the link opens the monthly data page with the form showing the value as it was reported, to correct it
    response = client.get(f"{page}?month=6&metric=fuel_diesel")
    form = response.context["form"]
    assert {k: form.initial[k] for k in ("month", "metric", "value", "unit")} == {
        "month": 6, "metric": "fuel_diesel", "value": "1500", "unit": "GJ"}
    assert 'id="report-value"' in response.content.decode()
    # the list of recent uploads says it too, linking to the list
    listing = client.get(_upload_url(world)).content.decode()
    assert f'<a href="{reverse("reporting:import_job", args=[world.own.pk, job.pk])}#flagged">3 values to check</a>' in listing


def test_a_result_without_flags_says_none(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["data_entry"])
    wb = _download_template(client, world)
    fill(wb, "2025-01", "electricity_grid", 1250, "MWh")
    job = _upload(client, world, wb, django_capture_on_commit_callbacks)
    body = client.get(reverse("reporting:import_job", args=[world.own.pk, job.pk])).content.decode()
    assert '<div class="number" data-testid="flag-count">0</div>' in body
    assert 'data-testid="flagged"' not in body


def test_a_finished_import_says_its_months_are_drafts_and_where_it_is_audited(client, world, django_capture_on_commit_callbacks):
    """Given a data-entry clerk's import, then its result page says the months are drafts to submit (a link to the
    monthly data page's "Submit complete months") and, to the facility's manager who may read the audit trail, links
    the import's one entry there; the clerk, who may not read the audit trail, gets no such link."""
    client.force_login(world.users["data_entry"])
    wb = _download_template(client, world)
    fill(wb, "2025-01", "electricity_grid", 1250, "MWh")
    job = _upload(client, world, wb, django_capture_on_commit_callbacks)
    url = reverse("reporting:import_job", args=[world.own.pk, job.pk])
    body = client.get(url).content.decode()
    step = body[body.index('data-testid="import-next"'):body.index("</p>", body.index('data-testid="import-next"'))]
    assert "The imported months are drafts: nobody reviews them until they are submitted." in step
    assert f'href="/data/facilities/{world.own.pk}/2025/#submit-complete"' in step
    assert 'data-testid="import-audit"' not in step
    client.force_login(world.users["manager"])
    body = client.get(url).content.decode()
    assert f'href="/audit/?import={job.pk}" data-testid="import-audit"' in body
    assert client.get(f"/audit/?import={job.pk}").status_code == 200


def test_same_upload_twice_changes_nothing(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["data_entry"])
    wb = _download_template(client, world)
    fill(wb, "2025-03", "electricity_grid", 99)
    _upload(client, world, wb, django_capture_on_commit_callbacks)
    events = AuditEvent.objects.count()
    job = _upload(client, world, wb, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.values_created, job.values_updated, job.values_unchanged) == ("done", 0, 0, 1)
    assert AuditEvent.objects.count() == events


def test_refused_upload_shows_the_error_table_and_offers_the_report(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["manager"])
    wb = _download_template(client, world)
    fill(wb, "2025-01", "electricity_grid", "=2*3")
    row = fill(wb, "2025-02", "electricity_grid", 5, "litres")

    job = _upload(client, world, wb, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert (job.status, job.error_count, job.values_created) == ("refused", 2, 0)
    assert [(e["sheet"], e["row"], e["column"], e["field"], e["value"], e["code"]) for e in job.errors] == [
        ("data", 2, "E", "value", "=2*3", "formula"),
        ("data", row, "F", "unit", "litres", "unit"),
    ]
    assert not ActivityValue.objects.exists()
    body = client.get(reverse("reporting:import_job", args=[world.own.pk, job.pk])).content.decode()
    assert "Nothing was stored: the file has 2 problems." in body
    assert "“litres” measures volume, but this value is energy (in kWh)." in body

    csv_response = client.get(reverse("reporting:import_errors", args=[world.own.pk, job.pk, "csv"]))
    assert csv_response["Content-Disposition"] == f'attachment; filename="loomlight-import-{job.pk}-errors.csv"'
    lines = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert lines == [
        ["sheet", "row", "column", "field", "value", "what is wrong", "how to fix it"],
        ["data", "2", "E", "value", "'=2*3", "A formula (=2*3) instead of a value.",
         "Replace formulas by their values: copy the cells, then Paste Special → Values."],
        ["data", str(row), "F", "unit", "litres", "“litres” measures volume, but this value is energy (in kWh).",
         "Give a unit of this metric's quantity; the sheet “metrics” lists each metric's unit."],
    ]
    xlsx_response = client.get(reverse("reporting:import_errors", args=[world.own.pk, job.pk, "xlsx"]))
    report = openpyxl.load_workbook(io.BytesIO(xlsx_response.content))["errors"]
    assert report["E2"].value == "=2*3" and report["E2"].data_type == "s"   # shown as text, never run
    assert [c.value for c in report[3]][:5] == ["data", row, "F", "unit", "litres"]
    assert client.get(reverse("reporting:import_errors", args=[world.own.pk, job.pk, "pdf"])).status_code == 404


def test_oversize_upload_is_refused_on_the_form(client, world, settings):
    settings.IMPORT_MAX_BYTES = 1024
    client.force_login(world.users["data_entry"])
    response = client.post(_upload_url(world), {"file": SimpleUploadedFile("big.xlsx", b"x" * 5000, content_type=XLSX)})
    assert response.status_code == 400
    assert response.context["error"] == ("The file is 4.9\xa0KB; the limit is 1.0\xa0KB. "
                                         "Split it into smaller files, for example one per year, and upload each.")
    assert not ImportJob.objects.exists()


def test_not_a_workbook_through_the_page(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["data_entry"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_upload_url(world), {"file": SimpleUploadedFile("data.xlsx", b"month,value\n2025-01,5\n")})
    job = ImportJob.objects.get()
    assert (job.status, [e["code"] for e in job.errors]) == ("refused", ["not_a_workbook"])


@pytest.mark.parametrize("user,status", [
    ("data_entry", 200), ("manager", 200), ("group_manager", 200),
    ("brand", 403), ("assessor", 403), ("admin", 403),
    ("neighbour_manager", 404), ("park_operator", 404), ("other_brand", 404), ("nobody", 404),
])
def test_who_may_download_the_template_and_upload(client, world, user, status, django_capture_on_commit_callbacks):
    client.force_login(world.users[user])
    assert client.get(_template_url(world)).status_code == status
    assert client.get(_upload_url(world)).status_code == status
    wb = openpyxl.Workbook()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_upload_url(world), {"file": _as_upload(wb)})
    assert response.status_code == (302 if status == 200 else status)
    assert ImportJob.objects.count() == (1 if status == 200 else 0)


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(_template_url(world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_another_facilitys_job_is_not_found(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.users["data_entry"])
    job = _upload(client, world, openpyxl.Workbook(), django_capture_on_commit_callbacks)
    client.force_login(world.users["neighbour_manager"])
    assert client.get(reverse("reporting:import_job", args=[world.own.pk, job.pk])).status_code == 404
    assert client.get(reverse("reporting:import_job", args=[world.neighbour.pk, job.pk])).status_code == 404
    assert client.get(reverse("reporting:import_errors", args=[world.neighbour.pk, job.pk, "csv"])).status_code == 404


def test_future_year_has_no_template(client, world):
    client.force_login(world.users["data_entry"])
    assert client.get(_template_url(world, year=datetime.date.today().year + 1)).status_code == 404


# --- the background job ---------------------------------------------------------

def _queued_job(world, wb) -> ImportJob:
    from loomlight.reporting.imports.services import import_job_create

    return import_job_create(by=world.users["data_entry"], facility=world.own, year=YEAR, upload=_as_upload(wb))


def test_job_records_progress_while_checking_and_then_the_result(world, monkeypatch):
    from loomlight.reporting import tasks

    wb = openpyxl.load_workbook(io.BytesIO(__import__("loomlight.reporting.imports.template", fromlist=["x"]).template_workbook(
        facility=world.own, year=YEAR, today=datetime.date(2026, 3, 1))))
    fill(wb, "2025-06", "water_municipal", 10)
    job = _queued_job(world, wb)
    assert (job.status, job.rows_done, job.rows_total) == ("queued", 0, None)
    seen = []
    real_save = ImportJob.save

    def spy(self, *args, **kwargs):
        seen.append((self.status, self.rows_done, self.rows_total))
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(ImportJob, "save", spy)
    monkeypatch.setattr(tasks, "PROGRESS_SECONDS", 0)
    monkeypatch.setattr("loomlight.reporting.imports.writer.PROGRESS_EVERY", 200)

    activity_values_import_run.call(job.pk)

    assert seen == [
        ("checking", 0, 756), ("checking", 200, 756), ("checking", 400, 756), ("checking", 600, 756),
        ("storing", 756, 756), ("done", 756, 756),
    ]
    job.refresh_from_db()
    assert (job.status, job.values_created, job.started_at is not None, job.finished_at is not None) == ("done", 1, True, True)


def test_a_job_runs_once(world):
    job = _queued_job(world, openpyxl.Workbook())
    assert activity_values_import_run.call(job.pk) == "refused"
    assert activity_values_import_run.call(job.pk) == "skipped"


def test_running_job_page_polls_and_shows_progress(client, world):
    job = _queued_job(world, openpyxl.Workbook())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, rows_done=250, rows_total=1000)
    client.force_login(world.users["data_entry"])
    url = reverse("reporting:import_job", args=[world.own.pk, job.pk])
    body = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert body.startswith(f'<div id="import-status" hx-get="{url}" hx-trigger="every 1s" hx-swap="outerHTML"')
    assert '<progress max="100" value="25">25 %</progress>' in body
    assert "250 of about 1,000 rows checked" in body
    assert "<html" not in body


def test_a_job_stopped_at_the_time_limit_says_so_and_that_nothing_was_stored(client, world):
    from loomlight.reporting.tasks import activity_values_import_stopped
    from loomlight.site.worker import TaskTimeLimitExceeded

    # given an import the worker stopped while it was storing (tests/site/test_worker.py runs the worker itself)
    job = _queued_job(world, openpyxl.Workbook())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.STORING)
    # when the worker records the stop
    activity_values_import_stopped(job.pk, error=TaskTimeLimitExceeded("loomlight.reporting.tasks.activity_values_import_run", 900))
    # then the job failed, with one line saying why and what to do, and its page says so
    job.refresh_from_db()
    assert (job.status, job.error_count, job.finished_at is not None) == ("failed", 1, True)
    assert [(e["code"], e["problem"], e["fix"]) for e in job.errors] == [(
        "time_limit", "The import was stopped after 900 s, the time limit of a background task: nothing was stored.",
        "Split the file into smaller files and upload them one after the other, or ask your administrator to raise the "
        "time limit (LOOMLIGHT_TASK_TIME_LIMIT).")]
    client.force_login(world.users["data_entry"])
    body = client.get(reverse("reporting:import_job", args=[world.own.pk, job.pk])).content.decode()
    assert ('Nothing was stored: the import stopped before it finished. The import was stopped after 900 s, the time limit '
            'of a background task: nothing was stored.') in body
    assert "hx-trigger" not in body   # no longer polled
    # and a job that had already finished is left alone
    activity_values_import_stopped(job.pk, error=RuntimeError("late"))
    job.refresh_from_db()
    assert job.errors[0]["code"] == "time_limit"


def test_a_job_whose_process_died_says_it_stopped(world):
    from loomlight.reporting.tasks import activity_values_import_stopped
    from loomlight.site.worker import TaskProcessDied

    job = _queued_job(world, openpyxl.Workbook())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING)
    activity_values_import_stopped(job.pk, error=TaskProcessDied("loomlight.reporting.tasks.activity_values_import_run", 9))
    job.refresh_from_db()
    assert (job.status, [e["problem"] for e in job.errors]) == (
        "failed", ["The import was stopped before it finished: nothing was stored."])
