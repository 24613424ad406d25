"""Writes of biomass sourcing: suppliers, supply streams, their value-chain steps, and screenings.

Every rule lives here, used alike by the pages, the API and the demo; every write is audited in its transaction
(before, after, who, via) and a refusal (PermissionDenied, or ValidationError naming the field) changes nothing.
Who may do what is ``biomass.access``. A screening is rated by the risk engine (``calc.assessment.risk.rate``)
against the shipped framework ``biomass_screening``; nothing of the rating is re-implemented here.

A stream's screenings:

    screening_start ─▶ draft ─▶ screening_answer (as often as needed) ─▶ screening_complete ─▶ completed
                                                                                    │
    screening_start again (a repeat): a new draft with the previous screening's answers, and the answers the
    chain gives now (biomass.chain.prefill) over them; a labour question the chain says is unknown starts empty.
"""

from __future__ import annotations

import datetime
import math

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from loomlight.audit.models import AuditAction
from loomlight.audit.services import audit_record, snapshot
from loomlight.biomass import access, chain
from loomlight.biomass.models import (
    ChainStep, Rating, Screening, ScreeningStatus, Supplier, SupplierRole, SupplyStream, TransportMode,
)
from loomlight.registry.models import Facility

#: The risk framework a screening answers (calc/assessment/frameworks/biomass_screening-<version>.yaml).
FRAMEWORK_ID = "biomass_screening"
NAME_MAX = 200


def _refuse(message: str, code: str, field: str = "__all__"):
    raise ValidationError({field: [ValidationError(message, code=code)]})


def _text(value, field: str, *, required: bool = False, max_length: int = NAME_MAX) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        _refuse(_("Give this as text."), "not_text", field)
    value = value.strip()
    if required and not value:
        _refuse(_("This field is required."), "required", field)
    if len(value) > max_length:
        _refuse(_("At most %(n)s characters.") % {"n": max_length}, "too_long", field)
    if "\x00" in value:
        _refuse(_("The text holds a character that cannot be stored."), "bad_text", field)
    return value


def _country(value, field: str = "country") -> str:
    from loomlight.registry.countries import is_country

    value = _text(value, field, max_length=2).upper()
    if value and not is_country(value):
        _refuse(_("Give a two-letter country code (ISO 3166-1)."), "bad_country", field)
    return value


def _choice(value, choices, field: str, *, blank: bool = False) -> str:
    if blank and value in (None, ""):
        return ""
    if value not in choices.values:
        _refuse(_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}, "bad_choice", field)
    return value


def _writable(by, facility) -> None:
    if not access.can_write(by, facility):
        raise PermissionDenied


# --- suppliers ------------------------------------------------------------------------------------------------

def _supplier_fields(data: dict, supplier: Supplier) -> None:
    if "name" in data:
        supplier.name = _text(data["name"], "name", required=True)
    if "country" in data:
        supplier.country = _country(data["country"])
    if "province" in data:
        supplier.province = _text(data["province"], "province", max_length=100)
    if "role" in data:
        supplier.role = _choice(data["role"], SupplierRole, "role")
    if "notes" in data:
        supplier.notes = _text(data["notes"], "notes", max_length=4000)
    clash = Supplier.objects.filter(facility_id=supplier.facility_id, name__iexact=supplier.name).exclude(pk=supplier.pk)
    if clash.exists():
        _refuse(_("The facility already has a supplier of this name."), "duplicate", "name")


@transaction.atomic
def supplier_create(*, by, facility: Facility, data: dict, via: str = "web") -> Supplier:
    """A supplier on the facility's own list (name required; country, province, role, notes)."""
    _writable(by, facility)
    supplier = Supplier(facility=facility)
    _supplier_fields({"role": SupplierRole.TRADER, **data, "name": data.get("name")}, supplier)
    supplier.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=supplier, before=None, after=snapshot(supplier), via=via)
    return supplier


