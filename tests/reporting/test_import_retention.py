"""Uploaded workbooks: deleted once a refused import's report is stored, kept for the retention period when stored.

Time is moved by giving ``import_files_prune`` its ``now``, or by dating the job back, as the
management command reads the clock.
"""

from __future__ import annotations

import csv
import datetime
import io
import os

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from loomlight.reporting import tasks
from loomlight.reporting.imports.jobs import ImportJob, ImportStatus
from loomlight.reporting.imports.retention import Pruned, import_files_prune
from loomlight.reporting.models import ActivityValue
from loomlight.reporting.tasks import activity_values_import_run
from tests.reporting.test_fuel_properties import _evidence
from tests.reporting.test_import_service import fill, template
from tests.reporting.test_import_views import _as_upload, _upload

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A data directory of the test's own, so that every file under it is this test's."""
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


def _files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _job_page(client, world, job) -> str:
    response = client.get(reverse("reporting:import_job", args=[world.own.pk, job.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _stored_job(client, world, django_capture_on_commit_callbacks, month="2025-03") -> ImportJob:
    client.force_login(world.users["data_entry"])
    wb = template(world)
    fill(wb, month, "electricity_grid", 99)
    job = _upload(client, world, wb, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert (job.status, job.values_created) == (ImportStatus.DONE, 1)
    return job


def test_a_refused_upload_loses_its_file_and_keeps_its_report(client, world, media, django_capture_on_commit_callbacks):
    # given: a workbook with a formula where a value belongs
    client.force_login(world.users["data_entry"])
    wb = template(world)
    fill(wb, "2025-01", "electricity_grid", "=2*3")
    # when: it is uploaded and checked
    job = _upload(client, world, wb, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    # then: refused, its file deleted, the deletion recorded
    assert (job.status, job.error_count) == (ImportStatus.REFUSED, 1)
    assert job.file.name == "" and job.file_removed_at is not None
    assert _files(media) == []
    # and the report still downloads, and the page says what became of the file
    response = client.get(reverse("reporting:import_errors", args=[world.own.pk, job.pk, "csv"]))
    assert response.status_code == 200
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[1][:5] == ["data", "2", "E", "value", "'=2*3"]
    response = client.get(reverse("reporting:import_errors", args=[world.own.pk, job.pk, "xlsx"]))
    assert response.status_code == 200
    body = _job_page(client, world, job)
    assert "Nothing was stored: the file has 1 problem." in body
    assert (f"The uploaded file was deleted on {job.file_removed_at:%Y-%m-%d}: an import that stored nothing does not "
            "keep it. This page and its error report stay.") in body


def test_a_failed_import_loses_its_file(world, media, monkeypatch):
    # given: a queued upload, and an import that stops with an unexpected error
    from loomlight.reporting.imports.services import import_job_create

    job = import_job_create(by=world.users["data_entry"], facility=world.own, year=2025, upload=_as_upload(template(world)))
    assert len(_files(media)) == 1

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(tasks, "activity_values_import", broken)
    # when
    with pytest.raises(RuntimeError):
        activity_values_import_run.call(job.pk)
    # then
    job.refresh_from_db()
    assert (job.status, job.file.name, job.file_removed_at is not None) == (ImportStatus.FAILED, "", True)
    assert _files(media) == []


def test_a_stored_upload_keeps_its_file_until_the_retention_passes(client, world, media, django_capture_on_commit_callbacks):
    # given: a stored import (retention 90 days by default)
    job = _stored_job(client, world, django_capture_on_commit_callbacks)
    name = job.file.name
    assert _files(media) == [name]
    kept_until = job.finished_at + 90 * DAY
    assert job.file_kept_until == kept_until
    assert f"The uploaded file is kept until {kept_until:%Y-%m-%d}, then removed." in _job_page(client, world, job)
    # when: pruned a second before the 90 days pass, then a second after
    assert import_files_prune(now=kept_until - datetime.timedelta(seconds=1)) == Pruned()
    assert _files(media) == [name]
    later = kept_until + datetime.timedelta(seconds=1)
    assert import_files_prune(now=later) == Pruned(stored=1)
    # then: the file is gone, the job and its values stay, the page says when
    job.refresh_from_db()
    assert (job.file.name, job.file_removed_at, job.file_kept_until) == ("", later, None)
    assert _files(media) == []
    assert ActivityValue.objects.get().original_value == 99
    body = _job_page(client, world, job)
    assert '<div class="number" data-testid="created">1</div>' in body
    assert (f"The uploaded file was removed on {later:%Y-%m-%d}, at the end of its retention period. "
            "The stored values and this page stay.") in body
    # and a second run removes nothing
    assert import_files_prune(now=later + DAY) == Pruned()


def test_the_retention_is_a_setting(client, world, media, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_RETENTION_DAYS = 7
    job = _stored_job(client, world, django_capture_on_commit_callbacks)
    assert job.file_kept_until == job.finished_at + 7 * DAY
    assert import_files_prune(now=job.finished_at + 7 * DAY - datetime.timedelta(seconds=1)) == Pruned()
    assert import_files_prune(now=job.finished_at + 7 * DAY + datetime.timedelta(seconds=1)) == Pruned(stored=1)


def test_evidence_and_recent_files_are_never_pruned_and_old_orphans_are(world, media):
    # given: evidence attached a year ago, an orphaned upload a year old and one written just now
    evidence = _evidence(world)
    orphans = [media / "imports" / str(world.own.pk) / name for name in ("old.xlsx", "new.xlsx")]
    for path in orphans:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"PK")
    year_ago = (datetime.datetime.now() - 365 * DAY).timestamp()
    for path in (media / evidence.file.name, orphans[0]):
        os.utime(path, (year_ago, year_ago))
    # when
    pruned = import_files_prune()
    # then: only the old orphan went
    assert pruned == Pruned(orphans=1)
    assert _files(media) == sorted([evidence.file.name, f"imports/{world.own.pk}/new.xlsx"])
    assert default_storage.open(evidence.file.name).read().startswith(b"%PDF")


def test_a_deletion_that_failed_is_finished_by_the_next_prune(world, media, monkeypatch):
    from loomlight.reporting.imports.services import import_job_create

    # given: a refused upload whose file the storage would not delete at the time
    job = import_job_create(by=world.users["data_entry"], facility=world.own, year=2025, upload=_as_upload(template(world)))

    def refuse(name):
        raise PermissionError(name)

    with monkeypatch.context() as patch:
        patch.setattr(default_storage, "delete", refuse)
        assert activity_values_import_run.call(job.pk) == ImportStatus.REFUSED
    job.refresh_from_db()
    assert (job.file_removed_at, _files(media)) == (None, [job.file.name])
    # when / then: the next prune removes it, whatever its age
    assert import_files_prune() == Pruned(not_stored=1)
    assert _files(media) == []


def test_an_import_that_waited_past_the_retention_is_refused_without_its_file(world, media):
    from loomlight.reporting.imports.services import import_job_create

    # given: an upload queued 91 days ago that the worker never ran
    wb = template(world)
    fill(wb, "2025-03", "electricity_grid", 99)
    job = import_job_create(by=world.users["data_entry"], facility=world.own, year=2025, upload=_as_upload(wb))
    ImportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - 91 * DAY)
    # when: pruned, then run at last
    assert import_files_prune() == Pruned(abandoned=1)
    assert activity_values_import_run.call(job.pk) == ImportStatus.REFUSED
    # then: refused with a reason, nothing stored
    job.refresh_from_db()
    assert [(e["code"], e["problem"], e["fix"]) for e in job.errors] == [
        ("file_removed", "The uploaded file waited too long and is no longer kept.", "Upload the file again.")]
    assert not ActivityValue.objects.exists()


def test_the_command_prunes_and_says_what_it_removed(client, world, media, django_capture_on_commit_callbacks):
    # given: a stored import finished 91 days ago and one finished today
    old = _stored_job(client, world, django_capture_on_commit_callbacks)
    ImportJob.objects.filter(pk=old.pk).update(finished_at=old.finished_at - 91 * DAY)
    new = _stored_job(client, world, django_capture_on_commit_callbacks, month="2025-04")
    out = io.StringIO()
    # when
    call_command("prune_uploads", stdout=out)
    # then
    assert out.getvalue() == ("Removed 1 uploaded file(s): 1 of imports stored more than 90 days ago, 0 of refused or "
                              "failed imports, 0 of imports that never finished, 0 named by no import.\n")
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.file.name, bool(new.file.name)) == ("", True)
    assert _files(media) == [new.file.name]
