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

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from loomlight.api.schemas import DateInRange, Id, In, Number, Page, PageQuery, described, model_text, text
from loomlight.api.v1 import READ_ERRORS, WRITE_ERRORS, _known, _page, _visible
from loomlight.reference.wastewater import parameters
from loomlight.registry import policy
from loomlight.registry.models import DataKind, SharedFacility, SharedFacilityKind
from loomlight.registry.policy import Action
from loomlight.registry.validators import FIRST_DATE, FIRST_YEAR
from loomlight.wastewater import services
from loomlight.wastewater.models import Discharge, DischargePermit, LabResult, SamplingEvent, SamplingPoint
from loomlight.wastewater.rules import LEGAL_POINTS, SiteRules
from loomlight.wastewater.selectors import compliance, event_compliance, exceedances

VIA = "api"

router = Router(tags=["environmental data"])
Parameter = described(str, {"type": "string", "enum": list(parameters())})


class JudgedOut(Schema):
    limit_min: float | None
    limit_max: float | None
    unit: str
    outcome: str = Field(..., description="pass, fail, inconclusive or no_limit.")
    stricter: bool = Field(..., description="A permit or intake limit stricter than the national one.")


class LabResultOut(Schema):
    parameter: str
    value: float | None = Field(..., description="None when the result is below the detection limit.")
    unit: str
    below_detection_limit: bool
    detection_limit: float | None
    method: str
    outcomes: dict[str, str | None] = Field(..., description="Per level of the standard: pass, fail, inconclusive or no_limit.")
    limits: dict[str, JudgedOut] = Field(..., description="Per set of limits (its key in `limit_sets`) that limits this "
                                                         "parameter: the limit and the outcome.")


class LimitSetOut(Schema):
    key: str = Field(..., description="national:<regulation>:<column>, permit:<id>, intake:<plant id> or zdhc:<level>.")
    kind: str = Field(..., description="national, permit, intake or zdhc.")
    title: str
    why: str = Field(..., description="Why the set applies on the sampling day, or why it gives no limits, in the "
                                      "caller's language.")
    binding: bool = Field(..., description="Set by law, a permit or a plant's rules (ZDHC is voluntary).")
    conditional: bool = Field(..., description="Applies only if the site began operating before (or after) a "
                                               "transition's cut-off, which is not recorded.")
    judged: bool = Field(..., description="False when the set gives no limits here (see `why`).")
    overall: str | None = Field(..., description="pass, fail or inconclusive; None when nothing was judged.")


class SamplingEventOut(Schema):
    id: int
    sampled_on: datetime.date
    sampling_point: str
    discharge_type: str
    laboratory: str
    standard: str
    standard_version: str
    overall: dict[str, str | None] = Field(..., description="Per level: pass, fail or inconclusive; None when nothing was assessed.")
    binding_overall: str | None = Field(..., description="The worst outcome of the binding sets that surely apply "
                                                          "(national, permit, intake); None when none judges the sample.")
    limit_sets: list[LimitSetOut]
    results: list[LabResultOut]


class EventFilters(PageQuery):
    year: int | None = Field(None, ge=FIRST_YEAR, le=2100)
    sampling_point: text() = ""


def _str(outcome) -> str | None:
    return str(outcome) if outcome is not None else None


