"""The review list (``reporting:review``): the months awaiting verification across the facilities a reviewer may
verify, oldest first, filterable, with bulk verify / return / reopen; and "Submit complete months" on the
facility-year page. The clock is frozen on 10 April 2026 (tests/april_2026.py).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.registry.models import Facility
from loomlight.reporting import services
from loomlight.reporting.models import ApplicableMetrics, PeriodStatus, ReportingPeriod
from tests.april_2026 import april_2026, store_values  # noqa: F401 (april_2026: the frozen clock, autouse)

JAN, FEB, MAR = (datetime.date(2026, m, 1) for m in (1, 2, 3))
DEC = datetime.date(2025, 12, 1)
ELECTRICITY, WATER = "electricity_grid", "water_municipal"
REVIEW = reverse("reporting:review")


def _submit(world, facility, period, who):
    services.period_submit(by=world.users[who], facility=facility, period=period)


@pytest.fixture
def queue(world):
    """Submitted: the Own Dyehouse's January 2026 (complete, one value flagged) and December 2025 (water missing),
    the Neighbour's February 2026, the Outside Laundry's January 2026; the Stranger Mill (outside the programme)
    January 2026. The Own Dyehouse's electricity and water apply to it (saved)."""
    ApplicableMetrics.objects.create(facility=world.own, metrics=[ELECTRICITY, WATER])
    store_values(world.own, [(2026, [1], ELECTRICITY, 1000, "kWh"), (2026, [1], WATER, 100, "m³"),
                             (2025, [12], ELECTRICITY, 1000, "kWh")])
    store_values(world.neighbour, [(2026, [2], ELECTRICITY, 500, "kWh")])
    store_values(world.outside, [(2026, [1], ELECTRICITY, 300, "kWh")])
    store_values(world.stranger, [(2026, [1], ELECTRICITY, 700, "kWh")])
    world.own.activity_values.filter(period=JAN, metric=WATER).update(flag="high")
    _submit(world, world.own, JAN, "data_entry")
    _submit(world, world.own, DEC, "manager")
    _submit(world, world.neighbour, FEB, "neighbour_manager")
    _submit(world, world.outside, JAN, "operator")
    _submit(world, world.stranger, JAN, "operator")
    return world


def _rows(body: str) -> list[str]:
    """The rows of the list as "facility month", in their order."""
    return [f"{f} {m}" for f, m in re.findall(
        r'data-testid="review-row">.*?<a href="[^"]+">([^<]+)</a>.*?<label for="[^"]+">([^<]+)</label>', body, re.S)]


def test_an_assessor_sees_the_months_awaiting_verification_oldest_first(client, queue):
    client.force_login(queue.users["assessor"])
    response = client.get(REVIEW)
    assert response.status_code == 200
    body = response.content.decode()
    # the Stranger Mill is outside the programme: not listed
    assert _rows(body) == ["Own Dyehouse December 2025", "Outside Laundry January 2026", "Own Dyehouse January 2026",
                           "Neighbour Sewing February 2026"]
    # each row: who submitted it and when, completeness, flags, a link to the facility-year page, a checkbox
    assert "manager · 04/10/2026" in body and "data_entry · 04/10/2026" in body    # English: month/day/year
    # December lacks the water that applies to the Own Dyehouse; the Outside Laundry (laundry: wet processing,
    # outside a park, metrics not saved) is suggested municipal water and the sewer
    assert body.count("<small>no value of Water withdrawn, municipal supply</small>") == 1
    assert "<small>no value of Wastewater discharged to the municipal sewer, Water withdrawn, municipal supply</small>" in body
    assert '<span class="badge flag">1</span>' in body                            # January's flagged value
    assert f'href="{reverse("reporting:facility_year", args=[queue.own.pk, 2025])}"' in body
    assert f'value="{queue.own.pk}:2026-01"' in body
    assert "Stranger Mill" not in body


