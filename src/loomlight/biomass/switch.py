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
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

#: The catalogue's measure a switch's business case is opened under (reference/interventions.csv).
SWITCH_INTERVENTION = "coal_oil_to_biomass"
#: What a business case keeps of the switch it was opened from (beside its input document), for its page to say.
SWITCH_KEPT = ("biomass_t", "biomass_ncv_gj_per_t", "biomass_ncv_source", "useful_heat_gj", "scope1_before_tco2e",
               "scope1_after_tco2e", "biogenic_co2_t", "transport_tco2e", "cost_change", "currency", "gwp")
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
    "moisture": "moisture", "lhv_db": "ncv", "lhv_ar": "ncv",     # calc.biomass's own field names (BiomassError)
    "transport.distance_km": "distance_km", "transport.mode": "mode", "transport": "distance_km",
    "controls.before": "controls_before", "controls.after": "controls_after", "controls": "controls_after",
    "prices.from": "price_from", "prices.to": "price_to", "prices.currency": "currency", "prices": "currency",
}


def boiler_fuels() -> tuple[str, ...]:
    """The fossil fuels the switch measure replaces (its catalogue row's metrics)."""
    from loomlight.reference.interventions import intervention

    return tuple(intervention(SWITCH_INTERVENTION).metrics)


def mode_name(code: str) -> str:
    return {"truck": pgettext("transport", "truck"), "rail": pgettext("transport", "rail"),
            "ship_bulk": pgettext("transport", "ship, bulk carrier"),
            "ship_general_cargo": pgettext("transport", "ship, general cargo")}.get(code, code)


def transport_modes() -> list[tuple[str, str]]:
    """The transport modes with a shipped factor (reference/transport_factors.csv), in words."""
    from loomlight.reference import biomass_factors

    return [(code, mode_name(code)) for code in biomass_factors.modes()]


def _metric_name(code: str) -> str:
    from loomlight.inventories.explain import metric_name

    return metric_name(code)


def type_label(code: str) -> str:
    from loomlight.biomass.guide import type_name

    return type_name(code)


def fuel_label(metric: str) -> str:
    return _metric_name(metric)


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
    controls_before = forms.ChoiceField(label=gettext_lazy("Emission controls of the present boiler"),
                                        choices=CONTROLS, initial="none")
    controls_after = forms.ChoiceField(label=gettext_lazy("Emission controls of the biomass boiler"), choices=CONTROLS,
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

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200, widget=forms.TextInput(attrs={"size": 60}))
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
    initial = {"controls_before": "none", "controls_after": "none"}
    if chosen is not None:
        metric, row = chosen
        from loomlight.interventions.forms import plain

        initial.update(from_metric=metric, quantity=plain(round(row.quantity, 3)))
        if row.price is not None and row.unit == "GJ":      # the baseline's price per stored unit, per GJ
            initial.update(price_from=plain(round(row.price, 6)), currency=row.price_currency)
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
    """The ``loomlight biomass switch`` document of a valid form (``data``: its cleaned data). The biomass is named
    by its fuel metric; a type that is not its metric's default in the catalogue (natural-forest wood is reported
    as firewood, like plantation wood) brings its own catalogue values as the NCV (dry with the moisture given, else
    as received), so that the switch uses the type chosen."""
    from loomlight.reference import biomass

    kind = biomass.biomass_type(data["biomass_type"])
    to = {"metric": kind.metric, "boiler_efficiency": data["new_efficiency"] / 100}
    if data.get("moisture") is not None:
        to["moisture"] = {"value": data["moisture"], "unit": "%"}
    if data.get("ncv") is not None:
        to["ncv"] = {"value": data["ncv"], "unit": "GJ/t"}
    elif (default := biomass.for_metric(kind.metric)) is not None and default.code != kind.code:
        if data.get("moisture") is not None and kind.lhv_db_gj_per_t is not None:
            to["ncv"] = {"value": kind.lhv_db_gj_per_t, "unit": "GJ/t", "basis": "dry"}
        elif kind.lhv_ar_gj_per_t is not None:
            to["ncv"] = {"value": kind.lhv_ar_gj_per_t, "unit": "GJ/t"}
    doc = {"from": {"metric": data["from_metric"], "quantity": data["quantity"], "unit": "GJ",
                    "boiler_efficiency": data["old_efficiency"] / 100},
           "to": to, "country": facility.country,
           "controls": {"before": data.get("controls_before") or "none", "after": data.get("controls_after") or "none"}}
    if year:
        doc["year"] = year
    if data.get("distance_km") is not None and data.get("mode"):
        doc["transport"] = {"distance_km": data["distance_km"], "mode": data["mode"]}
    if data.get("currency"):
        doc["prices"] = {"currency": data["currency"]}
        for key, field in (("from", "price_from"), ("to", "price_to")):
            if data.get(field) is not None:
                doc["prices"][key] = data[field]
    return doc


