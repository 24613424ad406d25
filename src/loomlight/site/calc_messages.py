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


# --- business cases (issue 18): the steps and flags of calc.finance, calc.mv, calc.solar and avoided emissions ---

def case_step_text(step: dict) -> str:
    """A step of a business case's explanation in the reader's language; a code this module does not know yet is
    shown in calc's English (``what``) rather than lost."""
    code, p = step.get("code", ""), step.get("params") or {}
    texts = {
        "savings": _("Money saved in the first year: each saving's quantity times its price, summed."),
        "crf": _("Capital recovery factor: the share of the investment to repay each year over the lifetime at the "
                 "discount rate."),
        "npv": _("Net present value: each year's net flow discounted to today and summed, the investment counted at "
                 "year 0."),
        "npv_project": _("Net present value of the project, without the loan."),
        "irr": _("Internal rate of return: the discount rate at which the net present value is zero."),
        "simple_payback": _("Simple payback: the investment less the grant, divided by the first year's net benefit."),
        "discounted_payback": _("Discounted payback: when the cumulative discounted flow first reaches zero."),
        "benefit_cost_ratio": _("Benefit-cost ratio: the discounted benefits divided by the investment less the grant."),
        "eac": _("Equivalent annual cost: the investment times the capital recovery factor, plus the operating cost "
                 "change, less the savings (the grant is not deducted: it is the measure's cost, whoever pays it)."),
        "abatement_cost": _("Abatement cost: the equivalent annual cost divided by the tonnes of CO2e avoided a year."),
        "levelised_cost": _("Levelised cost: the yearly cost of the investment and operation divided by the energy a year."),
        "tco2e_lifetime": _("Emissions avoided over the lifetime: the tonnes a year times the lifetime, at a constant factor."),
        "avoided_electricity": _("Electricity avoided times the grid's emission factor."),
        "avoided_fuel": _("Fuel avoided, as energy, times its emission factors and the global warming potentials."),
    }
    return texts.get(code) or step.get("what", "")


def case_flag_text(flag: dict) -> str:
    """A flag of a business case in the reader's language (calc's English for a code not known here)."""
    code = flag.get("code", "")
    texts = {
        "no_irr": _("No internal rate of return: the flows never change sign, or no rate between −99 % and 1000 % "
                    "makes the net present value zero."),
        "no_tax": _("No tax is modelled (tax rate 0)."),
        "no_payback": _("The investment is not paid back within the lifetime."),
        "proxy_year": _("A factor or price of an earlier year was used: none is published for the year of the case."),
        "no_emission_factor": _("Some savings have no emission factor (water, chemicals, waste): they avoid no "
                                "emissions counted here."),
    }
    return texts.get(code) or flag.get("text", "")
