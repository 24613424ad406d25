"""No 500 on bad input, and one rule per field on every path (issue 13, point 5).

Months are YYYY-MM in ASCII digits, from January 1990 to this month (registry.validators.parse_month,
validate_month); a value is finite also once converted (calc.units); -0 is stored as 0.0; text holds no
NUL and no unpaired surrogate (registry.validators.text_problem); a date a record names lies from
1990-01-01 to 2100-12-31. The form, the Excel import and the API give the same answer, and every
refusal changes nothing.
"""

from __future__ import annotations

import datetime
import io
import json
import math

import openpyxl
import pytest

from loomlight.audit.models import AuditEvent
from loomlight.registry.models import Consent, Facility
from loomlight.reporting.imports.template import template_workbook
from loomlight.reporting.imports.writer import activity_values_import
from loomlight.reporting.models import ActivityValue, ReportingPeriod
from tests.api.conftest import INVALID, NOT_FOUND, error


def _values():
    return list(ActivityValue.objects.order_by("pk").values()), list(ReportingPeriod.objects.order_by("pk").values())


def _post_value(api, world, **body):
    return api.post("data_entry", f"/facilities/{world.own.pk}/values",
                    {"period": "2025-03", "metric": "electricity_grid", "value": 42, "unit": "MWh", **body})


# --- months --------------------------------------------------------------------------------

@pytest.mark.parametrize("period, message", [
    ("0000-01", "0000-01 is before 1990."),        # was a 500: no date has year 0
    ("1989-12", "1989-12 is before 1990."),        # the import refuses it, the pages cannot show it
    ("٢٠٢٥-٠٣", "Give the month as YYYY-MM."),     # Arabic-Indic digits
    ("2025-03\n", "Give the month as YYYY-MM."),   # a trailing newline
    ("2025-3", "Give the month as YYYY-MM."),
    ("2999-01", "2999-01 is in the future."),
])
def test_given_a_bad_month_when_posted_to_the_api_then_422_naming_period_and_nothing_stored(api, world, period, message):
    api.token("data_entry")
    before, audit = _values(), AuditEvent.objects.count()
    response = _post_value(api, world, period=period)
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, {"period": [message]}))
    for action in ("submit", "verify"):
        who = "data_entry" if action == "submit" else "assessor"
        response = api.post(who, f"/facilities/{world.own.pk}/periods/{period}/{action}")
        assert response.status_code in (404, 422), (period, action)   # a newline or a slash in a path is no route
    assert (_values(), AuditEvent.objects.count()) == (before, audit + 1)   # + the assessor's token


@pytest.mark.parametrize("year", [0, 1989, 99999, 10**30])
def test_given_a_url_year_outside_1990_to_this_year_when_a_month_is_submitted_then_404(client, world, year):
    client.force_login(world.users["data_entry"])
    before = _values()
    response = client.post(f"/data/facilities/{world.own.pk}/{year}/1/submit/")
    assert response.status_code == 404   # was a 500 for 0 and 99999: datetime.date(0, 1, 1)
    assert _values() == before


def test_the_import_refuses_the_same_months_by_row(world, tmp_path):
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook(facility=world.own, year=2025, today=datetime.date(2026, 3, 15))))
    ws = wb["data"]
    ws.append([world.own.pk, "0000-01", "electricity_grid", None, 5, "kWh"])    # was "stopped by an unexpected error"
    ws.append([world.own.pk, "٢٠٢٥-٠٣", "electricity_grid", None, 5, "kWh"])
    ws.append([world.own.pk, "2025-04", "electricity_grid", None, 1e308, "MWh"])   # 1e311 kWh: beyond a double
    rows = ws.max_row
    wb.save(tmp_path / "upload.xlsx")
    result = activity_values_import(by=world.users["data_entry"], facility=world.own, path=tmp_path / "upload.xlsx",
                                    today=datetime.date(2026, 3, 15))
    assert not result.ok and not ActivityValue.objects.exists()
    assert [(i.row, i.column, i.code, i.problem) for i in result.issues] == [
        (rows - 2, "B", "month_out_of_range", "0000-01 is before 1990."),
        (rows - 1, "B", "date_as_text", "“٢٠٢٥-٠٣” is a date typed as text in another format."),
        # the number as the one formatter writes it (site/numbers.py: an exponent from 10^15 on)
        (rows, "E", "not_a_number", "1E308 MWh is too large: in kWh it is beyond the largest number stored."),
    ]


# --- numbers ---------------------------------------------------------------------------------

