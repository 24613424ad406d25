"""The Excel import service: all or nothing, an exact error report, idempotent re-uploads, audited corrections."""

from __future__ import annotations

import datetime
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from loomlight.audit.models import AuditEvent
from loomlight.audit.services import snapshot
from loomlight.reporting import services
from loomlight.reporting.imports.template import template_workbook
from loomlight.reporting.imports.writer import activity_values_import
from loomlight.reporting.models import ActivityValue, PeriodStatus, ReportingPeriod

TODAY = datetime.date(2026, 3, 15)
YEAR = 2025
ROW = {"facility_id": 0, "month": 1, "metric": 2, "qualifier": 3, "value": 4, "unit": 5}


def template(world, *, facility=None, year=YEAR) -> openpyxl.Workbook:
    """The downloadable template, opened for editing like a user would."""
    return openpyxl.load_workbook(io.BytesIO(template_workbook(facility=facility or world.own, year=year, today=TODAY)))


def fill(wb, month: str, metric: str, value, unit=None, qualifier=None) -> int:
    """Write a value into the template row of ``month`` and ``metric``; returns the row number."""
    ws = wb["data"]
    for row in ws.iter_rows(min_row=2):
        if row[1].value == month and row[2].value == metric:
            row[4].value = value
            if unit is not None:
                row[5].value = unit
            if qualifier is not None:
                row[3].value = qualifier
            return row[0].row
    raise AssertionError(f"no template row for {month} {metric}")


def save(wb, tmp_path, name="upload.xlsx"):
    path = tmp_path / name
    wb.save(path)
    return path


def run(world, path, user="data_entry", facility=None, today=TODAY):
    return activity_values_import(by=world.users[user], facility=facility or world.own, path=path, today=today)


def stored():
    return {(v.period.strftime("%Y-%m"), v.metric, v.qualifier): (v.value, v.unit, v.original_value, v.original_unit, v.source)
            for v in ActivityValue.objects.all()}


def report(result):
    return [(i.sheet, i.row, i.column, i.code, i.problem) for i in result.issues]


def upload_events():
    return AuditEvent.objects.filter(object_type="reporting.activityvalue", via="upload")


# --- the happy path -------------------------------------------------------------

def test_filled_template_is_stored_in_canonical_units_with_what_was_reported(world, tmp_path):
    wb = template(world)
    fill(wb, "2025-01", "electricity_grid", 1250, "MWh")
    fill(wb, "2025-02", "electricity_grid", "1 300.5")            # text with a space, unit left as prefilled (kWh)
    fill(wb, "2025-01", "water_municipal", 2000, "L")
    fill(wb, "2025-03", "production_pieces", 12000, qualifier="T-shirts")
    wb["data"].append([world.own.pk, datetime.datetime(2025, 3, 1), "production_pieces", "Polo shirts", 800, "pcs"])

    result = run(world, save(wb, tmp_path))

    assert (result.ok, result.created, result.updated, result.unchanged) == (True, 5, 0, 0)
    assert (result.rows, result.skipped) == (12 * 63 + 1, 12 * 63 - 4)   # 63 metrics since issue 19 added four biomass fuels
    assert stored() == {
        ("2025-01", "electricity_grid", ""): (1_250_000.0, "kWh", 1250.0, "MWh", "upload"),
        ("2025-02", "electricity_grid", ""): (1300.5, "kWh", 1300.5, "kWh", "upload"),
        ("2025-01", "water_municipal", ""): (2.0, "m³", 2000.0, "L", "upload"),  # calc.units drops the binary noise (1 L = 0.0010000000000000002 m³)
        ("2025-03", "production_pieces", "T-shirts"): (12000.0, "piece", 12000.0, "piece", "upload"),
        ("2025-03", "production_pieces", "Polo shirts"): (800.0, "piece", 800.0, "pcs", "upload"),
    }
    assert services.convert("water_municipal", 2000, "L").value == 2.0   # the form stores the same
    assert sorted(p.period.month for p in ReportingPeriod.objects.filter(facility=world.own)) == [1, 2, 3]
    events = upload_events()
    assert events.count() == 5
    for e in events:   # the bulk path records exactly what the one-by-one path would
        value = ActivityValue.objects.get(pk=e.object_id)
        assert (e.after, e.object_repr, e.at) == (snapshot(value), str(value), value.entered_at)
    event = events.get(object_id=str(ActivityValue.objects.get(metric="water_municipal").pk))
    assert (event.action, event.actor, event.before) == ("create", world.users["data_entry"], None)
    assert {k: event.after[k] for k in ("metric", "value", "unit", "original_value", "original_unit", "source", "period")} == {
        "metric": "water_municipal", "value": 2.0, "unit": "m³", "original_value": 2000.0, "original_unit": "L",
        "source": "upload", "period": "2025-01-01"}


