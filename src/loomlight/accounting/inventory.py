"""Per facility and month: scope 1, scope 2 (location- and market-based), biogenic CO2, by gas.

Input rows are (facility, country, period, metric, value, unit). Each row is checked and
converted on its own (``activity``); then rows are grouped by facility and month
(``facility_month``), where fuels are burnt (``calc.ghg.combustion``) and purchased
electricity is counted against the country's grid factor and the instruments of that
month (``calc.ghg.scope2``). Factors come from the shipped reference data; their
version is part of every result.

Metrics that emit nothing by themselves (water, waste, production, on-site solar used
on site) are accepted and add nothing. Purchased steam or heat has no shipped factor:
it is reported in ``flags``, never counted as zero silently.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from loomlight.calc.fuels import FuelError, fuel_energy
from loomlight.calc.ghg import EmissionFactor, Factor, Flag, Instrument, combustion, scope2
from loomlight.calc.units import UnitError, dimension_of, to_canonical
from loomlight.reference import fuel_properties, ghg_factors, grid_factors
from loomlight.reference.countries import country_names, is_country
from loomlight.reference.metrics import metrics

COLUMNS = ("facility", "country", "period", "metric", "value", "unit")
PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
INSTRUMENTS = {"rec_irec": "I-REC", "rec_ppa": "PPA"}
NO_FACTOR = {"steam_purchased": "purchased steam or heat has no shipped emission factor: not counted"}
OUTPUT = ("facility", "country", "period", "scope1_tco2e", "scope2_location_tco2e", "scope2_market_tco2e",
          "biogenic_co2_t", "co2_fossil_t", "ch4_t", "n2o_t", "gwp", "factors_version", "flags")


class RowError(ValueError):
    """A bad input row: ``column`` names the field, the message says what is wrong and how to fix it."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Activity:
    facility: str
    country: str
    period: datetime.date
    metric: str
    amount: float          # in the metric's canonical unit (GJ for fuels, kWh for electricity, MWh for instruments)
    unit: str
    note: str = ""         # how a fuel by mass or volume became GJ


def activity(row: dict) -> Activity:
    """One input row, checked and converted; RowError naming the column otherwise."""
    values = {c: (row.get(c) or "").strip() for c in COLUMNS}
    if not values["facility"]:
        raise RowError("facility", "empty: give the facility's name or id")
    country = values["country"].upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise RowError("country", f"“{values['country']}” is not an ISO 3166-1 alpha-2 code such as VN")
    if not is_country(country):
        raise RowError("country", f"“{values['country']}” is not a country of reference/countries.csv: give one of "
                                  f"{', '.join(sorted(country_names()))}")
    match = PERIOD.match(values["period"])
    if not match:
        raise RowError("period", f"“{values['period']}” is not a month written YYYY-MM")
    period = datetime.date(int(match.group(1)), int(match.group(2)), 1)
    catalogue = metrics()
    code = values["metric"]
    if code not in catalogue:
        raise RowError("metric", f"unknown metric “{code}”: `loomlight ghg --list-metrics` lists them")
    metric = catalogue[code]
    unit = values["unit"]
    if not unit:
        raise RowError("unit", f"empty: give the unit of the value (for example {metric.canonical_unit})")
    try:
        dimension = dimension_of(unit)
    except UnitError as exc:
        raise RowError("unit", str(exc)) from None
    if metric.category == "fuel" and dimension in metric.also_accepts:
        ncv = fuel_properties.default(code, "ncv")
        if ncv is None:
            raise RowError("unit", f"{code} has no shipped calorific value: report it in GJ (net calorific value basis)")
        density = fuel_properties.default(code, "density")
        try:
            energy = fuel_energy(values["value"], unit, ncv=ncv.as_property(),
                                 density=density.as_property() if density else None)
        except UnitError as exc:
            raise RowError("value", str(exc)) from None
        except FuelError as exc:
            raise RowError("unit", f"{exc} ({code} has no shipped density: report it by mass or in GJ)") from None
        return Activity(values["facility"], country, period, code, energy.energy_gj, "GJ", energy.formula)
    try:
        converted = to_canonical(values["value"], unit, metric.canonical_unit)
    except UnitError as exc:
        column = "value" if exc.code in ("not_a_number", "negative") else "unit"
        raise RowError(column, str(exc)) from None
    return Activity(values["facility"], country, period, code, converted.value, converted.unit)


@dataclass
class FacilityMonth:
    facility: str
    country: str
    period: datetime.date
    fuels_gj: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    grid_kwh: float = 0.0
    instruments_mwh: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    flags: set[Flag] = field(default_factory=set)


def is_ghg_input(code: str) -> bool:
    """Does the metric enter the GHG figures: a fuel, purchased electricity, a renewable-electricity instrument, or
    purchased steam (flagged as not counted)? Water, waste, output and workforce do not, and an explanation of a
    GHG figure lists only the inputs that are."""
    metric = metrics().get(code)
    return metric is not None and (metric.category == "fuel" or code == "electricity_grid"
                                   or code in INSTRUMENTS or code in NO_FACTOR)


