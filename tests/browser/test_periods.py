"""A facility with only earlier years, as its manager and as a brand, in English and Vietnamese, at desktop and
phone widths: every data page opens on the latest year with data (never an empty current year), says so, names
the periods it compares, and shows a gap as not reported. Screenshots go to LOOMLIGHT_SCREENSHOTS (or a
temporary folder) to be looked at."""

from __future__ import annotations

import datetime
import os

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _earlier_years(world):
    """2023 and 2024 only: 12 months of grid electricity and water in 2023, electricity alone in 2024."""
    from loomlight.inventories import services
    from loomlight.reporting.models import ActivityValue

    rows = [(2023, "electricity_grid", 20_000, "kWh"), (2023, "water_municipal", 100, "m³"),
            (2024, "electricity_grid", 16_000, "kWh")]
    ActivityValue.objects.bulk_create([
        ActivityValue(facility=world.own, period=datetime.date(y, m, 1), metric=metric, value=value, unit=unit,
                      original_value=value, original_unit=unit, source="form")
        for y, metric, value, unit in rows for m in range(1, 13)])
    services.recompute(world.own, [2023, 2024])


@pytest.mark.parametrize("locale", ["en-GB", "vi-VN"])
@pytest.mark.parametrize("width", [1366, 390])
def test_data_pages_open_on_the_latest_year_with_data(live_server, world, browser, screenshot_dir, locale, width):
    from loomlight.registry.models import Consent

    _earlier_years(world)
    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=["profile", "environmental", "ghg"])
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    base, pk = live_server.url, world.own.pk
    for user in ("manager", "brand"):
        login(page, base, user)
        for name, path, ready in (("data", f"/data/facilities/{pk}/", "table.grid"),
                                  ("dashboard", f"/data/facilities/{pk}/dashboard/", "[data-testid=kpis]"),
                                  ("emissions", f"/emissions/facilities/{pk}/", "[data-testid=emission-kpis]")):
            page.goto(base + path)
            page.wait_for_selector(ready)
            page.screenshot(path=os.path.join(screenshot_dir, f"periods-{name}-{user}-{locale}-{width}.png"), full_page=True)
            # opened on 2024, the latest year with data, which the note names; 2026 (no data) is one click away
            assert "2024" in page.locator("[data-testid=year-note]").inner_text()
            assert page.locator("nav.filters a[aria-current=page]").first.inner_text() == "2024"
            assert page.locator("nav.filters a", has_text="2026").count() == 1
            if name != "data":
                # the comparison names both years
                label = page.locator("[data-testid=comparison]").inner_text()
                assert "2024" in label and "2023" in label
        dashboard = page.goto(base + f"/data/facilities/{pk}/dashboard/")
        assert dashboard.ok
        water = page.locator("[data-testid=kpis] tr", has=page.locator("th", has_text="m³")).first.inner_text()
        assert "-100" not in water and "−100" not in water
        context.clear_cookies()
    assert errors == []
    context.close()
