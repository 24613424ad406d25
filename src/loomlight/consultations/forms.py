"""The public comment form and the programme admin's period form. The form only gathers the fields (with the
limits as HTML attributes, for the browser to help); the rules and their messages are the services' own."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from loomlight.consultations.services import BODY_MAX, EMAIL_MAX, NAME_MAX, TITLE_MAX

#: The honeypot's field name: a field a person never sees (hidden by CSS, labelled "leave empty" for screen readers).
HONEYPOT = "website"


class CommentForm(forms.Form):
    section = forms.ChoiceField(label=_("Section of the guideline"), required=False)
    body = forms.CharField(label=_("Your comment"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 8, "maxlength": BODY_MAX}),
                           help_text=_("At most 5,000 characters."))
    name = forms.CharField(label=_("Your name (optional)"), required=False,
                           widget=forms.TextInput(attrs={"maxlength": NAME_MAX, "autocomplete": "name"}))
    organisation = forms.CharField(label=_("Your organisation (optional)"), required=False,
                                   widget=forms.TextInput(attrs={"maxlength": NAME_MAX, "autocomplete": "organization"}))
    email = forms.CharField(label=_("Your e-mail address (optional)"), required=False,
                            widget=forms.EmailInput(attrs={"maxlength": EMAIL_MAX, "autocomplete": "email"}))
    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}))

    def __init__(self, *args, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", _("Choose a section")), *((s.code, s.display_title) for s in sections)]

    def clean_section(self):
        return self.cleaned_data.get("section") or ""   # an unknown code is named by the service


class PeriodForm(forms.Form):
    guideline = forms.TypedChoiceField(label=_("Guideline"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    intro = forms.CharField(label=_("Introduction shown on the form"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                            max_length=BODY_MAX)
    opens_at = forms.DateTimeField(label=_("Opens (UTC)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    closes_at = forms.DateTimeField(label=_("Closes (UTC)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, guidelines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guideline"].choices = [(g.pk, str(g)) for g in guidelines]
