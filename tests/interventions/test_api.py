"""/api/v1/cases, its pipeline and curve, and /api/v1/interventions: who reads what (owner, a colleague of another
facility, a brand without and with consent, a financier with and without sharing, anonymous), the financier's
view without usernames or notes, and refusals in the error envelope with nothing changed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from loomlight.interventions.models import BusinessCase, StageChange
from loomlight.reference.interventions import interventions
from loomlight.registry.models import Consent
from tests.api.conftest import NOT_FOUND, UNAUTHENTICATED, api  # noqa: F401 (the api fixture)

CASE_KINDS = ["profile", "business_cases", "environmental", "ghg"]


def _case(subject, title, stage="idea", shared=False, by=None, **fields):
    kind = "park" if subject.__class__.__name__ == "IndustrialPark" else "facility"
    return BusinessCase.objects.create(intervention="rooftop_solar_pv", title=title, stage=stage, shared_with_financiers=shared,
                                       created_by=by, document={"country": subject.country},
                                       result={"npv": 1200.5, "irr": 0.18, "eac": -300.0, "tco2e_per_year": 12.0,
                                               "savings_per_year": 900.0, "abatement_cost_per_tco2e": -25.0},
                                       **{kind: subject}, **fields)


@pytest.fixture
def cases(world):
    manager = world.users["manager"]
    shared = _case(world.own, "Rooftop solar 200 kWp", "financed", shared=True, by=manager, financier=world.financier,
                   instrument="green_loan", amount=Decimal("150000.00"))
    StageChange.objects.create(case=shared, from_stage="seeking_finance", to_stage="financed", by=manager,
                               note="Internal: the board approved on condition of a second quote.",
                               financier=world.financier, instrument="green_loan", amount=Decimal("150000.00"))
    return {"shared": shared, "private": _case(world.own, "Boiler economiser", "seeking_finance", by=manager),
            "neighbour": _case(world.neighbour, "LED lighting", "idea", by=world.users["neighbour_manager"])}


def _titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


def test_who_lists_which_cases(api, world, cases):
    assert _titles(api.get("manager", "/cases")) == {"Rooftop solar 200 kWp", "Boiler economiser"}
    assert _titles(api.get("neighbour_manager", "/cases")) == {"LED lighting"}
    assert _titles(api.get("admin", "/cases")) == {"Rooftop solar 200 kWp", "Boiler economiser", "LED lighting"}
    assert _titles(api.get("brand", "/cases")) == set()          # its consent names profile and environmental data only
    assert _titles(api.get("financier", "/cases")) == set()      # shared, but no consent
    assert _titles(api.get("nobody", "/cases")) == set()
    assert api.get(None, "/cases").json() == UNAUTHENTICATED


def test_a_brand_with_consent_reads_the_facility_s_cases_without_who_or_notes(api, world, cases):
    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=CASE_KINDS)
    assert _titles(api.get("brand", "/cases")) == {"Rooftop solar 200 kWp", "Boiler economiser"}
    detail = api.get("brand", f"/cases/{cases['shared'].pk}").json()
    assert detail["created_by"] is None
    assert [(s["to_stage"], s["note"], s["by"]) for s in detail["stages"]] == [("financed", None, None)]
    assert api.get("brand", f"/cases/{cases['neighbour'].pk}").json() == NOT_FOUND


def test_a_financier_reads_only_the_shared_case_with_a_consent(api, world, cases):
    Consent.objects.create(facility=world.own, grantee=world.financier, data_kinds=CASE_KINDS,
                           valid_from=datetime.date(2020, 1, 1), granted_by=world.users["manager"])
    assert _titles(api.get("financier", "/cases")) == {"Rooftop solar 200 kWp"}
    detail = api.get("financier", f"/cases/{cases['shared'].pk}").json()
    assert (detail["stage"], detail["amount"], detail["currency"], detail["instrument"], detail["financier"]) == (
        "financed", "150000.00", "USD", "green_loan", {"id": world.financier.pk, "name": "Green Finance Bank"})
    assert detail["figures"]["npv"] == 1200.5 and detail["figures"]["tco2e_per_year"] == 12.0
    assert detail["figures"]["levelised_cost"] is None            # not in the result: null, never 0
    assert (detail["created_by"], detail["stages"][0]["note"], detail["stages"][0]["by"]) == (None, None, None)
    assert api.get("financier", f"/cases/{cases['private'].pk}").json() == NOT_FOUND


def test_the_owner_reads_who_and_the_notes(api, world, cases):
    detail = api.get("manager", f"/cases/{cases['shared'].pk}").json()
    assert detail["created_by"] == "manager"
    assert [(s["note"], s["by"]) for s in detail["stages"]] == [("Internal: the board approved on condition of a second quote.", "manager")]
    assert detail["subject"] == {"type": "facility", "id": world.own.pk, "name": "Own Dyehouse", "country": "VN"}
    # a colleague of another facility: as if it did not exist
    assert api.get("neighbour_manager", f"/cases/{cases['shared'].pk}").json() == NOT_FOUND


def test_filters(api, world, cases):
    assert _titles(api.get("admin", "/cases", stage="financed")) == {"Rooftop solar 200 kWp"}
    assert _titles(api.get("admin", "/cases", facility=world.neighbour.pk)) == {"LED lighting"}
    assert _titles(api.get("admin", "/cases", park=world.park.pk)) == {"Rooftop solar 200 kWp", "Boiler economiser", "LED lighting"}
    response = api.get("admin", "/cases", stage="done")
    assert response.status_code == 422 and set(response.json()["error"]["fields"]) == {"stage"}


def test_the_pipeline(api, world, cases):
    body = api.get("admin", "/cases/pipeline").json()
    stages = {s["stage"]: (s["count"], s["amount"]) for s in body["stages"]}
    assert stages == {"idea": (1, {}), "feasibility": (0, {}), "seeking_finance": (1, {}), "financed": (1, {"USD": "150000.00"}),
                      "implemented": (0, {}), "verified": (0, {})}
    own = next(g for g in body["groups"] if g["scope"] == "facility" and g["name"] == "Own Dyehouse")
    # investment mobilised: the financed case's 150,000; expected savings 900 + 900 a year; nothing measured
    assert (own["cases"], own["investment_mobilised"], own["savings_expected_per_year"], own["savings_measured"]) == (
        2, "150000.00", 1800.0, "0")
    park = next(g for g in body["groups"] if g["scope"] == "park")
    assert (park["name"], park["cases"], park["facility_count"], park["savings_expected_per_year"]) == ("Green Park", 3, 2, 2700.0)
    # the brand, through consent from one facility: the facility's figures, no park or country group (fewer than 3)
    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=CASE_KINDS)
    brand = api.get("brand", "/cases/pipeline").json()
    assert [(g["scope"], g["name"]) for g in brand["groups"]] == [("facility", "Own Dyehouse")]
    assert brand["withheld"] == 2


def test_the_curve(api, world, cases):
    body = api.get("manager", "/cases/curve", scope="facility", id=str(world.own.pk)).json()
    # two bars of 12 t CO2e a year each at −300 USD/year: −25 USD/t, no regret
    assert [(b["label"], b["tco2e_per_year"], b["cost_per_tco2e"], b["no_regret"]) for b in body["bars"]] == [
        ("Rooftop solar 200 kWp", 12.0, -25.0, True), ("Boiler economiser", 12.0, -25.0, True)]
    assert (body["total_tco2e_per_year"], body["no_regret_share"], body["left_out"]) == (24.0, 1.0, [])
    assert api.get("brand", "/cases/curve", scope="country", id="VN").json()["bars"] == []
    for query, field in (({"scope": "facility", "id": "x"}, "id"), ({"scope": "country", "id": "Viet"}, "id"),
                         ({"scope": "planet", "id": "1"}, "scope")):
        response = api.get("manager", "/cases/curve", **query)
        assert response.status_code == 422 and field in response.json()["error"]["fields"], query


def test_the_catalogue(api, world):
    rows = api.get("nobody", "/interventions").json()
    assert [r["code"] for r in rows] == list(interventions())
    led = next(r for r in rows if r["code"] == "led_lighting")
    assert (led["category"], led["metrics"], led["saving_typical"]) == ("efficiency", ["electricity_grid"], None)


def _rows():
    return list(BusinessCase.objects.order_by("pk").values()), list(StageChange.objects.order_by("pk").values())


def test_refusals_are_named_and_change_nothing(api, world, cases):
    before = _rows()
    # an unknown field
    response = api.patch("manager", f"/cases/{cases['private'].pk}", {"titel": "x"})
    assert response.status_code == 422 and "titel" in response.json()["error"]["fields"]
    # skipping a stage
    response = api.post("manager", f"/cases/{cases['neighbour'].pk}/stage", {"stage": "financed"})
    assert response.status_code == 404     # not the manager's
    response = api.post("neighbour_manager", f"/cases/{cases['neighbour'].pk}/stage", {"stage": "financed"})
    assert response.status_code == 422 and set(response.json()["error"]["fields"]) == {"stage"}
    # verified only through measured savings
    response = api.post("manager", f"/cases/{cases['private'].pk}/stage", {"stage": "verified"})
    assert response.status_code == 422 and set(response.json()["error"]["fields"]) == {"stage"}
    # a financier that is not one
    response = api.post("manager", f"/cases/{cases['private'].pk}/stage", {"stage": "financed", "financier": world.brand.pk,
                                                                           "amount": 10})
    assert response.status_code == 422 and set(response.json()["error"]["fields"]) == {"financier"}
    # a financed case is not deleted
    response = api.delete("manager", f"/cases/{cases['shared'].pk}")
    assert response.status_code == 422 and set(response.json()["error"]["fields"]) == {"stage"}
    # a document that does not parse names its path
    response = api.patch("manager", f"/cases/{cases['private'].pk}", {"document": {"country": "VN", "year": 2023, "capex": "a lot"}})
    assert response.status_code == 422 and "document.capex" in response.json()["error"]["fields"]
    # both a facility and a park
    response = api.post("manager", "/cases", {"facility": world.own.pk, "park": world.park.pk, "intervention": "led_lighting",
                                              "title": "x", "document": {}})
    assert response.status_code == 422 and set(response.json()["error"]["fields"]) == {"facility"}
    assert _rows() == before


def test_stage_moves_through_the_api(api, world, cases):
    response = api.post("manager", f"/cases/{cases['private'].pk}/stage", {
        "stage": "financed", "financier": world.financier.pk, "instrument": "loan", "amount": "20000.5"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["stage"], body["amount"], body["financier"]["name"]) == ("financed", "20000.50", "Green Finance Bank")
    assert body["stages"][-1]["by"] == "manager"


def test_a_case_created_through_the_api_has_the_hand_worked_figures(api, world):
    from tests.interventions.test_models_services import DOCUMENT

    response = api.post("manager", "/cases", {"facility": world.own.pk, "intervention": "led_lighting", "title": "LED",
                                              "document": DOCUMENT, "baseline_year": 2023})
    assert response.status_code == 201, response.content
    body = response.json()
    # the hand-worked case of test_models_services: NPV 8,953.93 USD, payback 2 years, 32.96 t CO2e a year
    assert (round(body["figures"]["npv"], 2), body["figures"]["simple_payback_years"], body["figures"]["tco2e_per_year"]) == (
        8953.93, 2.0, 32.96)
    assert (body["stage"], body["created_by"], body["programme"], body["document"]["country"]) == (
        "idea", "manager", world.programme.pk, "VN")
    assert [(s["from_stage"], s["to_stage"]) for s in body["stages"]] == [("", "idea")]
    assert body["result"]["flows"][0]["project_flow"] == -10000.0
