"""Who may read, change, share and delete business cases: every role × every case (interventions.access), with
a brand's and a financier's consents, sharing and stages."""

from __future__ import annotations

import datetime

import pytest

from loomlight.interventions import access, selectors
from loomlight.interventions.models import BusinessCase
from loomlight.registry.models import Consent

ROLES = ["operator", "admin", "assessor", "park_operator", "manager", "group_manager", "data_entry",
         "neighbour_manager", "brand", "other_brand", "financier", "nobody"]


def _case(subject, title, stage="idea", shared=False, by=None):
    kind = "park" if subject.__class__.__name__ == "IndustrialPark" else "facility"
    return BusinessCase.objects.create(intervention="rooftop_solar_pv", title=title, stage=stage,
                                       shared_with_financiers=shared, created_by=by, document={"country": subject.country},
                                       result={"npv": 100.0, "eac": -10.0, "tco2e_per_year": 5.0, "savings_per_year": 50.0},
                                       **{kind: subject})


@pytest.fixture
def cases(world):
    """Own Dyehouse: a shared case seeking finance, a shared idea, a financed case not shared; a case of Neighbour
    Sewing (same park), of Green Park itself (group rooftop solar), and of Stranger Mill (another park, country)."""
    return {
        "own_shared": _case(world.own, "Boiler economiser", "seeking_finance", shared=True, by=world.users["manager"]),
        "own_idea": _case(world.own, "LED lighting", "idea", shared=True, by=world.users["data_entry"]),
        "own_private": _case(world.own, "Rooftop solar", "financed", shared=False),
        "neighbour": _case(world.neighbour, "Compressed air leaks", "feasibility"),
        "park": _case(world.park, "Group rooftop solar", "idea"),
        "stranger": _case(world.stranger, "Steam traps", "idea"),
    }


OWN = {"own_shared", "own_idea", "own_private"}
#: what a consent names for a case to be read through it: the case and the data it is made of
CASE_KINDS = ["business_cases", "environmental", "ghg"]
#: what each role reads without any consent naming business cases (the brand's consent names profile and
#: environmental data only: it reads none)
VISIBLE = {
    "operator": OWN | {"neighbour", "park", "stranger"},
    "admin": OWN | {"neighbour", "park"},
    "assessor": OWN | {"neighbour", "park"},
    "park_operator": OWN | {"neighbour", "park"},
    "manager": OWN, "group_manager": OWN, "data_entry": OWN,
    "neighbour_manager": {"neighbour"},
    "brand": set(), "other_brand": set(), "financier": set(), "nobody": set(),
}
EDITABLE = {
    "operator": OWN | {"neighbour", "park", "stranger"},
    "admin": OWN | {"neighbour", "park"},
    "park_operator": {"park"},
    "manager": OWN, "group_manager": OWN,
    "neighbour_manager": {"neighbour"},
}
SHAREABLE = {
    "operator": OWN | {"neighbour", "park", "stranger"},
    "park_operator": {"park"},
    "manager": OWN, "group_manager": OWN,
    "neighbour_manager": {"neighbour"},
}


def _names(cases, queryset) -> set[str]:
    ids = set(queryset.values_list("pk", flat=True))
    return {name for name, case in cases.items() if case.pk in ids}


def _consent(world, grantee, kinds):
    return Consent.objects.create(facility=world.own, grantee=grantee, data_kinds=kinds,
                                  valid_from=datetime.date(2020, 1, 1), granted_by=world.users["manager"])


@pytest.mark.parametrize("who", ROLES)
def test_who_reads_changes_and_shares_each_case(world, cases, who):
    user = world.users[who]
    assert _names(cases, access.cases_visible(user)) == VISIBLE[who]
    assert _names(cases, access.cases_editable(user)) == EDITABLE.get(who, set())
    assert _names(cases, access.cases_shareable(user)) == SHAREABLE.get(who, set())
    # what one may change, one may read
    assert EDITABLE.get(who, set()) <= VISIBLE[who]


def test_anonymous_reads_nothing(world, cases):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert (access.cases_visible(anonymous).count(), access.cases_editable(anonymous).count()) == (0, 0)
    assert access.can_create(anonymous, world.own) is False


def test_a_brand_reads_a_facility_s_cases_only_with_a_consent_naming_business_cases(world, cases):
    brand = world.users["brand"]
    # given the brand's consent naming profile and environmental data only: no case
    assert _names(cases, access.cases_visible(brand)) == set()
    # a consent naming business cases but not the environmental and GHG data the cases are made of: still none
    partial = Consent.objects.get(facility=world.own, grantee=world.brand)
    partial.data_kinds = ["profile", "business_cases", "ghg"]
    partial.save()
    assert _names(cases, access.cases_visible(brand)) == set()
    # when the facility names all three: every case of that facility, read only, not internal
    partial.data_kinds = ["profile", "business_cases", "ghg", "environmental"]
    partial.save()
    assert _names(cases, access.cases_visible(brand)) == OWN
    assert _names(cases, access.cases_internal(brand)) == set()
    assert _names(cases, access.cases_editable(brand)) == set()
    # another brand still sees nothing
    assert _names(cases, access.cases_visible(world.users["other_brand"])) == set()


