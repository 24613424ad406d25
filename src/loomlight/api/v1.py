"""Version 1 of the REST API (/api/v1/...).

Each route parses (schemas), authorises (the policy), calls one selector or
service, and renders (schemas). An object the caller may not see answers 404,
exactly like a missing one; one they may see but not change answers 403. A
foreign key id in the input is looked up only among what the caller may see,
so an invisible id is "unknown" (422 naming the field), never resolved.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from loomlight.api.errors import ErrorOut
from loomlight.api.schemas import (
    ConsentIn,
    ConsentOut,
    FacilityFilters,
    FacilityIn,
    FacilityOut,
    FacilityPatch,
    MeOut,
    OrganisationFilters,
    OrganisationIn,
    OrganisationOut,
    OrganisationPatch,
    Page,
    PageQuery,
    ParkFilters,
    ParkIn,
    ParkOut,
    ParkPatch,
    SharedFacilityIn,
    SharedFacilityOut,
    SharedFacilityPatch,
)
from loomlight.registry import policy, selectors, services
from loomlight.registry.models import Facility, IndustrialPark, Organisation
from loomlight.registry.policy import Action
from loomlight.registry.validators import parse_month

VIA = "api"
#: Every status a route can answer with besides its own, in the envelope: 400 a body that is not JSON (or
#: not a form), 401 no valid token, 403 seen but not allowed, 404 not found (or not seen), 409 a conflict
#: found by the database, 422 the input refused, naming the field, 429 too many unknown tokens from the address.
READ_ERRORS = {frozenset({400, 401, 404, 422, 429}): ErrorOut}
WRITE_ERRORS = {frozenset({400, 401, 403, 404, 409, 422, 429}): ErrorOut}

router = Router()


# --- helpers ------------------------------------------------------------------

def _visible(queryset: QuerySet, pk: int):
    """The object if it is in the caller's visible set; otherwise 404, as for a missing id."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _editable(user, queryset: QuerySet, pk: int):
    obj = _visible(queryset, pk)
    policy.require(user, Action.EDIT, obj)
    return obj


def _known(queryset: QuerySet, value, field: str):
    """Resolve an id (or a list of ids) within ``queryset``; an id outside it is unknown."""
    ids = value if isinstance(value, list) else [value]
    found = queryset.in_bulk(set(ids))
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError({field: [_("Unknown id: %(ids)s.") % {"ids": ", ".join(missing)}]})
    objects = [found[pk] for pk in dict.fromkeys(ids)]
    return objects if isinstance(value, list) else objects[0]


def _input(payload, user, **references) -> dict:
    """The fields the caller sent, with each foreign key resolved within what they may see
    (``references`` maps a field to the policy function giving the visible set)."""
    data = payload.model_dump(exclude_unset=True)
    for field, visible in references.items():
        if data.get(field) is not None:
            data[field] = _known(visible(user), data[field], field)
    return data


def _period(text: str, field: str = "period"):
    """The month ``text`` names (YYYY-MM, from January 1990 to this month), or 422 naming ``field``."""
    try:
        return parse_month(text)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def _page(queryset: QuerySet, query: PageQuery) -> dict:
    start = (query.page - 1) * query.page_size
    return {
        "count": queryset.count(),
        "page": query.page,
        "page_size": query.page_size,
        "results": list(queryset[start:start + query.page_size]),
    }


def _filters(query: PageQuery) -> dict:
    return query.model_dump(exclude={"page", "page_size"})


# --- me -----------------------------------------------------------------------

@router.get("/me", response={200: MeOut, **READ_ERRORS}, tags=["me"])
def me(request):
    """The calling user and their memberships (role within a scope)."""
    return request.user


# --- organisations --------------------------------------------------------------

@router.get("/organisations", response={200: Page[OrganisationOut], **READ_ERRORS}, tags=["organisations"])
def organisation_list(request, query: Query[OrganisationFilters]):
    return _page(selectors.organisation_list(request.user, **_filters(query)), query)


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **READ_ERRORS}, tags=["organisations"])
def organisation_detail(request, organisation_id: int):
    return _visible(policy.organisations_visible(request.user), organisation_id)


@router.post("/organisations", response={201: OrganisationOut, **WRITE_ERRORS}, tags=["organisations"])
def organisation_create(request, payload: OrganisationIn):
    policy.require(request.user, Action.CREATE, Organisation)
    return Status(201, services.organisation_create(by=request.user, data=_input(payload, request.user), via=VIA))


@router.patch("/organisations/{organisation_id}", response={200: OrganisationOut, **WRITE_ERRORS}, tags=["organisations"])
def organisation_update(request, organisation_id: int, payload: OrganisationPatch):
    organisation = _editable(request.user, policy.organisations_visible(request.user), organisation_id)
    return services.organisation_update(by=request.user, organisation=organisation, data=_input(payload, request.user), via=VIA)


# --- parks --------------------------------------------------------------------

@router.get("/parks", response={200: Page[ParkOut], **READ_ERRORS}, tags=["parks"])
def park_list(request, query: Query[ParkFilters]):
    return _page(selectors.park_list(request.user, **_filters(query)), query)


@router.get("/parks/{park_id}", response={200: ParkOut, **READ_ERRORS}, tags=["parks"])
def park_detail(request, park_id: int):
    return _visible(policy.parks_visible(request.user), park_id)


@router.post("/parks", response={201: ParkOut, **WRITE_ERRORS}, tags=["parks"])
def park_create(request, payload: ParkIn):
    policy.require(request.user, Action.CREATE, IndustrialPark)
    data = _input(payload, request.user, operator=policy.organisations_visible, programme=policy.programmes_visible)
    programme = data.pop("programme", None)
    return Status(201, services.park_create(by=request.user, data=data, programme=programme, via=VIA))


