"""The facility's fuel-switch page: its form, what it is pre-filled with, the switch document it builds, and the
result as the page shows it.

Pre-filled from the facility's own reported boiler fuel (``interventions.baseline.baseline_for``: the last full
year, else the latest year with data, said so; a fuel with missing months is the sum of its reported months, said
so, never extrapolated). The boiler fuels are the metrics the catalogue's switch measure replaces
(``reference.interventions``, ``SWITCH_INTERVENTION``); the one pre-chosen is the largest in energy. The old
fuel's price comes from the baseline (``reference.prices``) where it is shipped; no biomass price is shipped, so it
is asked, and without it the cost change is not computed (never 0). No boiler efficiency is shipped with a source
either: both are asked.

Every figure is computed by ``biomass.document.switch_document`` (the ``loomlight biomass switch`` command's own
code) from the document ``switch_input`` builds; "Open a business case" stores ``biomass.document.case_document``
of it through ``interventions.services.case_create``.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

#: The catalogue's measure a switch's business case is opened under (reference/interventions.csv).
SWITCH_INTERVENTION = "coal_oil_to_biomass"
#: The emission controls the particulate estimate knows (calc.biomass; reference/particulate_factors.csv).
CONTROLS = (
    ("none", pgettext_lazy("emission control", "none")),
    ("cyclone", pgettext_lazy("emission control", "cyclone or multicyclone")),
    ("wet_scrubber", pgettext_lazy("emission control", "wet scrubber")),
    ("bag_filter", pgettext_lazy("emission control", "bag filter")),
    ("esp", pgettext_lazy("emission control", "electrostatic precipitator")),
)
#: The document path of an input → the form field that holds it (an error names the field the user can change).
DOCUMENT_FIELDS = {
    "from.metric": "from_metric", "from.quantity": "quantity", "from.unit": "quantity",
    "from.boiler_efficiency": "old_efficiency", "to.metric": "biomass_type", "to.type": "biomass_type",
    "to.boiler_efficiency": "new_efficiency", "to.moisture": "moisture", "to.ncv": "ncv",
    "transport.distance_km": "distance_km", "transport.mode": "mode", "transport": "distance_km",
    "controls": "controls", "prices.from": "price_from", "prices.to": "price_to", "prices.currency": "currency",
    "prices": "price_from",
}


def boiler_fuels() -> tuple[str, ...]:
    """The fossil fuels the switch measure replaces (its catalogue row's metrics)."""
    from loomlight.reference.interventions import intervention

    return tuple(intervention(SWITCH_INTERVENTION).metrics)


def transport_modes() -> list[tuple[str, str]]:
    """The transport modes with a shipped factor (reference/transport_factors.csv, through
    ``reference.biomass_factors``) in words; the app's modes where that loader is not there."""
    from loomlight.biomass.models import TransportMode

    labels = dict(TransportMode.choices)
    try:
        from loomlight.reference import biomass_factors

        codes = list(biomass_factors.transport_modes())
    except (ImportError, AttributeError):
        codes = [c for c in TransportMode.values if c != TransportMode.UNKNOWN]
    return [(c, labels.get(c, c)) for c in codes]


def _metric_name(code: str) -> str:
    from loomlight.inventories.explain import metric_name

    return metric_name(code)


def _type_choices() -> list[tuple[str, str]]:
    from loomlight.biomass.guide import type_name
    from loomlight.reference.biomass import types

    return [(t.code, type_name(t.code)) for t in types()]


class SwitchForm(forms.Form):
    """The switch's inputs. Efficiencies, moisture and the controls' share are entered in per cent."""

    from_metric = forms.ChoiceField(label=gettext_lazy("Fuel burnt now"))
    quantity = forms.FloatField(label=gettext_lazy("Fuel burnt a year [GJ]"), min_value=0.000001)
    old_efficiency = forms.FloatField(label=gettext_lazy("Efficiency of the present boiler [%]"), min_value=1, max_value=100)
    biomass_type = forms.ChoiceField(label=gettext_lazy("Biomass"))
    new_efficiency = forms.FloatField(label=gettext_lazy("Efficiency of the biomass boiler [%]"), min_value=1, max_value=100)
    moisture = forms.FloatField(label=gettext_lazy("Moisture as received [% wet basis]"), min_value=0, max_value=99,
                                required=False)
    ncv = forms.FloatField(label=gettext_lazy("Or its heating value as received [GJ/t]"), min_value=0.1,
                           max_value=30, required=False)
    distance_km = forms.FloatField(label=gettext_lazy("Transport distance [km]"), min_value=0, max_value=20000,
                                   required=False)
    mode = forms.ChoiceField(label=gettext_lazy("Transport mode"), required=False)
    controls = forms.ChoiceField(label=gettext_lazy("Emission controls of the biomass boiler"), choices=CONTROLS,
                                 initial="none")
    currency = forms.CharField(label=gettext_lazy("Currency"), max_length=3, min_length=3, required=False)
    price_from = forms.FloatField(label=gettext_lazy("Price of the present fuel [per GJ]"), min_value=0, required=False)
    price_to = forms.FloatField(label=gettext_lazy("Price of the biomass [per tonne delivered]"), min_value=0,
                                required=False)

    def __init__(self, *args, fuels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_metric"].choices = [(m, _metric_name(m)) for m in fuels]
        self.fields["biomass_type"].choices = _type_choices()
        self.fields["mode"].choices = [("", "—"), *transport_modes()]

    def clean_currency(self):
        value = (self.cleaned_data.get("currency") or "").strip().upper()
        if value and not value.isalpha():
            raise forms.ValidationError(_("Give the three letters of the currency (VND, USD)."))
        return value

    def clean(self):
        data = super().clean()
        if data.get("moisture") is not None and data.get("ncv") is not None:
            self.add_error("ncv", _("Give the moisture or the heating value, not both: the heating value as received "
                                    "already holds the moisture."))
        if data.get("distance_km") is not None and not data.get("mode"):
            self.add_error("mode", _("Choose how the biomass travels that distance."))
        if data.get("mode") and data.get("distance_km") is None:
            self.add_error("distance_km", _("Give the distance the biomass travels."))
        if (data.get("price_from") is not None or data.get("price_to") is not None) and not data.get("currency"):
            self.add_error("currency", _("Give the currency of the prices."))
        return data


class CaseForm(forms.Form):
    """What a business case needs beyond the switch: its title and the investment (no capex is shipped)."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    capex = forms.FloatField(label=gettext_lazy("Investment (capex)"), min_value=0)
    lifetime_years = forms.IntegerField(label=gettext_lazy("Lifetime [years]"), min_value=1, max_value=50, initial=15)
    discount_rate = forms.FloatField(label=gettext_lazy("Discount rate [%]"), min_value=0, max_value=100, initial=10)


# --- the pre-fill -------------------------------------------------------------------------------------------------

def prefill(facility, base) -> dict:
    """What the form starts from: the facility's largest boiler fuel of the baseline year (energy), its
    quantity, months and price; the default biomass of the fuel metric a facility reports biomass under, else rice
    husk's place in the catalogue (the first type); the controls "none"."""
    fuels = boiler_fuels()
    reported = [(m, row) for m, row in (base.metrics.items() if base is not None else ()) if m in fuels and row.quantity]
    reported.sort(key=lambda pair: -pair[1].quantity)
    chosen = reported[0] if reported else None
    initial = {"controls": "none"}
    if chosen is not None:
        metric, row = chosen
        initial.update(from_metric=metric, quantity=round(row.quantity, 3))
        if row.price is not None and row.price_unit.endswith("/GJ") or (row.price is not None and row.unit == "GJ"):
            initial.update(price_from=round(row.price, 6), currency=row.price_currency)
    from loomlight.reference.biomass import types

    initial["biomass_type"] = types()[0].code
    return {"initial": initial, "row": chosen[1] if chosen else None, "metric": chosen[0] if chosen else None,
            "reported": [m for m, _row in reported]}


def fuel_choices(prefilled: dict) -> list[str]:
    """The fuels of the form: those the facility reports first, then the catalogue's others."""
    reported = prefilled["reported"]
    return reported + [m for m in boiler_fuels() if m not in reported]


# --- the document -------------------------------------------------------------------------------------------------

def switch_input(data: dict, facility, year: int | None) -> dict:
    """The ``loomlight biomass switch`` document of a valid form (``data``: its cleaned data)."""
    from loomlight.reference.biomass import biomass_type

    kind = biomass_type(data["biomass_type"])
    to = {"metric": kind.metric, "type": kind.code, "boiler_efficiency": data["new_efficiency"] / 100}
    if data.get("moisture") is not None:
        to["moisture"] = {"value": data["moisture"], "unit": "%"}
    if data.get("ncv") is not None:
        to["ncv"] = {"value": data["ncv"], "unit": "GJ/t"}
    doc = {"from": {"metric": data["from_metric"], "quantity": data["quantity"], "unit": "GJ",
                    "boiler_efficiency": data["old_efficiency"] / 100},
           "to": to, "country": facility.country, "controls": data.get("controls") or "none"}
    if year:
        doc["year"] = year
    if data.get("distance_km") is not None and data.get("mode"):
        doc["transport"] = {"distance_km": data["distance_km"], "mode": data["mode"]}
    prices = {}
    if data.get("price_from") is not None:
        prices["from"] = {"value": data["price_from"], "unit": "GJ"}
    if data.get("price_to") is not None:
        prices["to"] = {"value": data["price_to"], "unit": "t"}
    if prices:
        doc["prices"] = {**prices, "currency": data["currency"]}
    return doc


def field_of(path: str) -> str | None:
    """The form field of a document path (``to.moisture`` → ``moisture``); None when no field holds it."""
    path = (path or "").removeprefix("document.")
    while path:
        if path in DOCUMENT_FIELDS:
            return DOCUMENT_FIELDS[path]
        path = path.rpartition(".")[0]
    return None


def evaluate(form, facility, year):
    """(document, output) of a valid form; the document's errors added to the fields they name (None, None)."""
    from loomlight.biomass.document import DocumentInvalid, switch_document

    doc = switch_input(form.cleaned_data, facility, year)
    try:
        return doc, switch_document(doc)
    except DocumentInvalid as exc:
        for path, message in exc.errors:
            name = field_of(path)
            form.add_error(name if name in form.fields else None, message)
    except (ValueError, KeyError, ArithmeticError) as exc:   # an input the arithmetic refuses, named as it can be
        name = field_of(getattr(exc, "field", "") or "")
        form.add_error(name if name in form.fields else None, str(getattr(exc, "message", exc)))
    return None, None


# --- the result as the page shows it ---------------------------------------------------------------------------

def _step_text(step: dict) -> str:
    from loomlight.inventories.explain import step_what
    from loomlight.site import calc_messages

    text = getattr(calc_messages, "biomass_step_text", None)
    if text is not None:
        found = text(step)
        if found:
            return found
    found = step_what(step)
    return found or step.get("what", "")


def _steps(explanation) -> list[dict]:
    from loomlight.inventories.explain import formula

    steps = (explanation or {}).get("steps") or [] if isinstance(explanation, dict) else []
    out = []
    for step in steps:
        terms = step.get("terms") or ()
        out.append({"code": step.get("code", ""), "what": _step_text(step),
                    "formula": formula(terms, step.get("value"), step.get("unit", "")) if terms else step.get("formula", "")})
    return out


def _flag_text(flag) -> str:
    from loomlight.site import calc_messages

    if isinstance(flag, str):
        return flag
    text = getattr(calc_messages, "biomass_flag_text", None)
    if text is not None:
        found = text(flag)
        if found:
            return found
    return calc_messages.case_flag_text(flag)


def _explanation_of(out: dict, key: str):
    found = out.get("explanations") or out.get("explanation") or {}
    return found.get(key) if isinstance(found, dict) else None


def _value(out: dict, key: str):
    value = out.get(key)
    if isinstance(value, dict):      # {value, unit, source, ...}
        return value.get("value")
    return value


def figures(out: dict) -> list[dict]:
    """The outputs in the order a reader asks for them, each with its unit and its explanation's steps; None is
    "not computed" (a price not given, no transport), never 0."""
    currency = (out.get("currency") or (out.get("prices") or {}).get("currency") or "") if isinstance(out.get("prices"), dict) or out.get("currency") else ""
    rows = [
        ("useful_heat_gj", _("Useful heat a year"), "GJ", 0),
        ("biomass_ncv_gj_per_t", _("Heating value of the biomass as received"), "GJ/t", 2),
        ("biomass_t", _("Biomass needed a year"), "t", 0),
        ("scope1_before_tco2e", _("Scope 1 before"), "t CO2e", 1),
        ("scope1_after_tco2e", _("Scope 1 after"), "t CO2e", 1),
        ("biogenic_co2_t", _("Biogenic CO2 (reported apart from the scopes)"), "t CO2", 0),
        ("transport_tco2e", _("Transport of the biomass"), "t CO2e", 1),
        ("cost_change", _("Fuel cost change a year"), currency, 0),
    ]
    out_rows = []
    for key, label, unit, digits in rows:
        out_rows.append({"key": key, "label": label, "value": _value(out, key), "unit": unit, "digits": digits,
                         "steps": _steps(_explanation_of(out, key))})
    return out_rows


def particulates(out: dict) -> dict | None:
    """The particulate estimate as the page shows it: before, after without and with the controls chosen, the
    pollutant named; None when the output has none."""
    found = out.get("particulates") or out.get("pm")
    if not isinstance(found, dict):
        return None
    return {**found, "steps": _steps(found.get("explanation") or _explanation_of(out, "particulates"))}


def flags(out: dict) -> list[str]:
    return [_flag_text(f) for f in out.get("flag_codes") or out.get("flags") or []]


def ncv_source(out: dict) -> str:
    found = out.get("biomass_ncv_source") or out.get("biomass_ncv_gj_per_t")
    if isinstance(found, dict):
        return str(found.get("source") or "")
    return str(found) if isinstance(found, str) else ""
