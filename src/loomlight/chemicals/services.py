"""Write paths for the chemical inventory (the page and the API share them)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from loomlight.audit.models import AuditAction
from loomlight.audit.services import audit_record, snapshot
from loomlight.calc.units import UnitError, to_canonical
from loomlight.chemicals.models import ChemicalProduct, ChemicalUse
from loomlight.registry import policy
from loomlight.registry.policy import Action
from loomlight.registry.validators import validate_date, validate_month
from loomlight.site.calc_messages import calc_message

PRODUCT_FIELDS = ("name", "supplier", "use_area", "hazard_statements", "mrsl_level", "declaration_reference", "declaration_valid_until")


@transaction.atomic
def chemical_product_save(*, by, facility, data: dict, product: ChemicalProduct | None = None, via: str = "web") -> ChemicalProduct:
    policy.require(by, Action.ENTER_DATA, facility)
    unknown = sorted(set(data) - set(PRODUCT_FIELDS))
    if unknown:
        raise ValidationError({name: [_("Unknown field.")] for name in unknown})
    before = snapshot(product) if product else None
    row = product or ChemicalProduct(facility=facility, created_by=by)
    for name, value in data.items():
        setattr(row, name, value)
    try:
        validate_date(row.declaration_valid_until)
    except ValidationError as exc:
        raise ValidationError({"declaration_valid_until": exc.messages}) from None
    if row.mrsl_level and not (row.declaration_reference and row.declaration_valid_until):
        raise ValidationError({"declaration_reference": [_(
            "A conformance level needs the declaration: its reference and the date it is valid until.")]})
    row.full_clean()
    row.save()
    audit_record(actor=by, action=AuditAction.UPDATE if product else AuditAction.CREATE, obj=row, before=before,
                 after=snapshot(row), via=via)
    return row


@transaction.atomic
def chemical_use_set(*, by, product: ChemicalProduct, period: datetime.date, value, unit: str, via: str = "web") -> ChemicalUse:
    policy.require(by, Action.ENTER_DATA, product.facility)
    try:
        validate_month(period)
    except ValidationError as exc:
        raise ValidationError({"period": exc.messages}) from None
    try:
        converted = to_canonical(value, unit, "kg")
    except UnitError as exc:
        field = "value" if exc.code in ("not_a_number", "negative") else "unit"
        raise ValidationError({field: [calc_message(exc)]}) from None
    existing = ChemicalUse.objects.filter(product=product, period=period).first()
    before = snapshot(existing) if existing else None
    row = existing or ChemicalUse(product=product, period=period)
    row.quantity_kg, row.original_value, row.original_unit = converted.value, converted.original_value, converted.original_unit
    row.save()
    audit_record(actor=by, action=AuditAction.UPDATE if existing else AuditAction.CREATE, obj=row, before=before,
                 after=snapshot(row), via=via)
    return row


@transaction.atomic
def chemical_use_delete(*, by, use: ChemicalUse, via: str = "web") -> None:
    """Remove a month's use reported by mistake (a month not used is not a month of 0 kg); audited."""
    policy.require(by, Action.ENTER_DATA, use.product.facility)
    audit_record(actor=by, action=AuditAction.DELETE, obj=use, before=snapshot(use), after=None, via=via)
    use.delete()
