from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from loomlight.registry import selectors


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def home(request):
    """The user's work first (``work.queues.for_user``: each role's queues), then what they can see and do."""
    from loomlight.site.periods import today
    from loomlight.work import queues

    context = selectors.home_summary(request.user)
    context["queues"] = queues.for_user(request.user, today=today())
    from loomlight.consultations import access as consultations
    from loomlight.registry import policy

    # the public comment periods: for the programme admins who run them (and the operator); none else asks
    context["runs_consultations"] = bool(("programme_admin" in policy.roles(request.user) or request.user.is_superuser)
                                         and consultations.guidelines_run(request.user).exists())
    return render(request, "site/home.html", context)


@login_required
def account(request):
    """The user's roles and personal API tokens (issue, revoke)."""
    from django.contrib import messages
    from django.shortcuts import get_object_or_404, redirect
    from django.utils.translation import gettext as _

    from loomlight.api.models import ApiToken
    from loomlight.api.services import api_token_issue, api_token_revoke
    from loomlight.registry import policy

    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token = get_object_or_404(ApiToken, pk=request.POST.get("revoke"), user=request.user)
            api_token_revoke(token=token, by=request.user)
            messages.success(request, _("Token revoked."))
            return redirect("account")
        name = request.POST.get("name", "").strip()
        if not name:
            messages.error(request, _("Give the token a name."))
        else:
            _token, new_token = api_token_issue(user=request.user, name=name[:100])
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(request, "site/account.html", {"tokens": tokens, "new_token": new_token, "memberships": policy.memberships(request.user)})
