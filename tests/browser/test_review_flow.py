"""The review list in a real browser, at desktop and phone widths: the data-entry clerk submits the complete
months from the facility-year page (the incomplete one named), then a superuser who submitted one month
themselves opens the review list, ticks every month with "tick all" and verifies them: the months they may
verify are verified and the one they submitted is refused with its reason, at the top of the list.
Screenshots go to LOOMLIGHT_SCREENSHOTS (or a temporary folder) to be looked at."""

from __future__ import annotations

import datetime
import os

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


YEAR = datetime.date.today().year - 1   # a year that has ended, whatever day the test runs (the live server's clock is real)


def _months(world):
    """October and November of last year complete at the Own Dyehouse (electricity and water), December
    electricity only, nothing before; the Neighbour's October submitted by the installation's operator."""
    from loomlight.reporting import services
    from loomlight.reporting.models import ActivityValue, ApplicableMetrics

    ApplicableMetrics.objects.create(facility=world.own, metrics=["electricity_grid", "water_municipal"])
    rows = [(world.own, m, "electricity_grid", 20_000, "kWh") for m in (10, 11, 12)]
    rows += [(world.own, m, "water_municipal", 100, "m³") for m in (10, 11)]
    rows += [(world.neighbour, 10, "electricity_grid", 9_000, "kWh")]
    ActivityValue.objects.bulk_create([
        ActivityValue(facility=f, period=datetime.date(YEAR, m, 1), metric=metric, value=value, unit=unit,
                      original_value=value, original_unit=unit, source="form") for f, m, metric, value, unit in rows])
    services.period_submit(by=world.users["operator"], facility=world.neighbour, period=datetime.date(YEAR, 10, 1))


@pytest.mark.parametrize("width", [1366, 390])
def test_submit_complete_months_then_verify_them_from_the_list(live_server, world, browser, screenshot_dir, width):
    _months(world)
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    base = live_server.url
    shot = lambda name: page.screenshot(path=os.path.join(screenshot_dir, f"review-{name}-{width}.png"), full_page=True)  # noqa: E731

    login(page, base, "data_entry")
    page.goto(f"{base}/data/facilities/{world.own.pk}/{YEAR}/")
    section = page.locator("[data-testid=submit-complete]")
    assert "Submit the 2 complete months" in section.inner_text()
    page.click("[data-testid=submit-complete-button]")
    page.wait_for_selector("[data-testid=submit-result]")
    shot("submit-complete")
    result = page.locator("[data-testid=submit-result]").inner_text()
    assert "2 months submitted; 1 not submitted:" in result
    assert f"{YEAR}-12: Incomplete: no value of Water withdrawn, municipal supply." in result
    context.clear_cookies()

    login(page, base, "operator")
    page.goto(f"{base}/data/review/")
    page.wait_for_selector("[data-testid=review-list]")
    shot("list")
    assert page.locator("[data-testid=review-row]").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= width   # no sideways scrolling on a phone
    page.check("input[data-check-all]")
    assert page.locator("input[name=months]:checked").count() == 3
    page.click("button[value=verify]")
    page.wait_for_selector("[data-testid=bulk-result]")
    shot("verified")
    result = page.locator("[data-testid=bulk-result]").inner_text()
    assert "2 months verified; 1 refused:" in result
    assert f"Neighbour Sewing {YEAR}-10: You submitted {YEAR}-10: another reviewer must verify it." in result
    assert page.locator("[data-testid=review-row]").count() == 1   # the refused month still awaits another reviewer
    assert errors == []
    context.close()
