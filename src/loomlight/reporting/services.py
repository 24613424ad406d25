"""Write paths for monthly reporting: values and the verification workflow.

The form, the Excel import and the API call these. Each checks the policy,
validates, writes and records the audit event in one transaction.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from loomlight.audit.models import AuditAction
from loomlight.audit.services import audit_record, snapshot
from loomlight.calc.units import UnitError, dimension_of, to_canonical
from loomlight.calc.validation import history_flag
from loomlight.reference.metrics import metrics
from loomlight.registry import policy
from loomlight.registry.models import Facility
from loomlight.registry.policy import Action
from loomlight.reporting.models import ActivityValue, PeriodStatus, ReportingPeriod

EDITABLE_STATUSES = (PeriodStatus.DRAFT, PeriodStatus.RETURNED)


def month_start(period: datetime.date) -> datetime.date:
    return period.replace(day=1)


def _check_period(period: datetime.date) -> datetime.date:
    if not isinstance(period, datetime.date):
        raise ValidationError({"period": [_("Give the month as YYYY-MM.")]})
    if period.day != 1:
        raise ValidationError({"period": [_("A reporting period is a month: give its first day (YYYY-MM-01).")]})
    if period > month_start(timezone.localdate()):
        raise ValidationError({"period": [_("%(month)s is in the future.") % {"month": f"{period:%Y-%m}"}]})
    return period


def _period_row(facility: Facility, period: datetime.date, *, for_update: bool = True) -> ReportingPeriod:
    qs = ReportingPeriod.objects.select_for_update() if for_update else ReportingPeriod.objects
    row, _created = qs.get_or_create(facility=facility, period=period)
    return row


def convert(metric: str, value, unit: str):
    """Check the metric and convert the value to its canonical unit (ValidationError naming the field)."""
    catalogue = metrics()
    if metric not in catalogue:
        raise ValidationError({"metric": [_("Unknown metric “%(code)s”.") % {"code": metric}]})
    canonical = catalogue[metric].canonical_unit
    try:
        return to_canonical(value, unit, canonical)
    except UnitError as exc:
        field = "value" if exc.code in ("not_a_number", "negative") else "unit"
        if exc.code == "wrong_dimension" and _accepted_through_fuel_properties(metric, unit):
            raise ValidationError({"unit": [_(
                "Report %(metric)s in an energy unit (GJ, MJ or kWh) for now: conversion from mass or volume "
                "needs sourced fuel properties, which this version does not ship yet."
            ) % {"metric": metric}]}) from None
        raise ValidationError({field: [str(exc)]}) from None


def _accepted_through_fuel_properties(metric: str, unit: str) -> bool:
    try:
        return dimension_of(unit) in metrics()[metric].also_accepts
    except UnitError:
        return False


def _flag(facility: Facility, period: datetime.date, metric: str, qualifier: str, value: float) -> str:
    start = (period - datetime.timedelta(days=366)).replace(day=1)
    history = list(
        ActivityValue.objects.filter(facility=facility, metric=metric, qualifier=qualifier, period__gte=start, period__lt=period)
        .order_by("period").values_list("value", flat=True)
    )
    return history_flag(value, history)


@transaction.atomic
def activity_value_set(*, by, facility: Facility, period: datetime.date, metric: str, value, unit: str,
                       qualifier: str = "", via: str = "form") -> ActivityValue:
    """Record (or correct) one monthly value. Re-entering the same value changes nothing."""
    policy.require(by, Action.ENTER_DATA, facility)
    period = _check_period(period)
    converted = convert(metric, value, unit)
    month = _period_row(facility, period)
    if month.status not in EDITABLE_STATUSES:
        raise ValidationError({"period": [_("%(month)s is %(status)s: it cannot be changed.") % {
            "month": f"{period:%Y-%m}", "status": month.get_status_display()}]})
    existing = ActivityValue.objects.filter(facility=facility, period=period, metric=metric, qualifier=qualifier).first()
    if existing and (existing.original_value, existing.original_unit) == (converted.original_value, converted.original_unit):
        return existing
    before = snapshot(existing) if existing else None
    row = existing or ActivityValue(facility=facility, period=period, metric=metric, qualifier=qualifier)
    row.value, row.unit = converted.value, converted.unit
    row.original_value, row.original_unit = converted.original_value, converted.original_unit
    row.source, row.entered_by, row.entered_at = via, by, timezone.now()
    row.flag = _flag(facility, period, metric, qualifier, converted.value)
    row.save()
    audit_record(actor=by, action=AuditAction.UPDATE if existing else AuditAction.CREATE, obj=row,
                 before=before, after=snapshot(row), via=via)
    return row


def _transition(*, by, facility, period, action, allowed_from, to, comment="", via="web") -> ReportingPeriod:
    policy.require(by, action, facility)
    period = _check_period(period)
    month = _period_row(facility, period)
    if month.status not in allowed_from:
        raise ValidationError({"status": [_("%(month)s is %(status)s.") % {"month": f"{period:%Y-%m}", "status": month.get_status_display()}]})
    before = snapshot(month)
    month.status = to
    now = timezone.now()
    if to == PeriodStatus.SUBMITTED:
        month.submitted_at, month.submitted_by = now, by
    if to == PeriodStatus.VERIFIED:
        month.verified_at, month.verified_by = now, by
    if comment or to in (PeriodStatus.RETURNED, PeriodStatus.DRAFT):
        month.comment = comment
    month.save()
    audit_record(actor=by, action=AuditAction.UPDATE, obj=month, before=before, after=snapshot(month), via=via)
    return month


@transaction.atomic
def period_submit(*, by, facility: Facility, period: datetime.date, via: str = "web") -> ReportingPeriod:
    if not ActivityValue.objects.filter(facility=facility, period=period).exists():
        raise ValidationError({"period": [_("Nothing has been reported for this month yet.")]})
    return _transition(by=by, facility=facility, period=period, action=Action.ENTER_DATA,
                       allowed_from=EDITABLE_STATUSES, to=PeriodStatus.SUBMITTED, via=via)


@transaction.atomic
def period_verify(*, by, facility: Facility, period: datetime.date, via: str = "web") -> ReportingPeriod:
    return _transition(by=by, facility=facility, period=period, action=Action.VERIFY,
                       allowed_from=(PeriodStatus.SUBMITTED,), to=PeriodStatus.VERIFIED, via=via)


def _required(comment: str, field: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({field: [_("Say why: the facility reads this.")]})
    return comment


@transaction.atomic
def period_return(*, by, facility: Facility, period: datetime.date, comment: str, via: str = "web") -> ReportingPeriod:
    comment = _required(comment, "comment")
    return _transition(by=by, facility=facility, period=period, action=Action.VERIFY,
                       allowed_from=(PeriodStatus.SUBMITTED,), to=PeriodStatus.RETURNED, comment=comment, via=via)


@transaction.atomic
def period_reopen(*, by, facility: Facility, period: datetime.date, reason: str, via: str = "web") -> ReportingPeriod:
    """Unlock a verified month so that it can be corrected; the reason is recorded."""
    reason = _required(reason, "reason")
    return _transition(by=by, facility=facility, period=period, action=Action.VERIFY,
                       allowed_from=(PeriodStatus.VERIFIED,), to=PeriodStatus.DRAFT, comment=reason, via=via)
