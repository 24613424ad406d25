from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from loomlight.reference.metrics import metrics

CATEGORY_LABELS = {
    "energy": _("Energy"), "fuel": _("Fuels"), "water": _("Water"), "wastewater": _("Wastewater"),
    "waste": _("Waste"), "production": _("Production"), "workforce": _("Workforce"),
}


def metric_choices():
    groups: dict[str, list] = {}
    for m in metrics().values():
        groups.setdefault(m.category, []).append((m.code, f"{gettext(m.name)} [{m.canonical_unit}]"))
    return [(CATEGORY_LABELS.get(cat, cat), items) for cat, items in groups.items()]


class ValueForm(forms.Form):
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=[(m, f"{m:02d}") for m in range(1, 13)])
    metric = forms.ChoiceField(label=_("Metric"), choices=metric_choices)
    value = forms.CharField(label=_("Value"), max_length=40)
    unit = forms.CharField(label=_("Unit"), max_length=32, help_text=_("As on the bill or meter: kWh, MWh, GJ, L, m³, kg, tonne ..."))
    qualifier = forms.CharField(label=_("Product or waste type"), max_length=64, required=False)


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
