"""Wastewater pages. Thin: parse, authorise (policy), call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from loomlight.registry import policy
from loomlight.registry.models import DataKind
from loomlight.registry.policy import Action
from loomlight.site.forms import errors_onto_form
from loomlight.site.lookups import facility_with_data
from loomlight.wastewater import selectors, services
from loomlight.evidence.models import EvidenceKind
from loomlight.evidence.services import evidence_attach
from loomlight.reference import discharge as discharge_reference
from loomlight.reference.wastewater import parameters
from loomlight.registry.models import SharedFacility, SharedFacilityKind
from loomlight.wastewater.forms import BoundsForm, DischargeForm, EventForm, IntakeForm, PermitEvidenceForm, PermitForm, ResultForm
from loomlight.wastewater.models import Discharge, DischargePermit, DischargeRoute, SamplingEvent, SamplingPoint
from loomlight.wastewater.rules import LEGAL_POINTS, SiteRules


def _facility(request, pk):
    return facility_with_data(request.user, pk, DataKind.WASTEWATER)


def _shared(request, pk):
    """The shared facility ``pk`` when the user may read its results (a brand or financier only by the park
    operator's consent, never through a tenant's); 404 otherwise."""
    shared = policy.shared_facilities_with_data(request.user).filter(pk=pk).first()
    if shared is None:
        raise Http404
    return shared


def _site_for(request, event: SamplingEvent):
    """The event's facility or shared facility, if the user may read it (404 otherwise)."""
    if event.facility_id:
        return _facility(request, event.facility_id), Action.ENTER_DATA
    return _shared(request, event.shared_facility_id), Action.EDIT


def _event_form(request, *, facility=None, shared=None):
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = services.sampling_event_create(by=request.user, facility=facility, shared_facility=shared, **form.cleaned_data)
        except ValidationError as exc:
            errors_onto_form(form, exc)
        else:
            return form, event
    return form, None


#: How many sampling events the exceedance list of a page reads (the newest).
EXCEEDANCE_EVENTS = 60


def _site_page(request, *, site, needed, shown, trended, facility=None, shared=None):
    """The wastewater page of a facility or a central plant: where it discharges and its permits, the latest
    compliance at the ``shown`` sampling points against every set of limits that applies, the exceedances,
    the trend at the ``trended`` ones, the events, and the form for those allowed."""
    can_enter = policy.can(request.user, needed, site)
    if request.method == "POST" and not can_enter:
        raise PermissionDenied
    form, event = _event_form(request, facility=facility, shared=shared)
    if event:
        return redirect("wastewater:event", pk=event.pk)
    events = site.sampling_events.all()
    rules = SiteRules(facility=facility, shared=shared)
    key = ("facility", facility.pk) if facility else ("shared", shared.pk)
    judged = events.filter(sampling_point__in=LEGAL_POINTS).prefetch_related("results")[:EXCEEDANCE_EVENTS]
    return render(request, "wastewater/site.html", {
        "site": site, "facility": facility, "shared": shared, "events": events[:50], "form": form, "can_enter": can_enter,
        "can_edit": policy.can(request.user, Action.EDIT, site), "rules": rules,
        "park_id": park.pk if (park := (facility.park if facility else shared.park)) and policy.can(request.user, Action.VIEW, park) else None,
        "tenant_plant": (d.cetp if (d := rules.current()) and d.cetp_id and policy.can(request.user, Action.VIEW, d.cetp) else None),
        "can_see_intake": shared is not None and shared.kind == SharedFacilityKind.CETP and policy.can(request.user, Action.VIEW, shared),
        "compliance": [(e, selectors.compliance(e, rules)) for e in selectors.latest_events(events, shown)],
        "exceedances": selectors.exceedances(judged, {key: rules}),
        "trend": selectors.rules_trend(events, trended, rules),
    })


@login_required
def facility_wastewater(request, pk):
    facility = _facility(request, pk)
    points = [SamplingPoint.DISCHARGE, SamplingPoint.TREATED]
    return _site_page(request, site=facility, needed=Action.ENTER_DATA, shown=points, trended=points, facility=facility)


@login_required
def shared_wastewater(request, pk):
    shared = _shared(request, pk)
    return _site_page(request, site=shared, needed=Action.EDIT, shown=[SamplingPoint.CETP_INFLOW, SamplingPoint.CETP_OUTFLOW],
                      trended=[SamplingPoint.CETP_OUTFLOW], shared=shared)


