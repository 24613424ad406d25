"""The home page: each role's queues first, each counted, each item a link; the rest below."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from tests.april_2026 import april_2026  # noqa: F401 (the clock, frozen on 10 April 2026)
from tests.work.programme import build
from tests.work.test_queues import _grow

HEADINGS = {
    "data_entry": ["Overdue actions", "Months to report", "Months returned to you", "Values to confirm or correct",
                   "Expired chemical declarations", "Wastewater samples due", "Assessments returned for evidence"],
    "manager": ["Overdue actions", "Months to report", "Months returned to you", "Values to confirm or correct",
                "Expired chemical declarations", "Wastewater samples due", "Assessments returned for evidence"],
    "admin": ["Overdue actions", "Months awaiting verification", "Facilities late with February 2026",
              "Flagged values in submitted months", "Assessments to verify"],
    "assessor": ["Months awaiting verification", "Facilities late with February 2026",
                 "Flagged values in submitted months", "Assessments to verify"],
    "operator": ["Months awaiting verification", "Facilities late with February 2026",
                 "Flagged values in submitted months", "Assessments to verify"],
    "park_operator": ["Overdue actions", "Tenants&#x27; reporting for February 2026", "Central plant results",
                      "Assessments returned for evidence"],
    "brand": ["Overdue actions", "Newly shared with you", "Withdrawn or expired"],
    "financier": ["Overdue actions", "Newly shared with you", "Withdrawn or expired"],
    "nobody": [],
}


def headings(body: str) -> list[str]:
    return [re.sub(r"\s*<span.*", "", h).strip() for h in re.findall(r'<h3 id="queue-[a-z_]+">(.*?)</h3>', body, re.S)]


@pytest.mark.parametrize("who", list(HEADINGS))
def test_home_page_shows_each_roles_queues(client, world, who):
    """Given the hand-built programme, when each role opens the home page, then it answers 200 with its queues'
    headings, in order, before the map and the API tokens."""
    build(world)
    client.force_login(world.users[who])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert headings(body) == HEADINGS[who]
    if HEADINGS[who]:
        content = body[body.index("<main"):]
        assert content.index('id="work"') < content.index(f'href="{reverse("registry:map")}"') < content.index(
            f'href="{reverse("account")}"')
    else:
        assert 'id="work"' not in body


def test_data_entry_home_counts_and_links(client, world):
    """The clerk's months queue says 3 and links each month to its year's page; the comment of the returned month
    is on the page; nothing of Neighbour Sewing's is."""
    build(world)
    client.force_login(world.users["data_entry"])
    body = client.get(reverse("home")).content.decode()
    months = body[body.index('data-queue="months_due"'):body.index('data-queue="months_returned"')]
    assert '<span class="badge flag" data-testid="queue-count">3</span>' in months
    assert [f'href="/data/facilities/{world.own.pk}/2026/{m}/"' in months for m in (1, 2, 3)] == [True] * 3
    assert "Reviewer's comment: Electricity looks doubled" in body
    work = body[body.index('id="work"'):body.index('<div class="cards">')]
    assert "Own Dyehouse" in work and "Neighbour Sewing" not in work


def test_an_empty_queue_says_so_in_words(client, world):
    """Neighbour Sewing's manager has no returned month, no flag, no declaration and no sample due."""
    build(world)
    client.force_login(world.users["neighbour_manager"])
    body = client.get(reverse("home")).content.decode()
    for words in ("No month has been returned.", "No value is flagged.", "No declaration has expired.", "No sample is due."):
        assert words in body


def test_park_operator_links_only_to_profiles_it_may_open(client, world):
    build(world)
    client.force_login(world.users["park_operator"])
    body = client.get(reverse("home")).content.decode()
    assert f'href="/data/facilities/{world.own.pk}/' not in body     # it reads no tenant's reported data
    assert f'href="/registry/facilities/{world.own.pk}/"' in body


def test_admin_home_page_queries_do_not_grow_with_the_programme(client, world):
    """At 38 and 68 facilities (each with 24 months) the admin's home page runs the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    build(world)
    _grow(world, 35)
    client.force_login(world.users["admin"])
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as before:
        assert client.get(reverse("home")).status_code == 200
    _grow(world, 30, prefix="More")
    with CaptureQueriesContext(connection) as after:
        assert client.get(reverse("home")).status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)



@pytest.mark.parametrize("who", ["data_entry", "manager", "admin", "assessor", "park_operator", "brand"])
def test_every_item_links_to_a_page_the_viewer_may_open(client, world, who):
    """PRODUCT.md: never link to what the viewer may not open. Every link of every queue answers 200 to its viewer."""
    from loomlight.work import queues

    build(world)
    user = world.users[who]
    client.force_login(user)
    urls = {i.url for q in queues.for_user(user, today=datetime.date(2026, 4, 10)) for i in q.items if i.url}
    assert urls, "the hand-built programme gives every one of these roles work to link to"
    for url in sorted(urls):
        assert client.get(url).status_code == 200, url
