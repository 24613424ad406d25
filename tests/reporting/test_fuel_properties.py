"""Fuels by mass or volume: converted with the shipped defaults or the facility's own values backed by evidence,
through the service, the Excel import, the API and the monthly data page; each stored GJ says how it was made."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import RestrictedError
from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.audit.services import snapshot
from loomlight.evidence.services import evidence_attach
from loomlight.reference import fuel_properties
from loomlight.reporting import services
from loomlight.reporting.models import ActivityValue, FuelProperty
from tests.reporting.test_import_service import fill, run, save, template

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JAN, FEB, MAR = datetime.date(2025, 1, 1), datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)
REL = 1e-12   # float rounding of a product of at most four factors


def _evidence(world, facility=None, user="data_entry"):
    return evidence_attach(by=world.users[user], facility=facility or world.own, kind="declaration",
                           uploaded=SimpleUploadedFile("coal-spec.pdf", PDF))


def _set(world, metric, value, unit, period=JAN, user="data_entry"):
    return services.activity_value_set(by=world.users[user], facility=world.own, period=period, metric=metric, value=value, unit=unit)


def _property(world, *, evidence=None, user="data_entry", metric="coal_bituminous", valid_from=MAR, **values):
    values = values or {"ncv_value": "22.0", "ncv_unit": "GJ/t"}
    return services.fuel_property_create(by=world.users[user], facility=world.own, metric=metric, valid_from=valid_from,
                                         evidence=evidence or _evidence(world), **values)


def _events(obj):
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("id"))


# --- the defaults -----------------------------------------------------------------

def test_coal_in_tonnes_is_converted_with_the_ipcc_default_and_says_so(world):
    row = _set(world, "coal_bituminous", 2, "tonne")
    # 2 t × 25.8 GJ/t (IPCC 2006 Vol. 2 Ch. 1 Table 1.2, Other Bituminous Coal) = 51.6 GJ
    assert (row.value, row.unit, row.original_value, row.original_unit) == (pytest.approx(51.6, rel=REL), "GJ", 2.0, "tonne")
    assert row.conversion == {
        "formula": "energy [GJ] = mass [t] × ncv [GJ t-1]", "unit": "tonne", "gj_per_unit": pytest.approx(25.8, rel=REL),
        "ncv": {"value": 25.8, "unit": "GJ/t", "source": "default", "data": fuel_properties.version(),
                "reference": fuel_properties.default("coal_bituminous", "ncv").citation()},
    }
    assert "Table 1.2" in row.conversion["ncv"]["reference"] and "Other Bituminous Coal" in row.conversion["ncv"]["reference"]
    [event] = _events(row)
    assert event.after["conversion"] == row.conversion


def test_diesel_in_litres_uses_the_density_and_the_ncv(world):
    # 1000 L × (1 t / 1149 L) × 43.0 GJ/t = 37.42384682332463 GJ
    row = _set(world, "fuel_diesel", 1000, "L")
    assert row.value == pytest.approx(37.42384682332463, rel=REL)
    assert (row.conversion["density"]["value"], row.conversion["density"]["unit"], row.conversion["ncv"]["value"]) == (1149.0, "L/t", 43.0)
    assert row.value == 1000 * row.conversion["gj_per_unit"]   # traceable: value = reported quantity × energy of one unit


@pytest.mark.parametrize("metric,unit,message", [
    ("biogas", "m³", "No net calorific value is known for Biogas: attach the supplier's specification or a laboratory report as "
                     "evidence and record the facility's value under “Fuel properties”, or report the energy in GJ."),
    ("biomass_other", "tonne", "No net calorific value is known for Biomass, other: attach the supplier's specification or a "
                               "laboratory report as evidence and record the facility's value under “Fuel properties”, or report the energy in GJ."),
    ("fuel_natural_gas", "m³", "Converting Natural gas from a volume needs its density (or its net calorific value per m³), and none "
                               "is recorded for this facility or shipped for this fuel: attach the supplier's specification or a "
                               "laboratory report as evidence and record the facility's value under “Fuel properties”, or report the energy in GJ."),
])
def test_without_a_property_the_error_says_what_is_missing_and_how_to_fix_it(world, metric, unit, message):
    with pytest.raises(ValidationError) as exc_info:
        _set(world, metric, 1000, unit)
    assert exc_info.value.message_dict == {"unit": [message]}
    assert not ActivityValue.objects.exists() and not AuditEvent.objects.filter(object_type="reporting.activityvalue").exists()


def test_a_fuel_in_energy_units_needs_no_property(world):
    row = _set(world, "biogas", 12.5, "GJ")
    assert (row.value, row.conversion) == (12.5, None)


# --- the facility's own values ------------------------------------------------------

def test_the_facility_value_applies_from_its_month_on_and_names_its_evidence(world):
    evidence = _evidence(world)
    prop = _property(world, evidence=evidence, valid_from=MAR)
    feb, mar, dec = (_set(world, "coal_bituminous", 2, "tonne", period=p) for p in (FEB, MAR, datetime.date(2025, 12, 1)))
    assert feb.value == pytest.approx(51.6, rel=REL)                      # 2 t × 25.8 GJ/t, the default
    assert mar.value == pytest.approx(44.0, rel=REL) == dec.value         # 2 t × 22.0 GJ/t, the facility's value
    assert mar.conversion["ncv"] == {"value": 22.0, "unit": "GJ/t", "source": "facility", "fuel_property": prop.pk,
                                     "evidence": evidence.pk, "valid_from": "2025-03"}
    [created] = _events(prop)
    assert (created.action, created.actor, created.after["evidence_id"], created.after["ncv_value"]) == (
        "create", world.users["data_entry"], evidence.pk, 22.0)


def test_a_later_value_takes_over_and_a_facility_density_combines_with_the_default_ncv(world):
    _property(world, metric="fuel_diesel", valid_from=JAN, density_value="0.84", density_unit="kg/L")
    _property(world, metric="fuel_diesel", valid_from=MAR, ncv_value="42.6", ncv_unit="MJ/kg")
    jan, mar = _set(world, "fuel_diesel", 1000, "L", period=JAN), _set(world, "fuel_diesel", 1000, "L", period=MAR)
    assert jan.value == pytest.approx(36.12, rel=REL)                     # 1000 L × 0.84 kg/L = 0.84 t; × 43.0 GJ/t (default)
    assert (jan.conversion["density"]["source"], jan.conversion["ncv"]["source"]) == ("facility", "default")
    # from March the facility's NCV with the default density: 1000 L / 1149 L/t × 42.6 GJ/t = 37.07571801566580 GJ
    assert mar.value == pytest.approx(37.0757180156658, rel=REL)
    assert (mar.conversion["density"]["source"], mar.conversion["ncv"]["source"]) == ("default", "facility")


def test_natural_gas_by_volume_with_the_suppliers_calorific_value_per_m3(world):
    _property(world, metric="fuel_natural_gas", valid_from=JAN, ncv_value="36.0", ncv_unit="MJ/m³")
    row = _set(world, "fuel_natural_gas", 1000, "m³")
    assert row.value == pytest.approx(36.0, rel=REL)                       # 1000 m³ × 36.0 MJ/m³ = 36 GJ
    assert "density" not in row.conversion


def test_recording_a_value_converts_again_the_open_months_it_applies_to_not_the_verified_ones(world):
    jan, mar, apr = (_set(world, "coal_bituminous", 2, "tonne", period=p) for p in (JAN, MAR, datetime.date(2025, 4, 1)))
    services.period_submit(by=world.users["data_entry"], facility=world.own, period=apr.period)
    services.period_verify(by=world.users["assessor"], facility=world.own, period=apr.period)

    prop = _property(world, valid_from=MAR, user="manager")

    jan.refresh_from_db(), mar.refresh_from_db(), apr.refresh_from_db()
    assert (jan.value, mar.value, apr.value) == (pytest.approx(51.6, rel=REL), pytest.approx(44.0, rel=REL), pytest.approx(51.6, rel=REL))
    assert mar.conversion["ncv"]["fuel_property"] == prop.pk and apr.conversion["ncv"]["source"] == "default"
    [created, corrected] = _events(mar)
    assert (corrected.action, corrected.actor, corrected.before["value"], corrected.after) == (
        "update", world.users["manager"], pytest.approx(51.6, rel=REL), snapshot(mar))
    assert len(_events(jan)) == len(_events(apr)) == 1
    assert _set(world, "coal_bituminous", 2, "tonne", period=MAR).pk == mar.pk and len(_events(mar)) == 2   # same again: nothing


def test_evidence_of_another_facility_is_refused(world):
    foreign = _evidence(world, facility=world.neighbour, user="neighbour_manager")
    with pytest.raises(ValidationError) as exc_info:
        _property(world, evidence=foreign)
    assert list(exc_info.value.message_dict) == ["evidence"]
    assert not FuelProperty.objects.exists()
    assert not AuditEvent.objects.filter(object_type="reporting.fuelproperty").exists()


@pytest.mark.parametrize("user", ["brand", "assessor", "admin", "neighbour_manager", "park_operator"])
def test_only_facility_staff_record_fuel_properties(world, user):
    evidence = _evidence(world)
    with pytest.raises(PermissionDenied):
        _property(world, evidence=evidence, user=user)
    assert not FuelProperty.objects.exists()


@pytest.mark.parametrize("values,field", [
    ({}, "ncv_value"),
    ({"ncv_value": "25", "ncv_unit": "kg/L"}, "ncv_unit"),
    ({"ncv_value": "25", "ncv_unit": ""}, "ncv_unit"),
    ({"ncv_value": "-3", "ncv_unit": "GJ/t"}, "ncv_value"),
    ({"ncv_value": "twelve", "ncv_unit": "GJ/t"}, "ncv_value"),
    ({"density_value": "0.84", "density_unit": "GJ/t"}, "density_unit"),
    ({"ncv_value": "25", "ncv_unit": "GJ/t", "metric": "electricity_grid"}, "metric"),
    ({"ncv_value": "25", "ncv_unit": "GJ/t", "valid_from": datetime.date(2025, 3, 15)}, "valid_from"),
    ({"ncv_value": "25", "ncv_unit": "GJ/t", "valid_from": datetime.date(2100, 1, 1)}, "valid_from"),
])
def test_bad_properties_are_refused_naming_the_field(world, values, field):
    evidence = _evidence(world)
    kwargs = {"metric": "coal_bituminous", "valid_from": MAR, "ncv_value": None, "ncv_unit": "", **values}
    with pytest.raises(ValidationError) as exc_info:
        services.fuel_property_create(by=world.users["data_entry"], facility=world.own, evidence=evidence, **kwargs)
    assert field in exc_info.value.message_dict
    assert not FuelProperty.objects.exists()


def test_the_evidence_behind_a_property_cannot_be_deleted_but_the_facility_can(world):
    prop = _property(world)
    with pytest.raises(RestrictedError):
        prop.evidence.delete()
    world.own.delete()
    assert not FuelProperty.objects.exists()


def test_one_record_per_fuel_and_month(world):
    _property(world)
    with pytest.raises(ValidationError, match="already has values of this fuel from 2025-03"):
        _property(world, ncv_value="23", ncv_unit="GJ/t")
    assert FuelProperty.objects.count() == 1


def test_a_property_that_cannot_convert_stored_values_is_refused(world):
    _set(world, "fuel_lpg", 500, "kg", period=MAR)
    # an NCV per volume of LPG vapour, without a density: the stored 500 kg can no longer be converted
    with pytest.raises(ValidationError, match="2025-03 \\(500 kg\\) could not be converted"):
        _property(world, metric="fuel_lpg", valid_from=JAN, ncv_value="93", ncv_unit="MJ/m³")
    assert not FuelProperty.objects.exists()


# --- the Excel import ---------------------------------------------------------------

def test_import_converts_fuels_in_tonnes_and_litres_like_the_form(world, tmp_path):
    prop = _property(world, valid_from=FEB)
    wb = template(world)
    fill(wb, "2025-01", "coal_bituminous", 3, "tonne")
    fill(wb, "2025-02", "coal_bituminous", 3, "t")
    fill(wb, "2025-01", "fuel_diesel", 1000, "L")
    fill(wb, "2025-02", "fuel_diesel", 264.172052, "US gallon")

    result = run(world, save(wb, tmp_path))

    assert (result.ok, result.created) == (True, 4)
    stored = {(v.period.month, v.metric): v for v in ActivityValue.objects.all()}
    assert stored[(1, "coal_bituminous")].value == pytest.approx(77.4, rel=REL)      # 3 t × 25.8 GJ/t, default
    assert stored[(2, "coal_bituminous")].value == pytest.approx(66.0, rel=REL)      # 3 t × 22.0 GJ/t, the facility's from February
    assert stored[(2, "coal_bituminous")].conversion["ncv"]["fuel_property"] == prop.pk
    assert stored[(1, "fuel_diesel")].value == pytest.approx(37.42384682332463, rel=REL)
    for (month, metric), v in stored.items():   # exactly what the form would store, with the same record
        same = services.convert(metric, v.original_value, v.original_unit, facility=world.own, period=v.period)
        assert (v.value, v.conversion) == (same.value, same.conversion)
        [event] = _events(v)
        assert event.after == snapshot(v)

    again = run(world, save(wb, tmp_path, "again.xlsx"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_import_of_a_fuel_without_property_names_the_row_and_the_fix(world, tmp_path):
    wb = template(world)
    row = fill(wb, "2025-01", "fuel_natural_gas", 1000, "m³")
    result = run(world, save(wb, tmp_path))
    [issue] = result.issues
    assert (issue.row, issue.column, issue.code) == (row, "F", "unit")
    assert issue.problem.startswith("Converting Natural gas from a volume needs its density")
    assert "Fuel properties" in issue.fix
    assert not ActivityValue.objects.exists()


def test_import_after_a_new_property_updates_open_months_and_keeps_verified_ones(world, tmp_path):
    wb = template(world)
    fill(wb, "2025-01", "coal_bituminous", 3, "tonne")
    fill(wb, "2025-02", "coal_bituminous", 3, "tonne")
    path = save(wb, tmp_path)
    run(world, path)
    services.period_submit(by=world.users["data_entry"], facility=world.own, period=JAN)
    services.period_verify(by=world.users["assessor"], facility=world.own, period=JAN)
    # recorded without touching stored values, as if it had been recorded before a later correction of the data
    FuelProperty.objects.create(facility=world.own, metric="coal_bituminous", valid_from=JAN, ncv_value=22.0, ncv_unit="GJ/t",
                                evidence=_evidence(world), created_by=world.users["manager"])

    result = run(world, path)

    assert (result.ok, result.updated, result.unchanged) == (True, 1, 1)
    values = dict(ActivityValue.objects.values_list("period__month", "value"))
    assert values == {1: pytest.approx(77.4, rel=REL), 2: pytest.approx(66.0, rel=REL)}   # January verified: as it was


# --- the monthly data page -----------------------------------------------------------

def _page(world, year=2025):
    return reverse("reporting:facility_year", args=[world.own.pk, year])


def _add(world, year=2025):
    return reverse("reporting:fuel_property_add", args=[world.own.pk, year])


def test_page_lists_the_properties_and_data_entry_records_one_picking_attached_evidence(client, world):
    evidence = _evidence(world)
    client.force_login(world.users["data_entry"])
    response = client.post(_add(world), {"metric": "coal_bituminous", "valid_from": "2025-03", "ncv_value": "22,0",
                                         "ncv_unit": "GJ/t", "evidence": evidence.pk})
    assert response.status_code == 200 and FuelProperty.objects.count() == 0     # "22,0" is not a number: shown beside the field
    assert response.context["fuel_form"].errors["ncv_value"]

    response = client.post(_add(world), {"metric": "coal_bituminous", "valid_from": "2025-03", "ncv_value": "22.0",
                                         "ncv_unit": "GJ/t", "evidence": evidence.pk, "note": "Supplier spec, lot 7"})
    assert response.status_code == 302
    prop = FuelProperty.objects.get()
    assert (prop.valid_from, prop.ncv_value, prop.evidence, prop.note, prop.created_by) == (
        MAR, 22.0, evidence, "Supplier spec, lot 7", world.users["data_entry"])
    page = client.get(_page(world))
    assert list(page.context["fuel_properties"]) == [prop]
    assert b'data-testid="fuel-property-form"' in page.content and b"coal-spec.pdf" in page.content
    assert page.content.count(b'id="id_metric"') == 1 and page.content.count(b'id="id_fuel_metric"') == 1


def test_evidence_of_another_facility_cannot_be_picked_on_the_page(client, world):
    foreign = _evidence(world, facility=world.neighbour, user="neighbour_manager")
    client.force_login(world.users["manager"])
    response = client.post(_add(world), {"metric": "coal_bituminous", "valid_from": "2025-03", "ncv_value": "22",
                                         "ncv_unit": "GJ/t", "evidence": foreign.pk})
    assert response.status_code == 200 and "evidence" in response.context["fuel_form"].errors
    assert not FuelProperty.objects.exists()


@pytest.mark.parametrize("user,status", [("brand", 403), ("assessor", 403), ("neighbour_manager", 404)])
def test_viewers_see_no_form_and_may_not_post(client, world, user, status):
    evidence = _evidence(world)
    client.force_login(world.users[user])
    if status == 403:
        page = client.get(_page(world))
        assert page.context["fuel_form"] is None and b'data-testid="fuel-property-form"' not in page.content
    response = client.post(_add(world), {"metric": "coal_bituminous", "valid_from": "2025-03", "ncv_value": "22",
                                         "ncv_unit": "GJ/t", "evidence": evidence.pk})
    assert response.status_code == status
    assert not FuelProperty.objects.exists()
