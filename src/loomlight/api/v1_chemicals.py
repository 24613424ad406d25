"""The chemical inventory in version 1 of the API: read, and written by facilities' data systems.

Chemicals are a data kind of their own: reading needs the right to the facility's chemical data
(policy.facilities_with_data; a brand only when its consent names it). Writing goes through the same
services as the page (chemicals.services), for those who enter the facility's data (ENTER_DATA). A
facility (or a product of a facility) whose chemical data the caller may not read answers 404; one
they may read but not write, 403.
"""

from __future__ import annotations

import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status

from loomlight.api.schemas import PERIOD_PATH, Amount, DateInRange, In, described, model_text, optional
from loomlight.api.v1 import READ_ERRORS, WRITE_ERRORS, _input, _period, _visible
from loomlight.chemicals import services
from loomlight.chemicals.models import HAZARD_PATTERN, ChemicalProduct, ChemicalUse, MrslLevel, UseArea
from loomlight.chemicals.selectors import inventory
from loomlight.registry import policy
from loomlight.registry.models import DataKind
from loomlight.registry.policy import Action
from loomlight.registry.validators import FIRST_YEAR

VIA = "api"
router = Router(tags=["chemicals"])

HAZARDS = model_text(ChemicalProduct, "hazard_statements", pattern=f"^({HAZARD_PATTERN})?$",
                     description="GHS hazard statements, e.g. H315, H319.")
Level = described(int, {"type": "integer", "enum": list(MrslLevel.values)})
Period = described(str, {"type": "string", "pattern": PERIOD_PATH, "description": "The month, YYYY-MM."})


# --- read ---------------------------------------------------------------------------

class ChemicalRowOut(Schema):
    id: int = Field(..., description="The product's id (to record its use: PUT /api/v1/chemicals/products/{id}/uses/{period}).")
    product: str
    supplier: str
    use_area: str
    hazard_statements: str = Field(..., description="GHS hazard statements, e.g. H315 H319.")
    mrsl_level: int = Field(..., description="ZDHC MRSL conformance level as declared: 0 (none) to 3.")
    declaration_valid_until: datetime.date | None
    quantity_kg: float
    declaration: str = Field(..., description="valid, expired, missing (a level claimed without a declaration) or none, on the inventory's date.")


class InventoryOut(Schema):
    year: int
    on: datetime.date
    total_kg: float
    conformant_share: float | None = Field(..., description="Share of the mass used with a valid ZDHC MRSL conformance declaration [0..1].")
    products: list[ChemicalRowOut]


class YearQuery(Schema):
    year: int = Field(..., ge=FIRST_YEAR, le=2100)


@router.get("/facilities/{facility_id}/chemicals", response={200: InventoryOut, **READ_ERRORS})
def chemical_inventory(request, facility_id: int, query: Query[YearQuery]):
    """The chemical inventory of a year: products, mass used, declared MRSL conformance and the conformant share."""
    facility = _visible(policy.facilities_with_data(request.user, DataKind.CHEMICALS), facility_id)
    data = inventory(facility, query.year)
    return {
        "year": data["year"], "on": data["on"], "total_kg": data["total_kg"], "conformant_share": data["conformant_share"],
        "products": [{
            "id": row["product"].pk, "product": row["product"].name, "supplier": row["product"].supplier,
            "use_area": row["product"].use_area, "hazard_statements": row["product"].hazard_statements,
            "mrsl_level": row["product"].mrsl_level, "declaration_valid_until": row["product"].declaration_valid_until,
            "quantity_kg": row["quantity_kg"], "declaration": str(row["state"]),
        } for row in data["rows"]],
    }


# --- write --------------------------------------------------------------------------

