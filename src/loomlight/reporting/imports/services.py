"""Write path of an upload: keep the file, record the job, start the import after commit."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from loomlight.registry import policy
from loomlight.registry.policy import Action
from loomlight.reporting.imports.jobs import ImportJob
from loomlight.reporting.imports.reader import check_size
from loomlight.reporting.tasks import activity_values_import_run


@transaction.atomic
def import_job_create(*, by, facility, year: int, upload, language: str = "en") -> ImportJob:
    """Store ``upload`` (a Django UploadedFile) under MEDIA_ROOT/imports/ and queue its import.

    FileRefused when the file is over the size limit (nothing is stored then).
    """
    policy.require(by, Action.ENTER_DATA, facility)
    check_size(upload.size)
    job = ImportJob(facility=facility, year=year, original_name=upload.name[:255], size=upload.size,
                    language=language, created_by=by)
    job.file.save("upload.xlsx", upload, save=False)
    job.save()
    transaction.on_commit(partial(activity_values_import_run.enqueue, job.pk))
    return job
