"""``loomlight worker`` (``manage worker``): django-tasks-db's ``db_worker``, each task stopped at the time limit.

The options are db_worker's (--queue-name, --batch, --max-tasks, ...); the limit is the setting
TASK_TIME_LIMIT (LOOMLIGHT_TASK_TIME_LIMIT). See loomlight.site.worker.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.management.commands.db_worker import logger

from loomlight.site.worker import TimeLimitedWorker


class Command(DbWorkerCommand):
    help = "Run the background worker; each task is stopped after LOOMLIGHT_TASK_TIME_LIMIT seconds"

    def handle(self, *, verbosity: int, queue_name: str, interval: float, batch: bool, backend_name: str,
               startup_delay: bool, reload: bool, max_tasks: int | None, worker_id: str, exclude_queues: str,
               **options) -> None:
        # db_worker's handle, with the time-limited worker
        self.configure_logging(verbosity)
        if reload and batch:
            logger.warning("Warning: --reload and --batch cannot be specified together. Disabling autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = TimeLimitedWorker(
            time_limit=settings.TASK_TIME_LIMIT, queue_names=queue_names, interval=interval, batch=batch,
            backend_name=backend_name, startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id,
            excluded_queue_names=excluded_queue_names,
        )
        from loomlight.notifications.tasks import sweep_schedule

        sweep_schedule()   # the notification sweep queues its own successors (loomlight.notifications.tasks)
        if reload:
            import os

            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
