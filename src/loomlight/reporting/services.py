"""Write paths for monthly reporting: values, fuel properties and the verification workflow.

The form, the Excel import and the API call these. Each checks the policy,
validates, writes and records the audit event in one transaction.

A fuel reported by mass or volume becomes energy (GJ) with ``calc.fuels``: the
facility's own calorific value and density valid for the month (``FuelProperty``,
backed by evidence) before the defaults shipped in ``reference/fuel_properties.csv``;
the value records which factors it used (``ActivityValue.conversion``).
"""

from __future__ import annotations

import datetime
import math

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from loomlight.audit.models import AuditAction
from loomlight.audit.services import audit_record, snapshot
from loomlight.calc.fuels import FuelError, FuelErrorCode, Property, fuel_energy, ncv_basis, property_quantity
from loomlight.calc.units import Converted, UnitError, dimension_of, parse_number, to_canonical
from loomlight.calc.validation import SEASON_MONTHS, WINDOW_MONTHS, HistoryCheck, history_check, month_index
from loomlight.inventories import services as inventories
from loomlight.reference import fuel_properties
from loomlight.reference.metrics import metrics
from loomlight.registry import policy
from loomlight.registry.models import Facility
from loomlight.registry.policy import Action
from loomlight.reporting import selectors
from loomlight.registry.validators import validate_month, validate_text
from loomlight.reporting.models import ActivityValue, FuelProperty, PeriodStatus, ReportingPeriod
from loomlight.site.calc_messages import calc_message
from loomlight.site.numbers import number as format_number

EDITABLE_STATUSES = (PeriodStatus.DRAFT, PeriodStatus.RETURNED)


def month_start(period: datetime.date) -> datetime.date:
    return period.replace(day=1)


def _check_period(period: datetime.date) -> datetime.date:
    """A reporting month (registry.validators.validate_month: January 1990 to this month), or an error on ``period``."""
    try:
        return validate_month(period)
    except ValidationError as exc:
        raise ValidationError({"period": exc.messages}) from None


def _period_row(facility: Facility, period: datetime.date, *, for_update: bool = True) -> ReportingPeriod:
    qs = ReportingPeriod.objects.select_for_update() if for_update else ReportingPeriod.objects
    row, _created = qs.get_or_create(facility=facility, period=period)
    return row


_LOOK_UP = object()


def convert(metric: str, value, unit: str, *, facility: Facility | None = None, period: datetime.date | None = None,
            fuel_property=_LOOK_UP) -> Converted:
    """Check the metric and convert the value to its canonical unit (ValidationError naming the field).

    A fuel given in a mass or volume unit (its ``also_accepts``) becomes energy with the
    facility's FuelProperty valid for ``period`` and the shipped defaults; the result's
    ``conversion`` records the factors. Callers that resolved the FuelProperty themselves
    (the import, for many rows) pass it, or None, as ``fuel_property``.
    """
    catalogue = metrics()
    if metric not in catalogue:
        raise ValidationError({"metric": [_("Unknown metric “%(code)s”.") % {"code": metric}]})
    canonical = catalogue[metric].canonical_unit
    try:
        return to_canonical(value, unit, canonical)
    except UnitError as exc:
        if exc.code == "wrong_dimension" and _accepted_through_fuel_properties(metric, unit):
            if fuel_property is _LOOK_UP:
                fuel_property = fuel_property_valid(facility, metric, period) if facility and period else None
            return _fuel_converted(metric, value, unit, fuel_property)
        field = "value" if exc.code in ("not_a_number", "negative") else "unit"
        raise ValidationError({field: [calc_message(exc)]}) from None


def _accepted_through_fuel_properties(metric: str, unit: str) -> bool:
    try:
        return dimension_of(unit) in metrics()[metric].also_accepts
    except UnitError:
        return False


def fuel_property_valid(facility: Facility, metric: str, period: datetime.date) -> FuelProperty | None:
    """The facility's FuelProperty of ``metric`` that applies to ``period``: the latest from that month or before."""
    return (FuelProperty.objects.filter(facility=facility, metric=metric, valid_from__lte=period)
            .order_by("-valid_from").first())


