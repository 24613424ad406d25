"""A business case in a real browser: the facility's manager goes from the facility page to the business cases,
builds an LED case from the facility's own 2025 electricity (pre-filled), saves it and reads it; its facility's
abatement-cost curve draws the bar. Then screenshots of every page as the owner (English, 1366 px; Vietnamese,
390 px) and as a financier (Vietnamese, 1366 px) the case was shared with (LOOMLIGHT_SCREENSHOTS, or a temporary folder)."""

from __future__ import annotations

import datetime
import os

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = datetime.date.today().year - 1


def _history(world):
    from loomlight.reporting.models import ActivityValue

    for month in range(1, 13):
        ActivityValue.objects.create(facility=world.own, period=datetime.date(YEAR, month, 1), metric="electricity_grid",
                                     value=10000.0, unit="kWh", original_value=10000.0, original_unit="kWh", source="form")


def test_from_the_facility_page_to_a_saved_case_and_its_curve(live_server, world, browser, screenshot_dir):
    from loomlight.interventions.models import BusinessCase

    _history(world)
    base, errors = live_server.url, []
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    login(page, base, "manager")
    page.goto(f"{base}/registry/facilities/{world.own.pk}/")
    page.click("a:has-text('Business cases')")
    page.click("[data-testid=new-case] button[type=submit]")
    page.click("[data-intervention=led_lighting]")
    form = page.locator("[data-testid=case-form]")
    assert form.locator("input[name=line-0-baseline]").input_value() == "120000"   # 12 × 10,000 kWh of YEAR
    form.locator("input[name=line-0-share]").fill("40")
    form.locator("input[name=lifetime_years]").fill("10")
    form.locator("input[name=capex]").fill("20000")
    form.locator("input[name=line-0-price]").fill("0.08")
    form.locator("input[name=currency]").fill("USD")
    page.click("[data-testid=save-case]")
    page.wait_for_selector("[data-testid=outputs]")
    case = BusinessCase.objects.get(facility=world.own)
    assert page.url.endswith(f"/cases/{case.pk}/")
    # the saving saved: 40 % of the year's 120,000 kWh
    assert case.document["savings"][0] == {"metric": "electricity_grid", "quantity": 48000.0, "unit": "kWh", "price": 0.08}
    page.click("[data-testid=explanation] summary")
    page.screenshot(path=os.path.join(screenshot_dir, "case-saved-explained.png"), full_page=True)
    page.goto(f"{base}/cases/curve/?scope=facility&id={world.own.pk}")
    page.wait_for_selector("[data-case-chart=curve][data-drawn='1']")
    assert page.locator(f"[data-bar='{case.pk}']").count() == 1
    assert errors == []

    context.close()


