"""Monthly values and the verification workflow: units at the door, locks, audit, flags."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from loomlight.audit.models import AuditEvent
from loomlight.reporting import services
from loomlight.reporting.models import ActivityValue, PeriodStatus, ReportingPeriod

JAN = datetime.date(2025, 1, 1)


def _set(world, user="data_entry", period=JAN, metric="electricity_grid", value=12.5, unit="MWh", **kw):
    return services.activity_value_set(by=world.users[user], facility=world.own, period=period, metric=metric, value=value, unit=unit, **kw)


def _events(obj):
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("id"))


def test_value_is_stored_canonical_with_the_original_beside_it(world):
    row = _set(world)
    assert (row.value, row.unit, row.original_value, row.original_unit, row.source) == (12500.0, "kWh", 12.5, "MWh", "form")
    [event] = _events(row)
    assert (event.action, event.actor, event.after["value"]) == ("create", world.users["data_entry"], 12500.0)
    assert ReportingPeriod.objects.get(facility=world.own, period=JAN).status == PeriodStatus.DRAFT


def test_same_value_again_changes_nothing_and_a_correction_is_audited(world):
    row = _set(world)
    _set(world)
    assert len(_events(row)) == 1
    _set(world, value=13, unit="MWh")
    events = _events(row)
    assert [e.action for e in events] == ["create", "update"]
    assert ("value", 12500.0, 13000.0) in events[1].changes()


@pytest.mark.parametrize("kwargs,field", [
    ({"metric": "electricity_magic"}, "metric"),
    ({"value": -1}, "value"),
    ({"value": "twelve"}, "value"),
    ({"unit": "m³"}, "unit"),
    ({"unit": "ton"}, "unit"),
    ({"metric": "biogas", "unit": "m³", "value": 1000}, "unit"),          # no property shipped, none recorded
    ({"period": datetime.date(2025, 1, 15)}, "period"),
    ({"period": datetime.date(2100, 1, 1)}, "period"),
])
def test_bad_values_are_refused_naming_the_field_and_nothing_is_saved(world, kwargs, field):
    with pytest.raises(ValidationError) as exc_info:
        _set(world, **kwargs)
    assert field in exc_info.value.message_dict
    assert not ActivityValue.objects.exists()
    assert not AuditEvent.objects.exists()


def test_fuel_in_litres_is_stored_in_gj_with_the_factors_that_converted_it(world):
    # 1000 L × (1 t / 1149 L) × 43.0 GJ/t = 37.42384682... GJ (IPCC NCV of gas/diesel oil, UNSD litres per tonne)
    row = _set(world, metric="fuel_diesel", value=1000, unit="L")
    assert (row.value, row.unit, row.original_value, row.original_unit) == (pytest.approx(37.423846823, rel=1e-9), "GJ", 1000.0, "L")
    assert (row.conversion["ncv"]["value"], row.conversion["density"]["value"]) == (43.0, 1149.0)
    assert _set(world, metric="fuel_diesel", value=38.6, unit="GJ", period=datetime.date(2025, 2, 1)).conversion is None


@pytest.mark.parametrize("user", ["assessor", "admin", "park_operator", "brand", "neighbour_manager", "nobody"])
def test_only_facility_staff_report_data(world, user):
    with pytest.raises(PermissionDenied):
        _set(world, user=user)
    assert not ActivityValue.objects.exists()


def test_group_manager_and_operator_may_report(world):
    assert _set(world, user="group_manager").entered_by == world.users["group_manager"]
    assert _set(world, user="operator", period=datetime.date(2025, 2, 1)).entered_by == world.users["operator"]


def test_workflow_submit_verify_lock_reopen(world):
    _set(world)
    month = services.period_submit(by=world.users["data_entry"], facility=world.own, period=JAN)
    assert month.status == PeriodStatus.SUBMITTED and month.submitted_by == world.users["data_entry"]
    with pytest.raises(ValidationError, match="cannot be changed"):
        _set(world, value=99)
    with pytest.raises(PermissionDenied):
        services.period_verify(by=world.users["manager"], facility=world.own, period=JAN)
    month = services.period_verify(by=world.users["assessor"], facility=world.own, period=JAN)
    assert month.locked and month.verified_by == world.users["assessor"]
    with pytest.raises(ValidationError):
        _set(world, value=99)
    with pytest.raises(ValidationError) as exc_info:
        services.period_reopen(by=world.users["admin"], facility=world.own, period=JAN, reason="  ")
    assert "reason" in exc_info.value.message_dict
    month = services.period_reopen(by=world.users["admin"], facility=world.own, period=JAN, reason="Bill re-issued by the utility")
    assert (month.status, month.comment) == (PeriodStatus.DRAFT, "Bill re-issued by the utility")
    assert _set(world, value=99).original_value == 99
    statuses = [e.after["status"] for e in _events(month)]
    assert statuses == ["submitted", "verified", "draft"]


def test_return_needs_a_comment_and_reopens_entry(world):
    _set(world)
    services.period_submit(by=world.users["manager"], facility=world.own, period=JAN)
    with pytest.raises(ValidationError):
        services.period_return(by=world.users["assessor"], facility=world.own, period=JAN, comment="")
    month = services.period_return(by=world.users["assessor"], facility=world.own, period=JAN, comment="Attach the January bill")
    assert (month.status, month.comment) == (PeriodStatus.RETURNED, "Attach the January bill")
    assert _set(world, value=12.6).original_value == 12.6


def test_cannot_submit_an_empty_month_or_verify_a_draft(world):
    with pytest.raises(ValidationError):
        services.period_submit(by=world.users["manager"], facility=world.own, period=JAN)
    _set(world)
    with pytest.raises(ValidationError):
        services.period_verify(by=world.users["assessor"], facility=world.own, period=JAN)


def test_value_far_above_its_own_history_is_flagged_not_refused(world):
    for month in range(1, 7):
        _set(world, period=datetime.date(2025, month, 1), value=100, unit="kWh")
    row = _set(world, period=datetime.date(2025, 7, 1), value=301, unit="kWh")
    assert (row.flag, row.value) == ("high", 301.0)
    assert _set(world, period=datetime.date(2025, 8, 1), value=250, unit="kWh").flag == ""


def test_the_unit_trap_is_flagged_after_five_months(world):
    # given five months of 1,500 L of diesel (1,500 L / 1,149 L/t x 43 GJ/t = 56.136 GJ each)
    for month in range(1, 6):
        assert _set(world, period=datetime.date(2025, month, 1), metric="fuel_diesel", value=1500, unit="L").flag == ""
    # when June's 1,500 is entered with the unit GJ
    row = _set(world, period=datetime.date(2025, 6, 1), metric="fuel_diesel", value=1500, unit="GJ")
    # then it is stored as 1,500 GJ and flagged high (27 times the median of the five months); not refused
    assert (row.value, row.unit, row.flag) == (1500.0, "GJ", "high")
    check = services.activity_value_check(facility=world.own, period=row.period, metric="fuel_diesel", qualifier="",
                                          value=row.value)
    [months] = check.comparisons
    assert (months.basis, months.count, months.flag) == ("months", 5, "high")
    assert months.reference == pytest.approx(1500 / 1149 * 43, rel=1e-12)


def test_thirty_times_the_same_month_last_year_is_flagged_with_that_one_value(world):
    # given only March 2024 reported: 200 m³ of water
    _set(world, period=datetime.date(2024, 3, 1), metric="water_municipal", value=200, unit="m³")
    # when March 2025 is 6,000 m³ (30 times), then it is flagged; 500 m³ (2.5 times) is not
    assert _set(world, period=datetime.date(2025, 3, 1), metric="water_municipal", value=6000, unit="m³").flag == "high"
    assert _set(world, period=datetime.date(2025, 3, 1), metric="water_municipal", value=500, unit="m³").flag == ""
    assert ActivityValue.objects.get(period=datetime.date(2025, 3, 1)).value == 500.0
