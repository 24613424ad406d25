from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from loomlight.reference.wastewater import parameters
from loomlight.registry.models import SharedFacility
from loomlight.wastewater.models import DischargeRoute, DischargeType, SamplingPoint


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


class DischargeForm(forms.Form):
    valid_from = forms.DateField(label=_("applies from"), widget=forms.DateInput(attrs={"type": "date"}))
    route = forms.ChoiceField(label=_("discharge route"), choices=DischargeRoute.choices)
    receiving_water = forms.CharField(label=_("receiving water"), required=False, max_length=200,
                                      help_text=_("Its name, as the permit gives it: for example Thị Vải river."))
    receiving_class = forms.CharField(label=_("class of the receiving water"), required=False, max_length=32,
                                      help_text=_("The class or column the regulation or the permit names, for example B."))
    cetp = forms.ModelChoiceField(label=_("central plant"), required=False, queryset=SharedFacility.objects.none())
    operating_since = forms.DateField(label=_("began operating on"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                      help_text=_("Or the day its environmental impact assessment was approved, if earlier: it decides which regulation applies during a transition."))

    def __init__(self, *args, plants=None, classes=(), **kwargs):
        super().__init__(*args, **kwargs)
        if plants is None:
            del self.fields["cetp"]
        else:
            self.fields["cetp"].queryset = plants
        if classes:
            self.fields["receiving_class"].widget.attrs["list"] = "receiving-classes"
        self.classes = classes


class PermitForm(forms.Form):
    number = forms.CharField(label=_("permit number"), max_length=100)
    issuing_body = forms.CharField(label=_("issued by"), max_length=200)
    issued_on = forms.DateField(label=_("issued on"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class BoundsForm(forms.Form):
    parameter = forms.ChoiceField(label=_("parameter"), choices=parameter_choices)
    limit_min = forms.CharField(label=_("minimum"), required=False, max_length=40)
    limit_max = forms.CharField(label=_("maximum"), required=False, max_length=40)
    unit = forms.CharField(label=_("unit"), max_length=24)


class IntakeForm(BoundsForm):
    valid_from = forms.DateField(label=_("applies from"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("note"), required=False, max_length=300)


class PermitEvidenceForm(forms.Form):
    file = forms.FileField(label=_("the permit's file"))
