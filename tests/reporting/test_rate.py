"""The reporting-rate view (reporting.rate, reporting.rate_views): facilities × months, states, completeness,
totals, filters, downloads and who may open it.

Given the test world (tests/conftest.py) on 10 April 2026 (tests/april_2026.py; deadline day 20, so the last month
due is February 2026 and the page opens on March 2025 - February 2026), a hand-built programme:

* Own Dyehouse (Green Park), registered January 2024, six metrics that apply (saved): March to October 2025
  verified, November 2025 returned, December 2025 verified, January 2026 submitted, February 2026 a draft with 4 of
  its 6 metrics, March 2026 a draft (not due);
* Neighbour Sewing (Green Park), registered 15 June 2025, nothing recorded: March to May 2025 not expected yet,
  June 2025 to February 2026 missing;
* Outside Laundry (no park), registered in 2020, first month on record September 2025 (submitted, grid electricity
  only: 1 of its 3 suggested metrics), October 2025 values written without a month record (a draft); March to
  August 2025 not expected yet (before its first month on record), November 2025 to February 2026 missing;
* Stranger Mill (River Park, in no programme): seen by the installation's operator only.
"""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from loomlight.registry.countries import country_name
from loomlight.registry.models import Facility
from loomlight.reporting import rate
from loomlight.reporting.models import ApplicableMetrics, ReportingPeriod
from tests.april_2026 import april_2026, store_values  # noqa: F401 (the frozen clock)

D = datetime.date
TODAY = D(2026, 4, 10)
DEADLINE = 20
MONTHS = rate.month_range((2026, 2))          # March 2025 - February 2026
SIX = ["electricity_grid", "fuel_diesel", "water_municipal", "wastewater_cetp", "production_kg",
       "waste_nonhazardous_landfilled"]
UNITS = {"electricity_grid": "kWh", "fuel_diesel": "L", "water_municipal": "m³", "wastewater_cetp": "m³",
         "production_kg": "kg", "waste_nonhazardous_landfilled": "kg"}


