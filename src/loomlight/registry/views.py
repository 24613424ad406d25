"""Registry pages. Thin: parse, authorise (policy), call a service or selector, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_POST

from loomlight.audit.describe import describe
from loomlight.audit.selectors import audit_events_for
from loomlight.registry import policy, selectors, services
from loomlight.registry.countries import country_choices
from loomlight.registry.forms import ConsentForm, FacilityForm, OrganisationForm, ParkForm, SharedFacilityForm
from loomlight.registry.models import (
    DataKind,
    Facility,
    IndustrialPark,
    Organisation,
    OrganisationKind,
    Process,
    SharedDataKind,
    SharedFacility,
)
from loomlight.registry.policy import Action
from loomlight.site.forms import submit


def _visible_or_404(queryset, pk):
    """The object if the user may see it; otherwise 404, the same as a missing id."""
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _editable(request, obj):
    """The object if the user may edit it: 404 when they may not even see it, 403 when only see."""
    if not policy.can(request.user, Action.VIEW, obj):
        raise Http404
    if not policy.can(request.user, Action.EDIT, obj):
        raise PermissionDenied
    return obj


def _page(request, queryset):
    return Paginator(queryset, settings.PAGE_SIZE).get_page(request.GET.get("page"))


def _list_template(request, full: str, partial: str) -> str:
    return partial if request.headers.get("HX-Request") else full


def _edit(request, *, model, pk, visible, form_class, create, update, detail, titles, form_kwargs=None):
    """The create/edit page of a registry record: authorise, show the form, call the service.

    ``create(data)`` and ``update(obj, data)`` are the service calls; the form gets its
    own copy of the record, because a ModelForm writes into its instance while it validates.
    """
    user = request.user
    if pk is None:
        if not policy.can(user, Action.CREATE, model):
            raise PermissionDenied
        obj, form_instance = None, model()
    else:
        obj = _editable(request, _visible_or_404(visible, pk))
        form_instance = model.objects.get(pk=pk)
    form = form_class(request.POST or None, instance=form_instance, **(form_kwargs or {}))
    if request.method == "POST":
        write = create if obj is None else (lambda data: update(obj, data))
        saved = submit(form, write, form_class.Meta.fields)
        if saved:
            messages.success(request, _("Saved."))
            return redirect(detail, pk=saved.pk)
    return render(request, "registry/form.html", {"form": form, "object": obj, "title": titles[obj is None]})


# --- facilities ---------------------------------------------------------------

@login_required
def facility_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("search", "country", "park", "process", "tier")}
    page = _page(request, selectors.facility_list(request.user, **filters))
    context = {
        "page": page,
        "filters": filters,
        "countries": country_choices(),
        "parks": policy.parks_visible(request.user).order_by("name"),
        "processes": Process.choices,
        "can_create": policy.can(request.user, Action.CREATE, Facility),
    }
    return render(request, _list_template(request, "registry/facility_list.html", "registry/_facility_table.html"), context)


@login_required
def facility_detail(request, pk):
    facility = _visible_or_404(policy.facilities_visible(request.user).select_related("park", "organisation"), pk)
    user = request.user
    context = {
        "facility": facility,
        "shared_services": facility.shared_services.select_related("park"),
        "can_edit": policy.can(user, Action.EDIT, facility),
        "can_manage_consent": policy.can(user, Action.MANAGE_CONSENT, facility),
        "consents": selectors.consents_shown(user, policy.consents_visible(user).filter(facility=facility).select_related(
            "grantee", "granted_by", "revoked_by")),
        "audit_events": describe(audit_events_for(user, facility).select_related("actor", "facility", "park")[:20]),
        "can_view_audit_trail": policy.can(user, Action.VIEW_AUDIT, facility),
        "next_steps": _next_steps(user, facility),
    }
    return render(request, "registry/facility_detail.html", context)


def _next_steps(user, facility):
    """What this viewer should do next about the facility's monthly data (``reporting.month.next_steps``): None
    for a viewer who neither enters nor verifies its data, else the steps (empty: nothing to do)."""
    from loomlight.reporting.month import next_steps
    from loomlight.site import periods as clock

    if not policy.can_view_data(user, facility, DataKind.ENVIRONMENTAL):
        return None
    can_enter, can_verify = policy.can(user, Action.ENTER_DATA, facility), policy.can(user, Action.VERIFY, facility)
    if not (can_enter or can_verify):
        return None
    return next_steps(facility, today=clock.today(), deadline_day=clock.deadline_day(), can_enter=can_enter,
                      can_verify=can_verify)


@login_required
def facility_edit(request, pk=None):
    user = request.user
    return _edit(
        request, model=Facility, pk=pk, visible=policy.facilities_visible(user), form_class=FacilityForm,
        form_kwargs={"user": user},
        create=lambda data: services.facility_create(by=user, data=data),
        update=lambda facility, data: services.facility_update(by=user, facility=facility, data=data),
        detail="registry:facility", titles={False: _("Edit facility"), True: _("New facility")},
    )


# --- parks --------------------------------------------------------------------

@login_required
def park_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("search", "country")}
    page = _page(request, selectors.park_list(request.user, **filters))
    context = {"page": page, "filters": filters, "countries": country_choices(), "can_create": policy.can(request.user, Action.CREATE, IndustrialPark)}
    return render(request, _list_template(request, "registry/park_list.html", "registry/_park_table.html"), context)


def _rate_link(user) -> bool:
    from loomlight.reporting.rate import may_open   # the reporting rate of the park's tenants (reporting:rate)

    return may_open(user)


@login_required
def park_detail(request, pk):
    user = request.user
    park = _visible_or_404(policy.parks_visible(user).select_related("operator"), pk)
    visible_ids = set(policy.facilities_visible(user).filter(park=park).values_list("pk", flat=True))
    shared_facilities = list(park.shared_facilities.prefetch_related("serves"))
    for shared in shared_facilities:   # whom it serves, of the facilities this user sees
        shared.visible_serves = [f for f in shared.serves.all() if f.pk in visible_ids]
    context = {
        "park": park,
        "facilities": policy.facilities_visible(user).filter(park=park).order_by("name"),
        "shared_facilities": shared_facilities,
        "readable_shared_ids": set(policy.shared_facilities_with_data(user).filter(park=park).values_list("pk", flat=True)),
        # the park's wastewater exceedances: linked for those who read some of its sites' results
        "wastewater_readable": policy.shared_facilities_with_data(user).filter(park=park).exists()
        or policy.facilities_with_data(user, DataKind.WASTEWATER).filter(park=park).exists(),
        "can_share": policy.can(user, Action.MANAGE_CONSENT, SharedFacility(park=park)),
        "shared_consents": policy.shared_consents_visible(user).filter(shared_facility__park=park)
                                 .select_related("shared_facility", "grantee", "granted_by"),
        "can_edit": policy.can(user, Action.EDIT, park),
        "audit_events": describe(audit_events_for(user, park).select_related("actor", "facility", "park")[:20]),
        "rate_link": _rate_link(user),
    }
    return render(request, "registry/park_detail.html", context)


@login_required
def park_edit(request, pk=None):
    user = request.user
    return _edit(
        request, model=IndustrialPark, pk=pk, visible=policy.parks_visible(user), form_class=ParkForm,
        form_kwargs={"user": user},
        create=lambda data: services.park_create(by=user, data=data),
        update=lambda park, data: services.park_update(by=user, park=park, data=data),
        detail="registry:park", titles={False: _("Edit industrial park"), True: _("New industrial park")},
    )


@login_required
def shared_facility_edit(request, park_pk, pk=None):
    user = request.user
    park = _visible_or_404(policy.parks_visible(user), park_pk)
    if pk is None:
        if not policy.can(user, Action.CREATE, park):
            raise PermissionDenied
        shared, form_instance = None, SharedFacility(park=park)
    else:
        shared = _editable(request, _visible_or_404(SharedFacility.objects.filter(park=park), pk))
        form_instance = SharedFacility.objects.get(pk=pk)
    form = SharedFacilityForm(request.POST or None, instance=form_instance, park=park)
    if request.method == "POST":
        fields = SharedFacilityForm.Meta.fields

        def write(data):
            serves = form.cleaned_data.get("serves", [])
            if shared is None:
                return services.shared_facility_create(by=user, park=park, data=data, serves=serves)
            return services.shared_facility_update(by=user, shared=shared, data=data, serves=serves)

        if submit(form, write, fields):
            messages.success(request, _("Saved."))
            return redirect("registry:park", pk=park.pk)
    title = _("Edit shared facility") if shared else _("New shared facility")
    return render(request, "registry/form.html", {"form": form, "object": shared, "title": title, "back": park})


# --- organisations --------------------------------------------------------------

@login_required
def organisation_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("search", "kind")}
    page = _page(request, selectors.organisation_list(request.user, **filters))
    context = {"page": page, "filters": filters, "kinds": OrganisationKind.choices, "can_create": policy.can(request.user, Action.CREATE, Organisation)}
    return render(request, _list_template(request, "registry/organisation_list.html", "registry/_organisation_table.html"), context)


@login_required
def organisation_detail(request, pk):
    user = request.user
    organisation = _visible_or_404(policy.organisations_visible(user), pk)
    context = {
        "organisation": organisation,
        "facilities": policy.facilities_visible(user).filter(organisation=organisation).order_by("name"),
        "parks": policy.parks_visible(user).filter(operator=organisation).order_by("name"),
        "can_edit": policy.can(user, Action.EDIT, organisation),
        "audit_events": describe(audit_events_for(user, organisation).select_related("actor", "facility", "park")[:20]),
    }
    return render(request, "registry/organisation_detail.html", context)


@login_required
def organisation_edit(request, pk=None):
    user = request.user
    return _edit(
        request, model=Organisation, pk=pk, visible=policy.organisations_visible(user), form_class=OrganisationForm,
        create=lambda data: services.organisation_create(by=user, data=data),
        update=lambda organisation, data: services.organisation_update(by=user, organisation=organisation, data=data),
        detail="registry:organisation", titles={False: _("Edit organisation"), True: _("New organisation")},
    )


# --- consent ----------------------------------------------------------------------

@login_required
def consent_grant(request, pk):
    user = request.user
    facility = _visible_or_404(policy.facilities_visible(user), pk)
    if not policy.can(user, Action.MANAGE_CONSENT, facility):
        raise PermissionDenied
    form = ConsentForm(request.POST or None)
    if request.method == "POST":
        saved = submit(form, lambda data: services.consent_grant(by=user, facility=facility, **data),
                       ["grantee", "data_kinds", "valid_from", "valid_until"])
        if saved:
            messages.success(request, _("Consent recorded."))
            return redirect("registry:facility", pk=facility.pk)
    return render(request, "registry/form.html", {"form": form, "object": None, "title": _("Share data with a brand or financier"), "back": facility})


def _revoke(request, consents, pk):
    """Revoke a consent the user sees (404 otherwise) and may revoke (403 otherwise); a revoked one stays so."""
    consent = _visible_or_404(consents, pk)
    if not policy.can(request.user, Action.EDIT, consent):
        raise PermissionDenied
    if consent.revoked_at is None:
        services.consent_revoke(by=request.user, consent=consent)
        messages.success(request, _("Consent revoked."))
    return consent


@login_required
@require_POST
def consent_revoke(request, pk):
    consent = _revoke(request, policy.consents_visible(request.user).select_related("facility"), pk)
    return redirect("registry:facility", pk=consent.facility_id)


@login_required
def shared_consent_grant(request, park_pk, pk):
    """The park operator shares a shared facility's lab results with a brand or financier."""
    user = request.user
    shared = _visible_or_404(policy.shared_facilities_visible(user).filter(park_id=park_pk), pk)
    if not policy.can(user, Action.MANAGE_CONSENT, shared):
        raise PermissionDenied
    form = ConsentForm(request.POST or None, kinds=SharedDataKind)
    if request.method == "POST":
        saved = submit(form, lambda data: services.shared_consent_grant(by=user, shared_facility=shared, **data),
                       ["grantee", "data_kinds", "valid_from", "valid_until"])
        if saved:
            messages.success(request, _("Consent recorded."))
            return redirect("registry:park", pk=shared.park_id)
    return render(request, "registry/form.html", {
        "form": form, "object": None, "back": shared.park,
        "title": _("Share the results of %(name)s with a brand or financier") % {"name": shared.name}})


@login_required
@require_POST
def shared_consent_revoke(request, pk):
    consent = _revoke(request, policy.shared_consents_visible(request.user).select_related("shared_facility"), pk)
    return redirect("registry:park", pk=consent.shared_facility.park_id)


@login_required
def consent_list(request):
    consents = policy.consents_visible(request.user).select_related("facility", "grantee", "granted_by")
    page = _page(request, consents.order_by("-granted_at", "-pk"))
    page.object_list = selectors.consents_shown(request.user, page.object_list)
    return render(request, "registry/consent_list.html", {"page": page})


# --- map --------------------------------------------------------------------------

@login_required
def map_page(request):
    return render(request, "registry/map.html", {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION})


@login_required
@gzip_page
def map_data(request):
    return JsonResponse(selectors.map_points(request.user), json_dumps_params={"separators": (",", ":"), "ensure_ascii": False})
