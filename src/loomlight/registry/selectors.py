"""Read paths for the registry. Each starts from the policy's visible set."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from loomlight.registry import policy
from loomlight.registry.models import Facility, IndustrialPark, Membership, Organisation, Role


def _id(text: str) -> bool:
    """Whether ``text`` can be a record's id: ASCII digits, within the databases' 64-bit integers."""
    return text.isascii() and text.isdigit() and 1 <= int(text) < 2**63


def facility_list(user, *, search: str = "", country: str = "", park: str = "", process: str = "", tier: str = "") -> QuerySet[Facility]:
    """Visible facilities, filtered. Unknown filter values match nothing rather than everything."""
    qs = policy.facilities_visible(user).select_related("park", "organisation")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(name_local__icontains=search) | Q(address__icontains=search) | Q(os_hub_id__iexact=search))
    if country:
        qs = qs.filter(country=country)
    if park == "none":
        qs = qs.filter(park__isnull=True)
    elif park:
        qs = qs.filter(park_id=int(park)) if _id(park) else qs.none()
    if process:
        # JSON list membership, portable across SQLite and PostgreSQL: match the quoted code.
        qs = qs.filter(processes__icontains=f'"{process}"')
    if tier:
        qs = qs.filter(tier=tier) if tier in {"1", "2", "3"} else qs.none()
    return qs.order_by("name", "pk")


def park_list(user, *, search: str = "", country: str = "") -> QuerySet[IndustrialPark]:
    qs = policy.parks_visible(user).select_related("operator").annotate(facility_count=Count("facilities", distinct=True))
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(name_local__icontains=search) | Q(province__icontains=search))
    if country:
        qs = qs.filter(country=country)
    return qs.order_by("name", "pk")


def organisation_list(user, *, search: str = "", kind: str = "") -> QuerySet[Organisation]:
    qs = policy.organisations_visible(user)
    if search:
        qs = qs.filter(name__icontains=search)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("name", "pk")


def map_points(user) -> dict:
    """Parks and facilities with coordinates, for the map: a GeoJSON FeatureCollection.

    Kept small for slow connections: coordinates rounded to 5 decimals (about 1 m),
    properties only kind ("park"/"facility"), id and name; the page builds the links.
    """
    def feature(kind, pk, name, lat, lon):
        return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
                "properties": {"kind": kind, "id": pk, "name": name}}

    parks = policy.parks_visible(user).exclude(latitude__isnull=True).exclude(longitude__isnull=True)
    facilities = policy.facilities_visible(user).exclude(latitude__isnull=True).exclude(longitude__isnull=True)
    features = [feature("park", *row) for row in parks.values_list("pk", "name", "latitude", "longitude")]
    features += [feature("facility", *row) for row in facilities.values_list("pk", "name", "latitude", "longitude")]
    return {"type": "FeatureCollection", "features": features}


def _scope_link(membership) -> tuple[str, str] | None:
    from django.urls import reverse

    if membership.facility_id:
        return membership.facility.name, reverse("registry:facility", args=[membership.facility_id])
    if membership.park_id:
        return membership.park.name, reverse("registry:park", args=[membership.park_id])
    if membership.organisation_id:
        return membership.organisation.name, reverse("registry:organisation", args=[membership.organisation_id])
    if membership.programme_id:
        return membership.programme.name, reverse("registry:facilities")
    return None


def home_summary(user) -> dict:
    """What the home page shows: the user's roles with a link to each scope, and the
    counts of what they can see. Brands and financiers get the facilities that
    share data with them."""
    facilities = policy.facilities_visible(user)
    totals = facilities.aggregate(women=Sum("headcount_female"), men=Sum("headcount_male"))
    my_memberships = list(
        Membership.objects.filter(user=user).select_related("programme", "organisation", "park", "facility")
    ) if policy.memberships(user) else []
    is_viewer = any(m.role in (Role.BRAND_VIEWER, Role.FINANCIER_VIEWER) for m in my_memberships)
    return {
        "memberships": [(m, _scope_link(m)) for m in my_memberships],
        "shared_with_me": facilities.select_related("park").order_by("name")[:50] if is_viewer else [],
        "roles": sorted(policy.roles(user)),
        "facility_count": facilities.count(),
        "park_count": policy.parks_visible(user).count(),
        "headcount_women": totals["women"] or 0,
        "headcount_men": totals["men"] or 0,
        "can_view_audit": policy.can(user, policy.Action.VIEW_AUDIT),
        "can_create_facility": policy.can(user, policy.Action.CREATE, Facility),
        "manages_consent": any(m.role == Role.FACILITY_MANAGER for m in my_memberships) or user.is_superuser,
        "recent_facilities": facilities.select_related("park").order_by("-created_at", "-pk")[:5],
        "programmes": list(policy.programmes_visible(user).order_by("name")),
    }


def consents_shown(user, consents) -> list:
    """The consents, each marked ``shows_staff``, whether this reader may see who granted and revoked it
    (policy.facilities_consent_side: the facility's managers and programme admins, not the grantee), and
    ``can_revoke`` (policy.facilities_consent_managed: its managers)."""
    consents = list(consents)
    ids = {c.facility_id for c in consents}
    staff = set(policy.facilities_consent_side(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    managed = set(policy.facilities_consent_managed(user).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    for consent in consents:
        consent.shows_staff = consent.facility_id in staff
        consent.can_revoke = consent.facility_id in managed
    return consents
