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
from loomlight.registry.models import SharedFacilityKind
from loomlight.wastewater.models import (Discharge, DischargePermit, DischargeRoute, DischargeType, IntakeLimit, LabResult,
                                         PermitLimit, SamplingEvent, SamplingPoint)

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
    _save(row, before=before, by=by, via=via)
    return row


DIRECT = DischargeType.DIRECT


# --- where a site discharges, its permits and a central plant's intake limits ---------------------------

def _save(row, *, before: dict | None, by, via: str) -> None:
    """Validate and store ``row``, audited as created (``before`` None) or updated, in the caller's transaction."""
    row.full_clean()
    row.save()
    audit_record(actor=by, action=AuditAction.UPDATE if before is not None else AuditAction.CREATE, obj=row, before=before,
                 after=snapshot(row), via=via)


def _require_edit(by, facility, shared):
    """A facility's discharge facts are kept by those who edit it (its manager, the programme admin); a central
    plant's by those who edit its park (the park's operator, the programme admin)."""
    if (facility is None) == (shared is None):
        raise ValidationError(_("This belongs to one facility or to one shared facility."))
    policy.require(by, Action.EDIT, facility if facility is not None else shared)


def _country(facility, shared) -> str:
    return facility.country if facility is not None else shared.park.country


@transaction.atomic
def discharge_set(*, by, valid_from: datetime.date, route: str, facility=None, shared_facility=None, receiving_water: str = "",
                  receiving_class: str = "", cetp=None, operating_since: datetime.date | None = None, via: str = "web") -> Discharge:
    """Record where a site discharges from ``valid_from`` on (a new record when the route changes; the same day's
    record is corrected in place). A route to a central plant names the plant, a shared plant of the site's park."""
    _require_edit(by, facility, shared_facility)
    errors = {}
    if route not in DischargeRoute.values:
        errors["route"] = [_("Choose where the wastewater goes.")]
    for name, day in (("valid_from", valid_from), ("operating_since", operating_since)):
        if day is None:
            continue
        try:
            validate_date(day)
        except ValidationError as exc:
            errors[name] = exc.messages
        else:
            if day > timezone.localdate():
                errors[name] = [_("This date is in the future.")]
    if route == DischargeRoute.CETP:
        if cetp is None:
            errors["cetp"] = [_("Name the central plant the wastewater goes to.")]
        elif cetp.kind != SharedFacilityKind.CETP:
            errors["cetp"] = [_("This shared facility is not a central effluent treatment plant.")]
        elif shared_facility is not None:
            errors["cetp"] = [_("A central plant cannot discharge to a central plant.")]
        elif facility.park_id is None or cetp.park_id != facility.park_id:
            errors["cetp"] = [_("Choose a central plant of the facility's own park.")]
    elif cetp is not None:
        errors["cetp"] = [_("Name a central plant only when the wastewater goes to one.")]
    if errors:
        raise ValidationError(errors)
    site = {"facility": facility} if facility is not None else {"shared_facility": shared_facility}
    existing = Discharge.objects.filter(valid_from=valid_from, **site).first()
    before = snapshot(existing) if existing else None
    row = existing or Discharge(valid_from=valid_from, created_by=by, **site)
    row.route, row.receiving_water, row.receiving_class = route, receiving_water.strip(), receiving_class.strip()
    row.cetp, row.operating_since = cetp, operating_since
    _save(row, before=before, by=by, via=via)
    return row


@transaction.atomic
def discharge_delete(*, by, discharge: Discharge, via: str = "web") -> None:
    _require_edit(by, discharge.facility, discharge.shared_facility)
    audit_record(actor=by, action=AuditAction.DELETE, obj=discharge, before=snapshot(discharge), after=None, via=via)
    discharge.delete()


def _bounds(parameter: str, unit: str, limit_min, limit_max) -> tuple[str, float | None, float | None]:
    """A limit as given (a number in any accepted spelling of the parameter's unit), in the parameter's unit."""
    known = parameters()
    if parameter not in known:
        raise ValidationError({"parameter": [_("Unknown parameter “%(code)s”.") % {"code": parameter}]})
    parameter_unit = known[parameter].unit
    low = None if limit_min in (None, "") else _number(limit_min, "limit_min")
    high = None if limit_max in (None, "") else _number(limit_max, "limit_max")
    if low is None and high is None:
        raise ValidationError({"limit_max": [_("Give a maximum, a minimum, or both.")]})
    for name, value in (("limit_min", low), ("limit_max", high)):
        if value is not None and value < 0 and parameter not in SIGNED and parameter_unit != "pH":
            raise ValidationError({name: [_("A concentration cannot be negative.")]})
    low = _unit(parameter_unit, unit, low, "unit") if low is not None else None
    high = _unit(parameter_unit, unit, high, "unit") if high is not None else None
    if low is not None and high is not None and low > high:
        raise ValidationError({"limit_min": [_("The minimum is above the maximum.")]})
    return parameter_unit, low, high