def test_a_financier_reads_only_shared_cases_from_seeking_finance_with_a_consent(world, cases):
    financier = world.users["financier"]
    # shared cases, but no consent: nothing
    assert _names(cases, access.cases_visible(financier)) == set()
    # a consent that does not name business cases: still nothing
    first = _consent(world, world.financier, ["profile", "environmental", "ghg"])
    assert _names(cases, access.cases_visible(financier)) == set()
    # a consent naming business cases: the shared case seeking finance only (not the shared idea, not the private one)
    first.revoked_at, first.revoked_by = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC), world.users["manager"]
    first.save()
    _consent(world, world.financier, CASE_KINDS)
    assert _names(cases, access.cases_visible(financier)) == {"own_shared"}
    assert _names(cases, access.cases_internal(financier)) == set()
    # the facility withdraws the sharing: gone again
    BusinessCase.objects.filter(pk=cases["own_shared"].pk).update(shared_with_financiers=False)
    assert _names(cases, access.cases_visible(financier)) == set()


def test_a_revoked_consent_shows_nothing(world, cases):
    consent = _consent(world, world.brand, CASE_KINDS)
    consent.revoked_at, consent.revoked_by = datetime.datetime(2021, 1, 1, tzinfo=datetime.UTC), world.users["manager"]
    consent.save()
    assert _names(cases, access.cases_visible(world.users["brand"])) == set()


@pytest.mark.parametrize("who", ROLES)
def test_who_builds_a_case_for_a_facility_or_a_park(world, who):
    user = world.users[who]
    facility = {"operator", "admin", "manager", "group_manager"}
    park = {"operator", "admin", "park_operator"}
    assert access.can_create(user, world.own) is (who in facility)
    assert access.can_create(user, world.park) is (who in park)


def test_who_deletes(world, cases):
    # the creator while they may still change it, the facility's managers, the programme's admins
    idea = cases["own_idea"]   # created by data_entry, who may not change cases
    assert {who for who in ROLES if access.can_delete(world.users[who], idea)} == {"operator", "admin", "manager", "group_manager"}
    assert {who for who in ROLES if access.can_delete(world.users[who], cases["park"])} == {"operator", "admin", "park_operator"}


def test_groups_below_three_facilities_are_withheld_from_who_sees_through_consent(world, cases):
    # given a consent to the brand naming business cases from Own Dyehouse alone
    _consent(world, world.brand, CASE_KINDS)
    brand = world.users["brand"]
    pipeline = selectors.pipeline(brand)
    # then the facility's figures are given (its own 3 cases), the park's and the country's (one facility each)
    # are withheld
    assert [(g["scope"], g["name"], g["cases"]) for g in pipeline["groups"]] == [("facility", "Own Dyehouse", 3)]
    assert pipeline["withheld"] == 2 and pipeline["min_facilities"] == 3
    assert selectors.curve_items(brand, "country", "VN") == []
    assert [i.key for i in selectors.curve_items(brand, "facility", world.own.pk)] == [
        str(cases[n].pk) for n in ("own_shared", "own_idea", "own_private")]
    # and when three facilities consent, the park's total is given
    from loomlight.registry.models import Facility

    for i in (1, 2):
        tenant = Facility.objects.create(name=f"Tenant {i}", country="VN", park=world.park, tier=1, processes=["cut_make_trim"])
        Consent.objects.create(facility=tenant, grantee=world.brand, data_kinds=CASE_KINDS,
                               valid_from=datetime.date(2020, 1, 1), granted_by=world.users["manager"])
        _case(tenant, f"Tenant {i} LED", "idea")
    park = [g for g in selectors.pipeline(brand)["groups"] if g["scope"] == "park"]
    assert [(g["name"], g["cases"], g["facility_count"], g["savings_expected_per_year"]) for g in park] == [
        ("Green Park", 5, 3, 250.0)]
    assert len(selectors.curve_items(brand, "park", world.park.pk)) == 5


def test_the_programme_team_sees_every_group(world, cases):
    pipeline = selectors.pipeline(world.users["admin"])
    groups = {(g["scope"], g["name"]): g["cases"] for g in pipeline["groups"]}
    # Own Dyehouse 3, Neighbour Sewing 1, Green Park (its own case and its tenants') 5, Viet Nam 5 (cases made here
    # name no programme: the services derive it, test_models_services checks that)
    assert groups == {("facility", "Own Dyehouse"): 3, ("facility", "Neighbour Sewing"): 1, ("park", "Green Park"): 5,
                      ("country", "VN"): 5}
    assert pipeline["withheld"] == 0