def _event_out(event, rules=None) -> dict:
    c = event_compliance(event)
    full = compliance(event, rules)
    rows = {row["result"].pk: row for row in c["rows"]}
    cells = {row["result"].pk: row["cells"] for row in full["rows"]}
    sets = [{"key": v.key, "kind": v.kind, "title": v.title, "why": v.why, "binding": v.legal, "conditional": v.conditional,
             "judged": v.judged, "overall": _str(full["overall"].get(v.key))} for v in full["sets"] + full["notes"]]
    return {
        "id": event.pk, "sampled_on": event.sampled_on, "sampling_point": event.sampling_point,
        "discharge_type": event.discharge_type, "laboratory": event.laboratory,
        "standard": c["standard"], "standard_version": c["version"],
        "overall": {level: _str(o) for level, o in c["overall"].items()},
        "binding_overall": _str(full["legal"]), "limit_sets": sets,
        "results": [{
            "parameter": r.parameter, "value": r.value, "unit": r.unit, "below_detection_limit": r.below_detection_limit,
            "detection_limit": r.detection_limit, "method": r.method,
            "outcomes": {level: str(o) for level, o in rows[r.pk]["outcomes"].items()},
            "limits": {key: {"limit_min": cell["bounds"].limit_min, "limit_max": cell["bounds"].limit_max,
                             "unit": cell["bounds"].unit, "outcome": str(cell["outcome"]), "stricter": cell["stricter"]}
                       for key, cell in cells[r.pk].items() if cell["bounds"] is not None},
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
    rules = SiteRules(facility=facility)
    page["results"] = [_event_out(e, rules) for e in page["results"]]
    return page


class ExceedanceOut(Schema):
    event_id: int
    sampled_on: datetime.date
    sampling_point: str
    facility_id: int | None
    shared_facility_id: int | None
    site: str
    parameter: str
    value: float | None
    below_detection_limit: bool
    detection_limit: float | None
    unit: str
    limit_set: str = Field(..., description="The key of the set of limits exceeded.")
    limit_set_title: str
    limit_min: float | None
    limit_max: float | None


class ExceedanceFilters(Schema):
    year: int | None = Field(None, ge=FIRST_YEAR, le=2100)


def _exceedances_out(found) -> list[dict]:
    """One row per result and set of limits it exceeds (a binding set, or ZDHC's foundational level)."""
    out = []
    for x in found:
        e, r = x["event"], x["result"]
        for o in x["over"]:
            out.append({"event_id": e.pk, "sampled_on": e.sampled_on, "sampling_point": e.sampling_point,
                        "facility_id": e.facility_id, "shared_facility_id": e.shared_facility_id, "site": x["site"],
                        "parameter": r.parameter, "value": r.value, "below_detection_limit": r.below_detection_limit,
                        "detection_limit": r.detection_limit, "unit": r.unit, "limit_set": o["set"].key,
                        "limit_set_title": o["set"].title, "limit_min": o["bounds"].limit_min, "limit_max": o["bounds"].limit_max})
    return out


@router.get("/facilities/{facility_id}/wastewater/exceedances", response={200: list[ExceedanceOut], **READ_ERRORS})
def wastewater_exceedances(request, facility_id: int, query: Query[ExceedanceFilters]):
    """Every result of the facility's discharge samples outside a limit of a binding set that applies on its day
    (national, permit, central plant intake) or of ZDHC's foundational level, newest first, one row per result and
    set; `year` narrows it to one year."""
    facility = _visible(policy.facilities_with_data(request.user, DataKind.WASTEWATER), facility_id)
    events = facility.sampling_events.filter(sampling_point__in=LEGAL_POINTS).prefetch_related("results").order_by("-sampled_on", "-pk")
    if query.year:
        events = events.filter(sampled_on__year=query.year)
    return _exceedances_out(exceedances(events, {("facility", facility.pk): SiteRules(facility=facility)}))


@router.get("/parks/{park_id}/wastewater/exceedances", response={200: list[ExceedanceOut], **READ_ERRORS})
def park_wastewater_exceedances(request, park_id: int, query: Query[ExceedanceFilters]):
    """The exceedances of a park's tenants whose wastewater data the caller may read, and of its central plants
    whose results it may read, newest first."""
    park = _visible(policy.parks_visible(request.user), park_id)
    facilities = list(policy.facilities_with_data(request.user, DataKind.WASTEWATER).filter(park=park))
    plants = list(policy.shared_facilities_with_data(request.user).filter(park=park).select_related("park"))
    rules = SiteRules.many(facilities=facilities, plants=plants)
    events = (SamplingEvent.objects.filter(Q(facility__in=facilities) | Q(shared_facility__in=plants), sampling_point__in=LEGAL_POINTS)
              .select_related("facility", "shared_facility").prefetch_related("results").order_by("-sampled_on", "-pk"))
    if query.year:
        events = events.filter(sampled_on__year=query.year)
    return _exceedances_out(exceedances(events, rules))


class BoundsOut(Schema):
    parameter: str
    limit_min: float | None
    limit_max: float | None
    unit: str


class PermitOut(Schema):
    id: int
    number: str
    issuing_body: str
    issued_on: datetime.date
    valid_until: datetime.date | None
    limits: list[BoundsOut]
    evidence_ids: list[int]


class DischargeOut(Schema):
    valid_from: datetime.date
    route: str = Field(..., description="surface, sewer or cetp.")
    receiving_water: str
    receiving_class: str
    cetp_id: int | None
    operating_since: datetime.date | None


class DischargeFactsOut(Schema):
    routes: list[DischargeOut] = Field(..., description="Oldest first: each applies from its day to the next one's.")
    permits: list[PermitOut]


def _bounds(rows) -> list[dict]:
    return [{"parameter": r.parameter, "limit_min": r.limit_min, "limit_max": r.limit_max, "unit": r.unit} for r in rows]


@router.get("/facilities/{facility_id}/wastewater/discharge", response={200: DischargeFactsOut, **READ_ERRORS})
def wastewater_discharge(request, facility_id: int):
    """Where the facility's wastewater goes (each route from its day on) and its discharge permits with their limits."""
    facility = _visible(policy.facilities_with_data(request.user, DataKind.WASTEWATER), facility_id)
    rules = SiteRules(facility=facility)
    return {"routes": [_discharge_out(d) for d in rules.discharges], "permits": [_permit_out(p) for p in rules.permits]}


class IntakeLimitOut(BoundsOut):
    valid_from: datetime.date
    note: str


@router.get("/shared-facilities/{shared_id}/wastewater/intake-limits", response={200: list[IntakeLimitOut], **READ_ERRORS})
def intake_limit_list(request, shared_id: int):
    """A central plant's intake limits for its tenants, each from its day on (the newest first per parameter)."""
    plant = _visible(policy.shared_facilities_visible(request.user).filter(kind=SharedFacilityKind.CETP), shared_id)
    return [{"parameter": r.parameter, "limit_min": r.limit_min, "limit_max": r.limit_max, "unit": r.unit,
             "valid_from": r.valid_from, "note": r.note} for r in plant.intake_limits.order_by("parameter", "-valid_from")]


class IntakeLimitIn(In):
    parameter: Parameter
    unit: text(minLength=1, maxLength=24)
    valid_from: DateInRange
    limit_min: Number | None = None
    limit_max: Number | None = None
    note: text(maxLength=300) = ""


@router.post("/shared-facilities/{shared_id}/wastewater/intake-limits", response={201: IntakeLimitOut, **WRITE_ERRORS})
def intake_limit_create(request, shared_id: int, payload: IntakeLimitIn):
    """Set a central plant's intake limit for one parameter from a day on (the park's operator, the programme admin)."""
    plant = _visible(policy.shared_facilities_visible(request.user).filter(kind=SharedFacilityKind.CETP), shared_id)
    row = services.intake_limit_set(by=request.user, cetp=plant, via=VIA, **payload.model_dump())
    return Status(201, {"parameter": row.parameter, "limit_min": row.limit_min, "limit_max": row.limit_max, "unit": row.unit,
                        "valid_from": row.valid_from, "note": row.note})


# --- writes ---------------------------------------------------------------------

PLANT_POINTS = (SamplingPoint.CETP_INFLOW.value, SamplingPoint.CETP_OUTFLOW.value)
FACILITY_POINTS = tuple(p for p in SamplingPoint.values if p not in PLANT_POINTS)


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


# --- where a facility discharges and its permits: written by those who edit the facility -----------------------

def _editable_facility(request, facility_id: int):
    """The facility when the caller may read its wastewater data (404 otherwise) and edit it (403 otherwise)."""
    facility = _visible(policy.facilities_with_data(request.user, DataKind.WASTEWATER), facility_id)
    policy.require(request.user, Action.EDIT, facility)
    return facility


class DischargeIn(In):
    """Where the wastewater goes from `valid_from` on (the same day's record is corrected in place)."""

    valid_from: DateInRange
    route: described(str, {"type": "string", "enum": ["surface", "sewer", "cetp"]})
    receiving_water: model_text(Discharge, "receiving_water") = ""
    receiving_class: model_text(Discharge, "receiving_class") = ""
    cetp: Id | None = Field(None, description="The park's central plant (a shared facility of kind cetp) when the route is cetp.")
    operating_since: DateInRange | None = Field(None, description="The day the facility began operating (or its EIA was "
                                                                 "approved): it decides a transition between regulations.")


def _discharge_out(d) -> dict:
    return {"valid_from": d.valid_from, "route": d.route, "receiving_water": d.receiving_water,
            "receiving_class": d.receiving_class, "cetp_id": d.cetp_id, "operating_since": d.operating_since}


@router.post("/facilities/{facility_id}/wastewater/discharge", response={201: DischargeOut, **WRITE_ERRORS})
def wastewater_discharge_set(request, facility_id: int, payload: DischargeIn):
    """Record where the facility's wastewater goes from a day on (its manager, the programme admin); audited."""
    facility = _editable_facility(request, facility_id)
    data = payload.model_dump()
    cetp = None
    if data.pop("cetp") is not None:
        cetp = _known(SharedFacility.objects.filter(park_id=facility.park_id), payload.cetp, "cetp")
    row = services.discharge_set(by=request.user, facility=facility, cetp=cetp, via=VIA, **data)
    return Status(201, _discharge_out(row))


class BoundsIn(In):
    parameter: Parameter
    unit: text(minLength=1, maxLength=24)
    limit_min: Number | None = None
    limit_max: Number | None = None


class PermitIn(In):
    number: model_text(DischargePermit, "number")
    issuing_body: model_text(DischargePermit, "issuing_body")
    issued_on: DateInRange
    valid_until: DateInRange | None = None
    limits: list[BoundsIn] = Field([], max_length=100, description="Recorded with the permit, all or nothing; an error "
                                                                    "in one is named limits.<index>.<field>.")


def _permit_out(p) -> dict:
    return {"id": p.pk, "number": p.number, "issuing_body": p.issuing_body, "issued_on": p.issued_on,
            "valid_until": p.valid_until, "limits": _bounds(p.limits.all()), "evidence_ids": [e.pk for e in p.evidence.all()]}


@router.post("/facilities/{facility_id}/wastewater/permits", response={201: PermitOut, **WRITE_ERRORS})
def wastewater_permit_create(request, facility_id: int, payload: PermitIn):
    """Record a discharge permit of the facility with the limits it sets (its manager, the programme admin); its
    file is uploaded as evidence with `discharge_permit`."""
    facility = _editable_facility(request, facility_id)
    data = payload.model_dump()
    limits = data.pop("limits")
    with transaction.atomic():
        permit = services.permit_save(by=request.user, facility=facility, via=VIA, **data)
        seen = set()
        for index, bounds in enumerate(limits):
            if bounds["parameter"] in seen:
                raise ValidationError({f"limits.{index}.parameter": [_("This parameter is already in an earlier limit.")]})
            seen.add(bounds["parameter"])
            try:
                services.permit_limit_set(by=request.user, permit=permit, via=VIA, **bounds)
            except ValidationError as exc:
                fields = exc.message_dict if hasattr(exc, "error_dict") else {"parameter": exc.messages}
                raise ValidationError({f"limits.{index}.{name}": messages for name, messages in fields.items()}) from None
    return Status(201, _permit_out(DischargePermit.objects.prefetch_related("limits", "evidence").get(pk=permit.pk)))


@router.delete("/wastewater/permits/{permit_id}", response={204: None, **WRITE_ERRORS})
def wastewater_permit_delete(request, permit_id: int):
    """Remove a permit recorded by mistake, with its limits; audited."""
    permit = DischargePermit.objects.filter(pk=permit_id, facility__isnull=False).select_related("facility").first()
    if permit is None:
        raise Http404
    _editable_facility(request, permit.facility_id)
    services.permit_delete(by=request.user, permit=permit, via=VIA)
    return Status(204, None)
