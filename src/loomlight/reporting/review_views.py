"""The review list (months awaiting verification, with bulk actions) and "Submit complete months".

Thin: parse (review_forms), authorise (policy), call ``reporting.bulk`` or a selector, render. A bulk action's
result is kept in the session until the page it concerns shows it, at the top of its list.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from loomlight.registry import policy
from loomlight.registry.countries import country_name
from loomlight.registry.models import DataKind, IndustrialPark
from loomlight.registry.policy import Action
from loomlight.reporting import bulk, selectors
from loomlight.reporting.review_forms import BulkActionForm, ReviewFilterForm
from loomlight.site.forms import errors_onto_form
from loomlight.site.lookups import data_year, facility_with_data

#: the session key of a bulk action's result, until the page it concerns shows it
RESULT_KEY = "loomlight_bulk_result"


def _keep(request, where: str, result: bulk.BulkResult) -> None:
    request.session[RESULT_KEY] = {"where": where, **result.as_dict()}


def shown_result(request, where: str) -> dict | None:
    """The result of the bulk action that redirected to ``where`` (once), or None."""
    kept = request.session.get(RESULT_KEY)
    if kept and kept.get("where") == where:
        del request.session[RESULT_KEY]
        return kept
    return None


@login_required
def review(request):
    """Months of the facilities the viewer may verify, oldest first, filterable; ticked rows are verified,
    returned with a comment or reopened with a reason (``reporting.bulk``), each month by its own service."""
    verifiable = policy.facilities_verifiable(request.user)
    facilities = list(verifiable.order_by("name", "pk").values_list("pk", "name"))
    if not facilities:
        raise PermissionDenied
    action_form = BulkActionForm(request.POST or None)
    if request.method == "POST" and action_form.is_valid():
        data = action_form.cleaned_data
        try:
            if data["action"] == bulk.VERIFY:
                result = bulk.months_verify(by=request.user, months=data["months"])
            elif data["action"] == bulk.RETURN:
                result = bulk.months_return(by=request.user, months=data["months"], comment=data["comment"])
            else:
                result = bulk.months_reopen(by=request.user, months=data["months"], reason=data["comment"])
        except ValidationError as exc:
            errors_onto_form(action_form, exc)
        else:
            _keep(request, "review", result)
            return redirect(request.get_full_path())
    parks = list(IndustrialPark.objects.filter(pk__in=verifiable.values("park_id")).order_by("name", "pk")
                 .values_list("pk", "name"))
    countries = sorted(((c, country_name(c)) for c in verifiable.exclude(country="").order_by()
                        .values_list("country", flat=True).distinct()), key=lambda c: c[1])
    filter_form = ReviewFilterForm(request.GET, facilities=facilities, parks=parks, countries=countries)
    filters = filter_form.filters()
    page = Paginator(selectors.review_months(request.user, **filters), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter_form": filter_form, "action_form": action_form, "state": filters["state"], "page": page,
        "rows": selectors.review_rows(page.object_list), "result": shown_result(request, "review"),
        "max_months": bulk.MAX_MONTHS,
    }
    response = render(request, "reporting/review.html", context)
    if request.method == "POST":
        response.status_code = 400
    return response


def submit_complete_context(request, facility, year: int, can_enter: bool) -> dict:
    """What the facility-year page's "Submit complete months" shows (``reporting/_submit_complete.html``)."""
    if not can_enter:
        return {}
    where = f"facility:{facility.pk}:{year}"
    return {"submittable": bulk.submittable(facility, year), "submit_result": shown_result(request, where)}


@login_required
@require_POST
def submit_complete(request, pk, year):
    """Submit the facility's complete months of ``year``; the incomplete are named, month by month."""
    facility = facility_with_data(request.user, pk, DataKind.ENVIRONMENTAL, action=Action.ENTER_DATA)
    year = data_year(year)
    result = bulk.months_submit_complete(by=request.user, facility=facility, year=year)
    _keep(request, f"facility:{facility.pk}:{year}", result)
    return redirect(f"{reverse('reporting:facility_year', args=[facility.pk, year])}#submit-complete")
