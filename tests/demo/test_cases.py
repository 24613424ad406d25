"""The demo's business cases (demo/cases.py, issue 18 point 10): every pipeline stage, financed cases with the demo
financier, cases shared with it where a consent names business cases, measured savings accepted and one refused, a
park's group rooftop solar divided among its tenants, a programme curve with no-regret and costly bars, and every
stored result what ``evaluate_document`` makes of the stored document.

Read-only tests on the module's one demo load (the fixture of test_generator.py, on its build day: 10 April 2026,
the last complete year 2025)."""

from __future__ import annotations

import datetime
import json
from collections import Counter

import pytest
from django.test import Client

from loomlight.calc import macc
from loomlight.demo import cases as demo_cases
from loomlight.demo.generator import FINANCIER, plan
from loomlight.interventions import access, selectors
from loomlight.interventions.document import evaluate_document
from loomlight.interventions.models import STAGE_ORDER, BusinessCase, MeasuredSavings, Stage, StageChange
from loomlight.interventions.services import APP_KEYS
from loomlight.programmes.models import Programme
from loomlight.registry.models import Consent
from tests.demo.helpers import BUILD_DAY, user
from tests.demo.test_generator import _loaded_once, demo  # noqa: F401 (the module's one demo load)

FINANCED_OR_LATER = ("financed", "implemented", "verified")


def test_the_plan_depends_on_the_seed_and_the_last_complete_year_alone():
    # given two build days of the same last complete year (2025), then the same cases are measured, so the months
    # a later run adds follow the same measures
    day, later = BUILD_DAY.date(), datetime.date(2026, 5, 25)
    first = demo_cases.plan_cases(plan(2026, day), day)
    assert first.adjustments() == demo_cases.plan_cases(plan(2026, later), later).adjustments()
    assert len(first.adjustments()) == demo_cases.MEASURED_ACCEPTED + demo_cases.MEASURED_REFUSED
    assert demo_cases.last_complete_year(day) == 2025
    assert demo_cases.last_complete_year(datetime.date(2026, 1, 19)) == 2024  # December 2025 due on 20 January


def test_every_stage_of_the_pipeline_is_present(demo):
    stages = Counter(BusinessCase.objects.values_list("stage", flat=True))
    assert set(stages) == set(STAGE_ORDER)
    assert all(stages[s] >= 2 for s in STAGE_ORDER if s != "verified")
    assert stages["verified"] == demo_cases.MEASURED_ACCEPTED


def test_every_financed_case_names_the_financier_an_instrument_and_an_amount(demo):
    financed = BusinessCase.objects.filter(stage__in=FINANCED_OR_LATER)
    assert financed.count() >= 6
    for case in financed:
        assert case.financier.name == FINANCIER, case
        assert case.instrument in demo_cases.INSTRUMENTS, case
        assert case.amount is not None and case.amount > 0, case
        # the move to "financed" recorded the same finance
        move = case.stage_changes.get(to_stage="financed")
        assert (move.financier_id, move.instrument, move.amount) == (case.financier_id, case.instrument, case.amount)
    assert not BusinessCase.objects.exclude(stage__in=FINANCED_OR_LATER).filter(amount__isnull=False).exists()


def test_each_case_moved_one_stage_at_a_time_before_the_build_day(demo):
    build = BUILD_DAY
    for case in BusinessCase.objects.prefetch_related("stage_changes"):
        moves = sorted(case.stage_changes.all(), key=lambda m: (m.at, m.pk))
        assert [m.to_stage for m in moves] == list(STAGE_ORDER[:STAGE_ORDER.index(case.stage) + 1]), case
        assert [m.from_stage for m in moves] == ["", *STAGE_ORDER[:STAGE_ORDER.index(case.stage)]], case
        assert all(m.at < build for m in moves), case
        assert moves[0].at == case.created_at
        if case.stage in ("implemented", "verified"):
            assert case.implemented_on is not None and case.implemented_on < build.date()
            implemented = next(m for m in moves if m.to_stage == "implemented")
            assert implemented.at.date() == case.implemented_on, case


