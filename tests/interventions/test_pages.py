"""The business-case pages: each role sees exactly its cases (owner, another facility's manager, a brand with and
without a consent naming business cases, a financier with and without sharing), the builder pre-fills from the
facility's own year and refuses bad input naming the field with nothing saved, the curve and the pipeline, and
the query counts of the list and curve pages pinned."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from loomlight.interventions.models import BusinessCase, Stage
from loomlight.registry.models import Consent
from loomlight.reporting.models import ActivityValue

#: A hand-made stored result (what evaluate_document returns, trimmed to what the pages read): 100,000 kWh saved
#: at VN's 2023 inventory factor 0.6592 t/MWh = 65.92 t CO2e a year; EAC −2,500 USD a year → −37.925 USD/t.
RESULT = {"currency": "USD", "npv": 12345.6, "npv_project": 12000.0, "irr": 0.234, "irr_equity": None,
          "simple_payback_years": 2.5, "discounted_payback_years": 3.1, "benefit_cost_ratio": 1.8, "crf": 0.16,
          "eac": -2500.0, "levelised_cost": None, "levelised_cost_unit": None, "tco2e_per_year": 65.92,
          "tco2e_lifetime": 659.2, "abatement_cost_per_tco2e": -37.925, "savings_per_year": 8000.0,
          "grid_factor": {"value": 0.6592, "unit": "t CO2e/MWh", "type": "inventory", "source": "MONRE", "year": 2023,
                          "flags": []},
          "flows": [{"year": 0, "savings": 0, "opex_change": 0, "tax": 0, "project_flow": -20000, "interest": 0,
                     "principal": 0, "equity_flow": -20000, "discounted_project_flow": -20000,
                     "cumulative_discounted_project_flow": -20000}],
          "flags": [], "explanation": {"finance": {"steps": [], "flag_codes": []}, "avoided_emissions": None}}
DOCUMENT = {"country": "VN", "year": 2025, "capex": 20000, "lifetime_years": 10, "discount_rate": 0.1,
            "savings": [{"metric": "electricity_grid", "quantity": 100000, "unit": "kWh", "price": 0.08}]}


def _case(facility, title, **kw):
    fields = {"intervention": "led_lighting", "title": title, "baseline_year": 2025, "document": DOCUMENT,
              "result": RESULT, "stage": Stage.SEEKING_FINANCE, **kw}
    return BusinessCase.objects.create(facility=facility, **fields)


@pytest.fixture
def cases(world):
    own = _case(world.own, "LED at Own", shared_with_financiers=True)
    neighbour = _case(world.neighbour, "Motors at Neighbour", intervention="efficient_motors", stage=Stage.IDEA)
    return own, neighbour


def _login(client, world, name):
    client.force_login(world.users[name])
    return client


def _consent(world, organisation, kinds):
    """A consent from Own Dyehouse naming ``kinds``; a case is read through consent with business cases and the
    environmental and GHG data it is made of (interventions.access.KINDS)."""
    Consent.objects.create(facility=world.own, grantee=organisation, data_kinds=["profile", *kinds],
                           valid_from=datetime.date(2020, 1, 1), granted_by=world.users["manager"])


# --- who sees what -------------------------------------------------------------------------------------------

def test_the_owner_lists_their_case_and_not_the_neighbours_with_the_new_action_first(client, world, cases):
    own, neighbour = cases
    body = _login(client, world, "manager").get(reverse("interventions:list")).content.decode()
    assert "LED at Own" in body and "Motors at Neighbour" not in body
    assert body.index('data-testid="new-case"') < body.index('data-testid="cases"')
    assert "12,346 USD" in body            # NPV 12,345.6 with no decimals, English grouping
    assert "65.9" in body                  # t CO2e a year, one decimal


def test_another_facilitys_manager_gets_404_on_the_case(client, world, cases):
    own, _neighbour = cases
    response = _login(client, world, "neighbour_manager").get(reverse("interventions:detail", args=[own.pk]))
    assert response.status_code == 404


def test_a_brand_without_a_consent_naming_business_cases_sees_none(client, world, cases):
    own, _neighbour = cases
    client = _login(client, world, "brand")   # its consent names profile and environmental (tests/conftest.py)
    body = client.get(reverse("interventions:list")).content.decode()
    assert "LED at Own" not in body and 'data-testid="no-cases"' in body and 'data-testid="new-case"' not in body
    assert client.get(reverse("interventions:detail", args=[own.pk])).status_code == 404
    assert client.get(reverse("interventions:facility", args=[world.own.pk])).status_code == 404


def test_a_brand_with_a_consent_naming_business_cases_reads_the_case_without_the_history(client, world, cases):
    own, _neighbour = cases
    own.stage_changes.create(from_stage="", to_stage=Stage.IDEA, by=world.users["manager"], note="Canary internal note")
    _consent(world, world.other_brand, ["business_cases", "environmental", "ghg"])
    client = _login(client, world, "other_brand")
    body = client.get(reverse("interventions:detail", args=[own.pk])).content.decode()
    assert "LED at Own" in body and "Canary internal note" not in body and "manager" not in body
    assert 'data-testid="stage-form"' not in body and 'data-testid="edit"' not in body


def test_a_financier_sees_only_shared_cases_with_a_consent(client, world, cases):
    own, _neighbour = cases
    client = _login(client, world, "financier")
    assert "LED at Own" not in client.get(reverse("interventions:list")).content.decode()   # no consent yet
    _consent(world, world.financier, ["business_cases", "environmental", "ghg"])
    assert "LED at Own" in client.get(reverse("interventions:list")).content.decode()
    BusinessCase.objects.filter(pk=own.pk).update(shared_with_financiers=False)
    assert "LED at Own" not in client.get(reverse("interventions:list")).content.decode()
    assert client.get(reverse("interventions:detail", args=[own.pk])).status_code == 404


def test_the_financiers_pipeline_lists_the_shared_case_and_offers_the_export(client, world, cases):
    _consent(world, world.financier, ["business_cases", "environmental", "ghg"])
    body = _login(client, world, "financier").get(reverse("interventions:pipeline")).content.decode()
    assert "LED at Own" in body and "Motors at Neighbour" not in body
    assert 'data-testid="financier-export"' in body
    # a park of one facility with cases is below the threshold of 3: withheld from who reads through consent
    assert 'data-testid="withheld"' in body and "Park: Green Park" not in body


def test_the_pipeline_counts_the_owners_cases_per_stage(client, world, cases):
    body = _login(client, world, "admin").get(reverse("interventions:pipeline")).content.decode()
    assert 'data-testid="financier-export"' not in body
    assert '<tr data-stage="seeking_finance"><th>Seeking finance</th><td class="num">1</td>' in body
    assert '<tr data-stage="idea"><th>Idea</th><td class="num">1</td>' in body


def test_the_financier_export_is_refused_to_others(client, world, cases):
    assert _login(client, world, "manager").get(reverse("interventions:financier_export")).status_code == 404


# --- the builder ---------------------------------------------------------------------------------------------

@pytest.fixture
def electricity_2025(world):
    """Own Dyehouse's 2025: 10,000 kWh of grid electricity in each month (120,000 kWh in the year)."""
    for month in range(1, 13):
        ActivityValue.objects.create(facility=world.own, period=datetime.date(2025, month, 1), metric="electricity_grid",
                                     value=10000.0, unit="kWh", original_value=10000.0, original_unit="kWh", source="form")


