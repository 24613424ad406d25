"""The worker runs the sweep: a task that queues its successor, a schedule made when the worker starts, and a
management command for cron."""

from __future__ import annotations

import datetime

from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from loomlight.notifications.models import Notification
from loomlight.notifications.tasks import TASK_PATH, notifications_sweep_run, sweep_schedule
from tests.notifications.conftest import at

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_task_sweeps_and_with_an_immediate_backend_queues_nothing_more(people, clock):
    clock.move_to(at(16))
    result = notifications_sweep_run.enqueue()
    assert result.return_value == "4 stored, 4 e-mailed, 0 failed"
    assert Notification.objects.count() == 4 and len(mail.outbox) == 4
    assert sweep_schedule() is False   # the immediate backend cannot wait


@override_settings(TASKS=DB_TASKS, NOTIFICATIONS_EVERY_MINUTES=15)
def test_the_worker_queues_one_sweep_and_each_sweep_queues_the_next(people, clock):
    from django_tasks_db.models import DBTaskResult

    clock.move_to(at(16))
    # when: the worker starts, twice (a restart)
    assert sweep_schedule() is True
    assert sweep_schedule() is False
    # then: one sweep waits
    queued = DBTaskResult.objects.filter(task_path=TASK_PATH)
    assert queued.count() == 1
    first = queued.get()
    # when: the worker runs it (its function, as the worker would)
    notifications_sweep_run.call()
    # then: it swept, and the next sweep waits 15 minutes
    assert Notification.objects.count() == 4
    later = DBTaskResult.objects.filter(task_path=TASK_PATH).exclude(pk=first.pk).get()
    assert later.run_after == at(16) + datetime.timedelta(minutes=15)


@override_settings(TASKS=DB_TASKS, NOTIFICATIONS_EVERY_MINUTES=0)
def test_with_the_schedule_off_the_worker_queues_nothing(people, clock):
    from django_tasks_db.models import DBTaskResult

    assert sweep_schedule() is False
    assert not DBTaskResult.objects.exists()


def test_the_command_for_cron(people, clock, capsys):
    clock.move_to(at(16))
    call_command("notifications_sweep")
    assert capsys.readouterr().out.strip() == "4 notifications stored, 4 e-mailed, 0 failed"
    call_command("notifications_sweep")
    assert capsys.readouterr().out.strip() == "0 notifications stored, 0 e-mailed, 0 failed"
