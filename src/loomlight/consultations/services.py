"""Writes of consultations: guidelines with their authors and sections, comment periods, comments (the public
form), their marking, the removal of personal details, and exports.

Every rule lives here, used by the pages and the demo alike; every write is audited in its transaction. What the
audit trail keeps of a comment names no text and no person (``_comment_state``): the trail is read by the
installation's operator, who is not a reader of comments, and a removal of personal details must remove them
for good, which a copy in the trail would defeat.

The public form's limits (docs/deployment.md has the settings):

* the comment: not empty, at most ``BODY_MAX`` characters (line breaks counted as one);
* name and organisation at most ``NAME_MAX`` characters, the e-mail a valid address of at most ``EMAIL_MAX``;
* per client (``client_key``: a keyed hash of the address, never the address), at most
  ``LOOMLIGHT_CONSULTATION_COMMENTS_PER_WINDOW`` comments per ``LOOMLIGHT_CONSULTATION_WINDOW_SECONDS`` and
  ``LOOMLIGHT_CONSULTATION_COMMENTS_PER_DAY`` per 24 hours, counted from the stored comments (no cache server);
* a filled honeypot field: answered as if received, stored with status "spam" (so that the authors can still
  find a genuine comment a browser's autofill put there, and so that it counts against the rate limit, which
  bounds what a bot can store); once over the limit, a bot's comment is dropped, still answered as received.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loomlight.audit.models import AuditAction
from loomlight.audit.services import audit_record, snapshot
from loomlight.consultations import access
from loomlight.consultations.models import (
    Comment, CommentExport, CommentPeriod, CommentStatus, Guideline, GuidelineSection,
)
from loomlight.consultations.sections import BIOMASS_GUIDELINE_CODE, BIOMASS_SECTIONS
from loomlight.site.numbers import number

BODY_MAX = 5000
NAME_MAX = 200
EMAIL_MAX = 254
TITLE_MAX = 200
DAY = datetime.timedelta(days=1)


def _refuse(message: str, code: str, field: str = "__all__"):
    raise ValidationError({field: [ValidationError(message, code=code)]})


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- guidelines ---------------------------------------------------------------------------------------------------

def _guideline_state(g: Guideline) -> dict:
    return snapshot(g)


def guideline_create(*, by, code: str, version: str, title: str, programme, authors=(), via: str = "web") -> Guideline:
    """A guideline of ``programme``; ``by`` a programme admin of it (or the operator)."""
    _require(by.is_superuser or programme.pk in access._administered_programme_ids(by))
    if not (title or "").strip():
        _refuse(_("Give the guideline a title."), "required", "title")
    with transaction.atomic():
        guideline = Guideline.objects.create(code=code, version=version, title=title.strip()[:TITLE_MAX], programme=programme)
        audit_record(actor=by, action=AuditAction.CREATE, obj=guideline, before=None, after=_guideline_state(guideline), via=via)
        if authors:
            guideline_authors_set(by=by, guideline=guideline, authors=authors, via=via)
    return guideline


def guideline_authors_set(*, by, guideline: Guideline, authors, via: str = "web") -> Guideline:
    """Name the guideline's authors: each a programme admin of its programme (the readers of its comments)."""
    _require(access.can_run(by, guideline))
    authors = list(authors)
    outsiders = [u.get_username() for u in authors if not access.is_author_candidate(u, guideline)]
    if outsiders:
        _refuse(_("An author must be a programme admin of the guideline's programme: %(names)s.")
                % {"names": ", ".join(outsiders)}, "not_programme_admin", "authors")
    with transaction.atomic():
        before = _guideline_state(guideline)
        guideline.authors.set(authors)
        audit_record(actor=by, action=AuditAction.UPDATE, obj=guideline, before=before, after=_guideline_state(guideline), via=via)
    return guideline


