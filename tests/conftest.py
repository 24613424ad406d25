"""Shared fixtures: a small world in which isolation is tested everywhere.

Two parks (one in Viet Nam, one in Cambodia), three facilities (two in the
Viet Nam park, one outside any park), one programme enrolling the Viet Nam park
and the outside facility, and one user for each role. The Cambodian park and
its facility belong to nobody's programme: only the operator sees them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest



@dataclass
class World:
    programme: object
    implementer: object
    group: object
    brand: object
    other_brand: object
    financier: object
    park_operator_org: object
    park: object
    other_park: object
    cetp: object
    own: object          # facility in the park, managed by `manager`
    neighbour: object    # another facility in the same park
    outside: object      # a facility outside any park, same programme
    stranger: object     # a facility in the other park, not in the programme
    users: dict


@pytest.fixture
def world(db, django_user_model) -> World:
    from loomlight.programmes.models import Programme
    from loomlight.registry.models import (
        Consent,
        Facility,
        IndustrialPark,
        Membership,
        Organisation,
        SharedFacility,
    )

    implementer = Organisation.objects.create(name="Alliance Secretariat", kind="programme_implementer", country="VN")
    group = Organisation.objects.create(name="Saigon Knit Group", kind="manufacturer_group", country="VN")
    brand = Organisation.objects.create(name="Brand A", kind="brand", country="SE")
    other_brand = Organisation.objects.create(name="Brand B", kind="brand", country="DE")
    financier = Organisation.objects.create(name="Green Finance Bank", kind="financier", country="NL")
    park_operator_org = Organisation.objects.create(name="Park Operator JSC", kind="park_operator", country="VN")
    park = IndustrialPark.objects.create(name="Green Park", country="VN", province="Binh Duong", latitude=11.05, longitude=106.66, operator=park_operator_org)
    other_park = IndustrialPark.objects.create(name="River Park", country="KH", province="Kandal", latitude=11.4, longitude=104.9)
    own = Facility.objects.create(name="Own Dyehouse", country="VN", park=park, tier=2, processes=["dyeing", "finishing"], organisation=group,
                                  headcount_female=300, headcount_male=200, latitude=11.051, longitude=106.661)
    neighbour = Facility.objects.create(name="Neighbour Sewing", country="VN", park=park, tier=1, processes=["cut_make_trim"],
                                        headcount_female=800, headcount_male=150)
    outside = Facility.objects.create(name="Outside Laundry", country="VN", tier=2, processes=["laundry"], headcount_female=40, headcount_male=60)
    stranger = Facility.objects.create(name="Stranger Mill", country="KH", park=other_park, tier=2, processes=["weaving"])
    cetp = SharedFacility.objects.create(park=park, kind="cetp", name="Green Park CETP")
    cetp.serves.set([own, neighbour])
    programme = Programme.objects.create(name="Test Alliance", code="test", implementer=implementer)
    programme.parks.add(park)
    programme.facilities.add(outside)

    def user(name, **kw):
        return django_user_model.objects.create_user(username=name, password="x-" + name + "-pw-123", **kw)

    users = {
        "operator": user("operator", is_superuser=True, is_staff=True),
        "admin": user("admin"),
        "assessor": user("assessor"),
        "park_operator": user("park_operator"),
        "manager": user("manager"),
        "group_manager": user("group_manager"),
        "data_entry": user("data_entry"),
        "neighbour_manager": user("neighbour_manager"),
        "brand": user("brand"),
        "other_brand": user("other_brand"),
        "financier": user("financier"),
        "nobody": user("nobody"),
    }
    Membership.objects.create(user=users["admin"], role="programme_admin", programme=programme)
    Membership.objects.create(user=users["assessor"], role="assessor", programme=programme)
    Membership.objects.create(user=users["park_operator"], role="park_operator", park=park)
    Membership.objects.create(user=users["manager"], role="facility_manager", facility=own)
    Membership.objects.create(user=users["group_manager"], role="facility_manager", organisation=group)
    Membership.objects.create(user=users["data_entry"], role="facility_data_entry", facility=own)
    Membership.objects.create(user=users["neighbour_manager"], role="facility_manager", facility=neighbour)
    Membership.objects.create(user=users["brand"], role="brand_viewer", organisation=brand)
    Membership.objects.create(user=users["other_brand"], role="brand_viewer", organisation=other_brand)
    Membership.objects.create(user=users["financier"], role="financier_viewer", organisation=financier)
    Consent.objects.create(facility=own, grantee=brand, data_kinds=["profile", "environmental"],
                           valid_from=datetime.date(2020, 1, 1), granted_by=users["manager"])
    return World(programme, implementer, group, brand, other_brand, financier, park_operator_org, park, other_park, cetp,
                 own, neighbour, outside, stranger, users)
