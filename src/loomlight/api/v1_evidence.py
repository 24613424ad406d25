"""Evidence in version 1 of the API: files that back a facility's data (bills, lab reports, declarations).

An upload is multipart (the file and its fields) and goes through the page's service
(evidence.services.evidence_attach): the type is judged on the file's first bytes, the size against
EVIDENCE_MAX_MB, for those who enter the facility's data (ENTER_DATA). Reading lists the evidence of the
kinds of data the caller may read (evidence.selectors: a sampling event's is wastewater data, a chemical
product's chemical data, any other environmental data); the files themselves download from the page
(/evidence/<id>/download/), through the same policy.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from loomlight.api.schemas import PERIOD_PATH, Id, In, Page, PageQuery, described, model_text, optional
from loomlight.api.v1 import READ_ERRORS, WRITE_ERRORS, _known, _page, _period, _visible
from loomlight.evidence.models import Evidence
from loomlight.evidence.selectors import evidence_readable, readable_kinds
from loomlight.evidence.services import evidence_attach
from loomlight.registry import policy
from loomlight.registry.models import DataKind
from loomlight.registry.policy import Action
from loomlight.wastewater.models import DischargePermit

VIA = "api"
router = Router(tags=["evidence"])


class EvidenceIn(In):
    """The fields sent with the file (multipart/form-data)."""

    kind: model_text(Evidence, "kind")
    period: described(str, {"type": "string", "pattern": PERIOD_PATH}) = optional(
        description="The month the evidence is for, YYYY-MM.")
    note: model_text(Evidence, "note") = ""
    sampling_event: Id = optional(description="A sampling event of the facility that this lab report backs.")
    chemical_product: Id = optional(description="A chemical product of the facility that this declaration backs.")
    discharge_permit: Id = optional(description="A discharge permit of the facility that this file is (its evidence "
                                                "is wastewater data).")


class EvidenceOut(Schema):
    id: int
    facility: int = Field(alias="facility_id")
    kind: str
    period: str | None
    sampling_event: int | None = Field(alias="sampling_event_id")
    chemical_product: int | None = Field(alias="chemical_product_id")
    discharge_permit: int | None = Field(alias="discharge_permit_id")
    original_name: str
    content_type: str = Field(..., description="As judged from the file's content, not from its name.")
    size: int = Field(..., description="[bytes]")
    sha256: str
    note: str
    uploaded_at: datetime.datetime

    @staticmethod
    def resolve_period(obj) -> str | None:
        return f"{obj.period:%Y-%m}" if obj.period else None


@router.get("/facilities/{facility_id}/evidence", response={200: Page[EvidenceOut], **READ_ERRORS})
def evidence_list(request, facility_id: int, query: Query[PageQuery]):
    """The facility's evidence of the kinds of data you may read, newest first."""
    facility = _visible(policy.facilities_visible(request.user), facility_id)
    if not readable_kinds(request.user, facility):
        raise Http404
    return _page(evidence_readable(request.user, facility), query)


@router.post("/facilities/{facility_id}/evidence", response={201: EvidenceOut, **WRITE_ERRORS})
def evidence_upload(request, facility_id: int, file: File[UploadedFile], payload: Form[EvidenceIn]):
    """Attach a file (PDF, PNG, JPEG, XLSX or CSV, checked on its content; at most EVIDENCE_MAX_MB, 20 MB by
    default) as evidence of the facility's data."""
    facility = _visible(policy.facilities_with_data(request.user, DataKind.ENVIRONMENTAL), facility_id)
    policy.require(request.user, Action.ENTER_DATA, facility)
    unknown = sorted(set(request.POST) - set(EvidenceIn.model_fields))
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in unknown})
    data = payload.model_dump(exclude_unset=True)
    links = {}
    if data.get("sampling_event"):
        links["sampling_event"] = _known(facility.sampling_events.all(), data["sampling_event"], "sampling_event")
    if data.get("chemical_product"):
        links["chemical_product"] = _known(facility.chemical_products.all(), data["chemical_product"], "chemical_product")
    if data.get("discharge_permit"):
        links["discharge_permit"] = _known(DischargePermit.objects.filter(facility=facility), data["discharge_permit"],
                                           "discharge_permit")
    period = _period(data["period"]) if data.get("period") else None
    evidence = evidence_attach(by=request.user, facility=facility, kind=data["kind"], uploaded=file, period=period,
                               note=data.get("note", ""), via=VIA, **links)
    return Status(201, evidence)

