"""Business cases in version 1 of the API (issue 18): cases, their finance pipeline, measured savings, the
abatement-cost curve, and the intervention catalogue.

Who reads and changes is ``interventions.access`` (the matrix in its docstring): a case the caller may not read
answers 404, exactly like a missing one (a brand reads a facility's cases only while a consent naming "business
cases" is active; a financier only the cases the facility shared, from "seeking finance" on, with that consent);
one they read but may not change answers 403. Every write is one service of ``interventions.services`` (the same
as the pages), with ``via="api"``; a refused write changes nothing. Who created a case and the notes of its stage
history are given only to the facility's or park's own people and its programme team, never to a brand or a
financier.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from loomlight.api.schemas import DATE, TEXT_PATTERN, Amount, Id, In, Page, PageQuery, described, optional, text
from loomlight.api.v1 import READ_ERRORS, WRITE_ERRORS, _page, _visible
from loomlight.interventions import access, selectors, services
from loomlight.interventions.models import BusinessCase, Instrument, MeasuredSavings, Stage, StageChange
from loomlight.registry import policy
from loomlight.registry.models import OrganisationKind

VIA = "api"
router = Router(tags=["business cases"])

#: The figures of a case's result shown in its summary (evaluate_document's names, `loomlight case`'s output).
FIGURES = ("npv", "npv_project", "irr", "irr_equity", "simple_payback_years", "discounted_payback_years",
           "benefit_cost_ratio", "eac", "levelised_cost", "savings_per_year", "tco2e_per_year", "tco2e_lifetime",
           "abatement_cost_per_tco2e")
HAND_STAGES = [s for s in Stage.values if s != Stage.VERIFIED]


# --- output -------------------------------------------------------------------------------------------------

class CaseSubjectOut(Schema):
    type: Literal["facility", "park"]
    id: int
    name: str
    country: str


class NamedOut(Schema):
    id: int
    name: str


class FiguresOut(Schema):
    npv: float | None = Field(..., description="The factory's NPV [currency]; null when not computed.")
    npv_project: float | None
    irr: float | None = Field(..., description="Project IRR [fraction]; null when the flows have none.")
    irr_equity: float | None
    simple_payback_years: float | None = Field(..., description="[year]")
    discounted_payback_years: float | None = Field(..., description="[year]; null when never paid back within the lifetime.")
    benefit_cost_ratio: float | None
    eac: float | None = Field(..., description="Equivalent annual cost [currency/year]; negative saves money.")
    levelised_cost: float | None
    savings_per_year: float | None = Field(..., description="Money saved in year 1 [currency/year].")
    tco2e_per_year: float | None = Field(..., description="Avoided [t CO2e/year]; null when not computed (never 0 for a gap).")
    tco2e_lifetime: float | None
    abatement_cost_per_tco2e: float | None = Field(..., description="EAC / t CO2e avoided per year [currency/t CO2e].")


class CaseOut(Schema):
    id: int
    subject: CaseSubjectOut
    programme: int | None
    intervention: str = Field(..., description="The catalogue's code (GET /api/v1/interventions).")
    title: str
    baseline_year: int | None
    stage: str = Field(..., description="idea, feasibility, seeking_finance, financed, implemented or verified.")
    financier: NamedOut | None
    instrument: str
    amount: str | None = Field(..., description="The amount financed, a decimal text in `currency`.")
    currency: str
    implemented_on: datetime.date | None
    shared_with_financiers: bool
    figures: FiguresOut
    computed_at: datetime.datetime | None
    data_version: str = Field(..., description="The reference data (catalogue, prices, grid factors) the figures used.")
    created_at: datetime.datetime
    created_by: str | None = Field(..., description="Username; null for a reader outside the facility's people and programme.")
    updated_at: datetime.datetime


class StageChangeOut(Schema):
    from_stage: str
    to_stage: str
    at: datetime.datetime
    financier: NamedOut | None
    instrument: str
    amount: str | None
    note: str | None = Field(..., description="Null for a brand or a financier.")
    by: str | None = Field(..., description="Username; null for a brand or a financier.")


class MeasurementOut(Schema):
    id: int
    metric: str
    baseline_from: datetime.date
    baseline_to: datetime.date
    reporting_from: datetime.date | None
    reporting_to: datetime.date | None
    accepted: bool = Field(..., description="The baseline met ASHRAE Guideline 14 (monthly: CV(RMSE) ≤ 15 %, |NMBE| ≤ 5 %, n ≥ 12).")
    model: dict = Field(..., description="coefficients, n, p, r2, cv_rmse, nmbe, autocorrelation, reasons (criteria failed), periods.")
    result: dict = Field(..., description="Adjusted baseline, actual and avoided use, its uncertainty at `confidence`; empty when refused.")
    avoided_quantity: float | None
    unit: str
    uncertainty: float | None
    avoided_money: str | None
    at: datetime.datetime


class CaseDetailOut(CaseOut):
    document: dict = Field(..., description="The inputs: the `loomlight case` document (and optional solar inputs).")
    result: dict = Field(..., description="evaluate_document's output: every figure, the cash flows and the explanation.")
    stages: list[StageChangeOut]
    measurements: list[MeasurementOut]


class StageTotalOut(Schema):
    stage: str
    count: int
    amount: dict[str, str] = Field(..., description="Currency -> Σ amount of its cases.")


class GroupOut(Schema):
    scope: Literal["facility", "park", "country", "programme"]
    id: int | str
    name: str
    currency: str
    cases: int
    facility_count: int
    investment_mobilised: str = Field(..., description="Σ amount of its financed, implemented and verified cases.")
    savings_expected_per_year: float = Field(..., description="Σ of its cases' savings_per_year [currency/year].")
    savings_measured: str = Field(..., description="Σ money saved by each case's latest accepted measurement.")
    cases_measured: int


class PipelineOut(Schema):
    stages: list[StageTotalOut]
    groups: list[GroupOut]
    withheld: int = Field(..., description="Groups left out: fewer than min_facilities facilities, for a reader through consent.")
    min_facilities: int


class BarOut(Schema):
    key: str
    label: str
    category: str
    tco2e_per_year: float
    eac: float
    cost_per_tco2e: float
    x_from: float
    x_to: float
    no_regret: bool
    count: int


class LeftOutOut(Schema):
    key: str
    label: str
    category: str
    tco2e_per_year: float | None


class CurveOut(Schema):
    scope: str
    id: str
    bars: list[BarOut]
    total_tco2e_per_year: float
    no_regret_tco2e_per_year: float
    no_regret_share: float | None
    left_out: list[LeftOutOut] = Field(..., description="Cases without abatement or whose figures were not computed.")


class InterventionOut(Schema):
    code: str
    name: str
    category: str
    metrics: list[str]
    saving_low: float | None
    saving_typical: float | None
    saving_high: float | None
    capex_low: float | None
    capex_typical: float | None
    capex_high: float | None
    capex_unit: str
    size_unit: str
    lifetime_years: float | None
    payback_years_reported: float | None
    applies_to: list[str]
    outcomes: str
    source: str
    year: int | None
    confidence: str
    note: str


# --- input --------------------------------------------------------------------------------------------------

#: a title: some text, not only spaces (and no NUL)
TITLE = {"type": "string", "maxLength": 200, "allOf": [{"pattern": r"\S"}, {"pattern": TEXT_PATTERN}]}
DOCUMENT = {"type": "object", "description": "The `loomlight case` input document (country, year, capex, lifetime_years, "
            "discount_rate, savings...; see the README), plus optional `solar` inputs. The country defaults to the subject's."}


class CaseFilters(PageQuery):
    stage: described(str, {"type": "string", "enum": ["", *Stage.values]}) = ""
    facility: Id | None = Field(None, description="A facility's id.")
    park: Id | None = Field(None, description="A park's id: its own cases and its tenants'.")
    intervention: text(maxLength=64) = Field("", max_length=64, description="A catalogue code.")


class CaseIn(In):
    facility: Id | None = Field(None, description="The facility's id (or give park).")
    park: Id | None = Field(None, description="The park's id, for a park's case (a group rooftop solar).")
    intervention: text(minLength=1, maxLength=64) = Field(..., min_length=1, max_length=64, description="A catalogue code.")
    title: described(str, TITLE)
    baseline_year: int | None = Field(None, ge=2000, le=2100)
    document: described(dict[str, Any], DOCUMENT)


class CasePatch(In):
    intervention: text(minLength=1, maxLength=64) = optional(min_length=1, max_length=64)
    title: described(str, TITLE) = optional()
    baseline_year: int = optional(ge=2000, le=2100)
    document: described(dict[str, Any], DOCUMENT) = optional()
    shared_with_financiers: bool = optional(description="Share the case with financiers (the facility's managers); a "
                                                        "financier sees it only with a consent naming business cases.")


class StageIn(In):
    stage: Literal[tuple(HAND_STAGES)] = Field(..., description="The next stage, or an earlier one (with a note); "
                                                                "verified only through measured savings.")
    note: text() = Field("", description="Required when the case moves back.")
    financier: Id | None = Field(None, description="The id of an organisation of kind financier.")
    instrument: Literal[tuple(["", *Instrument.values])] = ""
    amount: Amount | None = Field(None, description="The amount financed, in the case's currency.")
    implemented_on: described(datetime.date, DATE) | None = None


class MeasureIn(In):
    metric: text(minLength=1, maxLength=64) = Field(..., min_length=1, max_length=64, description="The metric whose use is measured, e.g. electricity_grid.")
    production_metric: Literal["production_kg", "production_m", "production_pieces", "production_pairs"] = "production_kg"
    confidence: float = Field(0.68, ge=0.5, le=0.99, description="Of the uncertainty stated [fraction].")


class CurveQuery(Schema):
    scope: Literal["facility", "park", "country", "programme"]
    id: text(minLength=1, maxLength=20) = Field(..., min_length=1, max_length=20, description="The facility's, park's or programme's id, or a country's two-letter code.")


# --- helpers ------------------------------------------------------------------------------------------------

def _cases(user):
    return access.cases_visible(user).select_related("facility", "park", "financier", "created_by")


def _money(value) -> str | None:
    return None if value is None else str(value)


def _figure(case: BusinessCase, name: str):
    value = case.figure(name)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _summary(case: BusinessCase, internal: bool) -> dict:
    subject = case.subject
    return {
        "id": case.pk, "subject": {"type": case.subject_kind, "id": subject.pk, "name": subject.name, "country": subject.country},
        "programme": case.programme_id, "intervention": case.intervention, "title": case.title,
        "baseline_year": case.baseline_year, "stage": case.stage,
        "financier": {"id": case.financier_id, "name": case.financier.name} if case.financier_id else None,
        "instrument": case.instrument, "amount": _money(case.amount), "currency": case.currency,
        "implemented_on": case.implemented_on, "shared_with_financiers": case.shared_with_financiers,
        "figures": {name: _figure(case, name) for name in FIGURES},
        "computed_at": case.computed_at, "data_version": case.data_version, "created_at": case.created_at,
        "created_by": case.created_by.username if internal and case.created_by_id else None, "updated_at": case.updated_at,
    }


def _internal(user, ids) -> set[int]:
    if not ids:
        return set()
    return set(access.cases_internal(user).filter(pk__in=ids).values_list("pk", flat=True))


def _measurement(m: MeasuredSavings) -> dict:
    return {"id": m.pk, "metric": m.metric, "baseline_from": m.baseline_from, "baseline_to": m.baseline_to,
            "reporting_from": m.reporting_from, "reporting_to": m.reporting_to, "accepted": m.accepted, "model": m.model,
            "result": m.result, "avoided_quantity": m.avoided_quantity, "unit": m.unit, "uncertainty": m.uncertainty,
            "avoided_money": _money(m.avoided_money), "at": m.at}


def _detail(user, pk: int) -> dict:
    case = _visible(_cases(user), pk)
    internal = bool(_internal(user, [case.pk]))
    stages = [{"from_stage": s.from_stage, "to_stage": s.to_stage, "at": s.at,
               "financier": {"id": s.financier_id, "name": s.financier.name} if s.financier_id else None,
               "instrument": s.instrument, "amount": _money(s.amount),
               "note": s.note if internal else None, "by": s.by.username if internal and s.by_id else None}
              for s in StageChange.objects.filter(case=case).select_related("financier", "by").order_by("at", "pk")]
    return {**_summary(case, internal), "document": case.document, "result": case.result, "stages": stages,
            "measurements": [_measurement(m) for m in case.measurements.order_by("-at", "-pk")]}


def _subject(user, payload: CaseIn):
    if (payload.facility is None) == (payload.park is None):
        raise ValidationError({"facility": [_("Give a facility or a park, not both.")]})
    if payload.facility is not None:
        found = policy.facilities_visible(user).filter(pk=payload.facility).first()
        field, pk = "facility", payload.facility
    else:
        found = policy.parks_visible(user).filter(pk=payload.park).first()
        field, pk = "park", payload.park
    if found is None:
        raise ValidationError({field: [_("Unknown id: %(ids)s.") % {"ids": pk}]})
    return found


# --- reads --------------------------------------------------------------------------------------------------

@router.get("/cases", response={200: Page[CaseOut], **READ_ERRORS})
def case_list(request, query: Query[CaseFilters]):
    """The business cases you may read, the most recently changed first: your facilities' and park's, your
    programme's, a facility's with its consent naming business cases, and (a financier) those shared with you."""
    if query.stage and query.stage not in Stage.values:
        raise ValidationError({"stage": [_("Unknown stage: choose one of %(choices)s.") % {"choices": ", ".join(Stage.values)}]})
    rows = _cases(request.user)
    if query.stage:
        rows = rows.filter(stage=query.stage)
    if query.facility:
        rows = rows.filter(facility_id=query.facility)
    if query.park:
        rows = selectors.in_scope(rows, "park", query.park)
    if query.intervention:
        rows = rows.filter(intervention=query.intervention)
    page = _page(rows.order_by("-updated_at", "pk"), query)
    internal = _internal(request.user, [c.pk for c in page["results"]])
    page["results"] = [_summary(c, c.pk in internal) for c in page["results"]]
    return page


@router.get("/cases/pipeline", response={200: PipelineOut, **READ_ERRORS})
def case_pipeline(request):
    """The finance pipeline of the cases you read: per stage the count and amounts, and per facility, park,
    country and programme the investment mobilised, the savings expected per year and those measured."""
    out = selectors.pipeline(request.user)
    for stage in out["stages"]:
        stage["amount"] = {k: str(v) for k, v in stage["amount"].items()}
    for group in out["groups"]:
        group["investment_mobilised"] = str(group["investment_mobilised"])
        group["savings_measured"] = str(group["savings_measured"])
    return out


@router.get("/cases/curve", response={200: CurveOut, **READ_ERRORS})
def case_curve(request, query: Query[CurveQuery]):
    """The abatement-cost curve of the cases you read in a facility, park, country or programme: bars sorted by
    cost per t CO2e (width = t CO2e avoided per year), the total and the no-regret share."""
    from loomlight.calc import macc

    try:
        items = selectors.curve_items(request.user, query.scope, query.id)
    except selectors.ScopeError as exc:
        raise ValidationError({exc.field: [_("Give the number of the facility, park or programme, or a country's two-letter code.")]}) from None
    curve = macc.curve(items, group=False)
    return {"scope": query.scope, "id": query.id, "bars": [vars(b) for b in curve.bars],
            "total_tco2e_per_year": curve.total_tco2e_per_year, "no_regret_tco2e_per_year": curve.no_regret_tco2e_per_year,
            "no_regret_share": curve.no_regret_share,
            "left_out": [{"key": i.key, "label": i.label, "category": i.category, "tco2e_per_year": i.tco2e_per_year}
                         for i in curve.left_out]}


@router.get("/cases/{case_id}", response={200: CaseDetailOut, **READ_ERRORS})
def case_detail(request, case_id: int):
    """One case: its inputs, every figure with the cash flows and the explanation, its stage history and measured savings."""
    return _detail(request.user, case_id)


@router.get("/interventions", response={200: list[InterventionOut], **READ_ERRORS}, tags=["reference"])
def intervention_list(request):
    """The intervention catalogue (reference data, every row sourced): what a case's `intervention` names."""
    from loomlight.reference.interventions import interventions

    out = []
    for item in interventions().values():
        row = {name: getattr(item, name, None) for name in InterventionOut.model_fields}
        row["metrics"], row["applies_to"] = list(item.metrics or ()), list(item.applies_to or ())
        for name in ("capex_unit", "size_unit", "outcomes", "source", "confidence", "note"):
            row[name] = row[name] or ""
        out.append(row)
    return out