@login_required
def event_detail(request, pk):
    event = SamplingEvent.objects.filter(pk=pk).select_related("facility", "shared_facility").first()
    if event is None:
        raise Http404
    site, needed = _site_for(request, event)
    can_enter = policy.can(request.user, needed, site)
    form = ResultForm(request.POST or None)
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.lab_result_set(by=request.user, event=event, **form.cleaned_data)
            except ValidationError as exc:
                errors_onto_form(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("wastewater:event", pk=event.pk)
    return render(request, "wastewater/event.html", {
        "event": event, "site": site, "form": form, "can_enter": can_enter, "compliance": selectors.compliance(event),
    })


# --- where a site discharges, its permits, a central plant's intake limits, a park's exceedances ----------

def _editable_site(request, *, facility_pk=None, shared_pk=None):
    """(facility, shared, site) for the discharge pages: readable (404 otherwise) and editable (403 otherwise)."""
    if facility_pk is not None:
        facility = facility_with_data(request.user, facility_pk, DataKind.WASTEWATER, action=Action.EDIT)
        return facility, None, facility
    shared = _shared(request, shared_pk)
    if not policy.can(request.user, Action.EDIT, shared):
        raise PermissionDenied
    return None, shared, shared


def _back(facility, shared):
    return redirect("wastewater:facility", pk=facility.pk) if facility else redirect("wastewater:shared", pk=shared.pk)


def _discharge_page(request, facility, shared, site):
    country = facility.country if facility else shared.park.country
    plants = None
    if facility is not None:
        plants = SharedFacility.objects.filter(park_id=facility.park_id, kind=SharedFacilityKind.CETP) if facility.park_id else SharedFacility.objects.none()
    current = SiteRules(facility=facility, shared=shared).current()
    initial = {}
    if current is not None:
        initial = {"route": current.route, "receiving_water": current.receiving_water, "receiving_class": current.receiving_class,
                   "cetp": current.cetp_id, "operating_since": current.operating_since}
    classes = sorted({c for route in DischargeRoute.values for c in discharge_reference.receiving_classes(country, route)})
    form = DischargeForm(request.POST or None, initial=initial, plants=plants, classes=classes)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.discharge_set(by=request.user, facility=facility, shared_facility=shared, **data)
        except ValidationError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return _back(facility, shared)
    site_filter = {"facility": facility} if facility else {"shared_facility": shared}
    return render(request, "wastewater/discharge.html", {
        "site": site, "facility": facility, "shared": shared, "form": form,
        "history": Discharge.objects.filter(**site_filter).select_related("cetp").order_by("-valid_from", "-pk"),
    })


@login_required
def facility_discharge(request, pk):
    return _discharge_page(request, *_editable_site(request, facility_pk=pk))


@login_required
def shared_discharge(request, pk):
    return _discharge_page(request, *_editable_site(request, shared_pk=pk))


def _permit_new(request, facility, shared, site):
    form = PermitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            permit = services.permit_save(by=request.user, facility=facility, shared_facility=shared, **form.cleaned_data)
        except ValidationError as exc:
            errors_onto_form(form, exc)
        else:
            return redirect("wastewater:permit", pk=permit.pk)
    return render(request, "wastewater/permit_new.html", {"site": site, "facility": facility, "shared": shared, "form": form})


@login_required
def facility_permit_new(request, pk):
    return _permit_new(request, *_editable_site(request, facility_pk=pk))


@login_required
def shared_permit_new(request, pk):
    return _permit_new(request, *_editable_site(request, shared_pk=pk))


def _permit_for(request, pk) -> tuple[DischargePermit, object, bool]:
    """The permit ``pk`` if its site's wastewater data are readable (404 otherwise), and whether it is editable."""
    permit = DischargePermit.objects.filter(pk=pk).select_related("facility", "shared_facility__park").first()
    if permit is None:
        raise Http404
    site = _facility(request, permit.facility_id) if permit.facility_id else _shared(request, permit.shared_facility_id)
    return permit, site, policy.can(request.user, Action.EDIT, site)


@login_required
def permit_detail(request, pk):
    permit, site, can_edit = _permit_for(request, pk)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    # a file is evidence of the facility's data: attached by those who enter them (its manager, its data entry)
    can_attach = bool(permit.facility_id) and policy.can(request.user, Action.ENTER_DATA, permit.facility)
    edit = PermitForm(request.POST if request.POST.get("form") == "permit" else None, initial={
        "number": permit.number, "issuing_body": permit.issuing_body, "issued_on": permit.issued_on, "valid_until": permit.valid_until},
        prefix="permit")
    limit = BoundsForm(request.POST if request.POST.get("form") == "limit" else None, prefix="limit")
    upload = PermitEvidenceForm(request.POST if request.POST.get("form") == "evidence" else None, request.FILES or None, prefix="evidence")
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "permit" and edit.is_valid():
                services.permit_save(by=request.user, permit=permit, **edit.cleaned_data)
            elif which == "limit" and limit.is_valid():
                services.permit_limit_set(by=request.user, permit=permit, **limit.cleaned_data)
            elif which == "evidence" and upload.is_valid() and can_attach:
                evidence_attach(by=request.user, facility=permit.facility, kind=EvidenceKind.PERMIT, uploaded=upload.cleaned_data["file"],
                                discharge_permit=permit)
            elif which == "delete_limit":
                row = permit.limits.filter(pk=request.POST.get("limit")).first()
                if row is None:
                    raise Http404
                services.permit_limit_delete(by=request.user, limit=row)
            elif which == "delete":
                services.permit_delete(by=request.user, permit=permit)
                messages.success(request, _("Deleted."))
                return _back(permit.facility, permit.shared_facility)
            else:
                raise ValidationError("")
        except ValidationError as exc:
            form = {"permit": edit, "limit": limit, "evidence": upload}.get(which)
            if form is not None and exc.messages != [""]:
                errors_onto_form(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("wastewater:permit", pk=permit.pk)
    names = parameters()
    return render(request, "wastewater/permit.html", {
        "permit": permit, "site": site, "can_edit": can_edit, "can_attach": can_attach, "edit": edit, "limit": limit,
        "upload": upload,
        "limits": [(row, gettext(names[row.parameter].name) if row.parameter in names else row.parameter, selectors.limit_text(row))
                   for row in permit.limits.all()],
        "evidence": permit.evidence.all(),
    })


@login_required
def intake_limits(request, pk):
    """A central plant's intake limits for its tenants: read by those who see its park, set by its operator."""
    plant = SharedFacility.objects.filter(pk=pk, kind=SharedFacilityKind.CETP).select_related("park").first()
    if plant is None or not policy.can(request.user, Action.VIEW, plant):
        raise Http404
    can_edit = policy.can(request.user, Action.EDIT, plant)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied
    form = IntakeForm(request.POST if request.POST.get("form") == "intake" else None)
    if request.method == "POST":
        if request.POST.get("form") == "delete":
            row = plant.intake_limits.filter(pk=request.POST.get("limit")).first()
            if row is None:
                raise Http404
            services.intake_limit_delete(by=request.user, limit=row)
            messages.success(request, _("Deleted."))
            return redirect("wastewater:intake", pk=plant.pk)
        if form.is_valid():
            try:
                services.intake_limit_set(by=request.user, cetp=plant, **form.cleaned_data)
            except ValidationError as exc:
                errors_onto_form(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("wastewater:intake", pk=plant.pk)
    names = parameters()
    rows = [(row, gettext(names[row.parameter].name) if row.parameter in names else row.parameter, selectors.limit_text(row))
            for row in plant.intake_limits.all().order_by("parameter", "-valid_from")]
    return render(request, "wastewater/intake.html", {"plant": plant, "rows": rows, "form": form, "can_edit": can_edit})


@login_required
def park_exceedances(request, pk):
    """A park's exceedances: its tenants' (those whose wastewater data the user may read) and its central
    plants', newest first, each against every set of limits that applies."""
    park = policy.parks_visible(request.user).filter(pk=pk).first()
    if park is None:
        raise Http404
    facilities = list(policy.facilities_with_data(request.user, DataKind.WASTEWATER).filter(park=park))
    plants = list(policy.shared_facilities_with_data(request.user).filter(park=park).select_related("park"))
    rules = SiteRules.many(facilities=facilities, plants=plants)
    events = (SamplingEvent.objects.filter(Q(facility__in=facilities) | Q(shared_facility__in=plants), sampling_point__in=LEGAL_POINTS)
              .select_related("facility", "shared_facility").prefetch_related("results").order_by("-sampled_on", "-pk")[:PARK_EVENTS])
    pairs = selectors.judged(events, rules)
    found = selectors.exceedances(pairs)
    by_site: dict[str, int] = {}
    for x in found:
        by_site[x["site"]] = by_site.get(x["site"], 0) + 1   # results outside a limit
    return render(request, "wastewater/park.html", {
        "park": park, "exceedances": found, "show_site": True, "by_site": sorted(by_site.items(), key=lambda kv: (-kv[1], kv[0])),
        "sites": len(facilities) + len(plants), "events_read": PARK_EVENTS, "monthly": selectors.monthly_compliance(pairs),
    })


#: How many of a park's newest sampling events its exceedance page reads.
PARK_EVENTS = 400
