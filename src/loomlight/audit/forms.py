"""The audit page's filters: parsed here, applied by audit.selectors.audit_events_filtered."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from loomlight.audit.describe import CHANNELS, KINDS
from loomlight.reporting.forms import MonthField


#: Above this many facilities the filter is no drop-down (20,000 options weigh a megabyte): a facility's trail is
#: opened from the facility's page, which links to it, and the chosen facility is named above the list.
FACILITY_SELECT_MAX = 200


class AuditFilterForm(forms.Form):
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=None, required=False, empty_label=_("All"))
    month = MonthField(label=_("Month"), required=False)
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    user = forms.CharField(label=_("User"), max_length=150, required=False,
                           widget=forms.TextInput(attrs={"placeholder": _("username"), "size": 12}))
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, facilities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities
        count = facilities[:FACILITY_SELECT_MAX + 1].count()
        self.facility_widget = "none" if count == 0 else "select" if count <= FACILITY_SELECT_MAX else "hidden"
        if self.facility_widget == "hidden":
            self.fields["facility"].widget = forms.HiddenInput()
        self.fields["kind"].choices = [("", _("All")), *KINDS]
        self.fields["channel"].choices = [("", _("All")), *[(code, label) for code, label, _vias in CHANNELS]]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the range is before its start."))
        return data

    def filters(self) -> dict:
        """The valid filters as audit_events_filtered's keyword arguments (an invalid one is left out)."""
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors} \
            if hasattr(self, "cleaned_data") else {}
        vias = next((vias for code, _label, vias in CHANNELS if code == data.get("channel")), ())
        return {"facility": data.get("facility"), "period": data.get("month"), "kind": data.get("kind") or "",
                "username": (data.get("user") or "").strip(), "channel_vias": vias,
                "date_from": data.get("date_from"), "date_to": data.get("date_to")}
