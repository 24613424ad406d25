""""How was this computed?" written for people, in the reader's language and number format.

A stored month's explanation (``Inventory.explanation``, built by ``services.compute`` from
``accounting.inventory.facility_month`` and ``calc.ghg``) carries numbers, codes and parameters; this module
turns it into what the page shows:

- what was reported first: each input's value and unit as entered, and for a fuel by mass or volume the
  conversion to energy with its density and calorific value, each with its source;
- per fuel and for purchased electricity, each step as a sentence and a formula whose numbers and result are
  written by one formatter (``site.numbers``: no 1.25496e+06, the reader's separators), then the factors with
  their sources;
- the factor data named in words, with the file hashes behind them;
- each flag once, with its marker: the same numbering for the whole year (``year_flags``), so that the months
  table marks the rows a flag concerns and the explanation of any month uses the same marker.

Sentences are gettext messages with named placeholders: the words are translated, the numbers formatted, the
codes never shown. A row stored before the explanations carried codes (``EXPLANATION_VERSION`` 1) is shown
with its English text until it is recomputed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from loomlight.reference.metrics import metrics
from loomlight.site.numbers import number


# --- words --------------------------------------------------------------------------

def metric_name(code: str) -> str:
    found = metrics().get(code)
    return _(found.name) if found else code


def _gas_name(name: str) -> str:
    return {"CH4_fossil": pgettext("gas", "fossil CH4"), "CH4_nonfossil": pgettext("gas", "non-fossil CH4")}.get(name, name)


def factor_type_name(code: str) -> str:
    return {
        "generation_average": pgettext("grid factor", "average of the generation"),
        "combined_margin": pgettext("grid factor", "combined margin"),
        "operating_margin": pgettext("grid factor", "operating margin"),
        "build_margin": pgettext("grid factor", "build margin"),
        "lifecycle_average": pgettext("grid factor", "lifecycle average"),
    }.get(code, code)


def gwp_words(gwp_set: str) -> str:
    return {
        "AR4": _("IPCC Fourth Assessment Report (AR4), 100-year values"),
        "AR5": _("IPCC Fifth Assessment Report (AR5), 100-year values"),
        "AR6": _("IPCC Sixth Assessment Report (AR6), 100-year values"),
    }.get(gwp_set, gwp_set)


def _data_file_words(name: str) -> str:
    """A shipped data file (reference/*.csv; docs/data-sources.md) in words."""
    return {
        "fuel_properties.csv": _("calorific values and densities of fuels (IPCC 2006, UN energy statistics)"),
        "emission_factors.csv": _("emission factors of fuels (IPCC 2006)"),
        "gwp.csv": _("global warming potentials (IPCC AR4, AR5, AR6)"),
        "grid_factors.csv": _("grid emission factors (national authorities, Ember)"),
    }.get(name, name)


def data_version(version: str) -> dict:
    """The factor data of a result in words, with the file versions (name@hash) behind them."""
    files = [part.strip() for chunk in (version or "").split("+") for part in chunk.split(";") if part.strip()]
    words = [_data_file_words(f.split("@", 1)[0]) for f in files]
    return {"words": "; ".join(words), "files": files}


# --- numbers with units ---------------------------------------------------------------

def quantity(value, unit: str) -> str:
    """A number and its unit, as the formulas write them."""
    return f"{number(value)} {unit}".strip()


def formula(terms, value, unit: str) -> str:
    """``terms`` (numbers with units and operators, ``calc.ghg.Step.terms``) "= value unit", one number format."""
    parts = [t if isinstance(t, str) else quantity(t["value"], t["unit"]) for t in terms]
    if len(parts) == 1:   # a sum of one part (market-based scope 2 without instruments): its value alone
        return quantity(value, unit)
    return f"{' '.join(parts)} = {quantity(value, unit)}"


# --- steps, factors, flags --------------------------------------------------------------

def step_what(step: dict) -> str:
    code, p = step.get("code"), step.get("params") or {}
    fuel = metric_name(p.get("fuel", ""))
    gas = p.get("gas", "")
    if code == "gas":
        if p.get("biogenic"):
            return _("%(gas)s from %(fuel)s (biogenic: reported apart from the scopes)") % {"gas": gas, "fuel": fuel}
        return _("%(gas)s from %(fuel)s") % {"gas": gas, "fuel": fuel}
    if code == "gas_co2e":
        return _("%(gas)s from %(fuel)s as CO2e") % {"gas": gas, "fuel": fuel}
    if code == "scope1_fuel":
        if p.get("biogenic_apart"):
            return _("Scope 1 from %(fuel)s: its gases as CO2e, biogenic CO2 apart") % {"fuel": fuel}
        return _("Scope 1 from %(fuel)s: its gases as CO2e") % {"fuel": fuel}
    if code == "electricity_mwh":
        return _("Electricity purchased, in MWh")
    if code == "scope2_location":
        return _("Scope 2, location-based")
    if code == "instrument_covered":
        return _("Covered by %(kind)s") % {"kind": p.get("kind", "")}
    if code == "not_covered":
        return _("Not covered by instruments")
    if code == "scope2_market":
        return _("Scope 2, market-based: covered and not covered")
    return step.get("what", "")


def _step_unit(step: dict) -> str:
    unit = step.get("unit", "")
    gas = (step.get("params") or {}).get("gas")
    return f"t {gas}" if step.get("code") == "gas" and unit == "t" and gas else unit


def step_formula(step: dict) -> str:
    if step.get("terms"):
        return formula(step["terms"], step["value"], _step_unit(step))
    return f"{step.get('formula', '')} = {quantity(step.get('value'), step.get('unit', ''))}"   # stored before codes


def factor_name(factor: dict) -> str:
    code, p = factor.get("code"), factor.get("params") or {}
    if code == "emission_factor":
        return _("%(gas)s emission factor of %(fuel)s") % {"gas": p.get("gas", ""), "fuel": metric_name(p.get("fuel", ""))}
    if code == "gwp":
        return _("Global warming potential of %(gas)s") % {"gas": _gas_name(p.get("gas", ""))}
    if code == "grid_factor":
        return _("Grid emission factor of %(country)s, %(year)s (%(type)s)") % {
            "country": _country(p.get("country", "")), "year": p.get("year", ""), "type": factor_type_name(p.get("factor_type", ""))}
    if code == "instrument_factor":
        return _("Emission factor of %(kind)s instruments") % {"kind": p.get("kind", "")}
    return factor.get("name", "")


def _country(code: str) -> str:
    from loomlight.reference.countries import country_names

    name = country_names().get(code)
    return _(name) if name else code


def flag_text(flag: dict) -> str:
    """A flag as a sentence of the reader's language; one the code does not know, in its English text."""
    code, p = flag.get("code"), flag.get("params") or {}
    if code == "no_gas_factor":
        return _("No %(gas)s factor for %(fuel)s: its %(gas)s is not counted.") % {
            "gas": p.get("gas", ""), "fuel": metric_name(p.get("fuel", ""))}
    if code == "no_factor":
        return _("%(metric)s has no shipped emission factor: it is not counted.") % {"metric": metric_name(p.get("metric", ""))}
    if code == "no_emission_factors":
        return _("%(fuel)s has no shipped emission factors: it is not counted.") % {"fuel": metric_name(p.get("fuel", ""))}
    if code == "no_grid_factor":
        return _("No grid emission factor is shipped for %(country)s: scope 2 is not counted.") % {
            "country": _country(p.get("country", ""))}
    if code == "proxy_year":
        return _("No grid factor of %(country)s for %(asked)s is shipped: the latest earlier one, of %(year)s, is used.") % {
            "country": _country(p.get("country", "")), "asked": p.get("asked", ""), "year": p.get("year", "")}
    if code == "not_official":
        return _("%(country)s's authority publishes no grid factor that is shipped: a non-official one is used (%(publisher)s).") % {
            "country": _country(p.get("country", "")), "publisher": p.get("publisher", "")}
    if code == "lifecycle":
        return _("The grid factor is a lifecycle average: it includes the emissions of building and supplying the power "
                 "plants, not only of burning their fuel.")
    if code == "margin_factor":
        return _("The grid factor is a %(type)s of the CDM tool, the factor %(country)s's authority publishes for "
                 "inventories, not an average of the generation.") % {
            "type": factor_type_name(p.get("factor_type", "")), "country": _country(p.get("country", ""))}
    if code == "no_residual_mix":
        return _("No residual mix is published for this grid: the market-based scope 2 counts the electricity not covered "
                 "by instruments at the location-based factor (%(type)s) too.") % {
            "type": factor_type_name(p.get("factor", "")) if p.get("factor") else pgettext("grid factor", "the grid's factor")}
    if code == "co2_only":
        return _("The grid factor counts CO2 only (%(unit)s, as published): scope 2 gives it as CO2e, without CH4 and "
                 "N2O.") % {"unit": p.get("unit", "")}
    if code == "instrument_beyond":
        return _("%(kind)s: %(mwh)s MWh beyond the electricity purchased cover nothing.") % {
            "kind": p.get("kind", ""), "mwh": number(p.get("mwh"))}
    return flag.get("text", "")


def _flag_key(flag: dict) -> tuple:
    return flag.get("code", ""), flag.get("text", "")


def _month_flags(row: dict) -> list[dict]:
    """A stored month's flags as dicts with code, text and params; a row stored before codes gives its texts."""
    stored = (row.get("explanation") or {}).get("flags")
    if stored is not None:
        return list(stored)
    text = row.get("flags") or ""
    return [{"code": "", "text": t.strip(), "params": {}} for t in text.split(";") if t.strip()]


@dataclass
class Note:
    marker: int
    text: str
    periods: list[datetime.date] = field(default_factory=list)


@dataclass
class YearFlags:
    """Each flag of a year's months once, numbered; ``markers`` gives each month the numbers of its flags."""

    notes: list[Note]
    markers: dict[datetime.date, list[int]]
    months: int
    by_key: dict[tuple, Note] = field(default_factory=dict)

    def every_month(self, note: Note) -> bool:
        return len(note.periods) == self.months


def year_flags(rows) -> YearFlags:
    """The flags of ``rows`` (``selectors.month_row`` dicts of one year), each once, numbered in order of appearance."""
    by_key: dict[tuple, Note] = {}
    markers: dict[datetime.date, list[int]] = {}
    rows = list(rows)
    for row in rows:
        mine = []
        for flag in _month_flags(row):
            key = _flag_key(flag)
            note = by_key.get(key)
            if note is None:
                note = by_key[key] = Note(len(by_key) + 1, flag_text(flag))
            if row["period"] not in note.periods:
                note.periods.append(row["period"])
            if note.marker not in mine:
                mine.append(note.marker)
        markers[row["period"]] = mine
    return YearFlags(list(by_key.values()), markers, len(rows), by_key)


# --- inputs ------------------------------------------------------------------------------

def _source_text(prop: dict) -> str:
    if prop.get("source") == "facility":
        return _("this facility's own value, valid from %(month)s, backed by its evidence") % {"month": prop.get("valid_from", "")}
    return prop.get("reference") or _("shipped default")


def _conversion(entry: dict) -> dict | None:
    """How a fuel reported by mass or volume became energy: the formula and its two factors with their sources."""
    record = entry.get("conversion")
    if not record:
        return None
    reported, unit = entry.get("reported_value"), entry.get("reported_unit", "")
    ncv, density = record.get("ncv") or {}, record.get("density")
    energy = entry.get("value")
    ncv_unit, density_unit = ncv.get("unit", ""), (density or {}).get("unit", "")
    if density and density_unit.endswith("/t") and density_unit.split("/")[0] == unit and ncv_unit.endswith("/t"):
        # 1,500 L ÷ 1,149 L/t × 43 GJ/t: volume → mass → energy, as the factors are published
        terms = [{"value": reported, "unit": unit}, "÷", {"value": density["value"], "unit": density_unit}, "×",
                 {"value": ncv["value"], "unit": ncv_unit}]
    elif not density and ncv_unit == f"GJ/{unit}":
        terms = [{"value": reported, "unit": unit}, "×", {"value": ncv["value"], "unit": ncv_unit}]
    else:
        terms = [{"value": reported, "unit": unit}, "×", {"value": record.get("gj_per_unit"), "unit": f"GJ/{unit}"}]
    factors = [{"name": _("net calorific value"), "value": quantity(ncv.get("value"), ncv_unit), "source": _source_text(ncv),
                "data": ncv.get("data", "")}]
    if density:
        factors.insert(0, {"name": pgettext("fuel property", "density"), "value": quantity(density.get("value"), density_unit),
                           "source": _source_text(density), "data": density.get("data", "")})
    return {"formula": formula(terms, energy, entry.get("unit", "GJ")), "factors": factors}


def _input(entry: dict) -> dict:
    reported_value = entry.get("reported_value", entry.get("value"))
    reported_unit = entry.get("reported_unit", entry.get("unit", ""))
    out = {"metric": entry.get("metric", ""), "name": metric_name(entry.get("metric", "")),
           "qualifier": entry.get("qualifier", ""), "reported": quantity(reported_value, reported_unit),
           "conversion": _conversion(entry), "used": None}
    if out["conversion"] is None and reported_unit != entry.get("unit"):
        out["used"] = quantity(entry.get("value"), entry.get("unit", ""))   # 310 MWh = 310,000 kWh
    return out


#: Flags of the grid factor chosen (accounting.inventory.grid_flags): they concern the purchased electricity.
GRID_FLAGS = ("proxy_year", "not_official", "lifecycle", "margin_factor")


def _section_of(flag: dict, calculations: dict) -> str | None:
    """The calculation a flag concerns: the one whose explanation raised it, the electricity for the grid factor's."""
    key = _flag_key(flag)
    for source, calc in calculations.items():
        if key in {_flag_key(f) for f in calc.get("flag_codes") or []}:
            return source
    if flag.get("code") in GRID_FLAGS and "scope2" in calculations:
        return "scope2"
    return None


# --- the month -------------------------------------------------------------------------------

def month(row: dict, flags: YearFlags | None = None) -> dict:
    """What the explanation of one stored month (a ``selectors.month_row`` with its explanation) shows."""
    stored = row.get("explanation") or {}
    flags = flags or year_flags([row])
    notes = [n for n in flags.notes if n.marker in flags.markers.get(row["period"], [])]
    calculations = stored.get("calculations") or {}
    markers: dict[str, list[int]] = {}
    for flag in _month_flags(row):
        note = flags.by_key.get(_flag_key(flag))
        source = _section_of(flag, calculations)
        if note is not None and source is not None and note.marker not in markers.setdefault(source, []):
            markers[source].append(note.marker)
    sections = []
    for source, calc in calculations.items():
        title = _("Purchased electricity (scope 2)") if source == "scope2" else metric_name(source)
        sections.append({
            "source": source, "title": title, "markers": markers.get(source, []),
            "steps": [{"what": step_what(s), "formula": step_formula(s)} for s in calc.get("steps") or []],
            "factors": [{"name": factor_name(f), "value": quantity(f.get("value"), f.get("unit", "")), "source": f.get("source", "")}
                        for f in calc.get("factors") or []],
        })
    return {
        "period": row["period"], "computed_at": row.get("computed_at"),
        "gwp_set": row.get("gwp_set") or stored.get("gwp_set", ""), "gwp_words": gwp_words(row.get("gwp_set") or ""),
        "data": data_version(row.get("factors_version") or stored.get("factors_version", "")),
        "inputs": [_input(i) for i in stored.get("inputs") or []],
        "sections": sections, "flags": notes,
    }
