import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loomlight.audit.describe import describe, month_text
from loomlight.audit.forms import AuditFilterForm
from loomlight.audit.selectors import IMPORT_TYPE, audit_events_filtered, audit_events_visible, audit_facilities
from loomlight.registry import policy

PAGE_SIZE = 50
MAX_PAGE = 100_000
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


class _Page:
    """One page of events, newest first, without counting them all (a count reads every row a programme admin
    may read: half a second at 300,000 events): the page's ids and one more, to know whether older ones follow,
    then the page's events with what they name."""

    def __init__(self, events, number):
        self.number = int(number) if str(number or "").isascii() and str(number or "").isdigit() else 1
        self.number = min(max(self.number, 1), MAX_PAGE)
        start = (self.number - 1) * PAGE_SIZE
        ids = list(events.values_list("pk", flat=True)[start:start + PAGE_SIZE + 1])
        self.has_next, ids = len(ids) > PAGE_SIZE, ids[:PAGE_SIZE]
        self.has_previous = self.number > 1
        rows = {e.pk: e for e in events.model.objects.filter(pk__in=ids).select_related("actor", "facility", "park")}
        self.object_list = describe([rows[pk] for pk in ids if pk in rows])

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)


@login_required
def audit_list(request):
    form, events, opened = _query(request)
    page = _Page(events, request.GET.get("page"))
    opened_list = describe([opened]) if opened else []
    without_facility = request.GET.copy()
    without_facility.pop("facility", None)
    without_facility.pop("page", None)
    return render(request, "audit/list.html", {
        "page": page, "form": form, "opened": opened_list[0] if opened_list else None, "opened_list": opened_list,
        "chosen_facility": form.cleaned_data.get("facility") if form.is_bound and hasattr(form, "cleaned_data") else None,
        "query": request.GET.urlencode(), "query_without_facility": without_facility.urlencode(),
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