@transaction.atomic
def permit_save(*, by, number: str, issuing_body: str, issued_on: datetime.date, valid_until: datetime.date | None = None,
                facility=None, shared_facility=None, permit: DischargePermit | None = None, via: str = "web") -> DischargePermit:
    """Record a site's discharge permit, or correct ``permit``."""
    if permit is not None:
        facility, shared_facility = permit.facility, permit.shared_facility
    _require_edit(by, facility, shared_facility)
    errors = {}
    if not number.strip():
        errors["number"] = [_("Give the permit's number.")]
    if not issuing_body.strip():
        errors["issuing_body"] = [_("Name the body that issued the permit.")]
    try:
        validate_date(issued_on)
    except ValidationError as exc:
        errors["issued_on"] = exc.messages
    else:
        if issued_on > timezone.localdate():
            errors["issued_on"] = [_("This date is in the future.")]
    if valid_until is not None and issued_on is not None and valid_until < issued_on:
        errors["valid_until"] = [_("A permit cannot expire before it is issued.")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(permit) if permit else None
    row = permit or DischargePermit(facility=facility, shared_facility=shared_facility, created_by=by)
    row.number, row.issuing_body, row.issued_on, row.valid_until = number.strip(), issuing_body.strip(), issued_on, valid_until
    _save(row, before=before, by=by, via=via)
    return row


@transaction.atomic
def permit_delete(*, by, permit: DischargePermit, via: str = "web") -> None:
    _require_edit(by, permit.facility, permit.shared_facility)
    for limit in permit.limits.all():
        audit_record(actor=by, action=AuditAction.DELETE, obj=limit, before=snapshot(limit), after=None, via=via)
    audit_record(actor=by, action=AuditAction.DELETE, obj=permit, before=snapshot(permit), after=None, via=via)
    permit.delete()


@transaction.atomic
def permit_limit_set(*, by, permit: DischargePermit, parameter: str, unit: str, limit_min=None, limit_max=None,
                     via: str = "web") -> PermitLimit:
    """A limit the permit sets for one parameter (replacing the one recorded)."""
    _require_edit(by, permit.facility, permit.shared_facility)
    parameter_unit, low, high = _bounds(parameter, unit, limit_min, limit_max)
    existing = PermitLimit.objects.filter(permit=permit, parameter=parameter).first()
    before = snapshot(existing) if existing else None
    row = existing or PermitLimit(permit=permit, parameter=parameter)
    row.limit_min, row.limit_max, row.unit = low, high, parameter_unit
    _save(row, before=before, by=by, via=via)
    return row


@transaction.atomic
def permit_limit_delete(*, by, limit: PermitLimit, via: str = "web") -> None:
    _require_edit(by, limit.permit.facility, limit.permit.shared_facility)
    audit_record(actor=by, action=AuditAction.DELETE, obj=limit, before=snapshot(limit), after=None, via=via)
    limit.delete()


@transaction.atomic
def intake_limit_set(*, by, cetp, parameter: str, unit: str, valid_from: datetime.date, limit_min=None, limit_max=None,
                     note: str = "", via: str = "web") -> IntakeLimit:
    """A central plant's limit for one parameter of what its tenants send it, from ``valid_from`` on: set by the
    park's operator (or the programme admin), audited. A later day's limit replaces it from that day."""
    if cetp.kind != SharedFacilityKind.CETP:
        raise ValidationError(_("Intake limits belong to a central effluent treatment plant."))
    policy.require(by, Action.EDIT, cetp)
    try:
        validate_date(valid_from)
    except ValidationError as exc:
        raise ValidationError({"valid_from": exc.messages}) from None
    parameter_unit, low, high = _bounds(parameter, unit, limit_min, limit_max)
    existing = IntakeLimit.objects.filter(cetp=cetp, parameter=parameter, valid_from=valid_from).first()
    before = snapshot(existing) if existing else None
    row = existing or IntakeLimit(cetp=cetp, parameter=parameter, valid_from=valid_from, created_by=by)
    row.limit_min, row.limit_max, row.unit, row.note = low, high, parameter_unit, note.strip()
    _save(row, before=before, by=by, via=via)
    return row


@transaction.atomic
def intake_limit_delete(*, by, limit: IntakeLimit, via: str = "web") -> None:
    policy.require(by, Action.EDIT, limit.cetp)
    audit_record(actor=by, action=AuditAction.DELETE, obj=limit, before=snapshot(limit), after=None, via=via)
    limit.delete()
