"""Who may read and change business cases: built on the registry's access policy (deny by default).

| role | reads | changes (inputs, stage, measured savings) | shares with financiers, deletes |
|---|---|---|---|
| facility manager | their facilities' cases | yes | yes (deletes also: the case's creator) |
| facility data entry | their facility's cases | no | no |
| programme admin | the cases of the facilities and parks of their programme | yes | deletes, does not share |
| assessor | the cases of the facilities (and parks) in their scope | no | no |
| park operator | the park's own cases (group rooftop solar) and its tenants' cases | the park's own | the park's own |
| brand viewer | a facility's cases only while its consent to the brand names "business cases" (and the environmental and GHG data the cases are made of) | no | no |
| financier viewer | only cases the facility shared with financiers, at stage "seeking finance" or later, while its consent to the financier names "business cases" (and environmental and GHG data); never usernames or notes | no | no |
| anyone else, anonymous | nothing | no | no |
| operator (superuser) | everything | yes | yes |

Why two locks for a financier: a consent is the facility's decision about an organisation and a kind of data
(it may name business cases for a brand's supplier programme), sharing is the decision that one case is
bankable. A financier sees only what both allow. A case is made of three kinds of the facility's data: its own
inputs and figures (business cases), the monthly use its baseline and savings come from (environmental) and the
avoided emissions (GHG): a reader through consent needs all three named, as every derived figure on the
platform needs every kind it is made of. A park's own cases are seen by the park's operator and its
programme's team, never through a tenant's consent.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from loomlight.interventions.models import FINANCIER_STAGES, BusinessCase
from loomlight.registry import policy
from loomlight.registry.models import DataKind, Facility, IndustrialPark, Role

_NONE = Q(pk__in=[])
KIND = DataKind.BUSINESS_CASES
#: The kinds of data a case is made of: its own inputs and figures (business cases), the facility's monthly use
#: its baseline and savings come from (environmental), the avoided emissions through its grid and fuel factors
#: (ghg). A reader through consent needs all of them (PRODUCT.md: the data kind travels with every derived number).
KINDS = (DataKind.BUSINESS_CASES, DataKind.ENVIRONMENTAL, DataKind.GHG)


def _operated_park_ids(user) -> list[int]:
    return [m.park_id for m in policy.memberships(user) if m.role == Role.PARK_OPERATOR and m.park_id]


def _programme_park_ids(user, roles) -> list[int]:
    from loomlight.programmes.models import Programme

    ids = [m.programme_id for m in policy.memberships(user) if m.role in roles and m.programme_id]
    if not ids:
        return []
    return list(Programme.parks.through.objects.filter(programme_id__in=ids).values_list("industrialpark_id", flat=True))


def _team_q(user) -> Q:
    """Cases read by the facility's or park's own people and its programme team (internal readers)."""
    own = Facility.objects.filter(policy._facility_q(user, KIND, consent=False))
    q = Q(facility__in=own.values("pk"))
    operated = _operated_park_ids(user)
    if operated:
        q |= Q(park_id__in=operated) | Q(facility__park_id__in=operated)
    parks = _programme_park_ids(user, (Role.PROGRAMME_ADMIN, Role.ASSESSOR))
    if parks:
        q |= Q(park_id__in=parks)
    return q


def consented_facility_ids(organisation_id: int) -> list[int]:
    """Facilities whose active consents to the organisation name every kind a case is made of (``KINDS``)."""
    ids = None
    for kind in KINDS:
        found = set(policy.consented_facility_ids(organisation_id, kind))
        ids = found if ids is None else ids & found
    return sorted(ids or ())


def _consent_q(user) -> Q:
    """Cases read through a facility's consent: brands every case, financiers only shared ones from seeking finance."""
    q = _NONE
    for m in policy.memberships(user):
        if not m.organisation_id:
            continue
        if m.role == Role.BRAND_VIEWER:
            q |= Q(facility_id__in=consented_facility_ids(m.organisation_id))
        elif m.role == Role.FINANCIER_VIEWER:
            q |= Q(facility_id__in=consented_facility_ids(m.organisation_id),
                   shared_with_financiers=True, stage__in=FINANCIER_STAGES)
    return q


def cases_visible(user) -> QuerySet[BusinessCase]:
    """Cases whose inputs and figures the user reads."""
    if not policy._active(user):
        return BusinessCase.objects.none()
    if user.is_superuser:
        return BusinessCase.objects.all()
    return BusinessCase.objects.filter(_team_q(user) | _consent_q(user))


def cases_internal(user) -> QuerySet[BusinessCase]:
    """Cases the user reads as the facility's or park's own people or programme team: with who changed what and
    the notes of the stage history (a brand or financier reads the case without them)."""
    if not policy._active(user):
        return BusinessCase.objects.none()
    if user.is_superuser:
        return BusinessCase.objects.all()
    return BusinessCase.objects.filter(_team_q(user))


def cases_editable(user) -> QuerySet[BusinessCase]:
    """Cases whose inputs, stage and measured savings the user changes."""
    if not policy._active(user):
        return BusinessCase.objects.none()
    if user.is_superuser:
        return BusinessCase.objects.all()
    return BusinessCase.objects.filter(Q(facility__in=policy.facilities_editable(user).values("pk"))
                                       | Q(park__in=policy.parks_editable(user).values("pk")))


def cases_shareable(user) -> QuerySet[BusinessCase]:
    """Cases the user shares with financiers: the facility's managers (who alone grant its consents), the park's operator."""
    if not policy._active(user):
        return BusinessCase.objects.none()
    if user.is_superuser:
        return BusinessCase.objects.all()
    return BusinessCase.objects.filter(Q(facility__in=policy.facilities_consent_managed(user).values("pk"))
                                       | Q(park_id__in=_operated_park_ids(user)))


def _in(queryset: QuerySet, obj) -> bool:
    return obj is not None and obj.pk is not None and queryset.filter(pk=obj.pk).exists()


def can_view(user, case: BusinessCase) -> bool:
    return _in(cases_visible(user), case)


def can_see_internal(user, case: BusinessCase) -> bool:
    return _in(cases_internal(user), case)


def can_edit(user, case: BusinessCase) -> bool:
    return _in(cases_editable(user), case)


def can_share(user, case: BusinessCase) -> bool:
    return _in(cases_shareable(user), case)


def can_delete(user, case: BusinessCase) -> bool:
    """Its creator (while they may still change it), the facility's managers, the park's operator, the programme's admins."""
    if not can_edit(user, case):
        return False
    # a programme admin changes a case only through its programme: who may change it and administers a programme may delete
    return bool(user.is_superuser or case.created_by_id == user.pk or can_share(user, case)
                or Role.PROGRAMME_ADMIN in policy.roles(user))


def can_create(user, subject) -> bool:
    """May the user build a case for ``subject`` (a Facility or an IndustrialPark)?"""
    if not policy._active(user):
        return False
    if user.is_superuser:
        return True
    if isinstance(subject, Facility):
        return _in(policy.facilities_editable(user), subject)
    if isinstance(subject, IndustrialPark):
        return _in(policy.parks_editable(user), subject)
    return False


def facilities_creatable(user) -> QuerySet[Facility]:
    """Facilities for which the user builds cases (a page's "New business case" action is shown for these)."""
    return policy.facilities_editable(user)
