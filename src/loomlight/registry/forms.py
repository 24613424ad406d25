"""Forms parse and display; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from loomlight.registry import policy
from loomlight.registry.countries import country_choices
from loomlight.registry.models import (
    CONSENT_GRANTEE_KINDS,
    FACILITY_OWNER_KINDS,
    PARK_OPERATOR_KINDS,
    DataKind,
    Facility,
    IndustrialPark,
    Organisation,
    Process,
    ProductType,
    SharedFacility,
)


def _country_field(required=True):
    return forms.ChoiceField(
        label=_("country"), required=required, choices=lambda: [("", "—")] + country_choices()
    )


class FacilityForm(forms.ModelForm):
    country = _country_field()
    processes = forms.MultipleChoiceField(label=_("processes"), choices=Process.choices, widget=forms.CheckboxSelectMultiple)
    product_types = forms.MultipleChoiceField(
        label=_("product types"), choices=ProductType.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Facility
        fields = [
            "name", "name_local", "organisation", "address", "country", "latitude", "longitude", "park", "tier",
            "processes", "product_types", "headcount_female", "headcount_male", "os_hub_id",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].queryset = policy.parks_visible(user)
        self.fields["organisation"].queryset = policy.organisations_visible(user).filter(kind__in=FACILITY_OWNER_KINDS)


class ParkForm(forms.ModelForm):
    country = _country_field()

    class Meta:
        model = IndustrialPark
        fields = ["name", "name_local", "country", "province", "latitude", "longitude", "area_ha", "operator", "year_established"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = policy.organisations_visible(user).filter(kind__in=PARK_OPERATOR_KINDS)


class OrganisationForm(forms.ModelForm):
    country = _country_field(required=False)
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = ["name", "kind", "country", "website"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class SharedFacilityForm(forms.ModelForm):
    serves = forms.ModelMultipleChoiceField(
        label=_("facilities served"), queryset=Facility.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SharedFacility
        fields = ["kind", "name", "capacity"]

    def __init__(self, *args, park, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.park = park
        self.fields["serves"].queryset = park.facilities.all()
        if self.instance.pk:
            self.fields["serves"].initial = list(self.instance.serves.values_list("pk", flat=True))


class ConsentForm(forms.Form):
    grantee = forms.ModelChoiceField(
        label=_("shared with"),
        queryset=Organisation.objects.filter(kind__in=CONSENT_GRANTEE_KINDS),
    )
    data_kinds = forms.MultipleChoiceField(label=_("data shared"), choices=DataKind.choices, widget=forms.CheckboxSelectMultiple)
    valid_from = forms.DateField(label=_("valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, kinds=DataKind, **kwargs):
        """``kinds``: the choices of data shared (a facility's ``DataKind``, a shared facility's ``SharedDataKind``)."""
        super().__init__(*args, **kwargs)
        self.fields["data_kinds"].choices = kinds.choices

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date is before the start date."))
        return data
