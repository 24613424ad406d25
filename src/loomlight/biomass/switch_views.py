"""The facility's fuel-switch page (``/biomass/switch/?facility=<id>``): pre-filled from its reported boiler fuel,
computed by ``biomass.document.switch_document``, and its main action, "Open a business case".

Who may open it: who may create a business case for the facility (``interventions.access.can_create``): its
managers (and its group's) and the programme's admins; others who read the facility's business cases get 403 (its data entry, a brand with consent), the rest
404 (the same rule as the case builder, ``interventions.views.case_new``). Thin: parse, authorise, call, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from loomlight.biomass import switch
from loomlight.interventions import access, services
from loomlight.registry.models import DataKind
from loomlight.site.lookups import facility_with_data


def _facility(request):
    raw = request.GET.get("facility") or request.POST.get("facility", "")
    if not raw.isdigit():
        raise Http404
    facility = facility_with_data(request.user, int(raw), DataKind.BUSINESS_CASES)
    if not access.can_create(request.user, facility):
        raise PermissionDenied
    return facility


def _supply(facility, code: str) -> dict:
    """The facility's supply streams of the biomass chosen, with the distance along their chains [km] where every
    step records it; whether the supply within a radius could sustain the switch needs the tonnes a source can
    supply, which no supply data record yet (said on the page)."""
    from loomlight.biomass.models import SupplyStream

    streams = []
    for stream in SupplyStream.objects.filter(facility=facility, biomass_type=code, active=True).select_related("supplier").prefetch_related("steps"):
        steps = list(stream.steps.all())
        distances = [s.distance_km for s in steps[:-1]] if len(steps) > 1 else []
        known = bool(distances) and all(d is not None for d in distances)
        streams.append({"stream": stream, "distance_km": sum(distances) if known else None})
    return {"streams": streams, "available": False}


@login_required
def switch_page(request):
    from loomlight.interventions.baseline import baseline_for

    facility = _facility(request)
    base = baseline_for(facility)
    prefilled = switch.prefill(facility, base)
    posted = request.method == "POST"
    opening = posted and request.POST.get("action") == "open_case"
    form = switch.SwitchForm(request.POST if posted else None, fuels=switch.fuel_choices(prefilled),
                             initial=prefilled["initial"])
    doc = out = None
    case_form = None
    if posted and form.is_valid():
        doc, out = switch.evaluate(form, facility, base.year)
    if out is not None:
        case_form = switch.CaseForm(request.POST if opening else None,
                                    initial={"title": switch.default_title(form.cleaned_data, facility),
                                             "lifetime_years": 15, "discount_rate": 10})
        if opening and case_form.is_valid():
            try:
                case = services.case_create(by=request.user, facility=facility,
                                            intervention=switch.SWITCH_INTERVENTION,
                                            title=case_form.cleaned_data["title"], baseline_year=base.year,
                                            document=switch.case_input(doc, out, case_form.cleaned_data))
            except ValidationError as exc:
                for field, texts in exc.message_dict.items():
                    for text in texts:
                        case_form.add_error(field if field in case_form.fields else None, text)
            else:
                messages.success(request, _("The business case is opened from the fuel switch."))
                return redirect("interventions:detail", case.pk)
    return render(request, "biomass/switch/page.html", {
        "facility": facility, "baseline": base, "row": prefilled["row"], "metric": prefilled["metric"],
        "form": form, "case_form": case_form, "out": out,
        "figures": switch.figures(out) if out else [], "particulates": switch.particulates(out) if out else [],
        "flags": switch.flags(out) if out else [], "ncv_source": switch.ncv_source(out) if out else {},
        "supply": _supply(facility, form.cleaned_data["biomass_type"]) if out else None,
        "intervention": switch.SWITCH_INTERVENTION,
        "biomass_name": switch.type_label(form.cleaned_data["biomass_type"]) if out else "",
        "fuel_name": switch.fuel_label(form.cleaned_data["from_metric"]) if out else "",
    })
