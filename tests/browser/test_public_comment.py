"""Leaving a public comment on the biomass guideline in Chromium (issue 19, 7), on a desktop and a phone, in
English and Khmer: anonymous, the form's main action first, the honeypot invisible, the confirmation next to
the form; then the guideline's author reads the comment. Nothing is wider than the screen.

The clock is not frozen (the browser's cookies run on their own time): the period opens a day before the test
runs and closes thirty days after."""

from __future__ import annotations

import datetime
import os

import pytest
from django.utils import timezone

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _period(world, django_user_model):
    from loomlight.consultations import services
    from loomlight.registry.models import Membership

    author = django_user_model.objects.create_user(username="author", password="x-author-pw-123")
    Membership.objects.create(user=author, role="programme_admin", programme=world.programme)
    guideline = services.biomass_guideline_seed(by=world.users["admin"], programme=world.programme, authors=[author])
    now = timezone.now()
    return services.period_create(by=world.users["admin"], guideline=guideline, title="First public comment",
                                  intro="Tell us what to improve before the guidelines are published.",
                                  opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=30))


def _fits(page, width):
    widest = page.evaluate("Math.max(...[...document.querySelectorAll('main *')].map(e => e.getBoundingClientRect().right))")
    assert widest <= width + 1, widest


@pytest.mark.parametrize("language,width", [("en", 1366), ("en", 390), ("km", 390), ("km", 1366)])
def test_anyone_leaves_a_comment_and_only_the_author_reads_it(live_server, world, django_user_model, page, screenshot_dir,
                                                              language, width):
    from loomlight.consultations.models import Comment

    period = _period(world, django_user_model)
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    # given the public list, when anyone opens the open period
    page.goto(f"{live_server.url}/consultations/")
    page.click(f"a[href='/consultations/{period.pk}/']")
    # then the form is there, its honeypot invisible to people
    assert page.locator("[data-testid=comment-form]").is_visible()
    box = page.locator("#id_website").locator("xpath=..").bounding_box()   # its wrapper: 1 px, clipped
    assert box["width"] <= 1 and box["height"] <= 1
    _fits(page, width)
    page.screenshot(path=os.path.join(screenshot_dir, f"comment-form-{language}-{width}.png"), full_page=True)
    # when a comment is sent on the rice husk section
    page.select_option("#id_section", "rice_husk")
    page.fill("#id_body", "Rice husk ash from our boiler is over 18 % of the fuel: please give a typical range.")
    page.fill("#id_organisation", "Mekong Fibres")
    page.click("[data-testid=comment-form] button[type=submit]")
    # then the confirmation stands next to the form, and the comment is stored
    page.wait_for_selector("[data-testid=comment-received]")
    assert page.locator("[data-testid=comment-form]").is_visible()
    _fits(page, width)
    page.screenshot(path=os.path.join(screenshot_dir, f"comment-sent-{language}-{width}.png"), full_page=True)
    comment = Comment.objects.get()
    assert (comment.section.code, comment.organisation, comment.status) == ("rice_husk", "Mekong Fibres", "new")
    # and the author finds it from the home page
    login(page, live_server.url, "author")
    page.click(f"[data-queue=comments_to_read] a[href='/consultations/manage/{period.pk}/']")
    assert "Rice husk ash from our boiler" in page.locator(f"#comment-{comment.pk}").inner_text()
    _fits(page, width)
    page.screenshot(path=os.path.join(screenshot_dir, f"comment-author-{language}-{width}.png"), full_page=True)
