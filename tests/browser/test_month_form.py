"""The month form in a real browser, under the Content-Security-Policy: a data-entry user goes from the facility
page's next step to the month form, sees the live warning of a value typed in the wrong unit before saving, saves
with Enter, and finds "Saved." beside each saved field; at 390 px no field leaves the screen. A brand sees
neither the form nor a link to it. Screenshots (1366 and 390 px, English and Khmer) go to LOOMLIGHT_SCREENSHOTS."""

from __future__ import annotations

import datetime
import os

import pytest
import time_machine

from loomlight.reporting import services
from loomlight.reporting.models import ActivityValue, PeriodStatus, ReportingPeriod
from tests.browser.conftest import login
from tests.browser.test_csp import REPORT_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def april_2026():
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0, tzinfo=datetime.UTC), tick=True):
        yield


def _overflowing(page) -> list[str]:
    """The fields, buttons and labels of the page that reach beyond the window's right edge."""
    return page.evaluate("() => Array.from(document.querySelectorAll('main input, main select, main button, main label'))"
                         ".filter(el => el.getBoundingClientRect().right > window.innerWidth + 1).map(el => el.id || el.name || el.tagName)")


def test_a_data_entry_user_enters_a_month(live_server, world, page, screenshot_dir):
    # given one month of data (February 2026: 1,500 L of diesel, 300 MWh) and five months of diesel before it
    entry = world.users["data_entry"]
    for year, month in ((2025, 10), (2025, 11), (2025, 12), (2026, 1), (2026, 2)):
        services.activity_value_set(by=entry, facility=world.own, period=datetime.date(year, month, 1), metric="fuel_diesel",
                                    value=1500, unit="L")
    services.activity_value_set(by=entry, facility=world.own, period=datetime.date(2026, 2, 1), metric="electricity_grid",
                                value=300, unit="MWh")
    problems = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    base, pk = live_server.url, world.own.pk
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, base, "data_entry")
    # the facility page says what to do next; its link opens the month form
    page.goto(f"{base}/registry/facilities/{pk}/")
    page.screenshot(path=os.path.join(screenshot_dir, "facility-next-steps-1366-en.png"), full_page=True)
    page.get_by_role("link", name="March 2026 is due on April 20, 2026: enter it.").click()
    page.wait_for_url(f"{base}/data/facilities/{pk}/2026/3/")
    assert page.locator("#id_r0-unit").input_value() == "MWh"   # the unit last used
    # typing diesel in GJ warns before saving (the history check, asked by month.js)
    diesel = page.locator("[data-testid=row-fuel_diesel]")
    diesel.locator("select").select_option("GJ")
    diesel.locator("input[name$='-value']").fill("1500")
    diesel.locator("input[name$='-value']").press("Tab")
    page.wait_for_selector("[data-testid=row-fuel_diesel].flagged")
    assert "27 × the median of the 5 earlier months (56.14 GJ)" in diesel.locator("[data-warning]").inner_text()
    assert not ActivityValue.objects.filter(period=datetime.date(2026, 3, 1)).exists()
    page.screenshot(path=os.path.join(screenshot_dir, "month-warning-1366-en.png"), full_page=True)
    # correcting it to litres clears the warning; Enter in the electricity field saves the form
    diesel.locator("select").select_option("L")
    page.wait_for_selector("[data-testid=row-fuel_diesel]:not(.flagged)")
    page.fill("#id_r0-value", "310")
    page.press("#id_r0-value", "Enter")
    page.wait_for_selector("[data-testid=saved-summary]")
    assert page.locator("[data-testid=saved-mark]").count() == 2
    assert {(v.metric, v.original_value, v.original_unit) for v in ActivityValue.objects.filter(period=datetime.date(2026, 3, 1))} == {
        ("fuel_diesel", 1500.0, "L"), ("electricity_grid", 310.0, "MWh")}
    page.screenshot(path=os.path.join(screenshot_dir, "month-saved-1366-en.png"), full_page=True)
    # on a phone, in Khmer, nothing leaves the screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies([{"name": "django_language", "value": "km", "url": base}])
    page.goto(f"{base}/data/facilities/{pk}/2026/3/")
    page.screenshot(path=os.path.join(screenshot_dir, "month-390-km.png"), full_page=True)
    assert _overflowing(page) == []
    page.goto(f"{base}/data/facilities/{pk}/2026/")
    page.screenshot(path=os.path.join(screenshot_dir, "facility-year-390-km.png"), full_page=True)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}/data/facilities/{pk}/2026/")
    page.screenshot(path=os.path.join(screenshot_dir, "facility-year-1366-en.png"))
    # a verified month is read-only and says so
    ReportingPeriod.objects.filter(facility=world.own, period=datetime.date(2026, 2, 1)).update(status=PeriodStatus.VERIFIED)
    page.goto(f"{base}/data/facilities/{pk}/2026/2/")
    assert page.locator("[data-testid=month-save]").count() == 0
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=os.path.join(screenshot_dir, "month-verified-390-en.png"), full_page=True)
    assert problems == []


def test_a_brand_sees_no_form_and_no_link_to_it(live_server, world, page, screenshot_dir):
    services.activity_value_set(by=world.users["data_entry"], facility=world.own, period=datetime.date(2026, 2, 1),
                                metric="electricity_grid", value=300, unit="MWh")
    base, pk = live_server.url, world.own.pk
    login(page, base, "brand")
    page.goto(f"{base}/data/facilities/{pk}/2026/")
    assert page.locator(f"a[href='/data/facilities/{pk}/2026/3/']").count() == 0
    assert page.locator("[data-testid=enter-data]").count() == 0
    page.screenshot(path=os.path.join(screenshot_dir, "facility-year-1366-brand.png"))
    page.goto(f"{base}/registry/facilities/{pk}/")
    assert page.locator("[data-testid=next-steps]").count() == 0
    assert page.goto(f"{base}/data/facilities/{pk}/2026/3/").status == 403
