"""Units built to make pint compute are refused at every door of monthly reporting, at once, with a message
naming the field and saying what is accepted, and nothing is stored: the form, a cell of the Excel import,
and a fuel property (page and service); the API in tests/api/test_reporting.py, lab results and chemical use
in their apps' tests. All go through calc.units.parse_unit (issue 13, point 3).

The bound on time is generous for a loaded machine; before the allow-list, ``kWh*9**9**9`` alone kept a
worker busy for more than 25 minutes (docs/performance.md)."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError

from loomlight.audit.models import AuditEvent
from loomlight.reporting import services
from loomlight.reporting.models import ActivityValue, FuelProperty
from tests.calc.test_units import HOSTILE_UNITS
from tests.reporting.test_fuel_properties import MAR, _add, _evidence
from tests.reporting.test_import_service import fill, run, save, template
from tests.reporting.test_views import _url

IDS = ["9**9**9", "10**2500001", "kg**99999999", "10000-chars", "1e999999"]
ACCEPTED = "use a unit such as kWh, GJ, L, m³, kg or tonne"
SECONDS = 2.0


def _nothing_stored():
    assert not ActivityValue.objects.exists()
    assert not FuelProperty.objects.exists()
    assert not AuditEvent.objects.filter(object_type__in=["reporting.activityvalue", "reporting.fuelproperty"]).exists()


@pytest.mark.parametrize("unit", HOSTILE_UNITS, ids=IDS)
def test_form_refuses_a_hostile_unit_beside_the_field(client, world, unit):
    client.force_login(world.users["data_entry"])
    # when data entry posts a value in a hostile unit
    started = time.perf_counter()
    response = client.post(_url(world), {"month": 3, "metric": "electricity_grid", "value": "1250", "unit": unit})
    # then the page comes back at once with the error beside "unit" (the form's own limit of 32 characters
    # answers the 10,000-character string), and nothing is stored
    assert time.perf_counter() - started < SECONDS
    assert response.status_code == 200
    errors = response.context["form"].errors["unit"]
    assert ACCEPTED in errors[0] or "a power is a whole number from -3 to 3" in errors[0] or "at most 32 characters" in errors[0]
    _nothing_stored()


def test_import_names_each_hostile_unit_cell_and_stores_nothing(world, tmp_path):
    # given a filled template whose unit cells hold the hostile strings (and one good row)
    wb = template(world)
    rows = [fill(wb, f"2025-0{month}", "electricity_grid", 1000, unit) for month, unit in enumerate(HOSTILE_UNITS, start=1)]
    fill(wb, "2025-06", "electricity_grid", 1000, "MWh")
    path = save(wb, tmp_path)
    # when it is imported
    started = time.perf_counter()
    result = run(world, path)
    elapsed = time.perf_counter() - started
    # then every hostile cell is named (sheet, row, column F) and nothing is stored; the whole import takes seconds at most
    assert not result.ok
    assert [(i.sheet, i.row, i.column, i.field, i.code) for i in result.issues] == [
        ("data", rows[0], "F", "unit", "unit"), ("data", rows[1], "F", "unit", "unit"), ("data", rows[2], "F", "unit", "unit"),
        ("data", rows[3], "F", "unit", "too_long"), ("data", rows[4], "F", "unit", "unit")]
    assert result.issues[0].problem.startswith("Unknown unit “kWh*9**9**9”: " + ACCEPTED)
    assert result.issues[2].problem == "Unknown unit “kg**99999999”: a power is a whole number from -3 to 3, not 0 (m³, m**3, m**-1)."
    assert result.issues[3].problem == "The unit is longer than 32 characters."
    assert elapsed < 10 * SECONDS
    _nothing_stored()


@pytest.mark.parametrize("unit", HOSTILE_UNITS, ids=IDS)
@pytest.mark.parametrize("field", ["ncv_unit", "density_unit"])
def test_fuel_property_service_refuses_a_hostile_unit_naming_the_field(world, unit, field):
    evidence = _evidence(world)
    values = {"ncv_value": "25", "ncv_unit": unit} if field == "ncv_unit" else {"density_value": "0.84", "density_unit": unit}
    started = time.perf_counter()
    with pytest.raises(ValidationError) as exc_info:
        services.fuel_property_create(by=world.users["data_entry"], facility=world.own, metric="coal_bituminous",
                                      valid_from=MAR, evidence=evidence, **values)
    assert time.perf_counter() - started < SECONDS
    assert list(exc_info.value.message_dict) == [field]
    assert exc_info.value.message_dict[field][0].startswith("Unknown unit “")
    _nothing_stored()


@pytest.mark.parametrize("unit", HOSTILE_UNITS, ids=IDS)
def test_fuel_property_page_refuses_a_hostile_unit_beside_the_field(client, world, unit):
    evidence = _evidence(world)
    client.force_login(world.users["data_entry"])
    started = time.perf_counter()
    response = client.post(_add(world), {"metric": "coal_bituminous", "valid_from": "2025-03", "ncv_value": "22.0",
                                         "ncv_unit": unit, "evidence": evidence.pk})
    assert time.perf_counter() - started < SECONDS
    assert response.status_code == 200
    assert response.context["fuel_form"].errors["ncv_unit"]
    _nothing_stored()


def test_a_fuel_in_a_hostile_unit_is_refused_before_any_property_is_looked_up(world):
    # a fuel accepts mass and volume through its properties; a hostile unit is no mass or volume: refused as unknown
    with pytest.raises(ValidationError) as exc_info:
        services.activity_value_set(by=world.users["data_entry"], facility=world.own, period=MAR, metric="coal_bituminous",
                                    value=1, unit="t*9**9**9")
    assert exc_info.value.message_dict["unit"][0].startswith("Unknown unit “t*9**9**9”: " + ACCEPTED)
    _nothing_stored()