# --- writes -------------------------------------------------------------------------------------------------

def _one(request, case_id: int) -> BusinessCase:
    return _visible(_cases(request.user), case_id)


@router.post("/cases", response={201: CaseDetailOut, **WRITE_ERRORS})
def case_create(request, payload: CaseIn):
    """A new case (stage idea) for a facility or a park, evaluated from its document; a document that does not
    evaluate is refused naming the field (document.<path>)."""
    subject = _subject(request.user, payload)
    case = services.case_create(by=request.user, intervention=payload.intervention, title=payload.title,
                                document=payload.document, baseline_year=payload.baseline_year, via=VIA,
                                **{"facility" if payload.facility else "park": subject})
    return Status(201, _detail(request.user, case.pk))


@router.patch("/cases/{case_id}", response={200: CaseDetailOut, **WRITE_ERRORS})
def case_update(request, case_id: int, payload: CasePatch):
    """Change the inputs (re-evaluated), title, intervention or baseline year; share it with financiers or not."""
    case = _one(request, case_id)
    sent = payload.model_dump(exclude_unset=True)
    with transaction.atomic():
        edits = {k: sent[k] for k in ("document", "title", "intervention", "baseline_year") if k in sent}
        if edits:
            case = services.case_update(by=request.user, case=case, via=VIA, **edits)
        if "shared_with_financiers" in sent:
            services.case_share(by=request.user, case=case, shared=sent["shared_with_financiers"], via=VIA)
    return _detail(request.user, case_id)


