"""The unit trap in a real browser (issue 14): a diesel figure typed with the wrong unit is flagged on the
import's result page, whose link opens the monthly data page with the value ready to correct; the value form's
unit follows the metric chosen (site/static/loomlight/forms.js).
"""

from __future__ import annotations

import datetime
import os
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = datetime.date.today().year - 1
USER = "data_entry"


def test_flagged_diesel_is_listed_linked_and_corrected(live_server, world, page, screenshot_dir, tmp_path, settings):
    from loomlight.reporting import services
    from loomlight.reporting.models import ActivityValue

    settings.MEDIA_ROOT = str(tmp_path / "media")
    base, pk = live_server.url, world.own.pk
    # given five months of 1,500 L of diesel (56.136 GJ each)
    for month in range(1, 6):
        services.activity_value_set(by=world.users[USER], facility=world.own, period=datetime.date(YEAR, month, 1),
                                    metric="fuel_diesel", value=1500, unit="L")
    login(page, base, USER)

    # the template pre-sets diesel in litres; June's 1,500 is typed with the unit GJ
    page.goto(f"{base}/data/facilities/{pk}/{YEAR}/import")
    with page.expect_download() as info:
        page.get_by_role("link", name=f"Download the Excel template for {YEAR}").click()
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)
    wb = openpyxl.load_workbook(template)
    june = next(row for row in wb["data"].iter_rows(min_row=2)
                if row[1].value == f"{YEAR}-06" and row[2].value == "fuel_diesel")
    assert june[5].value == "L"
    june[4].value, june[5].value = 1500, "GJ"
    wb.save(tmp_path / "june.xlsx")

    # when it is uploaded (the test settings run the import at once)
    page.set_input_files("#id_file", str(tmp_path / "june.xlsx"))
    page.get_by_role("button", name="Upload").click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/data/facilities/{pk}/imports/\d+/$"))
    expect(page.locator("[data-testid=import-status]")).to_have_text("Stored")

    # then the page says one value is flagged and lists it, with why and a link
    assert page.locator("[data-testid=flag-count]").inner_text() == "1"
    rows = page.locator("[data-testid=flagged] tbody tr")
    assert rows.count() == 1
    cells = [t.strip() for t in rows.first.locator("td").all_inner_texts()]
    assert cells == [f"{YEAR}-06\nrow {june[4].row}", "Diesel / gas oil\n1,500 GJ ▲",
                     "27 × the median of the 5 earlier months (56.14 GJ)."]
    page.screenshot(path=os.path.join(screenshot_dir, "unit-trap-flagged.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=os.path.join(screenshot_dir, "unit-trap-flagged-390.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})

    # the link opens the month and metric, the value form in view with the value as reported
    page.locator("[data-testid=flagged-link]").click()
    page.wait_for_url(f"{base}/data/facilities/{pk}/{YEAR}/?month=6&metric=fuel_diesel#report-value")
    expect(page.locator("#report-value")).to_be_in_viewport()
    assert (page.input_value("#id_month"), page.input_value("#id_metric"), page.input_value("#id_value"),
            page.input_value("#id_unit")) == ("6", "fuel_diesel", "1500", "GJ")
    page.screenshot(path=os.path.join(screenshot_dir, "unit-trap-form.png"))

    # the unit follows the metric while it is the metric's usual one; a unit typed stays
    page.select_option("#id_metric", "coal_lignite")
    assert page.input_value("#id_unit") == "GJ"          # not diesel's usual L: kept
    page.fill("#id_unit", "")
    page.select_option("#id_metric", "coal_lignite")
    page.select_option("#id_metric", "electricity_grid")
    assert page.input_value("#id_unit") == "kWh"         # empty: the new metric's usual unit
    page.select_option("#id_metric", "fuel_diesel")
    assert page.input_value("#id_unit") == "L"           # kWh was electricity's usual unit: follows

    # the correction: 1,500 L, stored as 56.136 GJ and no longer flagged
    page.fill("#id_value", "1500")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages li").first).to_have_text("Saved.")
    value = ActivityValue.objects.get(facility=world.own, period=datetime.date(YEAR, 6, 1), metric="fuel_diesel")
    assert (value.original_unit, round(value.value, 3), value.flag) == ("L", 56.136, "")

    # the result page stays a record of the upload; seen in Vietnamese on a phone (screenshots to look at)
    page.goto(f"{base}/data/facilities/{pk}/{YEAR}/import")
    page.context.add_cookies([{"name": "django_language", "value": "vi", "url": base}])
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("table tbody tr a").first.click()
    expect(page.locator("[data-testid=flagged] tbody tr")).to_have_count(1)
    assert page.locator("html").get_attribute("lang") == "vi"
    page.screenshot(path=os.path.join(screenshot_dir, "unit-trap-flagged-vi-390.png"), full_page=True)
