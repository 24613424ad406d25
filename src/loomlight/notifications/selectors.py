"""Read paths of notifications: who is told about a facility's months and consents, what a user's list shows,
and the count in the page header."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from loomlight.notifications.models import MONTH_KINDS, Kind, Notification
from loomlight.registry import policy
from loomlight.registry.models import DataKind, Membership, Role

#: the kind of data a month's page (reporting:facility_year) shows: a link to it needs this right
MONTH_PAGE_KIND = DataKind.ENVIRONMENTAL
STAFF_ROLES = (Role.FACILITY_MANAGER, Role.FACILITY_DATA_ENTRY)
GRANTEE_ROLES = (Role.BRAND_VIEWER, Role.FINANCIER_VIEWER)


@dataclass
class Staff:
    """Active members by scope, loaded in two queries for a whole sweep. ``month(facility, organisation)`` is
    policy's ENTER_DATA rule (``policy._data_entry_q``) in bulk: a facility's data-entry users and managers,
    and its manufacturer group's managers; ``managers`` is its MANAGE_CONSENT rule (``_consent_manage_q``);
    ``grantee`` the brand and financier viewers of an organisation, who read a consent given to it
    (``policy.consents_visible``). tests/notifications/test_recipients.py checks each against policy.can."""

    by_facility: dict
    by_organisation: dict
    viewers: dict

    def month(self, facility_id: int, organisation_id: int | None) -> set[int]:
        return (set(self.by_facility.get(facility_id, {}).keys())
                | set(self.by_organisation.get(organisation_id, set()) if organisation_id else set()))

    def managers(self, facility_id: int, organisation_id: int | None) -> set[int]:
        own = {u for u, roles in self.by_facility.get(facility_id, {}).items() if Role.FACILITY_MANAGER in roles}
        return own | (set(self.by_organisation.get(organisation_id, set())) if organisation_id else set())

    def grantee(self, organisation_id: int) -> set[int]:
        return set(self.viewers.get(organisation_id, set()))


def staff() -> Staff:
    by_facility: dict = defaultdict(lambda: defaultdict(set))
    by_organisation: dict = defaultdict(set)
    viewers: dict = defaultdict(set)
    rows = Membership.objects.filter(user__is_active=True, role__in=STAFF_ROLES + GRANTEE_ROLES).values_list(
        "user_id", "role", "facility_id", "organisation_id")
    for user_id, role, facility_id, organisation_id in rows:
        if role in GRANTEE_ROLES:
            if organisation_id:
                viewers[organisation_id].add(user_id)
        elif facility_id:
            by_facility[facility_id][user_id].add(role)
        elif organisation_id and role == Role.FACILITY_MANAGER:
            by_organisation[organisation_id].add(user_id)
    return Staff(by_facility, by_organisation, viewers)


def unread_count(user) -> int:
    """The header's count: one query."""
    if not (user.is_authenticated and user.is_active):
        return 0
    return Notification.objects.filter(user=user, in_app=True, read_at__isnull=True).count()


@dataclass(frozen=True)
class Item:
    notification: Notification
    text: str
    link: str | None   # None when the reader may no longer open it

    @property
    def unread(self) -> bool:
        return self.notification.read_at is None


def month_label(period: datetime.date) -> str:
    return date_format(period, "YEAR_MONTH_FORMAT")


def text(n: Notification) -> str:
    """The sentence of a notification in the active language (so the list follows the reader's language)."""
    facility = n.facility.name
    day = date_format(n.occurred_on, "DATE_FORMAT")
    if n.kind in MONTH_KINDS:
        month = month_label(n.period)
        if n.kind == Kind.MONTH_DUE:
            return _("%(month)s of %(facility)s is due on %(date)s.") % {"month": month, "facility": facility, "date": day}
        if n.kind == Kind.MONTH_OVERDUE:
            return _("%(month)s of %(facility)s was due on %(date)s and has not been submitted.") % {
                "month": month, "facility": facility, "date": day}
        if n.kind == Kind.MONTH_RETURNED:
            return _("%(month)s of %(facility)s was returned with comments: %(comment)s") % {
                "month": month, "facility": facility, "comment": n.comment}
        return _("%(month)s of %(facility)s was verified.") % {"month": month, "facility": facility}
    grantee = n.consent.grantee.name if n.consent_id else ""
    if n.kind == Kind.CONSENT_GRANTED:
        return _("%(facility)s shares data with %(organisation)s from %(date)s.") % {
            "facility": facility, "organisation": grantee, "date": day}
    if n.kind == Kind.CONSENT_EXPIRING:
        return _("The consent of %(facility)s to %(organisation)s ends on %(date)s.") % {
            "facility": facility, "organisation": grantee, "date": day}
    return _("%(facility)s revoked its consent to %(organisation)s on %(date)s.") % {
        "facility": facility, "organisation": grantee, "date": day}


def link(n: Notification) -> str:
    """Where the work is: the facility's monthly data of that year, or the consents page."""
    if n.kind in MONTH_KINDS:
        return reverse("reporting:facility_year", kwargs={"pk": n.facility_id, "year": n.period.year})
    return reverse("registry:consents")


def user_notifications(user, *, limit: int = 100) -> list[Item]:
    """The user's own in-app notifications, newest first, each with a link only if the user may open it now:
    two queries for the list and one (plus the user's memberships) for what they may open."""
    rows = list(Notification.objects.filter(user=user, in_app=True)
                .select_related("facility", "consent__grantee")[:limit])
    month_facilities = {n.facility_id for n in rows if n.kind in MONTH_KINDS}
    openable = set(policy.facilities_with_data(user, MONTH_PAGE_KIND).filter(pk__in=month_facilities)
                   .values_list("pk", flat=True)) if month_facilities else set()
    items = []
    for n in rows:
        may = n.facility_id in openable if n.kind in MONTH_KINDS else True   # registry:consents: every member
        items.append(Item(n, text(n), link(n) if may else None))
    return items