def test_same_file_again_changes_nothing_and_records_nothing(world, tmp_path):
    wb = template(world)
    fill(wb, "2025-01", "electricity_grid", 1250, "MWh")
    fill(wb, "2025-02", "water_municipal", 30)
    path = save(wb, tmp_path)
    run(world, path)
    before = list(ActivityValue.objects.values())

    again = run(world, path)

    assert (again.ok, again.created, again.updated, again.unchanged) == (True, 0, 0, 2)
    assert list(ActivityValue.objects.values()) == before
    assert upload_events().count() == 2


def test_corrected_file_updates_the_values_with_before_and_after_in_the_audit_trail(world, tmp_path):
    wb = template(world)
    fill(wb, "2025-01", "electricity_grid", 1250, "MWh")
    fill(wb, "2025-02", "electricity_grid", 900)
    run(world, save(wb, tmp_path))
    row = ActivityValue.objects.get(period=datetime.date(2025, 1, 1))
    fill(wb, "2025-01", "electricity_grid", 1205, "MWh")

    result = run(world, save(wb, tmp_path, "corrected.xlsx"), user="manager")

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    row.refresh_from_db()
    assert (row.value, row.original_value, row.entered_by) == (1_205_000.0, 1205.0, world.users["manager"])
    event = upload_events().get(action="update")
    assert (event.object_id, event.actor, event.after, event.object_repr) == (str(row.pk), world.users["manager"], snapshot(row), str(row))
    assert [(k, b, a) for k, b, a in event.changes() if k in ("value", "original_value", "entered_by_id")] == [
        ("entered_by_id", world.users["data_entry"].pk, world.users["manager"].pk),
        ("original_value", 1250.0, 1205.0),
        ("value", 1_250_000.0, 1_205_000.0),
    ]


def test_upload_of_a_value_entered_by_form_is_unchanged_when_equal(world, tmp_path):
    services.activity_value_set(by=world.users["manager"], facility=world.own, period=datetime.date(2025, 4, 1),
                                metric="water_municipal", value=12, unit="m³")
    wb = template(world)
    fill(wb, "2025-04", "water_municipal", 12)
    result = run(world, save(wb, tmp_path))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert ActivityValue.objects.get().source == "form"


def test_history_check_is_computed_against_the_values_before_it(world, tmp_path):
    wb = template(world)
    for month in range(1, 7):
        fill(wb, f"2025-{month:02d}", "electricity_grid", 100)
    fill(wb, "2025-07", "electricity_grid", 301)
    fill(wb, "2025-08", "electricity_grid", 250)
    fill(wb, "2025-09", "electricity_grid", 30)
    run(world, save(wb, tmp_path))
    flags = dict(ActivityValue.objects.values_list("period__month", "flag"))
    assert flags == {1: "", 2: "", 3: "", 4: "", 5: "", 6: "", 7: "high", 8: "", 9: "low"}


DIESEL_GJ_PER_L = 43.0 / 1149   # the shipped defaults: 43.0 GJ/t (IPCC 2006 Table 1.2), 1,149 L/t (UNSD)


def test_the_unit_trap_after_five_months_is_flagged_and_listed(world, tmp_path):
    # given a file with five months of diesel in litres (about 56 GJ each) and June's 1,500 typed with the unit GJ
    wb = template(world)
    for month, litres in zip(range(1, 6), (1500, 1480, 1520, 1510, 1490)):
        fill(wb, f"2025-{month:02d}", "fuel_diesel", litres)           # the template's unit: L
    june = fill(wb, "2025-06", "fuel_diesel", 1500, "GJ")
    # when it is imported
    result = run(world, save(wb, tmp_path))
    # then all six are stored, June as 1,500 GJ, flagged high against the median of the five (1,500 L = 56.136 GJ)
    assert (result.ok, result.created, result.flag_count) == (True, 6, 1)
    flags = dict(ActivityValue.objects.values_list("period__month", "flag"))
    assert flags == {1: "", 2: "", 3: "", 4: "", 5: "", 6: "high"}
    assert result.flagged == [{
        "row": june, "period": "2025-06", "metric": "fuel_diesel", "qualifier": "", "value": 1500.0, "unit": "GJ",
        "original_value": 1500.0, "original_unit": "GJ", "flag": "high",
        "comparisons": [{"basis": "months", "reference": pytest.approx(1500 * DIESEL_GJ_PER_L, rel=1e-12), "count": 5,
                         "flag": "high"}],
    }]
    assert 1500 * DIESEL_GJ_PER_L == pytest.approx(56.136, abs=5e-4)


