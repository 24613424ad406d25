"""Write paths for wastewater lab results (the forms and the API share them).

A sampling event belongs to one facility (written by those who enter its data) or to one shared
facility, a park's central plant (written by those who edit it: the park operator, the programme
admin). Every write is audited in its transaction; a refused write changes nothing."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loomlight.audit.models import AuditAction
from loomlight.audit.services import audit_record, snapshot
from loomlight.calc.units import UnitError, parse_number, to_canonical
from loomlight.reference.wastewater import parameters
from loomlight.registry import policy
from loomlight.registry.policy import Action
from loomlight.registry.validators import validate_date
from loomlight.site.calc_messages import calc_message
from loomlight.wastewater.models import DischargeType, LabResult, SamplingEvent, SamplingPoint

#: Parameters whose unit converts through pint; the others must be given in their own unit.
CONVERTIBLE = {"mg/L"}
#: Parameters that may be negative (a receiving water warmer than the discharge).
SIGNED = {"temperature_delta"}
SPELLINGS = {"m-1": {"m-1", "1/m", "m^-1", "/m"}, "MPN/100mL": {"mpn/100ml", "mpn/100 ml"}, "pH": {"ph", ""},
             "°C": {"°c", "degc", "c", "k"}}


def _require_site(by, facility, shared):
    if (facility is None) == (shared is None):
        raise ValidationError(_("A sampling event belongs to one facility or to one shared facility."))
    if facility is not None:
        policy.require(by, Action.ENTER_DATA, facility)
    else:
        policy.require(by, Action.EDIT, shared)


RESULT_FIELDS = frozenset({"parameter", "unit", "value", "detection_limit", "below_detection_limit", "method"})


@transaction.atomic
def sampling_event_create(*, by, sampled_on: datetime.date, sampling_point: str, discharge_type: str, laboratory: str,
                          facility=None, shared_facility=None, results=(), via: str = "web") -> SamplingEvent:
    """Record a sampling event, and with it the ``results`` (dicts of lab_result_set's arguments) that the
    laboratory reported: all or nothing, an error in a result named ``results.<index>.<field>``."""
    _require_site(by, facility, shared_facility)
    try:
        validate_date(sampled_on)
    except ValidationError as exc:
        raise ValidationError({"sampled_on": exc.messages}) from None
    if isinstance(sampled_on, datetime.date) and sampled_on > timezone.localdate():
        raise ValidationError({"sampled_on": [_("The sampling date is in the future.")]})
    cetp_points = {SamplingPoint.CETP_INFLOW, SamplingPoint.CETP_OUTFLOW}
    if shared_facility is not None and sampling_point not in cetp_points:
        raise ValidationError({"sampling_point": [_("A central plant is sampled at its inflow or outflow.")]})
    if facility is not None and sampling_point in cetp_points:
        raise ValidationError({"sampling_point": [_("Inflow and outflow points belong to a central plant.")]})
    event = SamplingEvent(facility=facility, shared_facility=shared_facility, sampled_on=sampled_on,
                          sampling_point=sampling_point, discharge_type=discharge_type, laboratory=laboratory, created_by=by)
    event.full_clean()
    event.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=event, before=None, after=snapshot(event), via=via)
    seen = set()
    for index, result in enumerate(results):
        unknown = sorted(set(result) - RESULT_FIELDS)
        if unknown:
            raise ValidationError({f"results.{index}.{name}": [_("Unknown field.")] for name in unknown})
        if result.get("parameter") in seen:
            raise ValidationError({f"results.{index}.parameter": [_("This parameter is already in an earlier result.")]})
        seen.add(result.get("parameter"))
        try:
            lab_result_set(by=by, event=event, via=via, **{"unit": "", **result})
        except ValidationError as exc:
            fields = exc.message_dict if hasattr(exc, "error_dict") else {"parameter": exc.messages}
            raise ValidationError({f"results.{index}.{name}": messages for name, messages in fields.items()}) from None
    return event


@transaction.atomic
def sampling_event_delete(*, by, event: SamplingEvent, via: str = "web") -> None:
    """Remove an event recorded by mistake, with its results; each removal audited."""
    _require_site(by, event.facility, event.shared_facility)
    for result in event.results.all():
        audit_record(actor=by, action=AuditAction.DELETE, obj=result, before=snapshot(result), after=None, via=via)
    audit_record(actor=by, action=AuditAction.DELETE, obj=event, before=snapshot(event), after=None, via=via)
    event.delete()


@transaction.atomic
def lab_result_delete(*, by, result: LabResult, via: str = "web") -> None:
    """Remove one parameter's result (reported for the wrong parameter, say); audited."""
    event = result.event
    _require_site(by, event.facility, event.shared_facility)
    audit_record(actor=by, action=AuditAction.DELETE, obj=result, before=snapshot(result), after=None, via=via)
    result.delete()


def _number(value, field: str) -> float:
    try:
        return parse_number(value)
    except UnitError as exc:
        raise ValidationError({field: [calc_message(exc)]}) from None


def _unit(parameter_unit: str, unit: str, value: float | None, field: str) -> float | None:
    if parameter_unit in CONVERTIBLE:
        if value is None:
            return None
        try:
            return to_canonical(value, unit, parameter_unit).value
        except UnitError as exc:
            raise ValidationError({field: [calc_message(exc)]}) from None
    accepted = {parameter_unit.lower()} | SPELLINGS.get(parameter_unit, set())
    if unit.strip().lower() not in accepted:
        raise ValidationError({"unit": [_("Give this parameter in %(unit)s.") % {"unit": parameter_unit}]})
    return value


@transaction.atomic
def lab_result_set(*, by, event: SamplingEvent, parameter: str, unit: str, value=None, detection_limit=None,
                   below_detection_limit: bool = False, method: str = "", via: str = "web") -> LabResult:
    """Record one parameter's result. "Below the detection limit" is said explicitly, with the
    limit; an empty value is never read as zero."""
    _require_site(by, event.facility, event.shared_facility)
    known = parameters()
    if parameter not in known:
        raise ValidationError({"parameter": [_("Unknown parameter “%(code)s”.") % {"code": parameter}]})
    parameter_unit = known[parameter].unit
    number = dl = None
    if below_detection_limit:
        if value not in (None, ""):
            raise ValidationError({"value": [_("Leave the value empty when the result is below the detection limit.")]})
        if detection_limit in (None, ""):
            raise ValidationError({"detection_limit": [_("Give the laboratory's detection limit.")]})
        dl = _number(detection_limit, "detection_limit")
    else:
        if value in (None, ""):
            raise ValidationError({"value": [_("Give the value, or tick “below the detection limit”.")]})
        number = _number(value, "value")
        if detection_limit not in (None, ""):
            dl = _number(detection_limit, "detection_limit")
    if number is not None and number < 0 and parameter not in SIGNED:
        raise ValidationError({"value": [_("A concentration cannot be negative.")]})
    if dl is not None and dl <= 0:
        raise ValidationError({"detection_limit": [_("A detection limit is greater than zero.")]})
    number = _unit(parameter_unit, unit, number, "unit")
    dl = _unit(parameter_unit, unit, dl, "unit") if dl is not None else None
    existing = LabResult.objects.filter(event=event, parameter=parameter).first()
    before = snapshot(existing) if existing else None
    row = existing or LabResult(event=event, parameter=parameter)
    row.value, row.unit, row.detection_limit = number, parameter_unit, dl
    row.below_detection_limit, row.method = below_detection_limit, method
    row.full_clean()
    row.save()
    audit_record(actor=by, action=AuditAction.UPDATE if existing else AuditAction.CREATE, obj=row, before=before,
                 after=snapshot(row), via=via)
    return row


DIRECT = DischargeType.DIRECT
