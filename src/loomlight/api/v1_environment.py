"""Wastewater lab results in version 1 of the API: read, and written by laboratories and data systems.

Lab results are a data kind of their own: reading a facility's needs the right to its wastewater
data (policy.facilities_with_data; a brand only when its consent names it), and compliance is
computed by the same selectors as the pages. Writing goes through the same services as the pages
(wastewater.services): a facility's events are written by those who enter its data (ENTER_DATA), a
park's central plant's by those who edit it (the park operator, the programme admin: EDIT). A
facility whose wastewater data the caller may not read, or a plant they may not see, answers 404;
one they may read but not write, 403.
"""

from __future__ import annotations

import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from loomlight.api.schemas import DateInRange, In, Number, Page, PageQuery, described, model_text, text
from loomlight.api.v1 import READ_ERRORS, WRITE_ERRORS, _page, _visible
from loomlight.reference.wastewater import parameters
from loomlight.registry import policy
from loomlight.registry.models import DataKind
from loomlight.registry.policy import Action
from loomlight.registry.validators import FIRST_DATE, FIRST_YEAR
from loomlight.wastewater import services
from loomlight.wastewater.models import LabResult, SamplingEvent, SamplingPoint
from loomlight.wastewater.selectors import event_compliance

VIA = "api"

router = Router(tags=["environmental data"])


class LabResultOut(Schema):
    parameter: str
    value: float | None = Field(..., description="None when the result is below the detection limit.")
    unit: str
    below_detection_limit: bool
    detection_limit: float | None
    method: str
    outcomes: dict[str, str | None] = Field(..., description="Per level of the standard: pass, fail, inconclusive or no_limit.")


class SamplingEventOut(Schema):
    id: int
    sampled_on: datetime.date
    sampling_point: str
    discharge_type: str
    laboratory: str
    standard: str
    standard_version: str
    overall: dict[str, str | None] = Field(..., description="Per level: pass, fail or inconclusive; None when nothing was assessed.")
    results: list[LabResultOut]


class EventFilters(PageQuery):
    year: int | None = Field(None, ge=FIRST_YEAR, le=2100)
    sampling_point: text() = ""


def _event_out(event) -> dict:
    c = event_compliance(event)
    rows = {row["result"].pk: row for row in c["rows"]}
    return {
        "id": event.pk, "sampled_on": event.sampled_on, "sampling_point": event.sampling_point,
        "discharge_type": event.discharge_type, "laboratory": event.laboratory,
        "standard": c["standard"], "standard_version": c["version"],
        "overall": {level: (str(o) if o is not None else None) for level, o in c["overall"].items()},
        "results": [{
            "parameter": r.parameter, "value": r.value, "unit": r.unit, "below_detection_limit": r.below_detection_limit,
            "detection_limit": r.detection_limit, "method": r.method,
            "outcomes": {level: str(o) for level, o in rows[r.pk]["outcomes"].items()},
        } for r in event.results.all()],
    }


@router.get("/facilities/{facility_id}/wastewater/events", response={200: Page[SamplingEventOut], **READ_ERRORS})
def wastewater_event_list(request, facility_id: int, query: Query[EventFilters]):
    """Sampling events of a facility, newest first, with every result and its compliance per level of
    the ZDHC Wastewater Guidelines (the version in `standard_version`)."""
    facility = _visible(policy.facilities_with_data(request.user, DataKind.WASTEWATER), facility_id)
    events = facility.sampling_events.prefetch_related("results").order_by("-sampled_on", "-pk")
    if query.year:
        events = events.filter(sampled_on__year=query.year)
    if query.sampling_point:
        events = events.filter(sampling_point=query.sampling_point)
    page = _page(events, query)
    page["results"] = [_event_out(e) for e in page["results"]]
    return page


# --- writes ---------------------------------------------------------------------

PLANT_POINTS = (SamplingPoint.CETP_INFLOW.value, SamplingPoint.CETP_OUTFLOW.value)
FACILITY_POINTS = tuple(p for p in SamplingPoint.values if p not in PLANT_POINTS)
Parameter = described(str, {"type": "string", "enum": list(parameters())})


