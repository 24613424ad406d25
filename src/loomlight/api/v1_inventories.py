"""Stored GHG inventories in version 1 of the API (read).

A facility's months need the right to its GHG data (a brand's or financier's consent must name
"ghg"). Summaries sum only the facilities whose GHG data the caller may read, with the same
KPI definitions as the pages and every portfolio engine (loomlight.analytics.portfolio).
Every number is returned only when the caller may read all the data kinds it is made of
(``analytics.kinds``): water, waste, output and the intensities need the environmental data too.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import Http404
from ninja import Field, Query, Router, Schema

from loomlight.api.schemas import In
from loomlight.api.v1 import READ_ERRORS, WRITE_ERRORS, _visible
from loomlight.calc import periods
from loomlight.inventories import selectors, services
from loomlight.inventories.models import Target
from loomlight.registry import policy
from loomlight.registry.models import DataKind
from loomlight.reporting import verification

router = Router(tags=["GHG inventories"])


class MonthOut(Schema):
    period: datetime.date
    values: dict[str, float | None] = Field(..., description="The stored numbers the caller may read: emissions [t] with the GHG data; energy [GJ, kWh, MWh], water [m³], waste [kg] and output only with the environmental data too. null: not counted (scope 2 without a grid factor), or not reported (water, waste, energy or output of a month that reported none of it), never 0.")
    flags: str
    factors_version: str
    status: Literal["draft", "submitted", "verified"] = Field(..., description="The month's verification state (a month returned with comments is draft).")
    explanation: dict | None = Field(None, description=(
        "With explain=true: the inputs the GHG figures used as reported (reported_value, reported_unit, the conversion of a "
        "fuel by mass or volume with its density and calorific value and their sources), per fuel and for scope 2 the "
        "factors with their sources and each step (English what and formula, and code, params and terms: the formula's "
        "numbers with units), the GWP set, and the month's flags (code, English text, params)."))


class VerificationOut(Schema):
    verified: int = Field(..., description="Facility-months with data that are verified [months].")
    submitted: int = Field(..., description="Facility-months with data submitted, not yet verified [months].")
    draft: int = Field(..., description="Facility-months with data in draft or returned with comments [months].")
    months: int = Field(..., description="Facility-months with data the figures rest on [months].")
    level: Literal["verified", "submitted", "draft", "mixed", "none"]


BASIS = Field("all", description="all: every month with data; verified: verified months only (every figure is then of those alone).")


class TargetOut(Schema):
    base_year: int
    target_year: int
    annual_rate: float = Field(..., description="Share of the base-year value removed each year, e.g. 0.042.")
    basis: str = Field(..., description="absolute (t CO2e) or intensity (t CO2e per unit of the base year's main output).")
    boundary: str = Field(..., description="location or market: which scope 2 figure is added to scope 1.")


class FacilityInventoryOut(Schema):
    facility_id: int
    year: int
    gwp_set: str
    target: TargetOut | None = Field(None, description="The facility's emissions target, if it has set one.")
    basis: Literal["all", "verified"]
    verification: VerificationOut = Field(..., description="The verification state of the months returned.")
    months: list[MonthOut]


class TargetIn(In):
    base_year: int = Field(..., ge=1990, le=2100)
    target_year: int = Field(..., ge=1990, le=2100)
    annual_rate: float = Field(..., description="Share of the base-year value removed each year, between 0 and 1 (0.042 for 4.2 %).")
    basis: Literal["absolute", "intensity"] = "absolute"
    boundary: Literal["location", "market"] = "location"


class InventoryQuery(Schema):
    year: int = Field(..., ge=1990, le=2100)
    explain: bool = False
    basis: Literal["all", "verified"] = BASIS


class SummaryQuery(Schema):
    year: int = Field(..., ge=1990, le=2100)
    park: int | None = None
    programme: int | None = None
    by: Literal["facility", "park", "country", "process", "month", "total"] = "facility"
    basis: Literal["all", "verified"] = BASIS


class SummaryOut(Schema):
    year: int
    gwp_set: str
    by: str
    facilities: int = Field(..., description="Facilities whose GHG data the caller may read in this scope.")
    basis: Literal["all", "verified"]
    verification: VerificationOut = Field(..., description="The verification state of the facility-months the figures rest on; by facility, each row has its own (months_verified, months_submitted, months_draft).")
    rows: list[dict]


@router.get("/facilities/{facility_id}/inventory", response={200: FacilityInventoryOut, **READ_ERRORS})
def facility_inventory(request, facility_id: int, query: Query[InventoryQuery]):
    """A facility's inventory months of a year: scope 1, scope 2 location- and market-based, biogenic CO2,
    by gas, energy, water, waste and output; with `explain=true`, how each month was computed."""
    facility = _visible(policy.facilities_with_data(request.user, DataKind.GHG), facility_id)
    kinds = policy.data_kinds(request.user, facility)
    target = Target.objects.filter(facility=facility).first()
    verified_only = query.basis == verification.VERIFIED
    rows = selectors.month_rows(facility, query.year, kinds=kinds, verified_only=verified_only)
    state = verification.state_of_statuses(m["status"] for m in rows)
    return {"facility_id": facility.pk, "year": query.year, "gwp_set": services.gwp_set(), "target": target,
            "basis": query.basis, "verification": state.as_dict(), "months": [{
        "period": m["period"], "values": {n: m[n] for n in selectors.NUMBERS if n in m}, "flags": m["flags"],
        "factors_version": m["factors_version"], "status": m["status"],
        "explanation": m["explanation"] if query.explain else None,
    } for m in rows]}


@router.put("/facilities/{facility_id}/target", response={200: TargetOut, **WRITE_ERRORS})
def target_put(request, facility_id: int, payload: TargetIn):
    """Set or replace the facility's emissions target (its facility managers and programme admins). The base
    year must have an inventory; an intensity target needs output in the base year. Audited."""
    facility = _visible(policy.facilities_with_data(request.user, DataKind.GHG), facility_id)
    return services.target_set(by=request.user, facility=facility, via="api", **payload.model_dump())


GROUPS = {"facility": (["facility_id", "facility"], "all"), "park": (["park"], "all"), "country": (["country"], "all"),
          "process": (["process"], "all"), "month": ([], "month"), "total": ([], "all")}


@router.get("/inventory/summary", response={200: SummaryOut, **READ_ERRORS})
def inventory_summary(request, query: Query[SummaryQuery]):
    """Sums and KPIs of a year over the facilities the caller may read, optionally within a park or a programme,
    by facility, park, country, process class (wet or dry), month, or in total."""
    facilities = policy.facilities_with_data(request.user, DataKind.GHG)
    if query.park is not None:
        park = _visible(policy.parks_visible(request.user), query.park)
        facilities = facilities.filter(park=park)
    if query.programme is not None:
        programme = policy.programmes_visible(request.user).filter(pk=query.programme).first()
        if programme is None:
            raise Http404
        facilities = facilities.filter(pk__in=policy.facilities_in_programme(programme.pk).values("pk"))
    by, grain = GROUPS[query.by]
    kinds = policy.common_data_kinds(request.user, facilities)
    # months come from the stored months; every other grouping from the stored partial sums of each year
    verified_only = query.basis == verification.VERIFIED
    if grain == "month":
        rows = selectors.rollup(facilities, [query.year], by, grain, kinds=kinds, verified_only=verified_only)
        states = selectors.period_states(facilities, periods.year(query.year), verified_only=verified_only)
    else:
        states = verification.Tally()
        rows = selectors.summary(facilities, query.year, by, kinds=kinds, verified_only=verified_only, tally=states)
    for row in rows:
        if "facility_id" in row:
            state = states.of(row["facility_id"])
            row.update(months_verified=state.verified, months_submitted=state.submitted, months_draft=state.draft)
    total = states.total()
    for row in rows:
        if "period" in row:
            row["period"] = row["period"].isoformat()
    return {"year": query.year, "gwp_set": services.gwp_set(), "by": query.by, "facilities": facilities.count(),
            "basis": query.basis, "verification": total.as_dict(), "rows": rows}
