"""Wastewater results and chemical inventories through the API: read by data kind, consent decides for brands."""

from __future__ import annotations

import datetime

import pytest

from loomlight.chemicals import services as chemicals
from loomlight.registry.models import Consent
from loomlight.wastewater import services as wastewater


@pytest.fixture
def lab(world):
    event = wastewater.sampling_event_create(by=world.users["data_entry"], facility=world.own, sampled_on=datetime.date(2025, 6, 12),
                                             sampling_point="discharge", discharge_type="direct", laboratory="Lab A")
    wastewater.lab_result_set(by=world.users["data_entry"], event=event, parameter="cod", value="120", unit="mg/L")
    wastewater.lab_result_set(by=world.users["data_entry"], event=event, parameter="cadmium", value="", unit="mg/L",
                              below_detection_limit=True, detection_limit="0.01")
    return event


@pytest.fixture
def chemical(world):
    product = chemicals.chemical_product_save(by=world.users["data_entry"], facility=world.own, data={
        "name": "Reactive Red 195", "supplier": "ChemCo", "mrsl_level": 2, "declaration_reference": "GW-123",
        "declaration_valid_until": datetime.date(2026, 1, 31)})
    salt = chemicals.chemical_product_save(by=world.users["data_entry"], facility=world.own, data={
        "name": "Salt", "supplier": "SaltCo", "mrsl_level": 0})
    chemicals.chemical_use_set(by=world.users["data_entry"], product=product, period=datetime.date(2025, 5, 1), value="0.6", unit="t")
    chemicals.chemical_use_set(by=world.users["data_entry"], product=salt, period=datetime.date(2025, 5, 1), value=400, unit="kg")
    return product


def test_events_with_results_and_compliance_per_level(api, world, lab):
    body = api.get("manager", f"/facilities/{world.own.pk}/wastewater/events").json()
    assert body["count"] == 1
    event = body["results"][0]
    assert (event["sampling_point"], event["standard_version"]) == ("discharge", "2.2")
    results = {r["parameter"]: r for r in event["results"]}
    # COD 120 mg/L: meets foundational 150, exceeds progressive 80 (ZDHC WWG V2.2, Table 3)
    assert results["cod"]["outcomes"]["foundational"] == "pass"
    assert results["cod"]["outcomes"]["progressive"] == "fail"
    assert results["cadmium"]["value"] is None and results["cadmium"]["below_detection_limit"] is True
    assert event["overall"]["progressive"] == "fail"


def test_inventory_share_by_mass(api, world, chemical):
    body = api.get("manager", f"/facilities/{world.own.pk}/chemicals", year=2025).json()
    assert body["total_kg"] == pytest.approx(1000.0)
    # 600 kg declared (valid until 2026-01-31) of 1,000 kg used: 60 %
    assert body["conformant_share"] == pytest.approx(0.6)
    assert {p["product"]: p["declaration"] for p in body["products"]} == {"Reactive Red 195": "valid", "Salt": "none"}


@pytest.mark.parametrize("path", ["/facilities/{pk}/wastewater/events", "/facilities/{pk}/chemicals?year=2025"])
def test_who_may_read(api, world, lab, chemical, path):
    url, _sep, query = path.format(pk=world.own.pk).partition("?")
    params = dict([query.split("=")]) if query else {}
    for who in ("manager", "data_entry", "admin", "assessor", "group_manager"):
        assert api.get(who, url, **params).status_code == 200, who
    # the brand's consent names profile and environmental data only: no lab results, no chemicals
    for who in ("brand", "other_brand", "park_operator", "neighbour_manager", "financier", "nobody"):
        assert api.get(who, url, **params).status_code == 404, who
    assert api.get(None, url, **params).status_code == 401
    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=["profile", "environmental", "wastewater", "chemicals"])
    assert api.get("brand", url, **params).status_code == 200