def test_thirty_times_the_same_month_last_year_is_flagged_with_only_that_value(world, tmp_path):
    # given June 2024 stored (200 m³), the only earlier value of the series
    services.activity_value_set(by=world.users["data_entry"], facility=world.own, period=datetime.date(2024, 6, 1),
                                metric="water_municipal", value=200, unit="m³")
    wb = template(world)
    row = fill(wb, "2025-06", "water_municipal", 6000)
    result = run(world, save(wb, tmp_path))
    assert ActivityValue.objects.get(period=datetime.date(2025, 6, 1)).flag == "high"
    assert [(f["row"], f["flag"], f["comparisons"]) for f in result.flagged] == [
        (row, "high", [{"basis": "last_year", "reference": 200.0, "count": 1, "flag": "high"}])]


# --- the error report -----------------------------------------------------------

def test_every_wrong_cell_is_reported_and_nothing_is_written(world, tmp_path):
    wb = template(world)
    fill(wb, "2025-01", "electricity_grid", 1250, "MWh")                     # fine, but the file is refused
    r_text = fill(wb, "2025-02", "electricity_grid", "12,5")
    r_negative = fill(wb, "2025-03", "electricity_grid", -4)
    r_unit = fill(wb, "2025-04", "electricity_grid", 10, "litres")
    r_fuel = fill(wb, "2025-01", "biomass_other", 100, "tonne")                # no calorific value shipped for it
    r_ambiguous = fill(wb, "2025-02", "waste_hazardous_landfilled", 3, "ton")
    ws = wb["data"]
    ws.append([world.neighbour.pk, "2025-05", "electricity_grid", None, 5, "kWh"])
    ws.append([world.own.pk, "2025-05", "electricity_gird", None, 5, "kWh"])
    ws.append([world.own.pk, "2026-04", "electricity_grid", None, 5, "kWh"])
    ws.append([world.own.pk, "2025-01", "electricity_grid", None, 7, "kWh"])     # a second January
    ws.append([world.own.pk, "2025-06", "electricity_grid", "x" * 65, 5, None])
    last = ws.max_row

    result = run(world, save(wb, tmp_path))

    assert not result.ok
    assert report(result) == [
        ("data", r_fuel, "F", "unit", "No net calorific value is known for Biomass, other: attach the supplier's specification "
                                      "or a laboratory report as evidence and record the facility's value under “Fuel properties”, "
                                      "or report the energy in GJ."),
        ("data", r_text, "E", "not_a_number", "“12,5” is not a number: write digits with a point for decimals, e.g. 1234.5."),
        ("data", r_ambiguous, "F", "unit", "“ton” is ambiguous: write tonne (1000 kg) or short_ton (907.18474 kg)."),
        ("data", r_negative, "E", "negative", "-4 is negative."),
        ("data", r_unit, "F", "unit", "“litres” measures volume, but this value is energy (in kWh)."),
        ("data", last - 4, "A", "wrong_facility",
         f"This row is for facility {world.neighbour.pk}, but this upload is for Own Dyehouse ({world.own.pk})."),
        ("data", last - 3, "C", "unknown_metric", "Unknown metric “electricity_gird”."),
        ("data", last - 2, "B", "month_out_of_range", "2026-04 is in the future."),
        ("data", last - 1, "B", "duplicate", "2025-01, electricity_grid is already in an earlier row."),
        ("data", last, "D", "too_long", "The qualifier is longer than 64 characters."),
        ("data", last, "F", "missing", "No unit."),
    ]
    assert result.issue_count == 11
    assert all(i.fix for i in result.issues)
    assert result.issues[0].value == "tonne" and result.issues[1].value == "12,5"
    assert "Fuel properties" in result.issues[0].fix
    assert (result.created, ActivityValue.objects.count(), ReportingPeriod.objects.count(), upload_events().count()) == (0, 0, 0, 0)


