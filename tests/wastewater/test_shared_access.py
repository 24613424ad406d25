"""A shared facility's data are its own kind (docs/architecture.md, the access table).

The test world's park has a central effluent treatment plant serving Own Dyehouse and Neighbour Sewing. Its
results are read by the park's operator (who records them), the programme team (the programme enrols the park)
and the staff of the facilities it serves; a brand or financier reads them only while the park operator's
consent for that plant is active, never through a tenant's consent, even one naming wastewater.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.registry import policy, services
from loomlight.registry.models import Consent, SharedFacilityConsent
from loomlight.wastewater import services as wastewater

DAY = datetime.date(2025, 6, 12)


@pytest.fixture
def cetp_event(world):
    event = wastewater.sampling_event_create(by=world.users["park_operator"], shared_facility=world.cetp, sampled_on=DAY,
                                             sampling_point="cetp_outflow", discharge_type="direct", laboratory="Lab B")
    wastewater.lab_result_set(by=world.users["park_operator"], event=event, parameter="cod", value="80", unit="mg/L")
    return event


READERS = [("operator", 200), ("admin", 200), ("assessor", 200), ("park_operator", 200), ("manager", 200),
           ("group_manager", 200), ("data_entry", 200), ("neighbour_manager", 200), ("brand", 404),
           ("other_brand", 404), ("financier", 404), ("nobody", 404)]


@pytest.mark.parametrize("user,status", READERS)
def test_who_reads_a_central_plants_results(client, world, cetp_event, user, status):
    client.force_login(world.users[user])
    assert client.get(reverse("wastewater:shared", args=[world.cetp.pk])).status_code == status
    assert client.get(reverse("wastewater:event", args=[cetp_event.pk])).status_code == status


def test_a_tenants_consent_naming_wastewater_does_not_open_the_plant(client, world, cetp_event):
    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=["profile", "wastewater"])
    client.force_login(world.users["brand"])
    assert client.get(reverse("wastewater:facility", args=[world.own.pk])).status_code == 200   # the tenant's own
    assert client.get(reverse("wastewater:shared", args=[world.cetp.pk])).status_code == 404
    assert client.get(reverse("wastewater:event", args=[cetp_event.pk])).status_code == 404
    park = client.get(reverse("registry:park", args=[world.park.pk])).content.decode()
    assert f'href="{reverse("wastewater:shared", args=[world.cetp.pk])}"' not in park   # no link it could not follow
    assert f'href="{reverse("wastewater:intake", args=[world.cetp.pk])}"' in park   # the plant's rules are not its results


def test_the_park_operators_consent_opens_the_plant_until_revoked(client, world, cetp_event):
    operator = world.users["park_operator"]
    consent = services.shared_consent_grant(by=operator, shared_facility=world.cetp, grantee=world.brand,
                                            data_kinds=["wastewater"], valid_from=datetime.date(2025, 1, 1))
    assert AuditEvent.objects.filter(object_type="registry.sharedfacilityconsent", object_id=str(consent.pk),
                                     action="create").count() == 1
    client.force_login(world.users["brand"])
    assert client.get(reverse("wastewater:shared", args=[world.cetp.pk])).status_code == 200
    assert client.get(reverse("wastewater:event", args=[cetp_event.pk])).status_code == 200
    assert "Lab B" in client.get(reverse("wastewater:shared", args=[world.cetp.pk])).content.decode()
    services.consent_revoke(by=operator, consent=consent)
    assert client.get(reverse("wastewater:shared", args=[world.cetp.pk])).status_code == 404
    client.force_login(world.users["other_brand"])   # never granted
    assert client.get(reverse("wastewater:event", args=[cetp_event.pk])).status_code == 404


def test_an_expired_consent_opens_nothing(client, world, cetp_event):
    SharedFacilityConsent.objects.create(shared_facility=world.cetp, grantee=world.brand, data_kinds=["wastewater"],
                                         valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1),
                                         granted_by=world.users["park_operator"])
    assert not policy.shared_facilities_with_data(world.users["brand"]).exists()


@pytest.mark.parametrize("user", ["manager", "admin", "neighbour_manager", "brand"])
def test_only_the_park_operator_shares_the_plants_results(world, user):
    with pytest.raises(PermissionDenied):
        services.shared_consent_grant(by=world.users[user], shared_facility=world.cetp, grantee=world.brand,
                                      data_kinds=["wastewater"], valid_from=datetime.date(2025, 1, 1))
    assert SharedFacilityConsent.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="registry.sharedfacilityconsent").exists()


@pytest.mark.parametrize("data_kinds,grantee,field", [(["ghg"], "brand", "data_kinds"), ([], "brand", "data_kinds"),
                                                      (["wastewater"], "park_operator_org", "grantee")])
def test_a_shared_consent_names_wastewater_for_a_brand_or_financier(world, data_kinds, grantee, field):
    with pytest.raises(ValidationError) as exc_info:
        services.shared_consent_grant(by=world.users["park_operator"], shared_facility=world.cetp,
                                      grantee=getattr(world, grantee), data_kinds=data_kinds,
                                      valid_from=datetime.date(2025, 1, 1))
    assert field in exc_info.value.message_dict
    assert SharedFacilityConsent.objects.count() == 0


def test_the_park_page_lets_its_operator_share_and_revoke(client, world, cetp_event):
    client.force_login(world.users["park_operator"])
    page = client.get(reverse("registry:park", args=[world.park.pk])).content.decode()
    grant = reverse("registry:shared_consent_grant", args=[world.park.pk, world.cetp.pk])
    assert grant in page and reverse("wastewater:shared", args=[world.cetp.pk]) in page
    response = client.post(grant, {"grantee": world.brand.pk, "data_kinds": ["wastewater"], "valid_from": "2025-01-01"})
    assert response.status_code == 302
    consent = SharedFacilityConsent.objects.get()
    assert (consent.grantee, consent.data_kinds, consent.granted_by) == (world.brand, ["wastewater"], world.users["park_operator"])
    page = client.get(reverse("registry:park", args=[world.park.pk])).content.decode()
    assert 'data-testid="shared-consents"' in page and "Brand A" in page
    assert client.post(reverse("registry:shared_consent_revoke", args=[consent.pk])).status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_by == world.users["park_operator"]


@pytest.mark.parametrize("user,status", [("manager", 403), ("admin", 403), ("brand", 403), ("nobody", 404)])
def test_no_one_else_opens_the_sharing_form(client, world, user, status):
    client.force_login(world.users[user])
    assert client.get(reverse("registry:shared_consent_grant", args=[world.park.pk, world.cetp.pk])).status_code == status


def test_the_grantee_sees_its_consent_but_cannot_revoke_it(client, world):
    consent = services.shared_consent_grant(by=world.users["park_operator"], shared_facility=world.cetp,
                                            grantee=world.brand, data_kinds=["wastewater"],
                                            valid_from=datetime.date(2025, 1, 1))
    client.force_login(world.users["brand"])
    assert client.post(reverse("registry:shared_consent_revoke", args=[consent.pk])).status_code == 403
    client.force_login(world.users["other_brand"])
    assert client.post(reverse("registry:shared_consent_revoke", args=[consent.pk])).status_code == 404
    consent.refresh_from_db()
    assert consent.revoked_at is None
