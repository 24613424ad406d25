"""The verification state behind a figure, and the basis a viewer chose: all months, or verified months only.

A month of a facility is draft, submitted or verified (``ReportingPeriod``; a month returned with comments
counts as draft, and a month with data but no period row is draft). A figure of a period (a year's scope 1,
a park's water, a programme's year to date) rests on the facility-months of that period that have data:
``state`` counts them by their state, so that every page, download and API route can say "3 of 12 months
verified, 9 draft" beside the figure. The stored inventory months carry their period's state
(``Inventory.status``) and the stored years their counts (``InventoryYear.months_verified``,
``months_submitted``), kept by ``inventories.services.status_set`` on every transition, so that the
emissions pages count states from the rows they read anyway; reported values (the dashboard) are
counted from their periods here (``state``). A viewer (a brand, a financier) can choose to read
verified months only (``basis``): the figures are then summed from those months alone
(``only_verified`` for reported values, ``Inventory.status`` for stored months).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loomlight.reporting.models import PeriodStatus, ReportingPeriod
from loomlight.site.numbers import number


ALL, VERIFIED = "all", "verified"
BASES = (ALL, VERIFIED)
#: the session key of a viewer's chosen basis
SESSION_KEY = "loomlight_basis"

#: how each stored status counts: a month returned with comments is being corrected, a draft again
_COUNTED = {PeriodStatus.VERIFIED: "verified", PeriodStatus.SUBMITTED: "submitted",
            PeriodStatus.DRAFT: "draft", PeriodStatus.RETURNED: "draft"}


class State(NamedTuple):
    """Facility-months with data of a figure, by verification state [months]. A named tuple: a programme's page
    makes one per facility (20,000), so it must cost no more than a tuple."""

    verified: int = 0
    submitted: int = 0
    draft: int = 0

    @property
    def months(self) -> int:
        return self.verified + self.submitted + self.draft

    @property
    def level(self) -> str:
        """"verified" (every month), "submitted" (every month submitted or verified, not all verified),
        "draft" (no month submitted or verified), "mixed" (some draft, some not), "none" (no month)."""
        if not self.months:
            return "none"
        if self.verified == self.months:
            return "verified"
        if not self.draft:
            return "submitted"
        if self.draft == self.months:
            return "draft"
        return "mixed"

    @property
    def level_label(self) -> str:
        """The level in a word or two, for a badge."""
        return {"verified": _("Verified"), "submitted": _("Submitted, not yet verified"), "draft": _("Draft"),
                "mixed": _("Partly verified"), "none": _("No data")}[self.level]

    @property
    def label(self) -> str:
        """In words, in the reader's language: "Verified: all 3 months", "1 of 3 months verified, 2 draft"."""
        n = self.months
        words = {"n": number(n), "verified": number(self.verified), "submitted": number(self.submitted),
                 "draft": number(self.draft)}
        if self.level == "none":
            return _("No month with data")
        if self.level == "verified":
            return ngettext("Verified: its %(n)s month", "Verified: all %(n)s months", n) % words
        if self.level == "draft":
            return ngettext("Draft: its %(n)s month is not submitted", "Draft: none of its %(n)s months is submitted",
                            n) % words
        parts = [ngettext("%(verified)s of %(n)s month verified", "%(verified)s of %(n)s months verified", n) % words]
        if self.submitted:
            parts.append(_("%(submitted)s submitted") % words)
        if self.draft:
            parts.append(_("%(draft)s draft") % words)
        return ", ".join(parts)

    def as_dict(self) -> dict:
        return {"verified": self.verified, "submitted": self.submitted, "draft": self.draft,
                "months": self.months, "level": self.level}