def test_measured_savings_accepted_where_the_months_show_them_and_one_refused(demo):
    # given the verified cases, then each has an accepted measurement (ASHRAE Guideline 14: CV(RMSE) <= 15 %,
    # |NMBE| <= 5 %) whose avoided share is the measure's share of the months after implemented_on
    verified = BusinessCase.objects.filter(stage=Stage.VERIFIED)
    assert verified.count() == demo_cases.MEASURED_ACCEPTED
    for case in verified:
        (m,) = case.measurements.all()
        assert m.accepted and m.model["cv_rmse"] <= 0.15 and abs(m.model["nmbe"]) <= 0.05, m.model
        assert m.metric == demo_cases.MEASURED_METRIC and m.avoided_quantity > 0
        share = case.document["savings"][0]["quantity"] / _baseline_use(case)
        # Option C counts every change of the facility against its baseline: the measure's share, and the demo's
        # ±5 % monthly noise and small drift of intensity (below MAX_DRIFT over the window) with it
        assert m.result["avoided_fraction"] == pytest.approx(share, abs=0.08)
        stored = _stored_after(case)  # (a month never reported is not stored)
        assert len(stored) >= 9 and stored == {k: v for k, v in _planned_after(case).items() if k in stored}
        assert m.avoided_money is not None and m.avoided_money > 0
        assert case.stage_changes.get(to_stage="verified").at < BUILD_DAY
    # and one implemented case whose baseline months were estimated from bills: refused, the stage unmoved
    refused = MeasuredSavings.objects.filter(accepted=False)
    assert refused.count() == demo_cases.MEASURED_REFUSED
    (m,) = refused
    assert m.case.stage == Stage.IMPLEMENTED and "cv_rmse" in m.model["reasons"] and m.model["cv_rmse"] > 0.15
    assert m.avoided_quantity is None and m.avoided_money is None


def _stored_after(case) -> dict:
    from loomlight.reporting.models import ActivityValue

    return dict(ActivityValue.objects.filter(facility=case.facility, metric=demo_cases.MEASURED_METRIC,
                                             period__gte=case.implemented_on).values_list("period", "value"))


def _planned_after(case) -> dict:
    """The facility's planned months (demo/monthly.py) from implemented_on on, less the measure's share."""
    from loomlight.demo import monthly

    day = BUILD_DAY.date()
    demo_plan = plan(2026, day)
    implemented_on, share, _measured = demo_cases.plan_cases(demo_plan, day).adjustments()[
        (case.facility.name, demo_cases.MEASURED_METRIC)]
    assert implemented_on == case.implemented_on
    profile = demo_cases.profiles(demo_plan)[case.facility.name]
    months = [m for m in monthly.window(day) if m >= implemented_on]
    return {r.period: round(r.value * (1 - share), 3) for r in monthly.plan_monthly([profile], 2026, months, gaps=False)
            if r.metric == demo_cases.MEASURED_METRIC}


def _baseline_use(case) -> float:
    """The facility's stored use of the measured metric in the case's baseline year."""
    from django.db.models import Sum

    from loomlight.reporting.models import ActivityValue

    return ActivityValue.objects.filter(facility=case.facility, metric=demo_cases.MEASURED_METRIC,
                                        period__year=case.baseline_year).aggregate(s=Sum("value"))["s"]


def test_the_financier_sees_exactly_the_shared_cases_of_the_facilities_consenting_to_it(demo):
    financier = user("financier")
    # a case is made of the facility's environmental and GHG data: the consent names those and business cases
    consenting = {c.facility_id for c in Consent.objects.filter(grantee__name=FINANCIER) if c.is_active()
                  and {"business_cases", "environmental", "ghg"} <= set(c.data_kinds)}
    expected = set(BusinessCase.objects.filter(facility_id__in=consenting, shared_with_financiers=True,
                                               stage__in=STAGE_ORDER[2:]).values_list("pk", flat=True))
    seen = set(access.cases_visible(financier).values_list("pk", flat=True))
    assert seen == expected and len(expected) >= 3
    # shared cases it does not see: at facilities without its consent, or not yet seeking finance
    hidden = BusinessCase.objects.filter(shared_with_financiers=True).exclude(pk__in=seen)
    assert hidden.filter(stage=Stage.FEASIBILITY, facility_id__in=consenting).exists()
    assert hidden.exclude(facility_id__in=consenting).exists()


def test_every_result_is_what_evaluate_document_makes_of_the_stored_document(demo):
    for case in BusinessCase.objects.all():
        document = {k: v for k, v in case.document.items() if k not in APP_KEYS}   # solar, biomass_switch: kept, not evaluated
        assert case.result == json.loads(json.dumps(evaluate_document(document))), case  # as JSON stores it


