"""The access policy: the one place that decides who may see or change what.

Every view, API route, export and background task asks this module. It denies
by default: a user with no membership sees nothing, an unknown action is
refused, an anonymous or inactive user is refused everything. The rules, in
words (docs/architecture.md has them as a table, tests/registry/test_policy_matrix.py
proves them):

* A **programme admin** sees and edits every facility and park enrolled in the
  programme (directly, or through an enrolled park), their shared facilities,
  and the audit trail of those objects.
* An **assessor** sees the facilities of the programme or the single facility of
  the membership, and all their data; edits nothing in the registry.
* A **park operator** sees the park, its shared facilities and the profile of the
  park's facilities, and edits the park and its shared facilities; it sees no
  facility's reported data.
* A **facility manager** sees and edits the facility (or every facility of the
  manufacturer group of the membership), sees all its data, reports its monthly
  data and alone grants or revokes its consents. **Facility data entry** sees the
  facility and its data and reports its monthly data.
* Programme admins and assessors **verify** the reported months of the facilities
  in their scope (verify, return with comments, reopen); they do not enter data.
* A **brand viewer** or **financier viewer** sees a facility, and the named kinds
  of its data, only while the facility's consent to that organisation is active.
* A **shared facility's data** (a central effluent treatment plant's lab results) are
  its own: read by the park's operator (who also records them), the programme team of
  a programme enrolling the park or a facility it serves, and the staff of the
  facilities it serves (its results concern their discharge); a brand or financier
  reads them only while the park operator's consent for that shared facility is
  active, never through a tenant's consent.
* Organisations of public roles (brands, financiers, programme implementers,
  public agencies, NGOs) are listed to every member, so that consent can be
  granted to them; manufacturer groups and park operators only through a
  facility or park the user sees.
* The **audit trail**: a programme admin reads every change to the data and records of the facilities and
  parks it administers, a facility manager its facilities', an assessor the months it verified, returned or
  reopened (every change in them) and its own actions, a park operator its park's own records; data entry,
  brands and financiers read none of it (audit.selectors.audit_events_visible).
* Django superusers (the operators of the installation) may do everything.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from loomlight.programmes.models import Programme
from loomlight.registry import models
from loomlight.registry.models import (
    Consent,
    DataKind,
    Facility,
    IndustrialPark,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    SharedFacility,
    SharedFacilityConsent,
)


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    CREATE = "create"
    MANAGE_CONSENT = "manage_consent"
    VIEW_AUDIT = "view_audit"
    ENTER_DATA = "enter_data"  # report a facility's monthly data
    VERIFY = "verify"          # verify, return or reopen a facility's reported month


#: Which scope each role may be given in, and the organisation kind an organisation-scoped role
#: requires: registry.models (Membership.clean() enforces them), named here for the policy's readers.
ROLE_SCOPES = models.ROLE_SCOPES
ROLE_ORGANISATION_KIND = models.ROLE_ORGANISATION_KIND

PUBLIC_ORGANISATION_KINDS = (
    OrganisationKind.BRAND,
    OrganisationKind.FINANCIER,
    OrganisationKind.PROGRAMME_IMPLEMENTER,
    OrganisationKind.PUBLIC_AGENCY,
    OrganisationKind.NGO,
)

#: Roles that see every kind of data of the facilities in their scope.
_FULL_DATA_ROLES = frozenset({Role.PROGRAMME_ADMIN, Role.ASSESSOR, Role.FACILITY_MANAGER, Role.FACILITY_DATA_ENTRY})
_CONSENT_ROLES = frozenset({Role.BRAND_VIEWER, Role.FINANCIER_VIEWER})

_NOTHING = Q(pk__in=[])

#: Roles that read some of the audit trail; audit.selectors.audit_events_visible decides what (with
#: facilities_audited, facilities_verifiable and parks_audited below). Data entry, brands and financiers read none.
_AUDIT_ROLES = frozenset({Role.PROGRAMME_ADMIN, Role.FACILITY_MANAGER, Role.ASSESSOR, Role.PARK_OPERATOR})


# --- who the user is --------------------------------------------------------

def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def memberships(user) -> list[Membership]:
    """The user's memberships, loaded once per request (cached on the user object)."""
    if not _active(user):
        return []
    cached = getattr(user, "_loomlight_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user))
        user._loomlight_memberships = cached
    return cached


def forget(user) -> None:
    """Drop the cached memberships (after a membership changes)."""
    if hasattr(user, "_loomlight_memberships"):
        del user._loomlight_memberships


def is_operator(user) -> bool:
    return _active(user) and user.is_superuser


def roles(user) -> set[str]:
    return {m.role for m in memberships(user)}


# --- building blocks --------------------------------------------------------

def _programme_facility_ids(programme_id: int):
    through = Programme.facilities.through
    return through.objects.filter(programme_id=programme_id).values("facility_id")


def _programme_park_ids(programme_id: int):
    through = Programme.parks.through
    return through.objects.filter(programme_id=programme_id).values("industrialpark_id")


def _programme_facilities_q(programme_id: int) -> Q:
    return Q(pk__in=_programme_facility_ids(programme_id)) | Q(park_id__in=_programme_park_ids(programme_id))


def _consented_ids(consents: QuerySet, subject: str, organisation_id: int, kind: str, on=None) -> list[int]:
    """The ``subject`` ids of ``consents`` to the organisation that are active on ``on`` (today) and name ``kind``."""
    on = on or timezone.localdate()
    rows = consents.filter(
        grantee_id=organisation_id, revoked_at__isnull=True, valid_from__lte=on
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on)).values_list(subject, "data_kinds")
    return sorted({pk for pk, kinds in rows if kind in (kinds or [])})