@router.patch("/parks/{park_id}", response={200: ParkOut, **WRITE_ERRORS}, tags=["parks"])
def park_update(request, park_id: int, payload: ParkPatch):
    park = _editable(request.user, policy.parks_visible(request.user), park_id)
    data = _input(payload, request.user, operator=policy.organisations_visible)
    return services.park_update(by=request.user, park=park, data=data, via=VIA)


# --- facilities -----------------------------------------------------------------

@router.get("/facilities", response={200: Page[FacilityOut], **READ_ERRORS}, tags=["facilities"])
def facility_list(request, query: Query[FacilityFilters]):
    return _page(selectors.facility_list(request.user, **_filters(query)), query)


@router.get("/facilities/{facility_id}", response={200: FacilityOut, **READ_ERRORS}, tags=["facilities"])
def facility_detail(request, facility_id: int):
    return _visible(policy.facilities_visible(request.user), facility_id)


@router.post("/facilities", response={201: FacilityOut, **WRITE_ERRORS}, tags=["facilities"])
def facility_create(request, payload: FacilityIn):
    policy.require(request.user, Action.CREATE, Facility)
    data = _input(
        payload, request.user,
        organisation=policy.organisations_visible, park=policy.parks_visible, programme=policy.programmes_visible,
    )
    programme = data.pop("programme", None)
    return Status(201, services.facility_create(by=request.user, data=data, programme=programme, via=VIA))


@router.patch("/facilities/{facility_id}", response={200: FacilityOut, **WRITE_ERRORS}, tags=["facilities"])
def facility_update(request, facility_id: int, payload: FacilityPatch):
    facility = _editable(request.user, policy.facilities_visible(request.user), facility_id)
    data = _input(payload, request.user, organisation=policy.organisations_visible, park=policy.parks_visible)
    return services.facility_update(by=request.user, facility=facility, data=data, via=VIA)


# --- shared facilities ------------------------------------------------------------

def _shared_facilities(user) -> QuerySet:
    """Visible shared facilities; ``serves`` lists only the facilities the user may see."""
    return policy.shared_facilities_visible(user).prefetch_related(
        Prefetch("serves", queryset=policy.facilities_visible(user).only("pk"))
    )


@router.get("/parks/{park_id}/shared-facilities", response={200: Page[SharedFacilityOut], **READ_ERRORS}, tags=["shared facilities"])
def shared_facility_list(request, park_id: int, query: Query[PageQuery]):
    park = _visible(policy.parks_visible(request.user), park_id)
    return _page(_shared_facilities(request.user).filter(park=park).order_by("name", "pk"), query)


@router.post("/parks/{park_id}/shared-facilities", response={201: SharedFacilityOut, **WRITE_ERRORS}, tags=["shared facilities"])
def shared_facility_create(request, park_id: int, payload: SharedFacilityIn):
    park = _visible(policy.parks_visible(request.user), park_id)
    policy.require(request.user, Action.CREATE, park)
    data = _input(payload, request.user, serves=policy.facilities_visible)
    serves = data.pop("serves", [])
    shared = services.shared_facility_create(by=request.user, park=park, data=data, serves=serves, via=VIA)
    return Status(201, _shared_facilities(request.user).get(pk=shared.pk))


@router.patch("/shared-facilities/{shared_id}", response={200: SharedFacilityOut, **WRITE_ERRORS}, tags=["shared facilities"])
def shared_facility_update(request, shared_id: int, payload: SharedFacilityPatch):
    shared = _editable(request.user, policy.shared_facilities_visible(request.user), shared_id)
    data = _input(payload, request.user, serves=policy.facilities_visible)
    serves = data.pop("serves", None)
    services.shared_facility_update(by=request.user, shared=shared, data=data, serves=serves, via=VIA)
    return _shared_facilities(request.user).get(pk=shared.pk)


# --- consent --------------------------------------------------------------------

def _consents(user) -> QuerySet:
    return policy.consents_visible(user).select_related("facility", "grantee", "granted_by", "revoked_by")


def _shown(user, consent):
    return selectors.consents_shown(user, [consent])[0]


@router.get("/consents", response={200: Page[ConsentOut], **READ_ERRORS}, tags=["consent"])
def consent_list(request, query: Query[PageQuery]):
    """Consent of the facilities you manage, and consent given to your organisation (a grantee sees the
    facility, its own organisation, the kinds of data and the dates; not who of the facility's staff
    granted or revoked it)."""
    page = _page(_consents(request.user).order_by("-granted_at", "-pk"), query)
    page["results"] = selectors.consents_shown(request.user, page["results"])
    return page


@router.post("/facilities/{facility_id}/consents", response={201: ConsentOut, **WRITE_ERRORS}, tags=["consent"])
def consent_grant(request, facility_id: int, payload: ConsentIn):
    facility = _visible(policy.facilities_visible(request.user), facility_id)
    policy.require(request.user, Action.MANAGE_CONSENT, facility)
    data = _input(payload, request.user, grantee=policy.organisations_visible)
    consent = services.consent_grant(by=request.user, facility=facility, via=VIA, **data)
    return Status(201, _shown(request.user, _consents(request.user).get(pk=consent.pk)))


@router.post("/consents/{consent_id}/revoke", response={200: ConsentOut, **WRITE_ERRORS}, tags=["consent"])
def consent_revoke(request, consent_id: int):
    consent = _editable(request.user, _consents(request.user), consent_id)
    services.consent_revoke(by=request.user, consent=consent, via=VIA)
    return _shown(request.user, _consents(request.user).get(pk=consent.pk))