@pytest.mark.parametrize("cell,code,problem", [
    ("03/2025", "date_as_text", "“03/2025” is a date typed as text in another format."),
    ("2025/03", "date_as_text", "“2025/03” is a date typed as text in another format."),
    ("15.03.2025", "date_as_text", "“15.03.2025” is a date typed as text in another format."),
    ("March 2025", "date_as_text", "“March 2025” is a date typed as text in another format."),
    ("2025-13", "not_a_month", "“2025-13” is not a month."),
    (datetime.datetime(2025, 3, 15), "not_first_of_month", "2025-03-15T00:00:00 is not the first day of a month."),
    (45717, "not_a_month", "“45717” is a number, not a month (a date that lost its date format?)."),
    ("1989-12", "month_out_of_range", "1989-12 is before 1990."),
])
def test_month_must_be_text_yyyy_mm_or_a_date_on_the_first(world, tmp_path, cell, code, problem):
    wb = template(world)
    wb["data"].append([world.own.pk, cell, "electricity_grid", None, 5, "kWh"])
    result = run(world, save(wb, tmp_path))
    assert [(i.row, i.column, i.code, i.problem) for i in result.issues] == [(wb["data"].max_row, "B", code, problem)]
    assert not ActivityValue.objects.exists()


def test_a_real_date_cell_on_the_first_is_a_month(world, tmp_path):
    wb = template(world)
    wb["data"].append([world.own.pk, datetime.date(2025, 3, 1), "electricity_grid", None, 5, "kWh"])
    assert run(world, save(wb, tmp_path)).created == 1
    assert ActivityValue.objects.get().period == datetime.date(2025, 3, 1)


def test_formula_cells_are_refused(world, tmp_path):
    wb = template(world)
    row = fill(wb, "2025-01", "electricity_grid", "=100*12")
    wb["data"].cell(row=row + 1, column=5, value="=E2")
    result = run(world, save(wb, tmp_path))
    assert [(i.row, i.column, i.code, i.problem) for i in result.issues] == [
        (row, "E", "formula", "A formula (=100*12) instead of a value."),
        (row + 1, "E", "formula", "A formula (=E2) instead of a value."),
    ]
    assert not ActivityValue.objects.exists()


def test_error_count_is_complete_but_the_list_is_capped(world, tmp_path):
    wb = template(world)
    for row in wb["data"].iter_rows(min_row=2):
        row[4].value = -1
    for i in range(500):
        wb["data"].append([world.own.pk, "2025-12", "nothing", None, -1, "kWh"])
    result = run(world, save(wb, tmp_path))
    # every row negative; natural gas and biogas (pre-set to m³) and other biomass (tonne) also lack a fuel property
    assert (result.issue_count, len(result.issues)) == (756 + 3 * 12 + 500 * 2, 1000)   # 12 × 63 metrics
    assert result.issues[0].row == 2


# --- locked months --------------------------------------------------------------

def _verified(world, month, value=100):
    period = datetime.date(2025, month, 1)
    services.activity_value_set(by=world.users["data_entry"], facility=world.own, period=period,
                                metric="electricity_grid", value=value, unit="kWh")
    services.period_submit(by=world.users["data_entry"], facility=world.own, period=period)
    services.period_verify(by=world.users["assessor"], facility=world.own, period=period)


def test_a_change_in_a_verified_or_submitted_month_refuses_the_whole_file(world, tmp_path):
    _verified(world, 1)
    services.activity_value_set(by=world.users["data_entry"], facility=world.own, period=datetime.date(2025, 2, 1),
                                metric="electricity_grid", value=5, unit="kWh")
    services.period_submit(by=world.users["data_entry"], facility=world.own, period=datetime.date(2025, 2, 1))
    snapshot = stored()
    wb = template(world)
    r_jan = fill(wb, "2025-01", "electricity_grid", 120)
    r_feb = fill(wb, "2025-02", "water_municipal", 3)
    fill(wb, "2025-03", "electricity_grid", 100)

    result = run(world, save(wb, tmp_path))

    assert report(result) == [
        ("data", None, "", "locked_months", "The file changes values of months that are submitted or verified: "
                                             "2025-01 (Verified), 2025-02 (Submitted)."),
        ("data", r_jan, "E", "locked_month", "2025-01 is Verified: its values cannot change."),
        ("data", r_feb, "E", "locked_month", "2025-02 is Submitted: its values cannot change."),
    ]
    assert stored() == snapshot
    assert not ReportingPeriod.objects.filter(period=datetime.date(2025, 3, 1)).exists()


