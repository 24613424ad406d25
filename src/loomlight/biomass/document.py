"""The fuel-switch document: the INPUT.json of ``loomlight biomass switch``, checked, parsed and evaluated.

A document is a JSON object (issue 19, point 5)::

    {"from": {"metric": "coal_bituminous", "quantity": 100, "unit": "t", "boiler_efficiency": 0.75},
     "to": {"metric": "biomass_rice_husk", "boiler_efficiency": 0.85,
            "moisture": {"value": 10, "unit": "%"}, "ncv": {"value": 14.2, "unit": "MJ/kg"}},
     "country": "VN",
     "transport": {"distance_km": 80, "mode": "truck"},
     "prices": {"currency": "USD", "from": 120, "to": 40},
     "controls": {"before": "none", "after": "cyclone"}, "gwp": "AR5", "year": 2025}

Required: ``from`` {metric, quantity, unit, boiler_efficiency}, ``to`` {metric, boiler_efficiency}, ``country``.
``from.metric`` is a fuel metric of ``loomlight ghg --list-metrics``, its quantity in ``unit`` converted to energy
by the accounting engine (``accounting.inventory.activity``: the shipped NCV and density), or with ``from.ncv``
{value, unit} (the supplier's or a laboratory's NCV) when given. ``to.metric`` is a biomass fuel metric; its
NCV as received is ``to.ncv`` when given ({value, unit}; ``basis`` "as_received", the default, or "dry", which
needs ``to.moisture``), else the catalogue's dry-basis LHV corrected to ``to.moisture`` (ISO 18125), else the
catalogue's typical as-received LHV, else the IPCC default NCV (flagged). Moisture is {value, unit}: unit "%" or
"fraction", wet basis, as received. Boiler efficiencies are fractions (0.75), NCV basis.

Optional: ``transport`` {distance_km, mode} (a mode of ``reference/transport_factors.csv``); ``prices``
{currency, from (per ``from.unit`` of the old fuel), to (per tonne of biomass)}: without both, the cost change is
not computed (never 0); ``controls`` {before, after} (none, cyclone, wet_scrubber, bag_filter, esp; default none);
``gwp`` (AR4, AR5, AR6; default AR5); ``year`` (of the business case ``case_document`` writes).

An unknown key is refused; numbers are JSON numbers (finite, not strings or booleans); every error names its JSON
path (``to.moisture.value``) and says what is wrong; all the errors of a document are reported at once
(``DocumentInvalid``, the business-case document's).

``switch_document(doc)`` returns a plain JSON-able dict (the command's ``--format json``; OUTPUT lists its keys):
each output with its explanation under ``explanation`` (calc.ghg's, as dicts), the flags with their codes.
"""

from __future__ import annotations

import datetime

from loomlight.accounting import inventory
from loomlight.calc import biomass as calc
from loomlight.calc.fuels import FuelError, Property, fuel_energy, property_quantity
from loomlight.calc.ghg import EmissionFactor, Factor, Flag, GhgError, Step, combustion
from loomlight.calc.units import UnitError
from loomlight.interventions.document import DocumentInvalid, _Checker, _kind
from loomlight.reference import biomass as catalogue
from loomlight.reference import biomass_factors, fuel_properties, ghg_factors
from loomlight.reference.countries import is_country
from loomlight.reference.metrics import metrics

__all__ = ["DocumentInvalid", "switch_document", "case_document", "OUTPUT"]

