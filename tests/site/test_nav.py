"""Never link to what the viewer may not open (PRODUCT.md): every link a page shows each role answers, and a
facility's links to its data pages follow the same rule as the pages themselves (site/nav.py)."""

from __future__ import annotations

import datetime
import re
from urllib.parse import urljoin, urlparse

import pytest
from django.urls import reverse

from loomlight.registry.models import Consent
from loomlight.site.nav import facility_links
from tests.inventories.test_inventories import MONTH, enter

#: Not walked: what changes state or leaves the HTML pages (the API has its own access tests in tests/api).
SKIP = ("/logout", "/i18n/", "/api/", "/operator/", "/jsi18n/", "/static/", "/favicon")
#: A page of each shape is opened at most this many times (facility 1, 2, 3 ...): enough to cross every role's scope.
PER_SHAPE = 4


def walk(client, start="/") -> tuple[dict[str, int], dict[str, str]]:
    """{url: status} of every link reachable from ``start`` (GET only), and {url: the page that linked it}."""
    seen, found_on, shapes, queue = {}, {}, {}, [start]
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for href in re.findall(r'<a [^>]*href="([^"#]+)', response.content.decode()):
            target = urljoin(url, href.replace("&amp;", "&"))
            parsed = urlparse(target)
            if parsed.netloc or parsed.path.startswith(SKIP) or target in seen or target in queue:
                continue
            shape = re.sub(r"\d+", "N", parsed.path) + ("?" if parsed.query else "")
            shapes[shape] = shapes.get(shape, 0) + 1
            if shapes[shape] > PER_SHAPE:
                continue
            found_on[target] = url
            queue.append(target)
    return seen, found_on


@pytest.mark.parametrize("user", ["operator", "admin", "assessor", "park_operator", "manager", "group_manager",
                                  "data_entry", "neighbour_manager", "brand", "other_brand", "financier"])
def test_no_link_a_role_is_shown_answers_403_or_404(client, world, django_capture_on_commit_callbacks, user):
    # given data of every kind the pages link to, a consent naming GHG alone (the financier's: the emissions page
    # is theirs, the environmental data behind "Environmental data" are not) and one naming environmental data alone
    enter(world, django_capture_on_commit_callbacks, MONTH)
    Consent.objects.create(facility=world.own, grantee=world.users["financier"].memberships.get().organisation,
                           data_kinds=["profile", "ghg"], valid_from=datetime.date(2020, 1, 1),
                           granted_by=world.users["manager"])
    client.force_login(world.users[user])
    # when every link reachable from the home page is followed
    seen, found_on = walk(client)
    # then each answers (a download or a redirect to a page is fine), none is refused or missing
    broken = {url: (status, found_on.get(url)) for url, status in seen.items() if status in (403, 404)}
    assert broken == {}
    assert len(seen) > 5      # the walk went beyond the home page


def test_a_facility_links_only_the_data_pages_the_viewer_may_open(world):
    financier = world.users["financier"]
    Consent.objects.create(facility=world.own, grantee=financier.memberships.get().organisation,
                           data_kinds=["profile", "ghg"], valid_from=datetime.date(2020, 1, 1),
                           granted_by=world.users["manager"])
    # given consents naming environmental data (the brand) and GHG alone (the financier), a manager and a park operator
    keys = {name: [link.key for link in facility_links(world.users[name], world.own, year=2024)]
            for name in ("manager", "brand", "financier", "park_operator")}
    # then each sees the pages of the kinds they may read, and no other
    assert keys == {"manager": ["dashboard", "data", "emissions", "wastewater", "chemicals", "cases", "biomass"],
                    "brand": ["dashboard", "data"], "financier": ["emissions"], "park_operator": []}
    # and the financier's link opens on the year they were reading
    assert facility_links(financier, world.own, year=2024)[0].url == reverse("inventories:facility_year",
                                                                              args=[world.own.pk, 2024])


def test_the_emissions_page_links_environmental_data_only_to_who_may_open_them(client, world,
                                                                                 django_capture_on_commit_callbacks):
    """The financier's "Environmental data" on /emissions/facilities/<id>/ led to a 404."""
    enter(world, django_capture_on_commit_callbacks, MONTH)
    Consent.objects.create(facility=world.own, grantee=world.users["financier"].memberships.get().organisation,
                           data_kinds=["profile", "ghg"], valid_from=datetime.date(2020, 1, 1),
                           granted_by=world.users["manager"])
    dashboard = reverse("reporting:dashboard_year", args=[world.own.pk, 2024])
    page = reverse("inventories:facility_year", args=[world.own.pk, 2024])
    client.force_login(world.users["financier"])
    body = client.get(page).content.decode()
    assert dashboard not in body and client.get(dashboard).status_code == 404
    client.force_login(world.users["manager"])
    body = client.get(page).content.decode()
    assert dashboard in body and client.get(dashboard).status_code == 200
