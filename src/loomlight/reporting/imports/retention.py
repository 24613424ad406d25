"""How long an uploaded workbook is kept, and its removal.

An import that stored nothing (refused by its check, or stopped by an error) has its file
deleted as soon as its error report is stored: the report lives in ``ImportJob.errors``
and never reads the file again. A stored import keeps its file for
``settings.IMPORT_RETENTION_DAYS`` after it finished (what was uploaded can be looked at
if a value is disputed); ``import_files_prune`` removes it then. The job row stays in
every case, with ``file_removed_at``. Evidence files (``evidence/``) are records that back
verified data and are never touched here.
"""

from __future__ import annotations

import datetime
import logging
import posixpath
from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone

from loomlight.reporting.imports.jobs import NOT_STORED, RUNNING, ImportJob, ImportStatus

log = logging.getLogger(__name__)

UPLOAD_DIR = "imports"   # under MEDIA_ROOT; jobs.upload_path names each file imports/<facility>/<random>.xlsx


def import_file_delete(*, job: ImportJob, now: datetime.datetime | None = None) -> bool:
    """Delete ``job``'s uploaded file and record when; the job and its error report stay.

    The file goes first, then the row: if the process stops between the two, the next
    prune finds the row still naming the file and completes it. False when there was
    no file, or the storage refused (logged; the next prune tries again).
    """
    if not job.file.name:
        return False
    try:
        default_storage.delete(job.file.name)   # a file already gone is not an error
    except OSError:
        log.exception("could not delete the upload of import %s (%s)", job.pk, job.file.name)
        return False
    job.file.name = ""
    job.file_removed_at = now or timezone.now()
    job.save(update_fields=["file", "file_removed_at"])
    return True


@dataclass
class Pruned:
    stored: int = 0       # files of stored imports past the retention period
    not_stored: int = 0   # files of refused or failed imports that are still there (their deletion failed)
    abandoned: int = 0    # files of imports that never finished, started before the retention period
    orphans: int = 0      # files under imports/ that no import names (its transaction rolled back, its facility deleted)

    @property
    def total(self) -> int:
        return self.stored + self.not_stored + self.abandoned + self.orphans


def import_files_prune(*, now: datetime.datetime | None = None) -> Pruned:
    """Remove the uploaded files that are no longer kept (``loomlight manage prune_uploads``; run it daily).

    Idempotent: a second run removes nothing. Orphans are removed only when older than the
    retention period, so a file whose job is being written right now is never taken.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.IMPORT_RETENTION_DAYS)
    pruned = Pruned()
    with_file = ImportJob.objects.exclude(file="")
    due = with_file.filter(Q(status__in=NOT_STORED)
                           | Q(status=ImportStatus.DONE, finished_at__lt=cutoff)
                           | Q(status__in=RUNNING, created_at__lt=cutoff))
    for job in due.order_by("pk").iterator():
        if import_file_delete(job=job, now=now):
            kind = ("stored" if job.status == ImportStatus.DONE else
                    "not_stored" if job.status in NOT_STORED else "abandoned")
            setattr(pruned, kind, getattr(pruned, kind) + 1)
    named = set(with_file.values_list("file", flat=True))
    for name in _uploads():
        if name not in named and default_storage.get_modified_time(name) < cutoff:
            try:
                default_storage.delete(name)
            except OSError:
                log.exception("could not delete the orphaned upload %s", name)
                continue
            pruned.orphans += 1
    return pruned


def _uploads():
    """Names (relative to MEDIA_ROOT) of the files under imports/."""
    if not default_storage.exists(UPLOAD_DIR):
        return
    folders, _files = default_storage.listdir(UPLOAD_DIR)
    for folder in folders:
        _sub, files = default_storage.listdir(posixpath.join(UPLOAD_DIR, folder))
        for name in files:
            yield posixpath.join(UPLOAD_DIR, folder, name)