def fuel_factors(metric: str, fuel_property: FuelProperty | None) -> tuple[Property | None, Property | None]:
    """(NCV, density) for converting ``metric``: the facility's values where it recorded them, else the defaults.

    A default density is used only with an NCV per mass: a facility's NCV per volume may
    refer to another volume (gas at its metering conditions, LPG as vapour) than the default's.
    """
    ncv = density = None
    if fuel_property is not None:
        provenance = {"source": "facility", "fuel_property": fuel_property.pk, "evidence": fuel_property.evidence_id,
                      "valid_from": f"{fuel_property.valid_from:%Y-%m}"}
        if fuel_property.ncv_value is not None:
            ncv = Property(fuel_property.ncv_value, fuel_property.ncv_unit, provenance)
        if fuel_property.density_value is not None:
            density = Property(fuel_property.density_value, fuel_property.density_unit, provenance)
    if ncv is None and (shipped := fuel_properties.default(metric, "ncv")):
        ncv = shipped.as_property()
    if density is None and ncv is not None and ncv_basis(ncv) == "mass" and (shipped := fuel_properties.default(metric, "density")):
        density = shipped.as_property()
    return ncv, density


def _fuel_converted(metric: str, value, unit: str, fuel_property: FuelProperty | None) -> Converted:
    name = gettext(metrics()[metric].name)
    fix = _("attach the supplier's specification or a laboratory report as evidence and record the facility's value "
            "under “Fuel properties”, or report the energy in GJ.")
    ncv, density = fuel_factors(metric, fuel_property)
    if ncv is None:
        raise ValidationError({"unit": [_("No net calorific value is known for %(fuel)s: %(fix)s") % {"fuel": name, "fix": fix}]})
    try:
        result = fuel_energy(value, unit, ncv=ncv, density=density)
    except UnitError as exc:
        raise ValidationError({"value" if exc.code in ("not_a_number", "negative") else "unit": [calc_message(exc)]}) from None
    except FuelError as exc:
        if exc.code != FuelErrorCode.DENSITY_NEEDED:
            raise ValidationError({"unit": [calc_message(exc)]}) from None
        if dimension_of(unit) == "volume":
            message = _("Converting %(fuel)s from a volume needs its density (or its net calorific value per m³), and "
                        "none is recorded for this facility or shipped for this fuel: %(fix)s")
        else:
            message = _("Converting %(fuel)s from a mass needs its density (or its net calorific value per mass), and "
                        "none is recorded for this facility: %(fix)s")
        raise ValidationError({"unit": [message % {"fuel": name, "fix": fix}]}) from None
    canonical = metrics()[metric].canonical_unit
    if not math.isfinite(result.energy_gj):
        raise ValidationError({"value": [_("%(value)s %(unit)s is too large: in %(canonical)s it is beyond the largest "
                                           "number stored.") % {"value": format_number(result.quantity), "unit": str(unit).strip(),
                                                                "canonical": canonical}]})
    energy = result.energy_gj if canonical == "GJ" else to_canonical(result.energy_gj, "GJ", canonical).value
    return Converted(value=energy, unit=canonical, original_value=result.quantity, original_unit=str(unit).strip(),
                     conversion=result.record())


