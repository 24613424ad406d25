import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loomlight.audit.describe import describe, month_text
from loomlight.audit.forms import AuditFilterForm
from loomlight.audit.selectors import IMPORT_TYPE, audit_events_filtered, audit_events_visible, audit_facilities
from loomlight.registry import policy

PAGE_SIZE = 50
CSV_CHUNK = 500


def _query(request):
    """(form, the events for its filters, the import opened or None); 404 for an import the user may not read."""
    if not policy.can(request.user, policy.Action.VIEW_AUDIT):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, facilities=audit_facilities(request.user))
    if form.is_bound:
        form.is_valid()
    filters = form.filters() if form.is_bound else {}
    opened = None
    job_id = request.GET.get("import", "")
    if job_id:
        if not job_id.isascii() or not job_id.isdigit() or len(job_id) > 12:
            raise Http404
        opened = audit_events_visible(request.user).filter(object_type=IMPORT_TYPE, import_job_id=int(job_id)) \
            .select_related("actor", "facility", "park").first()
        if opened is None:
            raise Http404
        filters["import_job_id"] = int(job_id)
    return form, audit_events_filtered(request.user, **filters), opened


@login_required
def audit_list(request):
    form, events, opened = _query(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = describe(page.object_list)
    opened_list = describe([opened]) if opened else []
    return render(request, "audit/list.html", {
        "page": page, "form": form, "opened": opened_list[0] if opened_list else None, "opened_list": opened_list,
        "show_facility": form.fields["facility"].queryset.exists(), "query": request.GET.urlencode(),
    })


class _Echo:
    def write(self, value):
        return value


@login_required
def audit_download(request):
    """The same filters as the page, as CSV with readable columns in the reader's language."""
    _form, events, _opened = _query(request)
    header = [_("When"), _("Who"), _("Channel"), _("Action"), _("Kind of record"), _("Record"), _("Facility or park"),
              _("Month"), _("Changes")]

    language = translation.get_language()

    def rows():
        with translation.override(language):   # streamed after the view returns: keep the reader's language
            yield from _rows()

    def _rows():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(header)   # the byte-order mark lets spreadsheets read the file as UTF-8
        ids = list(events.values_list("pk", flat=True))
        for start in range(0, len(ids), CSV_CHUNK):
            chunk = events.model.objects.filter(pk__in=ids[start:start + CSV_CHUNK]).select_related(
                "actor", "facility", "park").order_by("-at", "-id")
            for entry in describe(chunk):
                e = entry.event
                yield writer.writerow([
                    timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M"), e.actor.username if e.actor else "", entry.channel,
                    entry.action, entry.kind, entry.subject, entry.place, month_text(e.period), entry.changes_text])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response
