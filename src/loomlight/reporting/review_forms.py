"""The review list's forms: its filters, and the bulk action on the months ticked."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from loomlight.reporting.bulk import MAX_MONTHS, REOPEN, RETURN, VERIFY
from loomlight.reporting.forms import MonthField
from loomlight.reporting.models import PeriodStatus
from loomlight.reporting.selectors import REVIEW_STATES
from loomlight.site.numbers import number

#: a ticked row: "<facility id>:<YYYY-MM>"
TICKED = re.compile(r"([0-9]{1,12}):([0-9]{4})-([0-9]{2})")


class ReviewFilterForm(forms.Form):
    """Which months the list shows: by state (awaiting verification by default), facility, park, country, month.
    The choices are the viewer's own (facilities they may verify, their parks and countries)."""

    state = forms.ChoiceField(label=_("State"), required=False, initial=PeriodStatus.SUBMITTED)
    facility = forms.TypedChoiceField(label=_("Facility"), required=False, coerce=int, empty_value=None)
    park = forms.TypedChoiceField(label=_("Park"), required=False, coerce=int, empty_value=None)
    country = forms.ChoiceField(label=_("Country"), required=False)
    month = MonthField(label=_("Month"), required=False)

    def __init__(self, data, *, facilities, parks, countries):
        super().__init__(data)
        every = [("", _("all"))]
        self.fields["state"].choices = [(s.value, s.label) for s in REVIEW_STATES]
        self.fields["facility"].choices = every + [(str(pk), name) for pk, name in facilities]
        self.fields["park"].choices = every + [(str(pk), name) for pk, name in parks]
        self.fields["country"].choices = every + [(code, name) for code, name in countries]

    def filters(self) -> dict:
        """The valid filters only (an invalid one is shown with its error and not applied)."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        data.setdefault("state", PeriodStatus.SUBMITTED)
        return data


class BulkActionForm(forms.Form):
    """The action on the ticked rows, with the comment a return needs or the reason a reopen needs."""

    action = forms.ChoiceField(label=_("Action"), choices=[(VERIFY, _("Verify")), (RETURN, _("Return with comment")),
                                                           (REOPEN, _("Reopen with reason"))])
    months = forms.Field(label=_("Months"), required=False, widget=forms.MultipleHiddenInput)   # clean_months
    comment = forms.CharField(label=_("Comment or reason"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def clean_months(self) -> list[tuple[int, datetime.date]]:
        ticked = [t for t in (self.cleaned_data.get("months") or []) if isinstance(t, str)]
        if not ticked:
            raise ValidationError(_("Tick at least one month."))
        if len(ticked) > MAX_MONTHS:
            raise ValidationError(_("At most %(max)s months at once: %(n)s were sent. Filter the list and act on "
                                    "fewer months.") % {"max": number(MAX_MONTHS), "n": number(len(ticked))})
        months = []
        for text in ticked:
            match = TICKED.fullmatch(text)
            if match is None or not 1 <= int(match.group(3)) <= 12 or int(match.group(2)) < 1990:
                raise ValidationError(_("“%(value)s” is not a month of the list.") % {"value": text[:40]})
            months.append((int(match.group(1)), datetime.date(int(match.group(2)), int(match.group(3)), 1)))
        return months

    def clean(self):
        data = super().clean()
        if data.get("action") in (RETURN, REOPEN) and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why: the facility reads this."))
        return data
