"""Run by tests/site/test_worker.py in a fresh process, on a SQLite file of its own (the worker forks, so it
cannot share pytest's in-memory database): migrate, queue tasks, run ``loomlight worker --batch``, print JSON.

Queued, in this order: a task sleeping 30 s; an import of a filled template whose storing is slowed (its first
chunk written in the import's transaction, then 30 s of sleep); a task whose process is killed; a task that answers
at once. The time limit is
the environment's LOOMLIGHT_TASK_TIME_LIMIT.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import sys
import time
from pathlib import Path

os.environ["DJANGO_SETTINGS_MODULE"] = "loomlight.site.settings"

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402


def main() -> None:
    call_command("migrate", "--no-input", "--verbosity", "0")
    import openpyxl
    from django.contrib.auth import get_user_model
    from django_tasks_db.models import DBTaskResult

    from loomlight.audit.models import AuditEvent
    from loomlight.registry.models import Facility, Membership
    from loomlight.reporting.imports import writer
    from loomlight.reporting.imports.jobs import ImportJob
    from loomlight.reporting.imports.services import import_job_create
    from loomlight.reporting.imports.template import template_workbook
    from loomlight.reporting.models import ActivityValue
    from tests.site.worker_tasks import answer, die, sleep_for

    DBTaskResult.objects.all().delete()   # migrate queued a recompute of stale inventories: none here
    user = get_user_model().objects.create_user(username="entry", password="x-entry-pw-123")
    facility = Facility.objects.create(name="Dyehouse", country="VN", tier=2, processes=["dyeing"])
    Membership.objects.create(user=user, role="facility_data_entry", facility=facility)
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook(facility=facility, year=2025, today=datetime.date(2026, 3, 1))))
    ws = wb["data"]
    for row in ws.iter_rows(min_row=2, max_row=6):
        row[4].value = 1000
    buffer = io.BytesIO()
    wb.save(buffer)

    sleeper = sleep_for.enqueue(30)
    job = import_job_create(by=user, facility=facility, year=2025, upload=SimpleUploadedFile("big.xlsx", buffer.getvalue()))
    die.enqueue()
    quick = answer.enqueue(21)

    seen = Path(os.environ["LOOMLIGHT_DATA_DIR"]) / "values-seen-inside-the-import"
    real_store_chunk = writer._store_chunk

    def slow_store_chunk(**kwargs):
        real_store_chunk(**kwargs)
        seen.write_text(str(ActivityValue.objects.count()))   # the rows written, seen inside the import's transaction
        time.sleep(30)

    writer._store_chunk = slow_store_chunk   # the forked task inherits it

    started = time.monotonic()
    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", "--verbosity", "0")
    elapsed = time.monotonic() - started

    results = {r.task_path.rsplit(".", 1)[1]: {"status": r.status, "exception": r.exception_class_path,
                                                "return_value": r.return_value, "error": r.traceback.strip().splitlines()[-1:]}
               for r in DBTaskResult.objects.all()}
    job = ImportJob.objects.get(pk=job.pk)
    print(json.dumps({
        "elapsed": elapsed, "results": results, "sleeper": str(sleeper.id), "quick": str(quick.id),
        "job": {"status": job.status, "errors": job.errors, "error_count": job.error_count},
        "values": ActivityValue.objects.count(), "values_seen_inside_the_import": int(seen.read_text()),
        "value_events": AuditEvent.objects.filter(object_type="reporting.activityvalue").count(),
    }))


if __name__ == "__main__":
    main()
    sys.exit(0)
