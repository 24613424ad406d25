"""Wastewater pages. Thin: parse, authorise (policy), call a service or selector, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from loomlight.registry import policy
from loomlight.registry.models import DataKind
from loomlight.registry.policy import Action
from loomlight.site.forms import errors_onto_form
from loomlight.site.lookups import facility_with_data
from loomlight.wastewater import selectors, services
from loomlight.wastewater.forms import EventForm, ResultForm
from loomlight.wastewater.models import SamplingEvent, SamplingPoint


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


def _site_page(request, *, site, needed, shown, trended, facility=None, shared=None):
    """The wastewater page of a facility or a central plant: the latest compliance at the ``shown``
    sampling points, the trend at the ``trended`` ones, the events, and the form for those allowed."""
    can_enter = policy.can(request.user, needed, site)
    if request.method == "POST" and not can_enter:
        raise PermissionDenied
    form, event = _event_form(request, facility=facility, shared=shared)
    if event:
        return redirect("wastewater:event", pk=event.pk)
    events = site.sampling_events.all()
    return render(request, "wastewater/site.html", {
        "site": site, "facility": facility, "shared": shared, "events": events[:50], "form": form, "can_enter": can_enter,
        "compliance": [(e, selectors.event_compliance(e)) for e in selectors.latest_events(events, shown)],
        "trend": selectors.compliance_trend(events, trended),
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
        "event": event, "site": site, "form": form, "can_enter": can_enter, "compliance": selectors.event_compliance(event),
    })