def test_the_builder_lists_the_interventions_that_apply_grouped_by_category(client, world):
    body = _login(client, world, "manager").get(reverse("interventions:new") + f"?facility={world.own.pk}").content.decode()
    assert 'data-intervention="led_lighting"' in body and 'data-intervention="rooftop_solar_pv"' in body
    assert "<h2>Energy efficiency</h2>" in body


def test_the_builder_is_refused_to_who_may_not_create(client, world):
    assert _login(client, world, "brand").get(reverse("interventions:new") + f"?facility={world.own.pk}").status_code == 404
    url = reverse("interventions:new") + f"?facility={world.own.pk}&intervention=led_lighting"
    assert _login(client, world, "assessor").get(url).status_code in (403, 404)


def test_the_form_is_prefilled_from_the_last_full_year(client, world, electricity_2025):
    url = reverse("interventions:new") + f"?facility={world.own.pk}&intervention=led_lighting"
    body = _login(client, world, "manager").get(url).content.decode()
    assert "of 2025, its last full year" in body
    assert 'name="line-0-baseline" value="120000"' in body and "120,000 kWh reported in 12 months" in body
    assert 'name="line-0-price"' in body


def test_a_bad_input_is_refused_naming_the_field_and_nothing_is_saved(client, world, electricity_2025):
    before = BusinessCase.objects.count()
    url = reverse("interventions:new") + f"?facility={world.own.pk}&intervention=led_lighting"
    response = _login(client, world, "manager").post(url, {
        "facility": world.own.pk, "intervention": "led_lighting", "title": "LED", "capex": "-5", "lifetime_years": "0",
        "discount_rate": "10", "escalation": "0", "grid_factor": "inventory", "currency": "USD",
        "line-0-baseline": "120000", "line-0-share": "140", "line-0-price": ""})
    body = response.content.decode()
    assert response.status_code == 200
    for field in ("capex", "lifetime_years"):
        assert f'data-testid="error-{field}"' in body
    assert 'data-testid="error-line-0-price"' in body
    assert BusinessCase.objects.count() == before