@transaction.atomic
def supplier_update(*, by, supplier: Supplier, data: dict, via: str = "web") -> Supplier:
    _writable(by, supplier.facility)
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    before = snapshot(supplier)
    _supplier_fields(data, supplier)
    supplier.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=supplier, before=before, after=snapshot(supplier), via=via)
    return supplier


# --- streams --------------------------------------------------------------------------------------------------

def _biomass_type(code):
    from loomlight.reference.biomass import UnknownBiomassType, biomass_type

    if not isinstance(code, str) or not code:
        _refuse(_("Choose a biomass type of the catalogue."), "required", "biomass_type")
    try:
        return biomass_type(code)
    except UnknownBiomassType:
        _refuse(_("Not a biomass type of the catalogue."), "unknown_biomass_type", "biomass_type")


def _fuel_metric(code) -> str:
    from loomlight.reference.metrics import metrics

    found = metrics().get(code) if isinstance(code, str) else None
    if found is None or found.category != "fuel":
        _refuse(_("Choose a fuel metric the facility reports."), "not_a_fuel_metric", "metric")
    return code


def _share(value):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        _refuse(_("Give the share as a fraction from 0 to 1."), "bad_share", "share")
    try:
        share = float(value)
    except (TypeError, ValueError):
        _refuse(_("Give the share as a fraction from 0 to 1."), "bad_share", "share")
    if not math.isfinite(share) or not 0 < share <= 1:
        _refuse(_("Give the share as a fraction above 0 and at most 1."), "bad_share", "share")
    return share


def _date(value, field: str):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        _refuse(_("Give a date as YYYY-MM-DD."), "bad_date", field)


def _stream_fields(data: dict, stream: SupplyStream) -> None:
    if "supplier" in data:
        supplier = data["supplier"]
        if not isinstance(supplier, Supplier) or supplier.facility_id != stream.facility_id:
            _refuse(_("Choose a supplier of this facility."), "unknown_supplier", "supplier")
        stream.supplier = supplier
    if "biomass_type" in data:
        found = _biomass_type(data["biomass_type"])
        stream.biomass_type = found.code
        if not data.get("metric") and not stream.metric:
            stream.metric = found.metric
    if data.get("metric"):
        stream.metric = _fuel_metric(data["metric"])
    if "share" in data:
        stream.share = _share(data["share"])
    if "certification_scheme" in data:
        stream.certification_scheme = _text(data["certification_scheme"], "certification_scheme", max_length=100)
    if "certificate_number" in data:
        stream.certificate_number = _text(data["certificate_number"], "certificate_number", max_length=100)
    if "certificate_valid_until" in data:
        stream.certificate_valid_until = _date(data["certificate_valid_until"], "certificate_valid_until")
    if "active" in data:
        if not isinstance(data["active"], bool):
            _refuse(_("Give yes or no."), "bad_boolean", "active")
        stream.active = data["active"]
    if not stream.supplier_id:
        _refuse(_("Choose the supplier who delivers to the gate."), "required", "supplier")
    if not stream.biomass_type:
        _refuse(_("Choose a biomass type of the catalogue."), "required", "biomass_type")
    if not stream.metric:
        _refuse(_("Choose a fuel metric the facility reports."), "required", "metric")


@transaction.atomic
def stream_create(*, by, facility: Facility, data: dict, via: str = "web") -> SupplyStream:
    """A stream (supplier, biomass type, the fuel metric its deliveries are reported under: the type's by default)."""
    _writable(by, facility)
    stream = SupplyStream(facility=facility)
    _stream_fields(data, stream)
    stream.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=stream, before=None, after=snapshot(stream), via=via)
    return stream


@transaction.atomic
def stream_update(*, by, stream: SupplyStream, data: dict, via: str = "web") -> SupplyStream:
    _writable(by, stream.facility)
    stream = SupplyStream.objects.select_for_update().get(pk=stream.pk)
    before = snapshot(stream)
    _stream_fields(data, stream)
    stream.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=stream, before=before, after=snapshot(stream), via=via)
    return stream


# --- chain steps ----------------------------------------------------------------------------------------------

