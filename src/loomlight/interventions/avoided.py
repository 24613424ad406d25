"""Avoided emissions of an intervention: the yearly savings of a business case through the accounting engine.

Each saving line {metric, quantity, unit} is checked and converted by ``accounting.inventory.activity`` (the same
metric codes as ``loomlight ghg --list-metrics``, the same units and the same refusals), then:

- a fuel burnt is counted with ``calc.ghg.combustion`` and the shipped IPCC 2006 factors (scope 1); the biogenic
  CO2 of biomass and biogas is reported apart and never counted as avoided (GHG Protocol Corporate Standard,
  ch. 4 and 9), their CH4 and N2O are;
- grid electricity saved, and grid electricity no longer bought thanks to on-site solar used on site
  (``electricity_solar_self_consumed``), are counted at a grid factor: ``grid_factor="inventory"`` (default) is
  ``reference.grid_factors.for_inventory(country, year)``, the factor of the facility's own scope 2 inventory (what
  that inventory would lose); "firm", "intermittent" or "operating_margin" are ``for_projects`` margins, the
  factors for avoided-emission claims of projects (IFI harmonised approach). Electricity exported displaces grid
  generation elsewhere: counted with a margin, not with the inventory factor (the facility's inventory does not
  change);
- a negative quantity is an increase (a switch from coal to biomass saves coal and adds biomass: its CH4 and N2O
  count against the saving);
- metrics that emit nothing by themselves (water, waste, production...), contractual instruments (I-RECs and
  PPAs lower market-based scope 2 but avoid nothing physically) and purchased steam (no shipped factor) add 0 t
  and are listed as not counted, with the reason, never silently.

Pure: no Django; factors from the shipped reference data, whose version is part of the result.

References: GHG Protocol Corporate Standard (2004), ch. 4 and 9; GHG Protocol Scope 2 Guidance (2015), ch. 6;
IPCC 2006 Guidelines Vol. 2 ch. 2, tables 2.2 and 2.3; IFI Harmonized Default Grid Factors 2021 (AHG-001).
"""

from __future__ import annotations

from dataclasses import dataclass

from loomlight.accounting import inventory
from loomlight.calc.ghg import DIVIDED, PLUS, TIMES, EmissionFactor, Explanation, Factor, Flag, Step, combustion, term
from loomlight.reference import ghg_factors, grid_factors
from loomlight.reference.countries import is_country
from loomlight.reference.metrics import metrics

GRID_FACTOR_CHOICES = ("inventory", *grid_factors.PROJECT_KINDS)
#: grid electricity no longer bought: saved, or replaced by on-site solar used on site
GRID_DISPLACED = ("electricity_grid", "electricity_solar_self_consumed")
EXPORTED = "electricity_exported"
NOT_COUNTED = {
    "rec_irec": "a contractual instrument lowers market-based scope 2, it avoids no emission: not counted",
    "rec_ppa": "a contractual instrument lowers market-based scope 2, it avoids no emission: not counted",
    "steam_purchased": "purchased steam or heat has no shipped emission factor: not counted",
}
NO_EMISSION_FACTOR = "no emission factor: not counted"


