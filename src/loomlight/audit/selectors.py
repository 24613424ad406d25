from __future__ import annotations

from django.db.models import Q, QuerySet

from loomlight.audit.models import AuditEvent
from loomlight.registry import policy


def audit_events_visible(user) -> QuerySet[AuditEvent]:
    """Audit events a user may read: operators see all; programme admins see the
    events of registry objects they administer; everyone else none."""
    if not policy.can(user, policy.Action.VIEW_AUDIT):
        return AuditEvent.objects.none()
    if user.is_superuser:
        return AuditEvent.objects.all()

    def ids(qs):
        return [str(pk) for pk in qs.values_list("pk", flat=True)]

    editable_facilities = policy.facilities_editable(user)
    q = Q(object_type="registry.facility", object_id__in=ids(editable_facilities))
    parks = policy.parks_editable(user)
    q |= Q(object_type="registry.industrialpark", object_id__in=ids(parks))
    q |= Q(object_type="registry.sharedfacility", object_id__in=ids(policy.shared_facilities_visible(user).filter(park__in=parks)))
    q |= Q(object_type="registry.organisation", object_id__in=ids(policy.organisations_editable(user)))
    from loomlight.registry.models import Consent

    q |= Q(object_type="registry.consent", object_id__in=ids(Consent.objects.filter(facility__in=editable_facilities)))
    return AuditEvent.objects.filter(q)


def audit_events_for(user, obj) -> QuerySet[AuditEvent]:
    return audit_events_visible(user).filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
