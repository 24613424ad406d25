"""Biomass sourcing in version 1 of the API (issue 19): a facility's supply streams with their value chains and
screenings, its supply risk, and the screening writes (start, answer, complete).

Who reads and changes is ``biomass.access`` (the matrix in its docstring): a stream or screening the caller may not
read answers 404, exactly like a missing one (a brand or financier reads them only while the facility's consent
names "biomass"; the tonnes only when it also names "environmental"); one they read but may not change answers
403. Every write is one service of ``biomass.services`` (the same as the pages) with ``via="api"``; a refused write
changes nothing. Who screened and the notes are given only to the facility's own people and its programme team.
"""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Query, Router, Schema, Status

from loomlight.api.schemas import DATE, Id, In, Page, PageQuery, described
from loomlight.api.v1 import READ_ERRORS, WRITE_ERRORS, _page, _visible
from loomlight.api.v1_assessments import ANSWERS   # the same answers as an assessment's (one engine)
from loomlight.biomass import access, selectors, services
from loomlight.biomass.models import ChainStep, Screening, SupplyStream

VIA = "api"
router = Router(tags=["biomass sourcing"])


# --- output -------------------------------------------------------------------------------------------------

class BiomassSupplierOut(Schema):
    id: int
    name: str
    country: str
    province: str
    role: str = Field(..., description="collector, processor, trader, producer or other.")
    notes: str | None = Field(..., description="Null for a reader through consent.")


class BiomassStepOut(Schema):
    id: int
    position: int = Field(..., description="1 = the origin; the last step delivers to the factory's supplier or the factory.")
    role: str
    name: str = Field(..., description="Empty when unknown.")
    country: str
    province: str
    distance_km: float | None = Field(..., description="To the next step [km]; null when unknown.")
    mode: str = Field(..., description="road, rail, waterway, sea, unknown, or empty.")
    known: bool = Field(..., description="Its identity and practices are documented.")
    notes: str | None = Field(..., description="Null for a reader through consent.")


class BiomassRollupOut(Schema):
    steps: int
    known_steps: int = Field(..., description="Documented steps from the origin without a gap.")
    fully_known: bool
    distance_km: float | None = Field(..., description="Σ of the steps' distances [km]; null when any is unknown.")
    mode: str | None = Field(..., description="The worst mode along the chain; null when any is unknown.")
    unknown_roles: list[str]
    reach: str | None = Field(..., description="How far back the supplier names the origin: primary_producer, "
                                               "first_collector or own_supplier_only; null without steps.")
    intermediaries: int | None = Field(..., description="Steps after a producer origin; null when the origin is not a producer.")
    mode_choice: str | None = Field(..., description="truck, barge, rail or mixed; null when a mode is unknown.")


class BiomassStreamOut(Schema):
    id: int
    facility: int
    supplier: BiomassSupplierOut
    biomass_type: str = Field(..., description="A code of the biomass catalogue (reference/biomass_types.csv).")
    metric: str = Field(..., description="The facility's fuel metric the deliveries are reported under.")
    share: float | None = Field(..., description="Its share of that metric's deliveries [fraction]; null when not stated.")
    certification_scheme: str
    certificate_number: str
    certificate_valid_until: datetime.date | None
    active: bool
    latest_rating: str = Field(..., description="The overall rating of its latest completed screening, or not_screened.")


class BiomassScreeningOut(Schema):
    id: int
    stream: int
    framework_id: str
    framework_version: str
    framework_hash: str
    status: str = Field(..., description="draft or completed.")
    overall: str = Field(..., description="low, medium, high or unknown once completed; empty for a draft.")
    screened_on: datetime.date | None
    previous: int | None
    answers: dict[str, Any]
    from_chain: list[str] = Field(..., description="Questions whose answer was pre-filled from the chain.")
    result: dict[str, Any] = Field(..., description="The risk engine's result: each criterion's rating, each question's reason "
                                                     "and mitigation, the missing answers; empty for a draft.")
    by: str | None = Field(..., description="Username; null for a reader through consent.")


class BiomassStreamDetailOut(BiomassStreamOut):
    chain: list[BiomassStepOut]
    rollup: BiomassRollupOut
    screenings: list[BiomassScreeningOut]


class BiomassBucketOut(Schema):
    rating: str
    streams: int
    tonnes: float | None = Field(..., description="[t]; null when the tonnes are not readable or not reported.")
    share: float | None


