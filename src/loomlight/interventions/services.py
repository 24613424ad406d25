"""Writes of business cases: create, change the inputs (re-evaluated), move through the finance pipeline, share
with financiers, measure the savings (IPMVP Option C), delete.

Every rule lives here, used alike by the pages, the API and the demo; every write is audited in its transaction
(before, after, who, via). Every figure of a case is computed by ``interventions.document.evaluate_document``
(the ``loomlight case`` command's own code): nothing of the finance is re-implemented here.

The pipeline of one case:

    idea ─▶ feasibility ─▶ seeking finance ─▶ financed ─▶ implemented ─▶ verified
      ◀────────── back one or more stages, with a note ──────────┘

Forward one stage at a time; "financed" needs a financier or an instrument, and the amount; "implemented" needs
the date it was implemented; "verified" is never set by hand: only ``savings_measure`` sets it, with an
accepted baseline (ASHRAE Guideline 14) and positive avoided use.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loomlight.audit.models import AuditAction
from loomlight.audit.services import audit_record, snapshot
from loomlight.interventions import access
from loomlight.interventions.models import (
    DELETABLE_STAGES, STAGE_ORDER, BusinessCase, Instrument, MeasuredSavings, Stage, StageChange, stage_index,
)
from loomlight.registry.models import Facility, IndustrialPark, Organisation, OrganisationKind

#: Keys of a case's document that are the app's own, not the ``loomlight case`` document's (kept, not evaluated).
APP_KEYS = ("solar", "biomass_switch")   # biomass_switch: the fuel switch a case was opened from (biomass/switch.py)


def _refuse(message: str, code: str, field: str = "__all__"):
    raise ValidationError({field: [ValidationError(message, code=code)]})


# --- evaluation -------------------------------------------------------------------------------------------------

def _document_errors(exc: Exception) -> dict[str, list[str]]:
    """The errors of a document that did not evaluate, by the JSON path they name (``savings[0].unit``)."""
    found: dict[str, list[str]] = {}
    errors = getattr(exc, "errors", None)
    if isinstance(errors, (list, tuple)) and errors:
        for error in errors:
            if isinstance(error, (list, tuple)) and len(error) == 2:
                path, message = error
            else:
                path = getattr(error, "path", None) or getattr(error, "field", None) or "document"
                message = getattr(error, "message", None) or str(error)
            found.setdefault(f"document.{path}" if path != "document" else path, []).append(str(message))
        return found
    path = getattr(exc, "path", None) or getattr(exc, "field", None)
    return {f"document.{path}" if path else "document": [str(exc)]}


def _evaluable(document: dict) -> dict:
    return {k: v for k, v in document.items() if k not in APP_KEYS}


def evaluate(document: dict) -> dict:
    """``evaluate_document`` of the case document (without the app's own keys); ValidationError naming the field
    (``document.<json path>``) when it does not evaluate."""
    from loomlight.interventions.document import evaluate_document

    if not isinstance(document, dict):
        _refuse(_("The inputs must be a JSON object."), "not_an_object", "document")
    try:
        return evaluate_document(_evaluable(document))
    except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
        raise ValidationError({path: [ValidationError(m, code="invalid") for m in messages]
                               for path, messages in _document_errors(exc).items()}) from None


def data_version() -> str:
    """The reference data a result was computed with: the catalogue's, the prices' and the grid factors' versions."""
    from loomlight.reference import grid_factors, interventions, prices

    return " ".join(f"{name}:{module.data_version()[:12]}" for name, module in
                    (("interventions", interventions), ("prices", prices), ("grid_factors", grid_factors)))


def _intervention(code: str):
    from loomlight.reference.interventions import intervention

    try:
        return intervention(code)
    except KeyError:
        _refuse(_("Not an intervention of the catalogue."), "unknown_intervention", "intervention")


def _with_subject_defaults(document: dict, subject) -> dict:
    """The document with the subject's country filled in when missing; a document for another country is refused."""
    if not isinstance(document, dict):
        _refuse(_("The inputs must be a JSON object."), "not_an_object", "document")
    document = dict(document)
    country = document.get("country")
    if country in (None, ""):
        document["country"] = subject.country
    elif country != subject.country:
        _refuse(_("The case is for %(subject)s, in %(country)s: give that country.") % {"subject": subject, "country": subject.country},
                "wrong_country", "document.country")
    return document


def _programme_of(subject):
    programmes = subject.programmes.order_by("pk")
    first = programmes.first()
    if first is None and isinstance(subject, Facility) and subject.park_id:
        first = subject.park.programmes.order_by("pk").first()
    return first


def _store(case: BusinessCase, document: dict, result: dict) -> None:
    case.document = document
    case.result = result
    case.currency = str(result.get("currency") or document.get("currency") or "USD")[:3]
    case.data_version = data_version()[:200]
    case.computed_at = timezone.now()


def _title(title) -> str:
    title = (title or "").strip() if isinstance(title, str) else ""
    if not title:
        _refuse(_("Give the case a title."), "required", "title")
    return title[:200]


def _year(value, field: str = "baseline_year"):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= timezone.localdate().year:
        _refuse(_("Choose a year from 2000 to %(year)s.") % {"year": timezone.localdate().year}, "bad_year", field)
    return value


# --- cases -----------------------------------------------------------------------------------------------------

@transaction.atomic
def case_create(*, by, intervention: str, title: str, document: dict, facility: Facility | None = None,
                park: IndustrialPark | None = None, baseline_year: int | None = None, via: str = "web") -> BusinessCase:
    """A new case (stage idea) for ``facility`` or ``park`` (exactly one), evaluated from ``document``."""
    if (facility is None) == (park is None):
        _refuse(_("Choose a facility or an industrial park."), "required", "facility")
    subject = facility or park
    if not access.can_create(by, subject):
        raise PermissionDenied
    _intervention(intervention)
    title = _title(title)
    baseline_year = _year(baseline_year)
    document = _with_subject_defaults(document, subject)
    result = evaluate(document)
    case = BusinessCase(facility=facility, park=park, programme=_programme_of(subject), intervention=intervention,
                        title=title, baseline_year=baseline_year, created_by=by)
    _store(case, document, result)
    case.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=case, before=None, after=_state(case), via=via)
    StageChange.objects.create(case=case, from_stage="", to_stage=Stage.IDEA, by=by)
    return case


