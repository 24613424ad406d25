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
