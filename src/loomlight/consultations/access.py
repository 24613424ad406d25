"""Who reads the comments on a guideline and who runs its comment periods (deny by default).

| who | public pages (open periods, the form) | a period's comments, their export, marking, removing details | opening and closing periods |
|---|---|---|---|
| anyone, anonymous included | yes | no | no |
| a programme admin of the guideline's programme named as its author | yes | yes | yes |
| another programme admin of that programme | yes | no (404) | yes |
| any other role (assessors, facility staff, park operators, brands, financiers) | yes | no (404) | no |
| the installation's operator (superuser) | yes | only if named an author and a programme admin | yes |

An author reads only while both hold: named among the guideline's authors, and a programme admin of its
programme (an author who leaves the programme stops reading at once). The operator is not a reader by office:
comments are promised to the authors alone (the form says so), and the operator keeps the database, not the
guideline. Nothing of a comment (text, sender, count) is shown outside the authors' pages.
"""

from __future__ import annotations

from django.db.models import QuerySet

from loomlight.consultations.models import Comment, CommentPeriod, Guideline
from loomlight.registry import policy
from loomlight.registry.models import Role


def _administered_programme_ids(user) -> list[int]:
    return [m.programme_id for m in policy.memberships(user) if m.role == Role.PROGRAMME_ADMIN and m.programme_id]


def guidelines_authored(user) -> QuerySet[Guideline]:
    """Guidelines whose comments the user reads: named an author, and a programme admin of the programme."""
    if not policy._active(user):
        return Guideline.objects.none()
    programmes = _administered_programme_ids(user)
    if not programmes:
        return Guideline.objects.none()
    return Guideline.objects.filter(authors=user, programme_id__in=programmes)


def guidelines_run(user) -> QuerySet[Guideline]:
    """Guidelines whose comment periods the user opens and closes: the programme's admins, the operator."""
    if not policy._active(user):
        return Guideline.objects.none()
    if user.is_superuser:
        return Guideline.objects.all()
    return Guideline.objects.filter(programme_id__in=_administered_programme_ids(user))


def periods_readable(user) -> QuerySet[CommentPeriod]:
    return CommentPeriod.objects.filter(guideline__in=guidelines_authored(user).values("pk"))


def comments_readable(user) -> QuerySet[Comment]:
    return Comment.objects.filter(period__guideline__in=guidelines_authored(user).values("pk"))


def can_read(user, period: CommentPeriod) -> bool:
    return period is not None and periods_readable(user).filter(pk=period.pk).exists()


def can_run(user, guideline: Guideline) -> bool:
    return guideline is not None and guidelines_run(user).filter(pk=guideline.pk).exists()


def is_author(user) -> bool:
    """Whether the user authors any guideline (their home page and menu offer the comments)."""
    return guidelines_authored(user).exists()


def is_author_candidate(user, guideline: Guideline) -> bool:
    """May the user be named an author of the guideline: an active programme admin of its programme."""
    return bool(policy._active(user) and guideline.programme_id in _administered_programme_ids(user))
