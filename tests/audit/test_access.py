"""Who reads which audit events: the matrix for every role (audit.selectors.audit_events_visible, the page and the
download), on one small programme with a change of each kind of place: a facility's values and months, another
facility of the same park, a facility outside any park, a facility of no programme, a central plant's sampling
(a park's own record), an organisation, and a failed login."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from loomlight.audit.models import AuditAction, AuditEvent
from loomlight.audit.selectors import audit_events_visible
from loomlight.audit.services import audit_record_event
from loomlight.registry import services as registry_services
from loomlight.reporting import services as reporting
from loomlight.wastewater import services as wastewater

JAN, FEB = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)
ALL_USERS = ["operator", "admin", "assessor", "park_operator", "manager", "group_manager", "data_entry",
             "neighbour_manager", "brand", "other_brand", "financier", "nobody"]


@pytest.fixture
def trail(world):
    """{tag: event id} of one change of each kind."""
    u = world.users
    tags = {}

    def last(tag):
        tags[tag] = AuditEvent.objects.latest("id").pk

    reporting.activity_value_set(by=u["data_entry"], facility=world.own, period=JAN, metric="electricity_grid",
                                 value=310_000, unit="kWh")
    last("own_jan_value")
    reporting.activity_value_set(by=u["data_entry"], facility=world.own, period=FEB, metric="electricity_grid",
                                 value=300_000, unit="kWh")
    last("own_feb_value")
    reporting.period_submit(by=u["data_entry"], facility=world.own, period=JAN)
    last("own_jan_submitted")
    reporting.period_verify(by=u["assessor"], facility=world.own, period=JAN)
    last("own_jan_verified")
    reporting.activity_value_set(by=u["neighbour_manager"], facility=world.neighbour, period=JAN,
                                 metric="electricity_grid", value=90_000, unit="kWh")
    last("neighbour_value")
    reporting.activity_value_set(by=u["operator"], facility=world.outside, period=JAN, metric="electricity_grid",
                                 value=5_000, unit="kWh")
    last("outside_value")
    reporting.activity_value_set(by=u["operator"], facility=world.stranger, period=JAN, metric="electricity_grid",
                                 value=7_000, unit="kWh")
    last("stranger_value")
    wastewater.sampling_event_create(by=u["park_operator"], shared_facility=world.cetp, sampled_on=datetime.date(2026, 1, 15),
                                     sampling_point="cetp_inflow", discharge_type="indirect", laboratory="Lab A")
    last("cetp_sampling")
    registry_services.organisation_update(by=u["operator"], organisation=world.group, data={"name": "Saigon Knit Group JSC"})
    last("group_renamed")
    audit_record_event(actor=None, action=AuditAction.LOGIN_FAILED, object_type="auth.user", object_id="manager",
                       object_repr="manager", before=None, after={"reason": "password"})
    last("login_failed")
    return tags


EVERY = {"own_jan_value", "own_feb_value", "own_jan_submitted", "own_jan_verified", "neighbour_value", "outside_value",
         "stranger_value", "cetp_sampling", "group_renamed", "login_failed"}
OWN = {"own_jan_value", "own_feb_value", "own_jan_submitted", "own_jan_verified"}
MATRIX = {
    "operator": EVERY,
    # every change to the data of the programme's facilities and parks, and the organisations it edits
    "admin": OWN | {"neighbour_value", "outside_value", "cetp_sampling", "group_renamed"},
    # the month it verified (its value, its submission, its verification), not February nor other facilities
    "assessor": {"own_jan_value", "own_jan_submitted", "own_jan_verified"},
    # the park's own records (the central plant's sampling), not its tenants' values
    "park_operator": {"cetp_sampling"},
    "manager": OWN,
    "group_manager": OWN,
    "neighbour_manager": {"neighbour_value"},
    "data_entry": set(), "brand": set(), "other_brand": set(), "financier": set(), "nobody": set(),
}
READERS = {user for user, tags in MATRIX.items() if tags}


@pytest.mark.parametrize("user", ALL_USERS)
def test_the_selector_gives_each_role_what_it_is_responsible_for(world, trail, user):
    # given one change of each kind, when the user's readable events are listed, then exactly the matrix's
    ids = set(audit_events_visible(world.users[user]).values_list("pk", flat=True))
    assert {tag for tag, pk in trail.items() if pk in ids} == MATRIX[user]


@pytest.mark.parametrize("user", ALL_USERS)
def test_the_page_and_the_download_follow_the_matrix(client, world, trail, user):
    client.force_login(world.users[user])
    page = client.get(reverse("audit:list") + "?kind=&user=")
    download = client.get(reverse("audit:download"))
    if user not in READERS:
        assert (page.status_code, download.status_code) == (403, 403)
        return
    assert (page.status_code, download.status_code) == (200, 200)
    shown = {entry.event.pk for entry in page.context["page"]}
    assert {tag for tag, pk in trail.items() if pk in shown} == MATRIX[user]
    rows = b"".join(download.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 1 + len(MATRIX[user])


@pytest.mark.parametrize("user", ALL_USERS)
def test_the_home_page_links_to_the_trail_for_its_readers_only(client, world, user):
    client.force_login(world.users[user])
    body = client.get(reverse("home")).content.decode()
    assert (f'href="{reverse("audit:list")}"' in body) is (user in READERS)


def test_the_facility_page_links_to_its_trail_for_those_who_read_it(client, world):
    link = f'{reverse("audit:list")}?facility={world.own.pk}'
    for user, shown in (("admin", True), ("manager", True), ("assessor", True), ("data_entry", False),
                        ("neighbour_manager", False), ("park_operator", False)):
        client.force_login(world.users[user])
        response = client.get(reverse("registry:facility", args=[world.own.pk]))
        assert (link in response.content.decode()) is shown, user


def test_an_assessor_loses_the_months_of_a_facility_it_no_longer_verifies(world, trail):
    # given the assessor verified January of Own Dyehouse, when its programme no longer enrols the park
    world.programme.parks.remove(world.park)
    # then it reads only its own action (the verification), not the month's other events
    ids = set(audit_events_visible(world.users["assessor"]).values_list("pk", flat=True))
    assert {tag for tag, pk in trail.items() if pk in ids} == {"own_jan_verified"}


def test_the_selector_is_one_query(world, trail, django_assert_num_queries):
    user = world.users["admin"]
    from loomlight.registry import policy

    policy.memberships(user)   # loaded once per request
    with django_assert_num_queries(1):
        assert len(list(audit_events_visible(user))) == len(MATRIX["admin"])