class BiomassStreamSupplyOut(Schema):
    stream: int
    rating: str
    tonnes: float | None
    share_used: float | None
    supply_flags: list[str] = Field(..., description="split_equally, not_reported, not_in_mass.")


class BiomassSupplyOut(Schema):
    facility: int
    tonnes_readable: bool = Field(..., description="The consent names environmental data too.")
    period_start: datetime.date | None
    period_end: datetime.date | None
    period_reason: str = Field(..., description="last_complete, trailing_12, none (no fuel data) or not_readable.")
    tonnes_total: float | None
    headline: str | None
    attention_share: float | None = Field(..., description="Share of tonnes rated high, unknown or not screened.")
    by_rating: list[BiomassBucketOut]
    streams: list[BiomassStreamSupplyOut]


# --- input --------------------------------------------------------------------------------------------------

class BiomassStreamFilters(PageQuery):
    facility: Id | None = Field(None, description="A facility's id.")


class BiomassAnswersIn(In):
    answers: described(dict[str, Any], ANSWERS) = Field(..., description="Question id -> answer: \"yes\"/\"no\", a choice code, "
                                                     "a list of codes, a number; \"\" or null clears it. Checked by the "
                                                     "framework, all or nothing.")


class BiomassCompleteIn(In):
    screened_on: described(datetime.date, DATE) | None = None


# --- helpers ------------------------------------------------------------------------------------------------

def _streams(user):
    return (SupplyStream.objects.filter(facility__in=access.facilities_readable(user).values("pk"))
            .select_related("supplier", "facility"))


def _internal(user, facility_ids) -> set[int]:
    return set(access.facilities_internal(user).filter(pk__in=facility_ids).values_list("pk", flat=True))


def _supplier(s, internal: bool) -> dict:
    return {"id": s.pk, "name": s.name, "country": s.country, "province": s.province, "role": s.role,
            "notes": s.notes if internal else None}


def _stream(stream: SupplyStream, internal: bool, rating: str) -> dict:
    return {"id": stream.pk, "facility": stream.facility_id, "supplier": _supplier(stream.supplier, internal),
            "biomass_type": stream.biomass_type, "metric": stream.metric, "share": stream.share,
            "certification_scheme": stream.certification_scheme, "certificate_number": stream.certificate_number,
            "certificate_valid_until": stream.certificate_valid_until, "active": stream.active, "latest_rating": rating}


def _screening(s: Screening, internal: bool) -> dict:
    return {"id": s.pk, "stream": s.stream_id, "framework_id": s.framework_id, "framework_version": s.framework_version,
            "framework_hash": s.framework_hash, "status": s.status, "overall": s.overall, "screened_on": s.screened_on,
            "previous": s.previous_id, "answers": s.answers, "from_chain": s.from_chain, "result": s.result,
            "by": s.by.username if internal and s.by_id else None}


def _step(s: ChainStep, internal: bool) -> dict:
    return {"id": s.pk, "position": s.position, "role": s.role, "name": s.name, "country": s.country,
            "province": s.province, "distance_km": s.distance_km, "mode": s.mode, "known": s.known,
            "notes": s.notes if internal else None}


def _detail(user, stream_id: int) -> dict:
    stream = _visible(_streams(user), stream_id)
    internal = bool(_internal(user, [stream.facility_id]))
    latest = selectors.latest_completed([stream])
    rollup = services.stream_rollup(stream)
    return {**_stream(stream, internal, latest[stream.pk].overall if stream.pk in latest else "not_screened"),
            "chain": [_step(s, internal) for s in stream.steps.order_by("position")],
            "rollup": {**vars(rollup), "unknown_roles": list(rollup.unknown_roles)},
            "screenings": [_screening(s, internal) for s in stream.screenings.select_related("by").order_by("-created_at", "-pk")]}


def _screenings(user):
    return (Screening.objects.filter(stream__facility__in=access.facilities_readable(user).values("pk"))
            .select_related("stream", "by"))


def _screening_out(user, pk: int) -> dict:
    s = _visible(_screenings(user), pk)
    return _screening(s, bool(_internal(user, [s.stream.facility_id])))


# --- reads --------------------------------------------------------------------------------------------------

