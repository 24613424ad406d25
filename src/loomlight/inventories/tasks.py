"""Background recomputation of stored inventories (the worker runs these; see docs/deployment.md)."""

from __future__ import annotations

from django_tasks import task

from loomlight.inventories import services


@task()
def recompute_inventories(facility_id: int, years: list[int]) -> int:
    """Recompute ``years`` of facility ``facility_id``; a facility deleted meanwhile is skipped."""
    from loomlight.registry.models import Facility

    facility = Facility.objects.filter(pk=facility_id).first()
    if facility is None:
        return 0
    return services.recompute(facility, years)


@task()
def recompute_stale_inventories(after: int = 0) -> int:
    """Recompute the facility-years computed with other factors, or whose data changed unseen, of the
    facilities after ``after``: ``services.STALE_BATCH`` at most per run, so that each run ends well within
    the worker's time limit; the next run, for the facilities after this one's last, is queued on commit."""
    from django.db import transaction

    done, last = services.recompute_stale_batch(after=after, limit=services.STALE_BATCH)
    if last is not None:
        transaction.on_commit(lambda: recompute_stale_inventories.enqueue(last))
    return done
