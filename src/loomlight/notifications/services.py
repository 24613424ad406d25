"""Write paths of notifications: the sweep that finds what is due to be told and tells it (in the list and by
e-mail), marking read, and each user's settings.

The sweep reads the stored state, not hooks in other apps: a month returned is a ReportingPeriod whose status
is "returned", a consent granted is a Consent whose ``granted_at`` is recent. What it tells, and to whom:

================  ===========================================================  ==========================================
kind              when (``today``: ``site.periods.today()``)                      who
================  ===========================================================  ==========================================
month_due         a month not yet submitted, from DUE_REMINDER_DAYS days           the facility's data-entry users and managers
                  before its deadline (``calc.periods.due_date``) to the
                  deadline itself
month_overdue     a month not submitted after its deadline, for                    the same
                  OVERDUE_WINDOW_DAYS days after it (once)
month_returned    a month whose status is "returned" (once per submission          the same, and whoever submitted it
                  returned)
month_verified    verified in the last EVENT_WINDOW_DAYS days                       the same, and whoever submitted it
consent_granted   granted in the last EVENT_WINDOW_DAYS days, still in force       the grantee's brand or financier viewers
                                                                                   and the facility's managers, but not
                                                                                   the one who granted it
consent_expiring  ends (``valid_until``) within CONSENT_EXPIRY_DAYS days           the same
consent_revoked   revoked in the last EVENT_WINDOW_DAYS days                        the same, but not the one who revoked it
================  ===========================================================  ==========================================

A facility is expected to report a month once it has data of that month or earlier, or was registered before
the month's deadline. The windows keep a first sweep (a new installation, a worker down for days) from telling
years of history; a month returned is told whatever its age, because it is still work to do.

**Once.** Each notification has a key (kind, subject, occasion) unique per user, stored before any e-mail is
sent: a second sweep, or one after a restart, finds the key and tells nobody twice. E-mails are sent at most
once: a sweep claims the pending e-mails (``pending`` → ``sending`` with its claim), sends each and records
``sent`` (or ``failed``, not retried). A sweep stopped between claiming and recording leaves ``sending``:
those e-mails are never sent again (some may have gone, some not); the in-app notification is there either way.

**Cost.** A fixed number of queries whatever the number of users and facilities (the staff of every facility in
one, the months due and overdue, the months reviewed and the consents concerned in one each, the users and their
settings in one each per 500, the existing keys in one per 500, the insert in batches), plus two to claim the
e-mails and one per e-mail sent, and two per submitter who is not on the facility's staff (their access is asked
of the policy).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from loomlight.audit.models import AuditAction
from loomlight.audit.services import audit_record
from loomlight.calc import periods
from loomlight.notifications import selectors
from loomlight.notifications.models import Channel, EmailState, Kind, Notification, NotificationSettings
from loomlight.registry import policy
from loomlight.registry.models import Consent, Facility, Membership, Role
from loomlight.reporting.models import ActivityValue, PeriodStatus, ReportingPeriod
from loomlight.site import periods as clock

logger = logging.getLogger("loomlight.notifications")

DUE_REMINDER_DAYS = 5         # a month's reminder starts 5 days before its deadline (a working week's notice)
OVERDUE_WINDOW_DAYS = 31      # an overdue month is told in the month after its deadline, not later
EVENT_WINDOW_DAYS = 14        # a verification or consent change older than two weeks is not news
CONSENT_EXPIRY_DAYS = 30      # a consent ending within 30 days: time to renew it
_CHUNK = 500

DONE = (PeriodStatus.SUBMITTED, PeriodStatus.VERIFIED)


@dataclass
class Event:
    kind: str
    key: str
    facility_id: int
    occurred_on: datetime.date
    users: set
    period: datetime.date | None = None
    consent_id: int | None = None
    comment: str = ""


@dataclass
class SweepResult:
    created: int = 0
    emailed: int = 0
    failed: int = 0
    kinds: dict = field(default_factory=dict)


def _months_in_window(today: datetime.date, deadline_day: int, first_day: int, last_day: int) -> list[datetime.date]:
    """Months whose deadline falls between ``today + first_day`` and ``today + last_day`` days (both included)."""
    y, m = today.year, today.month
    months = []
    for back in range(0, 4):   # the deadline of month M is in M+1: look at the last few months
        idx = y * 12 + m - 1 - back
        month = datetime.date(idx // 12, idx % 12 + 1, 1)
        due = periods.due_date(month.year, month.month, deadline_day)
        if today + datetime.timedelta(days=first_day) <= due <= today + datetime.timedelta(days=last_day):
            months.append(month)
    return months


def _month_events(today: datetime.date, staff: selectors.Staff) -> list[Event]:
    deadline_day = clock.deadline_day()
    events = []
    entering = Membership.objects.filter(role__in=selectors.STAFF_ROLES, user__is_active=True)
    staffed = (Q(pk__in=entering.filter(facility__isnull=False).values("facility_id"))
               | Q(organisation_id__in=entering.filter(role=Role.FACILITY_MANAGER, organisation__isnull=False)
                   .values("organisation_id")))   # the facilities someone reports for: the others are not asked
    wanted = [(Kind.MONTH_DUE, m) for m in _months_in_window(today, deadline_day, 0, DUE_REMINDER_DAYS)]
    wanted += [(Kind.MONTH_OVERDUE, m) for m in _months_in_window(today, deadline_day, -OVERDUE_WINDOW_DAYS, -1)]
    for kind, month in wanted:
        due = periods.due_date(month.year, month.month, deadline_day)
        started = Q(created_at__date__lte=due) | Exists(
            ActivityValue.objects.filter(facility=OuterRef("pk"), period__lte=month))
        rows = (Facility.objects.filter(staffed).filter(started)
                .exclude(pk__in=ReportingPeriod.objects.filter(period=month, status__in=DONE).values("facility_id"))
                .values_list("pk", "organisation_id"))
        for facility_id, organisation_id in rows:
            users = staff.month(facility_id, organisation_id)
            if users:
                events.append(Event(kind, f"{kind}:{facility_id}:{month:%Y-%m}", facility_id, due, users, period=month))
    return events


def _review_events(now: datetime.datetime, staff: selectors.Staff) -> list[Event]:
    since = now - datetime.timedelta(days=EVENT_WINDOW_DAYS)
    rows = (ReportingPeriod.objects
            .filter(Q(status=PeriodStatus.RETURNED) | Q(status=PeriodStatus.VERIFIED, verified_at__gte=since))
            .values_list("pk", "facility_id", "facility__organisation_id", "period", "status", "submitted_at",
                         "submitted_by_id", "verified_at", "comment"))
    events, outside = [], {}   # outside: submitter -> facility ids they must still be allowed to open
    for pk, facility_id, organisation_id, period, status, submitted_at, submitter, verified_at, comment in rows:
        users = staff.month(facility_id, organisation_id)
        if status == PeriodStatus.RETURNED:
            occasion = submitted_at.isoformat() if submitted_at else "-"
            event = Event(Kind.MONTH_RETURNED, f"{Kind.MONTH_RETURNED}:{pk}:{occasion}", facility_id,
                          (submitted_at or now).date(), users, period=period, comment=comment)
        else:
            event = Event(Kind.MONTH_VERIFIED, f"{Kind.MONTH_VERIFIED}:{pk}:{verified_at.isoformat()}", facility_id,
                          verified_at.date(), users, period=period)
        if submitter and submitter not in users:
            outside.setdefault(submitter, []).append((event, facility_id))
        events.append(event)
    if outside:
        for user in get_user_model().objects.filter(pk__in=list(outside), is_active=True):
            ids = {f for _e, f in outside[user.pk]}
            may = set(policy.facilities_with_data(user, selectors.MONTH_PAGE_KIND).filter(pk__in=ids)
                      .values_list("pk", flat=True))
            for event, facility_id in outside[user.pk]:
                if facility_id in may:
                    event.users.add(user.pk)
    return [e for e in events if e.users]


def _consent_events(today: datetime.date, now: datetime.datetime, staff: selectors.Staff) -> list[Event]:
    since = now - datetime.timedelta(days=EVENT_WINDOW_DAYS)
    until = today + datetime.timedelta(days=CONSENT_EXPIRY_DAYS)
    rows = (Consent.objects
            .filter(Q(revoked_at__isnull=True, granted_at__gte=since)
                    | Q(revoked_at__isnull=True, valid_until__gte=today, valid_until__lte=until)
                    | Q(revoked_at__gte=since))
            .values_list("pk", "facility_id", "facility__organisation_id", "grantee_id", "granted_at", "granted_by_id",
                         "revoked_at", "revoked_by_id", "valid_from", "valid_until"))
    events = []
    for pk, facility_id, organisation_id, grantee_id, granted_at, granted_by, revoked_at, revoked_by, valid_from, valid_until in rows:
        users = staff.grantee(grantee_id) | staff.managers(facility_id, organisation_id)
        if revoked_at is not None:
            if revoked_at >= since:
                events.append(Event(Kind.CONSENT_REVOKED, f"{Kind.CONSENT_REVOKED}:{pk}:{revoked_at.isoformat()}",
                                    facility_id, revoked_at.date(), users - {revoked_by}, consent_id=pk))
            continue
        if granted_at >= since:
            events.append(Event(Kind.CONSENT_GRANTED, f"{Kind.CONSENT_GRANTED}:{pk}:{granted_at.isoformat()}",
                                facility_id, max(valid_from, granted_at.date()), users - {granted_by}, consent_id=pk))
        if valid_until is not None and today <= valid_until <= until:
            events.append(Event(Kind.CONSENT_EXPIRING, f"{Kind.CONSENT_EXPIRING}:{pk}:{valid_until.isoformat()}",
                                facility_id, valid_until, set(users), consent_id=pk))
    return [e for e in events if e.users]


def _chunks(items: list, size: int = _CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def notifications_sweep(*, send: bool = True) -> SweepResult:
    """Store every notification due now that is not stored yet, then send the e-mails not sent yet.

    Safe to run at any time and any number of times (the module's docstring says why)."""
    now, today = timezone.now(), clock.today()
    staff = selectors.staff()
    events = _month_events(today, staff) + _review_events(now, staff) + _consent_events(today, now, staff)
    result = SweepResult()
    if events:
        user_ids = sorted({u for e in events for u in e.users})
        users = {}
        prefs = {}
        for chunk in _chunks(user_ids):
            users.update({u.pk: u for u in get_user_model().objects.filter(pk__in=chunk, is_active=True)
                          .only("pk", "email", "is_active")})
            prefs.update({s.user_id: s for s in NotificationSettings.objects.filter(user_id__in=chunk)})
        keys = sorted({e.key for e in events})
        existing = set()
        for chunk in _chunks(keys):
            existing.update(Notification.objects.filter(key__in=chunk).values_list("user_id", "key"))
        new = []
        for e in events:
            for user_id in sorted(e.users):
                user = users.get(user_id)
                if user is None or (user_id, e.key) in existing:
                    continue
                pref = prefs.get(user_id)
                in_app = pref is None or pref.wants(e.kind, Channel.IN_APP)
                email = bool(user.email) and (pref is None or pref.wants(e.kind, Channel.EMAIL))
                if not (in_app or email):
                    state = EmailState.NONE
                else:
                    state = EmailState.PENDING if email else EmailState.NONE
                new.append(Notification(user_id=user_id, kind=e.kind, key=e.key, facility_id=e.facility_id,
                                        period=e.period, consent_id=e.consent_id, comment=e.comment,
                                        occurred_on=e.occurred_on, in_app=in_app, email_state=state, created_at=now))
                result.kinds[e.kind] = result.kinds.get(e.kind, 0) + 1
        # stored before anything is sent; a concurrent sweep's rows are left as they are
        Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=_CHUNK)
        result.created = len(new)
    if send:
        result.emailed, result.failed = _send_pending()
    return result