def case_input(doc: dict, out: dict, data: dict) -> dict:
    """The business case's document: ``case_document`` of the switch, with the investment, lifetime and discount
    rate of the case form (``data``; the rate in per cent)."""
    from loomlight.biomass.document import case_document

    case = case_document(doc, out)
    case.update(capex=data["capex"], lifetime_years=data["lifetime_years"], discount_rate=data["discount_rate"] / 100)
    case["biomass_switch"] = {"input": doc, **{key: out.get(key) for key in SWITCH_KEPT}}
    return case


def default_title(data: dict, facility) -> str:
    from loomlight.biomass.guide import type_name

    return _("%(biomass)s instead of %(fuel)s · %(facility)s") % {
        "biomass": type_name(data["biomass_type"]), "fuel": _metric_name(data["from_metric"]), "facility": facility.name}


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
    found = out.get("explanation") or {}
    return found.get(key) if isinstance(found, dict) else None


def figures(out: dict) -> list[dict]:
    """The outputs in the order a reader asks for them, each with its unit and its explanation's steps; None is
    "not computed" (a price not given, no transport), never 0."""
    currency = out.get("currency") or ""
    rows = [
        ("useful_heat_gj", _("Useful heat a year"), "GJ", 0),
        ("biomass_ncv_gj_per_t", _("Heating value of the biomass as received"), "GJ/t", 2),
        ("biomass_t", _("Biomass needed a year"), "t", 0),
        ("scope1_before_tco2e", _("Scope 1 before"), "t CO2e", 1),
        ("scope1_after_tco2e", _("Scope 1 after"), "t CO2e", 1),
        ("scope1_change_tco2e", _("Change of scope 1"), "t CO2e", 1),
        ("biogenic_co2_t", _("Biogenic CO2, reported apart from the scopes"), "t CO2", 0),
        ("transport_tco2e", _("Transport of the biomass (scope 3)"), "t CO2e", 1),
        ("cost_change", _("Change of the fuel cost a year"), currency, 0),
    ]
    return [{"key": key, "label": label, "value": out.get(key), "unit": unit, "digits": digits,
             "steps": _steps(_explanation_of(out, key))} for key, label, unit, digits in rows]


def particulates(out: dict) -> list[dict]:
    """The particulate estimate, one row per boiler (before, after): the pollutant, uncontrolled and with the
    controls chosen [kg a year], each None where no sourced factor is shipped."""
    found = out.get("particulates") or {}
    explained = _explanation_of(out, "particulates") or {}
    rows = []
    for side, label in (("before", _("present boiler")), ("after", _("biomass boiler"))):
        row = found.get(side) or {}
        control = row.get("control") or "none"
        rows.append({"side": side, "label": label, "pollutant": row.get("pollutant") or "",
                     "uncontrolled": row.get("uncontrolled_kg"),
                     "controlled": row.get(f"{control}_kg") if control != "none" else row.get("uncontrolled_kg"),
                     "control": str(dict(CONTROLS).get(control, control)),
                     "steps": [s for k, v in explained.items() if k.startswith(f"{side}.") for s in _steps(v)]})
    return rows


def flags(out: dict) -> list[str]:
    return [_flag_text(f) for f in out.get("flags") or []]


def ncv_source(out: dict) -> dict:
    """Where the biomass's heating value as received comes from, in words, with its source."""
    found = out.get("biomass_ncv_source") or {}
    if not isinstance(found, dict):
        return {}
    kind = found.get("kind", "")
    words = {
        "reported": _("as you gave it"),
        "reported_dry_corrected": _("your dry-basis value, corrected to the moisture given (ISO 18125)"),
        "catalogue_dry_corrected": _("the catalogue's dry-basis value, corrected to the moisture given (ISO 18125)"),
        "catalogue_typical": _("the catalogue's typical value as received, not a measured one"),
        "ipcc_default": _("the IPCC default, not the value as received: give the moisture or the heating value"),
    }.get(kind, "")
    return {"kind": kind, "words": words, "source": "" if kind == "reported" else str(found.get("source") or "")}
