"""login → registry → facility page → map, and the language switch, in a real browser."""

from __future__ import annotations

import os

import pytest
from django.utils import translation

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "x-manager-pw-123"  # set by the world fixture (tests/conftest.py)


def test_login_registry_facility_map(live_server, world, page, screenshot_dir):
    base = live_server.url
    login(page, base, "admin")
    assert page.locator("[data-testid=facility-count]").inner_text() == "3"
    page.click("nav >> text=Facilities")
    page.wait_for_url(f"{base}/registry/facilities/")
    assert page.locator("tbody tr").count() == 3
    page.fill("input[name=search]", "dye")  # HTMX live search swaps the table
    # (predicates as functions: Playwright evaluates a bare expression with eval, which the CSP refuses)
    page.wait_for_function("() => document.querySelectorAll('#results tbody tr').length === 1")
    page.click("#results >> text=Own Dyehouse")
    page.wait_for_url(f"{base}/registry/facilities/{world.own.pk}/")
    assert "Dyeing, Finishing" in page.locator("dl.facts").inner_text()
    page.click("nav >> text=Map")
    page.wait_for_selector("path.marker-facility")
    # the admin sees the park and one facility with coordinates (the others have none)
    assert page.locator("path.marker-park").count() == 1
    assert page.locator("path.marker-facility").count() == 1
    page.wait_for_function("() => document.getElementById('map-count').textContent.length > 0")
    assert page.locator("#map-count").inner_text() == "1 park, 1 facility"
    page.screenshot(path=os.path.join(screenshot_dir, "map.png"))


def test_language_switch(live_server, world, page, screenshot_dir):
    base = live_server.url
    login(page, base, "manager")
    for code in ("vi", "km", "th"):
        with translation.override(code):
            expected = translation.gettext("Facilities")
        assert expected != "Facilities", f"the {code} catalogue translates 'Facilities'"
        page.select_option("#language", code)
        page.wait_for_function(f"() => document.documentElement.lang === '{code}'")
        assert page.locator("nav.mainnav a").nth(1).inner_text() == expected
        page.screenshot(path=os.path.join(screenshot_dir, f"home-{code}.png"))
    page.select_option("#language", "en")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.locator("nav.mainnav a").nth(1).inner_text() == "Facilities"


def test_phone_layout_has_a_menu_toggle(live_server, world, browser):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    try:
        login(page, live_server.url, "manager")
        assert not page.locator("nav.mainnav").is_visible()
        page.click("label.nav-toggle-label")
        assert page.locator("nav.mainnav").is_visible()
    finally:
        context.close()