def group(activities) -> list[FacilityMonth]:
    """The activities by facility and month; a facility-month exists once it has any activity, of any metric."""
    months: dict[tuple[str, datetime.date], FacilityMonth] = {}
    for a in activities:
        key = (a.facility, a.period)
        month = months.get(key)
        if month is None:
            month = months[key] = FacilityMonth(a.facility, a.country, a.period)
        elif month.country != a.country:
            raise RowError("country", f"facility {a.facility} is given in {month.country} and {a.country} in {a.period:%Y-%m}")
        category = metrics()[a.metric].category
        if category == "fuel":
            month.fuels_gj[a.metric] += a.amount
        elif a.metric == "electricity_grid":
            month.grid_kwh += a.amount
        elif a.metric in INSTRUMENTS:
            month.instruments_mwh[INSTRUMENTS[a.metric]] += a.amount
        elif a.metric in NO_FACTOR and a.amount:
            month.flags.add(Flag("no_factor", f"{a.metric}: {NO_FACTOR[a.metric]}", {"metric": a.metric}))
    return sorted(months.values(), key=lambda m: (m.facility, m.period))


def factors_version() -> str:
    return "+".join((fuel_properties.version(), ghg_factors.data_version(), grid_factors.data_version()))


def grid_flags(grid, year: int) -> list[Flag]:
    """The flags of a grid factor chosen for an inventory of ``year`` (``grid_factors.for_inventory``), each with its
    code and what a reader needs to understand it: the year of the factor, its publisher, its type."""
    params = {"country": grid.country, "year": grid.year, "asked": year, "publisher": grid.publisher,
              "factor_type": grid.factor_type}
    codes = {grid_factors.PROXY_YEAR: "proxy_year", grid_factors.NOT_OFFICIAL: "not_official",
             grid_factors.LIFECYCLE: "lifecycle", grid_factors.MARGIN: "margin_factor",
             grid_factors.NO_RESIDUAL_MIX: "no_residual_mix"}
    return [Flag(codes.get(text, "grid"), text, params) for text in grid.flags]


def _emission_factors(code: str) -> dict[str, EmissionFactor]:
    found = ghg_factors.emission_factors().get(code, {})
    return {gas: EmissionFactor(ef.value_kg_per_tj, ef.citation(), biogenic=ef.biogenic) for gas, ef in found.items()}


def facility_month(month: FacilityMonth, *, gwp_set: str, uncounted: float | None = 0.0) -> dict:
    """One output row (``OUTPUT`` columns), its explanation under "explanation" (by fuel and "scope2") and its flags
    with their codes and parameters under "flag_codes" (``calc.ghg.Flag`` as dicts).

    A scope 2 that cannot be counted (electricity or instruments in a country without a grid
    factor) is ``uncounted``, flagged "scope 2 not counted": None for ``loomlight ghg`` (a figure not
    counted is blank, not zero); 0.0 by default, which the stored inventories (inventories.services.compute)
    keep until their scope 2 columns take a gap. A month without electricity or instruments has a
    scope 2 of 0.0: nothing to count.
    """
    gwp_rows = ghg_factors.gwp(gwp_set)
    gwp = {gas: g.value for gas, g in gwp_rows.items()}
    gwp_source = "; ".join(sorted({f"{g.source}, {g.table}" for g in gwp_rows.values()})) or gwp_set
    flags: set[Flag] = set(month.flags)
    gas_t = {"CO2": 0.0, "CH4": 0.0, "N2O": 0.0}
    scope1 = biogenic = 0.0
    explanations = {}
    for code, gj in sorted(month.fuels_gj.items()):
        factors = _emission_factors(code)
        if not factors:
            flags.add(Flag("no_emission_factors", f"{code}: no shipped emission factors, not counted", {"fuel": code}))
            continue
        result = combustion(gj, factors, gwp=gwp, gwp_set=gwp_set, gwp_source=gwp_source, fuel=code)
        flags.update(result.explanation.flag_codes)
        for gas, t in result.gas_t.items():
            gas_t[gas] += t
        scope1 += result.scope1_tco2e
        biogenic += result.biogenic_co2_t
        explanations[code] = result.explanation.as_dict()
    location = market = 0.0
    if month.grid_kwh or month.instruments_mwh:
        grid = grid_factors.for_inventory(month.country, month.period.year)
        if grid is None:
            flags.add(Flag("no_grid_factor", f"no grid emission factor for {month.country}: scope 2 not counted",
                           {"country": month.country}))
            location = market = uncounted
        else:
            flags.update(grid_flags(grid, month.period.year))
            factor = Factor(f"grid factor {grid.country} {grid.year} ({grid.factor_type})", grid.value, grid.unit,
                            f"{grid.publisher}: {grid.source}", "grid_factor",
                            {"country": grid.country, "year": grid.year, "factor_type": grid.factor_type,
                             "official": grid.official})
            instruments = tuple(Instrument(kind, mwh) for kind, mwh in sorted(month.instruments_mwh.items()))
            result = scope2(month.grid_kwh, grid=factor, instruments=instruments)
            flags.update(result.explanation.flag_codes)
            location, market = result.location_tco2e, result.market_tco2e
            explanations["scope2"] = result.explanation.as_dict()
    return {
        "facility": month.facility, "country": month.country, "period": f"{month.period:%Y-%m}",
        "scope1_tco2e": scope1, "scope2_location_tco2e": location, "scope2_market_tco2e": market,
        "biogenic_co2_t": biogenic, "co2_fossil_t": gas_t["CO2"], "ch4_t": gas_t["CH4"], "n2o_t": gas_t["N2O"],
        "gwp": gwp_set, "factors_version": factors_version(), "flags": "; ".join(sorted(f.text for f in flags)),
        "flag_codes": [{"code": f.code, "text": f.text, "params": f.params} for f in sorted(flags, key=lambda f: f.text)],
        "explanation": explanations,
    }