def _distance(value):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        _refuse(_("Give the distance in km as a number."), "bad_distance", "distance_km")
    try:
        distance = float(value)
    except (TypeError, ValueError):
        _refuse(_("Give the distance in km as a number."), "bad_distance", "distance_km")
    if not math.isfinite(distance) or distance < 0 or distance > 40000:
        _refuse(_("Give a distance from 0 to 40,000 km."), "bad_distance", "distance_km")
    return distance


def _step_fields(data: dict, step: ChainStep) -> None:
    if "role" in data:
        step.role = _choice(data["role"], SupplierRole, "role")
    if "name" in data:
        step.name = _text(data["name"], "name")
    if "country" in data:
        step.country = _country(data["country"])
    if "province" in data:
        step.province = _text(data["province"], "province", max_length=100)
    if "distance_km" in data:
        step.distance_km = _distance(data["distance_km"])
    if "mode" in data:
        step.mode = _choice(data["mode"], TransportMode, "mode", blank=True)
    if "known" in data:
        if not isinstance(data["known"], bool):
            _refuse(_("Give yes or no."), "bad_boolean", "known")
        step.known = data["known"]
    if "notes" in data:
        step.notes = _text(data["notes"], "notes", max_length=4000)
    if not step.role:
        _refuse(_("Choose the step's role."), "required", "role")


def _steps_state(stream: SupplyStream) -> list:
    return [snapshot(s) for s in stream.steps.order_by("position")]


def _renumber(stream: SupplyStream, ordered: list[ChainStep]) -> None:
    """Number ``ordered`` 1..n (through positions above n first: the unique position is checked at once)."""
    offset = len(ordered) + (stream.steps.aggregate(m=Max("position"))["m"] or 0)
    for i, step in enumerate(ordered, start=1):
        ChainStep.objects.filter(pk=step.pk).update(position=offset + i)
    for i, step in enumerate(ordered, start=1):
        ChainStep.objects.filter(pk=step.pk).update(position=i)
        step.position = i


@transaction.atomic
def step_add(*, by, stream: SupplyStream, data: dict, position: int | None = None, via: str = "web") -> ChainStep:
    """A step of the stream's chain, at ``position`` (1 = the origin; by default after the last)."""
    _writable(by, stream.facility)
    stream = SupplyStream.objects.select_for_update().get(pk=stream.pk)
    steps = list(stream.steps.order_by("position"))
    if position is None:
        position = len(steps) + 1
    if isinstance(position, bool) or not isinstance(position, int) or not 1 <= position <= len(steps) + 1:
        _refuse(_("Give a position from 1 to %(n)s.") % {"n": len(steps) + 1}, "bad_position", "position")
    step = ChainStep(stream=stream, position=len(steps) + 100)
    _step_fields({"role": data.get("role"), **data}, step)
    step.save()
    steps.insert(position - 1, step)
    _renumber(stream, steps)
    step.refresh_from_db()
    audit_record(actor=by, action=AuditAction.CREATE, obj=step, before=None, after=snapshot(step), via=via)
    return step


@transaction.atomic
def step_update(*, by, step: ChainStep, data: dict, via: str = "web") -> ChainStep:
    _writable(by, step.stream.facility)
    step = ChainStep.objects.select_for_update().get(pk=step.pk)
    before = snapshot(step)
    _step_fields(data, step)
    step.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=step, before=before, after=snapshot(step), via=via)
    return step


@transaction.atomic
def step_remove(*, by, step: ChainStep, via: str = "web") -> None:
    stream = step.stream
    _writable(by, stream.facility)
    step = ChainStep.objects.select_for_update().get(pk=step.pk)
    before = snapshot(step)
    step.delete()
    _renumber(stream, list(stream.steps.order_by("position")))
    audit_record(actor=by, action=AuditAction.DELETE, obj=step, before=before, after=None, via=via)