def test_a_value_that_overflows_once_converted_is_refused_on_value_by_the_api_and_the_form(api, client, world):
    api.token("data_entry")
    before = _values()
    response = _post_value(api, world, value=1e308)
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, {
        "value": ["1E308 MWh is too large: in kWh it is beyond the largest number stored."]}))   # was "409 conflict"
    client.force_login(world.users["data_entry"])
    page = client.post(f"/data/facilities/{world.own.pk}/2025/", {"month": 3, "metric": "electricity_grid", "value": "1e308", "unit": "MWh"})
    assert page.context["form"].errors == {"value": ["1E308 MWh is too large: in kWh it is beyond the largest number stored."]}
    assert _values() == before


def test_a_fuel_that_overflows_once_converted_is_refused(api, world):
    # 1e307 t of diesel × 43.0 GJ/t (the shipped NCV, IPCC 2006) = 4.3e308 GJ: beyond a double (1.8e308)
    api.token("data_entry")
    before = _values()
    response = _post_value(api, world, metric="fuel_diesel", value=1e307, unit="t")
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, {
        "value": ["1E307 t is too large: in GJ it is beyond the largest number stored."]}))
    assert _values() == before


@pytest.mark.parametrize("body", [{"value": -0.0}, {"value": "-0"}])
def test_minus_zero_is_stored_as_zero(api, world, body):
    response = _post_value(api, world, **body)
    assert response.status_code == 201, response.content
    value = ActivityValue.objects.get()
    assert (value.value, value.original_value) == (0.0, 0.0)
    assert math.copysign(1, value.value) == math.copysign(1, value.original_value) == 1.0


def test_minus_zero_in_a_workbook_is_stored_as_zero(world, tmp_path):
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook(facility=world.own, year=2025, today=datetime.date(2026, 3, 15))))
    wb["data"].append([world.own.pk, "2025-04", "electricity_grid", None, -0.0, "kWh"])
    wb["data"].append([world.own.pk, "2025-05", "electricity_grid", None, "-0", "kWh"])
    wb.save(tmp_path / "upload.xlsx")
    result = activity_values_import(by=world.users["data_entry"], facility=world.own, path=tmp_path / "upload.xlsx",
                                    today=datetime.date(2026, 3, 15))
    assert (result.ok, result.created) == (True, 2)
    assert [math.copysign(1, v) for v in ActivityValue.objects.order_by("period").values_list("value", flat=True)] == [1.0, 1.0]


@pytest.mark.parametrize("value", ["true", "1e400", "NaN", '"1,5"', '"1e999"'])
def test_what_is_not_a_finite_number_is_refused_on_value(api, world, value):
    api.token("data_entry")
    before = _values()
    body = '{"period": "2025-03", "metric": "electricity_grid", "unit": "kWh", "value": %s}' % value
    response = api.client.post(f"/api/v1/facilities/{world.own.pk}/values", body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {api.token('data_entry')}")
    assert response.status_code == 422 and list(response.json()["error"]["fields"]) == ["value"], response.content
    assert _values() == before


def test_true_is_not_an_id(api, world):
    before = list(Facility.objects.order_by("pk").values())
    response = api.patch("manager", f"/facilities/{world.own.pk}", {"headcount_male": True})
    assert (response.status_code, response.json()) == (
        422, error("validation_error", INVALID, {"headcount_male": ["Give a number or a text here, not true or false."]}))
    assert list(Facility.objects.order_by("pk").values()) == before


# --- text -------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, field, message", [
    ('{"name_local": "\\ud800"}', "name_local", "Remove the unpaired surrogate (U+D800): text must be valid Unicode."),  # was a 500
    ('{"address": "a\\u0000b"}', "address", "Remove the NUL character (U+0000): text cannot hold it."),
    ('{"processes": ["dyeing", "\\udfff"]}', "processes", "Remove the unpaired surrogate (U+DFFF): text must be valid Unicode."),
])
def test_unstorable_text_in_json_is_422_naming_the_field(api, world, raw, field, message):
    before = list(Facility.objects.order_by("pk").values())
    response = api.client.patch(f"/api/v1/facilities/{world.own.pk}", raw, content_type="application/json",
                                HTTP_AUTHORIZATION=f"Bearer {api.token('manager')}")
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, {field: [message]}))
    assert list(Facility.objects.order_by("pk").values()) == before


