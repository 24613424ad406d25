"""Who sees which biomass sourcing, in the list, the facility's page, a stream, a screening, the portfolio and
the API: the facility's manager (its owner), another facility's manager, a brand without a biomass consent, with
one naming biomass, with biomass and environmental, the programme admin, the park operator, an anonymous visitor."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from loomlight.biomass import access, services
from loomlight.registry.models import Consent

SUPPLIER = "Mekong Husk Trading"
NOTE = "pays collectors in cash"


@pytest.fixture
def sourced(world, stream):
    """The fixture stream (Own Dyehouse), a note on its supplier, a completed screening, 2024's rice husk."""
    from loomlight.reporting.services import activity_value_set

    manager = world.users["manager"]
    services.supplier_update(by=manager, supplier=stream.supplier, data={"notes": NOTE})
    screening = services.screening_complete(by=manager, screening=services.screening_start(by=manager, stream=stream),
                                            screened_on=datetime.date(2025, 1, 15))
    for month in range(1, 13):
        activity_value_set(by=manager, facility=world.own, period=datetime.date(2024, month, 1), metric="biomass_rice_husk",
                           value=100, unit="tonne")
    return {"stream": stream, "screening": screening}


def _consent(world, kinds):
    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=["profile", *kinds])


#: who, the brand's consent, what they see: streams and screenings, the tonnes, who screened and the notes
CASES = [
    ("manager", None, True, True, True),
    ("data_entry", None, True, True, True),
    ("admin", None, True, True, True),
    ("assessor", None, True, True, True),
    ("neighbour_manager", None, False, False, False),
    ("park_operator", None, False, False, False),
    ("brand", ["environmental"], False, False, False),
    ("brand", ["biomass"], True, False, False),
    ("brand", ["biomass", "environmental"], True, True, False),
    ("financier", None, False, False, False),
    ("nobody", None, False, False, False),
]


@pytest.mark.parametrize("who, kinds, reads, tonnes, internal", CASES,
                         ids=[f"{c[0]}-{'+'.join(c[1]) if c[1] else 'own'}" for c in CASES])
def test_each_reader_sees_exactly_what_it_should(client, world, sourced, who, kinds, reads, tonnes, internal):
    if kinds is not None:
        _consent(world, kinds)
    client.force_login(world.users[who])
    stream, screening = sourced["stream"], sourced["screening"]
    pages = {
        "facility": client.get(reverse("biomass:facility", args=[world.own.pk])),
        "stream": client.get(reverse("biomass:stream", args=[stream.pk])),
        "screening": client.get(reverse("biomass:screening", args=[screening.pk])),
    }
    assert {name: r.status_code for name, r in pages.items()} == dict.fromkeys(pages, 200 if reads else 404)
    home = client.get(reverse("biomass:home")).content.decode()
    portfolio = client.get(reverse("biomass:portfolio")).content.decode()
    assert (reverse("biomass:facility", args=[world.own.pk]) in home) is reads
    assert (SUPPLIER in portfolio) is reads
    api_list = client.get("/api/v1/biomass/streams").json()
    assert [s["id"] for s in api_list["results"]] == ([stream.pk] if reads else [])
    api_detail = client.get(f"/api/v1/biomass/streams/{stream.pk}")
    api_supply = client.get(f"/api/v1/facilities/{world.own.pk}/biomass/supply")
    assert (api_detail.status_code, api_supply.status_code) == ((200, 200) if reads else (404, 404))
    if not reads:
        assert SUPPLIER not in pages["facility"].content.decode()
        return
    facility = pages["facility"].content.decode()
    assert ('data-column="biomass_tonnes"' in facility) is tonnes
    assert (api_supply.json()["tonnes_total"] == pytest.approx(1200)) if tonnes else api_supply.json()["tonnes_total"] is None
    assert (NOTE in facility) is internal
    assert (api_detail.json()["supplier"]["notes"] == NOTE) if internal else api_detail.json()["supplier"]["notes"] is None
    assert (api_detail.json()["screenings"][0]["by"] == "manager") if internal else api_detail.json()["screenings"][0]["by"] is None


def test_an_anonymous_visitor_is_sent_to_log_in_and_the_api_refuses(client, world, sourced):
    response = client.get(reverse("biomass:facility", args=[world.own.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get("/api/v1/biomass/streams").status_code == 401


@pytest.mark.parametrize("who, link", [("manager", True), ("admin", True), ("park_operator", False), ("brand", False)])
def test_the_facility_page_links_biomass_sourcing_only_for_who_may_open_it(client, world, who, link):
    client.force_login(world.users[who])
    page = client.get(reverse("registry:facility", args=[world.own.pk])).content.decode()
    assert (reverse("biomass:facility", args=[world.own.pk]) in page) is link


@pytest.mark.parametrize("who, write, complete", [
    ("manager", True, True), ("data_entry", True, False), ("admin", True, True), ("assessor", False, False),
    ("brand", False, False), ("park_operator", False, False)])
def test_who_writes_and_completes(world, who, write, complete):
    _consent(world, ["biomass"])
    user = world.users[who]
    assert (access.can_write(user, world.own), access.can_complete(user, world.own)) == (write, complete)


def test_write_pages_refuse_a_reader_and_hide_from_an_outsider(client, world, sourced):
    _consent(world, ["biomass"])
    stream = sourced["stream"]
    client.force_login(world.users["brand"])
    assert client.get(reverse("biomass:stream_new", args=[world.own.pk])).status_code == 403
    assert client.post(reverse("biomass:screening_new", args=[stream.pk])).status_code == 403
    stream_page = client.get(reverse("biomass:stream", args=[stream.pk])).content.decode()
    assert reverse("biomass:screening_new", args=[stream.pk]) not in stream_page
    client.force_login(world.users["neighbour_manager"])
    assert client.get(reverse("biomass:stream_new", args=[world.own.pk])).status_code == 404
    assert client.post(reverse("biomass:screening_new", args=[stream.pk])).status_code == 404
    assert stream.screenings.count() == 1