@router.get("/biomass/streams", response={200: Page[BiomassStreamOut], **READ_ERRORS})
def biomass_stream_list(request, query: Query[BiomassStreamFilters]):
    """The biomass supply streams you may read (your facilities', your programme's, a facility's whose consent
    names biomass), each with its latest rating."""
    rows = _streams(request.user)
    if query.facility:
        rows = rows.filter(facility_id=query.facility)
    page = _page(rows.order_by("facility_id", "pk"), query)
    latest = selectors.latest_completed(page["results"])
    internal = _internal(request.user, {s.facility_id for s in page["results"]})
    page["results"] = [_stream(s, s.facility_id in internal, latest[s.pk].overall if s.pk in latest else "not_screened")
                       for s in page["results"]]
    return page


@router.get("/biomass/streams/{stream_id}", response={200: BiomassStreamDetailOut, **READ_ERRORS})
def biomass_stream_detail(request, stream_id: int):
    """One stream: its value chain from the origin (with the roll-up the screening uses) and its screenings."""
    return _detail(request.user, stream_id)


@router.get("/biomass/streams/{stream_id}/chain", response={200: list[BiomassStepOut], **READ_ERRORS})
def biomass_chain(request, stream_id: int):
    """The stream's value-chain steps, from the origin to the factory."""
    stream = _visible(_streams(request.user), stream_id)
    internal = bool(_internal(request.user, [stream.facility_id]))
    return [_step(s, internal) for s in stream.steps.order_by("position")]


@router.get("/biomass/screenings/{screening_id}", response={200: BiomassScreeningOut, **READ_ERRORS})
def biomass_screening_detail(request, screening_id: int):
    """One screening: its answers and (completed) the risk engine's result."""
    return _screening_out(request.user, screening_id)


@router.get("/facilities/{facility_id}/biomass/supply", response={200: BiomassSupplyOut, **READ_ERRORS})
def biomass_supply(request, facility_id: int):
    """The facility's biomass supply by rating, weighted by the tonnes of its last full year of monthly fuel data
    (or the trailing twelve months) when you read its environmental data too."""
    facility = _visible(access.facilities_readable(request.user), facility_id)
    risk = selectors.supply_risk(facility, request.user)
    return {"facility": facility.pk, "tonnes_readable": risk.tonnes_readable,
            "period_start": risk.period.start if risk.period else None, "period_end": risk.period.end if risk.period else None,
            "period_reason": risk.period_reason, "tonnes_total": risk.tonnes_total, "headline": risk.headline,
            "attention_share": risk.attention_share,
            "by_rating": [{"rating": b, **risk.by_rating[b]} for b in selectors.BUCKETS],
            "streams": [{"stream": r.stream.pk, "rating": r.rating, "tonnes": r.tonnes, "share_used": r.share_used,
                         "supply_flags": list(r.flags)} for r in risk.streams]}


# --- writes -------------------------------------------------------------------------------------------------

@router.post("/biomass/streams/{stream_id}/screenings", response={201: BiomassScreeningOut, **WRITE_ERRORS})
def biomass_screening_start(request, stream_id: int):
    """Start a screening (a draft): a repeat copies the previous answers; the chain's answers are laid over them."""
    stream = _visible(_streams(request.user), stream_id)
    screening = services.screening_start(by=request.user, stream=stream, via=VIA)
    return Status(201, _screening_out(request.user, screening.pk))


@router.patch("/biomass/screenings/{screening_id}", response={200: BiomassScreeningOut, **WRITE_ERRORS})
def biomass_screening_answer(request, screening_id: int, payload: BiomassAnswersIn):
    """Save answers to a draft, all or nothing: every bad answer is named by its question id."""
    screening = _visible(_screenings(request.user), screening_id)
    services.screening_answer(by=request.user, screening=screening, answers=payload.answers, via=VIA)
    return _screening_out(request.user, screening_id)


@router.post("/biomass/screenings/{screening_id}/complete", response={200: BiomassScreeningOut, **WRITE_ERRORS})
def biomass_screening_complete(request, screening_id: int, payload: BiomassCompleteIn):
    """Rate the draft with the risk engine and complete it (the facility's managers, the programme's admins)."""
    screening = _visible(_screenings(request.user), screening_id)
    services.screening_complete(by=request.user, screening=screening, screened_on=payload.screened_on, via=VIA)
    return _screening_out(request.user, screening_id)