REQUIRED = ("from", "to", "country")
OPTIONAL = ("transport", "prices", "controls", "gwp", "year")
FROM_KEYS = ("metric", "quantity", "unit", "boiler_efficiency", "ncv")
FROM_REQUIRED = ("metric", "quantity", "unit", "boiler_efficiency")
TO_KEYS = ("metric", "boiler_efficiency", "moisture", "ncv")
TO_REQUIRED = ("metric", "boiler_efficiency")
NCV_KEYS = ("value", "unit", "basis")
MOISTURE_KEYS = ("value", "unit")
MOISTURE_UNITS = ("%", "fraction")
NCV_BASES = ("as_received", "dry")
TRANSPORT_KEYS = ("distance_km", "mode")
PRICE_KEYS = ("currency", "from", "to")
CONTROL_KEYS = ("before", "after")
OUTPUT = ("fuel_energy_gj", "useful_heat_gj", "biomass_energy_gj", "biomass_ncv_gj_per_t", "biomass_ncv_source",
          "biomass_t", "scope1_before_tco2e", "scope1_after_tco2e", "scope1_change_tco2e", "biogenic_co2_t",
          "transport_tco2e", "transport", "currency", "cost_before", "cost_after", "cost_change", "particulates",
          "gwp", "factors_version", "flags", "explanation")
MAX_DISTANCE_KM = 40_000


def _mass_unit(unit: str) -> bool:
    try:
        from loomlight.calc.units import dimension_of

        return dimension_of(unit) == "mass"
    except UnitError:
        return False


def _ncv_gj_per_t(c: _Checker, raw, path: str) -> float | None:
    """An {value, unit} NCV per mass, in GJ/t."""
    value = c.number(raw.get("value"), f"{path}.value", low=0, low_open=True) if "value" in raw else None
    unit = c.text(raw.get("unit"), f"{path}.unit") if "unit" in raw else None
    if value is None or unit is None:
        return None
    try:
        q = property_quantity(Property(value, unit), "ncv")
    except (UnitError, FuelError) as exc:
        c.fail(f"{path}.unit", str(exc))
        return None
    if not q.check("[energy]/[mass]"):
        c.fail(f"{path}.unit", f"“{unit}” is per volume: give the NCV of the biomass per mass (GJ/t, MJ/kg)")
        return None
    return q.to("GJ/t").magnitude


def _moisture(c: _Checker, raw, path: str) -> float | None:
    if not c.keys(raw, path, MOISTURE_KEYS, MOISTURE_KEYS):
        return None
    unit = c.text(raw.get("unit"), f"{path}.unit", MOISTURE_UNITS) if "unit" in raw else None
    high = 100 if unit == "%" else 1
    value = c.number(raw.get("value"), f"{path}.value", low=0) if "value" in raw else None
    if value is None or unit is None:
        return None
    fraction = value / 100.0 if unit == "%" else value
    if fraction >= 1:
        c.fail(f"{path}.value", f"must be below {high:g} {unit} (wet basis: the water's share of the fuel as "
                                f"received), not {value:g}")
        return None
    return fraction


def _emission_factors(code: str) -> dict[str, EmissionFactor]:
    found = ghg_factors.emission_factors().get(code, {})
    return {gas: EmissionFactor(ef.value_kg_per_tj, ef.citation(), biogenic=ef.biogenic) for gas, ef in found.items()}


class _Parsed:
    pass