@transaction.atomic
def steps_reorder(*, by, stream: SupplyStream, order: list[int], via: str = "web") -> list[ChainStep]:
    """Put the stream's steps in ``order`` (their ids from the origin to the factory: every step once)."""
    _writable(by, stream.facility)
    stream = SupplyStream.objects.select_for_update().get(pk=stream.pk)
    steps = {s.pk: s for s in stream.steps.all()}
    if (not isinstance(order, list) or any(isinstance(i, bool) or not isinstance(i, int) for i in order)
            or sorted(order) != sorted(steps)):
        _refuse(_("Give every step of the chain once, in their new order."), "bad_order", "order")
    before = _steps_state(stream)
    ordered = [steps[i] for i in order]
    _renumber(stream, ordered)
    after = _steps_state(stream)
    if before != after:
        audit_record(actor=by, action=AuditAction.UPDATE, obj=stream, before={"steps": [s["id"] for s in before]},
                     after={"steps": [s["id"] for s in after]}, via=via)
    return ordered


def step_move(*, by, step: ChainStep, offset: int, via: str = "web") -> list[ChainStep]:
    """Move one step towards the origin (-1) or the factory (+1)."""
    ids = list(step.stream.steps.order_by("position").values_list("pk", flat=True))
    i = ids.index(step.pk)
    j = i + offset
    if offset not in (-1, 1) or not 0 <= j < len(ids):
        _refuse(_("The step cannot move further."), "bad_move", "offset")
    ids[i], ids[j] = ids[j], ids[i]
    return steps_reorder(by=by, stream=step.stream, order=ids, via=via)


# --- screenings -----------------------------------------------------------------------------------------------

def framework(version: str | None = None):
    """The shipped screening framework (the newest version by default)."""
    from loomlight.calc.assessment.builtin import builtin

    return builtin(FRAMEWORK_ID, version)


def framework_of(screening: Screening):
    """The framework version a screening answered; refused when the shipped file no longer gives its hash."""
    found = framework(screening.framework_version)
    if found.content_hash != screening.framework_hash:
        _refuse(_("The framework version this screening answered has changed: start a new screening."),
                "framework_changed", "framework")
    return found


def stream_rollup(stream: SupplyStream) -> chain.Rollup:
    return chain.rollup(chain.Step(s.position, s.role, s.known, s.distance_km, s.mode or "")
                        for s in stream.steps.order_by("position"))


def _check(tree, answers: dict) -> dict:
    from loomlight.calc.assessment import AnswersInvalid, check_answers

    if not isinstance(answers, dict):
        _refuse(_("The answers must be a JSON object."), "not_an_object", "answers")
    try:
        normal = check_answers(tree, answers)
    except AnswersInvalid as exc:
        raise ValidationError({e.question.split("[")[0]: [ValidationError(e.message, code=e.code.value)]
                               for e in exc.errors}) from None
    return _json(normal)


