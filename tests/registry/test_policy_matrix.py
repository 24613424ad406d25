"""The access matrix: role × scope × resource × action.

Each row states who may do what on which object of the `world` fixture
(tests/conftest.py). The same rows are checked against the policy's `can`,
against its selectors (list membership), and against the web views, so a
view that forgot to ask the policy fails here.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from loomlight.registry import policy
from loomlight.registry.models import Consent, Facility, IndustrialPark, Organisation
from loomlight.registry.policy import Action

ALL_USERS = ["operator", "admin", "assessor", "park_operator", "manager", "group_manager", "data_entry",
             "neighbour_manager", "brand", "other_brand", "financier", "nobody"]

# who may VIEW each facility's registry profile
FACILITY_VIEW = {
    "own": {"operator", "admin", "assessor", "park_operator", "manager", "group_manager", "data_entry", "brand"},
    "neighbour": {"operator", "admin", "assessor", "park_operator", "neighbour_manager"},
    "outside": {"operator", "admin", "assessor"},
    "stranger": {"operator"},
}
# who may EDIT each facility's registry profile
FACILITY_EDIT = {
    "own": {"operator", "admin", "manager", "group_manager"},
    "neighbour": {"operator", "admin", "neighbour_manager"},
    "outside": {"operator", "admin"},
    "stranger": {"operator"},
}
# who may grant or revoke consent for each facility
FACILITY_CONSENT = {
    "own": {"operator", "manager", "group_manager"},
    "neighbour": {"operator", "neighbour_manager"},
    "outside": {"operator"},
    "stranger": {"operator"},
}
PARK_VIEW = {
    "park": {"operator", "admin", "assessor", "park_operator", "manager", "group_manager", "data_entry", "neighbour_manager", "brand"},
    "other_park": {"operator"},
}
PARK_EDIT = {
    "park": {"operator", "admin", "park_operator"},
    "other_park": {"operator"},
}
# data kinds: who may read the environmental data of `own`
OWN_ENVIRONMENTAL = {"operator", "admin", "assessor", "manager", "group_manager", "data_entry", "brand"}
OWN_GHG = {"operator", "admin", "assessor", "manager", "group_manager", "data_entry"}  # brand's consent omits ghg


def _cases(table):
    return [(obj, user, user in allowed) for obj, allowed in table.items() for user in ALL_USERS]


@pytest.mark.parametrize("facility,user,allowed", _cases(FACILITY_VIEW))
def test_facility_view(world, facility, user, allowed):
    u, f = world.users[user], getattr(world, facility)
    assert policy.can(u, Action.VIEW, f) is allowed
    assert policy.facilities_visible(u).filter(pk=f.pk).exists() is allowed


@pytest.mark.parametrize("facility,user,allowed", _cases(FACILITY_EDIT))
def test_facility_edit(world, facility, user, allowed):
    assert policy.can(world.users[user], Action.EDIT, getattr(world, facility)) is allowed


@pytest.mark.parametrize("facility,user,allowed", _cases(FACILITY_CONSENT))
def test_facility_manage_consent(world, facility, user, allowed):
    assert policy.can(world.users[user], Action.MANAGE_CONSENT, getattr(world, facility)) is allowed


@pytest.mark.parametrize("park,user,allowed", _cases(PARK_VIEW))
def test_park_view(world, park, user, allowed):
    assert policy.can(world.users[user], Action.VIEW, getattr(world, park)) is allowed


@pytest.mark.parametrize("park,user,allowed", _cases(PARK_EDIT))
def test_park_and_shared_facility_edit(world, park, user, allowed):
    u = world.users[user]
    assert policy.can(u, Action.EDIT, getattr(world, park)) is allowed
    if park == "park":
        assert policy.can(u, Action.EDIT, world.cetp) is allowed
        assert policy.can(u, Action.CREATE, world.park) is allowed


@pytest.mark.parametrize("user", ALL_USERS)
def test_data_kinds_follow_role_and_consent(world, user):
    u = world.users[user]
    assert policy.can_view_data(u, world.own, "environmental") is (user in OWN_ENVIRONMENTAL)
    assert policy.can_view_data(u, world.own, "ghg") is (user in OWN_GHG)
    assert policy.can_view_data(u, world.own, "no-such-kind") is False


@pytest.mark.parametrize("user", ALL_USERS)
def test_create_in_registry_needs_programme_admin_or_operator(world, user):
    allowed = user in {"operator", "admin"}
    for model in (Facility, IndustrialPark, Organisation):
        assert policy.can(world.users[user], Action.CREATE, model) is allowed


@pytest.mark.parametrize("user", ALL_USERS)
def test_audit_trail_for_the_people_responsible(world, user):
    """Programme admins, facility managers, assessors and park operators read some of the trail (what:
    tests/audit/test_access.py); data entry, brands, financiers and users without a membership none."""
    readers = {"operator", "admin", "assessor", "park_operator", "manager", "group_manager", "neighbour_manager"}
    assert policy.can(world.users[user], Action.VIEW_AUDIT) is (user in readers)


def test_anonymous_and_inactive_users_are_refused_everything(world):
    from django.contrib.auth.models import AnonymousUser

    manager = world.users["manager"]
    manager.is_active = False
    manager.save()
    policy.forget(manager)
    for u in (AnonymousUser(), manager):
        assert not policy.facilities_visible(u).exists()
        assert not policy.parks_visible(u).exists()
        assert not policy.organisations_visible(u).exists()
        assert not policy.can(u, Action.VIEW, world.own)


def test_unknown_action_and_object_are_refused(world):
    operator = world.users["operator"]
    assert policy.can(operator, "delete_everything", world.own) is False
    assert policy.can(operator, Action.VIEW, object()) is False


def test_revoked_or_expired_consent_hides_the_facility_from_the_brand(world):
    brand = world.users["brand"]
    consent = Consent.objects.get(facility=world.own, grantee=world.brand)
    assert policy.can(brand, Action.VIEW, world.own)
    consent.valid_until = timezone.localdate() - timezone.timedelta(days=1)
    consent.valid_from = consent.valid_until - timezone.timedelta(days=30)
    consent.save()
    assert not policy.can(brand, Action.VIEW, world.own)
    consent.valid_until = None
    consent.revoked_at = timezone.now()
    consent.save()
    assert not policy.can(brand, Action.VIEW, world.own)
    assert not policy.facilities_visible(brand).exists()


def test_consent_to_one_brand_shows_nothing_to_another(world):
    assert not policy.facilities_visible(world.users["other_brand"]).exists()
    assert not policy.parks_visible(world.users["other_brand"]).exists()


def test_organisations_visibility(world):
    names = lambda user: set(policy.organisations_visible(world.users[user]).values_list("name", flat=True))  # noqa: E731
    public = {"Alliance Secretariat", "Brand A", "Brand B", "Green Finance Bank"}
    assert names("nobody") == set()
    assert names("neighbour_manager") == public | {"Park Operator JSC"}
    assert names("manager") == public | {"Saigon Knit Group", "Park Operator JSC"}
    assert names("other_brand") == public


# --- the same matrix through the web views -------------------------------------------

@pytest.mark.parametrize("facility,user,allowed", _cases(FACILITY_VIEW))
def test_facility_page_view(client, world, facility, user, allowed):
    f = getattr(world, facility)
    client.force_login(world.users[user])
    response = client.get(reverse("registry:facility", args=[f.pk]))
    assert response.status_code == (200 if allowed else 404)
    listing = client.get(reverse("registry:facilities"), {"search": f.name})
    assert (reverse("registry:facility", args=[f.pk]) in listing.content.decode()) is allowed


@pytest.mark.parametrize("facility,user,allowed", _cases(FACILITY_EDIT))
def test_facility_edit_page(client, world, facility, user, allowed):
    f = getattr(world, facility)
    client.force_login(world.users[user])
    before = Facility.objects.filter(pk=f.pk).values().get()
    response = client.post(reverse("registry:facility_edit", args=[f.pk]), {
        "name": f.name + " renamed", "country": f.country, "tier": f.tier, "processes": f.processes,
        "headcount_female": 1, "headcount_male": 1, "park": f.park_id or "",
    })
    if allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Facility.objects.get(pk=f.pk).name == f.name + " renamed"
    else:
        sees = user in FACILITY_VIEW[facility]
        assert response.status_code == (403 if sees else 404)
        assert Facility.objects.filter(pk=f.pk).values().get() == before


def test_map_data_lists_only_visible_points(client, world):
    client.force_login(world.users["manager"])
    data = client.get(reverse("registry:map_data")).json()
    names = sorted(feature["properties"]["name"] for feature in data["features"])
    assert names == ["Green Park", "Own Dyehouse"]  # the neighbour has no coordinates; the park has


# who may report monthly data, and who may verify it
ENTER_DATA = {
    "own": {"operator", "manager", "group_manager", "data_entry"},
    "neighbour": {"operator", "neighbour_manager"},
    "outside": {"operator"},
    "stranger": {"operator"},
}
VERIFY = {
    "own": {"operator", "admin", "assessor"},
    "neighbour": {"operator", "admin", "assessor"},
    "outside": {"operator", "admin", "assessor"},
    "stranger": {"operator"},
}


@pytest.mark.parametrize("facility,user,allowed", _cases(ENTER_DATA))
def test_enter_data(world, facility, user, allowed):
    assert policy.can(world.users[user], Action.ENTER_DATA, getattr(world, facility)) is allowed


@pytest.mark.parametrize("facility,user,allowed", _cases(VERIFY))
def test_verify(world, facility, user, allowed):
    assert policy.can(world.users[user], Action.VERIFY, getattr(world, facility)) is allowed