class Tally:
    """The verification states of many facilities: three dicts of counts by facility id, so that a programme of
    20,000 facilities makes no object per facility (a ``State`` is made for those shown, and for the total)."""

    __slots__ = ("verified", "submitted", "draft")

    def __init__(self):
        self.verified: dict[int, int] = {}
        self.submitted: dict[int, int] = {}
        self.draft: dict[int, int] = {}

    def add(self, facility_id: int, verified: int, submitted: int, draft: int) -> None:
        self.verified[facility_id] = self.verified.get(facility_id, 0) + verified
        self.submitted[facility_id] = self.submitted.get(facility_id, 0) + submitted
        self.draft[facility_id] = self.draft.get(facility_id, 0) + draft

    def count(self, facility_id: int, state: str) -> None:
        """One month of ``facility_id`` in ``state`` ("verified", "submitted" or "draft")."""
        self.add(facility_id, state == "verified", state == "submitted", state == "draft")

    def merge(self, other: "Tally") -> "Tally":
        for facility_id in other.verified:
            self.add(facility_id, other.verified[facility_id], other.submitted[facility_id], other.draft[facility_id])
        return self

    def of(self, facility_id: int) -> State:
        return State(self.verified.get(facility_id, 0), self.submitted.get(facility_id, 0), self.draft.get(facility_id, 0))

    def total(self) -> State:
        return State(sum(self.verified.values()), sum(self.submitted.values()), sum(self.draft.values()))

    def __contains__(self, facility_id) -> bool:
        return facility_id in self.verified


def counted(status: str) -> str:
    """How a stored status counts: "verified", "submitted" or "draft" (a month returned with comments is draft)."""
    return _COUNTED.get(status, "draft")


def state_of_statuses(statuses: Iterable[str]) -> State:
    """The ``State`` of months with these stored statuses (one per month)."""
    counts = Counter(counted(s) for s in statuses)
    return State(verified=counts["verified"], submitted=counts["submitted"], draft=counts["draft"])


def statuses(facility_ids: Iterable[int], start: datetime.date, end: datetime.date) -> dict[tuple[int, datetime.date], str]:
    """{(facility id, month): "verified" | "submitted" | "draft"} of the months with a period row in ``start``..``end``."""
    rows = ReportingPeriod.objects.filter(facility_id__in=list(facility_ids), period__gte=start, period__lte=end)
    return {(f, p): _COUNTED.get(s, "draft") for f, p, s in rows.values_list("facility_id", "period", "status")}


def state(months: Iterable[tuple[int, datetime.date]]) -> State:
    """The ``State`` of the facility-months ``months`` ((facility id, first of the month) pairs, each counted once)."""
    months = set(months)
    return _state(months, statuses_of(months))


def statuses_of(months: set[tuple[int, datetime.date]]) -> dict[tuple[int, datetime.date], str]:
    if not months:
        return {}
    dates = [m for _f, m in months]
    return statuses({f for f, _m in months}, min(dates), max(dates))


def _state(months: set, known: dict) -> State:
    counts = Counter(known.get(m, "draft") for m in months)
    return State(verified=counts["verified"], submitted=counts["submitted"], draft=counts["draft"])


def verified_month(facility: str = "facility", period: str = "period") -> Exists:
    """True for a row whose facility-month (``facility`` and ``period`` fields of the outer query) is verified."""
    return Exists(ReportingPeriod.objects.filter(facility=OuterRef(facility), period=OuterRef(period),
                                                 status=PeriodStatus.VERIFIED))


def only_verified(queryset, *, facility: str = "facility", period: str = "period"):
    """The rows of ``queryset`` (monthly rows: inventory months, reported values) of verified months only."""
    return queryset.filter(verified_month(facility, period))


def basis(request) -> str:
    """The basis a viewer reads figures on: ``?basis=verified`` or ``?basis=all`` chooses it and keeps it for the
    session (a brand that chose verified data keeps seeing verified data on every page); all months by default."""
    asked = request.GET.get("basis")
    if asked in BASES:
        if request.session.get(SESSION_KEY, ALL) != asked:
            request.session[SESSION_KEY] = asked
        return asked
    stored = request.session.get(SESSION_KEY, ALL)
    return stored if stored in BASES else ALL