def _json(answers: dict) -> dict:
    """Normalised answers as JSON (tuples to lists)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}


def _state(screening: Screening) -> dict:
    state = snapshot(screening)
    state.pop("result", None)   # derived from the answers and the version: the overall rating says it
    return state


@transaction.atomic
def screening_start(*, by, stream: SupplyStream, via: str = "web") -> Screening:
    """A new draft screening of the stream against the newest framework version; a repeat copies the last
    completed (or latest) screening's answers, then lays the chain's answers over them. Refused while a draft is open."""
    _writable(by, stream.facility)
    stream = SupplyStream.objects.select_for_update().get(pk=stream.pk)
    if stream.screenings.filter(status=ScreeningStatus.DRAFT).exists():
        _refuse(_("A screening of this stream is already in progress: finish it first."), "draft_open")
    tree = framework()
    previous = (stream.screenings.filter(status=ScreeningStatus.COMPLETED).order_by("-screened_on", "-pk").first()
                or stream.screenings.order_by("-created_at", "-pk").first())
    answers = {}
    if previous is not None:   # answers the newer version no longer asks, or no longer accepts, are left behind
        for qid, value in previous.answers.items():
            if qid in tree.questions:
                try:
                    answers.update(_check(tree, {qid: value}))
                except ValidationError:
                    pass
    given, from_chain, unknown = chain.prefill(tree, stream_rollup(stream))
    for qid in unknown:
        answers.pop(qid, None)
    answers.update(_check(tree, given))
    screening = Screening.objects.create(stream=stream, framework_id=tree.id, framework_version=tree.version,
                                         framework_hash=tree.content_hash, answers=answers, from_chain=list(from_chain),
                                         by=by, previous=previous)
    audit_record(actor=by, action=AuditAction.CREATE, obj=screening, before=None, after=_state(screening), via=via)
    return screening


def _draft(by, screening: Screening) -> Screening:
    _writable(by, screening.stream.facility)
    screening = Screening.objects.select_for_update().select_related("stream__facility").get(pk=screening.pk)
    if screening.status != ScreeningStatus.DRAFT:
        _refuse(_("A completed screening cannot be changed: start a new one."), "completed", "status")
    return screening


@transaction.atomic
def screening_answer(*, by, screening: Screening, answers: dict, via: str = "web") -> Screening:
    """Save answers (question id -> raw value; None or "" clears one) to a draft, all or nothing: every bad answer
    is named by its question and nothing is written. An answer changed by hand is no longer "from the chain"."""
    screening = _draft(by, screening)
    tree = framework_of(screening)
    if not isinstance(answers, dict):
        _refuse(_("The answers must be a JSON object."), "not_an_object", "answers")
    normal = _check(tree, answers)
    before = _state(screening)
    merged = dict(screening.answers)
    for qid in answers:
        merged.pop(qid, None)
    merged.update(normal)
    changed = {qid for qid in answers if screening.answers.get(qid) != merged.get(qid)}
    screening.answers = merged
    screening.from_chain = [q for q in screening.from_chain if q not in changed]
    screening.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=screening, before=before, after=_state(screening), via=via)
    return screening


def result_json(result) -> dict:
    """A RiskResult as stored: every rating, reason and mitigation (texts as {language: text})."""
    def text(value):
        return dict(value) if value else {}

    return {"framework": result.framework, "version": result.version, "content_hash": result.content_hash,
            "overall": result.overall, "missing": list(result.missing), "knockouts": list(result.knockouts),
            "criteria": [{"id": c.id, "title": text(c.title), "rating": c.rating,
                          "questions": [{"id": q.id, "answer": list(q.answer) if isinstance(q.answer, tuple) else q.answer,
                                         "rating": q.rating, "reason": text(q.reason), "mitigation": text(q.mitigation),
                                         "knockout": q.knockout} for q in c.questions]}
                         for c in result.criteria]}


def rate(screening: Screening) -> dict:
    """The rating the risk engine gives the screening's answers now (a draft's preview; a completion's result)."""
    from loomlight.calc.assessment.risk import rate as risk_rate

    return result_json(risk_rate(framework_of(screening), screening.answers))


@transaction.atomic
def screening_complete(*, by, screening: Screening, screened_on: datetime.date | None = None,
                       via: str = "web") -> Screening:
    """Rate the draft with the risk engine and close it (unknown stays unknown: never taken for low)."""
    if not access.can_complete(by, screening.stream.facility):
        raise PermissionDenied
    screening = _draft(by, screening)
    screened_on = _date(screened_on, "screened_on") or timezone.localdate()
    if screened_on > timezone.localdate():
        _refuse(_("The screening date cannot be in the future."), "future_date", "screened_on")
    before = _state(screening)
    result = rate(screening)
    if result["overall"] not in Rating.values:
        _refuse(_("The risk engine gave no rating."), "no_rating")
    screening.result = result
    screening.overall = result["overall"]
    screening.status = ScreeningStatus.COMPLETED
    screening.screened_on = screened_on
    screening.by = by
    screening.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=screening, before=before, after=_state(screening), via=via)
    return screening


@transaction.atomic
def screening_delete(*, by, screening: Screening, via: str = "web") -> None:
    """Discard a draft (a completed screening stays on the record)."""
    screening = _draft(by, screening)
    before = _state(screening)
    screening.delete()
    audit_record(actor=by, action=AuditAction.DELETE, obj=screening, before=before, after=None, via=via)
