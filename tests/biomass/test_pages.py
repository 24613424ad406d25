"""The biomass pages: the facility's supply (the weighted rating and what needs attention first), adding a
supplier, a stream and a step (a bad field named, nothing stored), a stream's chain with each step's typical
risks, a screening from start to result, and the portfolio."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from loomlight.biomass import services
from loomlight.biomass.models import ChainStep, Screening, Supplier, SupplyStream
from loomlight.reference.biomass import risks
from loomlight.registry.models import Consent


def _page(response) -> str:
    return response.content.decode()


def test_an_empty_facility_offers_to_add_a_stream_first(client, world):
    client.force_login(world.users["manager"])
    page = _page(client.get(reverse("biomass:facility", args=[world.own.pk])))
    assert 'data-testid="no-streams"' in page and 'data-testid="add-actions"' in page
    assert page.index('data-testid="supply-summary"') < page.index('data-testid="add-actions"')


def test_a_supplier_a_stream_and_a_step_are_added_through_the_pages(client, world):
    client.force_login(world.users["data_entry"])
    response = client.post(reverse("biomass:supplier_new", args=[world.own.pk]),
                           {"name": "Husk Co", "role": "trader", "country": "vn", "province": "An Giang"})
    assert response.status_code == 302
    supplier = Supplier.objects.get()
    assert (supplier.name, supplier.country) == ("Husk Co", "VN")
    response = client.post(reverse("biomass:stream_new", args=[world.own.pk]),
                           {"supplier": str(supplier.pk), "biomass_type": "rice_husk", "metric": "", "share": ""})
    stream = SupplyStream.objects.get()
    assert response["Location"] == reverse("biomass:stream", args=[stream.pk]) and stream.metric == "biomass_rice_husk"
    response = client.post(reverse("biomass:step_add", args=[stream.pk]),
                           {"role": "producer", "name": "Long Xuyen mill", "distance_km": "120", "mode": "road", "known": "1"})
    assert response.status_code == 302 and ChainStep.objects.get().known is True


def test_a_bad_field_is_named_and_nothing_is_stored(client, world):
    client.force_login(world.users["manager"])
    response = client.post(reverse("biomass:supplier_new", args=[world.own.pk]), {"name": "Husk Co", "country": "XX"})
    assert response.status_code == 400 and "Give a two-letter country code" in _page(response)
    assert Supplier.objects.count() == 0
    supplier = services.supplier_create(by=world.users["manager"], facility=world.own, data={"name": "Husk Co"})
    stream = services.stream_create(by=world.users["manager"], facility=world.own, data={"supplier": supplier, "biomass_type": "rice_husk"})
    response = client.post(reverse("biomass:step_add", args=[stream.pk]), {"role": "producer", "distance_km": "far"})
    assert response.status_code == 400 and "Give the distance in km as a number." in _page(response)
    assert ChainStep.objects.count() == 0


def test_the_stream_page_shows_the_chain_in_a_row_with_known_unknown_and_typical_risks(client, world, stream):
    client.force_login(world.users["manager"])
    page = _page(client.get(reverse("biomass:stream", args=[stream.pk])))
    known = re.findall(r'data-step="\d+" data-known="(yes|no)"', page)
    assert known == ["yes", "no", "yes"]
    # the producer shows the catalogue's origin risk of rice husk, the factory its combustion risk
    by_stage = {r.stage: r.text["en"] for r in risks("rice_husk")}
    chain_html = page[page.index('data-testid="chain"'):]
    assert by_stage["origin"][:40] in chain_html and by_stage["combustion"][:40] in chain_html
    assert "Known 1 step back from the origin" in page and "200 km" in page


def test_a_screening_from_start_to_result(client, world, stream):
    """The manager starts a screening (the chain's answers marked, the labour questions flagged unknown), saves
    a draft, completes it; the result shows each criterion, the mitigations and what to ask the supplier."""
    client.force_login(world.users["manager"])
    response = client.post(reverse("biomass:screening_new", args=[stream.pk]))
    screening = Screening.objects.get()
    assert response["Location"] == reverse("biomass:screening_edit", args=[screening.pk])
    form = _page(client.get(response["Location"]))
    assert form.count('data-testid="from-chain"') == 4 and form.count('data-testid="chain-unknown"') == 2
    response = client.post(reverse("biomass:screening_edit", args=[screening.pk]),
                           {"action": "save", "q-origin.chain_known": "first_collector", "q-transport.distance": "abc"})
    assert response.status_code == 400
    screening.refresh_from_db()
    assert screening.answers["origin.chain_known"] == "own_supplier_only"   # nothing saved
    client.post(reverse("biomass:screening_edit", args=[screening.pk]),
                {"action": "save", "q-origin.chain_known": "first_collector"})
    response = client.post(reverse("biomass:screening_edit", args=[screening.pk]),
                           {"action": "complete", "screened_on": "2025-06-01"})
    assert response["Location"] == reverse("biomass:screening", args=[screening.pk])
    result = _page(client.get(response["Location"]))
    assert 'data-testid="overall"' in result and 'data-rating="unknown"' in result[result.index('data-testid="overall"'):][:400]
    missing = re.findall(r'<li data-question="([^"]+)">', result[result.index('data-testid="missing"'):])
    assert missing[:3] == ["labour.child_forced", "labour.safety", "certification.scheme"]
    assert "Consider barge or rail." in result


def test_data_entry_saves_answers_but_cannot_complete(client, world, stream):
    client.force_login(world.users["data_entry"])
    client.post(reverse("biomass:screening_new", args=[stream.pk]))
    screening = Screening.objects.get()
    form = _page(client.get(reverse("biomass:screening_edit", args=[screening.pk])))
    assert 'data-testid="complete"' not in form
    response = client.post(reverse("biomass:screening_edit", args=[screening.pk]),
                           {"action": "complete", "q-labour.safety": "managed"})
    assert response.status_code == 403
    screening.refresh_from_db()
    assert screening.status == "draft" and "labour.safety" not in screening.answers


@pytest.fixture
def weighted(world, stream):
    from loomlight.reporting.services import activity_value_set

    manager = world.users["manager"]
    services.screening_complete(by=manager, screening=services.screening_start(by=manager, stream=stream),
                                screened_on=datetime.date(2025, 1, 15))
    for month in range(1, 13):
        activity_value_set(by=manager, facility=world.own, period=datetime.date(2024, month, 1), metric="biomass_rice_husk",
                           value=100, unit="tonne")
    return stream


def test_the_facility_page_leads_with_the_weighted_rating_and_the_streams_needing_attention(client, world, weighted):
    client.force_login(world.users["manager"])
    page = _page(client.get(reverse("biomass:facility", args=[world.own.pk])))
    headline = page[page.index('data-testid="headline"'):]
    assert 'data-rating="high"' in headline[:300] and "100 %" in headline[:600]
    assert page.index('data-testid="headline"') < page.index('data-testid="attention"') < page.index('data-testid="streams"')
    assert "Weighted by the tonnes delivered in 2024" in page


def test_the_portfolio_highlights_high_risk_and_withholds_small_totals_from_a_brand(client, world, weighted):
    client.force_login(world.users["admin"])
    page = _page(client.get(reverse("biomass:portfolio")))
    assert 'data-testid="totals"' in page and 'data-testid="attention"' in page and 'data-rating="high"' in page
    from loomlight.registry.models import Consent

    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=["profile", "biomass"])
    client.force_login(world.users["brand"])
    page = _page(client.get(reverse("biomass:portfolio")))
    assert 'data-testid="withheld"' in page and 'data-testid="totals"' not in page and "Mekong Husk Trading" in page
    assert 'data-column="biomass_tonnes"' not in page


def test_odd_ids_and_filters_are_not_server_errors(client, world, stream):
    client.force_login(world.users["manager"])
    assert client.get(reverse("biomass:portfolio"), {"programme": "9" * 30, "country": "v1", "rating": "bad"}).status_code == 200
    response = client.post(reverse("biomass:stream_new", args=[world.own.pk]), {"supplier": "9" * 30, "biomass_type": "rice_husk"})
    assert response.status_code == 400 and "Choose a supplier of this facility." in _page(response)
    response = client.post(reverse("biomass:step_add", args=[stream.pk]), {"role": "trader", "position": "9" * 30})
    assert response.status_code == 400 and "Give a position from 1 to 4." in _page(response) and stream.steps.count() == 3


def test_a_screening_of_a_framework_version_no_longer_shipped_is_shown_not_a_server_error(client, world, stream):
    manager = world.users["manager"]
    draft = services.screening_start(by=manager, stream=stream)
    Screening.objects.filter(pk=draft.pk).update(framework_hash="0" * 64)
    client.force_login(manager)
    response = client.get(reverse("biomass:screening_edit", args=[draft.pk]))
    assert response["Location"] == reverse("biomass:stream", args=[stream.pk])
    assert "has changed: start a new screening" in _page(client.get(response["Location"]))
    client.force_login(world.users["assessor"])   # a reader sees the draft, unrated
    assert client.get(reverse("biomass:screening", args=[draft.pk])).status_code == 200


def test_the_audit_trail_lists_a_streams_screenings_for_the_facilitys_manager(client, world, stream):
    """Every change of a screening is in the audit trail, filed under the facility; the brand reads none of it."""
    manager = world.users["manager"]
    screening = services.screening_start(by=manager, stream=stream)
    services.screening_answer(by=manager, screening=screening, answers={"labour.safety": "partly"})
    client.force_login(manager)
    page = _page(client.get(reverse("audit:list"), {"kind": "biomass.screening"}))
    entries = page[page.index('class="audit-entries"'):]
    assert entries.count('class="audit-head"') == 2 and entries.count("biomass_screening") >= 1
    assert "Biomass screenings" in page and screening.framework_hash not in page
    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=["profile", "biomass"])
    client.force_login(world.users["brand"])
    response = client.get(reverse("audit:list"), {"kind": "biomass.screening"})
    assert response.status_code in (200, 403, 404) and 'class="audit-head"' not in _page(response)
