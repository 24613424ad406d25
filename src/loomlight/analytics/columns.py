"""The names of the portfolio tables' columns (no imports: the Django models use them too)."""

PRODUCTION = ("production_kg", "production_m", "production_pieces", "production_pairs")

#: The coefficient columns, each "per canonical unit of the metric".
COLUMNS = (
    "scope1_tco2e", "co2_fossil_t", "ch4_t", "n2o_t", "biogenic_co2_t",
    "energy_gj", "renewable_gj", "fuel_gj", "grid_kwh", "solar_kwh", "instrument_mwh",
    "water_withdrawn_m3", "water_recycled_m3", "wastewater_m3", "waste_kg", "waste_diverted_kg",
    *PRODUCTION, "uncounted_gj",
)

#: Summed from the activity (every coefficient column).
SUMMED = COLUMNS
#: Per facility and month, after scope 2.
INVENTORY_COLUMNS = (
    "facility_id", "period", "year", "country",
    "scope1_tco2e", "scope2_location_tco2e", "scope2_market_tco2e", "biogenic_co2_t",
    "co2_fossil_t", "ch4_t", "n2o_t",
    *(c for c in COLUMNS if c not in ("scope1_tco2e", "co2_fossil_t", "ch4_t", "n2o_t", "biogenic_co2_t")),
    "instrument_covered_mwh", "instrument_unused_mwh", "scope2_uncounted_kwh",
    "grid_t_per_mwh", "grid_flags",
)
#: Additive inventory columns: a rollup sums them.
ADDITIVE = tuple(c for c in INVENTORY_COLUMNS
                 if c not in ("facility_id", "period", "year", "country", "grid_t_per_mwh", "grid_flags"))
GRAINS = ("month", "year", "all")
UNITS = {"production_kg": "kg", "production_m": "m", "production_pieces": "piece", "production_pairs": "pair"}


#: The partial sums a rollup adds up: exact at any grouping, so that sums of sums are sums.
WITH_OUTPUT = tuple(f"{kind}_with_output_{unit}" for unit in UNITS.values()
                    for kind in ("tco2e", "energy_gj", "water_m3"))
PARTIAL = (*ADDITIVE, *WITH_OUTPUT, "facility_months")


#: What a stored month or year reports, by groups of the catalogue's categories (``Inventory.reported``): a column
#: whose groups were not all reported in a month (or in any month of a period) is *not reported* where it is shown,
#: never 0. Emissions are not in any group: a month without fuel has no scope 1, which is 0.
REPORTED_GROUPS = {"energy": ("energy", "fuel"), "water": ("water",), "wastewater": ("wastewater",),
                   "waste": ("waste",), "output": ("production",)}
REPORTED_BY = {
    **dict.fromkeys(("energy_gj", "renewable_gj", "fuel_gj", "grid_kwh", "solar_kwh", "renewable_share",
                     "renewable_share_with_instruments", "renewable_electricity_share"), ("energy",)),
    **dict.fromkeys(("water_withdrawn_m3", "water_recycled_m3"), ("water",)),
    "wastewater_m3": ("wastewater",),
    **dict.fromkeys(("waste_kg", "waste_diverted_kg", "diversion_rate"), ("waste",)),
    **dict.fromkeys((*PRODUCTION, "output"), ("output",)),
    **{f"energy_gj_per_{unit}": ("energy", "output") for unit in UNITS.values()},
    **{f"water_m3_per_{unit}": ("water", "output") for unit in UNITS.values()},
}


def reported_groups(categories) -> str:
    """The ``REPORTED_GROUPS`` that catalogue ``categories`` fill, as stored: space-separated, in a fixed order."""
    categories = set(categories)
    return " ".join(g for g, members in REPORTED_GROUPS.items() if categories & set(members))


def blank_unreported(row: dict, reported: str | None) -> list[str]:
    """Set to None, in ``row``, the columns whose groups ``reported`` (``reported_groups``) lacks; returns their names.
    ``reported`` None (a row stored before this was recorded) blanks nothing."""
    if reported is None:
        return []
    blanked = [c for c in unreported_columns(reported) if c in row]
    for c in blanked:
        row[c] = None
    return blanked


_UNREPORTED: dict[str, tuple[str, ...]] = {}


def unreported_columns(reported: str) -> tuple[str, ...]:
    """The columns whose groups ``reported`` lacks, remembered per value (a programme's download asks this for each
    of 20,000 rows, of a handful of distinct values)."""
    columns = _UNREPORTED.get(reported)
    if columns is None:
        have = set(reported.split())
        columns = _UNREPORTED[reported] = tuple(c for c, groups in REPORTED_BY.items() if not set(groups) <= have)
    return columns
