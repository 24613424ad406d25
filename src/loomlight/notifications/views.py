"""The user's own notifications and their settings: thin views over selectors and services."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loomlight.notifications import selectors, services
from loomlight.notifications.models import Channel, Kind, NotificationSettings


@login_required
def notification_list(request):
    items = selectors.user_notifications(request.user)
    return render(request, "notifications/list.html", {"items": items, "unread": sum(i.unread for i in items)})


@login_required
@require_POST
def notification_mark_read(request):
    raw = request.POST.get("notification", "")
    if raw and not raw.isdigit():
        messages.error(request, _("Notification: not a notification number."))
        return redirect("notifications:list")
    changed = services.notification_read(by=request.user, notification_id=int(raw) if raw else None)
    if not raw:
        messages.success(request, _("All notifications marked as read."))
    elif not changed:
        messages.info(request, _("Nothing to mark: it is read already, or not yours."))
    return redirect("notifications:list")


@login_required
def notification_settings(request):
    saved = NotificationSettings.objects.filter(user=request.user).first()
    off = set(saved.off) if saved else set()
    language = saved.language if saved else ""
    if request.method == "POST":
        chosen_on = set(request.POST.getlist("on"))
        new_off = [f"{k}:{c}" for k in Kind.values for c in Channel.values if f"{k}:{c}" not in chosen_on]
        try:
            services.notification_settings_set(by=request.user, off=new_off,
                                               language=request.POST.get("language", ""))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, _("Notification settings saved."))
            return redirect("notifications:settings")
    rows = [{"kind": kind, "label": label,
             "channels": [{"value": f"{kind}:{c}", "label": c_label, "on": f"{kind}:{c}" not in off}
                          for c, c_label in Channel.choices]}
            for kind, label in Kind.choices]
    return render(request, "notifications/settings.html", {
        "rows": rows, "language": language or "", "languages": settings.LANGUAGES, "channels": Channel.choices})
