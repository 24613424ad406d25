"""Pages of consultations: the public list of open comment periods and the comment form (no login); the authors'
pages (a period's comments by section, marking, removing personal details, exports); the programme admins'
opening and closing of periods.

Thin: authorise (consultations.access: 404 for what the reader may not see, so that nothing says a comment
exists), parse, call one service or selector, render. No page outside the authors' shows anything of a comment.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loomlight.accounts.throttle import client_address
from loomlight.consultations import access, selectors, services
from loomlight.consultations.forms import HONEYPOT, CommentForm, PeriodForm
from loomlight.consultations.models import Comment, CommentPeriod, CommentStatus


def _errors(form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- public ---------------------------------------------------------------------------------------------------

def public_list(request):
    return render(request, "consultations/public_list.html", {"periods": selectors.periods_open()})


def _period_or_404(pk: int) -> CommentPeriod:
    period = selectors.period_public(pk)
    if period is None:
        raise Http404
    return period


def _render_form(request, period, form, *, sent=False, status=200):
    return render(request, "consultations/period.html", {
        "period": period, "form": form, "sent": sent, "is_open": period.is_open(),
        "honeypot": form[HONEYPOT], "max_chars": services.BODY_MAX,
    }, status=status)


def period(request, pk: int):
    """The comment form: GET shows it (or that the period closed), POST sends a comment."""
    period = _period_or_404(pk)
    sections = list(period.guideline.sections.all())
    if request.method != "POST":
        initial = {"section": request.GET.get("section", "")}
        return _render_form(request, period, CommentForm(initial=initial, sections=sections),
                            sent=request.GET.get("sent") == "1")
    form = CommentForm(request.POST, sections=sections)
    form.is_valid()   # gathers the fields; the rules are the service's
    data = form.cleaned_data
    try:
        services.comment_submit(period=period, section=data.get("section", ""), body=data.get("body", ""),
                                name=data.get("name", ""), organisation=data.get("organisation", ""),
                                email=data.get("email", ""), client_address=client_address(request),
                                honeypot=data.get(HONEYPOT, ""))
    except ValidationError as exc:
        _errors(form, exc)
        return _render_form(request, period, form, status=400)
    return redirect(reverse("consultations:period", args=[period.pk]) + "?sent=1#sent")


def period_too_large(request, pk: int):
    """A comment whose request body is over ``CONSULTATION_MAX_BODY_BYTES``: the form and its error, nothing read
    or stored (consultations.middleware answers with this)."""
    period = _period_or_404(pk)
    form = CommentForm({}, sections=list(period.guideline.sections.all()))
    form.is_valid()
    form.add_error(None, _("Your comment is too large to send (more than %(kb)s kB). Shorten it or send it as two comments.")
                   % {"kb": settings.CONSULTATION_MAX_BODY_BYTES // 1024})
    return _render_form(request, period, form, status=413)


# --- authors and programme admins ---------------------------------------------------------------------------------

def _manager_or_404(user) -> None:
    if not (access.guidelines_authored(user).exists() or access.guidelines_run(user).exists()):
        raise Http404


@login_required
def manage(request):
    _manager_or_404(request.user)
    runs = list(access.guidelines_run(request.user))
    return render(request, "consultations/manage.html", {
        "periods": selectors.periods_managed(request.user), "can_open": bool(runs), "now": timezone.now(),
    })


def _readable_or_404(user, pk: int) -> CommentPeriod:
    period = access.periods_readable(user).select_related("guideline").filter(pk=pk).first()
    if period is None:
        raise Http404
    return period


@login_required
def period_comments(request, pk: int):
    period = _readable_or_404(request.user, pk)
    status = request.GET.get("status", "")
    if status not in CommentStatus.values:
        status = ""
    return render(request, "consultations/period_comments.html", {
        "period": period, "groups": selectors.comments_by_section(request.user, period, status=status),
        "status": status, "statuses": CommentStatus.choices, "exports": period.exports.select_related("created_by")[:5],
    })


def _comment_or_404(user, pk: int) -> Comment:
    comment = access.comments_readable(user).select_related("period", "section").filter(pk=pk).first()
    if comment is None:
        raise Http404
    return comment


def _back(comment: Comment, request) -> HttpResponse:
    status = request.POST.get("filter", "")
    query = f"?status={status}" if status in CommentStatus.values else ""
    return redirect(reverse("consultations:period_comments", args=[comment.period_id]) + query + f"#comment-{comment.pk}")


@login_required
@require_POST
def comment_mark(request, pk: int):
    comment = _comment_or_404(request.user, pk)
    try:
        services.comment_mark(by=request.user, comment=comment, status=request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    return _back(comment, request)


@login_required
@require_POST
def comment_redact(request, pk: int):
    comment = _comment_or_404(request.user, pk)
    try:
        services.comment_redact(by=request.user, comment=comment)
        messages.success(request, _("The personal details of the comment were removed; its text is kept."))
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in exc.message_dict.values() for m in ms))
    return _back(comment, request)


@login_required
def export(request, pk: int, fmt: str):
    period = _readable_or_404(request.user, pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    body, content_type, name = services.comments_export(by=request.user, period=period, fmt=fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def period_new(request):
    guidelines = list(access.guidelines_run(request.user).select_related("programme"))
    if not guidelines:
        raise Http404
    form = PeriodForm(request.POST or None, guidelines=guidelines)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        guideline = next(g for g in guidelines if g.pk == data["guideline"])
        try:
            services.period_create(by=request.user, guideline=guideline, title=data["title"], intro=data["intro"],
                                   opens_at=data["opens_at"], closes_at=data["closes_at"])
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("The comment period is saved."))
            return redirect("consultations:manage")
    return render(request, "consultations/period_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_POST
def period_close(request, pk: int):
    period = CommentPeriod.objects.filter(pk=pk, guideline__in=access.guidelines_run(request.user)).first()
    if period is None:
        raise Http404
    try:
        services.period_close(by=request.user, period=period)
        messages.success(request, _("The comment period is closed."))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return redirect("consultations:manage")
