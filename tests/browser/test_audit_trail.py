"""The audit trail in Chromium: a programme admin and a facility manager read a value's change and an import, in
English and Vietnamese, on a desktop and a phone, without the page growing wider than the screen."""

from __future__ import annotations

import datetime
import os

import pytest

from loomlight.reporting import services as reporting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JAN = datetime.date(2026, 1, 1)


@pytest.fixture
def changes(world):
    u = world.users
    reporting.activity_value_set(by=u["data_entry"], facility=world.own, period=JAN, metric="electricity_grid",
                                 value=310_000, unit="kWh")
    reporting.activity_value_set(by=u["data_entry"], facility=world.own, period=JAN, metric="electricity_grid",
                                 value=320_000, unit="kWh")
    reporting.period_submit(by=u["data_entry"], facility=world.own, period=JAN)
    reporting.period_verify(by=u["assessor"], facility=world.own, period=JAN)
    return world


def _login(page, base, username):
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"x-{username}-pw-123")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


#: two readers, two languages, two widths: each case a different reader, language and width (browser tests are kept few)
CASES = [("admin", "en-GB", ("Grid electricity purchased", "310,000", "320,000 kWh"), 1366),
         ("manager", "vi-VN", ("Điện lưới mua vào", "310.000", "320.000 kWh"), 390)]


@pytest.mark.parametrize(("username", "locale", "words", "width"), CASES)
def test_the_trail_reads_on_desktop_and_phone(browser, live_server, changes, screenshot_dir, username, locale, words,
                                              width):
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        _login(page, live_server.url, username)
        page.click("a[href='/audit/']")   # the home page links to it
        page.wait_for_url(f"{live_server.url}/audit/")
        entries = page.locator(".audit-entries > li")
        assert entries.count() == 4   # verified, submitted, corrected, created (newest first), for both readers
        text = entries.nth(2).inner_text()
        label, before, after = words
        assert f"{label}: {before} → {after}" in text.replace("\n", " ")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        page.screenshot(path=os.path.join(screenshot_dir, f"audit-{username}-{locale}-{width}.png"), full_page=True)
    finally:
        context.close()
