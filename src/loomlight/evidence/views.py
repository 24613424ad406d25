"""Evidence upload and download. Files are never served by the web server directly."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loomlight.evidence.models import Evidence
from loomlight.evidence.services import evidence_attach
from loomlight.registry import policy
from loomlight.registry.models import DataKind
from loomlight.registry.policy import Action
from loomlight.site.lookups import facility_with_data

#: what kind of data a piece of evidence backs decides who may read it
def _data_kind(evidence: Evidence) -> str:
    if evidence.sampling_event_id:
        return DataKind.WASTEWATER
    if evidence.chemical_product_id:
        return DataKind.CHEMICALS
    return DataKind.ENVIRONMENTAL


@login_required
def evidence_download(request, pk):
    evidence = Evidence.objects.filter(pk=pk).select_related("facility").first()
    if evidence is None or not policy.can_view_data(request.user, evidence.facility, _data_kind(evidence)):
        raise Http404
    response = FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
@require_POST
def evidence_upload(request, facility_pk):
    facility = facility_with_data(request.user, facility_pk, DataKind.ENVIRONMENTAL, action=Action.ENTER_DATA)
    uploaded = request.FILES.get("file")
    back = request.POST.get("next") or "/"
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    if uploaded is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect(back)
    period = None
    if request.POST.get("period"):
        import datetime

        try:
            year, month = map(int, request.POST["period"].split("-"))
            period = datetime.date(year, month, 1)
        except ValueError:
            messages.error(request, _("Give the month as YYYY-MM."))
            return redirect(back)
    try:
        evidence_attach(by=request.user, facility=facility, kind=request.POST.get("kind", ""), uploaded=uploaded, period=period,
                        note=request.POST.get("note", "")[:300])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Evidence stored."))
    return redirect(back)
