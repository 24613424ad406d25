"""The month form (issue 16, point 3) and finding the way to it (point 8): one facility-month with every metric that
applies, the usual unit pre-selected, last month's and last year's values beside each field, saved all or nothing
through ``services.month_values_set``; the facility page's "what to do next". The clock is 10 April 2026, the
deadline the 20th (tests/april_2026.py): February 2026 is overdue, March is due on 20 April."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.reporting import services
from loomlight.reporting.models import ActivityValue, PeriodStatus, ReportingPeriod
from tests.april_2026 import april_2026, store_values  # noqa: F401 (april_2026: the autouse clock)

MARCH = datetime.date(2026, 3, 1)


def _url(world, year=2026, month=3):
    return reverse("reporting:month", args=[world.own.pk, year, month])


def _rows(response):
    return [(line["row"].metric, line["row"].qualifier) for line in response.context["lines"]]


def _line(response, metric, qualifier=""):
    return next(line for line in response.context["lines"] if line["row"].key == (metric, qualifier))


@pytest.fixture
def applies(world):
    """Given the manager set electricity, municipal water and production by mass as the metrics that apply."""
    services.applicable_metrics_set(by=world.users["manager"], facility=world.own,
                                    metrics=["electricity_grid", "water_municipal", "production_kg"])


def test_the_form_shows_each_applicable_metric_in_the_series_it_is_reported_in(client, world, applies):
    # given production reported by product type in February, and diesel (which does not apply) reported in March
    entry = world.users["data_entry"]
    for qualifier in ("knit", "denim"):
        services.activity_value_set(by=entry, facility=world.own, period=datetime.date(2026, 2, 1), metric="production_kg",
                                    qualifier=qualifier, value=1000, unit="kg")
    services.activity_value_set(by=entry, facility=world.own, period=MARCH, metric="fuel_diesel", value=100, unit="L")
    client.force_login(entry)
    # when the data-entry user opens March
    response = client.get(_url(world))
    # then each applicable metric has a row (production as its two product types), in catalogue order, and the
    # diesel of this month is shown too, marked as not among the metrics that apply
    assert response.status_code == 200
    assert _rows(response) == [("electricity_grid", ""), ("fuel_diesel", ""), ("water_municipal", ""),
                               ("production_kg", "denim"), ("production_kg", "knit")]
    assert [line["row"].applies for line in response.context["lines"]] == [True, False, True, True, True]
    assert _line(response, "fuel_diesel")["value"] == "100"
    # two blank rows add a metric that does not apply yet, or another product or waste type
    assert [x["prefix"] for x in response.context["extra"]] == ["x0", "x1"]
    html = response.content.decode()
    assert 'name="x0-qualifier"' in html and 'for="id_r0-value"' in html


def test_the_unit_preselected_is_the_one_last_used_else_the_catalogues(client, world, applies):
    # given electricity reported in MWh in January 2026 (and in kWh a year before), nothing else
    entry = world.users["data_entry"]
    services.activity_value_set(by=entry, facility=world.own, period=datetime.date(2025, 3, 1), metric="electricity_grid",
                                value=300_000, unit="kWh")
    services.activity_value_set(by=entry, facility=world.own, period=datetime.date(2026, 1, 1), metric="electricity_grid",
                                value=310, unit="MWh")
    client.force_login(entry)
    response = client.get(_url(world))
    # then electricity starts in MWh (the latest used), water in m³ and production in kg (reference/metrics.csv)
    assert [(line["row"].metric, line["unit"]) for line in response.context["lines"]] == [
        ("electricity_grid", "MWh"), ("water_municipal", "m³"), ("production_kg", "kg")]
    # and the unit is a list of the units the metric accepts, MWh selected
    assert _line(response, "electricity_grid")["units"] == ["kWh", "MWh", "GJ", "MJ", "TJ", "Gcal"]
    assert '<option value="MWh" selected>' in response.content.decode()


def test_last_months_and_last_years_values_are_shown_as_reported_and_a_gap_as_not_reported(client, world, applies):
    # given February 2026 electricity as 1.2 MWh, March 2025 not reported; water 850 m³ in March 2025 only
    entry = world.users["data_entry"]
    services.activity_value_set(by=entry, facility=world.own, period=datetime.date(2026, 2, 1), metric="electricity_grid",
                                value="1.2", unit="MWh")
    services.activity_value_set(by=entry, facility=world.own, period=datetime.date(2025, 3, 1), metric="water_municipal",
                                value=850, unit="m³")
    client.force_login(entry)
    response = client.get(_url(world))
    electricity, water = _line(response, "electricity_grid"), _line(response, "water_municipal")
    assert (electricity["row"].previous.original_value, electricity["row"].previous.original_unit) == (1.2, "MWh")
    assert electricity["row"].last_year is None
    assert (water["row"].previous, water["row"].last_year.original_value) == (None, 850.0)
    html = response.content.decode()
    assert "Feb 2026: 1.2 MWh · Mar 2025: not reported" in html
    assert "Feb 2026: not reported · Mar 2025: 850 m³" in html
    assert "Feb 2026: 0" not in html   # a gap is never shown as 0


def test_several_values_are_saved_in_one_post_each_audited_via_the_form(client, world, applies):
    client.force_login(world.users["data_entry"])
    # when electricity, water and a product type of a metric that did not apply are posted together (production empty)
    response = client.post(_url(world), {
        "r0-metric": "electricity_grid", "r0-qualifier": "", "r0-value": "310 000", "r0-unit": "kWh",
        "r1-metric": "water_municipal", "r1-qualifier": "", "r1-value": "1250", "r1-unit": "m³",
        "r2-metric": "production_kg", "r2-qualifier": "", "r2-value": "", "r2-unit": "kg",
        "x0-metric": "waste_nonhazardous_recycled", "x0-qualifier": "cotton scraps", "x0-value": "420", "x0-unit": "",
        "x1-metric": "", "x1-qualifier": "", "x1-value": "", "x1-unit": "",
    })
    # then three values are stored, each with its audit event through the form, and the page says what was saved
    assert response.status_code == 302 and response["Location"] == _url(world) + "#saved"
    stored = {(v.metric, v.qualifier): (v.value, v.unit, v.original_unit, v.source)
              for v in ActivityValue.objects.filter(facility=world.own, period=MARCH)}
    assert stored == {("electricity_grid", ""): (310_000.0, "kWh", "kWh", "form"),
                      ("water_municipal", ""): (1250.0, "m³", "m³", "form"),
                      ("waste_nonhazardous_recycled", "cotton scraps"): (420.0, "kg", "kg", "form")}
    events = AuditEvent.objects.filter(object_type="reporting.activityvalue")
    assert sorted((e.action, e.via, e.after["metric"]) for e in events) == [
        ("create", "form", "electricity_grid"), ("create", "form", "waste_nonhazardous_recycled"),
        ("create", "form", "water_municipal")]
    page = client.get(_url(world))
    assert page.context["saved_count"] == 3
    assert [line["row"].key for line in page.context["lines"] if line["saved"]] == [
        ("electricity_grid", ""), ("water_municipal", ""), ("waste_nonhazardous_recycled", "cotton scraps")]
    html = page.content.decode()
    assert "Saved: 3 values, marked below." in html and html.count('data-testid="saved-mark"') == 3
    # when the same form is sent again unchanged, nothing is recorded and the page says so
    client.post(_url(world), {"r0-metric": "electricity_grid", "r0-qualifier": "", "r0-value": "310000", "r0-unit": "kWh"})
    assert AuditEvent.objects.filter(object_type="reporting.activityvalue").count() == 3
    assert "Nothing changed: every value was already stored." in client.get(_url(world)).content.decode()


def test_one_bad_value_saves_nothing_and_is_named_at_its_field(client, world, applies):
    client.force_login(world.users["data_entry"])
    # when electricity is good but water is in litres per hour and the extra row's value is not a number
    response = client.post(_url(world), {
        "r0-metric": "electricity_grid", "r0-qualifier": "", "r0-value": "310000", "r0-unit": "kWh",
        "r1-metric": "water_municipal", "r1-qualifier": "", "r1-value": "1250", "r1-unit": "kWh",
        "x0-metric": "fuel_diesel", "x0-qualifier": "", "x0-value": "lots", "x0-unit": "L",
    })
    # then nothing is stored, no event recorded, no month row created, and each error is beside its field
    assert response.status_code == 400
    assert not ActivityValue.objects.exists()
    assert not AuditEvent.objects.filter(object_type="reporting.activityvalue").exists()
    assert not ReportingPeriod.objects.exists()
    water = _line(response, "water_municipal")
    assert water["errors"]["unit"] and "energy" in water["errors"]["unit"][0]
    assert response.context["extra"][0]["errors"]["value"]
    assert _line(response, "electricity_grid")["errors"] == {"value": [], "unit": [], "qualifier": [], "metric": []}
    # and what was typed is still there, to correct
    assert (_line(response, "electricity_grid")["value"], water["value"], water["unit"]) == ("310000", "1250", "kWh")
    assert response.context["extra"][0]["value"] == "lots"
    html = response.content.decode()
    assert "Nothing was saved: correct the fields marked below and save again." in html
    assert 'data-testid="error-unit"' in html and 'data-testid="error-x0-value"' in html


def test_a_value_far_from_history_is_warned_before_saving_and_beside_it_once_saved(client, world, applies):
    # given five months of 1,500 L of diesel (56.14 GJ each: tests/reporting/test_views.py)
    entry = world.users["data_entry"]
    for month in (10, 11, 12):
        services.activity_value_set(by=entry, facility=world.own, period=datetime.date(2025, month, 1),
                                    metric="fuel_diesel", value=1500, unit="L")
    for month in (1, 2):
        services.activity_value_set(by=entry, facility=world.own, period=datetime.date(2026, month, 1),
                                    metric="fuel_diesel", value=1500, unit="L")
    client.force_login(entry)
    check = reverse("reporting:month_check", args=[world.own.pk, 2026, 3])
    events = AuditEvent.objects.count()
    # when March's 1,500 is typed in GJ: the live check (month.js) warns, and writes nothing
    answer = client.get(check, {"metric": "fuel_diesel", "qualifier": "", "value": "1500", "unit": "GJ"}).json()
    assert answer == {"flag": "high", "message": "Far from this facility's own history: 27 × the median of the 5 earlier "
                                                 "months (56.14 GJ). Check it, above all its unit."}
    # in litres it is like the months before; a unit of the wrong kind is said at once
    assert client.get(check, {"metric": "fuel_diesel", "value": "1500", "unit": "L"}).json() == {"flag": "", "message": ""}
    assert client.get(check, {"metric": "fuel_diesel", "value": "1500", "unit": "kWh/m"}).json()["field"] == "unit"
    assert (ActivityValue.objects.filter(period=MARCH).exists(), AuditEvent.objects.count()) == (False, events)
    # when it is saved anyway (flagged, not refused), the page shows the warning beside the value
    client.post(_url(world), {"x0-metric": "fuel_diesel", "x0-qualifier": "", "x0-value": "1500", "x0-unit": "GJ"})
    assert ActivityValue.objects.get(period=MARCH, metric="fuel_diesel").flag == "high"
    page = client.get(_url(world))
    assert _line(page, "fuel_diesel")["warning"] == answer["message"]


def test_a_verified_month_is_read_only_and_says_who_may_reopen_it(client, world, applies):
    store_values(world.own, [(2026, [3], "electricity_grid", 1000.0, "kWh")])
    ReportingPeriod.objects.create(facility=world.own, period=MARCH, status=PeriodStatus.VERIFIED)
    client.force_login(world.users["data_entry"])
    response = client.get(_url(world))
    html = response.content.decode()
    assert response.context["sheet"].editable is False
    assert 'name="r0-value"' not in html and 'data-testid="month-save"' not in html
    assert ("This month is verified and locked: it cannot be changed. A programme admin or an assessor may reopen it, "
            "with a reason, on the monthly data page.") in html
    # a post all the same is refused, naming the month, and changes nothing
    response = client.post(_url(world), {"r0-metric": "electricity_grid", "r0-qualifier": "", "r0-value": "2000", "r0-unit": "kWh"})
    assert response.status_code == 400
    assert response.context["month_errors"] == ["2026-03 is Verified: it cannot be changed."]
    assert ActivityValue.objects.get(period=MARCH).value == 1000.0


@pytest.mark.parametrize("user,status", [("brand", 403), ("assessor", 403), ("admin", 403), ("neighbour_manager", 404),
                                         ("other_brand", 404), ("manager", 200), ("data_entry", 200)])
def test_only_those_who_enter_data_open_the_form(client, world, user, status):
    client.force_login(world.users[user])
    check = reverse("reporting:month_check", args=[world.own.pk, 2026, 3])
    assert client.get(_url(world)).status_code == status
    assert client.get(check, {"metric": "electricity_grid", "value": "1", "unit": "kWh"}).status_code == status
    response = client.post(_url(world), {"r0-metric": "electricity_grid", "r0-qualifier": "", "r0-value": "1", "r0-unit": "kWh"})
    assert response.status_code in ((302,) if status == 200 else (status,))
    if status != 200:
        assert not ActivityValue.objects.exists()


@pytest.mark.parametrize("user", ["brand", "assessor"])
def test_readers_are_not_linked_to_the_form(client, world, user):
    client.force_login(world.users[user])
    html = client.get(reverse("reporting:facility_year", args=[world.own.pk, 2026])).content.decode()
    assert _url(world) not in html and 'data-testid="enter-data"' not in html and 'data-testid="excel-upload"' not in html


@pytest.mark.parametrize("year,month", [(2026, 5), (1989, 12), (2026, 13), (2026, 0)])
def test_a_month_that_cannot_be_reported_is_no_page(client, world, year, month):
    client.force_login(world.users["data_entry"])
    assert client.get(f"/data/facilities/{world.own.pk}/{year}/{month}/").status_code == 404


def test_the_monthly_data_page_starts_with_entering_a_month_and_the_excel_upload(client, world):
    store_values(world.own, [(2026, [1], "electricity_grid", 1000.0, "kWh")])
    ReportingPeriod.objects.create(facility=world.own, period=datetime.date(2026, 1, 1), status=PeriodStatus.SUBMITTED)
    client.force_login(world.users["data_entry"])
    response = client.get(reverse("reporting:facility_year", args=[world.own.pk, 2026]))
    assert [(e["month"].month, e["label"]) for e in response.context["enter_months"]] == [
        (1, "Submitted"), (2, "due"), (3, "not due yet"), (4, "not due yet")]
    html = response.content.decode()
    # the two ways in come before the grid
    assert html.index('data-testid="enter-data"') < html.index('data-testid="completeness"')
    assert html.index(_url(world, 2026, 2)) < html.index('data-testid="excel-upload"') < html.index('class="table-scroll"')


def test_the_single_value_form_says_saved_beside_the_form_and_the_cell(client, world):
    client.force_login(world.users["data_entry"])
    url = reverse("reporting:facility_year", args=[world.own.pk, 2025])
    response = client.post(url, {"month": 3, "metric": "electricity_grid", "value": "1250", "unit": "kWh", "qualifier": ""})
    assert response["Location"] == url + "#report-value"
    html = client.get(url).content.decode()
    assert "✓ Saved (03, marked ✓ in the table)." in html and html.count('data-testid="saved-cell"') == 1
    # only once: the next visit has no mark
    assert 'data-testid="saved-cell"' not in client.get(url).content.decode()


def test_a_refused_submit_is_said_in_the_months_column(client, world):
    client.force_login(world.users["data_entry"])
    url = reverse("reporting:facility_year", args=[world.own.pk, 2026])
    client.post(reverse("reporting:transition", args=[world.own.pk, 2026, 2, "submit"]))
    html = client.get(url).content.decode()
    assert 'data-testid="transition-error"' in html and "Nothing has been reported for this month yet." in html


# --- the facility page: what to do next ---------------------------------------------------------------------

def _steps(client, world, user):
    client.force_login(world.users[user])
    steps = client.get(reverse("registry:facility", args=[world.own.pk])).context["next_steps"]
    return None if steps is None else [(s.kind, s.text, s.url) for s in steps]


def test_next_steps_for_a_new_facility_is_the_month_coming_due(client, world):
    assert _steps(client, world, "data_entry") == [
        ("due", "March 2026 is due on April 20, 2026: enter it.", _url(world, 2026, 3))]


def test_next_steps_names_the_overdue_and_returned_months(client, world):
    # given data from December 2025: December verified, January returned with a comment, February a draft
    store_values(world.own, [(2025, [12], "electricity_grid", 1000.0, "kWh"), (2026, [1, 2], "electricity_grid", 1000.0, "kWh")])
    ReportingPeriod.objects.create(facility=world.own, period=datetime.date(2025, 12, 1), status=PeriodStatus.VERIFIED)
    ReportingPeriod.objects.create(facility=world.own, period=datetime.date(2026, 1, 1), status=PeriodStatus.RETURNED,
                                   comment="Check the meter reading")
    ReportingPeriod.objects.create(facility=world.own, period=datetime.date(2026, 2, 1), status=PeriodStatus.DRAFT)
    assert _steps(client, world, "data_entry") == [
        ("returned", "January 2026 was returned: see the comment and correct it.", _url(world, 2026, 1)),
        ("overdue", "February 2026 was due on March 20, 2026: enter and submit it.", _url(world, 2026, 2)),
        ("due", "March 2026 is due on April 20, 2026: enter it.", _url(world, 2026, 3)),
    ]


def test_next_steps_for_a_reviewer_and_for_a_brand(client, world):
    # given January and February submitted, March submitted early
    store_values(world.own, [(2026, [1, 2, 3], "electricity_grid", 1000.0, "kWh")])
    for month in (1, 2, 3):
        ReportingPeriod.objects.create(facility=world.own, period=datetime.date(2026, month, 1), status=PeriodStatus.SUBMITTED)
    year_url = reverse("reporting:facility_year", args=[world.own.pk, 2026])
    assert _steps(client, world, "assessor") == [
        ("verify", "3 months submitted, the oldest January 2026: review and verify them.", year_url)]
    # the data-entry user has nothing to do: every month due is submitted
    assert _steps(client, world, "data_entry") == []
    assert "Nothing to do: every month due is submitted." in client.get(
        reverse("registry:facility", args=[world.own.pk])).content.decode()
    # a brand reads the data but neither enters nor verifies: no section at all
    assert _steps(client, world, "brand") is None


# --- scale ---------------------------------------------------------------------------------------------------

def test_the_month_form_query_count_is_pinned(client, world, applies, django_assert_num_queries):
    # given 13 months of 3 series and a flagged value this month
    store_values(world.own, [(2025, range(3, 13), "electricity_grid", 1000.0, "kWh"),
                             (2026, [1, 2], "electricity_grid", 1000.0, "kWh"),
                             (2025, range(1, 13), "water_municipal", 800.0, "m³")])
    ActivityValue.objects.create(facility=world.own, period=MARCH, metric="electricity_grid", value=9000, unit="kWh",
                                 original_value=9000, original_unit="kWh", source="form", flag="high")
    client.force_login(world.users["data_entry"])
    client.get(_url(world))   # warm the session and the catalogues
    # session and user (2), the policy's memberships (1), the facility with its data right and the ENTER_DATA check
    # (2), the applicable metrics (1), the 13 months of values (1), the month's status (1), the facility
    # navigation's tabs (2), the header's unread notifications (1): eleven, whatever the number of metrics and months
    with django_assert_num_queries(11):
        response = client.get(_url(world))
    assert _line(response, "electricity_grid")["warning"].startswith("Far from this facility's own history: 9 × the median")


# --- the service -----------------------------------------------------------------------------------------------

def test_the_service_refuses_one_series_twice_and_a_reader_and_stores_nothing(world):
    entry = world.users["data_entry"]
    # given the same metric and type twice in one post: the second is refused at its qualifier, nothing stored
    with pytest.raises(ValidationError) as refused:
        services.month_values_set(by=entry, facility=world.own, period=MARCH, entries=[
            {"metric": "production_kg", "qualifier": "knit", "value": "10", "unit": "kg"},
            {"metric": "production_kg", "qualifier": " knit ", "value": "20", "unit": "kg"}])
    assert list(refused.value.message_dict) == ["1.qualifier"]
    assert not ActivityValue.objects.exists()
    # a brand may read the data but not enter them
    with pytest.raises(PermissionDenied):
        services.month_values_set(by=world.users["brand"], facility=world.own, period=MARCH, entries=[
            {"metric": "electricity_grid", "qualifier": "", "value": "10", "unit": "kWh"}])
    assert (ActivityValue.objects.count(), AuditEvent.objects.filter(object_type="reporting.activityvalue").count()) == (0, 0)
    # and a good post returns the indexes of what it changed
    assert services.month_values_set(by=entry, facility=world.own, period=MARCH, entries=[
        {"metric": "electricity_grid", "qualifier": "", "value": "10", "unit": "kWh"},
        {"metric": "water_municipal", "qualifier": "", "value": "5", "unit": "m³"}]) == [0, 1]
    assert services.month_values_set(by=entry, facility=world.own, period=MARCH, entries=[
        {"metric": "electricity_grid", "qualifier": "", "value": "10", "unit": "kWh"},
        {"metric": "water_municipal", "qualifier": "", "value": "6", "unit": "m³"}]) == [1]


def test_an_error_of_a_row_the_page_no_longer_shows_is_said_at_the_top(client, world, applies):
    client.force_login(world.users["data_entry"])
    # given a post whose rows came in another order (the page changed since), one naming a metric not in the catalogue
    response = client.post(_url(world), {
        "r0-metric": "water_municipal", "r0-qualifier": "", "r0-value": "12", "r0-unit": "kWh",
        "r1-metric": "coal_magic", "r1-qualifier": "", "r1-value": "1", "r1-unit": "t",
    })
    assert response.status_code == 400 and not ActivityValue.objects.exists()
    # then water's error is at water's field, and the unknown metric is named at the top
    assert _line(response, "water_municipal")["errors"]["unit"]
    assert _line(response, "electricity_grid")["errors"]["unit"] == []
    assert response.context["month_errors"] == ["Unknown metric “coal_magic”."]