# --- the curve -----------------------------------------------------------------------------------------------

def test_the_facility_curve_shows_the_bar_and_says_the_sequence(client, world, cases):
    own, _neighbour = cases
    body = _login(client, world, "manager").get(reverse("interventions:curve") + f"?scope=facility&id={world.own.pk}").content.decode()
    assert f'data-bar="{own.pk}"' in body and 'data-testid="sequence-note"' in body
    assert "65.9 t CO2e a year can be avoided" in body
    assert "100 % of it (65.9 t CO2e a year) saves money" in body


def test_a_case_without_abatement_is_listed_apart(client, world, cases):
    _case(world.own, "Water reuse at Own", intervention="cooling_water_reuse",
          result={**RESULT, "tco2e_per_year": None, "abatement_cost_per_tco2e": None})
    body = _login(client, world, "manager").get(reverse("interventions:curve") + f"?scope=facility&id={world.own.pk}").content.decode()
    assert 'data-testid="left-out"' in body and "Water reuse at Own" in body


def test_the_curve_of_a_facility_one_may_not_read_is_404(client, world, cases):
    url = reverse("interventions:curve") + f"?scope=facility&id={world.own.pk}"
    assert _login(client, world, "neighbour_manager").get(url).status_code == 404
    assert client.get(reverse("interventions:curve") + "?scope=galaxy&id=1").status_code == 404


# --- query counts --------------------------------------------------------------------------------------------

def test_the_list_reads_in_a_fixed_number_of_queries(client, world, cases, django_assert_num_queries):
    client = _login(client, world, "admin")
    client.get(reverse("interventions:list"))   # warm the session
    for i in range(10):
        _case(world.own, f"Case {i}")
    with django_assert_num_queries(8):   # the same with 2 cases or 12: the cases and their months' states in one query each
        response = client.get(reverse("interventions:list"))
    assert response.content.decode().count("data-case=") == 12


