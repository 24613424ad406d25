"""Background work of notifications: the sweep, run by the worker every NOTIFICATIONS_EVERY_MINUTES.

django-tasks-db has no scheduler, so the sweep schedules itself: ``loomlight worker`` calls
``sweep_schedule()`` when it starts, which queues one sweep unless one is already waiting; each sweep, as it
starts, queues the next one ``NOTIFICATIONS_EVERY_MINUTES`` later (``run_after``), so a sweep that fails or is
stopped at the time limit does not break the chain. Two workers started at once may queue two chains: the sweep
is idempotent, so that costs work, not duplicates. With LOOMLIGHT_NOTIFICATIONS_EVERY_MINUTES=0 the worker
queues nothing: run ``loomlight manage notifications_sweep`` from cron instead (docs/deployment.md).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from loomlight.notifications.services import notifications_sweep

TASK_PATH = "loomlight.notifications.tasks.notifications_sweep_run"


@task()
def notifications_sweep_run() -> str:
    """Queue the next sweep, then sweep: store the notifications due now and send their e-mails."""
    _queue_next()
    result = notifications_sweep()
    return f"{result.created} stored, {result.emailed} e-mailed, {result.failed} failed"


def _queue_next() -> None:
    minutes = settings.NOTIFICATIONS_EVERY_MINUTES
    backend = notifications_sweep_run.get_backend()
    if minutes and backend.supports_defer:   # an immediate backend (tests) would run it at once, for ever
        notifications_sweep_run.using(run_after=timezone.now() + datetime.timedelta(minutes=minutes)).enqueue()


def sweep_schedule() -> bool:
    """Queue a sweep now unless one is already waiting (the worker calls this when it starts)."""
    if not settings.NOTIFICATIONS_EVERY_MINUTES or not notifications_sweep_run.get_backend().supports_defer:
        return False
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=TASK_PATH, status=TaskResultStatus.READY).exists():
        return False
    notifications_sweep_run.enqueue()
    return True
