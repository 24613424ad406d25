"""The messages of ``loomlight.calc`` in the reader's language.

``calc`` is pure (no Django, no gettext): its errors carry an English ``str()`` for the analysts' command and a
``key`` with ``params`` (the unit, the value, dimensions as codes) for the platform. ``calc_message`` writes them
here, with the numbers through ``site.numbers``; the form, the Excel import and the API all show this text
(``reporting.services.convert`` and the other services call it where they turn an error into a
``ValidationError``). tests/site/test_calc_messages.py checks that every key's English here is calc's own.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from loomlight.calc.units import MAX_POWER, MAX_UNIT_LENGTH
from loomlight.site.numbers import number


def dimension_name(code: str) -> str:
    """A dimension as ``calc.units.dimension_of`` names it (energy, mass, ...), in the reader's language."""
    return {
        "energy": pgettext("dimension", "energy"), "volume": pgettext("dimension", "volume"),
        "mass": pgettext("dimension", "mass"), "time": pgettext("dimension", "time"),
        "pieces": pgettext("dimension", "pieces"), "pairs": pgettext("dimension", "pairs"),
        "people": pgettext("dimension", "people"), "events": pgettext("dimension", "events"),
        "length": pgettext("dimension", "length"),
    }.get(code, code)


def _accepted() -> str:
    return _("use a unit such as kWh, GJ, L, m³, kg or tonne, with an SI prefix (MWh, mg), or a product or quotient "
             "of such units (MJ/kg, kg/m³, mg/L) with whole powers up to 3")


def _property_name(kind: str) -> str:
    return {"ncv": _("net calorific value"), "density": pgettext("fuel property", "density")}.get(kind, kind)


def calc_message(exc) -> str:
    """The message of a ``calc.units.UnitError`` or ``calc.fuels.FuelError`` in the reader's language; one this
    module does not know is shown in calc's English rather than lost."""
    key, p = getattr(exc, "key", ""), getattr(exc, "params", {}) or {}
    if key == "unknown_unit":
        return _("Unknown unit “%(unit)s”: %(accepted)s.") % {"unit": p.get("unit", ""), "accepted": _accepted()}
    if key == "unit_power":
        return _("Unknown unit “%(unit)s”: a power is a whole number from -%(max)s to %(max)s, not 0 (m³, m**3, m**-1).") % {
            "unit": p.get("unit", ""), "max": p.get("max", MAX_POWER)}
    if key == "unit_too_long":
        return _("Unknown unit “%(unit)s…”: a unit has at most %(max)s characters; %(accepted)s.") % {
            "unit": p.get("unit", ""), "max": p.get("max", MAX_UNIT_LENGTH), "accepted": _accepted()}
    if key == "no_unit":
        return _("No unit given.")
    if key == "ambiguous_unit":
        return _("“%(unit)s” is ambiguous: write %(choices)s.") % {"unit": p.get("unit", ""), "choices": p.get("choices", "")}
    if key == "not_a_number":
        return _("“%(value)s” is not a number.") % {"value": p.get("value", "")}
    if key == "not_a_number_text":
        return _("“%(value)s” is not a number: write digits with a point for decimals, e.g. %(example)s.") % {
            "value": p.get("value", ""), "example": "1234.5"}
    if key == "not_finite":
        return _("“%(value)s” is not a finite number.") % {"value": p.get("value", "")}
    if key == "negative":
        return _("%(value)s is negative: report amounts as zero or more.") % {"value": number(p.get("value"))}
    if key == "wrong_dimension":
        return _("“%(unit)s” measures %(measures)s, but this value is %(expected)s (in %(canonical)s).") % {
            "unit": p.get("unit", ""), "measures": dimension_name(p.get("measures", "")),
            "expected": dimension_name(p.get("expected", "")), "canonical": p.get("canonical", "")}
    if key == "too_large":
        return _("%(value)s %(unit)s is too large: in %(canonical)s it is beyond the largest number stored.") % {
            "value": number(p.get("value")), "unit": p.get("unit", ""), "canonical": p.get("canonical", "")}
    if key in ("ncv_not_positive", "density_not_positive"):
        return _("The %(property)s must be more than zero.") % {"property": _property_name(key.split("_")[0])}
    if key == "ncv_unit":
        return _("“%(unit)s” is not a calorific value: give energy per mass (GJ/t, MJ/kg) or per volume (MJ/m³).") % {
            "unit": p.get("unit", "")}
    if key == "density_unit":
        return _("“%(unit)s” is not a density: give mass per volume (kg/L, kg/m³) or volume per mass (L/t).") % {
            "unit": p.get("unit", "")}
    if key == "not_mass_or_volume":
        return _("“%(unit)s” measures %(measures)s, not a mass or a volume.") % {
            "unit": p.get("unit", ""), "measures": dimension_name(p.get("measures", ""))}
    if key == "density_needed":
        return _("A %(measures)s needs a density to be converted with a calorific value per %(basis)s.") % {
            "measures": dimension_name(p.get("measures", "")), "basis": dimension_name(p.get("basis", ""))}
    return str(exc)