def _parse(doc) -> _Parsed:
    c = _Checker()
    if not c.keys(doc, "", REQUIRED + OPTIONAL, REQUIRED):
        raise DocumentInvalid(c.errors)
    p = _Parsed()
    catalogue_metrics = metrics()
    p.country = c.text(doc.get("country"), "country") if "country" in doc else None
    if p.country is not None:
        p.country = p.country.upper()
        if not is_country(p.country):
            c.fail("country", f"“{doc['country']}” is not a country of reference/countries.csv (an ISO 3166-1 "
                              "alpha-2 code such as VN)")
            p.country = None
    p.gwp = c.text(doc.get("gwp"), "gwp", ghg_factors.GWP_SETS) if "gwp" in doc else ghg_factors.DEFAULT_GWP
    p.year = c.number(doc.get("year"), "year", low=1990, high=2100, integer=True) if "year" in doc else None

    # from
    p.fuel = p.quantity = p.unit = p.eta_old = p.from_ncv = None
    raw = doc.get("from")
    if "from" in doc and c.keys(raw, "from", FROM_KEYS, FROM_REQUIRED):
        p.fuel = c.text(raw.get("metric"), "from.metric") if "metric" in raw else None
        if p.fuel is not None:
            metric = catalogue_metrics.get(p.fuel)
            if metric is None or metric.category != "fuel":
                c.fail("from.metric", f"“{p.fuel}” is not a fuel metric: `loomlight ghg --list-metrics` lists them")
                p.fuel = None
        p.quantity = c.number(raw.get("quantity"), "from.quantity", low=0, low_open=True) if "quantity" in raw else None
        p.unit = c.text(raw.get("unit"), "from.unit") if "unit" in raw else None
        p.eta_old = (c.number(raw.get("boiler_efficiency"), "from.boiler_efficiency", low=0, low_open=True, high=1)
                     if "boiler_efficiency" in raw else None)
        if "ncv" in raw and c.keys(raw["ncv"], "from.ncv", ("value", "unit"), ("value", "unit")):
            value = c.number(raw["ncv"].get("value"), "from.ncv.value", low=0, low_open=True) if "value" in raw["ncv"] else None
            unit = c.text(raw["ncv"].get("unit"), "from.ncv.unit") if "unit" in raw["ncv"] else None
            if value is not None and unit is not None:
                p.from_ncv = Property(value, unit, {"source": "reported"})

    # to
    p.biomass = p.eta_new = p.moisture = p.to_ncv = None
    p.to_basis = "as_received"
    raw = doc.get("to")
    if "to" in doc and c.keys(raw, "to", TO_KEYS, TO_REQUIRED):
        p.biomass = c.text(raw.get("metric"), "to.metric") if "metric" in raw else None
        if p.biomass is not None:
            co2 = ghg_factors.emission_factors().get(p.biomass, {}).get("CO2")
            metric = catalogue_metrics.get(p.biomass)
            if metric is None or metric.category != "fuel" or co2 is None or not co2.biogenic \
                    or not p.biomass.startswith("biomass"):
                biomass_metrics = sorted(m for m in catalogue_metrics if m.startswith("biomass"))
                c.fail("to.metric", f"“{p.biomass}” is not a biomass fuel metric: one of {', '.join(biomass_metrics)}")
                p.biomass = None
        p.eta_new = (c.number(raw.get("boiler_efficiency"), "to.boiler_efficiency", low=0, low_open=True, high=1)
                     if "boiler_efficiency" in raw else None)
        if "moisture" in raw:
            p.moisture = _moisture(c, raw["moisture"], "to.moisture")
        if "ncv" in raw and c.keys(raw["ncv"], "to.ncv", NCV_KEYS, ("value", "unit")):
            p.to_ncv = _ncv_gj_per_t(c, raw["ncv"], "to.ncv")
            if "basis" in raw["ncv"]:
                p.to_basis = c.text(raw["ncv"]["basis"], "to.ncv.basis", NCV_BASES) or "as_received"
            if p.to_basis == "dry" and "moisture" not in raw:
                c.fail("to.moisture", "missing: a dry-basis NCV needs the moisture as received to be corrected")

    # transport
    p.distance = p.mode = None
    raw = doc.get("transport")
    if "transport" in doc and c.keys(raw, "transport", TRANSPORT_KEYS, TRANSPORT_KEYS):
        p.distance = (c.number(raw.get("distance_km"), "transport.distance_km", low=0, high=MAX_DISTANCE_KM)
                      if "distance_km" in raw else None)
        p.mode = c.text(raw.get("mode"), "transport.mode") if "mode" in raw else None
        if p.mode is not None and p.mode not in biomass_factors.modes():
            c.fail("transport.mode", str(biomass_factors.UnknownMode(p.mode, biomass_factors.modes())))
            p.mode = None

    # prices
    p.currency = p.price_from = p.price_to = None
    raw = doc.get("prices")
    if "prices" in doc and c.keys(raw, "prices", PRICE_KEYS, ("currency",)):
        p.currency = c.text(raw.get("currency"), "prices.currency") if "currency" in raw else None
        if p.currency is not None and not (len(p.currency) == 3 and p.currency.isalpha() and p.currency.isupper()):
            c.fail("prices.currency", f"“{p.currency}” is not an ISO 4217 code such as USD")
        p.price_from = c.number(raw.get("from"), "prices.from", low=0) if "from" in raw else None
        p.price_to = c.number(raw.get("to"), "prices.to", low=0) if "to" in raw else None

    # controls
    p.control_before = p.control_after = "none"
    raw = doc.get("controls")
    if "controls" in doc and c.keys(raw, "controls", CONTROL_KEYS):
        if "before" in raw:
            p.control_before = c.text(raw["before"], "controls.before", biomass_factors.CONTROLS)
        if "after" in raw:
            p.control_after = c.text(raw["after"], "controls.after", biomass_factors.CONTROLS)

    # the old fuel's energy, through the accounting engine's conversions (or the user's NCV)
    p.fuel_energy = None
    p.fuel_note = ""
    if None not in (p.fuel, p.quantity, p.unit, p.country):
        if p.from_ncv is not None:
            density = fuel_properties.default(p.fuel, "density")
            try:
                energy = fuel_energy(p.quantity, p.unit, ncv=p.from_ncv,
                                     density=density.as_property() if density else None)
            except (UnitError, FuelError) as exc:
                c.fail("from.ncv.unit" if getattr(exc, "key", "").startswith("ncv") else "from.unit", str(exc))
            else:
                p.fuel_energy, p.fuel_note = energy.energy_gj, energy.formula
        else:
            row = {"facility": "switch", "country": p.country, "period": f"{p.year or 2000:04d}-01",
                   "metric": p.fuel, "value": repr(float(p.quantity)), "unit": p.unit}
            try:
                activity = inventory.activity(row)
            except inventory.RowError as exc:
                c.fail({"value": "from.quantity", "unit": "from.unit", "metric": "from.metric"}.get(exc.column,
                                                                                                    exc.column), str(exc))
            else:
                p.fuel_energy, p.fuel_note = activity.amount, activity.note
    if p.to_basis == "dry" and p.to_ncv is not None and p.moisture is not None:
        try:
            calc.lhv_as_received(p.to_ncv, p.moisture)
        except calc.BiomassError as exc:
            c.fail("to.moisture.value", exc.message)
    if c.errors:
        raise DocumentInvalid(c.errors)
    return p


