""""How was this computed?" opens where it was clicked, in view, on a desktop and a phone, in English and Vietnamese
(issue 14, 6). Before, the explanation opened in one box below the months table, about 900 px below the click."""

from __future__ import annotations

import datetime
import os

import pytest

from tests.browser.conftest import login
from tests.inventories.test_inventories import enter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
YEAR = 2025


@pytest.mark.parametrize("language,width", [("en", 1366), ("en", 390), ("vi", 1366), ("vi", 390)])
def test_the_explanation_opens_in_view_under_the_month_clicked(live_server, world, page, screenshot_dir, language, width,
                                                              django_capture_on_commit_callbacks):
    # given a year of months, each with diesel in litres and grid electricity
    enter(world, django_capture_on_commit_callbacks,
          [(datetime.date(YEAR, m, 1), metric, value, unit) for m in range(1, 13)
           for metric, value, unit in (("fuel_diesel", 1500, "L"), ("electricity_grid", 310_000, "kWh"))])
    page.set_viewport_size({"width": width, "height": 800})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    login(page, live_server.url, "manager")
    url = f"{live_server.url}/emissions/facilities/{world.own.pk}/{YEAR}/"
    page.goto(url)
    # when March's "How was this computed?" is clicked
    page.locator("[data-testid=inventory-months] a[hx-get]").nth(2).click()
    explanation = page.locator("#explanation-2025-03 [data-testid=explanation]")
    explanation.wait_for()
    page.wait_for_timeout(300)   # htmx's scroll into view
    # then it opened in the page (htmx), right under March's row, its top in view and its width within the screen
    assert page.url == url
    box = explanation.bounding_box()
    assert 0 <= box["y"] < 800 / 2, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    march = page.locator("[data-testid=inventory-months] tbody tr", has_text="2025-03").first.bounding_box()
    assert box["y"] >= march["y"] + march["height"] - 1
    # and it starts from what was reported, in the reader's number format
    reported = explanation.locator("[data-metric=fuel_diesel] [data-testid=reported]").inner_text()
    assert reported == {"en": "1,500 L", "vi": "1.500 L"}[language]
    page.screenshot(path=os.path.join(screenshot_dir, f"explanation-{language}-{width}.png"))