def activity_value_check(*, facility: Facility, period: datetime.date, metric: str, qualifier: str,
                         value: float) -> HistoryCheck:
    """The history check (``calc.validation.history_check``) of ``value`` [canonical unit] for this month and
    series, against the values stored in the WINDOW_MONTHS before it. One query; writes nothing."""
    month = month_index(period.year, period.month)
    first = month - max(WINDOW_MONTHS, SEASON_MONTHS)
    history = {month_index(p.year, p.month): v for p, v in ActivityValue.objects.filter(
        facility=facility, metric=metric, qualifier=qualifier, period__gte=datetime.date(first // 12, first % 12 + 1, 1),
        period__lt=period,
    ).values_list("period", "value")}
    return history_check(value, month, history)


def _flag(facility: Facility, period: datetime.date, metric: str, qualifier: str, value: float) -> str:
    return activity_value_check(facility=facility, period=period, metric=metric, qualifier=qualifier, value=value).flag


@transaction.atomic
def activity_value_set(*, by, facility: Facility, period: datetime.date, metric: str, value, unit: str,
                       qualifier: str = "", via: str = "form") -> ActivityValue:
    """Record (or correct) one monthly value. Re-entering the same value changes nothing."""
    policy.require(by, Action.ENTER_DATA, facility)
    period = _check_period(period)
    _check_text(qualifier=qualifier, unit=str(unit).strip())
    converted = convert(metric, value, unit, facility=facility, period=period)
    month = _period_row(facility, period)
    if month.status not in EDITABLE_STATUSES:
        raise ValidationError({"period": [_("%(month)s is %(status)s: it cannot be changed.") % {
            "month": f"{period:%Y-%m}", "status": month.get_status_display()}]})
    existing = ActivityValue.objects.filter(facility=facility, period=period, metric=metric, qualifier=qualifier).first()
    if existing and _same(existing, converted):
        return existing
    before = snapshot(existing) if existing else None
    row = existing or ActivityValue(facility=facility, period=period, metric=metric, qualifier=qualifier)
    row.value, row.unit = converted.value, converted.unit
    row.original_value, row.original_unit = converted.original_value, converted.original_unit
    row.conversion = converted.conversion
    row.source, row.entered_by, row.entered_at = via, by, timezone.now()
    row.flag = _flag(facility, period, metric, qualifier, converted.value)
    row.save()
    audit_record(actor=by, action=AuditAction.UPDATE if existing else AuditAction.CREATE, obj=row,
                 before=before, after=snapshot(row), via=via)
    inventories.schedule(facility.pk, [period])
    return row


@transaction.atomic
def month_values_set(*, by, facility: Facility, period: datetime.date, entries: list[dict],
                     via: str = "form") -> list[int]:
    """Record several values of one facility-month (the month form), all or nothing.

    ``entries``: dicts of metric, qualifier, value and unit; each goes through ``activity_value_set`` (the
    rules of every path, an audit event per created or changed value). When any is refused nothing is
    stored, and the ValidationError names every refused entry's field as ``"<index>.<field>"`` (index in
    ``entries``; field metric, qualifier, value or unit), or the month (``period``) when it is closed.
    Returns the indexes of the entries that created or changed a value (a value sent again unchanged is not)."""
    policy.require(by, Action.ENTER_DATA, facility)
    period = _check_period(period)
    month = ReportingPeriod.objects.filter(facility=facility, period=period).first()
    if month is not None and month.status not in EDITABLE_STATUSES:
        raise ValidationError({"period": [_("%(month)s is %(status)s: it cannot be changed.") % {
            "month": f"{period:%Y-%m}", "status": month.get_status_display()}]})
    before = {(v.metric, v.qualifier): (v.original_value, v.original_unit, v.conversion)
              for v in ActivityValue.objects.filter(facility=facility, period=period)}
    errors: dict[str, list[str]] = {}
    changed: list[int] = []
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(entries):
        key = (entry["metric"], str(entry.get("qualifier", "")).strip())
        if key in seen:
            errors[f"{index}.qualifier"] = [_("This metric and type are already in the form: give another type, or add "
                                              "the amounts up.")]
            continue
        seen.add(key)
        try:
            row = activity_value_set(by=by, facility=facility, period=period, metric=key[0], value=entry["value"],
                                     unit=entry["unit"], qualifier=key[1], via=via)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors[f"{index}.{'value' if name == NON_FIELD_ERRORS else name}"] = messages
            continue
        if before.get(key) != (row.original_value, row.original_unit, row.conversion):
            changed.append(index)
    if errors:
        raise ValidationError(errors)   # leaves the transaction: nothing of the month is stored
    return changed


def _check_text(*, qualifier: str, unit: str) -> None:
    """The qualifier and the unit as written fit their columns and hold storable text (the import checks its cells alike)."""
    errors = {}
    for name, column, text in (("qualifier", "qualifier", qualifier), ("unit", "original_unit", unit)):
        try:
            validate_text(text)
            ActivityValue._meta.get_field(column).run_validators(text)
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)


def _same(row: ActivityValue, converted: Converted) -> bool:
    """The stored value is what this conversion gives: the same report, converted with the same factors
    (a fuel's record holds its energy per reported unit; a plain change of unit has none)."""
    return ((row.original_value, row.original_unit, row.conversion)
            == (converted.original_value, converted.original_unit, converted.conversion))


def _transition(*, by, facility, period, action, allowed_from, to, comment="", via="web", guard=None) -> ReportingPeriod:
    policy.require(by, action, facility)
    period = _check_period(period)
    month = _period_row(facility, period)
    if month.status not in allowed_from:
        raise ValidationError({"status": [_("%(month)s is %(status)s.") % {"month": f"{period:%Y-%m}", "status": month.get_status_display()}]})
    if guard is not None:
        guard(by, month)
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
    inventories.status_set(facility, period, to)
    audit_record(actor=by, action=AuditAction.UPDATE, obj=month, before=before, after=snapshot(month), via=via)
    return month


@transaction.atomic
def period_submit(*, by, facility: Facility, period: datetime.date, via: str = "web") -> ReportingPeriod:
    if not ActivityValue.objects.filter(facility=facility, period=period).exists():
        raise ValidationError({"period": [_("Nothing has been reported for this month yet.")]})
    return _transition(by=by, facility=facility, period=period, action=Action.ENTER_DATA,
                       allowed_from=EDITABLE_STATUSES, to=PeriodStatus.SUBMITTED, via=via)