def _state(case: BusinessCase) -> dict:
    """What the audit trail keeps of a case (the result only by its headline figures: it is derived)."""
    state = snapshot(case)
    state.pop("result", None)
    state["npv"] = case.figure("npv")
    return state


@transaction.atomic
def case_update(*, by, case: BusinessCase, document: dict | None = None, title: str | None = None,
                intervention: str | None = None, baseline_year: int | None = None, via: str = "web") -> BusinessCase:
    """Change a case's inputs (re-evaluated through evaluate_document) or title; a document that does not evaluate
    is refused naming the field, and nothing is changed. A verified case is locked."""
    if not access.can_edit(by, case):
        raise PermissionDenied
    case = BusinessCase.objects.select_for_update().get(pk=case.pk)
    if case.stage == Stage.VERIFIED:
        _refuse(_("A verified case can no longer be changed."), "locked")
    before = _state(case)
    if intervention is not None:
        _intervention(intervention)
        case.intervention = intervention
    if title is not None:
        case.title = _title(title)
    if baseline_year is not None:
        case.baseline_year = _year(baseline_year)
    if document is not None:
        document = _with_subject_defaults(document, case.subject)
        _store(case, document, evaluate(document))
    case.updated_at = timezone.now()
    case.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=case, before=before, after=_state(case), via=via)
    return case


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        _refuse(_("Give the amount as a number."), "bad_amount", "amount")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        _refuse(_("Give the amount as a number."), "bad_amount", "amount")
    if not amount.is_finite() or amount <= 0:
        _refuse(_("Give an amount above zero."), "bad_amount", "amount")
    if amount >= Decimal("1e14"):
        _refuse(_("The amount is too large."), "bad_amount", "amount")
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def case_stage_set(*, by, case: BusinessCase, stage: str, note: str = "", financier: Organisation | None = None,
                   instrument: str = "", amount=None, implemented_on: datetime.date | None = None,
                   via: str = "web") -> BusinessCase:
    """Move a case forward one stage, or back (with a note). "financed" needs a financier or an instrument and the
    amount; "implemented" the date; "verified" only through ``savings_measure``."""
    if not access.can_edit(by, case):
        raise PermissionDenied
    case = BusinessCase.objects.select_for_update().get(pk=case.pk)
    if stage not in STAGE_ORDER:
        _refuse(_("Not a stage of the pipeline."), "bad_stage", "stage")
    if stage == Stage.VERIFIED:
        _refuse(_("A case is verified by its measured savings, not by hand."), "verified_by_measurement", "stage")
    note = (note or "").strip() if isinstance(note, str) else ""
    here, there = stage_index(case.stage), stage_index(stage)
    if there == here:
        _refuse(_("The case is already at this stage."), "same_stage", "stage")
    if there > here + 1:
        _refuse(_("Move the case forward one stage at a time."), "skips_a_stage", "stage")
    if there < here and not note:
        _refuse(_("Say why the case moves back."), "note_required", "note")
    if instrument and instrument not in Instrument.values:
        _refuse(_("Not a financing instrument."), "bad_instrument", "instrument")
    if financier is not None and financier.kind != OrganisationKind.FINANCIER:
        _refuse(_("Choose an organisation of kind financier."), "not_a_financier", "financier")
    amount = _amount(amount)
    if implemented_on is not None and not isinstance(implemented_on, datetime.date):
        _refuse(_("Give the date it was implemented."), "bad_date", "implemented_on")
    before = _state(case)
    forward = there > here
    if forward and stage == Stage.FINANCED:
        if financier is None and not instrument and case.financier_id is None and not case.instrument:
            _refuse(_("Name the financier or the instrument."), "financier_required", "financier")
        if amount is None and case.amount is None:
            _refuse(_("Give the amount financed."), "amount_required", "amount")
    if forward and stage == Stage.IMPLEMENTED:
        implemented_on = implemented_on or case.implemented_on
        if implemented_on is None:
            _refuse(_("Give the date it was implemented."), "date_required", "implemented_on")
        if implemented_on > timezone.localdate():
            _refuse(_("The date it was implemented cannot be in the future."), "future_date", "implemented_on")
    if financier is not None:
        case.financier = financier
    if instrument:
        case.instrument = instrument
    if amount is not None:
        case.amount = amount
    if implemented_on is not None:
        case.implemented_on = implemented_on
    from_stage = case.stage
    case.stage = stage
    case.updated_at = timezone.now()
    case.save()
    StageChange.objects.create(case=case, from_stage=from_stage, to_stage=stage, note=note, financier=financier,
                               instrument=instrument or "", amount=amount, by=by)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=case, before=before, after=_state(case), via=via)
    return case


