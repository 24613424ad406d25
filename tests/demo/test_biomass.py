"""The demo's biomass part (demo/biomass.py, issue 19 point 8): suppliers along chains of several steps with four
risk profiles, a completed screening of every stream rated by the risk engine, a few screened twice, a coal
facility's fuel-switch business case sized on its own coal months, the biomass guideline's open comment period,
and the brand reading only the facility that consents to "biomass".

Read-only tests on the module's one demo load (the fixture of test_generator.py, on its build day: 10 April 2026)."""

from __future__ import annotations

import datetime
from collections import Counter

from loomlight.biomass import selectors, switch
from loomlight.biomass.document import switch_document
from loomlight.biomass.models import Screening, ScreeningStatus, SupplyStream
from loomlight.biomass.services import framework_of
from loomlight.calc.assessment.risk import rate
from loomlight.consultations import access as consultation_access
from loomlight.consultations.models import Comment, CommentPeriod
from loomlight.demo import biomass as demo_biomass
from loomlight.demo.generator import plan
from loomlight.interventions.models import BusinessCase
from loomlight.registry.models import Consent, Facility
from loomlight.reporting.models import ActivityValue
from tests.demo.helpers import BUILD_DAY, user
from tests.demo.test_generator import _loaded_once, demo  # noqa: F401 (the module's one demo load)

DAY = BUILD_DAY.date()


def test_the_plan_is_deterministic_and_covers_every_profile():
    # given the same seed and day, then the same plan; every profile appears, at the facilities burning biomass
    first = demo_biomass.plan_biomass(plan(2026, DAY), DAY)
    assert first == demo_biomass.plan_biomass(plan(2026, DAY), DAY)
    assert set(Counter(s.profile for s in first.streams)) == set(demo_biomass.PROFILES)
    fuels = demo_biomass.biomass_facilities(plan(2026, DAY))
    assert all(fuels[s.facility] == s.metric in demo_biomass.BIOMASS_METRICS for s in first.streams)
    # the shares of the streams sharing one metric at one facility add up to 1
    by_metric = Counter()
    for s in first.streams:
        by_metric[(s.facility, s.metric)] += s.share if s.share is not None else 1.0
    assert all(abs(total - 1.0) < 1e-9 for total in by_metric.values())
    assert first.period_opens < DAY < first.period_closes == DAY + datetime.timedelta(days=24)


def test_the_four_profiles_give_low_medium_unknown_and_high(demo):
    # given each profile's stream, then its latest completed screening's overall rating is the profile's
    expected = {code: p.expected for code, p in demo_biomass.PROFILES.items()}
    assert sorted(set(expected.values())) == ["high", "low", "medium", "unknown"]
    for stream in SupplyStream.objects.select_related("supplier"):
        profile = next(code for code, p in demo_biomass.PROFILES.items() if p.biomass_type == stream.biomass_type)
        latest = stream.screenings.filter(status=ScreeningStatus.COMPLETED).order_by("-screened_on", "-pk").first()
        assert latest.overall == expected[profile], (stream, latest.result["missing"])


def test_every_stream_has_a_completed_screening_rated_by_the_risk_engine(demo):
    streams = list(SupplyStream.objects.all())
    assert len(streams) == len(demo_biomass.plan_biomass(plan(2026, DAY), DAY).streams) >= 20
    for stream in streams:
        assert stream.screenings.filter(status=ScreeningStatus.COMPLETED).exists(), stream
        assert stream.steps.count() in (2, 3, 4), stream
    for screening in Screening.objects.all():
        assert screening.status == ScreeningStatus.COMPLETED
        engine = rate(framework_of(screening), screening.answers)
        assert screening.overall == screening.result["overall"] == engine.overall, screening
        assert screening.screened_on < DAY and screening.created_at < BUILD_DAY


def test_the_repeated_screenings_improve_months_later(demo):
    # given the streams screened twice, then the second follows the first, two months or more later, and is better
    # (high → unknown for the pellets, unknown → medium for the cashew shells)
    twice = [s for s in SupplyStream.objects.all() if s.screenings.count() == 2]
    assert twice
    for stream in twice:
        first, second = stream.screenings.order_by("screened_on")
        assert second.previous_id == first.pk
        assert (second.screened_on - first.screened_on).days >= 120
        assert (first.overall, second.overall) in (("high", "unknown"), ("unknown", "medium")), stream
    assert {s.biomass_type for s in twice} == {"wood_pellets", "cashew_nut_shells"}


