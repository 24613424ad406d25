"""The inventory, its KPIs and their aggregations, written once as Ibis expressions.

Inputs are tables of any Ibis backend (``engines.py`` loads them):

- ``activity``: facility_id (int), period (date, the 1st of the month), metric (catalogue code),
  amount (float, in the metric's canonical unit: GJ for fuels, kWh for electricity, MWh for
  instruments, m³, kg, ...), as ``reporting.ActivityValue`` stores them;
- ``facilities``: facility_id, country (ISO alpha-2), and any grouping columns (park, process,
  programme, ...); a facility in several programmes has one row per programme in the table
  passed to ``rollup`` as ``dims``;
- ``metrics``: ``coefficients.metric_table(gwp_set)``;
- ``grid``: ``coefficients.grid_table(...)``.

``inventory`` gives one row per facility and month with scope 1, scope 2 location- and
market-based, biogenic CO2, the gases and the resource totals; ``rollup`` sums those rows by
any grouping and grain (``sums``) and derives the KPIs (``kpis``: intensities per unit of output,
renewable share, diversion rate); ``resum`` adds up stored partial sums (a facility's year) to any
coarser grouping with the same result; ``year_on_year`` sets each year against the one before.

The arithmetic is ``calc.ghg``'s: gas [t] = GJ x kg/TJ / 1e6; CO2e = sum of gas x GWP; biogenic
CO2 apart; location-based scope 2 = MWh purchased x grid factor; market-based = (MWh purchased -
MWh covered by instruments, never below zero) x the grid factor, there being no residual mix
shipped (``grid_factors.for_market_based``). Divisions by zero give null, not an error or zero; so does a
scope 2 that cannot be counted (electricity in a country without a grid factor): a figure not counted is
null, never 0, and a sum adds only what was counted (``scope2_uncounted_kwh`` says how much was not).
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis

from loomlight.analytics.coefficients import GJ_PER_KWH
from loomlight.analytics.columns import ADDITIVE, GRAINS, INVENTORY_COLUMNS, PARTIAL, SUMMED, UNITS

def inventory(activity: ibis.Table, facilities: ibis.Table, metrics: ibis.Table, grid: ibis.Table) -> ibis.Table:
    """One row per facility and month that has activity (``INVENTORY_COLUMNS``)."""
    rows = activity.join(metrics, "metric")
    sums = rows.group_by(["facility_id", "period"]).aggregate(**{c: (rows.amount * rows[c]).sum() for c in SUMMED})
    located = sums.join(facilities.select("facility_id", "country"), "facility_id")
    located = located.mutate(year=located.period.year().cast("int64"))
    t = located.left_join(grid, ["country", "year"])
    grid_mwh = t.grid_kwh / 1000.0
    covered = ibis.least(t.instrument_mwh, grid_mwh)
    factor = t.grid_t_per_mwh
    # electricity or instruments without a grid factor: scope 2 not counted, null (never 0); none: 0, nothing to count
    purchased = (t.grid_kwh > 0) | (t.instrument_mwh > 0)
    t = t.mutate(
        scope2_location_tco2e=purchased.ifelse(grid_mwh * factor, 0.0),
        scope2_market_tco2e=purchased.ifelse((grid_mwh - covered) * factor, 0.0),
        instrument_covered_mwh=covered,
        instrument_unused_mwh=t.instrument_mwh - covered,
        scope2_uncounted_kwh=factor.isnull().ifelse(t.grid_kwh, 0.0),
        grid_flags=t.grid_flags.fill_null("no grid emission factor"),
    )
    return t.select(*INVENTORY_COLUMNS)


def _ratio(numerator, denominator):
    return numerator / denominator.nullif(0.0)


def _keys(by: Sequence[str], grain: str) -> list[str]:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}, not {grain!r}")
    return [*by, *({"month": ["period"], "year": ["year"]}.get(grain, []))]


def _with_dims(t: ibis.Table, dims: ibis.Table | None) -> ibis.Table:
    if dims is None:
        return t
    dims = dims.drop(*(c for c in dims.columns if c in t.columns and c != "facility_id"))
    return t.join(dims, "facility_id")


def sums(inv: ibis.Table, by: Sequence[str] = (), *, grain: str = "year", dims: ibis.Table | None = None) -> ibis.Table:
    """The ``PARTIAL`` sums of inventory months ``inv`` grouped by ``by`` (columns of ``inv`` or of ``dims``,
    joined on facility_id) and by month ("period"), year ("year") or not at all ("all"), and the number
    of facilities.

    ``<kind>_with_output_<unit>`` adds up the emissions, energy or water of the facility-months that
    report output in that unit, for intensities that never divide by output of another unit.
    """
    keys = _keys(by, grain)
    t = _with_dims(inv, dims)
    total = t.scope1_tco2e + t.scope2_location_tco2e
    aggs = {c: t[c].sum() for c in ADDITIVE}
    aggs["facility_months"] = t.count()
    aggs["facilities"] = t.facility_id.nunique()
    for column, unit in UNITS.items():
        reports = t[column] > 0
        aggs[f"tco2e_with_output_{unit}"] = reports.ifelse(total, 0.0).sum()
        aggs[f"energy_gj_with_output_{unit}"] = reports.ifelse(t.energy_gj, 0.0).sum()
        aggs[f"water_m3_with_output_{unit}"] = reports.ifelse(t.water_withdrawn_m3, 0.0).sum()
    return t.group_by(keys).aggregate(**aggs) if keys else t.aggregate(**aggs)


def resum(partials: ibis.Table, by: Sequence[str] = (), *, grain: str = "all",
          dims: ibis.Table | None = None) -> ibis.Table:
    """``sums`` of rows that are themselves ``sums`` by facility (with facility_id, and year or period for
    those grains): the same result as ``sums`` of the months they came from, from far fewer rows."""
    keys = _keys(by, grain)
    t = _with_dims(partials, dims)
    aggs = {c: t[c].sum() for c in PARTIAL}
    aggs["facilities"] = t.facility_id.nunique()
    return t.group_by(keys).aggregate(**aggs) if keys else t.aggregate(**aggs)


def kpis(r: ibis.Table) -> ibis.Table:
    """``r`` (``sums`` or ``resum``) with the derived KPIs: totals, renewable shares, diversion rate and the
    intensities per kg, metre, piece and pair. A zero denominator gives null."""
    derived = {
        "total_location_tco2e": r.scope1_tco2e + r.scope2_location_tco2e,
        "total_market_tco2e": r.scope1_tco2e + r.scope2_market_tco2e,
        "renewable_share": _ratio(r.renewable_gj, r.energy_gj),
        "renewable_share_with_instruments": _ratio(r.renewable_gj + r.instrument_covered_mwh * (GJ_PER_KWH * 1000.0),
                                                   r.energy_gj),
        "renewable_electricity_share": _ratio(r.solar_kwh, r.grid_kwh + r.solar_kwh),
        "diversion_rate": _ratio(r.waste_diverted_kg, r.waste_kg),
    }
    for column, unit in UNITS.items():
        derived[f"tco2e_per_{unit}"] = _ratio(r[f"tco2e_with_output_{unit}"], r[column])
        derived[f"energy_gj_per_{unit}"] = _ratio(r[f"energy_gj_with_output_{unit}"], r[column])
        derived[f"water_m3_per_{unit}"] = _ratio(r[f"water_m3_with_output_{unit}"], r[column])
    return r.mutate(**derived)


def rollup(inv: ibis.Table, by: Sequence[str] = (), *, grain: str = "year", dims: ibis.Table | None = None) -> ibis.Table:
    """``kpis`` of ``sums``: inventory months summed by ``by`` and ``grain``, with the derived KPIs.

    Intensities per unit of output count only the facility-months that report output in that unit:
    ``tco2e_per_kg`` = emissions of the facility-months reporting kg / those kg. Outputs in different
    units are never added.
    """
    return kpis(sums(inv, by, grain=grain, dims=dims))


def year_on_year(yearly: ibis.Table, by: Sequence[str], columns: Sequence[str]) -> ibis.Table:
    """``yearly`` (a rollup at grain "year") with ``<column>_previous`` and ``<column>_change``
    (relative change from the year before; null when there is no year before or it was zero)."""
    before = yearly.view()
    previous = before.select(*by, year=before.year + 1, **{f"{c}_previous": before[c] for c in columns})
    t = yearly.left_join(previous, [*by, "year"])
    return t.mutate(**{f"{c}_change": _ratio(t[c] - t[f"{c}_previous"], t[f"{c}_previous"]) for c in columns})
