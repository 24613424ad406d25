"""Write paths for the registry. The web forms, the API, the CLI and the demo
generator all call these, so each rule, each policy check and each audit
record lives in one place. Every service runs in one transaction: a refused
or invalid write changes nothing.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loomlight.audit.models import AuditAction
from loomlight.audit.services import audit_record, snapshot
from loomlight.programmes.models import Programme
from loomlight.registry import policy
from loomlight.registry.models import (
    Consent,
    Facility,
    IndustrialPark,
    Membership,
    Organisation,
    Role,
    SharedFacility,
    SharedFacilityConsent,
)
from loomlight.registry.policy import Action

FACILITY_FIELDS = (
    "name", "name_local", "organisation", "address", "country", "latitude", "longitude", "park", "tier",
    "processes", "product_types", "headcount_female", "headcount_male", "os_hub_id",
)
PARK_FIELDS = ("name", "name_local", "country", "province", "latitude", "longitude", "area_ha", "operator", "year_established")
ORGANISATION_FIELDS = ("name", "kind", "country", "website")
SHARED_FACILITY_FIELDS = ("kind", "name", "capacity")


def _assign(instance, data: dict, fields: tuple[str, ...]) -> None:
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in unknown})
    for name, value in data.items():
        setattr(instance, name, value)


def _save_validated(instance) -> None:
    """full_clean (field rules, clean(), unique and check constraints), then save.
    An IntegrityError that slips past (a race) becomes a ValidationError."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationError(_("This conflicts with an existing record: %(error)s") % {"error": exc}) from exc


def _create(*, by, instance, data, fields, via):
    _assign(instance, data, fields)
    _save_validated(instance)
    audit_record(actor=by, action=AuditAction.CREATE, obj=instance, before=None, after=snapshot(instance), via=via)
    return instance


def _update(*, by, instance, data, fields, via):
    before = snapshot(instance)
    _assign(instance, data, fields)
    _save_validated(instance)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=instance, before=before, after=snapshot(instance), via=via)
    return instance


# --- organisations ----------------------------------------------------------

@transaction.atomic
def organisation_create(*, by, data: dict, via: str = "web") -> Organisation:
    policy.require(by, Action.CREATE, Organisation)
    return _create(by=by, instance=Organisation(), data=data, fields=ORGANISATION_FIELDS, via=via)


@transaction.atomic
def organisation_update(*, by, organisation: Organisation, data: dict, via: str = "web") -> Organisation:
    policy.require(by, Action.EDIT, organisation)
    return _update(by=by, instance=organisation, data=data, fields=ORGANISATION_FIELDS, via=via)


# --- parks ------------------------------------------------------------------

@transaction.atomic
def park_create(*, by, data: dict, programme: Programme | None = None, via: str = "web") -> IndustrialPark:
    policy.require(by, Action.CREATE, IndustrialPark)
    programme = _programme_for_new_record(by, programme)
    park = _create(by=by, instance=IndustrialPark(), data=data, fields=PARK_FIELDS, via=via)
    if programme is not None:
        programme.parks.add(park)
    return park


@transaction.atomic
def park_update(*, by, park: IndustrialPark, data: dict, via: str = "web") -> IndustrialPark:
    policy.require(by, Action.EDIT, park)
    return _update(by=by, instance=park, data=data, fields=PARK_FIELDS, via=via)


# --- facilities -------------------------------------------------------------

def _programme_for_new_record(by, programme: Programme | None) -> Programme | None:
    """A programme admin's new facility or park is enrolled in their programme,
    so that they can see what they created. Operators may leave it unenrolled."""
    administered = policy.programmes_administered(by)
    if programme is not None:
        if not administered.filter(pk=programme.pk).exists():
            raise ValidationError({"programme": [_("You do not administer this programme.")]})
        return programme
    if by.is_superuser:
        return None
    candidates = list(administered[:2])
    if len(candidates) != 1:
        raise ValidationError({"programme": [_("Choose the programme to enrol the new record in.")]})
    return candidates[0]