# --- business cases (issue 18): the steps and flags of calc.finance and interventions.avoided -----------------

def _case_steps() -> dict:
    return {
        "finance.capex_net": _("Investment less the grant"),
        "finance.benefit_year1": _("Net benefit in the first year: savings less the change of operating costs"),
        "finance.loan_annuity": _("Yearly debt service of the loan (an annuity)"),
        "finance.crf": _("Capital recovery factor: the share of an investment repaid each year over the lifetime "
                         "at the discount rate"),
        "finance.npv_project": _("Net present value of the project: its flows after tax, before financing, "
                                 "discounted and summed"),
        "finance.npv": _("Net present value for the factory: its flows after the grant, the loan and tax, "
                         "discounted and summed"),
        "finance.irr": _("Internal rate of return of the project: the discount rate at which its net present "
                         "value is zero"),
        "finance.irr_equity": _("Internal rate of return of the factory's own money"),
        "finance.simple_payback": _("Simple payback: the investment less the grant, divided by the first year's "
                                    "net benefit"),
        "finance.discounted_payback": _("Discounted payback: when the cumulative discounted flow first reaches zero"),
        "finance.benefit_cost_ratio": _("Benefit-cost ratio: the discounted benefits divided by the investment "
                                        "less the grant"),
        "finance.eac": _("Equivalent annual cost: the investment times the capital recovery factor, plus the "
                         "operating costs, less the savings (the grant is not deducted: it is the measure's cost, "
                         "whoever pays it)"),
        "finance.abatement_cost": _("Abatement cost: the equivalent annual cost divided by the t CO2e avoided a year"),
        "finance.tco2e_lifetime": _("t CO2e avoided over the lifetime: the t CO2e a year times the lifetime"),
        "finance.levelised_cost": _("Levelised cost: the yearly cost of the investment and operation divided by "
                                    "the energy a year"),
        "avoided_electricity": _("Electricity avoided times the grid's emission factor"),
        "avoided_fuel": _("Fuel avoided, as energy, times its emission factors and global warming potentials"),
        "avoided_total": _("Emissions avoided a year: the saving lines counted, summed"),
    }


def case_step_text(step: dict) -> str:
    """A step of a business case's explanation in the reader's language; a code not known here is shown in
    calc's English (``what``) rather than lost."""
    return _case_steps().get(step.get("code", "")) or step.get("what", "")


