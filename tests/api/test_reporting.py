"""Monthly reporting through the API: the same service, the same policy, the same envelope."""

from __future__ import annotations

import time

import pytest

from loomlight.audit.models import AuditEvent
from loomlight.reporting.models import ActivityValue, ReportingPeriod
from tests.calc.test_units import HOSTILE_UNITS

HOSTILE_IDS = ["9**9**9", "10**2500001", "kg**99999999", "10000-chars", "1e999999"]


def _post_value(api, who, world, **overrides):
    body = {"period": "2025-03", "metric": "electricity_grid", "value": 42.0, "unit": "MWh"}
    body.update(overrides)
    return api.post(who, f"/facilities/{world.own.pk}/values", body)


def test_data_entry_posts_a_value_in_any_unit(api, world):
    response = _post_value(api, "data_entry", world)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["period"], body["value"], body["unit"], body["original_value"], body["original_unit"], body["source"]) == (
        "2025-03", 42000.0, "kWh", 42.0, "MWh", "api")
    listing = api.get("manager", f"/facilities/{world.own.pk}/values", year=2025).json()
    assert [(r["metric"], r["value"]) for r in listing["results"]] == [("electricity_grid", 42000.0)]


def test_wrong_unit_is_422_naming_the_field(api, world):
    response = _post_value(api, "data_entry", world, unit="m³")
    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["unit"]
    assert not ActivityValue.objects.exists()


@pytest.mark.parametrize("unit", HOSTILE_UNITS, ids=HOSTILE_IDS)
def test_api_refuses_a_hostile_unit_with_422_naming_the_field(api, world, unit):
    started = time.perf_counter()
    response = api.post("data_entry", f"/facilities/{world.own.pk}/values",
                        {"period": "2025-03", "metric": "electricity_grid", "value": 42.0, "unit": unit})
    assert time.perf_counter() - started < 2.0
    assert response.status_code == 422, response.content
    body = response.json()["error"]
    assert list(body["fields"]) == ["unit"]
    message = body["fields"]["unit"][0]
    if len(unit) > 32:   # the unit's column holds 32 characters: refused by its length before it is parsed
        assert message == f"Ensure this value has at most 32 characters (it has {len(unit)})."
    else:
        assert message.startswith("Unknown unit “") and ("use a unit such as kWh, GJ, L, m³, kg or tonne" in message or "a power is a whole number" in message)
    assert len(message) < 400   # the 10,000 characters are not echoed back
    assert not ActivityValue.objects.exists()
    assert not AuditEvent.objects.filter(object_type="reporting.activityvalue").exists()


def test_bad_period_and_unknown_field_are_422(api, world):
    assert _post_value(api, "data_entry", world, period="2025-13").status_code == 422
    assert _post_value(api, "data_entry", world, colour="blue").status_code == 422
    assert not ActivityValue.objects.exists()


def test_who_may_read_and_write_values(api, world):
    assert _post_value(api, "data_entry", world).status_code == 201
    # the brand's consent names environmental data; the park operator sees the profile only
    assert api.get("brand", f"/facilities/{world.own.pk}/values").status_code == 200
    assert api.get("park_operator", f"/facilities/{world.own.pk}/values").status_code == 404
    assert api.get("neighbour_manager", f"/facilities/{world.own.pk}/values").status_code == 404
    assert api.get("other_brand", f"/facilities/{world.own.pk}/values").status_code == 404
    # reading is not writing
    assert _post_value(api, "brand", world, value=1).status_code == 403
    assert _post_value(api, "assessor", world, value=1).status_code == 403
    assert _post_value(api, "neighbour_manager", world, value=1).status_code == 404
    assert _post_value(api, None, world, value=1).status_code == 401
    assert ActivityValue.objects.get().original_value == 42.0


def test_workflow_through_the_api(api, world):
    _post_value(api, "data_entry", world)
    base = f"/facilities/{world.own.pk}/periods/2025-03"
    assert api.post("data_entry", base + "/submit").json()["status"] == "submitted"
    assert api.post("manager", base + "/verify").status_code == 403
    assert api.post("assessor", base + "/verify").json()["status"] == "verified"
    assert _post_value(api, "data_entry", world, value=43).status_code == 422
    assert api.post("admin", base + "/reopen", {"reason": ""}).status_code == 422
    reopened = api.post("admin", base + "/reopen", {"reason": "Meter replaced"}).json()
    assert (reopened["status"], reopened["comment"]) == ("draft", "Meter replaced")
    assert ReportingPeriod.objects.get(facility=world.own).status == "draft"


def test_metric_catalogue_is_listed(api, world):
    rows = api.get("manager", "/metrics").json()
    by_code = {r["code"]: r for r in rows}
    assert by_code["electricity_grid"]["canonical_unit"] == "kWh"
    assert by_code["fuel_diesel"]["also_accepts"] == ["mass", "volume"]
    # stored in GJ, usually reported in litres (the template and the form start with it)
    assert (by_code["fuel_diesel"]["canonical_unit"], by_code["fuel_diesel"]["reporting_unit"]) == ("GJ", "L")
    assert (by_code["coal_lignite"]["reporting_unit"], by_code["electricity_grid"]["reporting_unit"]) == ("tonne", "kWh")


def test_metric_schema_documents_the_reporting_unit(api, world):
    document = api.client.get("/api/openapi.json").json()
    schema = document["components"]["schemas"]["MetricOut"]
    assert "reporting_unit" in schema["required"]
    assert schema["properties"]["reporting_unit"]["type"] == "string"


def test_a_value_thirty_times_the_same_month_last_year_is_flagged_through_the_api(api, world):
    # given March 2024: 200 m³ of water, the only earlier value
    assert _post_value(api, "data_entry", world, period="2024-03", metric="water_municipal", value=200, unit="m³").status_code == 201
    # when March 2025 is posted as 6,000 m³
    response = _post_value(api, "data_entry", world, metric="water_municipal", value=6000, unit="m³")
    # then it is stored (201) and flagged high, by the same rule as the form and the import
    assert response.status_code == 201, response.content
    assert (response.json()["value"], response.json()["flag"]) == (6000.0, "high")


def test_api_accepts_litres_of_diesel_and_returns_the_conversion(api, world):
    # 1000 L × (1 t / 1149 L) × 43.0 GJ/t = 37.42384682332463 GJ (the shipped defaults; tests/reporting/test_fuel_properties.py)
    response = api.post("data_entry", f"/facilities/{world.own.pk}/values",
                        {"period": "2025-03", "metric": "fuel_diesel", "value": 1000, "unit": "L"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["value"], body["unit"], body["original_value"], body["original_unit"]) == (
        pytest.approx(37.42384682332463, rel=1e-12), "GJ", 1000.0, "L")
    assert (body["conversion"]["ncv"]["value"], body["conversion"]["density"]["value"]) == (43.0, 1149.0)
    refused = api.post("data_entry", f"/facilities/{world.own.pk}/values",
                       {"period": "2025-03", "metric": "biogas", "value": 1000, "unit": "m³"})
    assert (refused.status_code, list(refused.json()["error"]["fields"])) == (422, ["unit"])
