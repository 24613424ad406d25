"""The main pages under the Content-Security-Policy in a real browser: no console error and
no `securitypolicyviolation`, with the charts drawn, a tooltip shown, an htmx swap and Swagger UI."""

from __future__ import annotations

import datetime

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = 2024
REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});"""


def test_main_pages_pass_the_content_security_policy(live_server, world, page):
    from loomlight.reporting.services import activity_value_set

    for month in (1, 2, 3):
        for metric, value, unit in (("coal_bituminous", 10 * month, "t"), ("electricity_grid", 100, "MWh"),
                                    ("water_municipal", 500, "m³"), ("production_kg", 20, "t")):
            activity_value_set(by=world.users["manager"], facility=world.own, period=datetime.date(YEAR, month, 1),
                               metric=metric, value=value, unit=unit)
    problems = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    base, pk = live_server.url, world.own.pk
    login(page, base, "manager")

    def visit(path, ready):
        page.goto(base + path)
        page.wait_for_selector(ready)

    visit("/", "main h1")
    visit(f"/registry/facilities/{pk}/", "dl.facts")
    visit("/registry/map/", "path.marker-facility")
    visit(f"/data/facilities/{pk}/{YEAR}/", "table.grid")
    visit(f"/data/facilities/{pk}/dashboard/{YEAR}/", "[data-chart] canvas")
    visit(f"/emissions/facilities/{pk}/{YEAR}/", "[data-chart=scopes] canvas")
    page.hover("[data-chart=scopes] canvas", position={"x": 120, "y": 80})   # ECharts' HTML tooltip
    page.wait_for_timeout(300)
    page.locator("a[hx-get*=explanation]").first.click()                    # an htmx swap
    page.wait_for_selector(".explanation-slot [data-testid=explanation] h2")         # in the row under the month
    visit("/api/docs", ".swagger-ui .opblock")
    page.locator(".opblock-summary").first.click()                          # Swagger UI expands an operation
    page.wait_for_selector(".opblock-body")
    assert problems == []


def test_pages_of_a_year_without_data_raise_no_script_error(live_server, world, page):
    """Given no monthly data at all, when the programme's admin opens the emissions pages of a year,
    then each says so and no script fails (dashboard.js once read the absent chart-data block:
    "Cannot read properties of null (reading 'textContent')")."""
    problems = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    base = live_server.url
    login(page, base, "admin")
    for path in (f"/emissions/facilities/{world.own.pk}/{YEAR}/", f"/emissions/parks/{world.park.pk}/{YEAR}/",
                 f"/emissions/programmes/{world.programme.pk}/{YEAR}/"):
        page.goto(base + path)
        page.wait_for_selector("[data-testid=no-inventory]")
        page.wait_for_load_state("load")          # every script has run
    assert problems == []
