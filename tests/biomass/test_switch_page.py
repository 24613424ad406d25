"""The facility's fuel-switch page: pre-filled from its own monthly coal (the year and the months said, a gap
said), computed by the switch document, refusing bad input naming the field with nothing saved, and opening a
business case with the switch's quantities; who may open it (owner yes, another facility's manager 404, a brand
404 without consent and 403 with one: it may not create a case)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from loomlight.interventions.models import BusinessCase
from loomlight.registry.models import Consent
from loomlight.reporting.models import ActivityValue

pytestmark = pytest.mark.django_db

YEAR = datetime.date.today().year - 1
#: 10 t of bituminous coal a month at IPCC 2006's default NCV of 25.8 GJ/t (Vol. 2 Table 1.2, "Other Bituminous
#: Coal"), stored in GJ as the platform stores fuels: 258 GJ a month, 3,096 GJ a year.
MONTHLY_GJ = 258.0


def _coal(facility, months=range(1, 13)):
    for month in months:
        ActivityValue.objects.create(facility=facility, period=datetime.date(YEAR, month, 1), metric="coal_bituminous",
                                     value=MONTHLY_GJ, unit="GJ", original_value=10.0, original_unit="t", source="form")


def _url(facility):
    return f"{reverse('biomass:switch')}?facility={facility.pk}"


#: The switch of the hand-worked example: the year's 3,096 GJ of coal in a boiler of 75 %, rice husk of 14.0 GJ/t
#: as received in a boiler of 85 %, 50 km by truck.
POST = {"action": "compute", "from_metric": "coal_bituminous", "quantity": "3096", "old_efficiency": "75",
        "biomass_type": "rice_husk", "new_efficiency": "85", "ncv": "14.0", "distance_km": "50", "mode": "truck",
        "controls_before": "none", "controls_after": "cyclone", "currency": "", "price_from": "", "price_to": "",
        "moisture": ""}
#: useful heat = 3,096 GJ × 0.75 = 2,322 GJ; biomass energy = 2,322 / 0.85 = 2,731.7647 GJ;
#: biomass = 2,731.7647 GJ / 14.0 GJ/t = 195.1261 t
USEFUL_HEAT_GJ = 2322.0
BIOMASS_GJ = 2322.0 / 0.85
BIOMASS_T = BIOMASS_GJ / 14.0


def test_the_page_is_prefilled_from_the_facilitys_coal_of_its_last_full_year(client, world):
    # given twelve months of coal in the last year
    _coal(world.own)
    client.force_login(world.users["manager"])
    # when the manager opens the page
    response = client.get(_url(world.own))
    body = response.content.decode()
    # then the year, the months and the quantity are said, and the form holds the coal and its 3,096 GJ
    assert response.status_code == 200
    assert f"reported fuel of {YEAR}: 3,096 GJ in 12 months" in body
    assert "last full year" in body and 'data-testid="gap"' not in body
    assert '<option value="coal_bituminous" selected>' in body
    assert 'name="quantity" value="3096.0"' in body or 'name="quantity" value="3096"' in body
    assert 'data-testid="open-case"' not in body          # nothing computed yet: no case to open


def test_a_year_with_missing_months_is_said_to_be_a_gap_never_extrapolated(client, world):
    # given coal reported in 9 months of the latest year only
    _coal(world.own, months=range(1, 10))
    client.force_login(world.users["manager"])
    body = client.get(_url(world.own)).content.decode()
    # then the sum of those 9 months (2,322 GJ) is pre-filled, said to be 9 months and not a year
    assert f"reported fuel of {YEAR}: 2,322 GJ in 9 months" in body
    assert 'data-testid="gap"' in body and "Only 9 months of this fuel are reported" in body
    assert "not a full year" in body


def test_the_switch_is_computed_with_hand_worked_values(client, world):
    _coal(world.own)
    client.force_login(world.users["manager"])
    response = client.post(_url(world.own), POST)
    assert response.status_code == 200
    figures = {f["key"]: f["value"] for f in response.context["figures"]}
    assert figures["useful_heat_gj"] == pytest.approx(USEFUL_HEAT_GJ, rel=1e-12)
    assert figures["biomass_ncv_gj_per_t"] == pytest.approx(14.0, rel=1e-12)
    assert figures["biomass_t"] == pytest.approx(BIOMASS_T, rel=1e-12)        # 195.1261 t
    # transport: 195.1261 t × 50 km × 0.10163 kg CO2e/t.km (DESNZ 2025, HGV all diesel, average laden) = 0.99153 t
    assert figures["transport_tco2e"] == pytest.approx(BIOMASS_T * 50 * 0.10163 / 1000, rel=1e-9)
    assert figures["cost_change"] is None                                      # no prices: not computed, not 0
    body = response.content.decode()
    assert 'data-testid="open-case"' in body
    assert body.index('data-testid="open-case"') < body.index('data-testid="figures"')   # the main action first
    assert 'data-testid="explain-biomass_t"' in body


@pytest.mark.parametrize("field, value, message", [
    ("old_efficiency", "0", "greater than or equal to 1"),
    ("quantity", "lots", "Enter a number."),
    ("mode", "", "Choose how the biomass travels that distance."),
    ("ncv", "14", "not both"),
])
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(client, world, field, value, message):
    _coal(world.own)
    client.force_login(world.users["manager"])
    post = {**POST, field: value, "action": "open_case", "title": "Rice husk", "capex": "100000",
            "lifetime_years": "15", "discount_rate": "10"}
    if field == "ncv":
        post["moisture"] = "10"
    response = client.post(_url(world.own), post)
    assert response.status_code == 200
    target = "ncv" if field == "ncv" else field
    assert message in " ".join(response.context["form"].errors[target])
    assert f'data-testid="error-{target}"' in response.content.decode()
    assert BusinessCase.objects.count() == 0


def test_a_moisture_at_which_the_biomass_gives_no_heat_is_refused_on_the_moisture_field(client, world):
    # given rice husk of the catalogue (dry LHV 16.15 GJ/t) at 90 % moisture: 16.15 × 0.1 − 2.443 × 0.9 < 0
    _coal(world.own)
    client.force_login(world.users["manager"])
    response = client.post(_url(world.own), {**POST, "ncv": "", "moisture": "90", "action": "open_case",
                                             "title": "X", "capex": "1", "lifetime_years": "15", "discount_rate": "10"})
    assert response.status_code == 200
    assert "gives no net heat" in " ".join(response.context["form"].errors["moisture"])
    assert BusinessCase.objects.count() == 0


def test_opening_a_case_stores_the_switchs_quantities_and_redirects_to_it(client, world):
    _coal(world.own)
    client.force_login(world.users["manager"])
    post = {**POST, "action": "open_case", "title": "Rice husk instead of coal", "capex": "120000",
            "lifetime_years": "15", "discount_rate": "10", "currency": "USD", "price_from": "4", "price_to": "40"}
    response = client.post(_url(world.own), post)
    case = BusinessCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("interventions:detail", args=[case.pk])
    assert (case.facility, case.intervention, case.title, case.baseline_year) == (
        world.own, "coal_oil_to_biomass", "Rice husk instead of coal", YEAR)
    doc = case.document
    assert doc["biomass_switch"]["biomass_t"] == pytest.approx(BIOMASS_T, rel=1e-12)
    assert doc["capex"] == 120000 and doc["lifetime_years"] == 15 and doc["discount_rate"] == pytest.approx(0.10)
    coal, husk = doc["savings"]
    assert (coal["metric"], coal["unit"], coal["price"]) == ("coal_bituminous", "GJ", 4.0)
    assert coal["quantity"] == pytest.approx(3096.0)
    # the biomass bought: −2,731.76 GJ at 40 USD/t × 195.126 t / 2,731.76 GJ = 2.857 USD/GJ (its cost: 7,805 USD)
    assert husk["metric"] == "biomass_rice_husk" and husk["quantity"] == pytest.approx(-BIOMASS_GJ)
    assert husk["quantity"] * husk["price"] == pytest.approx(-40 * BIOMASS_T)
    # the case's first-year saving: 3,096 × 4 − 195.126 × 40 = 12,384 − 7,805.04 = 4,578.96 USD
    assert case.result["savings_per_year"] == pytest.approx(3096 * 4 - BIOMASS_T * 40, rel=1e-9)
    page = client.get(reverse("interventions:detail", args=[case.pk]))
    assert page.status_code == 200 and b"Rice husk instead of coal" in page.content
    # the case page says the switch it was opened from: 195 t a year at 14.00 GJ/t for 2,322 GJ of useful heat
    assert ("Opened from a fuel switch: 195 t of biomass a year at 14.00 GJ/t as received, for the same 2,322 GJ of "
            "useful heat.") in page.content.decode()


def test_a_case_without_a_capex_is_refused_naming_it_and_nothing_is_saved(client, world):
    _coal(world.own)
    client.force_login(world.users["manager"])
    response = client.post(_url(world.own), {**POST, "action": "open_case", "title": "X", "capex": "",
                                             "lifetime_years": "15", "discount_rate": "10"})
    assert response.status_code == 200
    assert "capex" in response.context["case_form"].errors
    assert BusinessCase.objects.count() == 0


def test_another_facilitys_manager_gets_404(client, world):
    _coal(world.own)
    client.force_login(world.users["neighbour_manager"])
    assert client.get(_url(world.own)).status_code == 404
    assert client.post(_url(world.own), {**POST, "action": "open_case", "title": "X", "capex": "1",
                                         "lifetime_years": "15", "discount_rate": "10"}).status_code == 404
    assert BusinessCase.objects.count() == 0


def test_a_brand_gets_404_without_consent_and_403_with_one(client, world):
    _coal(world.own)
    client.force_login(world.users["brand"])
    assert client.get(_url(world.own)).status_code == 404       # its consent names profile and environmental only
    Consent.objects.create(facility=world.own, grantee=world.brand, data_kinds=["profile", "business_cases", "environmental", "ghg"],
                           valid_from=datetime.date(2020, 1, 1), granted_by=world.users["manager"])
    assert client.get(_url(world.own)).status_code == 403       # it reads the cases but may not create one
    assert client.post(_url(world.own), {**POST, "action": "open_case", "title": "X", "capex": "1",
                                         "lifetime_years": "15", "discount_rate": "10"}).status_code == 403
    assert BusinessCase.objects.count() == 0


def test_anonymous_is_sent_to_log_in_and_a_bad_facility_is_404(client, world):
    assert client.get(_url(world.own)).status_code == 302
    client.force_login(world.users["manager"])
    assert client.get(reverse("biomass:switch") + "?facility=abc").status_code == 404
    assert client.get(reverse("biomass:switch")).status_code == 404


def test_the_programme_admin_may_open_it_and_the_data_entry_may_not(client, world):
    _coal(world.own)
    client.force_login(world.users["admin"])
    assert client.get(_url(world.own)).status_code == 200
    client.force_login(world.users["data_entry"])
    assert client.get(_url(world.own)).status_code == 403       # reads the facility's cases, creates none