@transaction.atomic
def facility_create(*, by, data: dict, programme: Programme | None = None, via: str = "web") -> Facility:
    policy.require(by, Action.CREATE, Facility)
    programme = _programme_for_new_record(by, programme)
    facility = _create(by=by, instance=Facility(), data=data, fields=FACILITY_FIELDS, via=via)
    if programme is not None:
        programme.facilities.add(facility)
    return facility


@transaction.atomic
def facility_update(*, by, facility: Facility, data: dict, via: str = "web") -> Facility:
    policy.require(by, Action.EDIT, facility)
    if "park" in data and data["park"] is not None and data["park"] != facility.park:
        # Moving a facility into a park needs the right to see that park.
        if not policy.can(by, Action.VIEW, data["park"]):
            raise ValidationError({"park": [_("Unknown industrial park.")]})
    return _update(by=by, instance=facility, data=data, fields=FACILITY_FIELDS, via=via)


# --- shared facilities --------------------------------------------------------

def _check_served(park: IndustrialPark, serves) -> list[Facility]:
    serves = list(serves or [])
    outside = [f.name for f in serves if f.park_id != park.pk]
    if outside:
        raise ValidationError(
            {"serves": [_("These facilities are not in %(park)s: %(names)s.") % {"park": park.name, "names": ", ".join(outside)}]}
        )
    return serves


@transaction.atomic
def shared_facility_create(*, by, park: IndustrialPark, data: dict, serves=(), via: str = "web") -> SharedFacility:
    policy.require(by, Action.CREATE, park)
    serves = _check_served(park, serves)
    shared = SharedFacility(park=park)
    _assign(shared, data, SHARED_FACILITY_FIELDS)
    _save_validated(shared)
    shared.serves.set(serves)
    audit_record(actor=by, action=AuditAction.CREATE, obj=shared, before=None, after=snapshot(shared), via=via)
    return shared


@transaction.atomic
def shared_facility_update(*, by, shared: SharedFacility, data: dict, serves=None, via: str = "web") -> SharedFacility:
    policy.require(by, Action.EDIT, shared)
    before = snapshot(shared)
    _assign(shared, data, SHARED_FACILITY_FIELDS)
    _save_validated(shared)
    if serves is not None:
        shared.serves.set(_check_served(shared.park, serves))
    audit_record(actor=by, action=AuditAction.UPDATE, obj=shared, before=before, after=snapshot(shared), via=via)
    return shared


# --- consent ----------------------------------------------------------------

@transaction.atomic
def consent_grant(
    *,
    by,
    facility: Facility,
    grantee: Organisation,
    data_kinds: list[str],
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    via: str = "web",
) -> Consent:
    """Record the facility's consent to share ``data_kinds`` with ``grantee`` (its managers alone)."""
    policy.require(by, Action.MANAGE_CONSENT, facility)
    return _consent_record(by=by, via=via, consent=Consent(
        facility=facility, grantee=grantee, data_kinds=list(data_kinds), valid_from=valid_from,
        valid_until=valid_until, granted_by=by))


@transaction.atomic
def shared_consent_grant(
    *,
    by,
    shared_facility: SharedFacility,
    grantee: Organisation,
    data_kinds: list[str],
    valid_from: datetime.date,
    valid_until: datetime.date | None = None,
    via: str = "web",
) -> SharedFacilityConsent:
    """Record the park operator's consent to share a shared facility's ``data_kinds`` (its lab results) with
    ``grantee``: the only way a brand or financier reads a central plant's data."""
    policy.require(by, Action.MANAGE_CONSENT, shared_facility)
    return _consent_record(by=by, via=via, consent=SharedFacilityConsent(
        shared_facility=shared_facility, grantee=grantee, data_kinds=list(data_kinds), valid_from=valid_from,
        valid_until=valid_until, granted_by=by))


def _consent_record(*, by, consent, via: str):
    _save_validated(consent)
    audit_record(actor=by, action=AuditAction.CREATE, obj=consent, before=None, after=snapshot(consent), via=via)
    return consent


