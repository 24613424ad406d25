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
    # on a phone every chart's legend names each series in full (no "Refe", no "1/3" pages), and biogenic CO2 is a
    # line outside the stack of the scopes
    page.set_viewport_size({"width": 390, "height": 800})
    visit(f"/emissions/facilities/{pk}/{YEAR}/", "[data-chart=scopes] canvas")
    legends = page.evaluate("""() => Array.from(document.querySelectorAll("[data-chart]")).filter(el => el.dataset.series !== "0").map(el => {
      const list = document.querySelector(`.chart-legend[data-legend-for="${el.dataset.chart}"]`);
      const chart = echarts.getInstanceByDom(el).getOption();
      return {chart: el.dataset.chart, names: chart.series.map(s => s.name), stacks: chart.series.map(s => s.stack || null),
              types: chart.series.map(s => s.type), legend: list ? Array.from(list.querySelectorAll("button")).map(b => b.textContent) : null,
              cut: list ? Array.from(list.querySelectorAll("button")).filter(b => b.scrollWidth > b.clientWidth + 1 || b.getBoundingClientRect().right > window.innerWidth).length : null,
              canvasLegend: chart.legend.map(l => l.show)};
    })""")
    assert [l["chart"] for l in legends] == ["scopes", "sources", "energy_mix", "trajectory"]
    for chart in legends:
        assert chart["legend"] == chart["names"] and chart["cut"] == 0 and chart["canvasLegend"] == [False], chart
    scopes = legends[0]
    assert scopes["names"] == ["Scope 1", "Scope 2 (market-based)", "Biogenic CO2, reported apart (not in the stack)"]
    assert scopes["stacks"] == ["total", "total", None] and scopes["types"] == ["bar", "bar", "line"]
    assert "Reference path: 4.2 % of the base year less each year" in legends[3]["legend"]
    page.set_viewport_size({"width": 1280, "height": 900})
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
