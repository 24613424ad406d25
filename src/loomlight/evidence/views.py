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
from loomlight.evidence.selectors import data_kind
from loomlight.evidence.services import evidence_attach
from loomlight.registry import policy
from loomlight.registry.models import DataKind
from loomlight.registry.policy import Action
from loomlight.registry.validators import parse_month
from loomlight.site.lookups import facility_with_data

@login_required
def evidence_download(request, pk):
    evidence = Evidence.objects.filter(pk=pk).select_related("facility").first()
    if evidence is None or not policy.can_view_data(request.user, evidence.facility, data_kind(evidence)):
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
        try:
            period = parse_month(request.POST["period"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(back)
    try:
        evidence_attach(by=request.user, facility=facility, kind=request.POST.get("kind", ""), uploaded=uploaded, period=period,
                        note=request.POST.get("note", ""))
    except ValidationError as exc:
        for message in _named(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("Evidence stored."))
    return redirect(back)


def _named(exc: ValidationError) -> list[str]:
    """The service's messages, each field's named (the upload is a small form without error slots)."""
    if not hasattr(exc, "error_dict"):
        return exc.messages
    names = {f.name: str(f.verbose_name) for f in Evidence._meta.get_fields() if hasattr(f, "verbose_name")}
    return [f"{names.get(field, field)}: {message}" if field not in ("file", "__all__") else message
            for field, field_messages in exc.message_dict.items() for message in field_messages]
