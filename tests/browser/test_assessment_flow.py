"""An assessment in a real browser: the facility's manager (English) starts the cycle, answers every question,
attaches the policy and submits; the programme's assessor (Vietnamese) adjusts one answer, verifies it on site and
reads the explained score, on a desktop and on a phone. Screenshots go to LOOMLIGHT_SCREENSHOTS (or a temporary
folder) to be looked at."""

from __future__ import annotations

import datetime
import os

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = datetime.date.today().year - 1


def test_answer_submit_verify_and_read_the_explained_score(live_server, world, browser, screenshot_dir, tmp_path):
    from loomlight.assessments.models import Assessment
    from loomlight.assessments.services import framework_publish
    from tests.assessments.conftest import MINI

    mini = framework_publish(text=MINI.read_text(encoding="utf-8"), file_name="mini.yaml")
    base = live_server.url
    errors = []

    # the manager, in English, at desktop width
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    shot = lambda name, p=page: p.screenshot(path=os.path.join(screenshot_dir, f"assessment-{name}.png"), full_page=True)  # noqa: E731
    login(page, base, "manager")
    page.goto(f"{base}/assessments/")
    page.select_option("[data-testid=assessment-start] select[name=framework]", str(mini.pk))
    page.select_option("[data-testid=assessment-start] select[name=subject]", f"facility:{world.own.pk}")
    page.fill("[data-testid=assessment-start] input[name=year]", str(YEAR))
    page.click("[data-testid=assessment-start] button[type=submit]")
    page.wait_for_selector("[data-testid=answer-form]")
    assessment = Assessment.objects.get(facility=world.own)
    form = page.locator("[data-testid=answer-form]")
    form.locator("input[name='q-ems.policy'][value=yes]").check()
    form.locator("input[name='q-ems.targets'][value=all]").check()
    form.locator("input[name='q-ems.target_year']").fill(f"{YEAR}-03-01")
    form.locator("input[name='q-ems.certified'][value=iso14001]").check()
    form.locator("input[name='q-water.metered'][value=yes]").check()
    form.locator("input[name='q-water.recycled']").fill("35")
    form.locator("[name='t-water.sources-0-source']").select_option("ground")
    form.locator("[name='t-water.sources-0-volume']").fill("1000")
    policy = tmp_path / "policy.pdf"
    policy.write_bytes(b"%PDF-1.4\n% the signed policy\n")
    form.locator("input[name='e-ems.policy']").set_input_files(str(policy))
    page.click("[data-testid=save-answers]")
    page.wait_for_selector("[data-testid=total]")
    # 97.5 %: hand-scored in tests/assessments/conftest.py
    assert "97.5 %" in page.locator("[data-testid=total]").inner_text()
    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=assessment-state]")
    assert "Submitted by manager" in page.locator("[data-testid=assessment-state]").inner_text()
    shot("submitted-en-1366")
    context.close()

    # the assessor, in Vietnamese: adjusts the recycled share to 20 %, verifies on site
    for width in (1366, 390):
        context = browser.new_context(locale="vi-VN", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        login(page, base, "assessor")
        page.goto(f"{base}/assessments/{assessment.pk}/")
        if width == 1366:
            review = page.locator("[data-testid='review-form-water.recycled']")
            review.locator("select[name=decision]").select_option("adjusted")
            review.locator("input[name=value]").fill("20")
            review.locator("input[name=comment]").fill("Sổ đồng hồ ghi 20 %")
            review.locator("button[type=submit]").click()
            page.wait_for_selector("[data-testid='review-water.recycled']")
            page.locator("[data-testid=verify-forms] select[name=mode]").select_option("on_site")
            page.click("[data-testid=verify]")
            page.wait_for_selector("[data-testid=reopen-form]")
        total = page.locator("[data-testid=total]").inner_text()
        # water (25 × 1 + 50 × 0.4 + 25 × 1) = 70 %; total (90 + 3 × 70) / 4 = 75 %, in Vietnamese "75,0 %"
        assert "75,0 %" in total
        points = page.locator("[data-testid='points-water.recycled']").inner_text()
        from django.utils import translation
        with translation.override("vi"):
            expected = translation.gettext("%(e)s of %(p)s points") % {"e": "4", "p": "10"}
        assert expected in points
        assert page.locator("html").get_attribute("lang") == "vi"
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1   # no sideways scrolling on a phone
        page.screenshot(path=os.path.join(screenshot_dir, f"assessment-verified-vi-{width}.png"), full_page=True)
        context.close()
    assessment.refresh_from_db()
    assert (assessment.status, assessment.verification_mode, round(assessment.percent, 6)) == ("verified", "on_site", 75.0)
    assert errors == []
