"""interventions.services: a case evaluated from its document (hand-worked), the pipeline's stage rules, sharing,
deleting, and measured savings (IPMVP Option C) on a constructed 24-month facility history. Every refusal
leaves nothing changed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from loomlight.audit.models import AuditEvent
from loomlight.interventions import services
from loomlight.interventions.models import BusinessCase, MeasuredSavings, StageChange
from loomlight.registry.models import Organisation
from loomlight.reporting.models import ActivityValue

#: A hand-worked case: 10,000 USD invested, 50,000 kWh of grid electricity saved a year at 0.10 USD/kWh (5,000 USD
#: a year), 5 years, 10 % discount rate, in Viet Nam in 2023.
#:   annuity factor (1 − 1.1⁻⁵) / 0.1 = 3.790787; NPV = 5,000 × 3.790787 − 10,000 = 8,953.93 USD
#:   simple payback 10,000 / 5,000 = 2 years
#:   discounted payback: 4,545.45 + 4,132.23 = 8,677.69 after 2 years; 2 + (10,000 − 8,677.69) / 3,756.57 = 2.3520 years
#:   IRR: 5,000 × AF(r, 5) = 10,000 → r = 41.0415 %
#:   CRF(10 %, 5) = 0.263797; EAC = 10,000 × 0.263797 − 5,000 = −2,362.03 USD/year
#:   avoided: 50 MWh × 0.6592 t CO2/MWh (Viet Nam's 2023 grid factor, reference/grid_factors.csv) = 32.96 t CO2e/year
#:   abatement cost = −2,362.03 / 32.96 = −71.66 USD/t CO2e (no regret)
DOCUMENT = {"country": "VN", "year": 2023, "capex": 10000, "lifetime_years": 5, "discount_rate": 0.1,
            "savings": [{"metric": "electricity_grid", "quantity": 50000, "unit": "kWh", "price": 0.1}]}


def _state() -> dict:
    return {"cases": list(BusinessCase.objects.order_by("pk").values()),
            "stages": list(StageChange.objects.order_by("pk").values()),
            "measurements": list(MeasuredSavings.objects.order_by("pk").values()),
            "audit": AuditEvent.objects.count()}


def _case(world, stage="idea", **fields):
    """A case of Own Dyehouse stored as it is (the stage rules are tested on it; evaluation elsewhere)."""
    document = {**DOCUMENT, "savings": [dict(DOCUMENT["savings"][0])]}
    return BusinessCase.objects.create(facility=world.own, intervention="led_lighting", title="LED lighting", stage=stage,
                                       document=document, result={"npv": 1.0}, created_by=world.users["manager"], **fields)


# --- the model ------------------------------------------------------------------------------------------------

def test_a_case_is_of_a_facility_or_of_a_park_never_both_nor_neither(world):
    for subject in ({"facility": world.own, "park": world.park}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            BusinessCase.objects.create(intervention="led_lighting", title="x", **subject)
    assert BusinessCase.objects.count() == 0


# --- create and update: evaluate_document's figures --------------------------------------------------------

def test_a_case_is_created_with_the_figures_of_its_document(world):
    # given the hand-worked document above; when Own Dyehouse's manager creates the case
    case = services.case_create(by=world.users["manager"], facility=world.own, intervention="led_lighting",
                                title="  LED lighting in the sewing hall ", document=DOCUMENT, baseline_year=2023)
    # then it is stored at stage idea, in the facility's programme (through its park), with the hand-worked figures
    case.refresh_from_db()
    assert (case.stage, case.programme, case.title, case.currency, case.baseline_year) == (
        "idea", world.programme, "LED lighting in the sewing hall", "USD", 2023)
    r = case.result
    assert r["npv"] == pytest.approx(8953.93, abs=0.01)
    assert r["simple_payback_years"] == pytest.approx(2.0, abs=1e-9)
    assert r["discounted_payback_years"] == pytest.approx(2.3520, abs=1e-4)
    assert r["irr"] == pytest.approx(0.410415, abs=1e-6)
    assert r["eac"] == pytest.approx(-2362.03, abs=0.01)
    assert r["tco2e_per_year"] == pytest.approx(32.96, abs=1e-9)
    assert r["abatement_cost_per_tco2e"] == pytest.approx(-2362.025 / 32.96, abs=0.01)
    assert r["savings_per_year"] == pytest.approx(5000.0)
    assert case.document == DOCUMENT and case.computed_at is not None and "interventions:" in case.data_version
    # and the history starts at idea, the creation audited
    assert list(case.stage_changes.values_list("from_stage", "to_stage")) == [("", "idea")]
    assert AuditEvent.objects.filter(object_type="interventions.businesscase", object_id=str(case.pk), action="create").count() == 1


def test_the_country_defaults_to_the_facility_s_and_another_is_refused(world):
    document = {k: v for k, v in DOCUMENT.items() if k != "country"}
    case = services.case_create(by=world.users["manager"], facility=world.own, intervention="led_lighting", title="LED",
                                document=document)
    assert case.document["country"] == "VN"
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.case_create(by=world.users["manager"], facility=world.own, intervention="led_lighting", title="LED",
                             document={**DOCUMENT, "country": "KH"})
    assert set(refused.value.message_dict) == {"document.country"}
    assert _state() == before


@pytest.mark.parametrize("document, field", [
    ({**DOCUMENT, "capex": "10000"}, "document.capex"),                                   # a string for a number
    ({**DOCUMENT, "lifetime_years": -5}, "document.lifetime_years"),
    ({**DOCUMENT, "savings": [{**DOCUMENT["savings"][0], "unit": "furlong"}]}, "document.savings[0].unit"),
    ({**DOCUMENT, "discount": 0.1}, "document.discount"),                                 # an unknown key (a typo)
])
def test_a_document_that_does_not_evaluate_is_refused_naming_the_field(world, document, field):
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.case_create(by=world.users["manager"], facility=world.own, intervention="led_lighting", title="LED",
                             document=document)
    assert field in refused.value.message_dict
    assert _state() == before


def test_other_refusals_of_create(world):
    manager = world.users["manager"]
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.case_create(by=manager, facility=world.own, intervention="perpetual_motion", title="x", document=DOCUMENT)
    assert set(refused.value.message_dict) == {"intervention"}
    with pytest.raises(ValidationError) as refused:
        services.case_create(by=manager, facility=world.own, intervention="led_lighting", title="  ", document=DOCUMENT)
    assert set(refused.value.message_dict) == {"title"}
    with pytest.raises(ValidationError) as refused:
        services.case_create(by=manager, facility=world.own, park=world.park, intervention="led_lighting", title="x", document=DOCUMENT)
    assert set(refused.value.message_dict) == {"facility"}
    for who in ("data_entry", "assessor", "brand", "neighbour_manager"):
        with pytest.raises(PermissionDenied):
            services.case_create(by=world.users[who], facility=world.own, intervention="led_lighting", title="x", document=DOCUMENT)
    assert _state() == before


def test_an_update_re_evaluates_and_a_bad_one_changes_nothing(world):
    manager = world.users["manager"]
    case = services.case_create(by=manager, facility=world.own, intervention="led_lighting", title="LED", document=DOCUMENT)
    # when the saving doubles (100,000 kWh: 10,000 USD a year): NPV = 10,000 × 3.790787 − 10,000 = 27,907.87 USD
    doubled = {**DOCUMENT, "savings": [{**DOCUMENT["savings"][0], "quantity": 100000}]}
    case = services.case_update(by=manager, case=case, document=doubled)
    assert case.result["npv"] == pytest.approx(27907.87, abs=0.01)
    assert case.result["tco2e_per_year"] == pytest.approx(65.92, abs=1e-9)
    assert AuditEvent.objects.filter(object_id=str(case.pk), object_type="interventions.businesscase", action="update").count() == 1
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.case_update(by=manager, case=case, document={**doubled, "discount_rate": float("nan")})
    assert "document.discount_rate" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.case_update(by=world.users["data_entry"], case=case, title="Mine")
    assert _state() == before


# --- the pipeline ---------------------------------------------------------------------------------------------

def test_the_pipeline_forward_one_stage_at_a_time_with_what_each_stage_needs(world):
    manager = world.users["manager"]
    case = _case(world)
    services.case_stage_set(by=manager, case=case, stage="feasibility")
    services.case_stage_set(by=manager, case=case, stage="seeking_finance")
    # financed needs a financier or an instrument, and the amount: each refusal changes nothing
    before = _state()
    for kwargs, field in (({"amount": "25000"}, "financier"), ({"instrument": "green_loan"}, "amount"),
                          ({"instrument": "overdraft", "amount": 1}, "instrument"),
                          ({"instrument": "loan", "amount": -5}, "amount"),
                          ({"financier": world.brand, "amount": 5}, "financier")):
        with pytest.raises(ValidationError) as refused:
            services.case_stage_set(by=manager, case=case, stage="financed", **kwargs)
        assert set(refused.value.message_dict) == {field}, kwargs
    assert _state() == before
    services.case_stage_set(by=manager, case=case, stage="financed", financier=world.financier, instrument="green_loan",
                            amount="25000")
    case.refresh_from_db()
    assert (case.stage, case.financier, case.instrument, case.amount) == ("financed", world.financier, "green_loan", Decimal("25000.00"))
    # implemented needs the date, not in the future
    before = _state()
    for kwargs in ({}, {"implemented_on": datetime.date.today() + datetime.timedelta(days=1)}):
        with pytest.raises(ValidationError) as refused:
            services.case_stage_set(by=manager, case=case, stage="implemented", **kwargs)
        assert set(refused.value.message_dict) == {"implemented_on"}
    assert _state() == before
    services.case_stage_set(by=manager, case=case, stage="implemented", implemented_on=datetime.date(2024, 1, 15))
    case.refresh_from_db()
    assert (case.stage, case.implemented_on) == ("implemented", datetime.date(2024, 1, 15))
    assert list(case.stage_changes.order_by("pk").values_list("from_stage", "to_stage")) == [
        ("idea", "feasibility"), ("feasibility", "seeking_finance"), ("seeking_finance", "financed"),
        ("financed", "implemented")]
    financed = case.stage_changes.get(to_stage="financed")
    assert (financed.financier, financed.instrument, financed.amount, financed.by) == (world.financier, "green_loan", Decimal("25000.00"), manager)
    assert AuditEvent.objects.filter(object_type="interventions.businesscase", object_id=str(case.pk), action="update").count() == 4


def test_skipping_a_stage_verifying_by_hand_and_moving_back_without_a_note_are_refused(world):
    manager = world.users["manager"]
    case = _case(world, stage="feasibility")
    before = _state()
    for stage, field in (("financed", "stage"), ("verified", "stage"), ("feasibility", "stage"), ("idea", "note"),
                         ("done", "stage")):
        with pytest.raises(ValidationError) as refused:
            services.case_stage_set(by=manager, case=case, stage=stage)
        assert set(refused.value.message_dict) == {field}, stage
    for who in ("data_entry", "assessor", "park_operator", "neighbour_manager", "brand", "financier"):
        with pytest.raises(PermissionDenied):
            services.case_stage_set(by=world.users[who], case=case, stage="seeking_finance")
    assert _state() == before
    # back with a note: recorded in the history
    services.case_stage_set(by=manager, case=case, stage="idea", note="The roof needs repair first.")
    assert case.stage_changes.get().note == "The roof needs repair first."


def test_sharing_is_the_facility_managers_decision(world):
    case = _case(world)
    before = _state()
    for who in ("admin", "data_entry", "assessor", "financier"):
        with pytest.raises(PermissionDenied):
            services.case_share(by=world.users[who], case=case, shared=True)
    assert _state() == before
    services.case_share(by=world.users["group_manager"], case=case, shared=True)
    case.refresh_from_db()
    assert case.shared_with_financiers is True
    assert AuditEvent.objects.filter(object_type="interventions.businesscase", action="update").count() == 1


def test_only_an_idea_or_feasibility_is_deleted(world):
    financed = _case(world, stage="financed", amount=Decimal("5"), instrument="loan")
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.case_delete(by=world.users["manager"], case=financed)
    assert set(refused.value.message_dict) == {"stage"}
    with pytest.raises(PermissionDenied):
        services.case_delete(by=world.users["data_entry"], case=_case(world))
    before = _state()
    idea = BusinessCase.objects.filter(stage="idea").get()
    services.case_delete(by=world.users["manager"], case=idea)
    assert not BusinessCase.objects.filter(pk=idea.pk).exists()
    assert AuditEvent.objects.filter(object_type="interventions.businesscase", object_id=str(idea.pk), action="delete").count() == 1
    assert BusinessCase.objects.filter(pk=financed.pk).exists()
    assert AuditEvent.objects.count() == before["audit"] + 1


# --- measured savings (IPMVP Option C) ---------------------------------------------------------------------

def _months():
    return [datetime.date(2023 + i // 12, i % 12 + 1, 1) for i in range(24)]


def _production(i: int) -> float:
    return 10000.0 + 1000.0 * ((i * 7) % 11)     # 10,000 to 20,000 kg, varying month to month


def _history(facility, *, noise: float, effect: float):
    """24 months (2023-01 … 2024-12): production, and electricity = 5,000 kWh + 2 kWh/kg × production ± ``noise``
    (alternating), less ``effect`` (a share) from February 2024 on."""
    for i, month in enumerate(_months()):
        production = _production(i)
        use = 5000.0 + 2.0 * production + noise * (1 if i % 2 else -1)
        if month >= datetime.date(2024, 2, 1):
            use = (1 - effect) * (5000.0 + 2.0 * production) + noise * (1 if i % 2 else -1)
        for metric, value, unit in (("production_kg", production, "kg"), ("electricity_grid", use, "kWh")):
            ActivityValue.objects.create(facility=facility, period=month, metric=metric, value=value, unit=unit,
                                         original_value=value, original_unit=unit, source="form")


def _implemented(world):
    return _case(world, stage="implemented", implemented_on=datetime.date(2024, 1, 15), amount=Decimal("10000"),
                 instrument="own_funds")


def test_accepted_savings_move_the_case_to_verified(world):
    # given 2023 as the baseline (12 months), January 2024 the month of implementation (neither period), and
    # February to December 2024 (11 months) using 10 % less
    _history(world.own, noise=40.0, effect=0.10)
    case = _implemented(world)
    # when the manager measures the savings of grid electricity against production in kg
    measurement = services.savings_measure(by=world.users["manager"], case=case, metric="electricity_grid")
    # then the baseline (OLS of use on production over 2023, computed here with numpy) is accepted
    months = _months()
    x = np.array([_production(i) for i in range(12)])
    y = np.array([5000.0 + 2.0 * x[i] + 40.0 * (1 if i % 2 else -1) for i in range(12)])
    beta = np.linalg.lstsq(np.column_stack([np.ones(12), x]), y, rcond=None)[0]
    assert measurement.accepted is True and measurement.model["reasons"] == []
    assert measurement.model["coefficients"]["intercept"] == pytest.approx(beta[0], rel=1e-9)
    assert measurement.model["coefficients"]["production"] == pytest.approx(beta[1], rel=1e-9)
    assert (measurement.baseline_from, measurement.baseline_to, measurement.reporting_from, measurement.reporting_to) == (
        months[0], months[11], months[13], months[23])
    # avoided = Σ (β0 + β1 × production − actual) over February to December 2024
    reporting = range(13, 24)
    actual = [0.9 * (5000.0 + 2.0 * _production(i)) + 40.0 * (1 if i % 2 else -1) for i in reporting]
    adjusted = [beta[0] + beta[1] * _production(i) for i in reporting]
    expected = sum(adjusted) - sum(actual)
    assert measurement.avoided_quantity == pytest.approx(expected, rel=1e-9)
    assert measurement.result["avoided_fraction"] == pytest.approx(expected / sum(adjusted), rel=1e-9)
    assert (measurement.unit, measurement.result["confidence"]) == ("kWh", 0.68)
    assert measurement.uncertainty > 0
    # the money at the document's price, 0.10 USD/kWh
    assert measurement.avoided_money == Decimal(str(round(expected * 0.1, 2)))
    case.refresh_from_db()
    assert case.stage == "verified"
    assert list(case.stage_changes.values_list("from_stage", "to_stage")) == [("implemented", "verified")]
    assert AuditEvent.objects.filter(object_type="interventions.measuredsavings", action="create").count() == 1
    # and the programme's pipeline counts the money measured and the 10,000 USD mobilised (implemented, own funds)
    from loomlight.interventions.selectors import pipeline

    own = next(g for g in pipeline(world.users["admin"])["groups"] if g["scope"] == "facility")
    assert (own["savings_measured"], own["cases_measured"], own["investment_mobilised"]) == (
        measurement.avoided_money, 1, Decimal("10000"))


def test_a_noisy_baseline_is_stored_as_not_accepted_and_the_stage_does_not_move(world):
    # given the same history with ±10,000 kWh alternating noise (use about 35,000 kWh: CV(RMSE) near 30 % > 15 %)
    _history(world.own, noise=10000.0, effect=0.10)
    case = _implemented(world)
    measurement = services.savings_measure(by=world.users["manager"], case=case, metric="electricity_grid")
    assert (measurement.accepted, measurement.model["reasons"]) == (False, ["cv_rmse"])
    assert measurement.model["cv_rmse"] > 0.15
    assert (measurement.avoided_quantity, measurement.avoided_money, measurement.result) == (None, None, {})
    case.refresh_from_db()
    assert case.stage == "implemented" and case.stage_changes.count() == 0


def test_savings_are_measured_only_after_implementation_with_months_on_both_sides(world):
    manager = world.users["manager"]
    _history(world.own, noise=40.0, effect=0.10)
    financed = _case(world, stage="financed", amount=Decimal("1"), instrument="loan")
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.savings_measure(by=manager, case=financed, metric="electricity_grid")
    assert set(refused.value.message_dict) == {"stage"}
    late = _case(world, stage="implemented", implemented_on=datetime.date(2025, 3, 1))   # no month after it
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.savings_measure(by=manager, case=late, metric="electricity_grid")
    assert set(refused.value.message_dict) == {"metric"}
    with pytest.raises(ValidationError) as refused:
        services.savings_measure(by=manager, case=late, metric="water_municipal")
    assert set(refused.value.message_dict) == {"metric"}
    with pytest.raises(PermissionDenied):
        services.savings_measure(by=world.users["data_entry"], case=late, metric="electricity_grid")
    assert _state() == before


def test_a_financier_must_be_of_kind_financier(world):
    case = _case(world, stage="seeking_finance")
    bank = Organisation.objects.get(name="Green Finance Bank")
    services.case_stage_set(by=world.users["admin"], case=case, stage="financed", financier=bank, amount=100)
    case.refresh_from_db()
    assert (case.financier, case.amount, case.instrument) == (bank, Decimal("100.00"), "")


def test_a_park_s_group_solar_case_belongs_to_the_park_and_its_programme(world):
    # given the park's operator; when it builds the park's group rooftop solar case (the document's country left out)
    document = {k: v for k, v in DOCUMENT.items() if k != "country"}
    case = services.case_create(by=world.users["park_operator"], park=world.park, intervention="park_group_rooftop_solar",
                                title="Group rooftop solar", document=document)
    # then it is the park's, in the programme enrolling the park, in the park's country, with the same figures
    assert (case.park, case.facility, case.programme, case.document["country"]) == (world.park, None, world.programme, "VN")
    assert case.result["npv"] == pytest.approx(8953.93, abs=0.01)
    # a tenant's manager may not build one for the park
    before = _state()
    with pytest.raises(PermissionDenied):
        services.case_create(by=world.users["manager"], park=world.park, intervention="park_group_rooftop_solar",
                             title="Mine", document=document)
    assert _state() == before


def test_a_verified_case_is_locked(world):
    case = _case(world, stage="verified")
    before = _state()
    with pytest.raises(ValidationError) as refused:
        services.case_update(by=world.users["manager"], case=case, title="Renamed")
    assert set(refused.value.message_dict) == {"__all__"}
    assert _state() == before