def _send_pending() -> tuple[int, int]:
    """Claim the pending e-mails (one UPDATE), send each in its recipient's language, record the outcome."""
    claim = uuid.uuid4().hex
    if not Notification.objects.filter(email_state=EmailState.PENDING).update(
            email_state=EmailState.SENDING, email_claim=claim):
        return 0, 0
    rows = (Notification.objects.filter(email_claim=claim, email_state=EmailState.SENDING)
            .select_related("user__notification_settings", "facility", "consent__grantee").order_by("pk"))
    sent = failed = 0
    connection = get_connection()
    for n in rows:
        try:
            message = _message(n, connection)
            message.send()
        except Exception:
            logger.exception("Notification %s: the e-mail could not be sent", n.pk)
            Notification.objects.filter(pk=n.pk).update(email_state=EmailState.FAILED)
            failed += 1
            continue
        Notification.objects.filter(pk=n.pk).update(email_state=EmailState.SENT, emailed_at=timezone.now())
        sent += 1
    return sent, failed


def email_language(user) -> str:
    """The recipient's language: the one saved in their notification settings, else LANGUAGE_CODE."""
    try:
        saved = user.notification_settings.language
    except NotificationSettings.DoesNotExist:
        saved = ""
    return saved if saved in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _message(n: Notification, connection) -> EmailMessage:
    with translation.override(email_language(n.user)):
        base = settings.SITE_URL.rstrip("/")
        context = {"text": selectors.text(n), "kind": n.get_kind_display(),
                   "url": f"{base}{selectors.link(n)}" if base else "",
                   "settings_url": f"{base}/notifications/settings/" if base else ""}
        subject = _("Loomlight: %(kind)s") % {"kind": n.get_kind_display()}
        body = render_to_string("notifications/email.txt", context)
    return EmailMessage(subject, body, None, [n.user.email], connection=connection)


