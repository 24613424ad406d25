"""Many months at once through the API (reporting.bulk): the same services as the review page, a bearer token,
month by month with each refusal named, the whole request refused on its field when it is malformed."""

from __future__ import annotations

import datetime

import pytest

from loomlight.audit.models import AuditEvent
from loomlight.reporting import services
from loomlight.reporting.models import PeriodStatus, ReportingPeriod
from tests.api.conftest import FORBIDDEN, INVALID, UNAUTHENTICATED, error
from tests.april_2026 import april_2026, store_values  # noqa: F401 (april_2026: the frozen clock, autouse)

JAN = datetime.date(2026, 1, 1)


@pytest.fixture
def submitted(world):
    """January 2026 submitted at the Own Dyehouse (by data entry) and at the Neighbour (by its manager)."""
    store_values(world.own, [(2026, [1], "electricity_grid", 1000, "kWh")])
    store_values(world.neighbour, [(2026, [1], "electricity_grid", 500, "kWh")])
    services.period_submit(by=world.users["data_entry"], facility=world.own, period=JAN)
    services.period_submit(by=world.users["neighbour_manager"], facility=world.neighbour, period=JAN)
    return world


def _state():
    return list(ReportingPeriod.objects.order_by("pk").values()), AuditEvent.objects.count()


def test_an_assessor_verifies_months_of_two_facilities_and_is_told_what_was_refused(api, submitted):
    world = submitted
    api.token("assessor")
    events = AuditEvent.objects.count()
    response = api.post("assessor", "/periods/verify", {"months": [
        {"facility": world.own.pk, "period": "2026-01"}, {"facility": world.neighbour.pk, "period": "2026-01"},
        {"facility": world.stranger.pk, "period": "2026-01"}, {"facility": world.own.pk, "period": "2026-02"}]})
    assert response.status_code == 200, response.content
    assert response.json() == {
        "action": "verify", "summary": "2 months verified; 2 refused:",
        "done": [{"facility": world.own.pk, "period": "2026-01"}, {"facility": world.neighbour.pk, "period": "2026-01"}],
        "refused": [{"facility": world.stranger.pk, "period": "2026-01",
                     "reason": "You may not verify the months of this facility."},
                    {"facility": world.own.pk, "period": "2026-02", "reason": "2026-02 is Draft."}]}
    assert AuditEvent.objects.count() == events + 2
    assert set(AuditEvent.objects.order_by("-pk")[:2].values_list("via", flat=True)) == {"api"}
    assert ReportingPeriod.objects.get(facility=world.own, period=JAN).status == PeriodStatus.VERIFIED


def test_returning_and_reopening_need_their_words(api, submitted):
    world = submitted
    api.token("admin")
    before = _state()
    months = [{"facility": world.own.pk, "period": "2026-01"}]
    response = api.post("admin", "/periods/return", {"months": months, "comment": "  "})
    assert response.status_code == 422 and "comment" in response.json()["error"]["fields"]
    assert _state() == before
    response = api.post("admin", "/periods/return", {"months": months, "comment": "Meter photo?"})
    assert response.status_code == 200 and response.json()["summary"] == "1 month returned."
    assert ReportingPeriod.objects.get(facility=world.own, period=JAN).comment == "Meter photo?"
    response = api.post("admin", "/periods/reopen", {"months": months, "reason": "Invoice corrected"})
    assert response.json()["refused"] == [{"facility": world.own.pk, "period": "2026-01", "reason": "2026-01 is Returned with comments."}]


@pytest.mark.parametrize("body, fields", [
    ({"months": []}, {"months": ["List should have at least 1 item after validation, not 0"]}),   # the schema's minItems
    ({"months": [{"facility": 1, "period": "2026-13"}]}, None),     # the schema's pattern
    ({"months": [{"facility": 1, "period": "2026-01", "extra": 1}]}, None),
    # an id no database holds (SQLite's integers end at 2**63 - 1): refused by the schema, not a 500
    ({"months": [{"facility": 2**64, "period": "2026-01"}]}, None),
    ({"months": [{"facility": 0, "period": "2026-01"}]}, None),
])
def test_a_malformed_request_changes_nothing(api, submitted, body, fields):
    api.token("assessor")
    before = _state()
    response = api.post("assessor", "/periods/verify", body)
    assert response.status_code == 422
    if fields:
        assert response.json() == error("validation_error", INVALID, fields)
    assert _state() == before


def test_more_than_500_months_are_refused(api, submitted):
    api.token("assessor")
    months = [{"facility": submitted.own.pk, "period": f"{1990 + i // 12}-{i % 12 + 1:02d}"} for i in range(501)]
    response = api.post("assessor", "/periods/verify", {"months": months})
    # the document states the bound (maxItems 500), so the schema refuses it
    assert response.json() == error("validation_error", INVALID, {"months": [
        "List should have at most 500 items after validation, not 501"]})


@pytest.mark.parametrize("who", ["data_entry", "manager", "brand", "nobody"])
def test_those_who_verify_nothing_are_refused(api, submitted, who):
    api.token(who)
    before = _state()
    response = api.post(who, "/periods/verify", {"months": [{"facility": submitted.own.pk, "period": "2026-01"}]})
    assert (response.status_code, response.json()) == (403, FORBIDDEN)
    assert _state() == before


def test_a_session_may_not_verify(client, submitted):
    client.force_login(submitted.users["assessor"])
    before = _state()
    response = client.post("/api/v1/periods/verify", {"months": [{"facility": submitted.own.pk, "period": "2026-01"}]},
                           content_type="application/json")
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
    assert _state() == before