def test_the_curve_reads_in_a_fixed_number_of_queries(client, world, cases, django_assert_num_queries):
    client = _login(client, world, "admin")
    url = reverse("interventions:curve") + f"?scope=programme&id={world.programme.pk}"
    client.get(url)
    for i in range(10):
        _case(world.own, f"Case {i}")
    with django_assert_num_queries(9):   # the same with 2 cases or 12: one query for the cases, none per bar
        response = client.get(url)
    assert response.content.decode().count("data-bar=") == 12


def test_a_financier_reads_the_curve_of_the_cases_shared_with_them(client, world, cases):
    own, _neighbour = cases
    _case(world.own, "Not shared at Own", shared_with_financiers=False)
    _consent(world, world.financier, ["business_cases", "environmental", "ghg"])
    body = _login(client, world, "financier").get(reverse("interventions:curve") + f"?scope=facility&id={world.own.pk}").content.decode()
    assert f'data-bar="{own.pk}"' in body and "Not shared at Own" not in body


def test_save_creates_the_case_through_the_service_and_lands_on_its_page(client, world, electricity_2025):
    """Given 120,000 kWh in 2025, when the manager saves 40 % of it at 0.08 USD/kWh for 20,000 USD over 10 years
    at 10 %, then the case holds that document (rates as fractions) and its page shows the NPV: 48,000 kWh ×
    0.08 = 3,840 USD a year; NPV = −20,000 + 3,840 × (1 − 1.1^−10) / 0.1 = −20,000 + 3,840 × 6.144567 = 3,595.14."""
    url = reverse("interventions:new") + f"?facility={world.own.pk}&intervention=led_lighting"
    response = _login(client, world, "manager").post(url, {
        "facility": world.own.pk, "intervention": "led_lighting", "title": "LED", "capex": "20000",
        "lifetime_years": "10", "discount_rate": "10", "escalation": "0", "grid_factor": "inventory", "currency": "USD",
        "line-0-baseline": "120000", "line-0-share": "40", "line-0-price": "0.08"})
    case = BusinessCase.objects.get(facility=world.own)
    assert response.status_code == 302 and response["Location"] == reverse("interventions:detail", args=[case.pk])
    assert case.baseline_year == 2025 and case.stage == Stage.IDEA
    assert case.document["savings"] == [{"metric": "electricity_grid", "quantity": 48000.0, "unit": "kWh", "price": 0.08}]
    assert case.document["discount_rate"] == 0.1 and case.document["capex"] == 20000.0
    assert round(case.result["npv"], 2) == 3595.14
    body = client.get(response["Location"]).content.decode()
    assert '<div class="number">3,595</div>' in body
    # the Monte Carlo of the page: 2,000 seeded draws (seed 18) of capex and the kWh saved ±20 % and the discount
    # rate ±2 points; its P50 lies within 3 % of the deterministic NPV, and the same figures come on every visit
    assert "P10 -1,264, P50 3,522, P90 8,517 USD" in body and "Probability that it is positive: 83 %" in body
    assert abs(3522 - 3595.14) / 3595.14 < 0.03
    assert client.get(response["Location"]).content.decode().count("P50 3,522") == 1


def test_edit_shows_the_stored_inputs_and_is_refused_to_a_reader(client, world, cases, electricity_2025):
    own, _neighbour = cases
    _consent(world, world.other_brand, ["business_cases", "environmental", "ghg"])
    assert _login(client, world, "other_brand").get(reverse("interventions:edit", args=[own.pk])).status_code == 403
    body = _login(client, world, "manager").get(reverse("interventions:edit", args=[own.pk])).content.decode()
    # the stored 100,000 kWh saved of the 120,000 kWh year: 83.333333 %; 10 % as a rate
    assert 'name="line-0-share" value="83.333333"' in body and 'name="discount_rate" value="10"' in body
    assert 'name="capex" value="20000"' in body