# --- a user's own list and settings -------------------------------------------------------------------

def notification_read(*, by, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them (``notification_id`` None). Reading is the
    user's own state, not data: not audited. Returns how many changed."""
    if not (by.is_authenticated and by.is_active):
        raise PermissionDenied
    rows = Notification.objects.filter(user=by, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    return rows.update(read_at=timezone.now())


def _settings_record(s: NotificationSettings) -> dict:
    return {"off": sorted(s.off), "language": s.language}


@transaction.atomic
def notification_settings_set(*, by, off, language: str, via: str = "web") -> NotificationSettings:
    """Save what ``by`` turned off (``"kind:channel"`` strings) and the language of their e-mails; audited."""
    if not (by.is_authenticated and by.is_active):
        raise PermissionDenied
    allowed = {f"{k}:{c}" for k in Kind.values for c in Channel.values}
    unknown = sorted(set(off) - allowed)
    if unknown:
        raise ValidationError({"off": [_("Unknown notification: %(name)s.") % {"name": ", ".join(unknown)}]})
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": [_("Choose one of the languages offered.")]})
    current, created = NotificationSettings.objects.select_for_update().get_or_create(user=by)
    before = None if created else _settings_record(current)
    current.off, current.language, current.updated_at = sorted(set(off)), language, timezone.now()
    current.save()
    audit_record(actor=by, action=AuditAction.CREATE if created else AuditAction.UPDATE, obj=current,
                 before=before, after=_settings_record(current), via=via)
    return current
