"""The data kinds each derived column is made from, so that a viewer sees a column only with the right
to every one of them (docs/architecture.md, "Data kinds of derived figures").

Kinds are the consent kinds of ``registry.models.DataKind`` (plain strings here: no Django). The rule:

- a GHG figure (scopes, gases, biogenic CO2, grid factor, what was not counted) is of kind ``ghg``: a consent
  naming "ghg" shares the inventory, and the explanation of a figure shows the activity it used;
- a resource amount or share made of the monthly data alone (energy, water, wastewater volume, waste,
  output, instruments, renewable shares, diversion) is ``environmental``;
- an intensity is made of both: emissions per unit of output needs ``ghg`` and ``environmental``;
- keys and counts (facility, period, year, country, number of facilities or months) carry no kind beyond the
  profile that lets the viewer see the facility at all.

A column that is not listed has no known kinds and is never shown (``readable`` drops it); the tests walk
every column the portfolio engine produces and fail on one without kinds.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from loomlight.analytics.columns import UNITS

GHG = "ghg"
ENVIRONMENTAL = "environmental"

NONE: frozenset[str] = frozenset()
_G = frozenset({GHG})
_E = frozenset({ENVIRONMENTAL})
_GE = _G | _E

KEYS = ("facility_id", "facility", "park", "country", "process", "programme", "period", "year", "month",
        "facilities", "facility_months", "gwp_set", "factors_version")

_GHG_COLUMNS = ("scope1_tco2e", "scope2_location_tco2e", "scope2_market_tco2e", "biogenic_co2_t", "co2_fossil_t",
                "ch4_t", "n2o_t", "total_location_tco2e", "total_market_tco2e", "uncounted_gj", "scope2_uncounted_kwh",
                "grid_t_per_mwh", "grid_flags", "flags")
_ENVIRONMENTAL_COLUMNS = ("energy_gj", "renewable_gj", "fuel_gj", "grid_kwh", "solar_kwh", "instrument_mwh",
                          "instrument_covered_mwh", "instrument_unused_mwh", "water_withdrawn_m3", "water_recycled_m3",
                          "wastewater_m3", "waste_kg", "waste_diverted_kg", *UNITS, "renewable_share",
                          "renewable_share_with_instruments", "renewable_electricity_share", "diversion_rate")

KINDS: dict[str, frozenset[str]] = {
    **dict.fromkeys(KEYS, NONE),
    **dict.fromkeys(_GHG_COLUMNS, _G),
    **dict.fromkeys(_ENVIRONMENTAL_COLUMNS, _E),
}
for _unit in UNITS.values():
    KINDS[f"tco2e_with_output_{_unit}"] = _GE     # emissions of the months that report this output
    KINDS[f"energy_gj_with_output_{_unit}"] = _E
    KINDS[f"water_m3_with_output_{_unit}"] = _E
    KINDS[f"tco2e_per_{_unit}"] = _GE
    KINDS[f"energy_gj_per_{_unit}"] = _E
    KINDS[f"water_m3_per_{_unit}"] = _E
# A facility page's main output and its intensity (inventories.selectors.facility_years)
KINDS.update(output_unit=_E, output=_E, tco2e_per_output=_GE)
# A facility's biomass supply weighted by the tonnes its monthly fuel data report (biomass.selectors.supply_risk)
KINDS.update(biomass_tonnes=frozenset({"biomass", ENVIRONMENTAL}), biomass_tonnes_share=frozenset({"biomass", ENVIRONMENTAL}),
             biomass_attention_share=frozenset({"biomass", ENVIRONMENTAL}))

#: Suffixes of derived comparisons (``portfolio.year_on_year``): the kinds of the column compared; "_right" is
#: the other side of a join's key.
SUFFIXES = ("_previous", "_change", "_right")


def of(column: str) -> frozenset[str] | None:
    """The kinds ``column`` is made from; None when unknown (such a column is never shown)."""
    if column in KINDS:
        return KINDS[column]
    for suffix in SUFFIXES:
        if column.endswith(suffix) and column[: -len(suffix)] in KINDS:
            return KINDS[column[: -len(suffix)]]
    return None


def allowed(column: str, granted: Iterable[str]) -> bool:
    """May a viewer with the ``granted`` kinds see ``column``? Never for a column of unknown kinds."""
    kinds = of(column)
    return kinds is not None and kinds <= frozenset(granted)


def readable(columns: Iterable[str], granted: Iterable[str]) -> list[str]:
    """The ``columns`` a viewer with the ``granted`` kinds may see, in their order."""
    granted = frozenset(granted)
    return [c for c in columns if allowed(c, granted)]


def redact(row: Mapping, granted: Iterable[str]) -> dict:
    """``row`` without the columns the ``granted`` kinds do not cover."""
    granted = frozenset(granted)
    return {k: v for k, v in row.items() if allowed(k, granted)}


def redact_rows(rows: Iterable[Mapping], granted: Iterable[str]) -> list[dict]:
    """``redact`` of each row of a query's result (rows with the same columns): the readable columns are decided
    once, so that 20,000 rows of 80 columns cost a dict copy each, not 1.6 million decisions."""
    granted = frozenset(granted)
    out, keep, keys = [], [], None
    for row in rows:
        if keys is None or row.keys() != keys:
            keys = row.keys()
            keep = readable(keys, granted)
        out.append({k: row[k] for k in keep})
    return out