def test_a_rooftop_solar_case_is_computed_from_its_generation_and_the_facilitys_load(client, world, electricity_2025):
    """Given Own Dyehouse at 11.051° N, 106.661° E with 10,000 kWh of grid electricity a month, when the manager
    saves a 50 kWp rooftop array, then the case's savings are the solar used on site (at most the generation, and
    at most the 120,000 kWh of load) priced at the grid price, and the export at 0."""
    url = reverse("interventions:new") + f"?facility={world.own.pk}&intervention=rooftop_solar_pv"
    response = _login(client, world, "manager").post(url, {
        "facility": world.own.pk, "intervention": "rooftop_solar_pv", "title": "Solar", "capex": "40000",
        "lifetime_years": "20", "discount_rate": "10", "escalation": "0", "grid_factor": "inventory", "currency": "USD",
        "kwp": "50", "tilt_deg": "10", "azimuth_deg": "180", "export_price": "0", "line-0-price": "0.08"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    case = BusinessCase.objects.get(facility=world.own)
    used = case.document["savings"][0]
    assert used["metric"] == "electricity_solar_self_consumed" and used["price"] == 0.08
    assert 0 < used["quantity"] <= 120000
    made = case.document["solar"].pop("yield")
    assert case.document["solar"] == {"kwp": 50.0, "tilt_deg": 10.0, "azimuth_deg": 180.0, "export_price": 0.0}
    assert case.result["tco2e_per_year"] > 0
    # what the generation rests on is kept: used + exported = generated, and without irradiation data it is the
    # clear-sky yield, flagged, and the page says it is an upper bound
    assert made["self_consumed_kwh"] + made["exported_kwh"] == pytest.approx(made["annual_kwh"], rel=1e-9)
    assert (made["scaled_to"], "solar_clear_sky" in made["flags"]) == ("clear_sky", True)
    page = client.get(reverse("interventions:detail", args=[case.pk])).content.decode()
    assert 'data-testid="solar-clear-sky"' in page


def test_a_solar_case_with_the_sites_monthly_irradiation_is_scaled_to_it(client, world, electricity_2025):
    """Given the same array and 12 monthly means of 4.5 kWh/m² a day (a round figure for the test, its source named),
    then the yield is scaled to them: below the clear-sky yield, and the page names the source, not the flag."""
    url = reverse("interventions:new") + f"?facility={world.own.pk}&intervention=rooftop_solar_pv"
    form = {"facility": world.own.pk, "intervention": "rooftop_solar_pv", "title": "Solar", "capex": "40000",
            "lifetime_years": "20", "discount_rate": "10", "escalation": "0", "grid_factor": "inventory",
            "currency": "USD", "kwp": "50", "tilt_deg": "10", "azimuth_deg": "180", "export_price": "0",
            "line-0-price": "0.08", "monthly_ghi": "4,5 " * 11 + "4,5", "irradiance_source": ""}
    client = _login(client, world, "manager")
    refused = client.post(url, form)
    # a source is required with the values, and nothing is saved
    assert refused.status_code == 200 and "Say where the irradiation comes from." in refused.content.decode()
    assert not BusinessCase.objects.exists()
    form["irradiance_source"] = "test series"
    assert client.post(url, form).status_code == 302
    made = BusinessCase.objects.get(facility=world.own).document["solar"]["yield"]
    assert made["scaled_to"] == "monthly_irradiance:test series" and "solar_clear_sky" not in made["flags"]
    # 4.5 kWh/m² a day × 365 days = 1,642.5 kWh/m² a year on the horizontal: below the clear sky's ~1,700 kWh/kWp
    assert 1000 < made["specific_yield_kwh_per_kwp"] < 1600
    page = client.get(reverse("interventions:detail", args=[BusinessCase.objects.get().pk])).content.decode()
    assert "test series" in page and 'data-testid="solar-clear-sky"' not in page


def test_the_monthly_irradiation_must_be_twelve_plausible_values(client, world, electricity_2025):
    url = reverse("interventions:new") + f"?facility={world.own.pk}&intervention=rooftop_solar_pv"
    base = {"facility": world.own.pk, "intervention": "rooftop_solar_pv", "title": "Solar", "capex": "40000",
            "lifetime_years": "20", "discount_rate": "10", "escalation": "0", "grid_factor": "inventory",
            "currency": "USD", "kwp": "50", "line-0-price": "0.08", "irradiance_source": "x"}
    client = _login(client, world, "manager")
    for text, message in (("4.5 4.5", "12 values, one for each month from January: 2 given."),
                          ("4.5 " * 11 + "abc", "Give 12 numbers separated by spaces or semicolons."),
                          ("4.5 " * 11 + "40", "between 0 and 12 kWh/m² a day")):
        response = client.post(url, {**base, "monthly_ghi": text})
        assert response.status_code == 200 and message in response.content.decode()
    assert not BusinessCase.objects.exists()


def test_a_solar_case_without_the_facilitys_location_says_so_and_saves_nothing(client, world, electricity_2025):
    world.own.latitude = world.own.longitude = None
    world.own.save()
    url = reverse("interventions:new") + f"?facility={world.own.pk}&intervention=rooftop_solar_pv"
    response = _login(client, world, "manager").post(url, {
        "facility": world.own.pk, "intervention": "rooftop_solar_pv", "title": "Solar", "capex": "40000",
        "lifetime_years": "20", "discount_rate": "10", "grid_factor": "inventory", "currency": "USD", "kwp": "50",
        "line-0-price": "0.08"})
    assert 'data-testid="no-location"' in response.content.decode() and BusinessCase.objects.count() == 0


def test_the_case_shows_its_measurements_accepted_and_refused_with_the_reasons(client, world, cases):
    from loomlight.interventions.models import MeasuredSavings

    own, _neighbour = cases
    common = {"case": own, "metric": "electricity_grid", "unit": "kWh", "baseline_from": datetime.date(2024, 1, 1),
              "baseline_to": datetime.date(2024, 12, 1)}
    MeasuredSavings.objects.create(**common, accepted=False,
                                   model={"cv_rmse": 0.213, "nmbe": 0.004, "r2": 0.41, "reasons": ["cv_rmse"]})
    MeasuredSavings.objects.create(**common, accepted=True, reporting_from=datetime.date(2025, 1, 1),
                                   reporting_to=datetime.date(2025, 6, 1), avoided_quantity=12000.0, uncertainty=1500.0,
                                   avoided_money="960.00",
                                   model={"cv_rmse": 0.052, "nmbe": -0.001, "r2": 0.93, "reasons": []})
    body = _login(client, world, "manager").get(reverse("interventions:detail", args=[own.pk])).content.decode()
    assert "Baseline refused (ASHRAE Guideline 14)" in body and "CV(RMSE) 21.3 %" in body and "CV(RMSE) above 15 %" in body
    assert "Baseline accepted (ASHRAE Guideline 14)" in body and "Avoided: 12,000 ± 1,500 kWh" in body
    assert "960 USD" in body and "2025-01–2025-06" in body


def test_the_stage_form_moves_the_case_and_a_refusal_is_said_with_nothing_changed(client, world, cases):
    own, _neighbour = cases
    client = _login(client, world, "manager")
    url = reverse("interventions:stage", args=[own.pk])
    response = client.post(url, {"stage": "financed", "note": ""}, follow=True)
    own.refresh_from_db()
    assert own.stage == Stage.SEEKING_FINANCE and own.stage_changes.count() == 0
    assert "Name the financier or the instrument." in response.content.decode()
    client.post(url, {"stage": "financed", "financier": world.financier.pk, "instrument": "green_loan", "amount": "15000"})
    own.refresh_from_db()
    assert (own.stage, own.financier_id, own.instrument, str(own.amount)) == ("financed", world.financier.pk, "green_loan", "15000.00")
    _login(client, world, "neighbour_manager")
    assert client.post(url, {"stage": "implemented"}).status_code == 404
