"""Pages of business cases: the viewer's cases, the case builder, one case (outputs explained, cash flows,
uncertainty, stage, measured savings), the abatement-cost curve and the finance pipeline.

Thin: authorise (``access.cases_visible``: 404 for what the reader may not see, 403 for what
they may read but not do), parse, call the service, render. Every figure comes from the case's stored result
(``document.evaluate_document`` run by the services); the tornado and the Monte Carlo are recomputed on the
page's request from the stored document, seeded, so they are the same on every visit.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loomlight.interventions import access, charts, exports, selectors, services
from loomlight.interventions.forms import CaseForm, document_field, initial_from_document, plain
from loomlight.interventions.baseline import monthly_grid_kwh
from loomlight.interventions.models import BusinessCase, Instrument, Stage
from loomlight.interventions.solar import summary
from loomlight.registry import policy
from loomlight.registry.models import DataKind, Facility, Organisation
from loomlight.site.lookups import facility_with_data

#: Metrics of the catalogue a case does not save but adds (own solar, certificates): not a saving line.
NOT_SAVED = ("electricity_solar_self_consumed", "rec_ppa", "rec_irec")
#: The catalogue's measures that take the rooftop-solar inputs (calc.solar) in the builder.
SOLAR_PV = ("rooftop_solar_pv",)
#: Measures of a park, not of one facility (built from the park: ``/cases/new/?park=<id>&intervention=...``).
PARK_ONLY = ("park_group_rooftop_solar",)


def _catalogue():
    from loomlight.reference.interventions import interventions

    return interventions()


def _intervention(code: str):
    return _catalogue().get(code)


def _location_missing(facility) -> bool:
    return facility.latitude is None or facility.longitude is None


def _is_solar(item) -> bool:
    return item is not None and item.code in SOLAR_PV


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages_] for field, messages_ in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


# --- the list ------------------------------------------------------------------------------------------------

@login_required
def case_list(request, facility=None):
    cases = access.cases_visible(request.user).select_related("facility", "park")
    stage = request.GET.get("stage", "")
    if stage in Stage.values:
        cases = cases.filter(stage=stage)
    chosen = facility.pk if facility is not None else (int(request.GET["facility"])
                                                       if request.GET.get("facility", "").isdigit() else None)
    if chosen is not None:
        cases = cases.filter(facility_id=chosen)
    rows = list(cases.order_by("-updated_at", "pk")[:500])
    catalogue = _catalogue()
    sureness = _months_by_status([(c.facility_id, c.baseline_year) for c in rows if c.facility_id])
    creatable = list(access.facilities_creatable(request.user).order_by("name"))
    facilities = sorted({c.facility for c in rows if c.facility_id} | ({facility} if facility else set()),
                        key=lambda f: f.name)
    return render(request, "interventions/list.html", {
        "rows": [{"case": c, "intervention": catalogue.get(c.intervention),
                  "sure": sureness.get((c.facility_id, c.baseline_year))} for c in rows],
        "stages": Stage.choices, "stage": stage, "facilities": facilities, "chosen": chosen,
        "creatable": creatable, "facility": facility,
    })


@login_required
def facility_cases(request, pk):
    return case_list(request, facility=_facility(request.user, pk))


def _facility(user, pk) -> Facility:
    """The facility ``pk`` when the user reads its cases' kinds (business cases and the environmental and GHG data
    they are made of: ``access.KINDS``), 404 otherwise: the same rule as its link (site/nav.py)."""
    facility = facility_with_data(user, pk, DataKind.BUSINESS_CASES)
    if not set(access.KINDS) <= policy.data_kinds(user, facility):
        raise Http404
    return facility


def _baseline_for(facility, year=None):
    from loomlight.interventions.baseline import baseline_for

    return baseline_for(facility, year=year)


def _months_by_status(pairs) -> dict:
    """{(facility, year): {status: months}} for the years the cases were computed from, in one query."""
    from loomlight.reporting.models import ReportingPeriod

    facilities = {f for f, y in pairs if y}
    years = {y for f, y in pairs if y}
    out: dict = {}
    if not facilities:
        return out
    for row in (ReportingPeriod.objects.filter(facility_id__in=facilities, period__year__in=years)
                .values("facility_id", "period__year", "status").annotate(n=Count("pk"))):
        out.setdefault((row["facility_id"], row["period__year"]), {})[row["status"]] = row["n"]
    return out


# --- the builder ---------------------------------------------------------------------------------------------

def _applies(item, facility: Facility) -> bool:
    return not item.applies_to or bool(set(item.applies_to) & set(facility.processes or []))


def _lines(item, base) -> list[dict]:
    """One saving line per metric the intervention acts on that the facility reports in the baseline year (the
    catalogue lists every fuel a steam measure may save); none reported: the first, to be entered by hand."""
    reported = [m for m in item.metrics if base is not None and m in base.metrics and m not in NOT_SAVED]
    chosen = reported or [m for m in item.metrics if m not in NOT_SAVED][:1]
    return [charts.baseline_line(m, base.metrics.get(m) if base is not None else None) for m in chosen]


def _grouped(items) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.category, []).append(item)
    return [(charts.category_name(k), v) for k, v in groups.items()]


def _form_initial(item, lines, facility: Facility) -> dict:
    currencies = {line["price_currency"] for line in lines if line.get("price_currency")}
    currency = currencies.pop() if len(currencies) == 1 else "USD"   # the prices' own currency, else USD
    per_facility = item.size_unit == "facility" and (item.capex_currency or "USD") == currency
    initial = {"title": f"{_(item.name)} · {facility.name}", "capex": item.capex_typical if per_facility else None,
               "lifetime_years": int(item.lifetime_years) if item.lifetime_years else None, "discount_rate": 10,
               "escalation": 0, "tax_rate": 0, "grid_factor": "inventory", "currency": currency}
    for i, line in enumerate(lines):
        initial[f"line-{i}-baseline"] = plain(line.get("quantity"))
        if item.saving_typical is not None:
            initial[f"line-{i}-share"] = plain(item.saving_typical * 100)
        initial[f"line-{i}-price"] = plain(line.get("price"))
    return initial


@login_required
def case_new(request):
    park_raw = request.GET.get("park") or request.POST.get("park", "")
    if park_raw:
        return _park_case_new(request, park_raw)
    raw = request.GET.get("facility") or request.POST.get("facility", "")
    if not raw.isdigit():
        raise Http404
    facility = facility_with_data(request.user, int(raw), DataKind.BUSINESS_CASES)
    if not access.can_create(request.user, facility):
        raise PermissionDenied
    code = request.GET.get("intervention") or request.POST.get("intervention", "")
    item = _intervention(code) if code else None
    if item is None:
        applicable = [i for i in _catalogue().values() if _applies(i, facility) and i.code not in PARK_ONLY]
        return render(request, "interventions/choose.html", {"facility": facility, "groups": _grouped(applicable)})
    base = _baseline_for(facility)
    lines = _lines(item, base)
    solar = _is_solar(item)
    form = CaseForm(request.POST or None, request.FILES or None, lines=lines, solar=solar,
                    initial=_form_initial(item, lines, facility))
    if request.method == "POST" and form.is_valid() and not (solar and _location_missing(facility)):
        from loomlight.calc.solar import SolarError

        try:
            case = services.case_create(by=request.user, facility=facility, intervention=item.code,
                                        title=form.cleaned_data["title"], baseline_year=base.year,
                                        document=_document(form, facility, base, solar))
        except SolarError as exc:
            _solar_error(form, exc, len(lines))
        except ValidationError as exc:
            _add_errors(form, exc, len(lines))
        else:
            messages.success(request, _("The business case is saved."))
            return redirect("interventions:detail", case.pk)
    return render(request, "interventions/form.html", {
        "facility": facility, "item": item, "form": form, "baseline": base, "lines": lines, "solar": solar,
        "location_missing": solar and _location_missing(facility), "uploaded": {},
    })


#: calc.solar's fields whose (English) messages are put in a translated sentence naming the form's field.
UPLOAD_FIELDS = ("weather", "hourly_load_kwh", "shares")


def _solar_error(form, exc, lines: int) -> None:
    """A SolarError at the field it names: the calc's English reason inside a translated sentence naming the
    field for the uploads and the shares (the page's own messages, already translated, as they are)."""
    name = document_field(exc.field, lines)
    name = name if name in form.fields else None
    reason = str(exc).split(": ", 1)[-1]
    if exc.field in UPLOAD_FIELDS and name is not None:
        reason = _("%(field)s: cannot be used (%(reason)s).") % {"field": form.fields[name].label, "reason": reason}
    form.add_error(name, reason)


def _park_tenants(park) -> list:
    return list(park.facilities.order_by("name", "pk"))


def _tenant_shares(tenants) -> list[tuple]:
    """Each tenant with its grid electricity of its last full year [kWh] (the consumption rule's share), None
    when it reports none."""
    out = []
    for tenant in tenants:
        row = _baseline_for(tenant).metrics.get("electricity_grid")
        out.append((tenant, row.quantity if row is not None else None))
    return out


def _park_place(park, tenants):
    """Where the park's array is: the park's coordinates, else the first tenant's that has them (None: neither)."""
    if park.latitude is not None and park.longitude is not None:
        return park
    return next((t for t in tenants if t.latitude is not None and t.longitude is not None), None)


def _park_year(tenants) -> int:
    years = [b.year for b in (_baseline_for(t) for t in tenants) if b.year]
    return max(years) if years else _year(None)


def _park_context(request, park, item, form, case=None):
    tenants = [t for t, _share in form.tenants]
    return render(request, "interventions/form.html", {
        "park": park, "facility": None, "item": item, "form": form, "baseline": None, "lines": [], "solar": True,
        "case": case, "location_missing": _park_place(park, tenants) is None, "uploaded": _uploaded(case),
    })


def _park_case_new(request, raw: str):
    if not raw.isdigit():
        raise Http404
    park = policy.parks_visible(request.user).filter(pk=int(raw)).first()
    if park is None:
        raise Http404
    if not access.can_create(request.user, park):
        raise PermissionDenied
    item = _intervention(request.GET.get("intervention") or request.POST.get("intervention", ""))
    if item is None or item.code not in PARK_ONLY:
        raise Http404
    tenants = _park_tenants(park)
    initial = {"title": f"{_(item.name)} · {park.name}", "lifetime_years": int(item.lifetime_years or 20),
               "discount_rate": 10, "escalation": 0, "tax_rate": 0, "grid_factor": "inventory", "currency": "USD",
               "rule": "consumption"}
    form = CaseForm(request.POST or None, request.FILES or None, tenants=_tenant_shares(tenants), initial=initial)
    if request.method == "POST" and form.is_valid() and _park_place(park, tenants) is not None:
        from loomlight.calc.solar import SolarError

        year = _park_year(tenants)
        try:
            case = services.case_create(by=request.user, park=park, intervention=item.code,
                                        title=form.cleaned_data["title"], baseline_year=year,
                                        document=_park_document(form, park, tenants, year))
        except SolarError as exc:
            _solar_error(form, exc, 0)
        except ValidationError as exc:
            _add_errors(form, exc, 0)
        else:
            messages.success(request, _("The business case is saved."))
            return redirect("interventions:detail", case.pk)
    return _park_context(request, park, item, form)


def _uploaded(case) -> dict:
    """The files a stored case was computed with ({field: name}), said by their fields on "Edit"."""
    solar = (case.document.get("solar") or {}) if case is not None else {}
    return {key: solar[key]["name"] for key in ("weather_file", "hourly_load") if isinstance(solar.get(key), dict)}


def _site(place, country: str):
    from babel.core import get_global

    from loomlight.calc import solar

    zones = get_global("territory_zones").get(country, ["UTC"])
    return solar.Site(latitude=place.latitude, longitude=place.longitude, timezone=zones[0], country=country)


def _generation(site, form, year: int):
    """The array's yield (calc.solar.generation) from the form: an uploaded weather file first, else the monthly
    irradiation given, else the shipped irradiance or clear sky."""
    from loomlight.calc import solar

    d = form.cleaned_data
    kwp = d.get("kwp") or solar.size_from_roof(d["roof_area_m2"])[0]
    array = solar.Array(kwp=kwp, tilt_deg=d.get("tilt_deg") or 0.0, azimuth_deg=d.get("azimuth_deg") or 180.0)
    weather = d.get("weather_file")
    if weather:
        return kwp, solar.generation(site, array, year=year, weather=(weather[0], weather[1]["format"]))
    return kwp, solar.generation(site, array, year=year, monthly_ghi_kwh_m2_day=d.get("monthly_ghi"),
                                 irradiance_source=(d.get("irradiance_source") or "").strip())


def _kept_rows(doc: dict, made) -> None:
    """The hours read from an uploaded weather file, kept beside its name and hash."""
    kept = doc["solar"].get("weather_file")
    if kept is not None:
        kept["rows"] = next((int(f.value) for f in made.explanation.factors if f.code == "solar_weather_file"), None)


def _park_document(form, park, tenants, year: int) -> dict:
    """A park's group rooftop solar: the array at the park (or its first tenant with coordinates), the solar used
    hour by hour against the tenants' combined monthly grid electricity and sold to them at the sale price, the
    export at the export price; the generation divided among the tenants by the rule (``calc.solar.allocate``,
    whole kWh summing exactly to the generation)."""
    from loomlight.calc import solar

    d = form.cleaned_data
    kwp, made = _generation(_site(_park_place(park, tenants), park.country), form, year)
    loads = [m for m in (monthly_grid_kwh(t, year) for t in tenants) if m]
    if not loads:
        raise solar.SolarError("kwp", _("The park's tenants report no grid electricity in %(year)s: the solar they "
                                        "use cannot be estimated.") % {"year": year})
    used = solar.self_consumption(made, monthly_load_kwh=[sum(m[i] for m in loads) for i in range(12)])
    savings = [{"metric": "electricity_solar_self_consumed", "quantity": used.self_consumed_kwh, "unit": "kWh",
                "price": d["sale_price"]}]
    if used.exported_kwh > 0:
        savings.append({"metric": "electricity_exported", "quantity": used.exported_kwh, "unit": "kWh",
                        "price": d.get("export_price") or 0.0})
    shares = form.shares()
    kwh = solar.allocate(made.annual_kwh, {str(pk): v for pk, v in shares.items()}, rule=d["rule"])
    names = {t.pk: t.name for t in tenants}
    doc = form.document(country=park.country, year=year, savings=savings)
    doc["solar"]["yield"] = summary(kwp, made, used)
    _kept_rows(doc, made)
    doc["solar"]["park"] = {
        "rule": d["rule"], "annual_kwh": round(made.annual_kwh),
        "shares": [{"facility": pk, "name": names[pk], "basis": v} for pk, v in shares.items()],
        "allocation": [{"facility": pk, "name": names[pk], "basis": shares[pk], "kwh": kwh[str(pk)]} for pk in shares],
    }
    return doc


def _solar_savings(facility, base, form) -> tuple:
    """A rooftop solar case's saving lines from its generation (``calc.solar``: pvlib at the facility's coordinates,
    from an uploaded weather file or the monthly irradiation; self-consumption against an uploaded hourly load,
    else its monthly grid electricity): the solar used on site replaces grid electricity at the grid price, the
    export is paid at the export price. SolarError naming the field for a bad input."""
    from loomlight.calc import solar

    d = form.cleaned_data
    year = _year(base)
    kwp, made = _generation(_site(facility, facility.country), form, year)
    hourly = d.get("hourly_load")
    load = None if hourly else monthly_grid_kwh(facility, year)
    if hourly:
        used = solar.self_consumption(made, hourly_load_kwh=hourly[0])
    elif load:
        used = solar.self_consumption(made, monthly_load_kwh=load)
    else:   # no electricity reported: all of it counted as used on site would be a guess
        raise solar.SolarError("kwp", _("The facility reports no grid electricity in %(year)s: the solar used on site "
                                        "cannot be estimated.") % {"year": year})
    price = d.get("line-0-price")
    lines = [{"metric": "electricity_solar_self_consumed", "quantity": used.self_consumed_kwh, "unit": "kWh", "price": price}]
    if used.exported_kwh > 0:
        lines.append({"metric": "electricity_exported", "quantity": used.exported_kwh, "unit": "kWh",
                      "price": d.get("export_price") or 0.0})
    return lines, summary(kwp, made, used), made


def _document(form, facility, base, solar_case: bool) -> dict:
    """The case document of a valid form; a solar case's savings from its generation (SolarError to the field),
    with what the generation rests on (``solar.yield``: the yield, how it was scaled, its flags) for the case page."""
    savings, basis, made = _solar_savings(facility, base, form) if solar_case else (None, None, None)
    doc = form.document(country=facility.country, year=_year(base), savings=savings)
    if basis is not None:
        doc["solar"]["yield"] = basis
        _kept_rows(doc, made)
    return doc


def _year(base) -> int:
    import datetime

    return base.year if base is not None and base.year else datetime.date.today().year - 1


def _add_errors(form, exc: ValidationError, lines: int) -> None:
    for field, texts in _errors(exc).items():
        name = document_field(field, lines) if field not in form.fields else field
        for text in texts:
            form.add_error(None if name == "__all__" or name not in form.fields else name, text)


# --- one case ------------------------------------------------------------------------------------------------

def _case(request, pk) -> BusinessCase:
    case = access.cases_visible(request.user).select_related("facility", "park", "financier").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


@login_required
def case_detail(request, pk):
    case = _case(request, pk)
    item = _intervention(case.intervention)
    result = case.result or {}
    financier_view = not access.can_see_internal(request.user, case)
    stage_form = None
    if access.can_edit(request.user, case):
        stage_form = {"stages": [s for s in Stage.choices if s[0] != Stage.VERIFIED],
                      "next": _next_stage(case.stage), "instruments": Instrument.choices,
                      "financiers": Organisation.objects.filter(kind="financier").order_by("name")}
    return render(request, "interventions/detail.html", {
        "case": case, "item": item, "result": result, "outputs": charts.outputs(result), "grid": charts.grid_factor(result),
        "flows": result.get("flows") or [], "explanation": charts.explanation(result),
        "uncertainty": charts.uncertainty(case.document), "history": [] if financier_view else list(case.stage_changes.select_related("by", "financier")),
        "measurements": list(case.measurements.all()), "stage_form": stage_form,
        "may_edit": access.can_edit(request.user, case), "may_share": access.can_share(request.user, case),
        "financier_view": financier_view, "rule_label": _rule_label(case.document),
    })


def _rule_label(document: dict) -> str:
    """The translated name of a park case's division rule ("" for another case)."""
    from loomlight.interventions.forms import ALLOCATION_RULES

    rule = ((document.get("solar") or {}).get("park") or {}).get("rule")
    return str(dict(ALLOCATION_RULES).get(rule, "")) if rule else ""


def _next_stage(stage: str) -> str:
    order = list(Stage.values)
    return order[order.index(stage) + 1] if stage in order[:-1] else ""


@login_required
def case_edit(request, pk):
    case = _case(request, pk)
    if not access.can_edit(request.user, case):
        raise PermissionDenied
    item = _intervention(case.intervention)
    if item is None:
        raise Http404
    if case.park is not None:
        return _park_case_edit(request, case, item)
    if case.facility is None:
        raise Http404
    base = _baseline_for(case.facility, year=case.baseline_year)
    lines = _lines(item, base)
    initial = {"title": case.title, **initial_from_document(case.document, lines)}
    form = CaseForm(request.POST or None, request.FILES or None, lines=lines, solar=_is_solar(item), initial=initial)
    if request.method == "POST" and form.is_valid() and not (_is_solar(item) and _location_missing(case.facility)):
        from loomlight.calc.solar import SolarError

        try:
            services.case_update(by=request.user, case=case, title=form.cleaned_data["title"],
                                 document=_document(form, case.facility, base, _is_solar(item)))
        except SolarError as exc:
            _solar_error(form, exc, len(lines))
        except ValidationError as exc:
            _add_errors(form, exc, len(lines))
        else:
            messages.success(request, _("The business case is recomputed."))
            return redirect("interventions:detail", case.pk)
    return render(request, "interventions/form.html", {
        "facility": case.facility, "item": item, "form": form, "baseline": base, "lines": lines,
        "solar": _is_solar(item), "case": case, "uploaded": _uploaded(case),
        "location_missing": _is_solar(item) and _location_missing(case.facility),
    })


def _park_case_edit(request, case, item):
    """"Edit" of a park's group solar case: the same form, its tenants as they are now, the shares as stored."""
    if item.code not in PARK_ONLY:
        raise Http404
    park = case.park
    tenants = _park_tenants(park)
    initial = {"title": case.title, **initial_from_document(case.document, [])}
    form = CaseForm(request.POST or None, request.FILES or None, tenants=_tenant_shares(tenants), initial=initial)
    if request.method == "POST" and form.is_valid() and _park_place(park, tenants) is not None:
        from loomlight.calc.solar import SolarError

        year = case.baseline_year or _park_year(tenants)
        try:
            services.case_update(by=request.user, case=case, title=form.cleaned_data["title"],
                                 document=_park_document(form, park, tenants, year))
        except SolarError as exc:
            _solar_error(form, exc, 0)
        except ValidationError as exc:
            _add_errors(form, exc, 0)
        else:
            messages.success(request, _("The business case is recomputed."))
            return redirect("interventions:detail", case.pk)
    return _park_context(request, park, item, form, case)


@login_required
@require_POST
def case_stage(request, pk):
    case = _case(request, pk)
    if not access.can_edit(request.user, case):
        raise PermissionDenied
    post = request.POST
    financier = Organisation.objects.filter(pk=post["financier"], kind="financier").first() if post.get("financier", "").isdigit() else None
    try:
        services.case_stage_set(by=request.user, case=case, stage=post.get("stage", ""), note=post.get("note", ""),
                                financier=financier, instrument=post.get("instrument", ""),
                                amount=post.get("amount") or None, implemented_on=post.get("implemented_on") or None)
    except ValidationError as exc:
        for texts in _errors(exc).values():
            for text in texts:
                messages.error(request, text)
    else:
        messages.success(request, _("The stage is changed."))
    return redirect("interventions:detail", case.pk)


@login_required
@require_POST
def case_share(request, pk):
    case = _case(request, pk)
    if not access.can_share(request.user, case):
        raise PermissionDenied
    services.case_share(by=request.user, case=case, shared=request.POST.get("shared") == "1")
    return redirect("interventions:detail", case.pk)


# --- the curve -----------------------------------------------------------------------------------------------

@dataclass
class FoundCurve:
    curve: object
    subject: object
    currency: str


def _subject(user, scope: str, key: str):
    """The scope's subject, 404 for one the user may not open."""
    if scope == "facility":
        return _facility(user, int(key))
    if scope == "country":
        if len(key) != 2 or not key.isalpha():
            raise Http404
        return key.upper()
    found = (policy.parks_visible(user) if scope == "park" else policy.programmes_visible(user)).filter(pk=int(key)).first()
    if found is None:
        raise Http404
    return found


def _sequenced(user, facility, items):
    """A facility's measures in sequence (``calc.macc.sequence``: efficiency first, then fuel switching, then solar
    on the reduced load): each case's avoided t CO2e and money saved scaled by the share of its own saving that
    is left once the measures before it have saved theirs; its equivalent annual cost rises by the money it no
    longer saves."""
    from dataclasses import replace

    from loomlight.calc import macc

    cases = {str(c.pk): c for c in access.cases_visible(user).filter(pk__in=[int(i.key) for i in items])}
    base = _baseline_for(facility)
    use = {m: row.quantity for m, row in base.metrics.items() if row.quantity}
    steps, standalone = [], {}
    for item in items:
        lines = [s for s in (cases[item.key].document.get("savings") or []) if s.get("metric") in use and s.get("quantity")]
        standalone[item.key] = {s["metric"]: float(s["quantity"]) for s in lines}
        steps.append(macc.Step(key=item.key, category=item.category,
                               saves={m: min(q / use[m], 1.0) for m, q in standalone[item.key].items()}, adds={}))
    if not steps:
        return items
    saved = dict(zip([s.key for s in steps], macc.sequence(use, steps)))   # in the order given
    out = []
    for item in items:
        alone = sum(standalone.get(item.key, {}).values())
        if not alone or item.key not in saved:
            out.append(item)
            continue
        ratio = max(min(sum(saved[item.key].values()) / alone, 1.0), 0.0)
        money = cases[item.key].figure("savings_per_year") or 0.0
        out.append(replace(item, eac=item.eac + money * (1 - ratio),
                           tco2e_per_year=None if item.tco2e_per_year is None else item.tco2e_per_year * ratio))
    return out


def _curve(request):
    from loomlight.calc import macc

    scope = request.GET.get("scope", "")
    key = request.GET.get("id", "")
    if scope not in selectors.SCOPES or (scope != "country" and not key.isdigit()):
        raise Http404
    subject = _subject(request.user, scope, key)
    items = selectors.curve_items(request.user, scope, key)
    if scope == "facility" and items:
        items = _sequenced(request.user, subject, items)
    currencies = set(access.cases_visible(request.user).filter(pk__in=[int(i.key) for i in items])
                     .values_list("currency", flat=True)) or {"USD"}
    return scope, key, FoundCurve(macc.curve(items), subject, ", ".join(sorted(currencies)))


@login_required
def curve(request):
    scope, key, found = _curve(request)
    return render(request, "interventions/curve.html", {
        "scope": scope, "key": key, "curve": found.curve, "subject": found.subject, "sequenced": scope == "facility",
        "chart": charts.curve_chart(found.curve), "currency": found.currency,
        "left_out": [(i, charts.left_out_reason(i)) for i in found.curve.left_out],
    })


@login_required
def curve_download(request, fmt):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    scope, key, found = _curve(request)
    body, content_type = exports.curve(found.curve, fmt=fmt, currency=found.currency)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="abatement-curve-{scope}.{fmt}"'
    return response


# --- the pipeline --------------------------------------------------------------------------------------------

@login_required
def pipeline(request):
    found = selectors.pipeline(request.user)
    cases = list(access.cases_visible(request.user).only("pk", "title", "stage").order_by("pk"))
    by_stage = {}
    for c in cases:
        by_stage.setdefault(c.stage, []).append(c)
    labels = dict(Stage.choices)
    columns = [{**s, "label": labels[s["stage"]], "cases": by_stage.get(s["stage"], [])} for s in found["stages"]]
    return render(request, "interventions/pipeline.html", {
        "columns": columns, "groups": found["groups"], "withheld": found["withheld"],
        "min_facilities": found["min_facilities"], "count": len(cases),
        "financier": "financier_viewer" in policy.roles(request.user),
    })


@login_required
def financier_export(request):
    if "financier_viewer" not in policy.roles(request.user):
        raise Http404
    cases = list(access.cases_visible(request.user).select_related("facility", "park"))
    body = exports.financier(cases, catalogue=_catalogue())
    response = HttpResponse(body, content_type=exports.XLSX)
    response["Content-Disposition"] = 'attachment; filename="business-cases.xlsx"'
    return response
