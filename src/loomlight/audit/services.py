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


def audit_record(*, actor, action: str, obj: models.Model, before: dict | None, after: dict | None, via: str = "web") -> AuditEvent | None:
    """Record one change; an update that changed nothing records nothing."""
    if action == AuditAction.UPDATE and before == after:
        return None
    return audit_record_event(actor=actor, action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk),
                              object_repr=str(obj), before=before, after=after, via=via)


def audit_record_event(*, actor, action: str, object_type: str, object_id: str, object_repr: str,
                       before: dict | None, after: dict | None, via: str = "web") -> AuditEvent:
    """Record an event about something that may not be a stored object (a login for a
    username that does not exist, a client address locked out)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=object_type[:64],
        object_id=object_id[:64],
        object_repr=object_repr[:300],
        before=before,
        after=after,
        via=via,
    )
