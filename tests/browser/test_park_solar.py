"""A park's group rooftop solar in a real browser: the park's operator goes from the park's page to the case form
(the tenants' shares pre-filled), uploads a weather file, saves, and reads the division among the tenants. Screenshots
of the form (English, 1366 px) and of the case (Vietnamese, 390 px) go to LOOMLIGHT_SCREENSHOTS or a temporary folder."""

from __future__ import annotations

import datetime
import os

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = datetime.date.today().year - 1


def test_the_operator_builds_the_parks_group_solar_from_its_page(live_server, world, browser, screenshot_dir, tmp_path):
    from loomlight.interventions.models import BusinessCase
    from loomlight.reporting.models import ActivityValue
    from tests.interventions.test_solar_pages import EPW

    for facility, kwh in ((world.own, 10000.0), (world.neighbour, 5000.0)):
        for month in range(1, 13):
            ActivityValue.objects.create(facility=facility, period=datetime.date(YEAR, month, 1), metric="electricity_grid",
                                         value=kwh, unit="kWh", original_value=kwh, original_unit="kWh", source="form")
    weather = tmp_path / "green-park.epw"
    weather.write_bytes(EPW)
    base, errors = live_server.url, []
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    login(page, base, "park_operator")
    page.goto(f"{base}/registry/parks/{world.park.pk}/")
    page.click("[data-testid=new-park-solar]")
    form = page.locator("[data-testid=case-form]")
    assert form.locator(f"input[name=share-{world.own.pk}]").input_value() == "120000"
    form.locator("input[name=kwp]").fill("50")
    form.locator("input[name=tilt_deg]").fill("0")
    form.locator("input[name=capex]").fill("40000")
    form.locator("input[name=sale_price]").fill("0.07")
    form.locator("input[name=weather_file]").set_input_files(str(weather))
    page.screenshot(path=os.path.join(screenshot_dir, "park-solar-form-en-1366.png"), full_page=True)
    form.locator("input[name=title]").fill("Green Park roofs")
    with page.expect_navigation(timeout=60000):     # the first pvlib run of the server's process takes seconds
        page.click("[data-testid=save-case]")
    page.screenshot(path=os.path.join(screenshot_dir, "park-solar-saved-en-1366.png"), full_page=True)
    page.wait_for_selector("[data-testid=allocation]")
    case = BusinessCase.objects.get(park=world.park)
    rows = case.document["solar"]["park"]["allocation"]
    assert sum(r["kwh"] for r in rows) == case.document["solar"]["park"]["annual_kwh"] == 61096
    assert page.locator("[data-testid=solar-weather-file]").inner_text() == "From the uploaded weather file green-park.epw."
    phone = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    vi = phone.new_page()
    login(vi, base, "park_operator")
    vi.goto(f"{base}/cases/{case.pk}/")
    vi.screenshot(path=os.path.join(screenshot_dir, "park-solar-case-390.png"), full_page=True)
    assert errors == []
    context.close()
    phone.close()