def consented_facility_ids(organisation_id: int, kind: str, on=None) -> list[int]:
    """Facilities whose consent to the organisation is active and names ``kind``."""
    return _consented_ids(Consent.objects, "facility_id", organisation_id, kind, on)


def _facility_q(user, kind: str | None, *, consent: bool = True) -> Q:
    """Q over Facility for the facilities whose ``kind`` of data the user may read
    (``kind=None`` means the registry profile); ``consent=False`` leaves out what a consent grants."""
    q = _NOTHING
    for m in memberships(user):
        if m.role in _CONSENT_ROLES and m.organisation_id:
            if not consent:
                continue
            q |= Q(pk__in=consented_facility_ids(m.organisation_id, kind or DataKind.PROFILE))
        elif m.role == Role.PARK_OPERATOR and m.park_id:
            if kind in (None, DataKind.PROFILE):
                q |= Q(park_id=m.park_id)
        elif m.role in _FULL_DATA_ROLES:
            if m.programme_id and m.role in (Role.PROGRAMME_ADMIN, Role.ASSESSOR):
                q |= _programme_facilities_q(m.programme_id)
            elif m.facility_id:
                q |= Q(pk=m.facility_id)
            elif m.organisation_id and m.role == Role.FACILITY_MANAGER:
                q |= Q(organisation_id=m.organisation_id)
    return q


def _facility_edit_q(user) -> Q:
    q = _NOTHING
    for m in memberships(user):
        if m.role == Role.PROGRAMME_ADMIN and m.programme_id:
            q |= _programme_facilities_q(m.programme_id)
        elif m.role == Role.FACILITY_MANAGER and m.facility_id:
            q |= Q(pk=m.facility_id)
        elif m.role == Role.FACILITY_MANAGER and m.organisation_id:
            q |= Q(organisation_id=m.organisation_id)
    return q


def _consent_manage_q(user) -> Q:
    q = _NOTHING
    for m in memberships(user):
        if m.role == Role.FACILITY_MANAGER and m.facility_id:
            q |= Q(pk=m.facility_id)
        elif m.role == Role.FACILITY_MANAGER and m.organisation_id:
            q |= Q(organisation_id=m.organisation_id)
    return q


def _data_entry_q(user) -> Q:
    q = _NOTHING
    for m in memberships(user):
        if m.role in (Role.FACILITY_MANAGER, Role.FACILITY_DATA_ENTRY) and m.facility_id:
            q |= Q(pk=m.facility_id)
        elif m.role == Role.FACILITY_MANAGER and m.organisation_id:
            q |= Q(organisation_id=m.organisation_id)
    return q


def _verify_q(user) -> Q:
    q = _NOTHING
    for m in memberships(user):
        if m.role in (Role.PROGRAMME_ADMIN, Role.ASSESSOR) and m.programme_id:
            q |= _programme_facilities_q(m.programme_id)
        elif m.role == Role.ASSESSOR and m.facility_id:
            q |= Q(pk=m.facility_id)
    return q


def _park_edit_q(user) -> Q:
    q = _NOTHING
    for m in memberships(user):
        if m.role == Role.PROGRAMME_ADMIN and m.programme_id:
            q |= Q(pk__in=_programme_park_ids(m.programme_id))
        elif m.role == Role.PARK_OPERATOR and m.park_id:
            q |= Q(pk=m.park_id)
    return q


