"""Monthly reporting in version 1 of the API: values and the verification workflow.

Reading a facility's values needs the right to its environmental data
(policy.facilities_with_data); writing needs ENTER_DATA, the workflow VERIFY.
The same services serve the form and the Excel import.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema, Status

from loomlight.api.schemas import PERIOD_PATH, Amount, In, Page, PageQuery, Said, described, model_text, text
from loomlight.api.v1 import READ_ERRORS, WRITE_ERRORS, _page, _period, _visible
from loomlight.calc.validation import HIGH_FACTOR, MIN_HISTORY, WINDOW_MONTHS
from loomlight.reference.metrics import metrics
from loomlight.registry import policy
from loomlight.registry.models import DataKind
from loomlight.registry.policy import Action
from loomlight.registry.validators import FIRST_YEAR
from loomlight.reporting import bulk, services
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


# --- many months at once (issue 16): reporting.bulk ---------------------------------------------------------

class MonthIn(In):
    facility: int = Field(..., ge=1, le=2**63 - 1, description="The facility's id.")
    period: Period


class MonthsIn(In):
    months: list[MonthIn] = Field(..., min_length=1, max_length=bulk.MAX_MONTHS,
                                  description=f"The facility-months, 1 to {bulk.MAX_MONTHS}; one sent twice counts once.")


class MonthsCommentIn(MonthsIn):
    comment: Said = Field(..., description="Why the months are returned: each facility reads this.")


class MonthsReasonIn(MonthsIn):
    reason: Said = Field(..., description="Why the verified months are reopened: recorded with each.")


class SubmitCompleteIn(In):
    year: int = Field(..., ge=FIRST_YEAR, le=2100, description="The year whose complete months are submitted.")


class BulkMonthOut(Schema):
    facility: int
    period: str


class BulkRefusalOut(BulkMonthOut):
    reason: str = Field(..., description="Why this month was not changed, in the caller's language.")


class BulkOut(Schema):
    action: str
    summary: str
    done: list[BulkMonthOut] = Field(..., description="The months changed, each by its one-month service and audited.")
    refused: list[BulkRefusalOut] = Field(..., description="The months not changed, each with its reason.")


def _months(payload: MonthsIn) -> list[tuple[int, datetime.date]]:
    return [(m.facility, _period(m.period, f"months.{i}.period")) for i, m in enumerate(payload.months)]


def _reviewer(request) -> None:
    """A caller who may verify no facility's months is refused (403), as on the review page."""
    if not policy.facilities_verifiable(request.user).exists():
        raise PermissionDenied


@router.post("/periods/verify", response={200: BulkOut, **WRITE_ERRORS})
def periods_verify(request, payload: MonthsIn):
    """Verify many months of one or several facilities, month by month: a month that cannot be verified (not
    submitted, entered or submitted by the caller, of a facility outside their scope) is refused with its reason
    and the others are verified."""
    _reviewer(request)
    return bulk.months_verify(by=request.user, months=_months(payload), via=VIA).as_dict()


@router.post("/periods/return", response={200: BulkOut, **WRITE_ERRORS})
def periods_return(request, payload: MonthsCommentIn):
    """Return many submitted months for correction with one comment, month by month."""
    _reviewer(request)
    return bulk.months_return(by=request.user, months=_months(payload), comment=payload.comment, via=VIA).as_dict()


@router.post("/periods/reopen", response={200: BulkOut, **WRITE_ERRORS})
def periods_reopen(request, payload: MonthsReasonIn):
    """Reopen many verified months with one reason, month by month."""
    _reviewer(request)
    return bulk.months_reopen(by=request.user, months=_months(payload), reason=payload.reason, via=VIA).as_dict()


@router.post("/facilities/{facility_id}/periods/submit-complete", response={200: BulkOut, **WRITE_ERRORS})
def periods_submit_complete(request, facility_id: int, payload: SubmitCompleteIn):
    """Submit the facility's complete months of a year (every applicable metric has a value); each month not
    complete is named in `refused` with the metrics it lacks, and stays as it was."""
    facility = _with_data(request, facility_id)
    policy.require(request.user, Action.ENTER_DATA, facility)
    return bulk.months_submit_complete(by=request.user, facility=facility, year=payload.year, via=VIA).as_dict()