def guideline_sections_set(*, by, guideline: Guideline, sections, via: str = "web") -> list[GuidelineSection]:
    """Add or retitle the guideline's sections from ``sections``, a sequence of (code, title), in that order.
    A section not in the list is kept (its comments name it); "general" is always among them."""
    _require(access.can_run(by, guideline))
    pairs = [(str(code), str(title)) for code, title in sections]
    if "general" not in {code for code, _t in pairs}:
        pairs.insert(0, ("general", str(dict(BIOMASS_SECTIONS)["general"])))
    with transaction.atomic():
        out = []
        for order, (code, title) in enumerate(pairs):
            section, created = GuidelineSection.objects.get_or_create(guideline=guideline, code=code,
                                                                      defaults={"title": title[:TITLE_MAX], "order": order})
            if created:
                audit_record(actor=by, action=AuditAction.CREATE, obj=section, before=None, after=snapshot(section), via=via)
            elif (section.title, section.order) != (title[:TITLE_MAX], order):
                before = snapshot(section)
                section.title, section.order = title[:TITLE_MAX], order
                section.save(update_fields=["title", "order"])
                audit_record(actor=by, action=AuditAction.UPDATE, obj=section, before=before, after=snapshot(section), via=via)
            out.append(section)
    return out


def biomass_guideline_seed(*, by, programme, version: str = "2026.1", title: str = "Sustainable Biomass Guidelines",
                           authors=(), sections=BIOMASS_SECTIONS, via: str = "web") -> Guideline:
    """The programme's biomass guideline with its sections (``sections.BIOMASS_SECTIONS`` unless given): created
    once, its sections added or retitled on a second call."""
    guideline = Guideline.objects.filter(code=BIOMASS_GUIDELINE_CODE, version=version, programme=programme).first()
    if guideline is None:
        guideline = guideline_create(by=by, code=BIOMASS_GUIDELINE_CODE, version=version, title=title,
                                     programme=programme, authors=authors, via=via)
    elif authors:
        guideline_authors_set(by=by, guideline=guideline, authors=authors, via=via)
    guideline_sections_set(by=by, guideline=guideline, sections=sections, via=via)
    return guideline


# --- comment periods ---------------------------------------------------------------------------------------------

def period_create(*, by, guideline: Guideline, title: str, opens_at: datetime.datetime, closes_at: datetime.datetime,
                  intro: str = "", via: str = "web") -> CommentPeriod:
    _require(access.can_run(by, guideline))
    title = (title or "").strip()
    if not title:
        _refuse(_("Give the comment period a title."), "required", "title")
    if len(title) > TITLE_MAX:
        _refuse(_("The title is %(n)s characters long; at most %(max)s.") % {"n": number(len(title)), "max": number(TITLE_MAX)},
                "too_long", "title")
    if len(intro or "") > BODY_MAX:
        _refuse(_("The introduction is %(n)s characters long; at most %(max)s.") % {"n": number(len(intro)), "max": number(BODY_MAX)},
                "too_long", "intro")
    if opens_at is None:
        _refuse(_("Give the day and time the period opens."), "required", "opens_at")
    if closes_at is None:
        _refuse(_("Give the day and time the period closes."), "required", "closes_at")
    if closes_at <= opens_at:
        _refuse(_("The period must close after it opens."), "closes_before_opening", "closes_at")
    with transaction.atomic():
        period = CommentPeriod.objects.create(guideline=guideline, title=title, intro=intro or "", opens_at=opens_at,
                                              closes_at=closes_at, created_by=by)
        audit_record(actor=by, action=AuditAction.CREATE, obj=period, before=None, after=snapshot(period), via=via)
    return period


def period_close(*, by, period: CommentPeriod, now: datetime.datetime | None = None, via: str = "web") -> CommentPeriod:
    """Close an open period now (its closing time moves to now); a closed one is refused."""
    _require(access.can_run(by, period.guideline))
    now = now or timezone.now()
    if not period.is_open(now):
        _refuse(_("This comment period is not open."), "not_open")
    with transaction.atomic():
        before = snapshot(period)
        period.closes_at = now
        period.save(update_fields=["closes_at"])
        audit_record(actor=by, action=AuditAction.UPDATE, obj=period, before=before, after=snapshot(period), via=via)
    return period