@transaction.atomic
def case_share(*, by, case: BusinessCase, shared: bool = True, via: str = "web") -> BusinessCase:
    """The facility's managers mark a case bankable and shared with financiers (or withdraw it). A financier still
    sees it only with the facility's consent naming business cases to its organisation."""
    if not access.can_share(by, case):
        raise PermissionDenied
    if not isinstance(shared, bool):
        _refuse(_("Say yes or no."), "bad_value", "shared_with_financiers")
    case = BusinessCase.objects.select_for_update().get(pk=case.pk)
    before = _state(case)
    case.shared_with_financiers = shared
    case.updated_at = timezone.now()
    case.save(update_fields=["shared_with_financiers", "updated_at"])
    audit_record(actor=by, action=AuditAction.UPDATE, obj=case, before=before, after=_state(case), via=via)
    return case


@transaction.atomic
def case_delete(*, by, case: BusinessCase, via: str = "web") -> None:
    """Delete a case at stage idea or feasibility: its creator or the facility's managers."""
    if not access.can_delete(by, case):
        raise PermissionDenied
    case = BusinessCase.objects.select_for_update().get(pk=case.pk)
    if case.stage not in DELETABLE_STAGES:
        _refuse(_("Only a case at the idea or feasibility stage can be deleted."), "not_deletable", "stage")
    before = _state(case)
    audit_record(actor=by, action=AuditAction.DELETE, obj=case, before=before, after=None, via=via)
    case.delete()


# --- measured savings -------------------------------------------------------------------------------------------

def _monthly(facility: Facility, metric: str) -> dict[datetime.date, tuple[float, str]]:
    """{month: (Σ value in the canonical unit, unit)} of a facility's stored values of ``metric``."""
    from loomlight.reporting.models import ActivityValue

    months: dict[datetime.date, list] = {}
    for period, value, unit in ActivityValue.objects.filter(facility=facility, metric=metric).values_list("period", "value", "unit"):
        entry = months.setdefault(period, [0.0, unit])
        entry[0] += value
    return {k: (v[0], v[1]) for k, v in months.items()}


def _months_table(facility: Facility, metric: str, production_metric: str):
    from loomlight.calc import mv

    use = _monthly(facility, metric)
    production = _monthly(facility, production_metric)
    rows = [mv.Month(period=f"{m:%Y-%m}", use=use[m][0], production=production[m][0])
            for m in sorted(set(use) & set(production))]
    unit = next(iter(use.values()))[1] if use else ""
    return rows, unit


def _price(case: BusinessCase, metric: str):
    """The price per unit the case's document gives for ``metric`` (the first saving line naming it), or None."""
    for line in (case.document or {}).get("savings", []) or []:
        if isinstance(line, dict) and line.get("metric") == metric and isinstance(line.get("price"), (int, float)):
            return line["price"]
    return None