def test_nul_in_a_query_string_is_refused_naming_it(api, client, world):
    response = api.get("manager", "/facilities", search="dye\x00")
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, {
        "search": ["Remove the NUL character (U+0000): text cannot hold it."]}))
    client.force_login(world.users["manager"])
    page = client.get("/registry/facilities/", {"search": "dye\x00"})
    assert page.status_code == 400
    assert "The field “search” cannot be used as sent: Remove the NUL character (U+0000): text cannot hold it." in page.content.decode()


def test_nul_in_a_posted_form_is_refused_before_anything_is_stored(client, world):
    client.force_login(world.users["data_entry"])
    before = _values()
    response = client.post(f"/data/facilities/{world.own.pk}/2025/", {"month": 3, "metric": "electricity_grid", "value": "1",
                                                                    "unit": "kWh", "qualifier": "a\x00b"})
    assert response.status_code == 400
    assert _values() == before


@pytest.mark.parametrize("field, text", [("qualifier", "q" * 65), ("unit", "kWh" + " " * 40 + "x")])
def test_a_qualifier_or_unit_longer_than_its_column_is_refused_by_the_service(api, world, field, text):
    api.token("data_entry")
    before = _values()
    response = _post_value(api, world, **{field: text})
    assert response.status_code == 422 and field in response.json()["error"]["fields"], response.content
    assert _values() == before


# --- dates and other records ----------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [("valid_from", "0001-01-01"), ("valid_until", "9999-12-31")])
def test_consent_dates_outside_1990_to_2100_are_refused_by_the_api_and_the_form(api, client, world, field, value):
    before = list(Consent.objects.order_by("pk").values())
    body = {"grantee": world.other_brand.pk, "data_kinds": ["profile"], "valid_from": "2024-01-01", field: value}
    response = api.post("manager", f"/facilities/{world.own.pk}/consents", body)
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, {
        field: ["Give a date from 1990-01-01 to 2100-12-31."]}))
    client.force_login(world.users["manager"])
    page = client.post(f"/registry/facilities/{world.own.pk}/consents/new/", {
        "grantee": world.other_brand.pk, "data_kinds": ["profile"], "valid_from": "2024-01-01", field: value})
    assert page.context["form"].errors[field] == ["Give a date from 1990-01-01 to 2100-12-31."]
    assert list(Consent.objects.order_by("pk").values()) == before


def test_a_park_id_beyond_the_integers_filters_to_nothing(api, client, world):
    assert api.get("operator", "/facilities", park="9" * 30).json()["results"] == []   # was a 500 on SQLite
    client.force_login(world.users["operator"])
    assert list(client.get("/registry/facilities/", {"park": "9" * 30}).context["page"]) == []
    assert api.get("operator", "/facilities/" + "9" * 30).json() == NOT_FOUND


def test_an_open_supply_hub_id_of_another_facility_is_refused_on_its_field(api, world):
    Facility.objects.filter(pk=world.neighbour.pk).update(os_hub_id="VN2019123ABC4DE")
    before = list(Facility.objects.order_by("pk").values())
    response = api.patch("manager", f"/facilities/{world.own.pk}", {"os_hub_id": "VN2019123ABC4DE"})
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, {
        "os_hub_id": ["This Open Supply Hub ID is already registered for another facility."]}))
    assert list(Facility.objects.order_by("pk").values()) == before


# --- the document says what the API accepts -------------------------------------------------------

def test_the_document_states_the_rules_the_api_applies(client, db):
    document = json.loads(client.get("/api/openapi.json").content)
    schemas = document["components"]["schemas"]
    # an area is a number or decimal text, never "" (it was documented as any string)
    area = schemas["ParkIn"]["properties"]["area_ha"]["anyOf"]
    assert {"type": "string", "pattern": r"^[0-9]{1,8}([.][0-9]{1,2})?$"} in area and {"type": "null"} in area
    # a PATCH field that cannot be null is not documented as nullable; one that can, is
    name = schemas["FacilityPatch"]["properties"]["name"]
    assert {k: name[k] for k in ("type", "pattern", "maxLength", "minLength")} == {
        "type": "string", "pattern": r"^[^\x00]*$", "maxLength": 200, "minLength": 1}
    assert "anyOf" not in name and "default" not in name
    assert {"type": "null"} in schemas["FacilityPatch"]["properties"]["park"]["anyOf"]
    # consent names at least one kind of data, each once
    kinds = schemas["ConsentIn"]["properties"]["data_kinds"]
    assert (kinds["minItems"], kinds["uniqueItems"], kinds["items"]["enum"][:2]) == (1, True, ["profile", "environmental"])
    # every operation documents the 400 of a body that is not JSON, in the envelope
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert "400" in operation["responses"], (method, path)