# --- selectors: what the user may see ---------------------------------------

def facilities_visible(user) -> QuerySet[Facility]:
    if not _active(user):
        return Facility.objects.none()
    if user.is_superuser:
        return Facility.objects.all()
    return Facility.objects.filter(_facility_q(user, None))


def facilities_with_data(user, kind: str) -> QuerySet[Facility]:
    """Facilities whose data of ``kind`` (a DataKind) the user may read."""
    if kind not in DataKind.values or not _active(user):
        return Facility.objects.none()
    if user.is_superuser:
        return Facility.objects.all()
    return Facility.objects.filter(_facility_q(user, kind))


def facilities_enterable(user) -> QuerySet[Facility]:
    """Facilities whose monthly data the user reports (``can(user, Action.ENTER_DATA, facility)`` for each)."""
    if not _active(user):
        return Facility.objects.none()
    if user.is_superuser:
        return Facility.objects.all()
    return Facility.objects.filter(_data_entry_q(user))


def facilities_in_programme(programme_id: int) -> QuerySet[Facility]:
    """Every facility of a programme, named in it or in one of its parks; not filtered by any user."""
    return Facility.objects.filter(_programme_facilities_q(programme_id))


def facilities_editable(user) -> QuerySet[Facility]:
    if not _active(user):
        return Facility.objects.none()
    if user.is_superuser:
        return Facility.objects.all()
    return Facility.objects.filter(_facility_edit_q(user))


def facilities_audited(user) -> QuerySet[Facility]:
    """Facilities whose whole audit trail the user reads: a programme admin's programme facilities, a facility
    manager's facilities (every change to their data and their registry records)."""
    if not _active(user):
        return Facility.objects.none()
    if user.is_superuser:
        return Facility.objects.all()
    return Facility.objects.filter(_facility_edit_q(user))


def facilities_verifiable(user) -> QuerySet[Facility]:
    """Facilities whose reported months the user verifies, returns and reopens (programme admins, assessors)."""
    if not _active(user):
        return Facility.objects.none()
    if user.is_superuser:
        return Facility.objects.all()
    return Facility.objects.filter(_verify_q(user))


def parks_audited(user) -> QuerySet[IndustrialPark]:
    """Parks whose own records' audit trail the user reads (the park, its shared facilities and their data):
    the park's operator and the programme admins of a programme enrolling it."""
    return parks_editable(user)


def parks_visible(user) -> QuerySet[IndustrialPark]:
    if not _active(user):
        return IndustrialPark.objects.none()
    if user.is_superuser:
        return IndustrialPark.objects.all()
    q = _park_edit_q(user) | Q(pk__in=facilities_visible(user).filter(park__isnull=False).values("park_id"))
    for m in memberships(user):
        if m.role == Role.ASSESSOR and m.programme_id:
            q |= Q(pk__in=_programme_park_ids(m.programme_id))
    return IndustrialPark.objects.filter(q)


def parks_editable(user) -> QuerySet[IndustrialPark]:
    if not _active(user):
        return IndustrialPark.objects.none()
    if user.is_superuser:
        return IndustrialPark.objects.all()
    return IndustrialPark.objects.filter(_park_edit_q(user))


def shared_facilities_visible(user) -> QuerySet[SharedFacility]:
    """Shared facilities whose registry profile (name, kind, capacity) the user sees: those of visible parks."""
    return SharedFacility.objects.filter(park__in=parks_visible(user))


def consented_shared_facility_ids(organisation_id: int, kind: str, on=None) -> list[int]:
    """Shared facilities whose park operator's consent to the organisation is active and names ``kind``."""
    return _consented_ids(SharedFacilityConsent.objects, "shared_facility_id", organisation_id, kind, on)


def shared_facilities_with_data(user, kind: str = DataKind.WASTEWATER) -> QuerySet[SharedFacility]:
    """Shared facilities whose data of ``kind`` the user may read (see the module's rules): the park operator,
    the programme team of the park or of a facility served, the staff of a facility served, and brands and
    financiers only by the park operator's active consent."""
    if kind != DataKind.WASTEWATER or not _active(user):
        return SharedFacility.objects.none()
    if user.is_superuser:
        return SharedFacility.objects.all()
    served = Facility.objects.filter(_facility_q(user, kind, consent=False))
    q = Q(serves__in=served)
    for m in memberships(user):
        if m.role == Role.PARK_OPERATOR and m.park_id:
            q |= Q(park_id=m.park_id)
        elif m.role in (Role.PROGRAMME_ADMIN, Role.ASSESSOR) and m.programme_id:
            q |= Q(park_id__in=_programme_park_ids(m.programme_id))
        elif m.role in _CONSENT_ROLES and m.organisation_id:
            q |= Q(pk__in=consented_shared_facility_ids(m.organisation_id, kind))
    return SharedFacility.objects.filter(pk__in=SharedFacility.objects.filter(q).values("pk"))


