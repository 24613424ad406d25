"""Who may read and change a facility's biomass sourcing (suppliers, streams, chains, screenings): built on the
registry's access policy (deny by default).

| role | reads | records suppliers, streams, chains, answers | completes a screening |
|---|---|---|---|
| facility manager | their facilities' | yes | yes |
| facility data entry | their facility's | yes (they hold the delivery notes and the suppliers' papers) | no |
| programme admin | the facilities of their programme | yes (support) | yes |
| assessor | the facilities in their scope | no | no |
| park operator | nothing (a tenant's sourcing is the tenant's; no consent kind lets a park read it) | no | no |
| brand viewer, financier viewer | a facility's streams and screenings only while its consent to the organisation names "biomass"; the tonnes-weighted figures only when it names "environmental" too | no | no |
| anyone else, anonymous | nothing | no | no |
| operator (superuser) | everything | yes | yes |

Why data entry answers but does not complete: the answers are facts a factory's staff collect from the suppliers'
papers; completing rates the stream and that rating is what the brand and the programme read, so it is the
decision of the facility's manager (or the programme's admin supporting it). Why tonnes need "environmental": the
tonnes come from the facility's monthly fuel data (the data kind travels with every derived number, PRODUCT.md).
Who screened (a username) and the notes of suppliers and steps are shown to the facility's own people and its
programme team only (``internal``), never through a consent.
"""

from __future__ import annotations

from django.db.models import QuerySet

from loomlight.registry import policy
from loomlight.registry.models import DataKind, Facility, Role

KIND = DataKind.BIOMASS
#: The kinds the tonnes-weighted supply risk is made of: the streams and ratings (biomass) and the facility's
#: monthly fuel deliveries they are weighted by (environmental).
WEIGHTED_KINDS = (DataKind.BIOMASS, DataKind.ENVIRONMENTAL)


def facilities_readable(user) -> QuerySet[Facility]:
    """Facilities whose suppliers, streams, chains and screenings the user reads."""
    return policy.facilities_with_data(user, KIND)


def facilities_internal(user) -> QuerySet[Facility]:
    """Facilities the user reads as its own people or programme team (not through a consent): with who screened
    and the notes."""
    if not policy._active(user):
        return Facility.objects.none()
    if user.is_superuser:
        return Facility.objects.all()
    return Facility.objects.filter(policy._facility_q(user, KIND, consent=False))


def facilities_writable(user) -> QuerySet[Facility]:
    """Facilities whose suppliers, streams, chains and screening answers the user records: its managers and data
    entry, its programme's admins."""
    if not policy._active(user):
        return Facility.objects.none()
    if user.is_superuser:
        return Facility.objects.all()
    return (policy.facilities_enterable(user) | policy.facilities_editable(user)).distinct()


def facilities_completable(user) -> QuerySet[Facility]:
    """Facilities whose screenings the user completes (rates): its managers, its programme's admins."""
    return policy.facilities_editable(user)


def _has(queryset: QuerySet, facility_id) -> bool:
    return facility_id is not None and queryset.filter(pk=facility_id).exists()


def can_read(user, facility) -> bool:
    return _has(facilities_readable(user), getattr(facility, "pk", None))


def can_read_internal(user, facility) -> bool:
    return _has(facilities_internal(user), getattr(facility, "pk", None))


def can_write(user, facility) -> bool:
    return _has(facilities_writable(user), getattr(facility, "pk", None))


def can_complete(user, facility) -> bool:
    return _has(facilities_completable(user), getattr(facility, "pk", None))


def can_read_tonnes(user, facility) -> bool:
    """May the user read the tonnes delivered (and so the tonnes-weighted rating) of the facility's supply?"""
    return set(WEIGHTED_KINDS) <= policy.data_kinds(user, facility)


def sees_through_consent(user) -> bool:
    """Whether the user reads some facilities only by a consent (a brand or financier viewer): small groups of the
    portfolio are withheld."""
    if not policy._active(user) or user.is_superuser:
        return False
    return any(m.role in (Role.BRAND_VIEWER, Role.FINANCIER_VIEWER) for m in policy.memberships(user))
