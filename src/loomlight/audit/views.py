from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from loomlight.audit.selectors import audit_events_visible
from django.utils.translation import gettext_lazy as _

from loomlight.registry import policy

AUDITED_TYPES = [
    ("registry.facility", _("Facilities")),
    ("registry.industrialpark", _("Industrial parks")),
    ("registry.sharedfacility", _("Shared facilities")),
    ("registry.organisation", _("Organisations")),
    ("registry.consent", _("Consent")),
    ("registry.membership", _("Memberships")),
    ("auth.user", _("Logins and passwords")),
    ("accounts.address", _("Client addresses")),
]


@login_required
def audit_list(request):
    if not policy.can(request.user, policy.Action.VIEW_AUDIT):
        raise PermissionDenied
    events = audit_events_visible(request.user).select_related("actor")
    object_type = request.GET.get("type", "")
    if object_type:
        events = events.filter(object_type=object_type)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page, "object_type": object_type, "types": AUDITED_TYPES})