def shared_consents_visible(user) -> QuerySet[SharedFacilityConsent]:
    """Consents for shared facilities a user may read: those of the parks they operate, and those granted to
    their own organisation."""
    if not _active(user):
        return SharedFacilityConsent.objects.none()
    if user.is_superuser:
        return SharedFacilityConsent.objects.all()
    q = Q(shared_facility__park_id__in=[m.park_id for m in memberships(user) if m.role == Role.PARK_OPERATOR and m.park_id])
    grantees = [m.organisation_id for m in memberships(user) if m.role in _CONSENT_ROLES and m.organisation_id]
    if grantees:
        q |= Q(grantee_id__in=grantees)
    return SharedFacilityConsent.objects.filter(q)


def organisations_visible(user) -> QuerySet[Organisation]:
    if not _active(user):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    mine = memberships(user)
    if not mine:
        return Organisation.objects.none()
    q = Q(kind__in=PUBLIC_ORGANISATION_KINDS)
    q |= Q(pk__in=[m.organisation_id for m in mine if m.organisation_id])
    q |= Q(pk__in=facilities_visible(user).filter(organisation__isnull=False).values("organisation_id"))
    q |= Q(pk__in=parks_visible(user).filter(operator__isnull=False).values("operator_id"))
    return Organisation.objects.filter(q)


def organisations_editable(user) -> QuerySet[Organisation]:
    if not _active(user):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    if Role.PROGRAMME_ADMIN in roles(user):
        return organisations_visible(user)
    return Organisation.objects.none()


def consents_visible(user) -> QuerySet[Consent]:
    """Consents a user may read: those of facilities they manage or administer,
    and those granted to their own organisation."""
    if not _active(user):
        return Consent.objects.none()
    if user.is_superuser:
        return Consent.objects.all()
    q = Q(facility__in=facilities_consent_side(user))
    grantees = [m.organisation_id for m in memberships(user) if m.role in _CONSENT_ROLES and m.organisation_id]
    if grantees:
        q |= Q(grantee_id__in=grantees)
    return Consent.objects.filter(q)


def facilities_consent_side(user) -> QuerySet[Facility]:
    """Facilities whose consents the user reads from the facility's side (its managers, its programme
    admins): they see who granted and who revoked each. A grantee reads a consent given to its
    organisation (the facility, the grantee, the kinds of data and the dates), not the names of the
    facility's staff."""
    if not _active(user):
        return Facility.objects.none()
    if user.is_superuser:
        return Facility.objects.all()
    return Facility.objects.filter(_consent_manage_q(user) | _facility_edit_q(user))


def facilities_consent_managed(user) -> QuerySet[Facility]:
    """Facilities whose consent the user grants and revokes (their managers)."""
    if not _active(user):
        return Facility.objects.none()
    if user.is_superuser:
        return Facility.objects.all()
    return Facility.objects.filter(_consent_manage_q(user))


def programmes_visible(user) -> QuerySet[Programme]:
    if not _active(user):
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.all()
    ids = [m.programme_id for m in memberships(user) if m.programme_id]
    return Programme.objects.filter(pk__in=ids)


def programmes_administered(user) -> QuerySet[Programme]:
    if not _active(user):
        return Programme.objects.none()
    if user.is_superuser:
        return Programme.objects.all()
    ids = [m.programme_id for m in memberships(user) if m.role == Role.PROGRAMME_ADMIN and m.programme_id]
    return Programme.objects.filter(pk__in=ids)


# --- decisions on one object ------------------------------------------------

def _in(queryset: QuerySet, obj) -> bool:
    return obj is not None and obj.pk is not None and queryset.filter(pk=obj.pk).exists()


