"""Organisation kinds are checked where a reference to an organisation is written (the model's clean(),
so the service, the form, the API and the operator's admin alike): a park's operator is a park operator,
a facility's owner a manufacturer group, a programme's implementer a programme implementer, a consent's
grantee a brand or a financier, an organisation-scoped role's organisation the kind the role needs; and an
organisation's kind cannot change while it is referred to as its current kind. Every refusal changes nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.programmes.models import Programme
from loomlight.registry import services
from loomlight.registry.models import Consent, Facility, IndustrialPark, Membership, Organisation
from tests.api.conftest import INVALID, api, error  # noqa: F401 (api: the fixture)


def _park(world) -> dict:
    return IndustrialPark.objects.filter(pk=world.park.pk).values().get()


def _facility(world) -> dict:
    return Facility.objects.filter(pk=world.own.pk).values().get()


# --- the park's operator ------------------------------------------------------------

def test_given_a_brand_when_made_a_parks_operator_through_the_service_then_refused_and_nothing_changes(world):
    before = _park(world)
    with pytest.raises(ValidationError) as caught:
        services.park_update(by=world.users["admin"], park=world.park, data={"operator": world.brand})
    assert caught.value.message_dict == {"operator": ["Brand A is a brand organisation; choose a park operator."]}
    assert _park(world) == before
    assert not AuditEvent.objects.exists()


def test_given_a_brand_when_made_a_parks_operator_through_the_api_then_422_and_nothing_changes(api, world):
    before = _park(world)
    response = api.patch("admin", f"/parks/{world.park.pk}", {"operator": world.brand.pk})
    assert (response.status_code, response.json()) == (
        422, error("validation_error", INVALID, {"operator": ["Brand A is a brand organisation; choose a park operator."]}))
    assert _park(world) == before
    # the park operator and the admin still see (and could restore) the operator of the park
    assert api.get("park_operator", f"/organisations/{world.park_operator_org.pk}").status_code == 200
    created = api.post("admin", "/parks", {"name": "Blue Park", "country": "VN", "operator": world.financier.pk})
    assert (created.status_code, created.json()["error"]["fields"]) == (
        422, {"operator": ["Green Finance Bank is a financier organisation; choose a park operator."]})
    assert not IndustrialPark.objects.filter(name="Blue Park").exists()


def test_given_a_brand_when_posted_as_operator_in_the_park_form_then_refused_and_nothing_changes(client, world):
    before = _park(world)
    client.force_login(world.users["admin"])
    response = client.post(reverse("registry:park_edit", args=[world.park.pk]), {
        "name": "Green Park", "country": "VN", "operator": world.brand.pk})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["operator"]  # the form offers park operators only
    assert _park(world) == before


# --- the facility's owner -----------------------------------------------------------------

def test_given_a_brand_when_made_a_facilitys_owner_through_the_service_then_refused_and_nothing_changes(world):
    before = _facility(world)
    with pytest.raises(ValidationError) as caught:
        services.facility_update(by=world.users["manager"], facility=world.own, data={"organisation": world.brand})
    assert caught.value.message_dict == {"organisation": ["Brand A is a brand organisation; choose a manufacturer group."]}
    assert _facility(world) == before
    with pytest.raises(ValidationError) as caught:
        services.facility_create(by=world.users["admin"], data={
            "name": "New Knits", "country": "VN", "tier": 1, "processes": ["knitting"], "organisation": world.park_operator_org})
    assert list(caught.value.message_dict) == ["organisation"]
    assert not Facility.objects.filter(name="New Knits").exists()
    assert not AuditEvent.objects.exists()


def test_given_a_brand_when_made_a_facilitys_owner_through_the_api_then_422_and_nothing_changes(api, world):
    before = _facility(world)
    response = api.patch("manager", f"/facilities/{world.own.pk}", {"organisation": world.brand.pk})
    assert (response.status_code, response.json()) == (
        422, error("validation_error", INVALID, {"organisation": ["Brand A is a brand organisation; choose a manufacturer group."]}))
    assert _facility(world) == before


def test_given_a_brand_when_posted_as_owner_in_the_facility_form_then_refused_and_nothing_changes(client, world):
    before = _facility(world)
    client.force_login(world.users["manager"])
    response = client.post(reverse("registry:facility_edit", args=[world.own.pk]), {
        "name": "Own Dyehouse", "country": "VN", "tier": 2, "processes": ["dyeing"], "park": world.park.pk,
        "organisation": world.brand.pk, "headcount_female": 300, "headcount_male": 200})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["organisation"]
    assert _facility(world) == before


# --- the programme's implementer and the consent's grantee ----------------------------------

def test_a_programmes_implementer_is_a_programme_implementer(world):
    programme = Programme(name="Other", code="other", implementer=world.brand)
    with pytest.raises(ValidationError) as caught:
        programme.full_clean()
    assert caught.value.message_dict == {"implementer": ["Brand A is a brand organisation; choose a programme implementer."]}


def test_given_a_brand_when_made_implementer_in_the_operators_admin_then_refused_and_nothing_changes(client, world):
    client.force_login(world.users["operator"])
    response = client.post(reverse("admin:programmes_programme_change", args=[world.programme.pk]), {
        "name": world.programme.name, "code": world.programme.code, "description": "", "implementer": world.brand.pk,
        "parks": [world.park.pk], "facilities": [world.outside.pk]})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"implementer": ["Brand A is a brand organisation; choose a programme implementer."]}
    assert Programme.objects.get(pk=world.programme.pk).implementer == world.implementer
    assert not AuditEvent.objects.exists()


def test_consent_is_given_to_a_brand_or_a_financier_only(world):
    before = list(Consent.objects.values())
    for grantee in (world.implementer, world.group, world.park_operator_org):
        with pytest.raises(ValidationError) as caught:
            services.consent_grant(by=world.users["manager"], facility=world.own, grantee=grantee, data_kinds=["profile"],
                                   valid_from=datetime.date(2025, 1, 1))
        assert caught.value.message_dict == {"grantee": ["Consent can be given to a brand or a financier only."]}
    assert list(Consent.objects.values()) == before


# --- memberships, also in the operator's admin -------------------------------------------------

def test_given_a_manufacturer_group_when_a_brand_viewer_role_is_added_in_the_admin_then_refused(client, world):
    client.force_login(world.users["operator"])
    response = client.post(reverse("admin:registry_membership_add"), {
        "user": world.users["nobody"].pk, "role": "brand_viewer", "organisation": world.group.pk})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"organisation": ["The role Brand viewer needs an organisation of kind brand."]}
    response = client.post(reverse("admin:registry_membership_add"), {
        "user": world.users["nobody"].pk, "role": "brand_viewer", "facility": world.own.pk})
    assert response.context["adminform"].form.errors == {"facility": ["The role Brand viewer is given within: organisation."]}
    assert not Membership.objects.filter(user=world.users["nobody"]).exists()
    assert not AuditEvent.objects.exists()


def test_the_service_names_its_own_arguments(world):
    for kwargs, field in ((dict(role="brand_viewer", scope_type="organisation", scope_id=world.financier.pk), "scope_id"),
                          (dict(role="brand_viewer", scope_type="facility", scope_id=world.own.pk), "scope_type")):
        with pytest.raises(ValidationError) as caught:
            services.membership_create(by=world.users["operator"], user=world.users["nobody"], **kwargs)
        assert list(caught.value.message_dict) == [field]
    assert not Membership.objects.filter(user=world.users["nobody"]).exists()


# --- an organisation's own kind ----------------------------------------------------------------

@pytest.mark.parametrize("organisation, kind, uses", [
    ("park_operator_org", "brand", "the operator of an industrial park"),
    ("group", "ngo", "the owner of a facility, the scope of roles that need a manufacturer group"),
    ("brand", "ngo", "given consent by a facility, the scope of roles that need a brand"),
    ("brand", "financier", "the scope of roles that need a brand"),  # a financier may be given consent too
    ("implementer", "ngo", "the implementer of a programme"),
])
def test_an_organisation_referred_to_keeps_its_kind(api, world, organisation, kind, uses):
    org = getattr(world, organisation)
    before = list(Organisation.objects.order_by("pk").values())
    response = api.patch("admin", f"/organisations/{org.pk}", {"kind": kind})
    assert (response.status_code, response.json()) == (
        422, error("validation_error", INVALID, {"kind": [f"{org.name} cannot change its kind: it is {uses}."]}))
    with pytest.raises(ValidationError):
        services.organisation_update(by=world.users["operator"], organisation=org, data={"kind": kind})
    assert list(Organisation.objects.order_by("pk").values()) == before


def test_an_organisation_nobody_refers_to_may_change_its_kind(world):
    other = world.other_brand  # a brand viewer's organisation: it stays a brand while the role is there
    Membership.objects.filter(organisation=other).delete()
    services.organisation_update(by=world.users["operator"], organisation=other, data={"kind": "financier"})
    assert Organisation.objects.get(pk=other.pk).kind == "financier"