def _biomass_ncv(p: _Parsed) -> tuple[Factor, tuple[Step, ...], str, list[Flag], tuple[Factor, ...]]:
    """The biomass's NCV as received [GJ/t]: its Factor, the steps that made it, its source in words, flags, inputs."""
    flags: list[Flag] = []
    inputs: list[Factor] = []
    if p.moisture is not None:
        inputs.append(Factor(f"moisture of {p.biomass} as received", p.moisture, "wet-basis fraction", "reported",
                             "moisture", {"fuel": p.biomass}))
    if p.to_ncv is not None and p.to_basis == "as_received":
        ncv = Factor(f"NCV of {p.biomass} as received", p.to_ncv, "GJ/t", "reported", "ncv", {"fuel": p.biomass})
        return ncv, (), "reported", flags, tuple(inputs)
    if p.to_ncv is not None:   # dry basis, corrected to the moisture
        dry = Factor(f"NCV of {p.biomass}, dry basis", p.to_ncv, "GJ/t", "reported", "ncv_dry", {"fuel": p.biomass})
        step = calc.ncv_as_received_step(dry, p.moisture)
        ncv = Factor(f"NCV of {p.biomass} as received", step.value, "GJ/t", "reported dry-basis NCV, ISO 18125 "
                     "moisture correction", "ncv", {"fuel": p.biomass})
        return ncv, (step,), "reported_dry_corrected", flags, (*inputs, dry)
    kind = catalogue.for_metric(p.biomass)
    if kind is not None:
        cite = f"{kind.source}, {kind.table} ({kind.year})"
        if p.moisture is not None and kind.lhv_db_gj_per_t is not None:
            dry = Factor(f"NCV of {kind.code}, dry basis", kind.lhv_db_gj_per_t, "GJ/t", cite, "ncv_dry",
                         {"fuel": p.biomass, "type": kind.code})
            step = calc.ncv_as_received_step(dry, p.moisture)
            ncv = Factor(f"NCV of {p.biomass} as received", step.value, "GJ/t", f"{cite}; ISO 18125 moisture "
                         "correction", "ncv", {"fuel": p.biomass})
            return ncv, (step,), "catalogue_dry_corrected", flags, (*inputs, dry)
        if kind.lhv_ar_gj_per_t is not None:
            if p.moisture is not None:
                flags.append(Flag("biomass.moisture_unused", f"the moisture given is not used: the catalogue has no "
                                  f"dry-basis LHV of {kind.code}, only a typical as-received one",
                                  {"fuel": p.biomass, "type": kind.code}))
            flags.append(Flag("biomass.typical_lhv", f"the catalogue's typical as-received LHV of {kind.code}, not a "
                              "measured one: prefer the LHV on delivery notes or from a laboratory",
                              {"fuel": p.biomass, "type": kind.code}))
            ncv = Factor(f"typical NCV of {kind.code} as received", kind.lhv_ar_gj_per_t, "GJ/t", cite, "ncv",
                         {"fuel": p.biomass, "type": kind.code})
            return ncv, (), "catalogue_typical", flags, tuple(inputs)
    default = fuel_properties.default(p.biomass, "ncv")
    value = property_quantity(default.as_property(), "ncv").to("GJ/t").magnitude
    if p.moisture is not None:
        flags.append(Flag("biomass.moisture_unused", f"the moisture given is not used: no dry-basis LHV of "
                          f"{p.biomass} is shipped", {"fuel": p.biomass}))
    flags.append(Flag("biomass.ipcc_ncv", "IPCC default NCV, not the as-received value: give the biomass's NCV "
                      "as received (to.ncv) or its moisture", {"fuel": p.biomass}))
    ncv = Factor(f"IPCC default NCV of {p.biomass}", value, "GJ/t", default.citation(), "ncv", {"fuel": p.biomass})
    return ncv, (), "ipcc_default", flags, tuple(inputs)