def _month_start(period: str) -> datetime.date:
    return datetime.date(int(period[:4]), int(period[5:7]), 1)


@transaction.atomic
def savings_measure(*, by, case: BusinessCase, metric: str, production_metric: str = "production_kg",
                    confidence: float = 0.68, via: str = "web") -> MeasuredSavings:
    """Measure a case's savings (IPMVP Option C, ``calc.mv``) on the facility's stored monthly values: the months
    of ``metric`` and ``production_metric`` before the month of ``implemented_on`` are the baseline, those after
    it the reporting period (the month of implementation belongs to neither). A baseline that fails ASHRAE
    Guideline 14 is stored as not accepted with the reasons, and the stage does not move; an accepted baseline
    with positive avoided use moves an implemented case to verified."""
    from loomlight.calc import mv

    if not access.can_edit(by, case):
        raise PermissionDenied
    case = BusinessCase.objects.select_for_update().get(pk=case.pk)
    if case.facility_id is None:
        _refuse(_("Savings are measured on one facility's data: measure them at each tenant's case."), "not_a_facility", "case")
    if case.stage not in (Stage.IMPLEMENTED, Stage.VERIFIED) or case.implemented_on is None:
        _refuse(_("Savings are measured after the case is implemented."), "not_implemented", "stage")
    if not isinstance(metric, str) or not metric:
        _refuse(_("Choose the metric to measure."), "required", "metric")
    rows, unit = _months_table(case.facility, metric, production_metric)
    start = case.implemented_on.replace(day=1)
    baseline = [r for r in rows if _month_start(r.period) < start]
    reporting = [r for r in rows if _month_start(r.period) > start]
    if not baseline:
        _refuse(_("No month before the implementation has both this metric and production."), "no_baseline", "metric")
    if not reporting:
        _refuse(_("No month after the implementation has both this metric and production yet."), "no_reporting", "metric")
    try:
        fitted = mv.fit_baseline(baseline)
    except mv.MvError as exc:
        _refuse(_("The baseline cannot be fitted on these months: %(reason)s.") % {"reason": str(exc)}, "baseline_error", "metric")
    model = {"coefficients": fitted.coefficients, "n": fitted.n, "p": fitted.p, "r2": fitted.r2,
             "cv_rmse": fitted.cv_rmse, "nmbe": fitted.nmbe, "autocorrelation": fitted.autocorrelation,
             "accepted": fitted.accepted, "reasons": list(fitted.reasons), "periods": list(fitted.periods),
             "production_metric": production_metric}
    measurement = MeasuredSavings(case=case, metric=metric, unit=unit, model=model, accepted=fitted.accepted,
                                  baseline_from=_month_start(baseline[0].period), baseline_to=_month_start(baseline[-1].period),
                                  reporting_from=_month_start(reporting[0].period), reporting_to=_month_start(reporting[-1].period),
                                  by=by)
    if fitted.accepted:
        try:
            savings = mv.avoided(fitted, reporting, confidence=confidence)
        except mv.MvError as exc:
            _refuse(_("The savings cannot be measured on these months: %(reason)s.") % {"reason": str(exc)}, "reporting_error", "metric")
        measurement.result = {"periods": list(savings.periods), "adjusted_baseline": savings.adjusted_baseline,
                              "actual": savings.actual, "avoided": savings.avoided,
                              "avoided_fraction": savings.avoided_fraction, "uncertainty": savings.uncertainty,
                              "confidence": savings.confidence}
        measurement.avoided_quantity = savings.avoided
        measurement.uncertainty = savings.uncertainty
        price = _price(case, metric)
        if price is not None:
            measurement.avoided_money = Decimal(str(round(savings.avoided * price, 2)))
    measurement.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=measurement, before=None, after=snapshot(measurement), via=via)
    if fitted.accepted and measurement.avoided_quantity is not None and measurement.avoided_quantity > 0 and case.stage == Stage.IMPLEMENTED:
        before = _state(case)
        case.stage = Stage.VERIFIED
        case.updated_at = timezone.now()
        case.save(update_fields=["stage", "updated_at"])
        StageChange.objects.create(case=case, from_stage=Stage.IMPLEMENTED, to_stage=Stage.VERIFIED, by=by,
                                   note=_("Measured savings accepted (IPMVP Option C)."))
        audit_record(actor=by, action=AuditAction.UPDATE, obj=case, before=before, after=_state(case), via=via)
    return measurement
