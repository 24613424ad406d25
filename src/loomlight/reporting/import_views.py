"""Excel template and upload pages. Thin: parse, authorise (policy), call the service or the task, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from loomlight.registry.models import DataKind
from loomlight.registry.policy import Action
from loomlight.reporting.flags import RULE, flagged_rows
from loomlight.reporting.imports.jobs import ImportJob
from loomlight.reporting.imports.reader import FileRefused, check_size, max_bytes
from loomlight.reporting.imports.report import report_csv, report_xlsx
from loomlight.reporting.imports.services import import_job_create
from loomlight.reporting.imports.template import template_workbook
from loomlight.site.lookups import data_year, facility_with_data

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_JOBS = 10
MULTIPART_OVERHEAD = 64 * 1024   # the form's other fields and boundaries, around the file


def _facility_for_entry(request, pk):
    """The facility, when the user may enter its data: 404 when they may not see it, 403 when they only read it."""
    return facility_with_data(request.user, pk, DataKind.ENVIRONMENTAL, action=Action.ENTER_DATA)


def _received_file(request):
    """(the uploaded file, None) or (None, why not). An upload announcing more than the
    limit is refused before it is read."""
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    try:
        if announced > max_bytes() + MULTIPART_OVERHEAD:
            check_size(announced)
        upload = request.FILES.get("file")
        if upload is None:
            return None, _("Choose a file.")
        check_size(upload.size)
    except FileRefused as exc:
        issue = exc.issues[0]
        return None, f"{issue.problem} {issue.fix}"
    return upload, None


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def import_template(request, pk, year):
    facility = _facility_for_entry(request, pk)
    content = template_workbook(facility=facility, year=data_year(year))
    return _download(content, XLSX, f"loomlight-{facility.pk}-{year}.xlsx")


@login_required
def import_upload(request, pk, year):
    facility = _facility_for_entry(request, pk)
    year = data_year(year)
    error = None
    if request.method == "POST":
        upload, error = _received_file(request)
        if upload is not None:
            job = import_job_create(by=request.user, facility=facility, year=year, upload=upload,
                                    language=get_language() or "en")
            return redirect("reporting:import_job", pk=facility.pk, job=job.pk)
    context = {
        "facility": facility,
        "year": year,
        "error": error,
        "max_bytes": max_bytes(),
        "jobs": ImportJob.objects.filter(facility=facility).select_related("created_by")[:RECENT_JOBS],
    }
    return render(request, "reporting/import_upload.html", context, status=400 if error else 200)


@login_required
def import_job(request, pk, job):
    facility = _facility_for_entry(request, pk)
    job = get_object_or_404(ImportJob, pk=job, facility=facility)
    template = "reporting/import_job_status.html" if request.headers.get("HX-Request") else "reporting/import_job.html"
    from loomlight.registry import policy

    # the import's one entry in the audit trail, for those who may read it (policy.can VIEW_AUDIT for the facility)
    audit_url = (f"{reverse('audit:list')}?import={job.pk}"
                 if policy.can(request.user, policy.Action.VIEW_AUDIT, facility) else "")
    return render(request, template, {"facility": facility, "job": job, "flagged": flagged_rows(facility, job.flagged),
                                      "rule": RULE, "audit_url": audit_url})


@login_required
def import_errors(request, pk, job, fmt):
    facility = _facility_for_entry(request, pk)
    job = get_object_or_404(ImportJob, pk=job, facility=facility)
    name = f"loomlight-import-{job.pk}-errors"
    if fmt == "csv":
        return _download(report_csv(job.errors), "text/csv; charset=utf-8", f"{name}.csv")
    if fmt == "xlsx":
        return _download(report_xlsx(job.errors), XLSX, f"{name}.xlsx")
    raise Http404
