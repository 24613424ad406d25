"""The reference data as relational tables: what one canonical unit of each metric contributes.

An inventory is linear in its activity data but for scope 2's instruments, which cover no more
than the electricity purchased. So every metric gets one row of coefficients: the tonnes of each
gas per GJ of a fuel (IPCC 2006 factors / 1e6), its CO2e under a GWP set, the GJ of energy it is,
the m³ of water it withdraws, and so on. ``portfolio.inventory`` multiplies and sums; the scope 2
rule that is not linear is applied after the sums, per facility and month, as ``calc.ghg.scope2``
does. Grid factors are chosen per country and year by ``reference.grid_factors.for_inventory``, so
the portfolio and the per-facility calculation use the same factor with the same flags.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from loomlight.analytics.columns import COLUMNS, PRODUCTION
from loomlight.reference import ghg_factors, grid_factors
from loomlight.reference.metrics import metrics

GJ_PER_KWH = 0.0036          # 1 kWh = 3.6 MJ exactly
KG_PER_TJ_TO_T_PER_GJ = 1e-6  # kg/TJ / 1,000 GJ/TJ / 1,000 kg/t

#: Energy metrics that are not energy used on site (as reporting.peers counts them).
ENERGY_NOT_USED = frozenset({"electricity_exported", "rec_irec", "rec_ppa"})
INSTRUMENTS = frozenset({"rec_irec", "rec_ppa"})
RENEWABLE_ON_SITE = frozenset({"electricity_solar_self_consumed"})
WATER_NOT_WITHDRAWN = frozenset({"water_recycled"})
DIVERTED_ROUTES = ("_recycled", "_reused", "_coprocessed")
NO_FACTOR = frozenset({"steam_purchased"})



def _gwp(gwp_set: str, gas: str, *, biogenic_fuel: bool) -> float:
    values = {gas: g.value for gas, g in ghg_factors.gwp(gwp_set).items()}
    if gas == "CH4":
        apart = "CH4_nonfossil" if biogenic_fuel else "CH4_fossil"
        if apart in values:
            return values[apart]
    return values[gas]


def metric_row(code: str, gwp_set: str) -> dict[str, float]:
    """What one canonical unit of ``code`` adds to each column (zeros where it adds nothing)."""
    metric = metrics()[code]
    row = dict.fromkeys(COLUMNS, 0.0)
    if metric.category == "fuel":
        row["energy_gj"] = row["fuel_gj"] = 1.0
        factors = ghg_factors.emission_factors().get(code, {})
        biogenic_fuel = bool(factors.get("CO2") and factors["CO2"].biogenic)
        if biogenic_fuel:
            row["renewable_gj"] = 1.0
        if not factors:
            row["uncounted_gj"] = 1.0
        for gas, ef in factors.items():
            t_per_gj = ef.value_kg_per_tj * KG_PER_TJ_TO_T_PER_GJ
            if gas == "CO2" and ef.biogenic:
                row["biogenic_co2_t"] = t_per_gj
                continue
            row[{"CO2": "co2_fossil_t", "CH4": "ch4_t", "N2O": "n2o_t"}[gas]] = t_per_gj
            row["scope1_tco2e"] += t_per_gj * _gwp(gwp_set, gas, biogenic_fuel=biogenic_fuel)
    elif metric.category == "energy" and code not in ENERGY_NOT_USED:
        row["energy_gj"] = 1.0 if metric.canonical_unit == "GJ" else GJ_PER_KWH
        if code == "electricity_grid":
            row["grid_kwh"] = 1.0
        if code in RENEWABLE_ON_SITE:
            row["solar_kwh"] = 1.0
            row["renewable_gj"] = GJ_PER_KWH
        if code in NO_FACTOR:
            row["uncounted_gj"] = 1.0
    elif code in INSTRUMENTS:
        row["instrument_mwh"] = 1.0
    elif metric.category == "water":
        row["water_recycled_m3" if code in WATER_NOT_WITHDRAWN else "water_withdrawn_m3"] = 1.0
    elif metric.category == "wastewater":
        row["wastewater_m3"] = 1.0
    elif metric.category == "waste":
        row["waste_kg"] = 1.0
        if code.endswith(DIVERTED_ROUTES):
            row["waste_diverted_kg"] = 1.0
    elif code in PRODUCTION:
        row[code] = 1.0
    return row


def metric_table(gwp_set: str = ghg_factors.DEFAULT_GWP) -> pa.Table:
    """One row per catalogue metric: ``metric`` and the ``COLUMNS`` coefficients under ``gwp_set``."""
    rows = [{"metric": code, **metric_row(code, gwp_set)} for code in metrics()]
    return pa.Table.from_pylist(rows, schema=pa.schema([("metric", pa.string())] + [(c, pa.float64()) for c in COLUMNS]))


def grid_table(pairs: Iterable[tuple[str, int]]) -> pa.Table:
    """The location-based grid factor [t CO2e/MWh] and its flags for each (country, year) that has one."""
    rows = []
    for country, year in sorted(set(pairs)):
        factor = grid_factors.for_inventory(country, year)
        if factor is None:
            continue
        rows.append({"country": country, "year": year, "grid_t_per_mwh": factor.value,
                     "grid_flags": "; ".join(factor.flags), "grid_source": f"{factor.publisher}: {factor.citation()}"})
    return pa.Table.from_pylist(rows, schema=pa.schema([
        ("country", pa.string()), ("year", pa.int64()), ("grid_t_per_mwh", pa.float64()),
        ("grid_flags", pa.string()), ("grid_source", pa.string())]))

