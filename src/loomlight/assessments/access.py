"""Who may read, answer, verify and act on assessments: built on the registry's access policy (deny by default).

| role | reads | answers (self-assessment, submit) | verifies (accept, adjust, ask evidence, verify, reopen) |
|---|---|---|---|
| facility manager, data entry | their facilities' assessments | their facilities' | never |
| park operator | its park's and its shared facilities' assessments; its tenants' verified *scores* (not answers) | its park's and shared facilities' | never |
| assessor, programme admin | the assessments of the facilities, parks and shared facilities of their programme (a facility-scoped assessor: that facility) | no | yes |
| brand, financier | a facility's assessments only while a consent naming "assessments" is active | no | no |
| operator (superuser) | everything | yes | yes |

Nobody verifies their own answers (services refuse an assessor who answered or submitted the assessment).
Actions are read by whoever reads their assessment or plan and by the members of the owning organisation.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from loomlight.assessments.models import Action, Assessment, JointActionPlan
from loomlight.registry import policy
from loomlight.registry.models import DataKind, Facility, IndustrialPark, Organisation, Role

_NONE = Q(pk__in=[])


def _programme_parks(user, roles) -> Q:
    """Q over IndustrialPark: parks of the programmes in which the user holds one of ``roles``."""
    from loomlight.programmes.models import Programme

    q = _NONE
    for m in policy.memberships(user):
        if m.role in roles and m.programme_id:
            programme = Programme.objects.filter(pk=m.programme_id)
            q |= Q(pk__in=programme.values("parks"))
            q |= Q(pk__in=policy.facilities_in_programme(m.programme_id).exclude(park=None).values("park"))
    return q


def _operated_parks(user) -> Q:
    ids = [m.park_id for m in policy.memberships(user) if m.role == Role.PARK_OPERATOR and m.park_id]
    return Q(pk__in=ids) if ids else _NONE


def _assessor_parks(user) -> Q:
    return _programme_parks(user, (Role.PROGRAMME_ADMIN, Role.ASSESSOR))


def _subject_q(facilities: QuerySet[Facility], parks_q: Q) -> Q:
    parks = IndustrialPark.objects.filter(parks_q)
    return (Q(facility__in=facilities.values("pk")) | Q(park__in=parks.values("pk"))
            | Q(shared_facility__park__in=parks.values("pk")))


def assessments_visible(user) -> QuerySet[Assessment]:
    """Assessments whose answers and scores the user reads."""
    if not policy._active(user):
        return Assessment.objects.none()
    if user.is_superuser:
        return Assessment.objects.all()
    return Assessment.objects.filter(_subject_q(policy.facilities_with_data(user, DataKind.ASSESSMENTS),
                                                _operated_parks(user) | _assessor_parks(user)))


def assessments_answerable(user) -> QuerySet[Assessment]:
    """Assessments the user answers and submits (the subject's own people)."""
    if not policy._active(user):
        return Assessment.objects.none()
    if user.is_superuser:
        return Assessment.objects.all()
    return Assessment.objects.filter(_subject_q(policy.facilities_enterable(user), _operated_parks(user)))


def assessments_verifiable(user) -> QuerySet[Assessment]:
    """Assessments the user verifies (assessors and programme admins of the subject's programme)."""
    if not policy._active(user):
        return Assessment.objects.none()
    if user.is_superuser:
        return Assessment.objects.all()
    return Assessment.objects.filter(_subject_q(policy.facilities_verifiable(user), _assessor_parks(user)))


def tenant_scores_visible(user, park: IndustrialPark) -> QuerySet[Assessment]:
    """The verified facility assessments of a park's tenants whose *scores* the user may compare: the park's
    operator, its programme's admins and assessors; never their answers (a park operator reads only its tenants'
    profiles)."""
    if not policy._active(user):
        return Assessment.objects.none()
    if not (user.is_superuser or IndustrialPark.objects.filter(Q(pk=park.pk) & (_operated_parks(user) | _assessor_parks(user))).exists()):
        return Assessment.objects.none()
    return Assessment.objects.filter(facility__park=park, status="verified")


def can_start(user, subject) -> bool:
    """May the user open a cycle for ``subject`` (a Facility, IndustrialPark or SharedFacility)?"""
    if not policy._active(user):
        return False
    if user.is_superuser:
        return True
    if isinstance(subject, Facility):
        return (policy.facilities_enterable(user).filter(pk=subject.pk).exists()
                or policy.facilities_verifiable(user).filter(pk=subject.pk).exists())
    park = subject if isinstance(subject, IndustrialPark) else getattr(subject, "park", None)
    if park is None:
        return False
    return IndustrialPark.objects.filter(Q(pk=park.pk) & (_operated_parks(user) | _assessor_parks(user))).exists()


def _in(queryset: QuerySet, obj) -> bool:
    return obj is not None and obj.pk is not None and queryset.filter(pk=obj.pk).exists()


def can_view(user, assessment: Assessment) -> bool:
    return _in(assessments_visible(user), assessment)


def can_answer(user, assessment: Assessment) -> bool:
    return _in(assessments_answerable(user), assessment)


def can_verify(user, assessment: Assessment) -> bool:
    return _in(assessments_verifiable(user), assessment)


# --- actions and plans --------------------------------------------------------------------------------------

def organisations_answering(user) -> QuerySet[Organisation]:
    """The organisations whose actions the user answers for: its organisation memberships, the owners of the
    facilities it manages or reports for, the operators of the parks it operates, the implementers of the
    programmes it administers."""
    if not policy._active(user):
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    q = _NONE
    for m in policy.memberships(user):
        if m.organisation_id and m.role in (Role.FACILITY_MANAGER, Role.BRAND_VIEWER, Role.FINANCIER_VIEWER):
            q |= Q(pk=m.organisation_id)
        elif m.facility_id and m.role in (Role.FACILITY_MANAGER, Role.FACILITY_DATA_ENTRY):
            q |= Q(facilities=m.facility_id)
        elif m.park_id and m.role == Role.PARK_OPERATOR:
            q |= Q(operated_parks=m.park_id)
        elif m.programme_id and m.role == Role.PROGRAMME_ADMIN:
            q |= Q(implemented_programmes=m.programme_id)
    return Organisation.objects.filter(pk__in=Organisation.objects.filter(q).values("pk"))


def plans_visible(user) -> QuerySet[JointActionPlan]:
    """Joint action plans the user reads: the park's operator, its programme's admins and assessors, and every
    organisation with a commitment in it."""
    if not policy._active(user):
        return JointActionPlan.objects.none()
    if user.is_superuser:
        return JointActionPlan.objects.all()
    parks = IndustrialPark.objects.filter(_operated_parks(user) | _assessor_parks(user))
    return JointActionPlan.objects.filter(Q(park__in=parks.values("pk"))
                                          | Q(actions__owner__in=organisations_answering(user).values("pk"))).distinct()


def plans_editable(user) -> QuerySet[IndustrialPark]:
    """Parks whose joint action plans the user drafts (adds commitments to): the operator and the programme's admins."""
    if not policy._active(user):
        return IndustrialPark.objects.none()
    if user.is_superuser:
        return IndustrialPark.objects.all()
    return IndustrialPark.objects.filter(_operated_parks(user) | _programme_parks(user, (Role.PROGRAMME_ADMIN,)))


def actions_visible(user) -> QuerySet[Action]:
    if not policy._active(user):
        return Action.objects.none()
    if user.is_superuser:
        return Action.objects.all()
    return Action.objects.filter(Q(assessment__in=assessments_visible(user).values("pk"))
                                 | Q(plan__in=plans_visible(user).values("pk"))
                                 | Q(owner__in=organisations_answering(user).values("pk")))


def can_create_action(user, assessment: Assessment) -> bool:
    """From a failed requirement: the assessment's verifiers and its own people."""
    return can_verify(user, assessment) or can_answer(user, assessment)


def can_report_action(user, action: Action) -> bool:
    """Report progress and completion: a member of the owning organisation."""
    return policy._active(user) and (user.is_superuser or organisations_answering(user).filter(pk=action.owner_id).exists())


def can_verify_action(user, action: Action) -> bool:
    """Verify the completion: an assessor or programme admin of what it concerns; never who completed it."""
    if not policy._active(user):
        return False
    if user.is_superuser:
        return True
    if action.assessment_id:
        return can_verify(user, action.assessment)
    park = action.plan.park if action.plan_id else None
    return park is not None and IndustrialPark.objects.filter(Q(pk=park.pk) & _assessor_parks(user)).exists()
