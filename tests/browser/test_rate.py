"""The reporting-rate page in a real browser, on a desktop and a phone, in English and Vietnamese (issue 16, 2):
the legend reads without colour, the page itself does not scroll sideways (the table does, its facility column
pinned), and the admin and the park operator each see their facilities."""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import login
from tests.reporting.test_rate import april_2026, programme  # noqa: F401 (the frozen clock, the hand-built programme)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language,width,user", [("en", 1366, "admin"), ("en", 390, "admin"), ("vi", 1366, "admin"),
                                                 ("vi", 390, "park_operator")])
def test_the_rate_page_reads_on_a_desktop_and_a_phone(live_server, programme, page, screenshot_dir,  # noqa: F811
                                                      language, width, user):
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    login(page, live_server.url, user)
    page.goto(f"{live_server.url}/data/rate/")
    table = page.locator("[data-testid=rate]")
    table.wait_for()
    # every state in the legend with its sign: the colour is never the only signal
    assert page.locator("[data-testid=legend] li").count() == 7
    assert page.locator("[data-testid=legend] .rate-sign").all_inner_texts() == ["·", "○", "✕", "✎", "↩", "↑", "✓"]
    names = page.locator("table.rate tbody th[scope=row] a").all_inner_texts()
    assert names == (["Neighbour Sewing", "Outside Laundry", "Own Dyehouse"] if user == "admin"
                     else ["Neighbour Sewing", "Own Dyehouse"])
    page.screenshot(path=os.path.join(screenshot_dir, f"rate-{language}-{width}-{user}.png"), full_page=True)
    wide = page.evaluate("""() => Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 8).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))""")
    # the page does not scroll sideways: the table scrolls inside its box, the facility's name stays in view
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide
    page.locator(".table-scroll").first.evaluate("el => el.scrollLeft = el.scrollWidth")
    box = page.locator("table.rate tbody th[scope=row]").first.bounding_box()
    frame = page.locator(".table-scroll").first.bounding_box()
    assert abs(box["x"] - frame["x"]) < 2, (box, frame)
    page.locator(".table-scroll").first.evaluate("el => el.scrollLeft = 0")
    page.screenshot(path=os.path.join(screenshot_dir, f"rate-{language}-{width}-{user}.png"), full_page=True)
