"""Each role finds its work (issue 16), in a real browser, one month from entry to the audit trail:

1. the data-entry clerk opens the home page, follows the month due in "Months to report" to the month form,
   enters it, saves it (the "Saved." mark beside the field) and submits it;
2. the assessor finds it in "Months awaiting verification" on the home page, goes to the review page, ticks it
   and verifies it;
3. the programme admin opens the audit trail from the home page and reads, in words, who entered what and who
   verified it.

The clock is frozen on 10 April 2026 (ticking, so that the live server's sessions work): March 2026 is then due
on 20 April. Screenshots go to LOOMLIGHT_SCREENSHOTS (or a temporary folder).
"""

from __future__ import annotations

import datetime
import os

import pytest
import time_machine

from loomlight.reporting.models import ActivityValue, ApplicableMetrics, PeriodStatus, ReportingPeriod
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def april_2026():
    with time_machine.travel(datetime.datetime(2026, 4, 10, 9, 0, tzinfo=datetime.UTC), tick=True):
        yield


def _given(world):
    """Own Dyehouse reports grid electricity only; its February 2026 is verified (so March is the one month due)."""
    ApplicableMetrics.objects.create(facility=world.own, metrics=["electricity_grid"])
    feb = datetime.date(2026, 2, 1)
    ActivityValue.objects.create(facility=world.own, period=feb, metric="electricity_grid", value=300_000, unit="kWh",
                                 original_value=300_000, original_unit="kWh", source="form")
    ReportingPeriod.objects.create(facility=world.own, period=feb, status=PeriodStatus.VERIFIED)


def _switch(page, base, username):
    page.context.clear_cookies()
    login(page, base, username)


def test_a_month_from_the_clerks_queue_to_the_admins_audit_trail(live_server, world, page, screenshot_dir):
    _given(world)
    base, pk = live_server.url, world.own.pk
    errors = []
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    shot = lambda name: page.screenshot(path=os.path.join(screenshot_dir, f"work-{name}.png"), full_page=True)  # noqa: E731

    # 1. the clerk: home page -> the month due -> the month form -> save -> submit
    login(page, base, "data_entry")
    due = page.locator("[data-queue=months_due]")
    assert due.locator("[data-testid=queue-count]").inner_text() == "1"
    shot("clerk-home")
    due.get_by_role("link", name="Own Dyehouse · March 2026").click()
    page.wait_for_url(f"{base}/data/facilities/{pk}/2026/3/")
    row = page.locator("[data-testid=row-electricity_grid]")
    assert row.locator("select").input_value() == "kWh"          # the unit it reported last
    row.locator("input[name$='-value']").fill("320000")
    page.click("[data-testid=month-save]")
    page.wait_for_selector("[data-testid=saved-summary]")
    assert row.locator("[data-testid=saved-mark]").count() == 1   # "Saved." beside the field saved
    shot("clerk-saved")
    page.get_by_role("button", name="Submit the month for review").click()
    page.wait_for_load_state()
    assert ReportingPeriod.objects.get(facility=world.own, period=MARCH).status == PeriodStatus.SUBMITTED
    page.goto(f"{base}/")
    assert page.locator("[data-queue=months_due] [data-testid=queue-count]").inner_text() == "0"

    # 2. the assessor: home page -> the review page -> tick -> verify
    _switch(page, base, "assessor")
    waiting = page.locator("[data-queue=months_awaiting_verification]")
    assert waiting.locator("[data-testid=queue-count]").inner_text() == "1"
    assert "Own Dyehouse · March 2026" in waiting.inner_text()
    shot("assessor-home")
    waiting.locator("[data-testid=queue-more]").click()
    page.wait_for_url(f"{base}/data/review/")
    assert page.locator("[data-testid=review-row]").count() == 1
    page.check("input[name=months]")
    page.click("button[value=verify]")
    page.wait_for_selector("[data-testid=bulk-result]")
    assert "1 month verified" in page.locator("[data-testid=bulk-result]").inner_text()
    shot("assessor-verified")
    march = ReportingPeriod.objects.get(facility=world.own, period=MARCH)
    assert (march.status, march.verified_by.username) == (PeriodStatus.VERIFIED, "assessor")

    # 3. the programme admin: home page -> audit trail, in words
    _switch(page, base, "admin")
    page.click("a[href='/audit/']")
    page.wait_for_url(f"{base}/audit/")
    entries = [e.replace("\n", " ") for e in page.locator(".audit-entries > li").all_inner_texts()]
    shot("admin-audit")
    verified = next(e for e in entries if "Verified" in e)
    assert "assessor" in verified and "Own Dyehouse" in verified
    entered = next(e for e in entries if "Grid electricity purchased" in e and "data_entry" in e)
    assert "320,000 kWh" in entered
    assert errors == []