def case_flag_text(flag: dict) -> str:
    """A flag of a business case in the reader's language: the finance's and the case document's here, the grid
    factor's as the emissions pages write them (``inventories.explain.flag_text``), else calc's English."""
    from loomlight.inventories.explain import flag_text

    code, p = flag.get("code", ""), flag.get("params") or {}
    texts = {
        "finance.no_tax": _("No tax modelled: the flows are before profit tax."),
        "finance.irr_not_found": _("No internal rate of return: the flows never change sign, or no rate between "
                                   "−99 % and 1000 % makes the net present value zero."),
        "finance.irr_multiple": _("The flows change sign more than once: there may be several internal rates of "
                                  "return."),
        "finance.no_payback": _("Not paid back within the lifetime."),
        "finance.nothing_abated": _("Nothing abated: no abatement cost."),
        "finance.tco2e_not_computed": _("The t CO2e avoided are not computed: no abatement cost."),
        "finance.eac_without_grant": _("The grant is not deducted in the equivalent annual cost and the abatement "
                                       "cost: they are the measure's cost, whoever pays it."),
        "finance.constant_factor": _("The t CO2e avoided are the same every year of the lifetime (a constant "
                                     "emission factor)."),
        "no_physical_savings": _("Every saving is given in money: the avoided emissions are not computed."),
        "no_grid_factor": _("No grid emission factor for this country and year: electricity avoided is not counted."),
        "no_energy": _("Not every saving is energy: no levelised cost."),
        "energy_summed": _("Electricity and fuel savings are summed as final energy (3.6 GJ per MWh) for the "
                           "levelised cost."),
        "saving_not_counted": _("A saving emits nothing counted here (water, chemicals, waste): it avoids no "
                                "emissions."),
        "biogenic_apart": _("Biogenic CO2 is reported apart and never counted as avoided."),
    }
    if code in texts:
        return texts[code]
    return flag_text({"code": code, "params": p, "text": flag.get("text", "")})


# --- the fuel switch to biomass (issue 19): the steps and flags of calc.biomass and biomass.document -----------

def _biomass_steps() -> dict:
    return {
        "biomass.useful_heat": _("Useful heat of the old boiler: the energy of the fuel it burns times its efficiency"),
        "biomass.energy": _("Energy of the biomass for the same useful heat: the useful heat divided by the new "
                            "boiler's efficiency"),
        "biomass.ncv_as_received": _("Net calorific value as received: the dry-basis value times the dry share, "
                                     "less 2.443 GJ per tonne of water evaporated (ISO 18125)"),
        "biomass.tonnes": _("Biomass needed: its energy divided by its net calorific value as received"),
        "biomass.transport": _("Transport of the biomass: tonnes times kilometres times the mode's emission factor"),
        "biomass.particulates": _("Particulates: the fuel's energy times the particulate factor of the fuel and "
                                  "its control"),
        "biomass.fuel_cost": _("Fuel cost: the quantity times its price"),
        "biomass.cost_change": _("Change of fuel cost: the biomass's cost less the old fuel's"),
        "biomass.scope1_change": _("Change of scope 1: after the switch less before"),
        "biomass.supply": _("Share of the need the sources within the radius can supply"),
    }


def biomass_step_text(step: dict) -> str:
    """A step of a fuel switch's explanation in the reader's language; the accounting engine's steps as the
    emissions pages write them, else calc's English (``what``)."""
    return _biomass_steps().get(step.get("code", "")) or step.get("what", "")


def biomass_flag_text(flag: dict) -> str:
    """A flag of a fuel switch in the reader's language; one not known here as the emissions pages write it."""
    from loomlight.inventories.explain import flag_text

    code, p = flag.get("code", ""), flag.get("params") or {}
    texts = {
        "biomass.ipcc_ncv": _("IPCC default NCV, not the as-received value: give the biomass's NCV as received or "
                              "its moisture."),
        "biomass.typical_lhv": _("The catalogue's typical as-received LHV of %(type)s, not a measured one: prefer "
                                 "the LHV on delivery notes or from a laboratory.") % {"type": p.get("type", "")},
        "biomass.moisture_unused": _("The moisture given is not used: no dry-basis LHV of this biomass is known."),
        "biomass.no_transport": _("No transport given: transport emissions are not computed."),
        "biomass.no_prices": _("No prices of both fuels: the cost change is not computed."),
        "biomass.no_particulate_factor": _("No sourced particulate factor for %(fuel)s (%(control)s): particulates "
                                           "are not computed.") % {"fuel": p.get("fuel", ""),
                                                                   "control": p.get("control", "")},
    }
    if code in texts:
        return texts[code]
    return flag_text({"code": code, "params": p, "text": flag.get("text", "")})
