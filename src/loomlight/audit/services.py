"""Recording changes. Call inside the writing service's transaction."""

from __future__ import annotations

import datetime
import decimal

from django.db import models
from django.db.models.fields.files import FieldFile

from loomlight.audit.models import AuditAction, AuditEvent


def _json_value(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        return value.name
    return value


def snapshot(obj: models.Model) -> dict:
    """The object's concrete and many-to-many field values, JSON-safe."""
    data = {}
    for field in obj._meta.concrete_fields:
        data[field.attname] = _json_value(getattr(obj, field.attname))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            data[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return data


#: The parent through which a record without a facility of its own belongs to one (a lab result to its sampling
#: event, a permit's limit to its permit, a month's use of a chemical to the product).
PARENTS = ("event", "permit", "product")


def _month(day) -> datetime.date | None:
    return day.replace(day=1) if isinstance(day, datetime.date) else None


def place(obj: models.Model) -> tuple[int | None, int | None, datetime.date | None]:
    """(facility id, park id, month) an object's events belong to, for who may read them (audit.selectors).

    A facility's own records name the facility (and the month when they have one: a value, a month's state, a
    sampling day's month, a chemical's monthly use); a park's own records (the park, its shared facilities, a
    central plant's sampling events, permits and intake limits) name the park and no facility.
    """
    from loomlight.registry.models import Facility, IndustrialPark, SharedFacility

    if isinstance(obj, Facility):
        return obj.pk, None, None
    if isinstance(obj, IndustrialPark):
        return None, obj.pk, None
    if isinstance(obj, SharedFacility):
        return None, obj.park_id, None
    facility_id = getattr(obj, "facility_id", None)
    period = _month(getattr(obj, "period", None)) or _month(getattr(obj, "sampled_on", None))
    park_id = None
    if facility_id is None:
        for name in PARENTS:
            if getattr(obj, f"{name}_id", None) is not None:
                parent_facility, parent_park, parent_period = place(getattr(obj, name))
                return parent_facility, parent_park, period or parent_period
        for name in ("shared_facility", "cetp"):
            if getattr(obj, f"{name}_id", None) is not None:
                park_id = getattr(obj, name).park_id
                break
        else:
            park_id = getattr(obj, "park_id", None)
    return facility_id, park_id, period


def audit_record(*, actor, action: str, obj: models.Model, before: dict | None, after: dict | None, via: str = "web") -> AuditEvent | None:
    """Record one change; an update that changed nothing records nothing."""
    if action == AuditAction.UPDATE and before == after:
        return None
    facility_id, park_id, period = place(obj)
    return audit_record_event(actor=actor, action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk),
                              object_repr=str(obj), before=before, after=after, via=via,
                              facility_id=facility_id, park_id=park_id, period=period)


def audit_record_event(*, actor, action: str, object_type: str, object_id: str, object_repr: str,
                       before: dict | None, after: dict | None, via: str = "web", facility_id: int | None = None,
                       park_id: int | None = None, period: datetime.date | None = None,
                       import_job_id: int | None = None) -> AuditEvent:
    """Record an event about something that may not be a stored object (a login for a
    username that does not exist, a client address locked out)."""
    return AuditEvent.objects.create(
        facility_id=facility_id, park_id=park_id, period=period, import_job_id=import_job_id,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type[:64],
        object_id=object_id[:64],
        object_repr=object_repr[:300],
        before=before,
        after=after,
        via=via,
    )
