"""The home page's work queues in Chromium, on a desktop and a phone, as the data-entry clerk and the programme
admin (issue 16, 1): the queues come first, every item is a link, nothing is wider than the screen.

The clock is not frozen here (the browser's session cookie would expire in its own time): the hand-built
programme's months lie in the past, so on the day the test runs every month it lacks is overdue."""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import login
from tests.work.programme import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("who,language,width", [("data_entry", "en", 1366), ("data_entry", "en", 390),
                                                ("admin", "en", 1366), ("admin", "vi", 390)])
def test_home_page_queues_on_desktop_and_phone(live_server, world, page, screenshot_dir, who, language, width):
    # given the hand-built programme
    build(world)
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    # when the user logs in
    login(page, live_server.url, who)
    # then the first heading under the welcome is their work, each queue counted, each item a link
    queues = page.locator("section.queue")
    # the clerk: overdue actions, five queues of its months and data, assessments returned for evidence; the programme
    # admin: overdue actions, three queues of the months it verifies, assessments to verify
    expected = 7 if who == "data_entry" else 5
    assert queues.count() == expected
    first = page.locator("main h2").first.inner_text()
    assert first == {"en": "Your work"}.get(language, first)
    for i in range(expected):
        section = queues.nth(i)
        assert section.locator("[data-testid=queue-count]").inner_text().strip() != ""
        for item in section.locator("li").all():
            assert item.locator("a").count() == 1
    # and nothing reaches past the screen's edge
    widest = page.evaluate("Math.max(...[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right))")
    assert widest <= width + 1, widest
    page.screenshot(path=os.path.join(screenshot_dir, f"home-{who}-{language}-{width}.png"), full_page=True)