@router.delete("/cases/{case_id}", response={204: None, **WRITE_ERRORS})
def case_delete(request, case_id: int):
    """Delete a case at the idea or feasibility stage (its creator, the facility's managers); audited."""
    services.case_delete(by=request.user, case=_one(request, case_id), via=VIA)
    return Status(204, None)


@router.post("/cases/{case_id}/stage", response={200: CaseDetailOut, **WRITE_ERRORS})
def case_stage_set(request, case_id: int, payload: StageIn):
    """Move the case to the next stage (financed: a financier or instrument and the amount; implemented: the
    date), or back to an earlier one with a note. Verified is set by measured savings alone."""
    case = _one(request, case_id)
    financier = None
    if payload.financier is not None:
        financier = policy.organisations_visible(request.user).filter(pk=payload.financier, kind=OrganisationKind.FINANCIER).first()
        if financier is None:
            raise ValidationError({"financier": [_("Unknown id: %(ids)s.") % {"ids": payload.financier}]})
    services.case_stage_set(by=request.user, case=case, stage=payload.stage, note=payload.note, financier=financier,
                            instrument=payload.instrument, amount=payload.amount, implemented_on=payload.implemented_on,
                            via=VIA)
    return _detail(request.user, case_id)


@router.post("/cases/{case_id}/measured-savings", response={201: MeasurementOut, **WRITE_ERRORS})
def savings_measure(request, case_id: int, payload: MeasureIn):
    """Measure the savings (IPMVP Option C) on the facility's stored months: the baseline regression before the
    implementation, checked against ASHRAE Guideline 14; stored even when refused (accepted false, with the
    reasons); an accepted baseline with positive avoided use moves an implemented case to verified."""
    m = services.savings_measure(by=request.user, case=_one(request, case_id), metric=payload.metric,
                                 production_metric=payload.production_metric, confidence=payload.confidence, via=VIA)
    return Status(201, _measurement(m))