class ResultIn(In):
    """One parameter's result as the laboratory reports it."""

    unit: text(minLength=1, maxLength=24) = Field(
        ..., description="The parameter's unit (each event's results show it); a concentration also in another unit of "
                         "mass per volume.")
    value: Number | None = Field(None, description="Empty when below the detection limit (never read as zero).")
    below_detection_limit: bool = False
    detection_limit: Number | None = Field(None, description="The laboratory's detection limit, required when below it.")
    method: model_text(LabResult, "method") = ""


class EventResultIn(ResultIn):
    parameter: Parameter


class _EventIn(In):
    sampled_on: DateInRange = Field(..., description=f"From {FIRST_DATE} to today.")
    discharge_type: model_text(SamplingEvent, "discharge_type")
    laboratory: model_text(SamplingEvent, "laboratory")
    results: list[EventResultIn] = Field([], max_length=100, description="Recorded with the event, all or nothing; an "
                                         "error in one is named results.<index>.<field>.")


class FacilityEventIn(_EventIn):
    sampling_point: described(str, {"type": "string", "enum": list(FACILITY_POINTS)})


class PlantEventIn(_EventIn):
    sampling_point: described(str, {"type": "string", "enum": list(PLANT_POINTS)})


def _event(event: SamplingEvent) -> dict:
    return _event_out(SamplingEvent.objects.prefetch_related("results").get(pk=event.pk))


def _writable_event(request, event_id: int) -> SamplingEvent:
    """The event when the caller may read its site's wastewater data (404 otherwise) and write it (403 otherwise)."""
    event = SamplingEvent.objects.filter(pk=event_id).select_related("facility", "shared_facility").first()
    if event is None:
        raise Http404
    if event.facility_id:
        _visible(policy.facilities_with_data(request.user, DataKind.WASTEWATER), event.facility_id)
        policy.require(request.user, Action.ENTER_DATA, event.facility)
    else:
        _visible(policy.shared_facilities_with_data(request.user), event.shared_facility_id)  # its results' readers
        policy.require(request.user, Action.EDIT, event.shared_facility)
    return event


@router.post("/facilities/{facility_id}/wastewater/events", response={201: SamplingEventOut, **WRITE_ERRORS})
def wastewater_event_create(request, facility_id: int, payload: FacilityEventIn):
    """Record a sampling event of the facility with its lab results (its facility managers and data entry)."""
    facility = _visible(policy.facilities_with_data(request.user, DataKind.WASTEWATER), facility_id)
    policy.require(request.user, Action.ENTER_DATA, facility)
    event = services.sampling_event_create(by=request.user, facility=facility, via=VIA, **payload.model_dump())
    return Status(201, _event(event))


@router.post("/shared-facilities/{shared_id}/wastewater/events", response={201: SamplingEventOut, **WRITE_ERRORS})
def plant_event_create(request, shared_id: int, payload: PlantEventIn):
    """Record a sampling event of a park's central treatment plant, at its inflow or outflow (the park
    operator, the programme admin)."""
    shared = _visible(policy.shared_facilities_visible(request.user), shared_id)
    policy.require(request.user, Action.EDIT, shared)
    event = services.sampling_event_create(by=request.user, shared_facility=shared, via=VIA, **payload.model_dump())
    return Status(201, _event(event))


@router.put("/wastewater/events/{event_id}/results/{parameter}", response={200: SamplingEventOut, **WRITE_ERRORS})
def lab_result_put(request, event_id: int, parameter: Parameter, payload: ResultIn):
    """Record or correct one parameter's result; answers the event with its compliance."""
    event = _writable_event(request, event_id)
    services.lab_result_set(by=request.user, event=event, parameter=parameter, via=VIA, **payload.model_dump())
    return _event(event)


@router.delete("/wastewater/events/{event_id}/results/{parameter}", response={204: None, **WRITE_ERRORS})
def lab_result_delete(request, event_id: int, parameter: Parameter):
    """Remove one parameter's result (reported for the wrong parameter, say); audited."""
    event = _writable_event(request, event_id)
    result = LabResult.objects.filter(event=event, parameter=parameter).first()
    if result is None:
        raise Http404
    services.lab_result_delete(by=request.user, result=result, via=VIA)
    return Status(204, None)


@router.delete("/wastewater/events/{event_id}", response={204: None, **WRITE_ERRORS})
def wastewater_event_delete(request, event_id: int):
    """Remove a sampling event recorded by mistake, with its results; audited."""
    services.sampling_event_delete(by=request.user, event=_writable_event(request, event_id), via=VIA)
    return Status(204, None)
