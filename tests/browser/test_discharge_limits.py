"""Discharge limits in a real browser (issue 15): a facility manager records where the wastewater goes and the
permit's COD limit through the pages, a lab result is entered, and the sample's page, on a 390 px phone in
Vietnamese, judges it against the permit and ZDHC side by side and says why each set applies, the table scrolling
inside its frame rather than the page."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_route_permit_and_result_judged_and_explained(live_server, world, page, browser, screenshot_dir):
    from loomlight.wastewater.models import DischargePermit, SamplingEvent

    base, pk = live_server.url, world.own.pk
    login(page, base, "manager")

    # where the wastewater goes: the Đồng Nai river, class B, operating since 2012 (before QCVN 40:2025)
    page.goto(f"{base}/wastewater/facilities/{pk}/")
    page.get_by_role("link", name="Record or change where the wastewater goes").click()
    page.fill("#id_valid_from", "2020-01-01")
    page.select_option("#id_route", "surface")
    page.fill("#id_receiving_water", "Đồng Nai river")
    page.fill("#id_receiving_class", "B")
    page.fill("#id_operating_since", "2012-05-01")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-testid=discharge-facts]")).to_contain_text("Đồng Nai river")

    # the permit and its COD limit of 100 mg/L
    page.get_by_role("link", name="Add a permit").click()
    page.fill("#id_number", "7/GP-UBND")
    page.fill("#id_issuing_body", "People's Committee of Đồng Nai Province")
    page.fill("#id_issued_on", "2024-01-01")
    page.get_by_role("button", name="Save").click()
    limit_form = page.locator("form:has(input[name=form][value=limit])")
    limit_form.locator("#id_limit-parameter").select_option("cod")
    limit_form.locator("#id_limit-limit_max").fill("100")
    limit_form.locator("#id_limit-unit").fill("mg/L")
    limit_form.get_by_role("button", name="Save").click()
    expect(page.locator("[data-testid=permit-limits]")).to_contain_text("≤ 100 mg/L")
    assert DischargePermit.objects.get().limits.get().limit_max == 100.0

    # a sample of 2025-10-07 with COD 120 mg/L
    page.goto(f"{base}/wastewater/facilities/{pk}/")
    page.fill("#id_sampled_on", "2025-10-07")
    page.select_option("#id_sampling_point", "discharge")
    page.select_option("#id_discharge_type", "direct")
    page.fill("#id_laboratory", "Lab A")
    page.get_by_role("button", name="Save").click()
    page.select_option("#id_parameter", "cod")
    page.fill("#id_value", "120")
    page.fill("#id_unit", "mg/L")
    page.get_by_role("button", name="Save").click()
    event = SamplingEvent.objects.get()

    # then on a phone, in Vietnamese: the permit's cell exceeds, ZDHC foundational (150) is met, and why
    phone = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    try:
        mobile = phone.new_page()
        login(mobile, base, "manager")
        mobile.evaluate("document.cookie = 'django_language=vi; path=/'")
        mobile.goto(f"{base}/wastewater/events/{event.pk}/")
        row = mobile.locator("[data-testid=limits-table] tbody tr", has_text="COD")
        expect(row.locator(f"td[data-set='permit:{DischargePermit.objects.get().pk}']")).to_have_attribute("data-outcome", "fail")
        expect(row.locator("td[data-set='zdhc:foundational']")).to_have_attribute("data-outcome", "pass")
        expect(mobile.locator("[data-testid=legal-verdict]")).to_contain_text("không tuân thủ")
        why = mobile.locator("[data-testid=why-limits]")
        expect(why).to_contain_text("QCVN 13-MT:2015/BTNMT")
        expect(why).to_contain_text("2031-12-31")
        expect(why).to_contain_text("7/GP-UBND")
        # the table scrolls in its frame: the page itself is no wider than the phone
        assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
        mobile.screenshot(path=os.path.join(screenshot_dir, "discharge-limits-vi-390.png"), full_page=True)
    finally:
        phone.close()
