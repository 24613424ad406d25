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
def recompute_stale_inventories() -> int:
    """Recompute every facility-year computed with other factors, or whose data changed unseen."""
    return services.recompute_stale()
