"""A screening through the API, from start to rating: the chain's answers, a bad answer named by its question
with nothing stored, the completion by the engine; and the stream's chain and supply as the API gives them."""

from __future__ import annotations

from loomlight.biomass.models import Screening
from tests.api.conftest import api  # noqa: F401 (the api fixture)


def test_a_screening_from_start_to_rating_through_the_api(api, world, stream):  # noqa: F811
    response = api.post("manager", f"/biomass/streams/{stream.pk}/screenings")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["answers"]["origin.chain_known"] == "own_supplier_only"
    assert sorted(body["from_chain"]) == ["feedstock.transport_mode", "origin.chain_known", "origin.intermediaries",
                                          "transport.distance"]
    sid = body["id"]
    bad = api.patch("manager", f"/biomass/screenings/{sid}", {"answers": {"labour.safety": "managed", "labour.child_forced": "maybe"}})
    assert bad.status_code == 422 and set(bad.json()["error"]["fields"]) == {"labour.child_forced"}
    assert "labour.safety" not in Screening.objects.get(pk=sid).answers
    ok = api.patch("manager", f"/biomass/screenings/{sid}", {"answers": {
        "origin.chain_known": "primary_producer", "labour.safety": "managed", "labour.child_forced": "none_audited",
        "certification.scheme": "fsc", "transport.distance": 80, "feedstock.transport_mode": "barge"}})
    assert ok.status_code == 200 and ok.json()["from_chain"] == ["origin.intermediaries"]
    done = api.post("manager", f"/biomass/screenings/{sid}/complete", {"screened_on": "2025-05-02"})
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["overall"], done.json()["screened_on"]) == ("completed", "low", "2025-05-02")
    assert done.json()["result"]["missing"] == [] and done.json()["by"] == "manager"
    again = api.patch("manager", f"/biomass/screenings/{sid}", {"answers": {"labour.safety": "none"}})
    assert again.status_code == 422 and set(again.json()["error"]["fields"]) == {"status"}


def test_the_stream_its_chain_and_the_supply_through_the_api(api, world, stream):  # noqa: F811
    detail = api.get("manager", f"/biomass/streams/{stream.pk}").json()
    assert [(s["position"], s["role"], s["known"]) for s in detail["chain"]] == [(1, "producer", True), (2, "collector", False), (3, "trader", True)]
    assert detail["rollup"] == {"steps": 3, "known_steps": 1, "fully_known": False, "distance_km": 200.0, "mode": "road",
                                "unknown_roles": ["collector"], "reach": "own_supplier_only", "intermediaries": 2,
                                "mode_choice": "mixed"}
    assert detail["latest_rating"] == "not_screened" and detail["screenings"] == []
    chain = api.get("manager", f"/biomass/streams/{stream.pk}/chain").json()
    assert [s["distance_km"] for s in chain] == [120.0, 30.0, 50.0]
    supply = api.get("manager", f"/facilities/{world.own.pk}/biomass/supply").json()
    assert (supply["period_reason"], supply["tonnes_total"], supply["streams"][0]["rating"]) == ("none", None, "not_screened")
