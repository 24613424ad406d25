"""The audit trail as people read it: entries in the reader's language, an import as one entry, filters, the
download, the place of each event, and the list page's query count."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from loomlight.audit.describe import describe
from loomlight.audit.models import AuditEvent
from loomlight.audit.services import audit_record, place, snapshot
from loomlight.registry import services as registry_services
from loomlight.reporting import services as reporting
from loomlight.reporting.imports.jobs import ImportJob
from loomlight.wastewater import services as wastewater
from tests.reporting.test_import_service import fill
from tests.reporting.test_import_views import _download_template, _upload

JAN, FEB = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)


def _entry(event):
    [entry] = describe(AuditEvent.objects.filter(pk=event.pk).select_related("actor", "facility", "park"))
    return entry


def _changes(entry):
    return [(c.label, c.before, c.after) for c in entry.changes]


def _value(world, value, period=JAN, by="data_entry", facility=None, metric="electricity_grid", unit="kWh"):
    reporting.activity_value_set(by=world.users[by], facility=facility or world.own, period=period, metric=metric,
                                 value=value, unit=unit)
    return AuditEvent.objects.latest("id")


# --- readable entries --------------------------------------------------------------------------------------------

def test_a_value_change_reads_as_the_metric_and_its_numbers_with_the_unit_in_english(world):
    # given electricity of January corrected from 310,000 to 320,000 kWh
    _value(world, 310_000)
    event = _value(world, 320_000)
    # when the event is described in English
    with translation.override("en"):
        entry = _entry(event)
    # then one line names the metric, the numbers are grouped, the unit follows; no raw field is shown
    assert (entry.action, entry.kind, entry.subject, entry.place, entry.channel) == (
        "Updated", "Activity value", "Grid electricity purchased, January 2026", "Own Dyehouse", "Web form")
    assert _changes(entry) == [("Grid electricity purchased", "310,000", "320,000 kWh")]
    assert entry.changes_text == "Grid electricity purchased: 310,000 → 320,000 kWh"


def test_the_same_change_in_vietnamese(world):
    _value(world, 310_000)
    event = _value(world, 320_000)
    with translation.override("vi"):
        entry = _entry(event)
    # Vietnamese groups thousands with a dot (CLDR vi); the metric's name is the catalogue's translation
    assert _changes(entry) == [("Điện lưới mua vào", "310.000", "320.000 kWh")]
    assert entry.action == "Đã cập nhật"


def test_a_change_of_unit_shows_both_units(world):
    _value(world, 310_000)
    event = _value(world, 320, unit="MWh")
    with translation.override("en"):
        assert _changes(_entry(event)) == [("Grid electricity purchased", "310,000 kWh", "320 MWh")]


def test_a_month_verified_reads_as_its_states(world):
    _value(world, 310_000)
    reporting.period_submit(by=world.users["data_entry"], facility=world.own, period=JAN)
    reporting.period_verify(by=world.users["assessor"], facility=world.own, period=JAN)
    event = AuditEvent.objects.latest("id")
    with translation.override("en"):
        entry = _entry(event)
    assert (entry.action, entry.subject, _changes(entry)) == ("Verified", "January 2026",
                                                              [("Status", "Submitted", "Verified")])
    with translation.override("vi"):
        assert _changes(_entry(event)) == [("Trạng thái", "Đã nộp", "Đã xác minh")]


def test_a_month_reopened_says_so_with_its_reason(world):
    _value(world, 310_000)
    reporting.period_submit(by=world.users["data_entry"], facility=world.own, period=JAN)
    reporting.period_verify(by=world.users["assessor"], facility=world.own, period=JAN)
    reporting.period_reopen(by=world.users["assessor"], facility=world.own, period=JAN, reason="Bill corrected")
    with translation.override("en"):
        entry = _entry(AuditEvent.objects.latest("id"))
    assert (entry.action, sorted(_changes(entry))) == ("Reopened", [("Comment", "—", "Bill corrected"),
                                                                    ("Status", "Verified", "Draft")])


def test_lists_of_codes_and_references_read_as_names(world):
    # given the facility's processes and park changed
    registry_services.facility_update(by=world.users["admin"], facility=world.own,
                                      data={"processes": ["dyeing"], "park": None})
    event = AuditEvent.objects.latest("id")
    with translation.override("en"):
        entry = _entry(event)
    assert sorted(_changes(entry)) == [("Industrial park", "Green Park", "—"),
                                       ("Processes", "Dyeing, Finishing", "Dyeing")]


def test_a_created_record_hides_its_noise(world):
    # given a facility created (its creation time, id and storage fields are noise)
    facility = registry_services.facility_create(by=world.users["admin"], data={
        "name": "New Mill", "country": "VN", "tier": 2, "processes": ["weaving"], "headcount_female": 10,
        "headcount_male": 5}, programme=world.programme)
    event = AuditEvent.objects.get(object_type="registry.facility", object_id=str(facility.pk))
    with translation.override("en"):
        entry = _entry(event)
    labels = [c.label for c in entry.changes]
    assert "Created" not in labels and "Id" not in labels and "Created at" not in labels
    assert ("Processes", "", "Weaving") in _changes(entry)
    assert ("Country", "", "Viet Nam") in _changes(entry) or ("Country", "", "Vietnam") in _changes(entry)
    assert ("Women employed", "", "10") in _changes(entry)


def test_an_unknown_type_still_reads_in_words(world):
    event = AuditEvent.objects.create(action="update", object_type="elsewhere.gadget", object_id="1", object_repr="Gadget 1",
                                      before={"max_speed": 1200.5}, after={"max_speed": 1300.25})
    with translation.override("en"):
        assert _changes(_entry(event)) == [("Max speed", "1,200.5", "1,300.25")]


# --- where an event belongs --------------------------------------------------------------------------------------

def test_each_event_names_its_facility_park_and_month(world):
    value = _value(world, 310_000)
    assert (value.facility_id, value.park_id, value.period) == (world.own.pk, None, JAN)
    event = wastewater.sampling_event_create(
        by=world.users["park_operator"], shared_facility=world.cetp, sampled_on=datetime.date(2026, 1, 15),
        sampling_point="cetp_inflow", discharge_type="indirect", laboratory="Lab A",
        results=[{"parameter": "cod", "value": 120, "unit": "mg/L"}])
    result = event.results.get()
    assert place(event) == (None, world.park.pk, JAN)
    assert place(result) == (None, world.park.pk, JAN)
    assert place(world.own) == (world.own.pk, None, None)
    assert place(world.cetp) == (None, world.park.pk, None)


def test_the_migration_backfills_the_place_of_older_events(world):
    # given events recorded before the columns existed (their place blank)
    value = _value(world, 310_000)
    registry_services.facility_update(by=world.users["admin"], facility=world.own, data={"headcount_male": 201})
    facility_event = AuditEvent.objects.latest("id")
    AuditEvent.objects.update(facility=None, park=None, period=None)
    # when the data migration runs
    from importlib import import_module

    from django.apps import apps

    import_module("loomlight.audit.migrations.0003_event_place").backfill_place(apps, None)
    # then each names its place again, from its own snapshot
    value.refresh_from_db()
    facility_event.refresh_from_db()
    assert (value.facility_id, value.period) == (world.own.pk, JAN)
    assert (facility_event.facility_id, facility_event.period) == (world.own.pk, None)


# --- an import is one entry --------------------------------------------------------------------------------------

def test_an_import_is_one_entry_with_its_counts_opening_to_its_values(client, world, django_capture_on_commit_callbacks):
    # given a first upload of two values, then a second changing one, adding one and repeating one
    client.force_login(world.users["data_entry"])
    wb = _download_template(client, world)
    fill(wb, "2025-01", "electricity_grid", 1250, "MWh")
    fill(wb, "2025-01", "water_municipal", 310.5)
    first = _upload(client, world, wb, django_capture_on_commit_callbacks, name="january.xlsx")
    wb = _download_template(client, world)
    fill(wb, "2025-01", "electricity_grid", 1300, "MWh")
    fill(wb, "2025-01", "water_municipal", 310.5)
    fill(wb, "2025-02", "water_municipal", 290)
    second = _upload(client, world, wb, django_capture_on_commit_callbacks, name="february.xlsx")
    assert ImportJob.objects.get(pk=second.pk).values_updated == 1
    # when the programme admin opens the trail
    client.force_login(world.users["admin"])
    with translation.override("en"):
        response = client.get(reverse("audit:list"))
    entries = list(response.context["page"])
    # then each import is one entry, with its file and its counts, and no value of it is listed alone
    assert [(e.kind, e.subject, e.channel, _changes(e)) for e in entries] == [
        ("Import", "february.xlsx", "Excel upload", [("Values added", "", "1"), ("Values changed", "", "1"),
                                                     ("Values unchanged", "", "1"), ("Values flagged", "", "0")]),
        ("Import", "january.xlsx", "Excel upload", [("Values added", "", "2"), ("Values changed", "", "0"),
                                                    ("Values unchanged", "", "0"), ("Values flagged", "", "0")]),
    ]
    body = response.content.decode()
    assert f'?import={second.pk}"' in body and f'?import={first.pk}"' in body
    # and opening the second lists the values it changed and added
    opened = client.get(reverse("audit:list"), {"import": second.pk})
    assert opened.context["opened"].subject == "february.xlsx"
    assert sorted(_changes(e)[0] for e in opened.context["page"]) == [
        ("Grid electricity purchased", "1,250", "1,300 MWh"), ("Water withdrawn, municipal supply", "", "290 m³")]
    # an import the reader may not read is not found
    client.force_login(world.users["neighbour_manager"])
    assert client.get(reverse("audit:list"), {"import": second.pk}).status_code == 404
    assert client.get(reverse("audit:list"), {"import": "x1"}).status_code == 404


# --- filters and the download ------------------------------------------------------------------------------------

@pytest.fixture
def changes(world):
    """Four changes: January and February at Own Dyehouse, January at Neighbour Sewing, January submitted."""
    events = {
        "own_jan": _value(world, 310_000),
        "own_feb": _value(world, 300_000, period=FEB),
        "neighbour_jan": _value(world, 90_000, by="neighbour_manager", facility=world.neighbour),
    }
    reporting.period_submit(by=world.users["data_entry"], facility=world.own, period=JAN, via="api")
    events["submitted"] = AuditEvent.objects.latest("id")
    AuditEvent.objects.filter(pk=events["own_jan"].pk).update(at=timezone.make_aware(datetime.datetime(2026, 2, 3, 10)))
    AuditEvent.objects.filter(pk=events["own_feb"].pk).update(at=timezone.make_aware(datetime.datetime(2026, 3, 4, 10)))
    AuditEvent.objects.filter(pk=events["neighbour_jan"].pk).update(at=timezone.make_aware(datetime.datetime(2026, 3, 5, 10)))
    AuditEvent.objects.filter(pk=events["submitted"].pk).update(at=timezone.make_aware(datetime.datetime(2026, 3, 6, 10)))
    return events


@pytest.mark.parametrize("query, expected", [
    ({}, ["submitted", "neighbour_jan", "own_feb", "own_jan"]),
    ({"facility": "OWN"}, ["submitted", "own_feb", "own_jan"]),
    ({"month": "2026-01"}, ["submitted", "neighbour_jan", "own_jan"]),
    ({"kind": "reporting.reportingperiod"}, ["submitted"]),
    ({"user": "Neighbour_Manager"}, ["neighbour_jan"]),
    ({"channel": "api"}, ["submitted"]),
    ({"channel": "web"}, ["neighbour_jan", "own_feb", "own_jan"]),
    ({"date_from": "2026-03-01", "date_to": "2026-03-05"}, ["neighbour_jan", "own_feb"]),
    ({"month": "2026-13"}, ["submitted", "neighbour_jan", "own_feb", "own_jan"]),   # refused, named, not applied
])
def test_filters(client, world, changes, query, expected):
    client.force_login(world.users["admin"])
    query = {k: str(world.own.pk) if v == "OWN" else v for k, v in query.items()}
    response = client.get(reverse("audit:list"), query)
    assert response.status_code == 200
    by_pk = {event.pk: tag for tag, event in changes.items()}
    assert [by_pk[e.event.pk] for e in response.context["page"]] == expected
    if query.get("month") == "2026-13":
        assert "month" in response.context["form"].errors


def test_a_range_ending_before_it_starts_is_refused_on_its_field(client, world, changes):
    client.force_login(world.users["admin"])
    response = client.get(reverse("audit:list"), {"date_from": "2026-03-05", "date_to": "2026-03-01"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"] == ["The end of the range is before its start."]


def test_the_download_has_the_page_filters_and_readable_columns(client, world, changes):
    client.force_login(world.users["admin"])
    with translation.override("en"):
        response = client.get(reverse("audit:download"), {"facility": world.own.pk, "month": "2026-01"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
    import csv
    import io

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["When", "Who", "Channel", "Action", "Kind of record", "Record", "Facility or park", "Month",
                       "Changes"]
    assert [row[1:] for row in rows[1:]] == [
        ["data_entry", "API", "Submitted", "Reporting period", "January 2026", "Own Dyehouse", "January 2026",
         "Status: Draft → Submitted"],
        ["data_entry", "Web form", "Created", "Activity value", "Grid electricity purchased, January 2026",
         "Own Dyehouse", "January 2026", "Grid electricity purchased: 310,000 kWh"],
    ]


def test_the_download_in_vietnamese(client, world, changes):
    client.force_login(world.users["admin"])
    response = client.get(reverse("audit:download"), {"kind": "reporting.activityvalue", "user": "neighbour_manager"},
                          HTTP_ACCEPT_LANGUAGE="vi")
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[1].endswith("Điện lưới mua vào: 90.000 kWh")


# --- scale ---------------------------------------------------------------------------------------------------------

def _list_queries(client, django_assert_num_queries, n_expected_rows):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("audit:list"))
    assert len(response.context["page"]) == n_expected_rows
    return len(captured)


def _sampling(world):
    wastewater.sampling_event_create(
        by=world.users["park_operator"], shared_facility=world.cetp, sampled_on=datetime.date(2026, 1, 15),
        sampling_point="cetp_inflow", discharge_type="indirect", laboratory="Lab A",
        results=[{"parameter": "cod", "value": 120, "unit": "mg/L"}])


def test_the_list_page_query_count_does_not_grow_with_its_rows(client, world, django_assert_num_queries):
    # given 5 changes of each kind the page shows (a value, facility records naming an owner and a park, a central
    # plant's sampling event and its result)
    client.force_login(world.users["admin"])
    _value(world, 1)
    registry_services.facility_update(by=world.users["admin"], facility=world.own, data={"headcount_male": 201})
    registry_services.facility_update(by=world.users["admin"], facility=world.neighbour,
                                      data={"organisation": world.group})
    _sampling(world)
    few = _list_queries(client, django_assert_num_queries, 5)
    # when there are 50 more of the same kinds, at three facilities
    for i in range(40):
        _value(world, 1000 + i, facility=(world.own, world.neighbour, world.outside)[i % 3], by="operator")
    for _i in range(4):
        _sampling(world)
    registry_services.facility_update(by=world.users["admin"], facility=world.outside, data={"organisation": world.group})
    registry_services.facility_update(by=world.users["admin"], facility=world.own, data={"headcount_male": 202})
    # then the page of 50 rows costs what the page of 5 did, and that number is pinned
    many = _list_queries(client, django_assert_num_queries, 50)
    assert many == few
    with django_assert_num_queries(PINNED_LIST_QUERIES):
        client.get(reverse("audit:list"))


#: session, user, memberships; the events' count and their page (facility, park and actor joined); the names the
#: records refer to, one query per referenced model (here shared facilities and organisations); the facility
#: filter's "any?" and its choices; the header's unread notifications. Measured at 5 and at 50 rows, and pinned.
PINNED_LIST_QUERIES = 10


def test_audit_record_keeps_its_signature(world):
    # given a caller of the old signature, the event still names its place
    event = audit_record(actor=world.users["operator"], action="update", obj=world.own, before={"a": 1},
                         after=snapshot(world.own))
    assert event.facility_id == world.own.pk


def test_pages_go_on_without_counting(client, world):
    # given 51 changes the admin reads
    for i in range(51):
        _value(world, 1000 + i, by="operator")
    client.force_login(world.users["admin"])
    first = client.get(reverse("audit:list"))
    assert len(first.context["page"]) == 50
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' not in first.content.decode()
    second = client.get(reverse("audit:list"), {"page": "2"})
    assert len(second.context["page"]) == 1 and 'rel="next"' not in second.content.decode()
    assert [e.event.pk for e in second.context["page"]] == [AuditEvent.objects.order_by("id").first().pk]
    # a page that is no number is the first one, never an error
    assert len(client.get(reverse("audit:list"), {"page": "x٣"}).context["page"]) == 50


def test_with_many_facilities_the_filter_is_the_facility_pages_link(client, world, changes, monkeypatch):
    from loomlight.audit import forms

    monkeypatch.setattr(forms, "FACILITY_SELECT_MAX", 1)   # the admin reads three facilities
    client.force_login(world.users["admin"])
    body = client.get(reverse("audit:list")).content.decode()
    assert '<select name="facility"' not in body
    response = client.get(reverse("audit:list"), {"facility": world.own.pk})
    body = response.content.decode()
    assert f'<input type="hidden" name="facility" value="{world.own.pk}"' in body
    assert "Changes of Own Dyehouse only." in body
    assert {e.event.facility_id for e in response.context["page"]} == {world.own.pk}
