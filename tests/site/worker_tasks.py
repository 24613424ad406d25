"""Tasks for tests/site/test_worker.py: one that outlives any small time limit, one that finishes at once."""

from __future__ import annotations

import time

from django_tasks import task


@task()
def sleep_for(seconds: float) -> str:
    time.sleep(seconds)
    return "woke up"


@task()
def answer(number: int) -> int:
    return number * 2


@task()
def die() -> None:
    """Ends its process as the system would (out of memory): no result is recorded by the task itself."""
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)
