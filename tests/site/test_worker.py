"""The background worker stops a task at the time limit, marks it failed and goes on (issue 13, point 3).

The worker forks a process per task, so it runs here in a process of its own on a SQLite file
(tests/site/worker_run.py), as `loomlight worker` runs beside the web server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_a_task_over_the_limit_is_stopped_an_import_stores_nothing_and_the_next_task_runs(tmp_path):
    # given a worker with a time limit of 2 s and four queued tasks: one sleeping 30 s, an import whose storing
    # takes 30 s after its first rows are written, one whose process is killed, and one that answers at once
    env = {**os.environ, "LOOMLIGHT_ENV": "test", "LOOMLIGHT_DATA_DIR": str(tmp_path), "LOOMLIGHT_TASK_TIME_LIMIT": "2",
           "LOOMLIGHT_TASK_BACKEND": "django_tasks_db.DatabaseBackend", "DJANGO_SETTINGS_MODULE": "loomlight.site.settings"}
    env.pop("DATABASE_URL", None)   # a SQLite file of its own, even in the PostgreSQL pass
    # when the worker runs them all (--batch)
    done = subprocess.run([sys.executable, "-m", "tests.site.worker_run"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    results = out["results"]
    # then the sleeper was stopped at the limit and marked failed with why
    assert results["sleep_for"]["status"] == "FAILED"
    assert results["sleep_for"]["exception"] == "loomlight.site.worker.TaskTimeLimitExceeded"
    assert results["sleep_for"]["error"] == [
        "loomlight.site.worker.TaskTimeLimitExceeded: tests.site.worker_tasks.sleep_for was stopped after 2 s, the time "
        "limit of a background task (LOOMLIGHT_TASK_TIME_LIMIT)."]
    # and the import too: its job says it was stopped after 2 s, and the rows its transaction had written are gone
    assert results["activity_values_import_run"]["status"] == "FAILED"
    assert out["job"]["status"] == "failed"
    assert [e["problem"] for e in out["job"]["errors"]] == [
        "The import was stopped after 2 s, the time limit of a background task: nothing was stored."]
    assert out["values_seen_inside_the_import"] == 5
    assert (out["values"], out["value_events"]) == (0, 0)
    # a task whose process was killed (as by the system) is marked failed, with how it ended
    assert (results["die"]["status"], results["die"]["exception"]) == ("FAILED", "loomlight.site.worker.TaskProcessDied")
    assert results["die"]["error"] == [
        "loomlight.site.worker.TaskProcessDied: tests.site.worker_tasks.die's process ended with signal 9 without "
        "recording a result."]
    # and the worker went on to the next task, which ran
    assert (results["answer"]["status"], results["answer"]["return_value"]) == ("SUCCESSFUL", 42)
    # in about twice the limit, not the 60 s the two slow tasks would have taken
    assert 4 <= out["elapsed"] < 30


@pytest.mark.parametrize("value", ["0", "-5", "ten"])
def test_a_time_limit_that_is_no_number_of_seconds_stops_start_up(tmp_path, value):
    env = {**os.environ, "LOOMLIGHT_ENV": "test", "LOOMLIGHT_DATA_DIR": str(tmp_path), "LOOMLIGHT_TASK_TIME_LIMIT": value,
           "DJANGO_SETTINGS_MODULE": "loomlight.site.settings"}
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode != 0
    assert "LOOMLIGHT_TASK_TIME_LIMIT must be" in done.stderr


def test_the_worker_refuses_a_limit_of_no_seconds():
    from loomlight.site.worker import TimeLimitedWorker

    with pytest.raises(ValueError, match="above zero"):
        TimeLimitedWorker(time_limit=0, queue_names=["default"], interval=1, batch=True, backend_name="default",
                          startup_delay=False, max_tasks=None, worker_id="w", excluded_queue_names=[])


def test_the_limit_defaults_to_fifteen_minutes(settings):
    assert settings.TASK_TIME_LIMIT == 900


def test_loomlight_worker_runs_the_time_limited_worker(monkeypatch):
    from django.core.management import get_commands, load_command_class

    from loomlight import cli
    from loomlight.site.worker import TimeLimitedWorker

    calls = []
    monkeypatch.setattr(cli, "_django", lambda env=None: None)
    monkeypatch.setattr(cli, "_call", lambda *args: calls.append(args))
    assert cli.main(["worker"]) == 0
    assert calls == [("worker",)]
    command = load_command_class(get_commands()["worker"], "worker")
    assert command.__module__ == "loomlight.site.management.commands.worker"
    assert TimeLimitedWorker.__mro__[1].__module__ == "django_tasks_db.management.commands.db_worker"
