from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from loomlight.reference.wastewater import parameters
from loomlight.wastewater.models import DischargeType, SamplingPoint


class EventForm(forms.Form):
    sampled_on = forms.DateField(label=_("sampled on"), widget=forms.DateInput(attrs={"type": "date"}))
    sampling_point = forms.ChoiceField(label=_("sampling point"), choices=SamplingPoint.choices)
    discharge_type = forms.ChoiceField(label=_("discharge"), choices=DischargeType.choices)
    laboratory = forms.CharField(label=_("laboratory"), max_length=200)


def parameter_choices():
    return [(code, f"{gettext(p.name)} [{p.unit}]") for code, p in parameters().items()]


class ResultForm(forms.Form):
    parameter = forms.ChoiceField(label=_("parameter"), choices=parameter_choices)
    value = forms.CharField(label=_("value"), required=False, max_length=40)
    unit = forms.CharField(label=_("unit"), max_length=24)
    below_detection_limit = forms.BooleanField(label=_("below the detection limit"), required=False)
    detection_limit = forms.CharField(label=_("detection limit"), required=False, max_length=40)
    method = forms.CharField(label=_("method"), required=False, max_length=120)
