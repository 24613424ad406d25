"""The fuel switch in a real browser: the facility's manager goes from the facility page to its business cases,
chooses the coal-to-biomass switch, finds the page pre-filled from the facility's own coal of last year, computes
the switch, opens the business case and lands on it. Then screenshots of the switch page and a guideline type page
(English at 1366 px, Vietnamese at 390 px) into LOOMLIGHT_SCREENSHOTS (or a temporary folder)."""

from __future__ import annotations

import datetime
import os

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = datetime.date.today().year - 1


def _coal(world):
    from loomlight.reporting.models import ActivityValue

    for month in range(1, 13):   # 10 t of bituminous coal a month at 25.8 GJ/t (IPCC 2006 Table 1.2): 258 GJ
        ActivityValue.objects.create(facility=world.own, period=datetime.date(YEAR, month, 1), metric="coal_bituminous",
                                     value=258.0, unit="GJ", original_value=10.0, original_unit="t", source="form")


def test_from_the_facility_page_to_a_case_opened_from_the_switch(live_server, world, browser, screenshot_dir):
    from loomlight.interventions.models import BusinessCase

    _coal(world)
    base, errors = live_server.url, []
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    login(page, base, "manager")
    page.goto(f"{base}/registry/facilities/{world.own.pk}/")
    page.click("a:has-text('Business cases')")
    page.click("[data-testid=new-case] button[type=submit]")
    page.click("[data-intervention=coal_oil_to_biomass]")
    form = page.locator("[data-testid=switch-form]")
    assert form.locator("select[name=from_metric]").input_value() == "coal_bituminous"
    assert float(form.locator("input[name=quantity]").input_value()) == 3096.0      # 12 × 258 GJ
    form.locator("input[name=old_efficiency]").fill("75")
    form.locator("select[name=biomass_type]").select_option("rice_husk")
    form.locator("input[name=new_efficiency]").fill("85")
    form.locator("input[name=ncv]").fill("14")
    page.click("[data-testid=compute]")
    page.wait_for_selector("[data-testid=open-case]")
    # 3,096 GJ × 0.75 / 0.85 / 14 GJ/t = 195.126 t of rice husk a year
    assert page.locator("[data-figure=biomass_t] .number").inner_text() == "195"
    page.click("[data-testid=explain-biomass_t] summary")
    page.screenshot(path=os.path.join(screenshot_dir, "switch-en-1366-result.png"), full_page=True)
    page.locator("[data-testid=open-case] input[name=capex]").fill("120000")
    page.click("[data-testid=open-case-button]")
    page.wait_for_selector("[data-testid=outputs]")
    case = BusinessCase.objects.get(facility=world.own)
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert case.intervention == "coal_oil_to_biomass"
    assert case.document["biomass_switch"]["biomass_t"] == pytest.approx(3096 * 0.75 / 0.85 / 14)
    page.screenshot(path=os.path.join(screenshot_dir, "switch-en-1366-case.png"), full_page=True)
    context.close()
    # the phone, in Vietnamese: the switch page computed, and a guideline page with its chart drawn
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.goto(f"{base}/biomass/guide/rice_husk/")
    page.wait_for_selector("[data-biomass-chart=lhv][data-drawn='1']")   # its dry LHV is shipped: the curve draws
    page.screenshot(path=os.path.join(screenshot_dir, "guide-vi-390-type.png"), full_page=True)
    page.goto(f"{base}/biomass/guide/")
    page.screenshot(path=os.path.join(screenshot_dir, "guide-vi-390-index.png"), full_page=True)
    login(page, base, "manager")
    page.goto(f"{base}/biomass/switch/?facility={world.own.pk}")
    page.locator("input[name=old_efficiency]").fill("75")
    page.locator("input[name=new_efficiency]").fill("85")
    page.click("[data-testid=compute]")
    page.wait_for_selector("[data-testid=open-case]")
    page.screenshot(path=os.path.join(screenshot_dir, "switch-vi-390-result.png"), full_page=True)
    context.close()
    assert errors == []