@pytest.mark.parametrize("query, expected", [
    ("facility=OWN", ["Own Dyehouse December 2025", "Own Dyehouse January 2026"]),
    ("park=PARK", ["Own Dyehouse December 2025", "Own Dyehouse January 2026", "Neighbour Sewing February 2026"]),
    ("month=2026-01", ["Outside Laundry January 2026", "Own Dyehouse January 2026"]),
    ("country=VN&month=2026-02", ["Neighbour Sewing February 2026"]),
    ("country=KH", []),   # no facility of the programme in Cambodia: not even a choice; the filter is refused
    ("state=verified", ["Own Dyehouse January 2026"]),
    ("state=returned", ["Outside Laundry January 2026"]),
])
def test_the_list_is_filtered(client, queue, query, expected):
    if query.startswith("state="):
        services.period_verify(by=queue.users["admin"], facility=queue.own, period=JAN)
        services.period_return(by=queue.users["admin"], facility=queue.outside, period=JAN, comment="Meter photo?")
    client.force_login(queue.users["assessor"])
    query = query.replace("OWN", str(queue.own.pk)).replace("PARK", str(queue.park.pk))
    response = client.get(f"{REVIEW}?{query}")
    assert response.status_code == 200
    rows = _rows(response.content.decode())
    if query == "country=KH":
        # an unknown choice is named as an error on its field and the list is shown unfiltered
        assert "Select a valid choice. KH is not one of the available choices." in response.content.decode()
        assert len(rows) == 4
    else:
        assert rows == expected
    if query == "state=returned":
        assert "Meter photo?" in response.content.decode()


@pytest.mark.parametrize("query, field_error", [
    ("facility=abc", "Select a valid choice. abc is not one of the available choices."),
    ("facility=999999", "Select a valid choice. 999999 is not one of the available choices."),
    ("month=2026-13", "Give the month as YYYY-MM."),
    ("state=draft", "Select a valid choice. draft is not one of the available choices."),
    ("page=zzz", None),
])
def test_bad_filters_are_named_never_a_500(client, queue, query, field_error):
    client.force_login(queue.users["assessor"])
    response = client.get(f"{REVIEW}?{query}")
    assert response.status_code == 200
    if field_error:
        assert field_error in response.content.decode()
    assert len(_rows(response.content.decode())) == 4


@pytest.mark.parametrize("who, status", [("data_entry", 403), ("manager", 403), ("park_operator", 403),
                                         ("brand", 403), ("nobody", 403), ("admin", 200), ("operator", 200)])
def test_only_reviewers_open_the_list(client, queue, who, status):
    client.force_login(queue.users[who])
    assert client.get(REVIEW).status_code == status


def test_anonymous_is_sent_to_log_in(client, queue):
    response = client.get(REVIEW)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def _more_facilities(world, n: int, start: int):
    """``n`` more facilities in the programme's park, each with a submitted January 2026 (water missing)."""
    for i in range(start, start + n):
        facility = Facility.objects.create(name=f"Extra {i:02d}", country="VN", park=world.park, tier=2,
                                           processes=["dyeing"])
        store_values(facility, [(2026, [1], ELECTRICITY, 100 + i, "kWh")])
        if i % 2:
            ApplicableMetrics.objects.create(facility=facility, metrics=[ELECTRICITY])
        services.period_submit(by=world.users["operator"], facility=facility, period=JAN)


def test_a_page_costs_the_same_queries_whatever_its_rows(client, queue, django_assert_num_queries):
    client.force_login(queue.users["assessor"])
    _more_facilities(queue, 2, 0)
    client.get(REVIEW)   # warm the session
    # 12 for the page and its rows, 1 for the header's unread-notification count
    with django_assert_num_queries(13):
        body = client.get(REVIEW).content.decode()
    assert len(_rows(body)) == 6
    _more_facilities(queue, 18, 2)
    with django_assert_num_queries(13):
        body = client.get(REVIEW).content.decode()
    assert len(_rows(body)) == 24   # 4 + 20, one page (LOOMLIGHT_PAGE_SIZE 25)


def test_a_bulk_verify_says_what_it_did_at_the_top_of_the_list(client, queue):
    world = queue
    client.force_login(world.users["admin"])
    events = AuditEvent.objects.count()
    ticked = [f"{world.own.pk}:2026-01", f"{world.own.pk}:2025-12", f"{world.stranger.pk}:2026-01"]
    response = client.post(f"{REVIEW}?park={world.park.pk}", {"action": "verify", "months": ticked})
    assert response.status_code == 302 and response["Location"] == f"{REVIEW}?park={world.park.pk}"
    body = client.get(response["Location"]).content.decode()
    result = body[body.index('data-testid="bulk-result"'):body.index('data-testid="review-list"')]
    assert "2 months verified; 1 refused:" in result
    assert f"#{world.stranger.pk} 2026-01: You may not verify the months of this facility." in result
    assert AuditEvent.objects.count() == events + 2
    assert ReportingPeriod.objects.get(facility=world.stranger, period=JAN).status == PeriodStatus.SUBMITTED
    # shown once
    assert 'data-testid="bulk-result"' not in client.get(REVIEW).content.decode()


