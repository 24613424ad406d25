"""Monthly reporting in version 1 of the API: values and the verification workflow.

Reading a facility's values needs the right to its environmental data
(policy.facilities_with_data); writing needs ENTER_DATA, the workflow VERIFY.
The same services serve the form and the Excel import.
"""

from __future__ import annotations

import datetime

from ninja import Field, Query, Router, Schema, Status

from loomlight.api.schemas import PERIOD_PATH, Amount, In, Page, PageQuery, Said, described, model_text, text
from loomlight.api.v1 import READ_ERRORS, WRITE_ERRORS, _page, _period, _visible
from loomlight.calc.validation import HIGH_FACTOR, MIN_HISTORY, WINDOW_MONTHS
from loomlight.reference.metrics import metrics
from loomlight.registry import policy
from loomlight.registry.models import DataKind
from loomlight.registry.policy import Action
from loomlight.registry.validators import FIRST_YEAR
from loomlight.reporting import services
from loomlight.reporting.models import ActivityValue, ReportingPeriod

VIA = "api"
router = Router(tags=["reporting"])
Period = described(str, {"type": "string", "pattern": PERIOD_PATH, "description": "The month, YYYY-MM."})


class ValueIn(In):
    period: Period
    metric: described(str, {"type": "string", "enum": list(metrics())}) = Field(
        ..., description="A metric code of the catalogue (GET /api/v1/metrics).")
    value: Amount = Field(..., description="Zero or more (a count or an amount), in `unit`.")
    unit: model_text(ActivityValue, "original_unit") = Field(
        ..., description="Any unit of the metric's dimension: kWh, MWh, GJ, L, m³, US gallon, kg, tonne, ...; "
                         "a fuel also in a unit of mass or volume (its also_accepts), converted to GJ with the "
                         "facility's fuel properties for the month or the shipped defaults.")
    qualifier: model_text(ActivityValue, "qualifier") = Field(
        "", description="Product type of a production figure, waste type of a waste figure.")


class ValueOut(Schema):
    period: str
    metric: str
    qualifier: str
    value: float
    unit: str
    original_value: float
    original_unit: str
    conversion: dict | None = Field(None, description="For a fuel reported by mass or volume: the formula, gj_per_unit "
                                    "(value = original_value × gj_per_unit) and each factor (ncv, density) with its source: "
                                    "a shipped default and its citation, or the facility's fuel property and its evidence.")
    source: str
    flag: str = Field(..., description=f"`high`, `low` or empty: the history check when the value was stored. A value "
                      f"above {HIGH_FACTOR:g} times or below 1/{HIGH_FACTOR:g} of both the median of the facility's earlier "
                      f"months of this series (at least {MIN_HISTORY} of the {WINDOW_MONTHS} before) and the same month "
                      "last year, as far as they are known, is flagged for review; never refused.")
    entered_at: datetime.datetime

    @staticmethod
    def resolve_period(obj) -> str:
        return f"{obj.period:%Y-%m}"


class PeriodOut(Schema):
    period: str
    status: str
    submitted_at: datetime.datetime | None
    verified_at: datetime.datetime | None
    comment: str

    @staticmethod
    def resolve_period(obj) -> str:
        return f"{obj.period:%Y-%m}"


class ValueFilters(PageQuery):
    year: int | None = Field(None, ge=FIRST_YEAR, le=2100)
    metric: text() = ""


class CommentIn(In):
    comment: Said = Field(..., description="Why the month is returned: the facility reads this.")


class ReasonIn(In):
    reason: Said = Field(..., description="Why the verified month is reopened: recorded with it.")


class MetricOut(Schema):
    code: str
    name: str
    category: str
    canonical_unit: str = Field(..., description="The unit values are stored and returned in (`value`).")
    reporting_unit: str = Field(..., description="The unit the metric is usually reported in (bill, meter, delivery "
                                "note): litres of diesel, tonnes of coal, kWh of electricity. The template and the form "
                                "start with it; any unit of the metric's dimension, or of `also_accepts`, is accepted.")
    also_accepts: list[str]


def _with_data(request, facility_id: int):
    return _visible(policy.facilities_with_data(request.user, DataKind.ENVIRONMENTAL), facility_id)


@router.get("/metrics", response={200: list[MetricOut], **READ_ERRORS})
def metric_list(request):
    """The metric catalogue: codes, canonical and usual reporting units, and the other dimensions a metric accepts."""
    return [{**vars(m), "also_accepts": list(m.also_accepts)} for m in metrics().values()]


@router.get("/facilities/{facility_id}/values", response={200: Page[ValueOut], **READ_ERRORS})
def value_list(request, facility_id: int, query: Query[ValueFilters]):
    facility = _with_data(request, facility_id)
    values = ActivityValue.objects.filter(facility=facility)
    if query.year:
        values = values.filter(period__year=query.year)
    if query.metric:
        values = values.filter(metric=query.metric)
    return _page(values.order_by("period", "metric", "qualifier"), query)


@router.post("/facilities/{facility_id}/values", response={201: ValueOut, **WRITE_ERRORS})
def value_set(request, facility_id: int, payload: ValueIn):
    """Record or correct one monthly value. Sending the same value again changes nothing."""
    facility = _with_data(request, facility_id)
    policy.require(request.user, Action.ENTER_DATA, facility)
    row = services.activity_value_set(by=request.user, facility=facility, period=_period(payload.period), metric=payload.metric,
                                      value=payload.value, unit=payload.unit, qualifier=payload.qualifier, via=VIA)
    return Status(201, row)


@router.get("/facilities/{facility_id}/periods", response={200: Page[PeriodOut], **READ_ERRORS})
def period_list(request, facility_id: int, query: Query[PageQuery]):
    facility = _with_data(request, facility_id)
    return _page(ReportingPeriod.objects.filter(facility=facility).order_by("period"), query)


def _transition(request, facility_id: int, period: str, action: Action, call):
    facility = _with_data(request, facility_id)
    policy.require(request.user, action, facility)
    return call(facility, _period(period))


@router.post("/facilities/{facility_id}/periods/{period}/submit", response={200: PeriodOut, **WRITE_ERRORS})
def period_submit(request, facility_id: int, period: Period):
    return _transition(request, facility_id, period, Action.ENTER_DATA,
                       lambda f, p: services.period_submit(by=request.user, facility=f, period=p, via=VIA))


@router.post("/facilities/{facility_id}/periods/{period}/verify", response={200: PeriodOut, **WRITE_ERRORS})
def period_verify(request, facility_id: int, period: Period):
    return _transition(request, facility_id, period, Action.VERIFY,
                       lambda f, p: services.period_verify(by=request.user, facility=f, period=p, via=VIA))


@router.post("/facilities/{facility_id}/periods/{period}/return", response={200: PeriodOut, **WRITE_ERRORS})
def period_return(request, facility_id: int, period: Period, payload: CommentIn):
    return _transition(request, facility_id, period, Action.VERIFY,
                       lambda f, p: services.period_return(by=request.user, facility=f, period=p, comment=payload.comment, via=VIA))


@router.post("/facilities/{facility_id}/periods/{period}/reopen", response={200: PeriodOut, **WRITE_ERRORS})
def period_reopen(request, facility_id: int, period: Period, payload: ReasonIn):
    return _transition(request, facility_id, period, Action.VERIFY,
                       lambda f, p: services.period_reopen(by=request.user, facility=f, period=p, reason=payload.reason, via=VIA))