def _particulates(p: _Parsed, energy_before: float, energy_after: float, flags: list[Flag]) -> tuple[dict, dict]:
    """Particulates [kg] before and after, uncontrolled and with the controls given; None where no factor."""
    out: dict = {"before": {}, "after": {}}
    explanations: dict = {}
    for side, metric, energy, control in (("before", p.fuel, energy_before, p.control_before),
                                          ("after", p.biomass, energy_after, p.control_after)):
        for which in dict.fromkeys(("none", control)):
            found = biomass_factors.particulate_factor(metric, which)
            key = "uncontrolled_kg" if which == "none" else f"{which}_kg"
            if found is None:
                out[side][key] = None
                flags.append(Flag("biomass.no_particulate_factor", f"no sourced particulate factor for {metric} "
                                  f"({'no control' if which == 'none' else which}): particulates not computed",
                                  {"fuel": metric, "control": which}))
                continue
            factor = Factor(f"{found.pollutant} factor of {metric} ({which})", found.value, found.unit,
                            found.citation(), "particulate_factor",
                            {"fuel": metric, "control": which, "pollutant": found.pollutant})
            step = calc.particulate_emissions(energy, factor, side=side)
            out[side][key] = step.value
            out[side]["pollutant"] = found.pollutant
            explanations[f"particulates.{side}.{which}"] = {"factors": [factor], "steps": [step]}
        out[side]["control"] = control
    return out, explanations


