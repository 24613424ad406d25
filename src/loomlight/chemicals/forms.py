from django import forms
from django.utils.translation import gettext_lazy as _

from loomlight.chemicals.models import ChemicalProduct


class ProductForm(forms.ModelForm):
    class Meta:
        model = ChemicalProduct
        fields = ["name", "supplier", "use_area", "hazard_statements", "mrsl_level", "declaration_reference", "declaration_valid_until"]
        widgets = {"declaration_valid_until": forms.DateInput(attrs={"type": "date"})}


class UseForm(forms.Form):
    product = forms.ModelChoiceField(label=_("product"), queryset=ChemicalProduct.objects.none())
    month = forms.TypedChoiceField(label=_("Month"), coerce=int, choices=[(m, f"{m:02d}") for m in range(1, 13)])
    value = forms.CharField(label=_("Quantity"), max_length=40)
    unit = forms.CharField(label=_("Unit"), max_length=32, initial="kg")

    def __init__(self, *args, facility, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = facility.chemical_products.all()
