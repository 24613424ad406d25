"""Reads of consultations: the open periods (public), the periods an author or a programme admin manages, a
period's comments by section (authors only), and the author's queue of new comments for the home page."""

from __future__ import annotations

import datetime

from django.db.models import Count, Min, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loomlight.consultations import access
from loomlight.consultations.models import Comment, CommentPeriod, CommentStatus


def periods_open(now: datetime.datetime | None = None) -> QuerySet[CommentPeriod]:
    """Periods open now, the one closing soonest first: the public list (no count of comments)."""
    now = now or timezone.now()
    return (CommentPeriod.objects.filter(opens_at__lte=now, closes_at__gt=now)
            .select_related("guideline").order_by("closes_at", "pk"))


def period_public(pk: int) -> CommentPeriod | None:
    """A period the public may open: open, or closed (its page then says so); never one not yet open."""
    return (CommentPeriod.objects.filter(pk=pk, opens_at__lte=timezone.now()).select_related("guideline").first())


def periods_managed(user) -> list[CommentPeriod]:
    """The periods of the guidelines the user runs or authors, each with ``readable`` (the user authors it) and,
    only then, its counts of comments (``total``, ``new``, ``spam``)."""
    authored = set(access.guidelines_authored(user).values_list("pk", flat=True))
    run = set(access.guidelines_run(user).values_list("pk", flat=True))
    periods = list(CommentPeriod.objects.filter(guideline_id__in=authored | run).select_related("guideline")
                   .order_by("-opens_at", "-pk"))
    counts = {row["period"]: row for row in Comment.objects.filter(period__guideline_id__in=authored)
              .values("period").annotate(total=Count("pk"), new=Count("pk", filter=Q(status=CommentStatus.NEW)),
                                         spam=Count("pk", filter=Q(status=CommentStatus.FLAGGED_SPAM)))}
    for p in periods:
        p.readable = p.guideline_id in authored
        p.runnable = p.guideline_id in run
        row = counts.get(p.pk, {}) if p.readable else {}
        p.total, p.new, p.spam = row.get("total", 0), row.get("new", 0), row.get("spam", 0)
    return periods


def comments_of(user, period: CommentPeriod) -> QuerySet[Comment]:
    """The period's comments, in the guideline's order of sections, oldest first (authors only; none otherwise)."""
    return (access.comments_readable(user).filter(period=period).select_related("section", "redacted_by")
            .order_by("section__order", "section__pk", "created_at", "pk"))


def comments_by_section(user, period: CommentPeriod, *, status: str = "") -> list[tuple[object, list[Comment]]]:
    comments = comments_of(user, period)
    if status:
        comments = comments.filter(status=status)
    groups: dict[int, tuple[object, list[Comment]]] = {}
    for c in comments:
        groups.setdefault(c.section_id, (c.section, []))[1].append(c)
    return list(groups.values())


def comments_to_read(user, *, today: datetime.date):
    """The author's home-page queue: periods with new comments, the oldest new comment first. Two queries."""
    from loomlight.work.queues import ITEMS, Item, Queue

    rows = list(access.comments_readable(user).filter(status=CommentStatus.NEW).values("period")
                .annotate(n=Count("pk"), first=Min("created_at")).order_by("first"))
    count = sum(r["n"] for r in rows)
    periods = CommentPeriod.objects.select_related("guideline").in_bulk([r["period"] for r in rows[:ITEMS]])
    items = tuple(Item(f"{periods[r['period']].guideline.title}: {periods[r['period']].title}",
                       timezone.localtime(r["first"]).date(), "comment_new",
                       reverse("consultations:period_comments", args=[r["period"]]),
                       detail=ngettext("%(n)s new comment", "%(n)s new comments", r["n"]) % {"n": r["n"]})
                  for r in rows[:ITEMS])
    return Queue("comments_to_read", _("Comments on your guidelines"), count, items, _("No new comment to read."),
                 more_url=reverse("consultations:manage") if count else "",
                 more_label=_("All comment periods") if count else "")