class AvoidedError(ValueError):
    """A bad saving line or case: ``field`` names it (``country``, ``savings[2].unit``), the message says why."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Line:
    """One saving line as counted: its metric, the amount in the metric's canonical unit (negative = an increase),
    the tonnes avoided (None when not counted) and the biogenic CO2 kept apart."""

    index: int
    metric: str
    amount: float
    unit: str
    tco2e: float | None
    biogenic_co2_t: float = 0.0
    note: str = ""


@dataclass(frozen=True)
class Avoided:
    tco2e_per_year: float
    biogenic_co2_t_per_year: float       # reported apart, never in tco2e_per_year
    grid_factor: dict | None             # {value, unit, type, source, year, flags, ...}; None when not needed and absent
    lines: tuple[Line, ...]
    not_counted: tuple[dict, ...]        # [{index, metric, reason}]
    energy_kwh: float                    # grid and solar electricity lines, kWh (negative = more used)
    energy_gj: float                     # fuel lines, GJ NCV
    gwp_set: str
    factors_version: str
    explanation: Explanation


def grid_factor_choice(country: str, year: int, choice: str) -> grid_factors.GridFactor | None:
    """The grid factor of ``choice`` ("inventory" or a project kind) for ``country`` in ``year``."""
    if choice not in GRID_FACTOR_CHOICES:
        raise AvoidedError("grid_factor", f"“{choice}” is not one of {', '.join(GRID_FACTOR_CHOICES)}")
    if choice == "inventory":
        return grid_factors.for_inventory(country, year)
    return grid_factors.for_projects(country, choice)


def grid_factor_dict(grid: grid_factors.GridFactor, choice: str) -> dict:
    """The factor as the output states it: value, unit, type (the choice and the factor's kind), source, year, flags."""
    return {"value": grid.value, "unit": grid.unit, "type": choice, "factor_type": grid.factor_type,
            "intended_use": grid.intended_use, "country": grid.country, "year": grid.year,
            "publisher": grid.publisher, "official": grid.official, "source": grid.citation(),
            "flags": list(grid.flags)}


#: the grid factor's flags (reference.grid_factors) in a sentence a reader of a business case understands
GRID_FLAG_TEXT = {
    grid_factors.PROXY_YEAR: "the grid factor is that of {year}, not of {asked} (the nearest shipped)",
    grid_factors.NOT_OFFICIAL: "the grid factor is not the national authority's ({publisher})",
    grid_factors.LIFECYCLE: "the grid factor is on a lifecycle basis (upstream and manufacturing emissions included)",
    grid_factors.MARGIN: "the inventory grid factor is a combined margin, as the national authority publishes it",
}


def _grid_flags(grid: grid_factors.GridFactor, choice: str, year: int) -> list[Flag]:
    if choice == "inventory":
        return [Flag(f.code, GRID_FLAG_TEXT[f.text].format(**f.params) if f.text in GRID_FLAG_TEXT else f.text, f.params)
                for f in inventory.grid_flags(grid, year)]
    params = {"country": grid.country, "year": grid.year, "publisher": grid.publisher, "factor_type": grid.factor_type,
              "kind": choice}
    return [Flag("not_official", "the project margin is not the national authority's: the IFI harmonised default "
                                 f"({grid.year})", params) if text == grid_factors.NOT_OFFICIAL else Flag("grid", text, params)
            for text in grid.flags]


def _emission_factors(code: str) -> dict[str, EmissionFactor]:
    found = ghg_factors.emission_factors().get(code, {})
    return {gas: EmissionFactor(ef.value_kg_per_tj, ef.citation(), biogenic=ef.biogenic) for gas, ef in found.items()}


def check_line(index: int, line: dict, *, country: str, year: int) -> inventory.Activity:
    """One saving line {metric, quantity, unit} checked and converted as the accounting engine does; AvoidedError
    naming ``savings[index].<field>`` (or ``country``) otherwise."""
    return _converted(index, line, country.upper(), year)


def _converted(index: int, line: dict, country: str, year: int) -> inventory.Activity:
    quantity = line["quantity"]
    row = {"facility": "case", "country": country, "period": f"{year:04d}-01", "metric": str(line["metric"]),
           "value": repr(abs(float(quantity))), "unit": str(line["unit"])}
    try:
        return inventory.activity(row)
    except inventory.RowError as exc:
        column = {"value": "quantity"}.get(exc.column, exc.column)
        field = "country" if column == "country" else f"savings[{index}].{column}"
        raise AvoidedError(field, str(exc)) from None


def avoided_emissions(*, country: str, year: int, savings, grid_factor: str = "inventory",
                      gwp_set: str = ghg_factors.DEFAULT_GWP) -> Avoided:
    """Avoided emissions [t CO2e/year] of yearly ``savings`` ({metric, quantity, unit}; quantity per year, negative
    = an increase), in ``country`` (ISO 3166-1 alpha-2) and ``year`` (the year of the inventory grid factor).

    ``grid_factor``: "inventory" (default), "firm", "intermittent" or "operating_margin" (module docstring).
    AvoidedError naming the field (``country``, ``savings[i].unit``...) for a bad line, and naming ``country`` when
    electricity is saved in a country without a grid factor of that choice.
    """
    if not isinstance(country, str) or not is_country(country.upper()):
        raise AvoidedError("country", f"“{country}” is not a country of reference/countries.csv (an ISO 3166-1 "
                                      "alpha-2 code such as VN)")
    country = country.upper()
    if gwp_set not in ghg_factors.GWP_SETS:
        raise AvoidedError("gwp", f"“{gwp_set}” is not one of {', '.join(ghg_factors.GWP_SETS)}")
    grid = grid_factor_choice(country, year, grid_factor)
    activities = [(i, line, _converted(i, line, country, year)) for i, line in enumerate(savings)]
    gwp_rows = ghg_factors.gwp(gwp_set)
    gwp = {gas: g.value for gas, g in gwp_rows.items()}
    gwp_source = "; ".join(sorted({f"{g.source}, {g.table}" for g in gwp_rows.values()})) or gwp_set
    catalogue = metrics()

    needs_grid = any(a.metric in GRID_DISPLACED or (a.metric == EXPORTED and grid_factor != "inventory")
                     for _i, _l, a in activities)
    if needs_grid and grid is None:
        what = "inventory grid factor" if grid_factor == "inventory" else f"{grid_factor} project grid factor"
        raise AvoidedError("country", f"{country} has no shipped {what}: electricity savings cannot be counted "
                                      "(reference/grid_factors.csv lists the countries)")
    inputs: list[Factor] = []
    factors: list[Factor] = []
    steps: list[Step] = []
    flags: dict[str, Flag] = {}
    lines: list[Line] = []
    not_counted: list[dict] = []
    total = biogenic_total = kwh = gj = 0.0
    grid_used = False
    for i, line, a in activities:
        sign = -1.0 if float(line["quantity"]) < 0 else 1.0
        amount = sign * a.amount
        inputs.append(Factor(f"saving {i}: {a.metric}", amount, f"{a.unit}/year", "case input", "saving",
                             {"index": i, "metric": a.metric, "note": a.note}))
        category = catalogue[a.metric].category
        if category == "fuel":
            gj += amount
            ef = _emission_factors(a.metric)
            if not ef:
                reason = f"{a.metric}: no shipped emission factors: not counted"
                not_counted.append({"index": i, "metric": a.metric, "reason": reason})
                flags[reason] = Flag("no_emission_factors", reason, {"fuel": a.metric})
                lines.append(Line(i, a.metric, amount, a.unit, None, note=a.note))
                continue
            burnt = combustion(a.amount, ef, gwp=gwp, gwp_set=gwp_set, gwp_source=gwp_source, fuel=a.metric)
            factors.extend(f for f in burnt.explanation.factors if f not in factors)
            steps.extend(burnt.explanation.steps)
            for flag in burnt.explanation.flag_codes:
                flags[flag.text] = flag
            t = sign * burnt.scope1_tco2e
            biogenic = sign * burnt.biogenic_co2_t
            steps.append(Step(f"avoided by saving {i} ({a.metric})" + (" — an increase" if sign < 0 else ""),
                              f"{sign:+g} x {burnt.scope1_tco2e:.6g} t CO2e (biogenic CO2 not counted)", t,
                              "t CO2e/year", "avoided_fuel",
                              {"index": i, "fuel": a.metric, "increase": sign < 0, "biogenic_co2_t": biogenic},
                              (term(sign, ""), TIMES, term(burnt.scope1_tco2e, "t CO2e"))))
            total += t
            biogenic_total += biogenic
            lines.append(Line(i, a.metric, amount, a.unit, t, biogenic, a.note))
        elif a.metric in GRID_DISPLACED or (a.metric == EXPORTED and grid_factor != "inventory"):
            grid_used = True
            if a.metric in GRID_DISPLACED:
                kwh += amount
            mwh = amount / 1000.0
            t = mwh * grid.value
            what = {"electricity_grid": "grid electricity saved",
                    "electricity_solar_self_consumed": "grid electricity replaced by on-site solar",
                    EXPORTED: "grid generation displaced by electricity exported"}[a.metric]
            steps.append(Step(f"avoided by saving {i} ({what})",
                              f"{amount:g} kWh / 1,000 kWh/MWh x {grid.value:g} {grid.unit}", t,
                              grid.unit.split("/", 1)[0] + "/year", "avoided_electricity",
                              {"index": i, "metric": a.metric, "increase": sign < 0},
                              (term(amount, "kWh"), DIVIDED, term(1000.0, "kWh/MWh"), TIMES, term(grid.value, grid.unit))))
            total += t
            lines.append(Line(i, a.metric, amount, a.unit, t))
        else:
            if a.metric == EXPORTED:
                reason = ("electricity exported does not lower the facility's inventory: not counted with the "
                          "inventory grid factor (a margin counts it)")
            else:
                reason = NOT_COUNTED.get(a.metric, NO_EMISSION_FACTOR)
            not_counted.append({"index": i, "metric": a.metric, "reason": reason})
            text = f"saving {i} ({a.metric}): {reason}"
            flags[text] = Flag("saving_not_counted", text, {"index": i, "metric": a.metric})
            lines.append(Line(i, a.metric, amount, a.unit, None))
    grid_out = None
    if grid is not None:
        grid_out = grid_factor_dict(grid, grid_factor)
        if grid_used:
            factors.append(Factor(f"grid factor {grid.country} {grid.year} ({grid.factor_type})", grid.value,
                                  grid.unit, f"{grid.publisher}: {grid.citation()}", "grid_factor",
                                  {"country": grid.country, "year": grid.year, "factor_type": grid.factor_type,
                                   "official": grid.official, "choice": grid_factor}))
            for flag in _grid_flags(grid, grid_factor, year):
                flags[flag.text] = flag
            if grid.unit != "t CO2e/MWh":
                text = (f"the grid factor gives CO2 only ({grid.unit}, as published): counted as CO2e, without CH4 "
                        "and N2O")
                flags[text] = Flag("co2_only", text, {"unit": grid.unit})
    if biogenic_total:
        text = (f"biogenic CO2 of biomass ({biogenic_total:+.6g} t/year, negative where more is burnt) is reported "
                "apart, never counted as avoided")
        flags[text] = Flag("biogenic_apart", text, {"biogenic_co2_t": biogenic_total})
    counted = [term(line.tco2e, "t CO2e/year") for line in lines if line.tco2e is not None]
    parts: list = []
    for part in counted:
        parts.extend(([PLUS] if parts else []) + [part])
    steps.append(Step("avoided emissions per year", "sum of the counted saving lines", total, "t CO2e/year",
                      "avoided_total", {"lines": len(counted), "not_counted": len(not_counted)}, tuple(parts)))
    ordered = tuple(sorted(flags.values(), key=lambda f: f.text))
    explanation = Explanation(tuple(inputs), tuple(factors), tuple(steps), gwp_set, tuple(f.text for f in ordered),
                              ordered)
    return Avoided(total, biogenic_total, grid_out, tuple(lines), tuple(not_counted), kwh, gj, gwp_set,
                   inventory.factors_version(), explanation)
