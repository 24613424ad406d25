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
