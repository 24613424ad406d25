"""A facility's own baseline for a business case: its yearly quantity of each metric from its stored monthly
values, the price of each from ``reference.prices`` and the grid factor its inventory uses. What the case
builder pre-fills.

The year: by default the last full year, as the emissions pages decide it (``calc.periods``): the latest year
that is over (its December is due, ``LOOMLIGHT_REPORTING_DEADLINE_DAY``) whose twelve months each hold data;
else the latest year with data, said to be incomplete. Months are counted as the platform counts them: every
stored month, with how many are verified, submitted or draft (``reporting.verification.counted``). A metric with
missing months is given with its months and the sum of those months only, flagged ``gap``: never extrapolated.
A price not shipped is None (the user enters one), never 0; a price of an earlier year is flagged
``proxy_year``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from loomlight.calc import periods


@dataclass(frozen=True)
class MetricBaseline:
    metric: str
    quantity: float                 # Σ of the reported months [unit]; of the reported months only when ``gap``
    unit: str
    months: int                     # months of the year with a value of this metric
    missing: tuple[str, ...]        # "YYYY-MM" of the year without a value
    gap: bool                       # fewer than 12 months: not a full year's use
    price: float | None = None      # [currency per unit], None = not shipped: the user enters one
    price_unit: str = ""
    price_currency: str = ""
    price_usd: float | None = None  # [USD per unit]
    price_year: int | None = None
    price_source: str = ""
    price_flags: tuple[str, ...] = ()
    price_region: str = ""          # where the tariff applies when it is a city's or a utility's, not the country's
    price_converted_from: str = ""  # the shipped price as published ("17255 VND/L") when converted to ``unit``
    price_conversion: str = ""      # how: "1 GJ = 26.7 L (IPCC 2006 NCV, UN density)" or "1 m³ = 1000 L"


@dataclass(frozen=True)
class Baseline:
    facility_id: int
    country: str
    year: int | None                 # None: the facility has no data at all
    reason: str                      # "requested", "last_complete", "latest" (incomplete), "none"
    months: int                      # months of the year with any data
    complete: bool                   # over, and 12 months with data
    states: dict = field(default_factory=dict)   # {"verified": n, "submitted": n, "draft": n} of those months
    metrics: dict = field(default_factory=dict)  # {metric: MetricBaseline}
    grid_factor: dict | None = None  # {value, unit, type, source, year, flags} or None (no factor shipped)


def _grid(country: str, year: int) -> dict | None:
    from loomlight.reference.grid_factors import for_inventory

    factor = for_inventory(country, year)
    if factor is None:
        return None
    return {"value": factor.value, "unit": factor.unit, "type": factor.factor_type, "source": factor.citation(),
            "year": factor.year, "flags": list(factor.flags)}


def per_stored_unit(metric: str, unit: str, found) -> tuple[float, str] | None:
    """(price units per one stored ``unit``, how) for a price published per ``found.per_unit``: 1 and "" when the
    units agree; a change of unit (m³ and L) through calc.units; a fuel stored in GJ and priced per litre or
    kilogram through the shipped calorific value and density (reference/fuel_properties.csv), as the monthly
    values themselves were converted; None when neither applies (the price is then left for the user)."""
    per_unit = (found.per_unit or "").strip()
    if not per_unit or per_unit == unit:
        return 1.0, ""
    from loomlight.calc.units import UnitError, to_canonical

    try:
        factor = to_canonical(1.0, unit, per_unit).value      # one stored unit in the price's unit
        return factor, f"1 {unit} = {factor:g} {per_unit}"
    except UnitError:   # not a change of unit (a fuel in GJ priced per litre or kilogram): below
        pass
    if unit != "GJ":
        return None
    from loomlight.calc.fuels import FuelError, energy_per_unit
    from loomlight.reference import fuel_properties

    ncv, density = fuel_properties.default(metric, "ncv"), fuel_properties.default(metric, "density")
    if ncv is None:
        return None
    try:
        one = energy_per_unit(per_unit, ncv=ncv.as_property(), density=density.as_property() if density else None)
    except (FuelError, UnitError):
        return None
    factor = 1.0 / one.gj_per_unit                            # price units per GJ
    basis = ncv.citation() + (f"; {density.citation()}" if one.density is not None else "")
    return factor, f"1 GJ = {factor:.4g} {per_unit} ({basis})"


def _price(country: str, metric: str, year: int):
    from loomlight.reference.prices import price

    try:
        return price(country, metric, year)
    except (KeyError, ValueError):     # a code the price file does not know: no price, the user enters one
        return None


def _years_with_months(facility) -> dict[int, set[datetime.date]]:
    from loomlight.reporting.models import ActivityValue

    years: dict[int, set] = {}
    for month in ActivityValue.objects.filter(facility=facility).values_list("period", flat=True).distinct():
        years.setdefault(month.year, set()).add(month)
    return years


def baseline_for(facility, year: int | None = None, *, today: datetime.date | None = None,
                 deadline_day: int | None = None) -> Baseline:
    """The facility's yearly quantities per metric of ``year`` (by default the last full year), with prices for
    its country and the grid factor its inventory would use."""
    from django.conf import settings

    from loomlight.reporting.models import ActivityValue
    from loomlight.reporting.verification import counted, statuses

    today = today or datetime.date.today()
    deadline_day = deadline_day or settings.REPORTING_DEADLINE_DAY
    years = _years_with_months(facility)
    if year is not None:
        reason = "requested"
    else:
        complete = [y for y, months in years.items() if periods.year_complete(y, len(months), today, deadline_day)]
        if complete:
            year, reason = max(complete), "last_complete"
        elif years:
            year, reason = max(years), "latest"
        else:
            return Baseline(facility_id=facility.pk, country=facility.country, year=None, reason="none", months=0,
                            complete=False)
    months_of_year = years.get(year, set())
    state_of = statuses([facility.pk], datetime.date(year, 1, 1), datetime.date(year, 12, 1))
    states = {"verified": 0, "submitted": 0, "draft": 0}
    for month in months_of_year:
        states[counted(state_of.get((facility.pk, month), "draft"))] += 1
    sums: dict[str, list] = {}
    rows = ActivityValue.objects.filter(facility=facility, period__year=year).values_list("metric", "period", "value", "unit")
    for metric, month, value, unit in rows:
        entry = sums.setdefault(metric, [0.0, unit, set()])
        entry[0] += value
        entry[2].add(month)
    all_months = [datetime.date(year, m, 1) for m in range(1, 13)]
    metrics = {}
    for metric in sorted(sums):
        quantity, unit, months = sums[metric]
        missing = tuple(f"{m:%Y-%m}" for m in all_months if m not in months)
        found = _price(facility.country, metric, year)
        extra = {}
        if found is not None:
            per = per_stored_unit(metric, unit, found)
            if per is None:     # priced per a unit the stored quantity cannot be converted to: the user enters one
                extra = {"price_flags": ("price_unit_mismatch",), "price_source": found.source,
                         "price_converted_from": f"{found.value:g} {found.unit}"}
            else:
                factor, how = per
                extra = {"price": found.value * factor, "price_currency": found.currency,
                         "price_unit": found.unit if factor == 1.0 else f"{found.currency}/{unit}",
                         "price_usd": None if found.usd_per_unit is None else found.usd_per_unit * factor,
                         "price_year": found.year, "price_source": found.source,
                         "price_flags": tuple(found.flags) + (("price_converted",) if how else ()),
                         "price_region": found.region or "",
                         "price_converted_from": f"{found.value:g} {found.unit}" if how else "", "price_conversion": how}
        metrics[metric] = MetricBaseline(metric=metric, quantity=quantity, unit=unit, months=len(months),
                                         missing=missing, gap=bool(missing), **extra)
    return Baseline(facility_id=facility.pk, country=facility.country, year=year, reason=reason,
                    months=len(months_of_year),
                    complete=periods.year_complete(year, len(months_of_year), today, deadline_day),
                    states=states, metrics=metrics, grid_factor=_grid(facility.country, year))


def monthly_grid_kwh(facility, year: int) -> list[float] | None:
    """The facility's grid electricity of each month of ``year`` [kWh], the load a rooftop array's
    self-consumption is computed against (``interventions.solar``); a month not reported is the mean of the
    reported ones (said on the case); None without any."""
    from loomlight.reporting.models import ActivityValue

    stored = ActivityValue.objects.filter(facility=facility, period__year=year, metric="electricity_grid")
    found = {p.month: v for p, v in stored.values_list("period", "value")}
    if not found:
        return None
    mean = sum(found.values()) / len(found)
    return [found.get(m, mean) for m in range(1, 13)]