def _not_an_author(by, month: ReportingPeriod) -> None:
    """Separation of duties: nobody verifies a month they entered, changed or submitted, whatever their roles."""
    written = selectors.months_written_by(by, month.facility_id, [month.period])
    if written:
        raise ValidationError({NON_FIELD_ERRORS: [selectors.verify_refusal(written[month.period], month.period)]})


@transaction.atomic
def period_verify(*, by, facility: Facility, period: datetime.date, via: str = "web") -> ReportingPeriod:
    """Verify a submitted month, which locks it. Refused to anyone who entered, changed or submitted it
    (``selectors.months_written_by``): another reviewer must verify it."""
    return _transition(by=by, facility=facility, period=period, action=Action.VERIFY,
                       allowed_from=(PeriodStatus.SUBMITTED,), to=PeriodStatus.VERIFIED, via=via, guard=_not_an_author)


def _required(comment: str, field: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({field: [_("Say why: the facility reads this.")]})
    return comment


@transaction.atomic
def period_return(*, by, facility: Facility, period: datetime.date, comment: str, via: str = "web") -> ReportingPeriod:
    """Send a submitted month back for correction, with a comment. Allowed to its own authors too: returning
    vouches for nothing (the month becomes editable again and must be submitted and verified anew)."""
    comment = _required(comment, "comment")
    return _transition(by=by, facility=facility, period=period, action=Action.VERIFY,
                       allowed_from=(PeriodStatus.SUBMITTED,), to=PeriodStatus.RETURNED, comment=comment, via=via)


@transaction.atomic
def period_reopen(*, by, facility: Facility, period: datetime.date, reason: str, via: str = "web") -> ReportingPeriod:
    """Unlock a verified month so that it can be corrected; the reason is recorded."""
    reason = _required(reason, "reason")
    return _transition(by=by, facility=facility, period=period, action=Action.VERIFY,
                       allowed_from=(PeriodStatus.VERIFIED,), to=PeriodStatus.DRAFT, comment=reason, via=via)


# --- fuel properties ---------------------------------------------------------

def fuel_metrics() -> list[str]:
    """Codes of the fuels that may be reported by mass or volume, in catalogue order."""
    return [code for code, m in metrics().items() if m.also_accepts]


def _fuel_property_number(value, field: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = parse_number(value)
    except UnitError as exc:
        raise ValidationError({field: [calc_message(exc)]}) from None
    if number <= 0:
        raise ValidationError({field: [_("Give a value above zero.")]})
    return number


def _fuel_property_unit(number: float | None, unit: str, kind: str, field: str) -> str:
    unit = (unit or "").strip()
    if number is None:
        return ""
    if not unit:
        raise ValidationError({field: [_("Give the unit, as on the specification.")]})
    try:
        property_quantity(Property(number, unit), kind)
    except UnitError as exc:
        raise ValidationError({field: [calc_message(exc)]}) from None
    except FuelError:
        if kind == "ncv":
            message = _("“%(unit)s” is not a unit of calorific value: give energy per mass (GJ/t, MJ/kg) or per volume (MJ/m³).")
        else:
            message = _("“%(unit)s” is not a unit of density: give mass per volume (kg/L, kg/m³) or volume per mass (L/t).")
        raise ValidationError({field: [message % {"unit": unit}]}) from None
    return unit


@transaction.atomic
def fuel_property_create(*, by, facility: Facility, metric: str, valid_from: datetime.date, evidence, ncv_value=None,
                         ncv_unit: str = "", density_value=None, density_unit: str = "", note: str = "",
                         via: str = "web") -> FuelProperty:
    """Record the facility's own calorific value and/or density of a fuel from a month on, backed by evidence.

    Values already stored for that fuel from that month (until the facility's next
    record), in months that may still change, are converted again with it, each
    correction audited; submitted and verified months keep what they were verified with.
    """
    policy.require(by, Action.ENTER_DATA, facility)
    if metric not in fuel_metrics():
        raise ValidationError({"metric": [_("Choose a fuel that is reported by mass or volume.")]})
    if not isinstance(valid_from, datetime.date) or valid_from.day != 1:
        raise ValidationError({"valid_from": [_("Give the first month it applies to, as YYYY-MM.")]})
    try:
        validate_month(valid_from)
    except ValidationError as exc:
        raise ValidationError({"valid_from": exc.messages}) from None
    if evidence is None or evidence.facility_id != facility.pk:
        raise ValidationError({"evidence": [_("Choose a file of evidence attached to this facility.")]})
    ncv = _fuel_property_number(ncv_value, "ncv_value")
    density = _fuel_property_number(density_value, "density_value")
    if ncv is None and density is None:
        raise ValidationError({"ncv_value": [_("Give the net calorific value, the density, or both.")]})
    ncv_unit = _fuel_property_unit(ncv, ncv_unit, "ncv", "ncv_unit")
    density_unit = _fuel_property_unit(density, density_unit, "density", "density_unit")
    if FuelProperty.objects.filter(facility=facility, metric=metric, valid_from=valid_from).exists():
        raise ValidationError({"valid_from": [_("This facility already has values of this fuel from %(month)s.") % {
            "month": f"{valid_from:%Y-%m}"}]})
    row = FuelProperty(facility=facility, metric=metric, valid_from=valid_from, ncv_value=ncv, ncv_unit=ncv_unit,
                       density_value=density, density_unit=density_unit, evidence=evidence, note=(note or "").strip()[:300],
                       created_by=by)
    row.full_clean()
    row.save()
    audit_record(actor=by, action=AuditAction.CREATE, obj=row, before=None, after=snapshot(row), via=via)
    _reconvert(by=by, fuel_property=row, via=via)
    return row


def _reconvert(*, by, fuel_property: FuelProperty, via: str) -> None:
    """Convert again, with ``fuel_property``, the stored values it now applies to in months that may change."""
    facility, metric = fuel_property.facility, fuel_property.metric
    values = ActivityValue.objects.filter(facility=facility, metric=metric, period__gte=fuel_property.valid_from,
                                          conversion__isnull=False)
    later = (FuelProperty.objects.filter(facility=facility, metric=metric, valid_from__gt=fuel_property.valid_from)
             .order_by("valid_from").values_list("valid_from", flat=True).first())
    if later:
        values = values.filter(period__lt=later)
    locked = set(ReportingPeriod.objects.filter(facility=facility).exclude(status__in=EDITABLE_STATUSES)
                 .values_list("period", flat=True))
    for row in values.order_by("period", "qualifier"):
        if row.period in locked:
            continue
        try:
            converted = convert(metric, row.original_value, row.original_unit, fuel_property=fuel_property)
        except ValidationError as exc:
            raise ValidationError({NON_FIELD_ERRORS: [_("The value of %(month)s (%(value)s %(unit)s) could not be converted "
                                                        "with these properties: %(reason)s") % {
                "month": f"{row.period:%Y-%m}", "value": format_number(row.original_value), "unit": row.original_unit,
                "reason": " ".join(exc.messages)}]}) from None
        if _same(row, converted):
            continue
        before = snapshot(row)
        row.value, row.conversion = converted.value, converted.conversion
        row.flag = _flag(facility, row.period, metric, row.qualifier, converted.value)
        row.save(update_fields=["value", "conversion", "flag"])
        audit_record(actor=by, action=AuditAction.UPDATE, obj=row, before=before, after=snapshot(row), via=via)
        inventories.schedule(facility.pk, [row.period])


def applicable_metrics_set(*, by, facility: Facility, metrics: list[str], via: str = "web"):
    """Set the metrics that apply to the facility (its months are complete against them); audited with before and
    after. Facility managers and programme admins (``Action.EDIT``); a code outside the catalogue is refused on
    ``metrics``, and an unchanged set records nothing."""
    from loomlight.reference.metrics import metrics as catalogue_metrics
    from loomlight.reporting.models import ApplicableMetrics

    policy.require(by, Action.EDIT, facility)
    catalogue = catalogue_metrics()
    codes = list(dict.fromkeys(metrics or []))
    unknown = [c for c in codes if not isinstance(c, str) or c not in catalogue]
    if unknown:
        raise ValidationError({"metrics": [_("Unknown metric: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}]})
    if not codes:
        raise ValidationError({"metrics": [_("Choose at least one metric that this facility reports.")]})
    codes = [c for c in catalogue if c in codes]          # catalogue order
    with transaction.atomic():
        existing = ApplicableMetrics.objects.select_for_update().filter(facility=facility).first()
        if existing is not None and existing.metrics == codes:
            return existing
        before = snapshot(existing) if existing else None
        row = existing or ApplicableMetrics(facility=facility)
        row.metrics, row.set_by, row.set_at = codes, by, timezone.now()
        row.full_clean(exclude=["facility", "set_by"])
        row.save()
        audit_record(actor=by, action=AuditAction.UPDATE if existing else AuditAction.CREATE, obj=row, before=before,
                     after=snapshot(row), via=via)
    return row
