from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from loomlight.reference.metrics import metrics
from loomlight.registry.validators import parse_month
from loomlight.site.units import unit_label

CATEGORY_LABELS = {
    "energy": _("Energy"), "fuel": _("Fuels"), "water": _("Water"), "wastewater": _("Wastewater"),
    "waste": _("Waste"), "production": _("Production"), "workforce": _("Workforce"),
}


def _unit_shown(unit: str) -> str:
    """The unit in the reader's words, with the code to type beside it when they differ: "người (person)"."""
    label = unit_label(unit)
    return label if label == unit else f"{label} ({unit})"


def metric_choices():
    """The metrics by category, each named with its usual reporting unit (the unit field's default)."""
    groups: dict[str, list] = {}
    for m in metrics().values():
        groups.setdefault(m.category, []).append((m.code, f"{gettext(m.name)} [{_unit_shown(m.reporting_unit)}]"))
    return [(CATEGORY_LABELS.get(cat, cat), items) for cat, items in groups.items()]


class ValueForm(forms.Form):
    """One monthly value. The unit starts as the metric's usual reporting unit (reference/metrics.csv), and follows
    the metric chosen in the browser (site/static/loomlight/forms.js) until the user types another."""

    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=[(m, f"{m:02d}") for m in range(1, 13)])
    metric = forms.ChoiceField(label=_("Metric"), choices=metric_choices)
    value = forms.CharField(label=_("Value"), max_length=40)
    unit = forms.CharField(label=_("Unit"), max_length=32, help_text=_(
        "As on the bill, meter or delivery note: kWh, MWh, GJ, L, m³, kg, tonne ... It starts as the unit the metric is "
        "usually reported in: change it when yours is another."))
    qualifier = forms.CharField(label=_("Product or waste type"), max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        catalogue = metrics()
        metric = catalogue.get(self.initial.get("metric")) or next(iter(catalogue.values()))
        self.initial.setdefault("unit", metric.reporting_unit)
        self.fields["unit"].widget.attrs.update({
            "data-metric-field": "metric",
            "data-unit-defaults": json.dumps({m.code: m.reporting_unit for m in catalogue.values()}, ensure_ascii=False),
        })


class ApplicableMetricsForm(forms.Form):
    """The metrics that apply to the facility: its months are complete when each of them has a value."""

    metrics = forms.MultipleChoiceField(label=_("Metrics this facility reports every month"), choices=metric_choices,
                                        widget=forms.CheckboxSelectMultiple)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


def fuel_choices():
    return [(m.code, gettext(m.name)) for m in metrics().values() if m.also_accepts]


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month input), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "size": 8})

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        return parse_month(text)   # the rule of every path: YYYY-MM in ASCII digits, January 1990 to this month


class FuelPropertyForm(forms.Form):
    """A facility's own calorific value and/or density of a fuel, backed by a file already attached as evidence."""

    metric = forms.ChoiceField(label=_("Fuel"), choices=fuel_choices)
    valid_from = MonthField(label=_("Valid from (month)"))
    ncv_value = forms.CharField(label=_("Net calorific value"), max_length=40, required=False)
    ncv_unit = forms.CharField(label=_("Unit of the calorific value"), max_length=32, required=False,
                               help_text=_("Net (lower) value as stated: GJ/t, MJ/kg, kcal/kg, or per volume MJ/m³"))
    density_value = forms.CharField(label=_("Density"), max_length=40, required=False)
    density_unit = forms.CharField(label=_("Unit of the density"), max_length=32, required=False,
                                   help_text=_("kg/L, kg/m³ or L/t"))
    evidence = forms.ModelChoiceField(label=_("Evidence (the supplier's specification or a laboratory report)"), queryset=None)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, facility, **kwargs):
        kwargs.setdefault("auto_id", "id_fuel_%s")   # the value form on the same page has its own id_metric, id_unit
        super().__init__(*args, **kwargs)
        self.fields["evidence"].queryset = facility.evidence.order_by("-uploaded_at", "-pk")
        self.fields["evidence"].label_from_instance = lambda e: f"{e.original_name} · {e.get_kind_display()}" + (
            f" · {e.period:%Y-%m}" if e.period else "")
