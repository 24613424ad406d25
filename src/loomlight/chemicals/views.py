"""The chemical inventory page. Thin: parse, authorise (policy), call a service or selector, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from loomlight.chemicals import selectors, services
from loomlight.chemicals.forms import ProductForm, UseForm
from loomlight.chemicals.models import ChemicalProduct
from loomlight.registry import policy
from loomlight.registry.models import DataKind
from loomlight.registry.policy import Action
from loomlight.site.forms import errors_onto_form, submit
from loomlight.site import periods as clock
from loomlight.site.lookups import facility_with_data


@login_required
def facility_chemicals(request, pk, year=None):
    facility = facility_with_data(request.user, pk, DataKind.CHEMICALS)
    choice = clock.page_year(year, selectors.years_with_data(facility))
    year = choice.year
    can_enter = policy.can(request.user, Action.ENTER_DATA, facility)
    if request.method == "POST" and not can_enter:
        raise PermissionDenied
    is_use = request.method == "POST" and "product" in request.POST
    product_form = ProductForm(request.POST if request.method == "POST" and not is_use else None, instance=ChemicalProduct(facility=facility))
    use_form = UseForm(request.POST if is_use else None, facility=facility)
    if request.method == "POST":
        if is_use:
            if use_form.is_valid():
                data = use_form.cleaned_data
                try:
                    services.chemical_use_set(by=request.user, product=data["product"], period=datetime.date(year, data["month"], 1),
                                              value=data["value"], unit=data["unit"])
                except ValidationError as exc:
                    errors_onto_form(use_form, exc)
                else:
                    messages.success(request, _("Saved."))
                    return redirect("chemicals:facility_year", pk=facility.pk, year=year)
        elif submit(product_form, lambda data: services.chemical_product_save(by=request.user, facility=facility, data=data),
                    ProductForm.Meta.fields):
            messages.success(request, _("Saved."))
            return redirect("chemicals:facility_year", pk=facility.pk, year=year)
    return render(request, "chemicals/facility.html", {
        "facility": facility, "data": selectors.inventory(facility, year), "can_enter": can_enter,
        "product_form": product_form, "use_form": use_form, "choice": choice,
    })