def can(user, action: str, obj=None) -> bool:
    """May ``user`` do ``action`` on ``obj`` (an instance, or a model class for CREATE)?

    Anything not named here is refused.
    """
    if not _active(user):
        return False
    if action == Action.CREATE:
        if obj in (Facility, IndustrialPark, Organisation):
            return user.is_superuser or bool(programmes_administered(user).exists())
        if isinstance(obj, IndustrialPark):  # a shared facility in this park
            return _in(parks_editable(user), obj)
        return False
    if action == Action.VIEW_AUDIT:   # some of the trail (obj None), or a facility's trail
        if obj is None:
            return user.is_superuser or bool(roles(user) & _AUDIT_ROLES)
        if isinstance(obj, Facility):
            return user.is_superuser or _in(Facility.objects.filter(_facility_edit_q(user) | _verify_q(user)), obj)
        return False
    if isinstance(obj, Facility):
        if action == Action.VIEW:
            return _in(facilities_visible(user), obj)
        if action == Action.EDIT:
            return _in(facilities_editable(user), obj)
        if action == Action.MANAGE_CONSENT:
            return user.is_superuser or _in(Facility.objects.filter(_consent_manage_q(user)), obj)
        if action == Action.ENTER_DATA:
            return user.is_superuser or _in(Facility.objects.filter(_data_entry_q(user)), obj)
        if action == Action.VERIFY:
            return user.is_superuser or _in(Facility.objects.filter(_verify_q(user)), obj)
        return False
    if isinstance(obj, IndustrialPark):
        if action == Action.VIEW:
            return _in(parks_visible(user), obj)
        if action == Action.EDIT:
            return _in(parks_editable(user), obj)
        return False
    if isinstance(obj, SharedFacility):
        if action == Action.VIEW:
            return _in(parks_visible(user), obj.park)
        if action == Action.EDIT:
            return _in(parks_editable(user), obj.park)
        if action == Action.MANAGE_CONSENT:   # the park's operator alone shares its shared facilities' data
            return user.is_superuser or any(m.role == Role.PARK_OPERATOR and m.park_id == obj.park_id
                                            for m in memberships(user))
        return False
    if isinstance(obj, SharedFacilityConsent):
        if action == Action.VIEW:
            return _in(shared_consents_visible(user), obj)
        if action == Action.EDIT:  # revoke
            return can(user, Action.MANAGE_CONSENT, obj.shared_facility)
        return False
    if isinstance(obj, Organisation):
        if action == Action.VIEW:
            return _in(organisations_visible(user), obj)
        if action == Action.EDIT:
            return _in(organisations_editable(user), obj)
        return False
    if isinstance(obj, Consent):
        if action == Action.VIEW:
            return _in(consents_visible(user), obj)
        if action == Action.EDIT:  # revoke
            return can(user, Action.MANAGE_CONSENT, obj.facility)
        return False
    return False


def can_view_data(user, facility: Facility, kind: str) -> bool:
    """May the user read ``kind`` (a DataKind) of the facility's data?"""
    return _in(facilities_with_data(user, kind), facility)


def data_kinds(user, facility: Facility) -> frozenset[str]:
    """Every kind (DataKind values) of the facility's data the user may read; a derived figure is shown only
    when all the kinds it is made of are among them (``analytics.kinds``)."""
    return common_data_kinds(user, Facility.objects.filter(pk=facility.pk))


def common_data_kinds(user, facilities: QuerySet[Facility]) -> frozenset[str]:
    """The kinds of data the user may read of *every* facility in ``facilities``: what a sum, a share or a
    list over them may show. None for an empty set (nothing to show)."""
    if not _active(user):
        return frozenset()
    if user.is_superuser:
        return frozenset(DataKind.values)
    ids = facilities.values("pk")
    if not Facility.objects.filter(pk__in=ids).exists():
        return frozenset()
    by_rule: dict[tuple, list[str]] = {}   # kinds read by the same rule (a programme admin's: all) cost one query
    for kind in DataKind.values:
        by_rule.setdefault(_rule(user, kind), []).append(kind)
    return frozenset(kind for kinds in by_rule.values()
                     if not Facility.objects.filter(pk__in=ids).exclude(_facility_q(user, kinds[0])).exists()
                     for kind in kinds)


def _rule(user, kind: str) -> tuple:
    """What ``_facility_q(user, kind)`` depends on: equal for two kinds means the same facilities."""
    def depends(m):
        if m.role in _CONSENT_ROLES:
            return kind
        if m.role == Role.PARK_OPERATOR:
            return kind in (None, DataKind.PROFILE)
        return None
    return tuple((m.pk, depends(m)) for m in memberships(user))


def require(user, action: str, obj=None) -> None:
    """Raise PermissionDenied unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied
