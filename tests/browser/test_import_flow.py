"""The Excel import in a real browser (issue 3): download the template, upload it with an
error, read the error report, fix the file, upload again and see the data on the dashboard.

The import runs as in production: the upload enqueues the job in django-tasks-db's
database queue (not the immediate backend the other tests use), the job page shows
"Waiting to start" and polls with htmx, and the queue is worked by django-tasks-db's own
``Worker`` (what ``loomlight worker`` runs), here in the test's thread at a moment the test
chooses, so the page is seen both before and after the worker ran.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import os
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = datetime.date.today().year - 1   # a past year: the template lists all twelve months
USER = "data_entry"                     # facility_data_entry of world.own (tests/conftest.py)

# (month, metric) -> (value, unit) as a facility would type them from its bills
FILLED = {
    (1, "electricity_grid"): (12500, "kWh"),
    (2, "electricity_grid"): (12.5, "MWh"),
    (3, "electricity_grid"): (1, "MWh"),
    (1, "water_municipal"): (350, "m³"),
    (2, "water_municipal"): (360, "m³"),
    (3, "water_municipal"): (370000, "L"),
}
WRONG = (2, "electricity_grid", "12,5 MWh")   # decimal comma and the unit typed into the value cell


@pytest.fixture
def db_task_queue(settings, tmp_path):
    """The production task backend (database queue); uploads kept in a temporary MEDIA_ROOT."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _work_the_queue() -> int:
    """Run django-tasks-db's worker until the queue is empty, as ``loomlight worker`` would; the tasks it ran."""
    from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(queue_names=[DEFAULT_TASK_QUEUE_NAME], interval=0, batch=True, backend_name=DEFAULT_TASK_BACKEND_ALIAS,
                    startup_delay=False, max_tasks=None, worker_id="browser-test", excluded_queue_names=[])
    worker.run()
    return worker._run_tasks


def _upload_and_run(page, base, pk, path, screenshot_dir, shot, tasks=1):
    """Upload ``path`` on the upload page, check the job waits in the queue and is polled, run the worker
    (``tasks``: the import, and the recomputation of the inventory when the import stored values)."""
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/data/facilities/{pk}/imports/\d+/$"))
    assert page.locator("h1").inner_text() == os.path.basename(path)
    status = page.locator("[data-testid=import-status]")
    expect(status).to_have_text("Waiting to start")
    box = page.locator("#import-status")
    assert box.get_attribute("hx-trigger") == "every 1s"
    assert box.get_attribute("hx-get") == page.url.removeprefix(base)
    page.screenshot(path=os.path.join(screenshot_dir, f"{shot}-queued.png"))
    page.evaluate("window.loomlightNotReloaded = true")   # gone if the page were reloaded instead of polled
    assert _work_the_queue() == tasks
    return status


def _polled_to(page, status, text):
    """The status becomes ``text`` through the htmx poll (no reload), and the polling stops."""
    expect(status).to_have_text(text)
    assert page.evaluate("window.loomlightNotReloaded") is True
    assert page.locator("#import-status").get_attribute("hx-get") is None, "polling stops once the job has finished"


def test_template_upload_error_report_fix_and_dashboard(live_server, world, db_task_queue, page, screenshot_dir, tmp_path):
    from loomlight.reporting.imports.jobs import ImportJob
    from loomlight.reporting.models import ActivityValue

    base, pk = live_server.url, world.own.pk
    login(page, base, USER)

    # 1. the monthly data page, empty, links to the Excel upload
    page.goto(f"{base}/data/facilities/{pk}/{YEAR}/")
    expect(page.locator("table.grid tbody")).to_have_text("Nothing reported for this year yet.")
    assert page.locator("[data-testid=completeness]").inner_text() == "0 %"
    page.click("[data-testid=excel-upload]")
    page.wait_for_url(f"{base}/data/facilities/{pk}/{YEAR}/import")
    assert page.locator("h1").inner_text() == "Upload monthly data: Own Dyehouse"

    # 2. the template, downloaded as a browser download
    with page.expect_download() as info:
        page.get_by_role("link", name=f"Download the Excel template for {YEAR}").click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == f"loomlight-{pk}-{YEAR}.xlsx"
    template = tmp_path / download.suggested_filename
    download.save_as(template)

    # 3. fill it in, with one mistake
    wb = openpyxl.load_workbook(template)
    about = {r[0]: r[1] for r in wb["about"].iter_rows(max_row=6, values_only=True)}
    assert (about["facility_id"], about["year"]) == (pk, YEAR)
    data = wb["data"]
    assert [c.value.split("\n")[0] for c in data[1]][:6] == ["facility_id", "month", "metric", "qualifier", "value", "unit"]
    rows = {}
    for row in data.iter_rows(min_row=2):
        if row[0].value == pk and row[2].value in ("electricity_grid", "water_municipal"):
            rows[(int(row[1].value[5:]), row[2].value)] = row
    assert len(rows) == 24, "the template lists both metrics for all twelve months"
    for key, (value, unit) in FILLED.items():
        rows[key][4].value, rows[key][5].value = value, unit
    month, metric, wrong = WRONG
    bad = rows[(month, metric)]
    bad[4].value = wrong
    bad_row = bad[4].row
    wb.save(tmp_path / "bills-q1.xlsx")

    # 4. upload: the job waits for the worker, the page polls, the worker refuses the file
    status = _upload_and_run(page, base, pk, tmp_path / "bills-q1.xlsx", screenshot_dir, "import-refused")
    _polled_to(page, status, "Refused: nothing was stored")
    assert page.get_by_role("alert").inner_text() == (
        "Nothing was stored: the file has 1 problem. Correct it and upload the file again.")
    errors = page.locator("[data-testid=import-errors]")
    assert [t.strip() for t in errors.locator("thead th").all_inner_texts()] == [
        "Sheet", "Row", "Column", "Value", "What is wrong", "How to fix it"]
    assert errors.locator("tbody tr").count() == 1
    cells = [t.strip() for t in errors.locator("tbody tr td").all_inner_texts()]
    assert cells[:4] == ["data", str(bad_row), "E (value)", wrong]
    assert cells[4] == f"“{wrong}” is not a number: write digits with a point for decimals, e.g. 1234.5."
    assert "Type the number only" in cells[5]
    assert ActivityValue.objects.filter(facility=world.own).count() == 0
    page.screenshot(path=os.path.join(screenshot_dir, "import-refused.png"), full_page=True)

    # the error report as .csv: the same row, readable by Excel (UTF-8 with BOM)
    with page.expect_download() as info:
        page.get_by_role("link", name=".csv").click()
    report = info.value
    job = ImportJob.objects.get()
    assert report.suggested_filename == f"loomlight-import-{job.pk}-errors.csv"
    raw = open(report.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0] == ["sheet", "row", "column", "field", "value", "what is wrong", "how to fix it"]
    assert len(lines) == 2
    assert lines[1][:5] == ["data", str(bad_row), "E", "value", wrong]
    assert lines[1][5] == cells[4]

    # 5. correct the cell, upload again from the upload page, which lists the refused upload
    bad[4].value = FILLED[(month, metric)][0]
    wb.save(tmp_path / "bills-q1-fixed.xlsx")
    page.get_by_role("link", name="← Excel upload").click()
    page.wait_for_url(f"{base}/data/facilities/{pk}/{YEAR}/import")
    recent = page.locator("table tbody tr")
    assert recent.count() == 1
    assert "bills-q1.xlsx" in recent.inner_text() and "Refused: nothing was stored (1 error)" in recent.inner_text()
    status = _upload_and_run(page, base, pk, tmp_path / "bills-q1-fixed.xlsx", screenshot_dir, "import-done", tasks=2)
    _polled_to(page, status, "Stored")
    assert page.locator("[data-testid=created]").inner_text() == "6"
    assert page.locator("[data-testid=updated]").inner_text() == "0"
    assert page.locator("[data-testid=unchanged]").inner_text() == "0"
    page.screenshot(path=os.path.join(screenshot_dir, "import-done.png"), full_page=True)

    # 6. the monthly data page shows the canonical values (MWh as kWh, L as m³) and where they came from
    page.get_by_role("link", name="See the monthly data").click()
    page.wait_for_url(f"{base}/data/facilities/{pk}/{YEAR}/")
    # completeness counts the metrics that apply: the dyehouse reported electricity and water in 3 months, but a wet
    # process in a park also discharges to the park's plant (suggested until its manager says otherwise): 0 of 12
    assert page.locator("[data-testid=completeness]").inner_text() == "0 %"
    grid = page.locator("table.grid tbody tr")
    assert grid.count() == 2
    electricity = page.locator("table.grid tbody tr", has_text="Grid electricity purchased")
    assert "[kWh]" in electricity.locator("th").inner_text()
    assert electricity.locator("td").all_inner_texts() == ["12,500", "12,500", "1,000"] + ["·"] * 9
    expect(electricity.locator("td span").nth(2)).to_have_attribute("title", re.compile(r"^reported: 1(\.0)? MWh$"))
    water = page.locator("table.grid tbody tr", has_text="Water withdrawn, municipal supply")
    assert "[m³]" in water.locator("th").inner_text()
    shown = water.locator("td").all_inner_texts()
    assert shown[3:] == ["·"] * 9
    # 370,000 L is stored as exactly 370 m³ (conversions keep 15 significant digits) and shown as "370"
    assert shown[:3] == ["350", "360", "370"]
    expect(water.locator("td span").nth(2)).to_have_attribute("title", "reported: 370,000 L")
    page.screenshot(path=os.path.join(screenshot_dir, "import-monthly-data.png"), full_page=True)

    # ... and the dashboard draws them
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url(f"{base}/data/facilities/{pk}/dashboard/{YEAR}/")
    # completeness counts the metrics that apply: the dyehouse reported electricity and water in 3 months, but a wet
    # process in a park also discharges to the park's plant (suggested until its manager says otherwise): 0 of 12
    assert page.locator("[data-testid=completeness]").inner_text() == "0 %"
    kpis = page.locator("[data-testid=kpis]")
    # 26,000 kWh = 93.6 GJ; 350 + 360 + 370 m³
    assert kpis.locator("tr", has_text="Energy used [GJ]").locator("td").nth(1).inner_text() == "94"
    assert kpis.locator("tr", has_text="Water withdrawn [m³]").locator("td").nth(1).inner_text() == "1,080"
    charts = json.loads(page.locator("#chart-data").text_content())
    # 12,500 kWh = 45 GJ, 12.5 MWh = 45 GJ, 1 MWh = 3.6 GJ; April has no data: a gap (null), not a zero
    assert [round(v, 2) for v in charts["energy"]["electricity_grid"][:3]] == [45.0, 45.0, 3.6]
    assert charts["energy"]["electricity_grid"][3:] == [None] * 9
    assert charts["water"]["water_municipal"][:3] == pytest.approx([350, 360, 370])
    assert list(charts["energy_yoy"]) == [str(YEAR)]   # the year before has no data: no line
    for name in ("energy", "water"):
        chart = page.locator(f"[data-chart={name}]")
        expect(chart).to_have_attribute("data-series", "1")
        expect(chart.locator("canvas")).to_have_count(1)   # ECharts drew it
    page.locator("[data-chart=energy]").scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(screenshot_dir, "import-dashboard.png"), full_page=True)

    # 7. the worker recomputed the inventory: the emissions page shows scope 2 and explains a month
    page.get_by_role("link", name="Emissions").click()
    page.wait_for_url(f"{base}/emissions/facilities/{pk}/{YEAR}/")
    # 26 MWh x 0.6592 t CO2/MWh (Viet Nam's latest official factor, 2023, flagged "proxy year") = 17.1392 t
    assert page.locator("[data-testid=total-location]").inner_text() == "17.1"
    page.get_by_role("link", name="How was this computed?").nth(1).click()     # February, through htmx
    explanation = page.locator("[data-testid=explanation]")
    # 12.5 MWh x 0.6592 t CO2/MWh = 8.24 t: the factor's own unit in the formula, and the flags in words
    expect(explanation).to_contain_text("12.5 MWh × 0.6592 t CO2/MWh = 8.24 t CO2")
    expect(explanation).to_contain_text("No grid factor of Viet Nam for 2025 is shipped: the latest earlier one, of 2023, is used.")
    assert page.url == f"{base}/emissions/facilities/{pk}/{YEAR}/"             # a fragment, not a new page
    page.screenshot(path=os.path.join(screenshot_dir, "emissions.png"), full_page=True)