class ChemicalProductIn(In):
    name: model_text(ChemicalProduct, "name")
    supplier: model_text(ChemicalProduct, "supplier")
    use_area: model_text(ChemicalProduct, "use_area") = UseArea.PRODUCTION.value
    hazard_statements: HAZARDS = ""
    mrsl_level: Level = Field(MrslLevel.NONE.value, description="ZDHC MRSL conformance level as declared: 0 (none) to 3; "
                              "a level needs declaration_reference and declaration_valid_until.")
    declaration_reference: model_text(ChemicalProduct, "declaration_reference") = ""
    declaration_valid_until: DateInRange | None = None


class ChemicalProductPatch(In):
    name: model_text(ChemicalProduct, "name") = optional()
    supplier: model_text(ChemicalProduct, "supplier") = optional()
    use_area: model_text(ChemicalProduct, "use_area") = optional()
    hazard_statements: HAZARDS = optional()
    mrsl_level: Level = optional()
    declaration_reference: model_text(ChemicalProduct, "declaration_reference") = optional()
    declaration_valid_until: DateInRange | None = optional()


class ChemicalProductOut(Schema):
    id: int
    facility: int = Field(alias="facility_id")
    name: str
    supplier: str
    use_area: str
    hazard_statements: str
    mrsl_level: int
    declaration_reference: str
    declaration_valid_until: datetime.date | None


class UseIn(In):
    value: Amount = Field(..., description="The quantity used in the month, in `unit`.")
    unit: model_text(ChemicalUse, "original_unit") = Field(..., description="A unit of mass: kg, t, lb, ...")


class UseOut(Schema):
    product: int = Field(alias="product_id")
    period: str
    quantity_kg: float
    original_value: float
    original_unit: str

    @staticmethod
    def resolve_period(obj) -> str:
        return f"{obj.period:%Y-%m}"


def _product(request, product_id: int) -> ChemicalProduct:
    """The product when the caller may read its facility's chemical data (404) and enter its data (403)."""
    product = ChemicalProduct.objects.filter(
        pk=product_id, facility__in=policy.facilities_with_data(request.user, DataKind.CHEMICALS)).select_related("facility").first()
    if product is None:
        raise Http404
    policy.require(request.user, Action.ENTER_DATA, product.facility)
    return product


@router.post("/facilities/{facility_id}/chemicals/products", response={201: ChemicalProductOut, **WRITE_ERRORS})
def chemical_product_create(request, facility_id: int, payload: ChemicalProductIn):
    """Add a product to the facility's chemical inventory, with its declared ZDHC MRSL conformance."""
    facility = _visible(policy.facilities_with_data(request.user, DataKind.CHEMICALS), facility_id)
    policy.require(request.user, Action.ENTER_DATA, facility)
    return Status(201, services.chemical_product_save(by=request.user, facility=facility, data=_input(payload, request.user), via=VIA))


@router.patch("/chemicals/products/{product_id}", response={200: ChemicalProductOut, **WRITE_ERRORS})
def chemical_product_update(request, product_id: int, payload: ChemicalProductPatch):
    """Correct a product or renew its declaration; audited."""
    product = _product(request, product_id)
    return services.chemical_product_save(by=request.user, facility=product.facility, product=product,
                                          data=_input(payload, request.user), via=VIA)


@router.put("/chemicals/products/{product_id}/uses/{period}", response={200: UseOut, **WRITE_ERRORS})
def chemical_use_put(request, product_id: int, period: Period, payload: UseIn):
    """Record or correct the quantity of the product used in a month, in any unit of mass (stored in kg)."""
    product = _product(request, product_id)
    return services.chemical_use_set(by=request.user, product=product, period=_period(period), value=payload.value,
                                     unit=payload.unit, via=VIA)


@router.delete("/chemicals/products/{product_id}/uses/{period}", response={204: None, **WRITE_ERRORS})
def chemical_use_delete(request, product_id: int, period: Period):
    """Remove a month's use reported by mistake; audited."""
    product = _product(request, product_id)
    use = ChemicalUse.objects.filter(product=product, period=_period(period)).first()
    if use is None:
        raise Http404
    services.chemical_use_delete(by=request.user, use=use, via=VIA)
    return Status(204, None)
