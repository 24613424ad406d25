"""ImportJob: one uploaded file, its background import and what came of it.

Defined here, registered through ``reporting/models.py`` (which imports it), so
that its app is ``reporting``.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    CHECKING = "checking", _("Checking the file")
    STORING = "storing", _("Storing the values")
    DONE = "done", _("Stored")
    REFUSED = "refused", _("Refused: nothing was stored")
    FAILED = "failed", _("Stopped by an unexpected error: nothing was stored")


RUNNING = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.STORING)
#: imports that stored nothing: their file is deleted as soon as their error report is stored
NOT_STORED = (ImportStatus.REFUSED, ImportStatus.FAILED)


def upload_path(job: ImportJob, filename: str) -> str:
    """Where an upload is kept, under MEDIA_ROOT (never served): a random name, never the user's."""
    return f"imports/{job.facility_id}/{uuid.uuid4().hex}.xlsx"


class ImportJob(models.Model):
    """An Excel upload of monthly values and the progress of its import."""

    facility = models.ForeignKey("registry.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="import_jobs")
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year of the page the file was uploaded from."))
    file = models.FileField(_("file"), upload_to=upload_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    language = models.CharField(_("language"), max_length=16, default="en", help_text=_("The language of the error report."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True,
                                             help_text=_("While checking: the rows the file announces; then the rows read."))
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_skipped = models.PositiveIntegerField(_("rows without a value"), default=0)
    values_created = models.PositiveIntegerField(_("values added"), default=0)
    values_updated = models.PositiveIntegerField(_("values changed"), default=0)
    values_unchanged = models.PositiveIntegerField(_("values unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("error report"), default=list, blank=True,
                              help_text=_("The first errors (sheet, row, column, value, problem, fix); error_count counts all."))
    flag_count = models.PositiveIntegerField(_("values flagged"), default=0, help_text=_(
        "Values stored by this import that are far from the facility's own history (calc.validation.history_check)."))
    flagged = models.JSONField(_("flagged values"), default=list, blank=True, help_text=_(
        "The first flagged values (row, month, metric, qualifier, value as reported and stored, what each was compared "
        "with); flag_count counts all."))
    file_removed_at = models.DateTimeField(_("file removed"), null=True, blank=True, help_text=_(
        "When the uploaded file was deleted: at once for an import that stored nothing, after the retention period "
        "(LOOMLIGHT_IMPORT_RETENTION_DAYS) for a stored one. The job and its error report stay."))

    class Meta:
        app_label = "reporting"
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.original_name} → {self.facility_id} ({self.status})"

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    @property
    def file_kept_until(self) -> datetime.datetime | None:
        """When a stored import's file is due for removal (``retention.import_files_prune``); None otherwise."""
        if self.status != ImportStatus.DONE or self.file_removed_at or not self.finished_at:
            return None
        return self.finished_at + datetime.timedelta(days=settings.IMPORT_RETENTION_DAYS)

    @property
    def percent(self) -> int | None:
        if self.status == ImportStatus.CHECKING and self.rows_total:
            return min(100, round(100 * self.rows_done / self.rows_total))
        return None
