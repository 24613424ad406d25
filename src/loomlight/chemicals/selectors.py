"""The chemical inventory of a facility for a year, with the conformance share by mass."""

from __future__ import annotations

import datetime
from collections import defaultdict

from loomlight.calc.chemicals import ProductUse, conformant_share, declaration_state
from loomlight.chemicals.models import ChemicalUse


def inventory(facility, year: int, *, on: datetime.date | None = None) -> dict:
    on = on or min(datetime.date.today(), datetime.date(year, 12, 31))
    products = list(facility.chemical_products.all())
    used: dict[int, float] = defaultdict(float)
    for product_id, quantity in ChemicalUse.objects.filter(product__facility=facility, period__year=year).values_list("product_id", "quantity_kg"):
        used[product_id] += quantity
    rows, uses = [], []
    for p in products:
        use = ProductUse(p.name, used.get(p.pk, 0.0), p.mrsl_level, bool(p.declaration_reference), p.declaration_valid_until)
        uses.append(use)
        rows.append({"product": p, "quantity_kg": use.quantity_kg, "state": declaration_state(use, on)})
    return {
        "year": year, "on": on, "rows": rows,
        "total_kg": sum(u.quantity_kg for u in uses),
        "conformant_share": conformant_share(uses, on),
        "attention": [r for r in rows if r["state"] in ("expired", "missing")],
    }


def years_with_data(facility) -> set[int]:
    """The years in which the facility recorded the use of any chemical product."""
    from loomlight.chemicals.models import ChemicalUse

    return {d.year for d in ChemicalUse.objects.filter(product__facility=facility).dates("period", "year")}
