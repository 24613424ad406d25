"""The background worker: django-tasks-db's, with a time limit on every task.

django-tasks-db 0.13's ``db_worker`` claims the next ready task in a transaction and calls its
function in its own process (``Worker.run_task``, which records success or failure on the
``DBTaskResult``). A task that never ends would hold the worker, and every import and recompute
queued behind it, forever. ``TimeLimitedWorker`` runs each task in a child process instead and
waits at most ``settings.TASK_TIME_LIMIT`` seconds (LOOMLIGHT_TASK_TIME_LIMIT, docs/deployment.md):

1. the worker closes its database connections and forks; the child puts itself in a process group
   of its own and runs django-tasks-db's ``run_task`` unchanged (which records the result);
2. a child over the limit is killed with its group (an import's worksheet parser with it); the
   database rolls back the transaction of a killed connection, so an import stopped while storing
   stores nothing (imports are all or nothing);
3. the worker marks the task failed with ``TaskTimeLimitExceeded``, calls the task's handler in
   ``STOPPED`` (an import job records that it was stopped after N s and nothing was stored), and
   goes on to the next task. A child that dies otherwise (killed by the system) is recorded the same
   way with ``TaskProcessDied``.

Why a process and not an alarm signal in the worker: a Python signal handler runs between
bytecodes, so it cannot interrupt a long call into C (a big-integer power, a regular expression,
a DuckDB query), and a task could catch the exception it raises; a killed process always stops.
Why fork: the worker has imported Django and the apps once, so a child starts in milliseconds; the
worker is single-threaded and holds no database connection while it forks. Without ``os.fork``
(Windows) tasks run in the worker, without a limit, as django-tasks-db runs them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import sys
import time

from django.db import connections
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus, task_finished
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger("loomlight.worker")

#: What a task records on its own objects when it is stopped: task path -> handler path, called in the
#: worker as ``handler(*args, error=..., **kwargs)`` with the task's arguments. A task without one needs
#: none: a recompute stopped leaves its facility-years stale, and the next recompute or
#: ``recompute_stale_inventories`` computes them again.
STOPPED = {
    "loomlight.reporting.tasks.activity_values_import_run": "loomlight.reporting.tasks.activity_values_import_stopped",
}

_LONGEST_PAUSE = 0.1   # seconds between two looks at a running task without a pidfd, at most (the first after 1 ms)


class TaskTimeLimitExceeded(Exception):
    """A task ran longer than the time limit and was stopped."""

    def __init__(self, task_path: str, seconds: float):
        super().__init__(f"{task_path} was stopped after {seconds:g} s, the time limit of a background task "
                         f"(LOOMLIGHT_TASK_TIME_LIMIT).")
        self.seconds = seconds


class TaskProcessDied(Exception):
    """A task's process ended without recording its result (killed by the system, out of memory)."""

    def __init__(self, task_path: str, status: int):
        how = (f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit code {os.waitstatus_to_exitcode(status)}")
        super().__init__(f"{task_path}'s process ended with {how} without recording a result.")


class TimeLimitedWorker(Worker):
    """django-tasks-db's worker, running each task in a child process stopped after ``time_limit`` seconds."""

    def __init__(self, *, time_limit: float, **kwargs):
        super().__init__(**kwargs)
        if not time_limit > 0:
            raise ValueError("The time limit of a task is a number of seconds above zero.")
        self.time_limit = time_limit

    def run_task(self, db_task_result: DBTaskResult) -> None:
        if not hasattr(os, "fork"):
            return super().run_task(db_task_result)
        connections.close_all()   # the child opens its own; a connection is never shared across a fork
        pid = os.fork()
        if pid == 0:
            self._run_in_child(db_task_result)   # never returns
        self.running_task = True
        try:
            try:
                os.setpgid(pid, pid)   # also done by the child: whichever runs first
            except OSError:
                pass   # the child has already exited, or has already set it
            status = self._wait(pid)
            if status is None:
                _kill(pid)
                self._record_stop(db_task_result, TaskTimeLimitExceeded(db_task_result.task_path, self.time_limit))
            elif status != 0:
                self._record_stop(db_task_result, TaskProcessDied(db_task_result.task_path, status))
        except BaseException as exc:   # the worker told twice to stop while a task runs: stop the task too
            _kill(pid)
            self._record_stop(db_task_result, exc)
        finally:
            self.running_task = False
            self._run_tasks += 1

    def _run_in_child(self, db_task_result: DBTaskResult) -> None:
        code = 1
        try:
            with contextlib.suppress(OSError):   # the parent may have set it already
                os.setpgid(0, 0)   # a group of its own, killed whole
            for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
                if hasattr(signal, name):
                    # the worker decides when its task stops (a handler, unlike SIG_IGN, is not inherited by
                    # programs the task starts, such as the import's worksheet parser)
                    signal.signal(getattr(signal, name), _ignore)
            super().run_task(db_task_result)   # records success or failure, as django-tasks-db does
            code = 0
        except BaseException:
            logger.exception("Task %s failed in its process", db_task_result.pk)
        finally:
            try:
                connections.close_all()
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)

    def _wait(self, pid: int) -> int | None:
        """The child's wait status once it has ended, or None when the time limit came first.

        On Linux a pidfd wakes the worker the moment the child ends; elsewhere it looks after 1 ms,
        then at doubling intervals up to 0.1 s."""
        deadline = time.monotonic() + self.time_limit
        try:
            pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pidfd = None
        pause = 0.001
        try:
            while True:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    return status
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                if pidfd is not None:
                    select.select([pidfd], [], [], left)
                else:
                    time.sleep(min(pause, left))
                    pause = min(2 * pause, _LONGEST_PAUSE)
        finally:
            if pidfd is not None:
                os.close(pidfd)

    def _record_stop(self, db_task_result: DBTaskResult, error: BaseException) -> None:
        """Mark the task failed with ``error`` unless it recorded a result itself, and call its STOPPED handler."""
        result = DBTaskResult.objects.filter(pk=db_task_result.pk, status=TaskResultStatus.RUNNING).first()
        if result is None:
            return   # it finished just before it was stopped
        logger.warning("Task %s (%s) stopped: %s", result.pk, result.task_path, error)
        result.set_failed(error)
        args = result.args_kwargs.get("args", [])
        kwargs = result.args_kwargs.get("kwargs", {})
        handler = STOPPED.get(result.task_path)
        if handler is not None:
            try:
                import_string(handler)(*args, error=error, **kwargs)
            except Exception:
                logger.exception("The handler of stopped task %s (%s) failed", result.pk, handler)
        try:
            task_finished.send(sender=type(result.task.get_backend()), task_result=result.task_result)
        except Exception:
            logger.exception("Task %s: task_finished could not be sent", result.pk)


def _ignore(signum, frame) -> None:
    """Signals to the task's process are the worker's to act on."""


def _kill(pid: int) -> None:
    """Kill the child and its process group, and reap it."""
    for kill, target in ((os.killpg, pid), (os.kill, pid)):
        with contextlib.suppress(ProcessLookupError, PermissionError):   # gone already
            kill(target, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):   # reaped already
        os.waitpid(pid, 0)
