"""The API's wastewater limits: every set of limits that applies to an event, exceedances per facility and per
park, a facility's discharge facts (issue 15). The access matrix of the intake write is in test_data_writes."""

from __future__ import annotations

import datetime

from loomlight.wastewater import services
from tests.wastewater.test_discharge import AFTER, _event, _to_cetp


def test_the_api_gives_every_set_its_limits_and_the_exceedances(api, world):
    """Through the API as on the page: COD 450 mg/L from a tenant on 2025-10-07 against the plant's intake COD
    ≤ 400 mg/L (from 2025-09-01) and the permit's COD ≤ 500 mg/L."""
    _to_cetp(world)
    services.intake_limit_set(by=world.users["park_operator"], cetp=world.cetp, parameter="cod", limit_max="400",
                              unit="mg/L", valid_from=datetime.date(2025, 9, 1))
    permit = services.permit_save(by=world.users["manager"], facility=world.own, number="7/GP", issuing_body="DONRE",
                                  issued_on=datetime.date(2024, 1, 1))
    services.permit_limit_set(by=world.users["manager"], permit=permit, parameter="cod", limit_max="500", unit="mg/L")
    event = _event(world, AFTER, [("cod", "450", "mg/L")])
    body = api.get("manager", f"/facilities/{world.own.pk}/wastewater/events").json()["results"][0]
    intake, permit_key = f"intake:{world.cetp.pk}", f"permit:{permit.pk}"
    assert body["binding_overall"] == "fail"
    assert {s["key"]: s["overall"] for s in body["limit_sets"] if s["judged"]} == {
        permit_key: "pass", intake: "fail", "zdhc:foundational": None, "zdhc:progressive": None, "zdhc:aspirational": None}
    assert body["results"][0]["limits"][intake] == {"limit_min": None, "limit_max": 400.0, "unit": "mg/L", "outcome": "fail",
                                                     "stricter": False}
    found = api.get("manager", f"/facilities/{world.own.pk}/wastewater/exceedances").json()
    assert [(x["event_id"], x["parameter"], x["limit_set"], x["limit_max"]) for x in found] == [(event.pk, "cod", intake, 400.0)]
    park = api.get("admin", f"/parks/{world.park.pk}/wastewater/exceedances").json()
    assert [x["site"] for x in park] == ["Own Dyehouse"]
    facts = api.get("manager", f"/facilities/{world.own.pk}/wastewater/discharge").json()
    assert [r["route"] for r in facts["routes"]] == ["cetp"] and facts["permits"][0]["limits"][0]["limit_max"] == 500.0
    assert api.get("brand", f"/facilities/{world.own.pk}/wastewater/exceedances").status_code == 404   # no wastewater consent
    assert api.get("brand", f"/parks/{world.park.pk}/wastewater/exceedances").json() == []


def test_a_permit_and_its_limits_are_written_all_or_nothing(api, world):
    """One bad limit refuses the whole permit, naming limits.<index>.<field>; a good one is stored with its limits
    in the parameter's unit (zinc 500 µg/L is 0.5 mg/L)."""
    from loomlight.wastewater.models import DischargePermit

    path = f"/facilities/{world.own.pk}/wastewater/permits"
    body = {"number": "12/GP", "issuing_body": "DONRE", "issued_on": "2024-02-01",
            "limits": [{"parameter": "cod", "limit_max": 100, "unit": "mg/L"}, {"parameter": "ph", "limit_min": 9, "limit_max": 6, "unit": "pH"}]}
    refused = api.post("manager", path, body)
    assert (refused.status_code, refused.json()["error"]["fields"]) == (422, {"limits.1.limit_min": ["The minimum is above the maximum."]})
    assert not DischargePermit.objects.exists()
    twice = api.post("manager", path, {**body, "limits": [body["limits"][0], body["limits"][0]]})
    assert twice.json()["error"]["fields"] == {"limits.1.parameter": ["This parameter is already in an earlier limit."]}
    body["limits"] = [{"parameter": "zinc", "limit_max": 500, "unit": "µg/L"}]
    created = api.post("manager", path, body)
    assert created.status_code == 201 and created.json()["limits"] == [
        {"parameter": "zinc", "limit_min": None, "limit_max": 0.5, "unit": "mg/L"}]
    route = api.post("manager", f"/facilities/{world.own.pk}/wastewater/discharge",
                     {"valid_from": "2024-01-01", "route": "cetp", "cetp": 987654})
    assert route.json()["error"]["fields"] == {"cetp": ["Unknown id: 987654."]}
