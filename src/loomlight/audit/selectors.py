"""Reading the audit trail: who reads which events, and the filters of the audit page.

Who reads what (deny by default; tests/audit/test_access.py proves it for every role):

* the operator (superuser): every event;
* a programme admin: every event of the facilities it administers (their values, months, imports, lab results,
  chemicals, evidence, targets, fuel properties, applicable metrics, discharge routes and permits, registry
  record, memberships, consents), the own records of the parks it administers (the park, its shared facilities,
  a central plant's sampling events, permits and intake limits), the organisations it edits, and its own actions;
* a facility manager: every event of its facilities, and its own actions;
* an assessor: every event in the months it verified, returned or reopened, of the facilities it may still
  verify, and its own actions;
* a park operator: its park's own records (not its tenants': it reads only their profiles), and its own actions;
* data entry, brands, financiers and users without a membership: nothing (not even their own actions: the
  trail is the responsible people's record; a clerk sees its values on the monthly data page).

Each is one query: the facility, park and month of an event are columns of AuditEvent (filled by
``audit.services.place``), filtered by the policy's querysets as subqueries, never as lists of ids.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import CharField, Exists, Func, IntegerField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from loomlight.audit.models import AuditEvent
from loomlight.registry import policy
from loomlight.registry.models import Role

PERIOD_TYPE = "reporting.reportingperiod"
IMPORT_TYPE = "reporting.importjob"
VALUE_TYPE = "reporting.activityvalue"


def audit_events_visible(user) -> QuerySet[AuditEvent]:
    """Audit events a user may read (see the module's rules)."""
    if not policy.can(user, policy.Action.VIEW_AUDIT):
        return AuditEvent.objects.none()
    if user.is_superuser:
        return AuditEvent.objects.all()
    roles = policy.roles(user)
    events = AuditEvent.objects.all()
    # A programme admin reads most of the trail: the newest events are found fastest by walking the time index
    # and testing each row; SQLite, which keeps no statistics, would rather drive the query from the facility
    # index (3 s instead of 35 ms at 300,000 events and 20,000 facilities: benchmarks/audit_trail.py), so its
    # columns are named through an expression no index answers. Narrower readers use the indexes.
    broad = Role.PROGRAMME_ADMIN in roles and connection.vendor == "sqlite"
    if broad:
        events = events.alias(_actor=_Unindexed("actor_id"), _facility=_Unindexed("facility_id"),
                              _park=_Unindexed("park_id"))
    actor, facility, park = ("_actor", "_facility", "_park") if broad else ("actor_id", "facility_id", "park_id")
    q = Q(**{actor: user.pk})
    if roles & {Role.PROGRAMME_ADMIN, Role.FACILITY_MANAGER}:
        q |= Q(**{f"{facility}__in": policy.facilities_audited(user).values("pk")})
    if roles & {Role.PROGRAMME_ADMIN, Role.PARK_OPERATOR}:
        q |= Q(facility_id__isnull=True, **{f"{park}__in": policy.parks_audited(user).values("pk")})
    if Role.PROGRAMME_ADMIN in roles:
        organisations = policy.organisations_editable(user).annotate(key=Cast("pk", CharField())).values("key")
        q |= Q(object_type="registry.organisation", object_id__in=organisations)
    if Role.ASSESSOR in roles:
        acted = AuditEvent.objects.filter(object_type=PERIOD_TYPE, actor=user)
        same_month = acted.filter(facility_id=OuterRef("facility_id"), period=OuterRef("period"))
        q |= Q(Exists(same_month), facility_id__in=acted.values("facility_id"),
               period__in=acted.values("period")) & Q(facility_id__in=policy.facilities_verifiable(user).values("pk"))
    return events.filter(q)


class _Unindexed(Func):
    """A column as SQLite's unary plus gives it: the same value, which no index answers."""

    template = "+%(expressions)s"
    output_field = IntegerField()


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_events_for(user, obj) -> QuerySet[AuditEvent]:
    return audit_events_visible(user).filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def audit_facilities(user):
    """Facilities offered in the page's facility filter: those whose trail the user reads some of."""
    if not policy.can(user, policy.Action.VIEW_AUDIT):
        return policy.facilities_audited(user).none()
    from loomlight.registry.models import Facility

    return Facility.objects.filter(Q(pk__in=policy.facilities_audited(user).values("pk"))
                                   | Q(pk__in=policy.facilities_verifiable(user).values("pk"))).order_by("name")


def audit_events_filtered(user, *, facility=None, period: datetime.date | None = None, kind: str = "",
                          username: str = "", channel_vias: tuple[str, ...] = (), date_from: datetime.date | None = None,
                          date_to: datetime.date | None = None, import_job_id: int | None = None,
                          grouped: bool = True) -> QuerySet[AuditEvent]:
    """The events the page lists for these filters, newest first.

    An import is one entry: with ``grouped`` (no month and no kind asked for), the values an import wrote are
    left out and its own event stands for them; ``import_job_id`` lists the values of that import.
    """
    events = audit_events_visible(user)
    if import_job_id is not None:
        events = events.filter(import_job_id=import_job_id).exclude(object_type=IMPORT_TYPE)
    elif grouped and period is None and not kind:
        # written as NOT (…) so that no database drives the query from it (it matches nearly every row)
        events = events.exclude(import_job__isnull=False, object_type=VALUE_TYPE)
    if facility is not None:
        events = events.filter(facility_id=facility.pk)
    if period is not None:
        events = events.filter(period=period)
    if kind:
        events = events.filter(object_type=kind)
    if username:
        events = events.filter(actor__username__iexact=username)
    if channel_vias:
        events = events.filter(via__in=channel_vias)
    if date_from is not None:   # days in the reader's time zone, as bounds on the indexed time
        events = events.filter(at__gte=_start_of(date_from))
    if date_to is not None:
        events = events.filter(at__lt=_start_of(date_to + datetime.timedelta(days=1)))
    return events.select_related("actor", "facility", "park")