def test_screenshots_of_the_pages_as_owner_and_financier(live_server, world, browser, screenshot_dir):
    """Every page as the owner (English at 1366 px, Vietnamese at 390 px) and as the financier the case was shared
    with (Vietnamese at 1366 px); the financier sees the shared case and no "New business case", "Edit" or stage form."""
    from loomlight.registry.models import Consent
    from tests.interventions.test_pages import RESULT, _case

    _history(world)
    case = _case(world.own, "Steam traps and LED at Own Dyehouse", shared_with_financiers=True)
    _case(world.own, "Cooling-water reuse", intervention="cooling_water_reuse", shared_with_financiers=False,
          result={**RESULT, "tco2e_per_year": None, "abatement_cost_per_tco2e": None, "eac": 500.0})
    _case(world.own, "Boiler economiser", intervention="boiler_economiser", stage="idea",
          result={**RESULT, "eac": 1800.0, "tco2e_per_year": 30.0, "abatement_cost_per_tco2e": 60.0})
    Consent.objects.create(facility=world.own, grantee=world.financier, data_kinds=["profile", "business_cases", "environmental", "ghg"],
                           valid_from=datetime.date(2020, 1, 1), granted_by=world.users["manager"])
    base, errors = live_server.url, []
    pages = {"list": "/cases/", "case": f"/cases/{case.pk}/", "curve": f"/cases/curve/?scope=facility&id={world.own.pk}",
             "pipeline": "/cases/pipeline/"}
    owner_only = {"choose": f"/cases/new/?facility={world.own.pk}",
                  "new": f"/cases/new/?facility={world.own.pk}&intervention=led_lighting"}
    # three views, not every combination (the suite's browser time is kept small): the owner in English on a desktop
    # and in Vietnamese on a phone, the financier in Vietnamese on a desktop
    for user, language, width in (("manager", "en", 1366), ("manager", "vi", 390), ("financier", "vi", 1366)):
        ctx = browser.new_context(locale="vi-VN" if language == "vi" else "en-GB",   # Accept-Language
                                  viewport={"width": width, "height": 900})
        p = ctx.new_page()
        p.set_default_timeout(15000)
        p.on("pageerror", lambda e, p=p: errors.append(f"{p.url}: {e}"))
        login(p, base, user)
        for name, path in {**pages, **(owner_only if user == "manager" else {})}.items():
            p.goto(base + path)
            p.wait_for_load_state("load")
            if name == "curve":
                p.wait_for_selector("[data-case-chart=curve][data-drawn='1'], [data-testid=curve-empty]")
            p.screenshot(path=os.path.join(screenshot_dir, f"case-{user}-{language}-{width}-{name}.png"), full_page=True)
            if user == "financier":
                body = p.content()
                assert 'data-testid="new-case"' not in body and 'data-testid="stage-form"' not in body
                assert "Cooling-water reuse" not in body   # not shared
        ctx.close()
    assert errors == []


def test_the_tornado_draws_each_end_as_its_own_bar_from_the_base(live_server, world, browser, screenshot_dir):
    """Given a case whose capex range lies wholly above its capex (USD 20,000; range 22,000–26,000), both ends lower
    the NPV: by 2,000 and 6,000 USD (the capex is paid at year 0, undiscounted, no loan or tax). Then the tornado
    draws two bars from the base, not stacked (a stack would draw the high end as 2,000 + 6,000 = 8,000), each its
    own length, the shorter in front of the longer so that both show."""
    from loomlight.interventions import charts
    from tests.interventions.test_pages import DOCUMENT, _case

    document = {**DOCUMENT, "monte_carlo": {"draws": 1000, "seed": 1, "ranges": {
        "capex": [22000, 26000], "savings[0].price": [0.07, 0.09]}}}
    case = _case(world.own, "LED with a capex range above its capex", document=document)
    data = charts.uncertainty(document)["chart"]["tornado"]
    row = next(i for i, (lo, hi) in enumerate(zip(data["low"], data["high"], strict=True)) if lo < 0 and hi < 0)
    assert (data["low"][row], data["high"][row]) == (pytest.approx(-2000.0), pytest.approx(-6000.0))
    base, errors = live_server.url, []
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    login(page, base, "manager")
    page.goto(f"{base}/cases/{case.pk}/")
    chart = page.wait_for_selector("[data-case-chart=tornado][data-drawn='1']")
    series = page.evaluate("""() => echarts.getInstanceByDom(document.querySelector("[data-case-chart=tornado]"))
                                    .getOption().series.map(s => ({name: s.name, stack: s.stack || null,
                                                                   gap: s.barGap, data: s.data}))""")
    assert [s["stack"] for s in series] == [None] * 4 and {s["gap"] for s in series} == {"-100%"}
    n = len(data["inputs"])
    drawn = n - 1 - row   # the chart lists the inputs bottom-up
    # behind: the longer end (high, -6,000); in front: the shorter (low, -2,000); each its own value from 0
    assert [(s["name"], s["data"][drawn]) for s in series if s["data"][drawn] is not None] == [
        (data["high_label"], pytest.approx(-6000.0)), (data["low_label"], pytest.approx(-2000.0))]
    chart.screenshot(path=os.path.join(screenshot_dir, "case-tornado-same-sign.png"))
    assert errors == []
    context.close()
