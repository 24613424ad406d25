"""The demo programme as loaded with the default seed: complete, plausible, written
through the registry services (audited), safe (no usable passwords unless asked).

The tests here only read, so they share one load (rolled back after the module);
tests that need an empty database are in test_loading.py."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import os
import subprocess
import sys
import unicodedata
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from loomlight.audit.models import AuditEvent
from loomlight.calc.geo import haversine_km
from loomlight.demo.generator import BRANDS, DEMO_CODE, FINANCIER, load_demo, plan, tier_for
from loomlight.programmes.models import Programme
from loomlight.registry import policy
from loomlight.registry.models import (
    Consent,
    DataKind,
    Facility,
    IndustrialPark,
    Membership,
    Organisation,
    OrganisationKind,
    Process,
    ProductType,
    Role,
    SharedFacility,
    SharedFacilityKind,
)
from loomlight.registry.validators import OS_HUB_ID_RE
from tests.demo.helpers import (
    EXPECTED_LOGINS,
    consent_rows_from_db,
    consent_rows_from_plan,
    facility_rows_from_db,
    facility_rows_from_plan,
    on_build_day,
    user,
)

#: Generous boxes around each country [degrees]: (south, north, west, east).
COUNTRY_BOXES = {
    "VN": (8.2, 23.5, 102.1, 109.6),
    "KH": (10.3, 14.7, 102.3, 107.7),
    "TH": (5.6, 20.5, 97.3, 105.7),
    "ET": (3.3, 15.0, 32.9, 48.0),
    "KE": (-4.8, 5.1, 33.9, 42.0),
}


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), on_build_day():  # its tests run on that day too
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(_loaded_once, db):
    """The summary of the demo loaded with the default seed (each test in a savepoint)."""
    return _loaded_once


# --- determinism -----------------------------------------------------------------

def test_the_plan_depends_on_the_seed_alone():
    assert plan(2026) == plan(2026)
    other = plan(7)
    assert other != plan(2026)
    assert {f.name for f in other.facilities} != {f.name for f in plan(2026).facilities}
    assert len(other.facilities) == len(plan(2026).facilities) == 66


def test_the_plan_does_not_depend_on_hash_randomisation():
    code = (
        "import datetime, django, hashlib; django.setup(); from loomlight.demo.generator import plan; "
        "print(hashlib.sha256(repr(plan(2026, datetime.date(2026, 4, 10))).encode()).hexdigest())"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "DJANGO_SETTINGS_MODULE": "tests.settings"}
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        digests.add(result.stdout.strip())
    assert digests == {hashlib.sha256(repr(plan(2026, datetime.date(2026, 4, 10))).encode()).hexdigest()}


def test_the_database_holds_exactly_the_plan(demo):
    expected = plan(2026)
    assert facility_rows_from_db() == facility_rows_from_plan(expected)
    assert consent_rows_from_db() == consent_rows_from_plan(expected)
    assert sorted((p.name, p.name_local, p.country, p.province, p.latitude, p.longitude, p.area_ha, p.operator.name,
                   p.year_established) for p in IndustrialPark.objects.all()) == sorted(
        dataclasses.astuple(p) for p in expected.parks)
    assert sorted((s.park.name, s.kind, s.name, s.capacity, tuple(sorted(f.name for f in s.serves.all())))
                  for s in SharedFacility.objects.all()) == sorted(
        (s.park, s.kind, s.name, s.capacity, tuple(sorted(s.serves))) for s in expected.shared_facilities)


# --- idempotency -----------------------------------------------------------------

def _counts():
    return {model.__name__: model.objects.count()
            for model in (Programme, Organisation, IndustrialPark, Facility, SharedFacility, Membership, Consent,
                          AuditEvent, get_user_model())}


def test_loading_twice_keeps_one_demo_programme(demo):
    before = _counts()
    again = load_demo(seed=99)  # another seed changes nothing either: the demo exists
    assert again.created is False
    assert again == dataclasses.replace(demo, created=False)
    assert _counts() == before
    assert Programme.objects.filter(code=DEMO_CODE).count() == 1


def test_summary(demo):
    assert dataclasses.replace(demo, logins=()) == dataclasses.replace(
        demo, programme="Mekong Clean Apparel Alliance", code=DEMO_CODE, created=True, parks=4, facilities=66,
        facilities_outside_parks=22, shared_facilities=12, organisations=17, users=8, memberships=7, consents=23,
        consents_active=20, passwords=False, logins=(), through=datetime.date(2026, 3, 1),
    )
    assert demo.logins == EXPECTED_LOGINS


# --- content ---------------------------------------------------------------------

def test_parks_in_viet_nam_cambodia_ethiopia_and_kenya(demo):
    parks = list(IndustrialPark.objects.select_related("operator"))
    assert sorted(p.country for p in parks) == ["ET", "KE", "KH", "VN"]
    for park in parks:
        south, north, west, east = COUNTRY_BOXES[park.country]
        assert south <= park.latitude <= north and west <= park.longitude <= east, park
        assert park.province and park.area_ha > 0 and 1990 <= park.year_established <= 2025
        assert park.operator.kind == OrganisationKind.PARK_OPERATOR
        assert park.programmes.filter(code=DEMO_CODE).exists()


def test_facilities_are_varied_and_plausible(demo):
    facilities = list(Facility.objects.select_related("park"))
    assert len(facilities) == 66
    assert len({f.name for f in facilities}) == 66
    assert {p for f in facilities for p in f.processes} == set(Process.values)
    assert {p for f in facilities for p in f.product_types} <= set(ProductType.values)
    assert Counter(f.tier for f in facilities) == {1: 41, 2: 20, 3: 5}
    outside = Counter(f.country for f in facilities if f.park is None)
    assert outside == {"VN": 8, "KH": 6, "TH": 8}
    for f in facilities:
        f.full_clean()
        assert f.tier == tier_for(f.processes), f
        assert 80 <= f.headcount_total <= 6000, f
        share = f.headcount_female / f.headcount_total
        if set(f.processes) <= {"cut_make_trim", "printing", "footwear_assembly"}:
            assert 0.64 <= share <= 0.86, f  # sewing and footwear lines: mostly women
        elif {"spinning", "weaving", "knitting", "dyeing", "tannery"} & set(f.processes) or f.processes == ["laundry"]:
            assert share <= 0.56, f  # mills, laundries, tanneries: fewer
        south, north, west, east = COUNTRY_BOXES[f.country]
        assert south <= f.latitude <= north and west <= f.longitude <= east, f
        if f.park:
            assert haversine_km(f.latitude, f.longitude, f.park.latitude, f.park.longitude) < 2.0, f
    totals = [f.headcount_total for f in facilities]
    assert min(totals) < 200 and max(totals) > 5000


def _has_script(text: str, first: int, last: int) -> bool:
    return any(first <= ord(c) <= last for c in text)


def test_local_names_are_in_the_local_script(demo):
    for f in Facility.objects.all():
        if f.country == "VN":
            assert any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", f.name_local)) or "đ" in f.name_local.lower(), f
        elif f.country == "KH":
            assert _has_script(f.name_local, 0x1780, 0x17FF), f  # Khmer
        elif f.country == "TH":
            assert _has_script(f.name_local, 0x0E00, 0x0E7F), f  # Thai
    assert _has_script(IndustrialPark.objects.get(country="ET").name_local, 0x1200, 0x137F)  # Ethiopic
    assert _has_script(IndustrialPark.objects.get(country="KH").name_local, 0x1780, 0x17FF)


def test_open_supply_hub_ids(demo):
    ids = list(Facility.objects.exclude(os_hub_id="").values_list("os_hub_id", "country"))
    assert len(ids) == 9 and len({i for i, _c in ids}) == 9
    assert all(OS_HUB_ID_RE.match(i) and i.startswith(country) for i, country in ids)


def test_organisations_of_every_kind(demo):
    kinds = Counter(Organisation.objects.values_list("kind", flat=True))
    assert set(kinds) == set(OrganisationKind.values)
    assert kinds == {"manufacturer_group": 7, "park_operator": 4, "brand": 2, "financier": 1, "public_agency": 1,
                     "ngo": 1, "programme_implementer": 1}
    programme = Programme.objects.get(code=DEMO_CODE)
    assert programme.implementer.kind == OrganisationKind.PROGRAMME_IMPLEMENTER
    for group in Organisation.objects.filter(kind=OrganisationKind.MANUFACTURER_GROUP):
        assert group.facilities.count() >= 2, group
    for o in Organisation.objects.all():
        o.full_clean()


def test_shared_facilities_serve_their_own_park(demo):
    for park in IndustrialPark.objects.all():
        shared = list(park.shared_facilities.all())
        kinds = {s.kind for s in shared}
        assert SharedFacilityKind.CETP in kinds and len(kinds) >= 2, park
        in_park = set(park.facilities.values_list("pk", flat=True))
        for s in shared:
            served = set(s.serves.values_list("pk", flat=True))
            assert served and served <= in_park, s
            if s.kind == SharedFacilityKind.CETP:
                assert served == in_park
    assert Counter(SharedFacility.objects.values_list("kind", flat=True)) == {
        "cetp": 4, "rooftop_solar": 3, "steam_heat": 2, "waste_centre": 3}


# --- enrolment, roles, consent ------------------------------------------------------

def test_every_facility_is_enrolled_and_visible_to_the_programme_admin(demo):
    programme = Programme.objects.get(code=DEMO_CODE)
    enrolled_parks = set(programme.parks.values_list("pk", flat=True))
    direct = set(programme.facilities.values_list("pk", flat=True))
    for f in Facility.objects.all():
        assert f.pk in direct or f.park_id in enrolled_parks, f
    visible = set(policy.facilities_visible(user("admin")).values_list("pk", flat=True))
    assert visible == set(Facility.objects.values_list("pk", flat=True))
    assert set(policy.facilities_visible(user("assessor")).values_list("pk", flat=True)) == visible


def test_a_login_for_every_role(demo):
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert sorted(roles.values()) == sorted(Role.values)
    for m in Membership.objects.all():
        scope_type = next(t for t in ("programme", "organisation", "park", "facility") if getattr(m, f"{t}_id"))
        assert scope_type in policy.ROLE_SCOPES[m.role], m
    operator = user("operator")
    assert operator.is_superuser and operator.is_staff and not operator.memberships.exists()


def test_what_each_login_sees(demo):
    park = IndustrialPark.objects.get(name="Song Xanh Eco-Industrial Park")
    assert set(policy.facilities_visible(user("park"))) == set(park.facilities.all())
    manager_facility = Facility.objects.get(name="Hung Phat Sportswear")
    assert list(policy.facilities_visible(user("manager"))) == [manager_facility]
    assert list(policy.facilities_visible(user("dataentry"))) == [manager_facility]
    assert policy.can(user("manager"), policy.Action.MANAGE_CONSENT, manager_facility)
    assert not policy.can(user("dataentry"), policy.Action.MANAGE_CONSENT, manager_facility)

    def active_consents_to(grantee):
        today = datetime.date.today()
        return {c.facility for c in plan(2026).consents
                if c.grantee == grantee and not c.revoked and (c.valid_until is None or c.valid_until >= today)}

    # eight facilities since long ago and one since nine days (generator._plan_recent_consents)
    brand_sees = {f.name for f in policy.facilities_visible(user("brand"))}
    assert brand_sees == active_consents_to(BRANDS[0]) and len(brand_sees) == 9
    assert "Hung Phat Sportswear" in brand_sees
    # three, and one whose consent runs out in 20 days
    financier_sees = {f.name for f in policy.facilities_visible(user("financier"))}
    assert financier_sees == active_consents_to(FINANCIER) and len(financier_sees) == 4


def test_consents_to_exactly_two_brands(demo):
    brands = set(Consent.objects.filter(grantee__kind=OrganisationKind.BRAND).values_list("grantee__name", flat=True))
    assert brands == set(BRANDS)
    assert set(Consent.objects.values_list("grantee__kind", flat=True)) == {OrganisationKind.BRAND, OrganisationKind.FINANCIER}
    consenting = set(Consent.objects.filter(grantee__kind=OrganisationKind.BRAND).values_list("facility", flat=True))
    assert len(consenting) == 12 + 1  # and one that withdrew its consent six days ago
    assert {k for kinds in Consent.objects.values_list("data_kinds", flat=True) for k in kinds} <= set(DataKind.values)
    assert all("profile" in c.data_kinds for c in Consent.objects.all())  # without it the grantee sees nothing
    revoked, withdrawn = Consent.objects.filter(revoked_at__isnull=False).order_by("revoked_at")
    expired = Consent.objects.get(valid_until__lt=datetime.date.today())
    assert revoked.grantee.kind == withdrawn.grantee.kind == expired.grantee.kind == OrganisationKind.BRAND
    assert revoked.revoked_by == user("manager") and not revoked.is_active() and not expired.is_active()
    assert withdrawn.revoked_by == user("operator") and withdrawn.grantee.name == BRANDS[0]
    manager_consents = Consent.objects.filter(facility__name="Hung Phat Sportswear")
    assert {c.granted_by.username for c in manager_consents} == {"manager"}
    assert sum(c.is_active() for c in manager_consents) == 1
    assert Counter(c.grantee.name for c in Consent.objects.all() if c.is_active()) == {
        BRANDS[0]: 9, BRANDS[1]: 7, FINANCIER: 4}


def test_the_audit_trail_records_the_demo(demo):
    from loomlight.biomass.models import ChainStep, Screening, Supplier, SupplyStream
    from loomlight.consultations.models import GuidelineSection
    from loomlight.interventions.models import BusinessCase, MeasuredSavings, StageChange
    from loomlight.reporting.models import ReportingPeriod

    events = AuditEvent.objects.filter(via="demo")
    by_type = Counter(events.values_list("object_type", flat=True))
    states = Counter(ReportingPeriod.objects.values_list("status", flat=True))
    # each month not in draft was submitted (one event), and a verified or returned one reviewed (a second)
    months = states["submitted"] + 2 * (states["verified"] + states["returned"])
    assert by_type == {
        "registry.organisation": 17, "programmes.programme": 1, "registry.industrialpark": 4, "registry.facility": 66,
        "registry.sharedfacility": 12, "registry.membership": 7, "registry.consent": 25,  # 23 grants + 2 revocations
        "registry.sharedfacilityconsent": 1,  # the park operator shares its central plant's results with a brand
        # routes of the 35 wet facilities and 3 central plants, 5 permits with 7 limits each, 4 permit files,
        # 6 intake limits (demo/discharge.py; tests/demo/test_discharge.py reads them)
        "wastewater.discharge": 38, "wastewater.dischargepermit": 5, "wastewater.permitlimit": 35,
        "evidence.evidence": 4, "wastewater.intakelimit": 6,
        "reporting.reportingperiod": months, "demo.build": 1,  # the day, seed and last month of the build
        "assessments.frameworkversion": 3,  # the three built-in frameworks, published for the demo's cycles
        # each business case created and moved on (tests/demo/test_cases.py reads them), its savings measured
        "interventions.businesscase": BusinessCase.objects.count() + StageChange.objects.exclude(from_stage="").count(),
        "interventions.measuredsavings": MeasuredSavings.objects.count(),
        # the biomass part (demo/biomass.py; tests/demo/test_biomass.py reads it): each record created, each
        # screening started, answered and completed; the guideline created and its author named, its sections, its
        # comment period, the removal of one comment's personal details (the comments came by the public form)
        "biomass.supplier": Supplier.objects.count(), "biomass.supplystream": SupplyStream.objects.count(),
        "biomass.chainstep": ChainStep.objects.count(), "biomass.screening": 3 * Screening.objects.count(),
        "consultations.guideline": 2, "consultations.guidelinesection": GuidelineSection.objects.count(),
        "consultations.commentperiod": 1, "consultations.comment": 1,
    }
    actors = Counter(events.exclude(object_type="reporting.reportingperiod").exclude(object_type__startswith="interventions.")
                     .exclude(object_type__startswith="biomass.").exclude(object_type__startswith="consultations.")
                     .values_list("actor__username", flat=True))
    # the manager grants two consents, revokes one and records its facility's route; the park operator shares its
    # central plant's results and records the plant's route, permit (1 + 7 limits) and 6 intake limits; the
    # operator also grants the three recent consents, revokes one and records the build
    assert actors == {"operator": 128 - 3 + 36 + 4 + 28 + 4 + 3 + 1 + 1 + 3, "manager": 3 + 1, "park": 1 + 1 + 8 + 6}
    # the months: submitted by the facility's users (the manager's by its manager), reviewed by the assessor
    reporting = events.filter(object_type="reporting.reportingperiod")
    manager_months = ReportingPeriod.objects.filter(facility__name="Hung Phat Sportswear").exclude(status="draft").count()
    assert Counter(reporting.values_list("actor__username", flat=True)) == {
        "manager": manager_months, "dataentry": states["submitted"] + states["verified"] + states["returned"] - manager_months,
        "assessor": states["verified"] + states["returned"]}
    # the biomass records of the manager's facility by its manager, the others' and the guideline's by the admin
    biomass = Counter(events.filter(object_type__startswith="biomass.").values_list("actor__username", flat=True))
    assert set(biomass) == {"manager", "admin"} and sum(biomass.values()) == sum(
        n for kind, n in by_type.items() if kind.startswith("biomass."))
    assert set(events.filter(object_type__startswith="consultations.").values_list("actor__username", flat=True)) == {"admin"}
    # only the public comments are not the demo's writes
    assert set(AuditEvent.objects.exclude(via="demo").values_list("object_type", "via")) == {("consultations.comment", "public")}


# --- passwords ----------------------------------------------------------------------

def _usable():
    return {u.username: u.has_usable_password() for u in get_user_model().objects.all()}


def test_no_usable_passwords_outside_demo_mode(demo, settings):
    assert settings.DEMO_MODE is False
    assert _usable() == {name: False for name, *_ in EXPECTED_LOGINS}


def test_the_demo_has_its_inventories_and_pages(demo, client):
    from django.db.models import Max

    from loomlight.inventories import services as inventories
    from loomlight.inventories.models import Inventory
    from loomlight.reporting.models import ActivityValue

    months = set(ActivityValue.objects.values_list("facility_id", "period").distinct())
    assert set(Inventory.objects.values_list("facility_id", "period")) == months
    assert inventories.stale() == set()
    manager_facility = Facility.objects.get(name="Hung Phat Sportswear")
    year = Inventory.objects.filter(facility=manager_facility).aggregate(last=Max("period"))["last"].year
    client.force_login(user("manager"))
    page = client.get(f"/emissions/facilities/{manager_facility.pk}/{year}/")
    assert page.status_code == 200 and page.context["data"]["this"]["total_location_tco2e"] > 0
    client.force_login(user("admin"))
    programme = Programme.objects.get(code=DEMO_CODE)
    page = client.get(f"/emissions/programmes/{programme.pk}/{year}/")
    assert page.status_code == 200
    assert page.context["data"]["facilities"] == Facility.objects.count()
    assert page.context["data"]["this"]["total_location_tco2e"] > 0