def switch_document(doc) -> dict:
    """The output object of a switch document (OUTPUT's keys); DocumentInvalid with every error (JSON path,
    message) otherwise."""
    p = _parse(doc)
    ncv, ncv_steps, ncv_source, flags, ncv_inputs = _biomass_ncv(p)
    gwp_rows = ghg_factors.gwp(p.gwp)
    gwp = {gas: g.value for gas, g in gwp_rows.items()}
    gwp_source = "; ".join(sorted({f"{g.source}, {g.table}" for g in gwp_rows.values()})) or p.gwp
    try:
        before = combustion(p.fuel_energy, _emission_factors(p.fuel), gwp=gwp, gwp_set=p.gwp, gwp_source=gwp_source,
                            fuel=p.fuel)
        heat = calc.useful_heat(p.fuel_energy, p.eta_old, fuel=p.fuel)
        energy_after = calc.biomass_energy(heat.value, p.eta_new, biomass=p.biomass).value
        after = combustion(energy_after, _emission_factors(p.biomass), gwp=gwp, gwp_set=p.gwp,
                           gwp_source=gwp_source, fuel=p.biomass)
    except (GhgError, calc.BiomassError) as exc:
        raise DocumentInvalid([(getattr(exc, "field", "from"), getattr(exc, "message", str(exc)))]) from None
    transport_factor = None
    if p.mode is not None:
        tf = biomass_factors.transport_factor(p.mode)
        transport_factor = Factor(f"transport factor of {p.mode} ({tf.name})", tf.value, tf.unit,
                                  f"{tf.citation()} ({tf.year})", "transport_factor", {"mode": p.mode})
    else:
        flags.append(Flag("biomass.no_transport", "no transport given: transport emissions not computed", {}))
    reported = (Factor(f"{p.fuel} reported", p.quantity, p.unit, "reported", "reported_quantity",
                       {"fuel": p.fuel, "note": p.fuel_note}),) + ncv_inputs
    result = calc.switch(fuel=p.fuel, fuel_energy_gj=p.fuel_energy, efficiency_old=p.eta_old, biomass=p.biomass,
                         efficiency_new=p.eta_new, ncv=ncv, inputs=reported, ncv_steps=ncv_steps, before=before,
                         after=after, transport_factor=transport_factor, distance_km=p.distance, flags=tuple(flags))
    explanation = {name: e.as_dict() for name, e in result.explanations.items()}
    change = result.scope1_after_tco2e - result.scope1_before_tco2e
    explanation["scope1_change_tco2e"] = {"steps": [{"what": "change of scope 1", "code": "biomass.scope1_change",
                                                     "formula": f"{result.scope1_after_tco2e:g} t CO2e − "
                                                                f"{result.scope1_before_tco2e:g} t CO2e",
                                                     "value": change, "unit": "t CO2e", "params": {},
                                                     "terms": [{"value": result.scope1_after_tco2e, "unit": "t CO2e"},
                                                               "−", {"value": result.scope1_before_tco2e,
                                                                     "unit": "t CO2e"}]}]}
    out_flags = list(result.flags)
    cost_before = cost_after = cost_change = None
    if p.currency is not None and p.price_from is not None and p.price_to is not None:
        before_step = calc.fuel_cost(p.quantity, p.unit, p.price_from, p.currency, side="before", fuel=p.fuel)
        after_step = calc.fuel_cost(result.biomass_t, "t", p.price_to, p.currency, side="after", fuel=p.biomass)
        diff = calc.difference(after_step, before_step, code="biomass.cost_change", what="change of fuel cost")
        cost_before, cost_after, cost_change = before_step.value, after_step.value, diff.value
        explanation["cost_change"] = {"steps": [_step_dict(s) for s in (before_step, after_step, diff)]}
    else:
        out_flags.append(Flag("biomass.no_prices", "no prices of both fuels: the cost change is not computed", {}))
    particulates, pm_explanations = _particulates(p, p.fuel_energy, result.biomass_energy_gj, out_flags)
    explanation["particulates"] = {k: {"factors": [_factor_dict(f) for f in v["factors"]],
                                       "steps": [_step_dict(s) for s in v["steps"]]} for k, v in pm_explanations.items()}
    transport = None
    if p.mode is not None:
        transport = {"mode": p.mode, "distance_km": p.distance, "factor_kg_co2e_per_t_km": transport_factor.value,
                     "source": transport_factor.source}
    return {
        "fuel_energy_gj": p.fuel_energy,
        "useful_heat_gj": result.useful_heat_gj,
        "biomass_energy_gj": result.biomass_energy_gj,
        "biomass_ncv_gj_per_t": result.biomass_ncv_gj_per_t,
        "biomass_ncv_source": {"kind": ncv_source, "source": ncv.source},
        "biomass_t": result.biomass_t,
        "scope1_before_tco2e": result.scope1_before_tco2e,
        "scope1_after_tco2e": result.scope1_after_tco2e,
        "scope1_change_tco2e": change,
        "biogenic_co2_t": result.biogenic_co2_t,
        "transport_tco2e": result.transport_tco2e,
        "transport": transport,
        "currency": p.currency,
        "cost_before": cost_before,
        "cost_after": cost_after,
        "cost_change": cost_change,
        "particulates": particulates,
        "gwp": p.gwp,
        "factors_version": "+".join((inventory.factors_version(), biomass_factors.version())),
        "flags": [{"code": f.code, "text": f.text, "params": f.params} for f in _unique(out_flags)],
        "explanation": explanation,
    }