def test_the_parks_group_solar_is_divided_among_its_tenants(demo):
    (case,) = BusinessCase.objects.filter(park__isnull=False)
    solar = case.document["solar"]
    assert case.park.name == demo_cases.SOLAR_PARK and solar["rule"] == "consumption"
    assert sum(solar["allocation"].values()) == pytest.approx(solar["annual_kwh"], abs=1e-6)
    # the savings are the generation's self-consumption against the tenants' summed months (and its export)
    assert sum(line["quantity"] for line in case.document["savings"]) == pytest.approx(solar["annual_kwh"], abs=1.0)
    tenants = set(case.park.facilities.values_list("name", flat=True))
    assert set(solar["allocation"]) <= tenants and len(solar["allocation"]) >= 3
    # each tenant's part is its share of the tenants' electricity use
    total = sum(solar["shares"].values())
    for tenant, kwh in solar["allocation"].items():
        assert kwh == pytest.approx(solar["annual_kwh"] * solar["shares"][tenant] / total, abs=1.0)


def test_every_solar_case_says_what_its_generation_rests_on(demo):
    # given the demo's rooftop solar cases (own roofs and the park's group solar), then each stores the summary the
    # case page reads (document["solar"]["yield"], as the case builder's interventions.solar writes it) ...
    solar_cases = BusinessCase.objects.filter(intervention__in=["rooftop_solar_pv", "park_group_rooftop_solar"])
    assert solar_cases.filter(park__isnull=False).count() == 1
    assert solar_cases.filter(facility__isnull=False).count() >= 1
    for case in solar_cases:
        summary = case.document["solar"]["yield"]
        assert set(summary) == {"kwp", "annual_kwh", "specific_yield_kwh_per_kwp", "scaled_to", "flags",
                                "self_consumed_kwh", "exported_kwh", "self_consumed_share", "coverage_share",
                                "load_basis"}, case
        # ... whose self-consumed and exported kWh add up to the year's generation ...
        assert summary["self_consumed_kwh"] + summary["exported_kwh"] == pytest.approx(summary["annual_kwh"],
                                                                                       rel=1e-9), case
        assert summary["annual_kwh"] == pytest.approx(summary["kwp"] * summary["specific_yield_kwh_per_kwp"],
                                                      rel=1e-9), case
        assert summary["self_consumed_share"] == pytest.approx(summary["self_consumed_kwh"] / summary["annual_kwh"])
        # ... and whose saving lines are those kWh: used on site at the grid price, the export at its own
        lines = {line["metric"]: line for line in case.document["savings"]}
        assert lines["electricity_solar_self_consumed"]["quantity"] == summary["self_consumed_kwh"], case
        assert lines.get("electricity_exported", {"quantity": 0.0})["quantity"] == summary["exported_kwh"], case
        assert summary["load_basis"] == "monthly_totals:two_shifts", case
    # the case page says so: the yield, and the clear-sky flag (no irradiance is shipped near the demo's sites)
    assert {case.document["solar"]["yield"]["scaled_to"] for case in solar_cases} == {"clear_sky"}
    client = Client()
    client.force_login(user("admin"))
    page = client.get(f"/cases/{solar_cases.filter(park__isnull=True).first().pk}/").content.decode()
    assert 'data-testid="solar-yield"' in page and 'data-testid="solar-clear-sky"' in page
    # an own roof sized to the catalogue's share of the facility's electricity (DEMO_FIGURES: 15 %), to 0.1 kWp
    own = solar_cases.filter(facility__isnull=False).first()
    kwp, specific = own.document["solar"]["kwp"], own.document["solar"]["yield"]["specific_yield_kwh_per_kwp"]
    assert kwp == pytest.approx(0.15 * _baseline_use(own) / specific, abs=0.05 + 1e-9)  # 0.1 kWp rounding


def test_the_programme_curve_has_no_regret_and_costly_bars(demo):
    programme = Programme.objects.get(code="mekong-demo")
    curve = macc.curve(selectors.curve_items(user("admin"), "programme", programme.pk))
    assert len(curve.bars) >= 10
    assert any(b.no_regret for b in curve.bars) and any(not b.no_regret for b in curve.bars)
    assert [b.cost_per_tco2e for b in curve.bars] == sorted(b.cost_per_tco2e for b in curve.bars)


def test_the_cases_are_audited(demo):
    from loomlight.audit.models import AuditEvent

    events = AuditEvent.objects.filter(object_type="interventions.businesscase", via="demo")
    assert set(events.filter(action="create").values_list("object_id", flat=True)) == {
        str(pk) for pk in BusinessCase.objects.values_list("pk", flat=True)}
    # one update per move after the first, and the verification by the measurement
    assert events.filter(action="update").count() == StageChange.objects.exclude(from_stage="").count()