# --- comments ------------------------------------------------------------------------------------------------------

def client_key(address: str) -> str:
    """A keyed hash (HMAC-SHA256 with the installation's secret key) of the sender's address: the same address
    gives the same key, and the key gives back no address (64 hex characters)."""
    return salted_hmac("loomlight.consultations.client_key", address or "", algorithm="sha256").hexdigest()


def _comment_state(c: Comment) -> dict:
    """What the audit trail keeps of a comment: no text, no name, no organisation, no e-mail, no client key."""
    return {"period": c.period_id, "section": c.section.code, "status": c.status,
            "redacted_at": c.redacted_at.isoformat() if c.redacted_at else None}


def _text(value) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _clean(*, period: CommentPeriod, section, body, name, organisation, email) -> dict:
    errors: dict[str, list[ValidationError]] = {}

    def add(field, message, code):
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if isinstance(section, GuidelineSection):
        found = section if section.guideline_id == period.guideline_id else None
    else:
        found = GuidelineSection.objects.filter(guideline_id=period.guideline_id, code=str(section or "")).first()
    if found is None:
        add("section", _("Choose the section of the guideline your comment is about."), "unknown_section")
    body, name, organisation, email = _text(body), _text(name), _text(organisation), _text(email)
    if not body:
        add("body", _("Write your comment."), "required")
    elif len(body) > BODY_MAX:
        add("body", _("Your comment is %(n)s characters long; at most %(max)s fit. Shorten it or send it as two comments.")
            % {"n": number(len(body)), "max": number(BODY_MAX)}, "too_long")
    for field, value, label in (("name", name, _("Your name")), ("organisation", organisation, _("Your organisation"))):
        if len(value) > NAME_MAX:
            add(field, _("%(field)s is %(n)s characters long; at most %(max)s.") % {"field": label, "n": number(len(value)), "max": number(NAME_MAX)},
                "too_long")
    if email:
        if len(email) > EMAIL_MAX:
            add("email", _("The e-mail address is %(n)s characters long; at most %(max)s.") % {"n": number(len(email)), "max": number(EMAIL_MAX)},
                "too_long")
        else:
            try:
                validate_email(email)
            except ValidationError:
                add("email", _("Enter an e-mail address such as name@example.org, or leave it empty."), "invalid_email")
    if errors:
        raise ValidationError(errors)
    return {"section": found, "body": body, "name": name, "organisation": organisation, "email": email}


def _limits() -> tuple[int, int, int]:
    return (settings.CONSULTATION_COMMENTS_PER_WINDOW, settings.CONSULTATION_WINDOW_SECONDS,
            settings.CONSULTATION_COMMENTS_PER_DAY)


