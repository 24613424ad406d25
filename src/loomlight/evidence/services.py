"""Storing evidence: type and size checked on the bytes, not on the name the browser sent."""

from __future__ import annotations

import hashlib
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from loomlight.audit.models import AuditAction
from loomlight.audit.services import audit_record, snapshot
from loomlight.evidence.models import Evidence, EvidenceKind
from loomlight.registry import policy
from loomlight.registry.policy import Action
from loomlight.registry.validators import text_problem, validate_month

#: extension -> (content type, how the file's first bytes must look)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".csv": ("text/csv", None),
}


def max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_MB", 20)) * 1024 * 1024


def _check(name: str, head: bytes, size: int) -> str:
    extension = os.path.splitext(name.lower())[1]
    if extension not in ALLOWED:
        raise ValidationError({"file": [_("Upload a PDF, PNG, JPEG, XLSX or CSV file; “%(ext)s” files are not accepted.") % {"ext": extension or name}]})
    if size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    if size > max_bytes():
        raise ValidationError({"file": [_("The file is %(size).1f MB; the limit is %(limit)d MB.") % {
            "size": size / 1024 / 1024, "limit": max_bytes() // 1024 // 1024}]})
    content_type, signatures = ALLOWED[extension]
    if signatures and not head.startswith(signatures):
        raise ValidationError({"file": [_("The file's content is not what its name says (%(ext)s).") % {"ext": extension}]})
    if signatures is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError({"file": [_("A CSV file must be UTF-8 text.")]}) from None
    return content_type


@transaction.atomic
def evidence_attach(*, by, facility, kind: str, uploaded, period=None, activity_value=None, sampling_event=None,
                    chemical_product=None, discharge_permit=None, note: str = "", via: str = "web") -> Evidence:
    """Store an uploaded file as evidence of the facility's data (the page's upload and the API's).

    The file's type is judged on its first bytes, its size against EVIDENCE_MAX_MB; ``period`` is a
    reporting month; what it backs (a value, a sampling event, a chemical product) is the facility's own."""
    policy.require(by, Action.ENTER_DATA, facility)
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": [_("Unknown kind of evidence.")]})
    if period is not None:
        try:
            validate_month(period)
        except ValidationError as exc:
            raise ValidationError({"period": exc.messages}) from None
    for linked in (activity_value, sampling_event, chemical_product, discharge_permit):
        if linked is not None and _facility_id(linked) != facility.pk:
            raise ValidationError(_("The evidence and what it backs belong to different facilities."))
    if problem := text_problem(uploaded.name or ""):
        raise ValidationError({"file": [problem]})
    size = uploaded.size
    if size > max_bytes():  # refuse before reading a large body
        _check(uploaded.name, b"", size)
    data = uploaded.read()
    content_type = _check(uploaded.name, data[:16] if not uploaded.name.lower().endswith(".csv") else data[:4096], len(data))
    evidence = Evidence(facility=facility, kind=kind, period=period, activity_value=activity_value, sampling_event=sampling_event,
                        chemical_product=chemical_product, discharge_permit=discharge_permit, original_name=os.path.basename(uploaded.name)[:200],
                        content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest(), note=note,
                        uploaded_by=by)
    evidence.full_clean(exclude=["file"])   # before the file is stored: a refusal leaves no file behind
    evidence.file.save("upload", ContentFile(data), save=False)
    evidence.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=evidence, before=None, after=snapshot(evidence), via=via)
    return evidence


def _facility_id(linked) -> int | None:
    return linked.facility_id if hasattr(linked, "facility_id") else None