def test_a_bulk_return_needs_its_comment(client, queue):
    world = queue
    client.force_login(world.users["assessor"])
    before = list(ReportingPeriod.objects.values_list("status", "comment"))
    response = client.post(REVIEW, {"action": "return", "months": [f"{world.own.pk}:2026-01"], "comment": " "})
    assert response.status_code == 400
    assert "Comment or reason: Say why: the facility reads this." in response.content.decode()
    assert list(ReportingPeriod.objects.values_list("status", "comment")) == before
    response = client.post(REVIEW, {"action": "return", "months": [f"{world.own.pk}:2026-01"], "comment": "Photo?"})
    assert response.status_code == 302
    assert ReportingPeriod.objects.get(facility=world.own, period=JAN).comment == "Photo?"


@pytest.mark.parametrize("data, error", [
    ({"action": "verify"}, "Months: Tick at least one month."),
    ({"action": "verify", "months": ["1:2026-13"]}, "Months: “1:2026-13” is not a month of the list."),
    ({"action": "verify", "months": ["x"]}, "Months: “x” is not a month of the list."),
    ({"action": "delete", "months": ["1:2026-01"]}, "Action: Select a valid choice. delete is not one of the available choices."),
])
def test_a_bad_bulk_request_is_named_and_changes_nothing(client, queue, data, error):
    client.force_login(queue.users["assessor"])
    before = list(ReportingPeriod.objects.values_list("status", "comment")), AuditEvent.objects.count()
    response = client.post(REVIEW, data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert (list(ReportingPeriod.objects.values_list("status", "comment")), AuditEvent.objects.count()) == before


def test_a_bulk_request_of_more_than_500_months_is_refused(client, queue):
    client.force_login(queue.users["assessor"])
    ticked = [f"{queue.own.pk}:{1990 + i // 12}-{i % 12 + 1:02d}" for i in range(501)]
    response = client.post(REVIEW, {"action": "verify", "months": ticked})
    assert response.status_code == 400
    assert "At most 500 months at once: 501 were sent." in response.content.decode()


# --- "Submit complete months" on the facility-year page ----------------------------------------------------

@pytest.fixture
def drafts(world):
    ApplicableMetrics.objects.create(facility=world.own, metrics=[ELECTRICITY, WATER])
    store_values(world.own, [(2026, [1, 2], ELECTRICITY, 1000, "kWh"), (2026, [1], WATER, 100, "m³")])
    return world


def test_the_facility_year_page_offers_to_submit_the_complete_months(client, drafts):
    world = drafts
    page = reverse("reporting:facility_year", args=[world.own.pk, 2026])
    client.force_login(world.users["data_entry"])
    body = client.get(page).content.decode()
    section = body[body.index('data-testid="submit-complete"'):]
    assert "Submit the complete month" in section and "Jan" in section
    assert "February: no value of Water withdrawn, municipal supply" in section
    # when
    response = client.post(reverse("reporting:submit_complete", args=[world.own.pk, 2026]))
    # then
    assert response.status_code == 302 and response["Location"] == f"{page}#submit-complete"
    body = client.get(page).content.decode()
    result = body[body.index('data-testid="submit-result"'):]
    assert "1 month submitted; 1 not submitted:" in result
    assert "2026-02: Incomplete: no value of Water withdrawn, municipal supply." in result
    assert ReportingPeriod.objects.get(facility=world.own, period=JAN).status == PeriodStatus.SUBMITTED
    assert not ReportingPeriod.objects.filter(facility=world.own, period=FEB).exists()


@pytest.mark.parametrize("who, status", [("assessor", 403), ("brand", 403), ("other_brand", 404), ("neighbour_manager", 404)])
def test_only_those_who_enter_data_submit_complete_months(client, drafts, who, status):
    world = drafts
    client.force_login(world.users[who])
    response = client.post(reverse("reporting:submit_complete", args=[world.own.pk, 2026]))
    assert response.status_code == status
    assert not ReportingPeriod.objects.exists()
    if who in ("assessor", "brand"):
        body = client.get(reverse("reporting:facility_year", args=[world.own.pk, 2026])).content.decode()
        assert 'data-testid="submit-complete"' not in body