def _over_limit(key: str, now: datetime.datetime) -> int | None:
    """None when the client may send another comment, else the minutes until it may (at least 1)."""
    per_window, window_seconds, per_day = _limits()
    window = datetime.timedelta(seconds=window_seconds)
    recent = list(Comment.objects.filter(client_key=key, created_at__gt=now - DAY, created_at__lte=now)
                  .order_by("-created_at").values_list("created_at", flat=True)[:max(per_window, per_day)])
    in_window = [t for t in recent if t > now - window]
    waits = []
    if len(in_window) >= per_window:
        waits.append(in_window[per_window - 1] + window - now)
    if len(recent) >= per_day:
        waits.append(recent[per_day - 1] + DAY - now)
    if not waits:
        return None
    return max(1, -(-int(max(waits).total_seconds()) // 60))


def comment_submit(*, period: CommentPeriod, section, body: str, name: str = "", organisation: str = "", email: str = "",
                   client_address: str, honeypot: str = "", now: datetime.datetime | None = None) -> Comment | None:
    """A comment from the public form. Refused (ValidationError naming the field, nothing stored) when the period
    is not open, a field breaks its limit or the client is over the rate limit. With the honeypot filled it is
    stored as spam, or dropped once the client is over the limit; either way the caller answers "received"
    (``None`` is returned for a dropped one)."""
    now = now or timezone.now()
    if not period.is_open(now):
        if now >= period.closes_at:
            _refuse(_("This comment period closed on %(day)s; comments are no longer received.")
                    % {"day": date_format(timezone.localtime(period.closes_at), "DATE_FORMAT")}, "closed")
        _refuse(_("This comment period is not open yet."), "not_open")
    data = _clean(period=period, section=section, body=body, name=name, organisation=organisation, email=email)
    key = client_key(client_address)
    spam = bool((honeypot or "").strip())
    with transaction.atomic():
        wait = _over_limit(key, now)
        if wait is not None:
            if spam:
                return None
            _refuse(ngettext("You have sent many comments in a short time. Please wait %(n)s minute and send it again.",
                             "You have sent many comments in a short time. Please wait %(n)s minutes and send it again.",
                             wait) % {"n": number(wait)}, "rate_limited")
        comment = Comment.objects.create(period=period, client_key=key, created_at=now,
                                         status=CommentStatus.FLAGGED_SPAM if spam else CommentStatus.NEW, **data)
        audit_record(actor=None, action=AuditAction.CREATE, obj=comment, before=None, after=_comment_state(comment), via="public")
    return comment


def comment_mark(*, by, comment: Comment, status: str, via: str = "web") -> Comment:
    """Mark a comment new, read or spam (its authors)."""
    _require(access.can_read(by, comment.period))
    if status not in CommentStatus.values:
        _refuse(_("Choose new, read or spam."), "invalid_status", "status")
    with transaction.atomic():
        before = _comment_state(comment)
        comment.status = status
        comment.save(update_fields=["status"])
        audit_record(actor=by, action=AuditAction.UPDATE, obj=comment, before=before, after=_comment_state(comment), via=via)
    return comment


def comment_redact(*, by, comment: Comment, now: datetime.datetime | None = None, via: str = "web") -> Comment:
    """Remove a comment's personal details on its sender's request: name, organisation, e-mail and client key are
    cleared for good (the audit trail never held them), the text is kept. Irreversible; a second time is refused."""
    _require(access.can_read(by, comment.period))
    if comment.redacted_at is not None:
        _refuse(_("The personal details of this comment were already removed."), "already_redacted")
    with transaction.atomic():
        before = {**_comment_state(comment), "details": sorted(f for f in ("name", "organisation", "email", "client_key")
                                                               if getattr(comment, f))}
        comment.name = comment.organisation = comment.email = comment.client_key = ""
        comment.redacted_at, comment.redacted_by = now or timezone.now(), by
        comment.save(update_fields=["name", "organisation", "email", "client_key", "redacted_at", "redacted_by"])
        audit_record(actor=by, action=AuditAction.UPDATE, obj=comment, before=before,
                     after={**_comment_state(comment), "details": []}, via=via)
    return comment


def comments_export(*, by, period: CommentPeriod, fmt: str, via: str = "web") -> tuple[bytes, str, str]:
    """The period's comments as CSV or XLSX (body, content type, file name); the export is recorded (who, when,
    format, rows) and audited."""
    from loomlight.consultations import exports, selectors

    _require(access.can_read(by, period))
    if fmt not in exports.FORMATS:
        _refuse(_("Choose CSV or XLSX."), "invalid_format", "fmt")
    comments = list(selectors.comments_of(by, period))
    body, content_type = exports.comments(period, comments, fmt=fmt)
    with transaction.atomic():
        export = CommentExport.objects.create(period=period, fmt=fmt, rows=len(comments), created_by=by,
                                              created_at=timezone.now())
        audit_record(actor=by, action=AuditAction.CREATE, obj=export, before=None, after=snapshot(export), via=via)
    return body, content_type, f"comments-{period.guideline.code}-{period.pk}.{fmt}"
