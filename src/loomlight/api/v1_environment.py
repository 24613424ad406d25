"""Wastewater lab results and chemical inventories in version 1 of the API (read).

Each is a data kind of its own: wastewater results need the right to the
facility's wastewater data, the inventory the right to its chemical data
(policy.facilities_with_data); a brand reads them only when its consent names
them. Compliance is computed by the same selectors as the pages.
"""

from __future__ import annotations

import datetime

from ninja import Field, Query, Router, Schema

from loomlight.api.schemas import Page, PageQuery
from loomlight.api.v1 import READ_ERRORS, _page, _visible
from loomlight.chemicals.selectors import inventory
from loomlight.registry import policy
from loomlight.registry.models import DataKind
from loomlight.wastewater.selectors import event_compliance

router = Router(tags=["environmental data"])


class LabResultOut(Schema):
    parameter: str
    value: float | None = Field(..., description="None when the result is below the detection limit.")
    unit: str
    below_detection_limit: bool
    detection_limit: float | None
    method: str
    outcomes: dict[str, str | None] = Field(..., description="Per level of the standard: pass, fail, inconclusive or no_limit.")


class SamplingEventOut(Schema):
    id: int
    sampled_on: datetime.date
    sampling_point: str
    discharge_type: str
    laboratory: str
    standard: str
    standard_version: str
    overall: dict[str, str | None] = Field(..., description="Per level: pass, fail or inconclusive; None when nothing was assessed.")
    results: list[LabResultOut]


class EventFilters(PageQuery):
    year: int | None = Field(None, ge=1990, le=2100)
    sampling_point: str = ""


class ChemicalRowOut(Schema):
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
    year: int = Field(..., ge=1990, le=2100)


def _event_out(event) -> dict:
    c = event_compliance(event)
    rows = {row["result"].pk: row for row in c["rows"]}
    return {
        "id": event.pk, "sampled_on": event.sampled_on, "sampling_point": event.sampling_point,
        "discharge_type": event.discharge_type, "laboratory": event.laboratory,
        "standard": c["standard"], "standard_version": c["version"],
        "overall": {level: (str(o) if o is not None else None) for level, o in c["overall"].items()},
        "results": [{
            "parameter": r.parameter, "value": r.value, "unit": r.unit, "below_detection_limit": r.below_detection_limit,
            "detection_limit": r.detection_limit, "method": r.method,
            "outcomes": {level: str(o) for level, o in rows[r.pk]["outcomes"].items()},
        } for r in event.results.all()],
    }


@router.get("/facilities/{facility_id}/wastewater/events", response={200: Page[SamplingEventOut], **READ_ERRORS})
def wastewater_event_list(request, facility_id: int, query: Query[EventFilters]):
    """Sampling events of a facility, newest first, with every result and its compliance per level of
    the ZDHC Wastewater Guidelines (the version in `standard_version`)."""
    facility = _visible(policy.facilities_with_data(request.user, DataKind.WASTEWATER), facility_id)
    events = facility.sampling_events.prefetch_related("results").order_by("-sampled_on", "-pk")
    if query.year:
        events = events.filter(sampled_on__year=query.year)
    if query.sampling_point:
        events = events.filter(sampling_point=query.sampling_point)
    page = _page(events, query)
    page["results"] = [_event_out(e) for e in page["results"]]
    return page


@router.get("/facilities/{facility_id}/chemicals", response={200: InventoryOut, **READ_ERRORS})
def chemical_inventory(request, facility_id: int, query: Query[YearQuery]):
    """The chemical inventory of a year: products, mass used, declared MRSL conformance and the conformant share."""
    facility = _visible(policy.facilities_with_data(request.user, DataKind.CHEMICALS), facility_id)
    data = inventory(facility, query.year)
    return {
        "year": data["year"], "on": data["on"], "total_kg": data["total_kg"], "conformant_share": data["conformant_share"],
        "products": [{
            "product": row["product"].name, "supplier": row["product"].supplier, "use_area": row["product"].use_area,
            "hazard_statements": row["product"].hazard_statements, "mrsl_level": row["product"].mrsl_level, "declaration_valid_until": row["product"].declaration_valid_until,
            "quantity_kg": row["quantity_kg"], "declaration": str(row["state"]),
        } for row in data["rows"]],
    }

