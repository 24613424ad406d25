"""A biomass screening in a real browser (issue 19, point 2): the facility's manager goes from the facility page to its
biomass sourcing, opens a rice-husk stream whose chain is recorded, starts a screening (the chain answers its
questions), answers the rest, completes it and reads every criterion's rating and the overall rating with the
reasoning and the mitigation. At 1366 px; screenshots of the form and the result (LOOMLIGHT_SCREENSHOTS, or a
temporary folder)."""

from __future__ import annotations

import os

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: The answers typed in the form: a rice mill's husk, every risk low but no certification (medium, with its
#: mitigation); the chain answers its own four questions (how far back, intermediaries, mode, distance).
ANSWERS = {
    "feedstock.type": "rice_husk", "feedstock.category": "agro_industrial_residue", "legality.licence": "yes",
    "legality.land_rights": "residue_of_own_site", "deforestation.converted": "no_existing_use",
    "biodiversity.protected_area": "outside", "competing.uses": ["none"], "certification.scheme": "none",
    "labour.child_forced": "none_audited", "labour.safety": "managed", "community.grievance": "yes",
    "community.impacts": "none", "storage.cover": "roofed", "storage.fire": "yes",
    "combustion.dust_control": "bag_filter_esp", "combustion.stack_test": "within_limit", "combustion.contaminated": "no",
}


def _stream(world):
    from loomlight.biomass import services

    manager = world.users["manager"]
    supplier = services.supplier_create(by=manager, facility=world.own, data={"name": "Binh Duong Rice Mill", "role": "producer"})
    stream = services.stream_create(by=manager, facility=world.own, data={"supplier": supplier, "biomass_type": "rice_husk"})
    services.step_add(by=manager, stream=stream, data={"role": "producer", "name": "Binh Duong Rice Mill", "known": True,
                                                       "distance_km": 28, "mode": "road"})
    services.step_add(by=manager, stream=stream, data={"role": "trader", "name": "Husk Traders", "known": True,
                                                       "distance_km": 8, "mode": "road"})
    return stream


def test_the_manager_screens_a_stream_and_reads_its_ratings(live_server, world, browser, screenshot_dir):
    from loomlight.biomass.models import Screening, ScreeningStatus

    stream = _stream(world)
    base, errors = live_server.url, []
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
    login(page, base, "manager")

    # the facility page → its biomass sourcing → the stream → start a screening
    page.goto(f"{base}/registry/facilities/{world.own.pk}/")
    page.click("a:has-text('Biomass sourcing')")
    page.click(f"[data-stream='{stream.pk}'] a")
    page.click("[data-testid=start-screening] button[type=submit]")
    form = page.locator("[data-testid=screening-form]")
    form.wait_for()
    # the chain answered its questions: 2 known steps, 28 + 8 km by truck
    assert form.locator("[name='q-origin.chain_known']").input_value() == "primary_producer"
    assert form.locator("[name='q-transport.distance']").input_value() in ("36", "36.0")
    assert form.locator("[data-testid=from-chain]").count() == 4
    for qid, value in ANSWERS.items():
        if isinstance(value, list):
            for code in value:
                form.locator(f"input[name='q-{qid}'][value='{code}']").check()
        else:
            form.locator(f"[name='q-{qid}']").select_option(value)
    page.screenshot(path=os.path.join(screenshot_dir, "biomass-screening-form.png"), full_page=True)
    page.click("[data-testid=complete]")
    page.wait_for_selector("[data-testid=overall]")

    # then the result: completed, rated by the engine; every criterion rated, the reason and the mitigation shown
    screening = Screening.objects.get(stream=stream)
    assert screening.status == ScreeningStatus.COMPLETED and screening.overall == "medium"
    assert page.url.endswith(f"/biomass/screenings/{screening.pk}/")
    assert "Medium" in page.locator("[data-testid=overall]").inner_text()
    criteria = page.locator("section[data-criterion]")
    assert criteria.count() == len(screening.result["criteria"]) >= 8
    certification = page.locator("section[data-criterion=certification]")
    assert "Medium" in certification.locator("h3").inner_text()
    scheme = certification.locator("li[data-question='certification.scheme']")
    assert scheme.locator("small").inner_text().strip()                   # the reasoning
    assert scheme.locator("[data-testid=mitigation]").inner_text().strip()  # what to do
    assert "Low" in page.locator("section[data-criterion=origin] h3").inner_text()
    assert page.locator("[data-testid=missing]").count() == 0             # nothing left to ask
    page.screenshot(path=os.path.join(screenshot_dir, "biomass-screening-result.png"), full_page=True)
    assert errors == []
    context.close()