def test_a_verified_month_repeated_unchanged_does_not_block_the_file(world, tmp_path):
    _verified(world, 1)
    wb = template(world)
    fill(wb, "2025-01", "electricity_grid", 100)
    fill(wb, "2025-03", "electricity_grid", 100)
    result = run(world, save(wb, tmp_path))
    assert (result.ok, result.created, result.unchanged) == (True, 1, 1)


# --- files that are not the template --------------------------------------------

def only_issue(result):
    assert not result.ok and not ActivityValue.objects.exists()
    assert len(result.issues) == 1, report(result)
    return result.issues[0]


def test_not_a_workbook(world, tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_text("facility_id,month,metric,qualifier,value,unit\n1,2025-01,electricity_grid,,5,kWh\n")
    issue = only_issue(run(world, path))
    assert (issue.code, issue.problem) == ("not_a_workbook", "This file is not an Excel workbook (.xlsx).")


def test_a_zip_that_is_not_a_workbook(world, tmp_path):
    path = tmp_path / "data.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert only_issue(run(world, path)).code == "not_a_workbook"


def test_old_excel_format(world, tmp_path):
    path = tmp_path / "data.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)
    issue = only_issue(run(world, path))
    assert (issue.code, issue.problem) == ("old_format", "This is an Excel 97-2003 (.xls) file or a password-protected workbook.")


def test_a_workbook_from_another_template(world, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.title = "data"
    wb.active.append(["facility_id", "month", "metric", "qualifier", "value", "unit"])
    wb.active.append([world.own.pk, "2025-01", "electricity_grid", None, 5, "kWh"])
    issue = only_issue(run(world, save(wb, tmp_path)))
    assert (issue.code, issue.problem) == (
        "not_the_template",
        "This workbook was not made from Loomlight's monthly data template (it needs the sheets “data” and “about”).")


def test_a_changed_about_sheet_or_version(world, tmp_path):
    wb = template(world)
    wb["about"]["B1"] = "someone-elses-template"
    fill(wb, "2025-01", "electricity_grid", 5)
    issue = only_issue(run(world, save(wb, tmp_path)))
    assert (issue.code, issue.sheet, issue.row, issue.column) == ("not_the_template", "about", 1, "B")
    wb["about"]["B1"] = "loomlight-monthly-data"
    wb["about"]["B2"] = 3
    issue = only_issue(run(world, save(wb, tmp_path)))
    assert (issue.code, issue.problem, issue.fix) == (
        "template_version", "This is version 3 of the template; this installation reads version 2.",
        "Download the template from the facility's monthly data page and copy your values into it.")
    assert not ActivityValue.objects.exists()


def test_a_template_of_version_1_is_refused_saying_to_check_the_fuel_units(world, tmp_path):
    # given a file of version 1, which pre-set every fuel to GJ, with 1,500 typed for diesel meaning litres
    wb = template(world)
    wb["about"]["B2"] = 1
    row = fill(wb, "2025-01", "fuel_diesel", 1500, "GJ")
    # when it is uploaded
    issue = only_issue(run(world, save(wb, tmp_path)))
    # then it is refused, nothing is stored, and the fix says what to do and why
    assert (issue.code, issue.sheet, issue.row, issue.column, issue.value) == ("template_version", "about", 2, "B", "1")
    assert issue.problem == "This is version 1 of the template; this installation reads version 2."
    assert issue.fix == (
        "Download the template again from the facility's monthly data page and copy your values into it. Check the unit "
        "of every fuel as you do: version 1 pre-set them all to GJ, the new template pre-sets the unit they are usually "
        "bought in (litres of diesel, tonnes of coal, kg of LPG); keep GJ only where your figure is energy.")
    assert row > 1 and not ActivityValue.objects.exists()


def test_another_facilitys_template(world, tmp_path):
    wb = template(world, facility=world.neighbour)
    fill(wb, "2025-01", "electricity_grid", 5)
    issue = only_issue(run(world, save(wb, tmp_path)))
    assert (issue.code, issue.problem) == (
        "other_facility", f"This template was made for facility {world.neighbour.pk}, not for Own Dyehouse ({world.own.pk}).")


def test_changed_columns(world, tmp_path):
    wb = template(world)
    wb["data"].insert_cols(3)
    issue = only_issue(run(world, save(wb, tmp_path)))
    assert (issue.code, issue.row, issue.problem) == (
        "wrong_columns", 1, "The first row of the sheet “data” must be: facility_id, month, metric, qualifier, value, unit "
                            "(found: facility_id, month, –, metric, qualifier, value).")


def test_merged_cells(world, tmp_path):
    wb = template(world)
    fill(wb, "2025-01", "electricity_grid", 5)
    wb["data"].merge_cells("B2:B5")
    issue = only_issue(run(world, save(wb, tmp_path)))
    assert (issue.code, issue.sheet, issue.row, issue.column, issue.problem) == (
        "merged_cells", "data", 2, "B", "Cells B2:B5 are merged.")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(world, tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 20 * 1024 * 1024
    path = tmp_path / "big.xlsx"
    with open(path, "wb") as fh:   # 50 MB of nothing: never opened as a workbook
        fh.truncate(50 * 1024 * 1024)
    issue = only_issue(run(world, path))
    assert (issue.code, issue.problem) == ("too_large", "The file is 50.0\xa0MB; the limit is 20.0\xa0MB.")


def test_a_template_with_no_values(world, tmp_path):
    issue = only_issue(run(world, save(template(world), tmp_path)))
    assert (issue.code, issue.problem) == ("no_values", "No row of the sheet “data” has a value.")


# --- policy ---------------------------------------------------------------------

@pytest.mark.parametrize("user", ["brand", "assessor", "neighbour_manager", "park_operator", "admin"])
def test_only_those_who_enter_the_facilitys_data_may_import(world, tmp_path, user):
    wb = template(world)
    fill(wb, "2025-01", "electricity_grid", 5)
    with pytest.raises(PermissionDenied):
        run(world, save(wb, tmp_path), user=user)
    assert not ActivityValue.objects.exists()


# --- a large sheet is parsed in a child process: the same rows, the same errors ---------

@pytest.fixture
def in_child(settings):
    settings.IMPORT_BACKGROUND_BYTES = 0   # every sheet, however small, goes to the child process
    return settings


def test_parsed_in_a_child_process_gives_the_same_result(world, tmp_path, in_child, monkeypatch):
    from loomlight.reporting.imports import parse

    started = []
    real = parse.subprocess.Popen
    monkeypatch.setattr(parse.subprocess, "Popen", lambda *a, **kw: started.append(a) or real(*a, **kw))
    wb = template(world)
    fill(wb, "2025-01", "electricity_grid", 12.5, "MWh")
    fill(wb, "2025-02", "electricity_grid", "12,5")                     # not a number
    fill(wb, "2025-03", "electricity_grid", "=2*3")                     # a formula
    refused = run(world, save(wb, tmp_path))
    assert len(started) == 1
    assert [(i.row, i.column, i.code) for i in refused.issues] == [
        (fill(wb, "2025-02", "electricity_grid", "12,5"), "E", "not_a_number"),
        (fill(wb, "2025-03", "electricity_grid", "=2*3"), "E", "formula"),
    ]
    assert not ActivityValue.objects.exists()
    fill(wb, "2025-02", "electricity_grid", 1000)
    fill(wb, "2025-03", "electricity_grid", 2000)
    done = run(world, save(wb, tmp_path, "fixed.xlsx"))
    assert done.ok and done.created == 3
    assert stored()[("2025-01", "electricity_grid", "")][:2] == (12_500.0, "kWh")


def test_merged_cells_and_damage_are_found_in_the_child_process_too(world, tmp_path, in_child):
    wb = template(world)
    fill(wb, "2025-01", "electricity_grid", 5)
    wb["data"].merge_cells("B2:B5")
    assert only_issue(run(world, save(wb, tmp_path))).code == "merged_cells"
    # a data sheet cut short: the workbook opens, its rows cannot be parsed
    good = save(template(world), tmp_path, "good.xlsx")
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[: len(data) // 2] if item.filename == "xl/worksheets/sheet1.xml" else data)
    issue = only_issue(run(world, broken))
    assert issue.code == "damaged" and "ParseError" in issue.problem
