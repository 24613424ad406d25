from django import forms
from django.utils.translation import gettext_lazy as _

from loomlight.inventories.models import TargetBasis, TargetBoundary


class TargetForm(forms.Form):
    base_year = forms.IntegerField(label=_("Base year"), min_value=1990, max_value=2100)
    target_year = forms.IntegerField(label=_("Target year"), min_value=1990, max_value=2100)
    # xgettext:no-python-format
    annual_rate_percent = forms.DecimalField(label=_("Reduction a year [% of the base year]"), min_value=0,
                                             max_value=100, decimal_places=3,
                                             help_text=_("For example 4.2 for a 1.5 °C-aligned absolute reduction."))
    basis = forms.ChoiceField(label=_("Basis"), choices=TargetBasis.choices)
    boundary = forms.ChoiceField(label=_("Boundary"), choices=TargetBoundary.choices)