def _aware(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def programme(world):
    own, neighbour, outside, stranger = world.own, world.neighbour, world.outside, world.stranger
    Facility.objects.filter(pk=own.pk).update(created_at=_aware(D(2024, 1, 5)))
    Facility.objects.filter(pk=neighbour.pk).update(created_at=_aware(D(2025, 6, 15)))
    Facility.objects.filter(pk=outside.pk).update(created_at=_aware(D(2020, 2, 1)))
    Facility.objects.filter(pk=stranger.pk).update(created_at=_aware(D(2020, 2, 1)))
    ApplicableMetrics.objects.create(facility=own, metrics=SIX)
    statuses = {D(2025, m, 1): "verified" for m in range(3, 11)}
    statuses |= {D(2025, 11, 1): "returned", D(2025, 12, 1): "verified", D(2026, 1, 1): "submitted",
                 D(2026, 2, 1): "draft", D(2026, 3, 1): "draft"}
    ReportingPeriod.objects.bulk_create([ReportingPeriod(facility=own, period=p, status=s) for p, s in statuses.items()])
    for p in statuses:
        chosen = SIX[:4] if p == D(2026, 2, 1) else SIX
        store_values(own, [(p.year, [p.month], metric, 10.0, UNITS[metric]) for metric in chosen])
    ReportingPeriod.objects.create(facility=outside, period=D(2025, 9, 1), status="submitted")
    store_values(outside, [(2025, [9, 10], "electricity_grid", 5000.0, "kWh")])
    return world


def _rows(facilities, months=MONTHS):
    return {r.facility.name: r for r in rate.rate_rows(list(facilities), months, today=TODAY, deadline_day=DEADLINE)}


def _states(row) -> list[str]:
    return [c.state for c in row.cells]


# --- the selector -----------------------------------------------------------------------

def test_each_cell_has_its_state_and_before_start_and_not_due_are_never_missing(programme):
    # given the programme; when its rows are built for March 2025 - February 2026
    rows = _rows(Facility.objects.filter(pk__in=[programme.own.pk, programme.neighbour.pk, programme.outside.pk]))
    # then each month reads as recorded, and months before a facility's start are "before", not "missing"
    assert _states(rows["Own Dyehouse"]) == ["verified"] * 8 + ["returned", "verified", "submitted", "draft"]
    assert _states(rows["Neighbour Sewing"]) == ["before"] * 3 + ["missing"] * 9
    assert _states(rows["Outside Laundry"]) == ["before"] * 6 + ["submitted", "draft"] + ["missing"] * 4
    # and a month whose deadline has not passed (March 2026, due 20 April) is "not due" where nothing is recorded
    later = _rows(Facility.objects.filter(pk__in=[programme.own.pk, programme.neighbour.pk]), rate.month_range((2026, 3), 1))
    assert [c.state for c in later["Neighbour Sewing"].cells] == ["not_due"]
    assert [c.state for c in later["Own Dyehouse"].cells] == ["draft"]


def test_completeness_counts_the_metrics_that_apply(programme):
    rows = _rows(Facility.objects.filter(pk__in=[programme.own.pk, programme.outside.pk]))
    own, outside = rows["Own Dyehouse"], rows["Outside Laundry"]
    # the February draft has 4 of Own's 6 saved metrics; its other months all 6
    assert (own.cells[-1].metrics, own.cells[-1].applicable) == (4, 6)
    assert {(c.metrics, c.applicable) for c in own.cells[:-1]} == {(6, 6)}
    assert own.applicable_saved is True
    # Outside Laundry (laundry: wet, outside a park) has not saved its metrics: the suggestion is what it reported
    # (grid electricity) with municipal water and wastewater to the sewer (selectors.suggested_metrics): 1 of 3
    assert outside.applicable == ["electricity_grid", "water_municipal", "wastewater_sewer"]
    assert (outside.cells[6].metrics, outside.cells[6].applicable) == (1, 3)
    assert outside.applicable_saved is False
    # the same as the one-facility selector says
    from loomlight.reporting.selectors import applicable_metrics
    assert applicable_metrics(programme.outside) == (outside.applicable, False)


def test_row_totals_count_months_reported_of_those_expected(programme):
    rows = _rows(Facility.objects.filter(pk__in=[programme.own.pk, programme.neighbour.pk, programme.outside.pk]))
    # Own: 12 expected; reported = 9 verified + 1 submitted; the returned and the draft are not reported
    assert (rows["Own Dyehouse"].expected, rows["Own Dyehouse"].reported, rows["Own Dyehouse"].verified) == (12, 10, 9)
    assert (rows["Neighbour Sewing"].expected, rows["Neighbour Sewing"].reported) == (9, 0)
    assert (rows["Outside Laundry"].expected, rows["Outside Laundry"].reported) == (6, 1)
    assert rows["Neighbour Sewing"].rate == 0
    assert rows["Outside Laundry"].rate == pytest.approx(1 / 6)


def test_column_totals_count_every_state_per_month(programme):
    facilities = rate.rate_facilities(programme.users["admin"])
    columns, total = rate.rate_columns(facilities, MONTHS, today=TODAY, deadline_day=DEADLINE)
    by_month = {c.period: c for c in columns}
    assert total == 3
    # March 2025: Own verified; Neighbour and Outside not expected yet
    assert by_month[D(2025, 3, 1)].counts == {"verified": 1, "before": 2, "missing": 0}
    assert (by_month[D(2025, 3, 1)].reported, by_month[D(2025, 3, 1)].expected) == (1, 1)
    # June 2025: Neighbour registered (missing), Outside before its first month on record
    assert by_month[D(2025, 6, 1)].counts == {"verified": 1, "before": 1, "missing": 1}
    # September 2025: 2 of 3 reported (Own verified, Outside submitted), 1 of 3 verified
    sept = by_month[D(2025, 9, 1)]
    assert sept.counts == {"verified": 1, "submitted": 1, "before": 0, "missing": 1}
    assert (sept.reported, sept.expected, sept.rate, sept.verified_share) == (2, 3, pytest.approx(2 / 3), pytest.approx(1 / 3))
    # October 2025: Outside's values without a month record are not counted in the totals (the services always
    # write one): it counts as missing there
    assert by_month[D(2025, 10, 1)].counts == {"verified": 1, "before": 0, "missing": 2}
    # November 2025: Own returned, not reported
    nov = by_month[D(2025, 11, 1)]
    assert nov.counts == {"returned": 1, "before": 0, "missing": 2}
    assert (nov.reported, nov.expected, nov.rate) == (0, 3, 0)
    # February 2026: Own's draft is not reported
    feb = by_month[D(2026, 2, 1)]
    assert feb.counts == {"draft": 1, "before": 0, "missing": 2}
    assert feb.rate == 0
    # March 2026 is not due: nothing expected, no rate, never missing
    march, = rate.rate_columns(facilities, rate.month_range((2026, 3), 1), today=TODAY, deadline_day=DEADLINE)[0]
    assert march.counts == {"draft": 1, "before": 0, "not_due": 2}
    assert (march.due, march.expected, march.rate) == (False, 0, None)


def test_rows_and_totals_take_the_same_number_of_queries_whatever_the_rows_and_months(programme, django_assert_num_queries):
    facilities = list(Facility.objects.order_by("pk"))
    with django_assert_num_queries(5):
        rate.rate_rows(facilities[1:2], MONTHS[:1], today=TODAY, deadline_day=DEADLINE)   # Neighbour: suggested metrics
    with django_assert_num_queries(5):
        rate.rate_rows(facilities, MONTHS, today=TODAY, deadline_day=DEADLINE)
    with django_assert_num_queries(2):
        rate.rate_columns(Facility.objects.all(), MONTHS, today=TODAY, deadline_day=DEADLINE)


# --- who sees which facilities ----------------------------------------------------------

@pytest.mark.parametrize("role, expected", [
    ("operator", {"Own Dyehouse", "Neighbour Sewing", "Outside Laundry", "Stranger Mill"}),
    ("admin", {"Own Dyehouse", "Neighbour Sewing", "Outside Laundry"}),
    ("assessor", {"Own Dyehouse", "Neighbour Sewing", "Outside Laundry"}),
    ("park_operator", {"Own Dyehouse", "Neighbour Sewing"}),
])
def test_who_sees_which_facilities(programme, role, expected):
    assert set(rate.rate_facilities(programme.users[role]).values_list("name", flat=True)) == expected
    assert rate.may_open(programme.users[role]) is True


@pytest.mark.parametrize("role", ["manager", "group_manager", "data_entry", "neighbour_manager", "brand",
                                  "other_brand", "financier", "nobody"])
def test_other_roles_get_no_page_and_no_link(programme, client, role):
    user = programme.users[role]
    assert rate.rate_facilities(user) is None
    assert rate.may_open(user) is False
    client.force_login(user)
    assert client.get(reverse("reporting:rate")).status_code == 403
    assert client.get(reverse("reporting:rate_download", args=["csv"])).status_code == 403
    # and neither the park page nor the programme page links to it
    park = client.get(reverse("registry:park", args=[programme.park.pk]))
    assert reverse("reporting:rate") not in park.content.decode()


def test_anonymous_is_sent_to_log_in(programme, client):
    response = client.get(reverse("reporting:rate"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- the page --------------------------------------------------------------------------

def _page(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("reporting:rate") + query)
    assert response.status_code == 200
    return response


def test_the_page_shows_states_with_signs_words_and_totals(programme, client):
    response = _page(client, programme.users["admin"])
    html = response.content.decode()
    rows = {r.facility.name: r for r in response.context["rows"]}
    assert list(rows) == ["Neighbour Sewing", "Outside Laundry", "Own Dyehouse"]    # by name
    assert response.context["months"] == MONTHS
    # every state has a sign and a word in the legend: the colour is never the only signal
    for state in rate.STATES:
        assert f'<span class="rate-sign s-{state}" aria-hidden="true">{rate.STATE_SIGNS[state]}</span> {rate.STATE_LABELS[state]}' in html
    assert 'data-month="2026-02" data-state="draft" title="February 2026: draft · 4 of 6 metrics that apply"' in html
    assert '<small class="rate-metrics" data-testid="metrics">4/6</small>' in html
    assert 'data-state="missing"' in html and "<span class=\"visually-hidden\">missing</span>" in html
    # the row total of Own, the rate of September 2025 (2 of 3)
    assert '<td class="num" data-testid="row-total">10/12</td>' in html
    assert '<td class="num" data-month="2025-09">2/3</td>' in html
    assert '<td class="num" data-month="2025-09">67 %</td>' in html
    assert '<td class="num" data-month="2025-09">33 %</td>' in html
    # links to each facility's monthly data, which the admin may open
    assert reverse("reporting:facility", args=[programme.own.pk]) in html


def test_other_months_are_one_click_away_and_bad_months_are_refused(programme, client):
    response = _page(client, programme.users["admin"], "?end=2025-12")
    assert response.context["months"] == rate.month_range((2025, 12))
    assert response.context["period_label"] == "2025"
    assert response.context["earlier"] == "2024-12" and response.context["later"] == ""   # 2026-12 is not yet
    default = _page(client, programme.users["admin"])
    assert default.context["earlier"] == "2025-02" and 'href="?end=2025-02"' in default.content.decode()
    # the last three calendar years, each one click away
    assert default.context["years"] == [(2025, "2025-12"), (2024, "2024-12"), (2023, "2023-12")]
    assert 'href="?end=2024-12"' in default.content.decode()
    assert _page(client, programme.users["admin"], "?end=2024-12&page=abc").context["period_label"] == "2024"
    for bad in ("2026-13", "march", "2027-01", "1989-12"):
        refused = client.get(reverse("reporting:rate"), {"end": bad})
        assert refused.status_code == 400
        assert "“end”" in refused.content.decode()


@pytest.mark.parametrize("query, expected", [
    ({"park": "PARK"}, ["Neighbour Sewing", "Own Dyehouse"]),
    ({"park": "none"}, ["Outside Laundry"]),
    ({"park": "999999"}, []),
    ({"park": "green"}, []),
    ({"country": "VN"}, ["Neighbour Sewing", "Outside Laundry", "Own Dyehouse"]),
    ({"country": "KH"}, []),
    ({"country": "XX"}, []),
    ({"process": "dyeing"}, ["Own Dyehouse"]),
    ({"process": "laundry"}, ["Outside Laundry"]),
    ({"process": "nonsense"}, []),
    ({"programme": "PROGRAMME"}, ["Neighbour Sewing", "Outside Laundry", "Own Dyehouse"]),
    ({"programme": "999999"}, []),
    ({"programme": "x"}, []),
    ({"search": "sew"}, ["Neighbour Sewing"]),
])
def test_filters_and_unknown_values_match_nothing(programme, client, query, expected):
    query = {k: v.replace("PARK", str(programme.park.pk)).replace("PROGRAMME", str(programme.programme.pk))
             for k, v in query.items()}
    client.force_login(programme.users["admin"])
    response = client.get(reverse("reporting:rate"), query)
    assert response.status_code == 200
    assert [r.facility.name for r in response.context["rows"]] == expected
    assert response.context["total"] == len(expected)
    if not expected:
        assert 'data-testid="empty"' in response.content.decode()


def test_a_park_operator_sees_its_tenants_not_the_programme(programme, client):
    response = _page(client, programme.users["park_operator"], f"?park={programme.other_park.pk}")
    assert response.context["rows"] == []
    response = _page(client, programme.users["park_operator"])
    assert [r.facility.name for r in response.context["rows"]] == ["Neighbour Sewing", "Own Dyehouse"]
    assert [p.name for p in response.context["parks"]] == ["Green Park"]
    # a park operator reads no tenant's monthly data: the names link to the profiles it may open, not to the data
    html = response.content.decode()
    assert f'href="{reverse("registry:facility", args=[programme.own.pk])}"' in html
    assert reverse("reporting:facility", args=[programme.own.pk]) not in html
    assert client.get(reverse("reporting:facility", args=[programme.own.pk])).status_code == 404
    assert client.get(reverse("registry:facility", args=[programme.own.pk])).status_code == 200


def test_pages_of_fifty_and_a_query_count_that_does_not_grow(world, client, django_assert_num_queries):
    # given 120 facilities in the programme's park; when the admin opens page 1 and page 3
    Facility.objects.bulk_create([Facility(name=f"Mill {i:03d}", country="VN", park=world.park, tier=1, processes=["weaving"])
                                  for i in range(117)])
    client.force_login(world.users["admin"])
    client.get(reverse("reporting:rate"))   # the session, once
    with django_assert_num_queries(QUERIES):
        first = client.get(reverse("reporting:rate"))
    assert len(first.context["rows"]) == 50 and first.context["total"] == 120
    with django_assert_num_queries(QUERIES):
        last = client.get(reverse("reporting:rate"), {"page": "3", "end": "2025-06"})
    assert len(last.context["rows"]) == 20
    assert first.context["page"].paginator.num_pages == 3


#: the page's queries: session and user (2), memberships (1), page count and page (2), rows (5), which rows link
#: to monthly data (1), totals (2), the parks, countries and programmes of the filters (3), the header's unread
#: notifications (1)
QUERIES = 17


# --- downloads -------------------------------------------------------------------------

def _download(client, user, fmt, query=None):
    client.force_login(user)
    response = client.get(reverse("reporting:rate_download", args=[fmt]), query or {})
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [[c for c in row] for row in sheet.iter_rows(values_only=True)]


def test_csv_download_has_the_states_in_words_and_the_filters(programme, client):
    table = _download(client, programme.users["admin"], "csv", {"park": str(programme.park.pk)})
    headers = table[0]
    assert headers[:9] == ["facility", "facility id", "industrial park", "country", "metrics that apply",
                           "months expected", "months reported", "months verified", "reporting rate [%]"]
    assert headers[9:11] == ["March 2025: state", "March 2025: metrics with a value"]
    assert headers[-2:] == ["February 2026: state", "February 2026: metrics with a value"]
    assert [row[0] for row in table[1:]] == ["Neighbour Sewing", "Own Dyehouse"]
    own = table[2]
    # 10 of 12 months reported: 83.3 %
    assert own[1:9] == [str(programme.own.pk), "Green Park", country_name("VN"), "6", "12", "10", "9", "83.3"]
    assert own[9::2] == ["verified"] * 8 + ["returned", "verified", "submitted", "draft"]
    assert own[10::2] == ["6"] * 11 + ["4"]
    neighbour = table[1]
    assert neighbour[9::2] == ["not expected yet"] * 3 + ["missing"] * 9
    assert neighbour[10::2] == [""] * 12


def test_xlsx_download_matches_and_keeps_numbers_as_numbers(programme, client):
    table = _download(client, programme.users["admin"], "xlsx")
    assert [row[0] for row in table[1:]] == ["Neighbour Sewing", "Outside Laundry", "Own Dyehouse"]
    outside = table[2]
    assert outside[4:9] == [3, 6, 1, 0, 16.7]
    assert outside[9::2] == ["not expected yet"] * 6 + ["submitted", "draft"] + ["missing"] * 4
    assert outside[10::2] == [None] * 6 + [1, 1] + [None] * 4
    csv_table = _download(client, programme.users["admin"], "csv")
    assert list(table[0]) == csv_table[0]


def test_download_headers_and_states_in_the_readers_language(programme, client):
    from django.utils.formats import date_format

    client.force_login(programme.users["admin"])
    with translation.override("vi"):
        expected_state = str(rate.STATE_LABELS["missing"])
        expected_header = translation.gettext("facility")
        february = date_format(D(2026, 2, 1), "YEAR_MONTH_FORMAT")
    assert expected_header != "facility" and february != "February 2026"     # the catalogue and the format say so
    client.cookies["django_language"] = "vi"
    response = client.get(reverse("reporting:rate_download", args=["csv"]))
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][0] == expected_header
    assert table[0][-2].startswith(february)
    assert table[1][-2] == expected_state     # Neighbour Sewing, February 2026: missing (words from the catalogue)


def test_unknown_download_format_is_404(programme, client):
    client.force_login(programme.users["admin"])
    assert client.get(reverse("reporting:rate_download", args=["pdf"])).status_code == 404


# --- links -----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "park_operator", "operator"])
def test_the_park_page_links_to_its_tenants_rate(programme, client, role):
    client.force_login(programme.users[role])
    html = client.get(reverse("registry:park", args=[programme.park.pk])).content.decode()
    assert f'{reverse("reporting:rate")}?park={programme.park.pk}' in html


def test_the_programme_page_links_to_its_rate(programme, client):
    client.force_login(programme.users["admin"])
    html = client.get(reverse("inventories:programme", args=[programme.programme.pk])).content.decode()
    assert f'{reverse("reporting:rate")}?programme={programme.programme.pk}' in html