def test_the_switch_case_is_switch_document_of_the_facility_coal_months(demo):
    # given the coal facility's business case, when the switch is recomputed from the sum of its coal months of the
    # baseline year (GJ, as stored), then the biomass tonnes are those the case stored
    case = BusinessCase.objects.get(intervention=switch.SWITCH_INTERVENTION, document__biomass_switch__isnull=False)
    facility = case.facility
    assert facility.name == demo_biomass.plan_biomass(plan(2026, DAY), DAY).switch_facility
    coal = sum(ActivityValue.objects.filter(facility=facility, metric="coal_bituminous", period__year=case.baseline_year)
               .values_list("value", flat=True))
    assert case.baseline_year == 2025 and coal > 0
    stored = case.document["biomass_switch"]
    assert stored["input"]["from"]["quantity"] == round(coal, 3)
    out = switch_document(switch.switch_input({**demo_biomass.SWITCH_ASSUMPTIONS, "from_metric": "coal_bituminous",
                                                "quantity": round(coal, 3)}, facility, case.baseline_year))
    assert stored["biomass_t"] == out["biomass_t"] > 0


def test_the_comment_period_is_open_and_its_comments_readable_by_the_authors_only(demo):
    period = CommentPeriod.objects.get()
    assert period.is_open(BUILD_DAY)
    assert period.closes_at.date() == DAY + datetime.timedelta(days=24)
    comments = Comment.objects.filter(period=period)
    assert comments.count() == len(demo_biomass.COMMENTS)
    assert set(comments.values_list("section__code", flat=True)) == {c[0] for c in demo_biomass.COMMENTS}
    redacted = comments.get(redacted_at__isnull=False)
    assert (redacted.name, redacted.organisation, redacted.email, redacted.client_key) == ("", "", "", "")
    assert list(period.guideline.authors.values_list("username", flat=True)) == ["admin"]
    assert consultation_access.can_read(user("admin"), period)
    for other in ("operator", "assessor", "manager", "brand", "financier", "park"):
        assert not consultation_access.can_read(user(other), period), other
        assert not consultation_access.comments_readable(user(other)).exists(), other


def test_the_brand_sees_only_the_facility_consenting_to_biomass(demo):
    brand = user("brand")
    consenting = {c.facility_id for c in Consent.objects.filter(grantee__name=demo_biomass.BRAND)
                  if c.is_active() and "biomass" in c.data_kinds}
    assert [Facility.objects.get(pk=pk).name for pk in consenting] == ["Hung Phat Sportswear"]
    portfolio = selectors.portfolio(brand)
    assert {r.facility.pk for r in portfolio.rows} == consenting
    assert portfolio.rows[0].streams            # its streams with their ratings
    assert portfolio.withheld and portfolio.totals is None   # one facility: below the threshold, no totals
    # the admin reads every facility with streams
    assert len(selectors.portfolio(user("admin")).rows) == SupplyStream.objects.values("facility").distinct().count()


def test_biomass_months_are_reported_in_tonnes_so_the_supply_is_weighted(demo):
    # demo/periodic.py: a biomass boiler's month is stored as the tonnes of its delivery notes, converted to energy
    # with the shipped IPCC NCV as the reporting service converts it (Wood/Wood Waste 15.6, Other Primary Solid
    # Biomass 11.6 GJ/t, reference/fuel_properties.csv); the facility's supply is then weighted by those tonnes
    month = ActivityValue.objects.filter(metric="biomass_rice_husk").first()
    assert month.original_unit == "t" and month.unit == "GJ"
    assert abs(month.value - month.original_value * 11.6) < 0.01 and month.conversion
    facility = SupplyStream.objects.filter(active=True).select_related("facility").first().facility
    supply = selectors.supply_risk(facility, user("admin"), today=DAY)
    assert supply.tonnes_total and supply.tonnes_total > 0 and supply.headline is not None
    assert abs(sum(r.tonnes for r in supply.streams if r.tonnes is not None) - supply.tonnes_total) < 1e-6
