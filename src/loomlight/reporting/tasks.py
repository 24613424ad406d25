"""Background work of monthly reporting: the import of an uploaded workbook."""

from __future__ import annotations

import time

from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from loomlight.reporting.imports.issues import Issue, IssueCode
from loomlight.reporting.imports.jobs import NOT_STORED, RUNNING, ImportJob, ImportStatus
from loomlight.reporting.imports.retention import import_file_delete
from loomlight.reporting.imports.writer import activity_values_import

PROGRESS_SECONDS = 0.5   # at most two progress writes a second


@task()
def activity_values_import_run(job_id: int) -> str:
    """Run the import of ``ImportJob`` ``job_id``; the job records progress and result.

    Runs once: a job that is no longer queued (a task delivered twice) is left alone.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.CHECKING, started_at=timezone.now())
    if not claimed:
        return "skipped"
    job = ImportJob.objects.select_related("facility", "created_by").get(pk=job_id)
    with translation.override(job.language):
        if not job.file.name:   # waited longer than the retention period, and pruned
            _finish(job, ImportStatus.REFUSED, errors=[Issue(
                code=IssueCode.FILE_REMOVED, problem=_("The uploaded file waited too long and is no longer kept."),
                fix=_("Upload the file again."))])
            return job.status
        try:
            result = activity_values_import(by=job.created_by, facility=job.facility, path=job.file.path, via="upload",
                                            progress=_progress(job), job=job)
        except PermissionDenied:
            _finish(job, ImportStatus.REFUSED, errors=[Issue(
                code=IssueCode.PERMISSION, problem=_("You may no longer enter data for this facility."),
                fix=_("Ask the facility's manager for access."))])
            return job.status
        except Exception:
            _finish(job, ImportStatus.FAILED)
            raise
        job.rows_total, job.rows_done, job.rows_skipped = result.rows, result.rows, result.skipped
        job.values_created, job.values_updated, job.values_unchanged = result.created, result.updated, result.unchanged
        job.flagged, job.flag_count = result.flagged, result.flag_count
        _finish(job, ImportStatus.DONE if result.ok else ImportStatus.REFUSED, errors=result.issues, count=result.issue_count)
    return job.status


def activity_values_import_stopped(job_id: int, *, error: BaseException) -> None:
    """The worker stopped ``activity_values_import_run(job_id)`` (loomlight.site.worker.STOPPED): the job says so.

    Nothing was stored: the import stores in one transaction, which the database rolled back with
    the stopped process's connection. A job already finished is left alone.
    """
    from loomlight.site.worker import TaskTimeLimitExceeded

    job = ImportJob.objects.filter(pk=job_id, status__in=RUNNING).first()
    if job is None:
        return
    with translation.override(job.language):
        if isinstance(error, TaskTimeLimitExceeded):
            issue = Issue(code=IssueCode.TIME_LIMIT,
                          problem=_("The import was stopped after %(seconds)s s, the time limit of a background task: "
                                    "nothing was stored.") % {"seconds": f"{error.seconds:g}"},
                          fix=_("Split the file into smaller files and upload them one after the other, or ask your "
                                "administrator to raise the time limit (LOOMLIGHT_TASK_TIME_LIMIT)."))
        else:
            issue = Issue(code=IssueCode.STOPPED, problem=_("The import was stopped before it finished: nothing was stored."),
                          fix=_("Upload the file again; if it stops again, tell your administrator."))
        _finish(job, ImportStatus.FAILED, errors=[issue])


def _progress(job: ImportJob):
    last = [0.0]

    def report(phase: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if phase == "storing":   # written once, before the storing transaction begins
            job.status, job.rows_done, job.rows_total = ImportStatus.STORING, done, total
            job.save(update_fields=["status", "rows_done", "rows_total"])
        elif now - last[0] >= PROGRESS_SECONDS or done == 0:
            job.rows_done, job.rows_total = done, total
            job.save(update_fields=["rows_done", "rows_total"])
        else:
            return
        last[0] = now

    return report


def _finish(job: ImportJob, status: str, *, errors=(), count: int | None = None) -> None:
    """Record the outcome; an import that stored nothing then deletes its file (its report is the job's ``errors``)."""
    job.status, job.finished_at = status, timezone.now()
    job.errors = [e.as_dict() for e in errors]
    job.error_count = len(job.errors) if count is None else count
    job.save()
    if status in NOT_STORED:
        import_file_delete(job=job)