def _unique(flags):
    seen, out = set(), []
    for f in flags:
        if f.text not in seen:
            seen.add(f.text)
            out.append(f)
    return out


def _step_dict(step: Step) -> dict:
    return {"what": step.what, "formula": step.formula, "value": step.value, "unit": step.unit, "code": step.code,
            "params": step.params, "terms": list(step.terms)}


def _factor_dict(factor: Factor) -> dict:
    return {"name": factor.name, "value": factor.value, "unit": factor.unit, "source": factor.source,
            "code": factor.code, "params": factor.params}


def case_document(doc, out: dict) -> dict:
    """A ``loomlight case`` input document (interventions.document) for the switch of ``doc`` with its output
    ``out``.

    Two saving lines, both in GJ so that the case's avoided emissions are this switch's own (a line in tonnes would
    be converted with the shipped IPCC NCV, not with the NCV this switch used): the old fuel saved (``out``'s
    fuel energy, priced at ``prices.from`` per ``from.unit`` turned into a price per GJ) and the biomass bought (a
    negative line of ``out``'s biomass energy, priced at ``prices.to`` per tonne × ``biomass_t`` ÷ the biomass's GJ),
    so that quantity × price is each fuel's cost. Capex 0 for the user to set (the boiler's cost is not known
    here), a 10-year lifetime and an 8 % discount rate to edit; the switch's country, GWP set, currency and year
    (this year when the switch gives none). Without prices a line's price is 0: the savings are the user's to fill
    in; the avoided emissions are computed either way."""
    p = _parse(doc)
    fuel_gj, biomass_gj = out["fuel_energy_gj"], out["biomass_energy_gj"]
    price_from = p.price_from * p.quantity / fuel_gj if p.price_from is not None and fuel_gj else 0.0
    price_to = p.price_to * out["biomass_t"] / biomass_gj if p.price_to is not None and biomass_gj else 0.0
    case = {
        "country": p.country,
        "year": p.year or datetime.date.today().year,
        "capex": 0,
        "lifetime_years": 10,
        "discount_rate": 0.08,
        "savings": [
            {"metric": p.fuel, "quantity": fuel_gj, "unit": "GJ", "price": price_from},
            {"metric": p.biomass, "quantity": -biomass_gj, "unit": "GJ", "price": price_to},
        ],
        "gwp": p.gwp,
    }
    if p.currency is not None:
        case["currency"] = p.currency
    return case