@transaction.atomic
def consent_revoke(*, by, consent: Consent | SharedFacilityConsent, via: str = "web"):
    """Revoke a facility's or a shared facility's consent; it stops every view, route and export at once."""
    policy.require(by, Action.EDIT, consent)
    if consent.revoked_at is not None:
        raise ValidationError(_("This consent was already revoked."))
    before = snapshot(consent)
    consent.revoked_at = timezone.now()
    consent.revoked_by = by
    consent.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=consent, before=before, after=snapshot(consent), via=via)
    return consent


# --- memberships ------------------------------------------------------------

SCOPE_MODELS = {
    "programme": Programme,
    "organisation": Organisation,
    "park": IndustrialPark,
    "facility": Facility,
}


@transaction.atomic
def membership_create(*, by, user, role: str, scope_type: str, scope_id: int, via: str = "web") -> Membership:
    """Give ``user`` the ``role`` within one scope. Only operators (superusers) and
    the programme admins of the scope's programme may do this. Which scope a role takes,
    and the organisation kind it needs, is Membership.clean()'s rule (the admin uses it too)."""
    if role not in Role.values:
        raise ValidationError({"role": [_("Unknown role “%(role)s”. Roles: %(roles)s.") % {"role": role, "roles": ", ".join(Role.values)}]})
    if scope_type not in SCOPE_MODELS:
        raise ValidationError({"scope_type": [_("Unknown scope type “%(type)s”.") % {"type": scope_type}]})
    if scope_type not in policy.ROLE_SCOPES[role]:   # said before the scope is looked up: whatever the id
        allowed = ", ".join(sorted(policy.ROLE_SCOPES[role]))
        raise ValidationError({"scope_type": [_("The role %(role)s is given within: %(allowed)s.") % {"role": role, "allowed": allowed}]})
    try:
        scope = SCOPE_MODELS[scope_type].objects.get(pk=scope_id)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise ValidationError({"scope_id": [_("No %(type)s with id %(id)s.") % {"type": scope_type, "id": scope_id}]}) from None
    membership = Membership(user=user, role=role, **{scope_type: scope})
    try:
        membership.full_clean()
    except ValidationError as exc:
        raise ValidationError(_scope_errors(exc, scope_type)) from None
    if not _may_manage_members(by, scope_type, scope):
        raise policy.PermissionDenied
    if Membership.objects.filter(user=user, role=role, **{scope_type: scope}).exists():
        raise ValidationError(_("%(user)s already has this role here.") % {"user": user})
    membership.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=membership, before=None, after=snapshot(membership), via=via)
    policy.forget(user)
    return membership


def _scope_errors(exc: ValidationError, scope_type: str) -> dict:
    """Membership.clean()'s errors on the scope's field, named as this service's arguments:
    a scope the role is not given in is ``scope_type``'s fault, a wrong organisation ``scope_id``'s."""
    errors: dict[str, list] = {}
    for field, field_errors in exc.error_dict.items():
        for error in field_errors:
            name = field
            if field == scope_type:
                name = "scope_type" if error.code == "role_scope" else "scope_id"
            errors.setdefault(name, []).extend(error.messages)
    return errors


def _may_manage_members(by, scope_type: str, scope) -> bool:
    if policy.is_operator(by):
        return True
    administered = policy.programmes_administered(by)
    if scope_type == "programme":
        return administered.filter(pk=scope.pk).exists()
    if scope_type == "facility":
        return policy.facilities_editable(by).filter(pk=scope.pk).exists() and Role.PROGRAMME_ADMIN in policy.roles(by)
    if scope_type == "park":
        return policy.parks_editable(by).filter(pk=scope.pk).exists() and Role.PROGRAMME_ADMIN in policy.roles(by)
    return False


def user_create(*, username: str, password: str | None, email: str = "", first_name: str = "", last_name: str = "", is_superuser: bool = False):
    """Create a login. ``password=None`` leaves it unusable (set later through a reset)."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": [_("A user with this username already exists.")]})
    user = User(username=username, email=email, first_name=first_name, last_name=last_name,
                is_superuser=is_superuser, is_staff=is_superuser)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.full_clean()
    user.save()
    return user
