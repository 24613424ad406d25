"""Pages of business cases: the viewer's cases, the case builder, one case (outputs explained, cash flows,
uncertainty, stage, measured savings), the abatement-cost curve and the finance pipeline.

Thin: authorise (``access.cases_visible``: 404 for what the reader may not see, 403 for what
they may read but not do), parse, call the service, render. Every figure comes from the case's stored result
(``document.evaluate_document`` run by the services); the tornado and the Monte Carlo are recomputed on the
page's request from the stored document, seeded, so they are the same on every visit.
"""

from __future__ import annotations

from dataclasses import dataclass\n\nfrom django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum\nfrom django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loomlight.interventions import access, charts, exports, services
from loomlight.interventions import baseline as baselines
from loomlight.interventions.forms import CaseForm, document_field, initial_from_document
from loomlight.interventions.models import BusinessCase, Instrument, Stage
from loomlight.registry import policy
from loomlight.registry.models import DataKind, Facility, Organisation
from loomlight.site.lookups import facility_with_data

SOLAR = "renewable"   # the catalogue category whose cases take the rooftop-solar inputs (with a solar code)


def _catalogue():
    from loomlight.reference.interventions import interventions

    return interventions()


def _intervention(code: str):
    return _catalogue().get(code)


def _is_solar(item) -> bool:
    return item is not None and "solar" in item.code and item.category == SOLAR


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
    facility = facility_with_data(request.user, pk, DataKind.BUSINESS_CASES)
    return case_list(request, facility=facility)


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
    """One saving line per metric the intervention saves, with the baseline's yearly quantity and price."""
    lines = []
    for metric in item.metrics:
        row = base.metric(metric) if base is not None else None
        lines.append(charts.baseline_line(metric, row))
    return lines


def _grouped(items) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.category, []).append(item)
    return [(charts.category_name(k), v) for k, v in groups.items()]


def _form_initial(item, lines, facility: Facility) -> dict:
    initial = {"title": f"{_(item.name)} · {facility.name}", "capex": item.capex_typical if item.size_unit == "facility" else None,
               "lifetime_years": item.lifetime_years, "discount_rate": 10, "escalation": 0, "tax_rate": 0,
               "grid_factor": "inventory", "currency": "USD"}
    for i, line in enumerate(lines):
        initial[f"line-{i}-baseline"] = line.get("quantity")
        if item.saving_typical is not None:
            initial[f"line-{i}-share"] = round(item.saving_typical * 100, 6)
        initial[f"line-{i}-price"] = line.get("price")
    return initial


@login_required
def case_new(request):
    raw = request.GET.get("facility") or request.POST.get("facility", "")
    if not raw.isdigit():
        raise Http404
    facility = facility_with_data(request.user, int(raw), DataKind.BUSINESS_CASES)
    if not access.can_create(request.user, facility):
        raise PermissionDenied
    code = request.GET.get("intervention") or request.POST.get("intervention", "")
    item = _intervention(code) if code else None
    if item is None:
        applicable = [i for i in _catalogue().values() if _applies(i, facility)]
        return render(request, "interventions/choose.html", {"facility": facility, "groups": _grouped(applicable)})
    base = baselines.baseline_for(facility)
    lines = _lines(item, base)
    solar = _is_solar(item)
    form = CaseForm(request.POST or None, lines=lines, solar=solar, initial=_form_initial(item, lines, facility))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(by=request.user, facility=facility, intervention=item.code,
                                        title=form.cleaned_data["title"], baseline_year=base.year if base else None,
                                        document=form.document(country=facility.country, year=_year(base)))
        except ValidationError as exc:
            _add_errors(form, exc, len(lines))
        else:
            messages.success(request, _("The business case is saved."))
            return redirect("interventions:detail", case.pk)
    return render(request, "interventions/form.html", {
        "facility": facility, "item": item, "form": form, "baseline": base, "lines": lines, "solar": solar,
        "location_missing": solar and (facility.latitude is None or facility.longitude is None),
    })


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
                      "instruments": Instrument.choices,
                      "financiers": Organisation.objects.filter(kind="financier").order_by("name")}
    return render(request, "interventions/detail.html", {
        "case": case, "item": item, "result": result, "outputs": charts.outputs(result),
        "flows": result.get("flows") or [], "explanation": charts.explanation(result),
        "uncertainty": charts.uncertainty(case.document), "history": [] if financier_view else list(case.stage_changes.select_related("by", "financier")),
        "measurements": list(case.measurements.all()), "stage_form": stage_form,
        "may_edit": access.can_edit(request.user, case), "may_share": access.can_share(request.user, case),
        "financier_view": financier_view,
    })


@login_required
def case_edit(request, pk):
    case = _case(request, pk)
    if not access.can_edit(request.user, case):
        raise PermissionDenied
    item = _intervention(case.intervention)
    if item is None or case.facility is None:
        raise Http404
    base = baselines.baseline_for(case.facility, year=case.baseline_year)
    lines = _lines(item, base)
    initial = {"title": case.title, **initial_from_document(case.document, lines)}
    form = CaseForm(request.POST or None, lines=lines, solar=_is_solar(item), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(by=request.user, case=case, title=form.cleaned_data["title"],
                                 document=form.document(country=case.facility.country, year=_year(base)))
        except ValidationError as exc:
            _add_errors(form, exc, len(lines))
        else:
            messages.success(request, _("The business case is recomputed."))
            return redirect("interventions:detail", case.pk)
    return render(request, "interventions/form.html", {
        "facility": case.facility, "item": item, "form": form, "baseline": base, "lines": lines,
        "solar": _is_solar(item), "case": case,
        "location_missing": _is_solar(item) and (case.facility.latitude is None or case.facility.longitude is None),
    })


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

SCOPES = ("facility", "park", "country", "programme")


@dataclass
class FoundCurve:
    curve: object
    subject: object
    currency: str


def _scoped(user, scope: str, key: str):
    """The cases of a scope the user reads, and the scope's subject (404 for one they may not open)."""
    cases = access.cases_visible(user).select_related("facility", "park")
    if scope == "facility":
        subject = facility_with_data(user, int(key), DataKind.BUSINESS_CASES)
        return cases.filter(facility_id=subject.pk), subject
    if scope == "park":
        subject = policy.parks_visible(user).filter(pk=int(key)).first()
        if subject is None:
            raise Http404
        return cases.filter(Q(park_id=subject.pk) | Q(facility__park_id=subject.pk)), subject
    if scope == "programme":
        subject = policy.programmes_visible(user).filter(pk=int(key)).first()
        if subject is None:
            raise Http404
        return cases.filter(programme_id=subject.pk), subject
    if len(key) != 2 or not key.isalpha():
        raise Http404
    return cases.filter(Q(facility__country=key.upper()) | Q(park__country=key.upper())), key.upper()


def _curve(request):
    from loomlight.calc import macc

    scope = request.GET.get("scope", "")
    key = request.GET.get("id", "")
    if scope not in SCOPES or (scope != "country" and not key.isdigit()):
        raise Http404
    cases, subject = _scoped(request.user, scope, key)
    catalogue = _catalogue()
    rows = list(cases.order_by("pk"))
    items = [macc.Item(key=str(c.pk), label=c.title, category=getattr(catalogue.get(c.intervention), "category", ""),
                       tco2e_per_year=c.figure("tco2e_per_year"), eac=c.figure("eac") or 0.0,
                       facility=c.subject.name, group=c.intervention) for c in rows]
    currencies = {c.currency for c in rows} or {"USD"}
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

#: Below this many facilities a group's totals are not shown to who reads them through consent (PRODUCT.md).
MIN_FACILITIES = 3


@login_required
def pipeline(request):
    from loomlight.interventions.models import FINANCED_STAGES, MeasuredSavings

    cases = list(access.cases_visible(request.user).select_related("facility", "park", "facility__park").order_by("pk"))
    internal = set(access.cases_internal(request.user).filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True))
    measured = {}
    for row in (MeasuredSavings.objects.filter(case__in=[c.pk for c in cases], accepted=True)
                .values("case_id").annotate(total=Sum("avoided_money"))):
        measured[row["case_id"]] = float(row["total"] or 0)
    columns = []
    for value, label in Stage.choices:
        mine = [c for c in cases if c.stage == value]
        columns.append({"stage": value, "label": label, "count": len(mine),
                        "amount": sum(float(c.amount or 0) for c in mine), "cases": mine})
    groups: dict = {}
    for c in cases:
        for kind, subject in (("facility", c.facility), ("park", c.park or (c.facility.park if c.facility_id else None))):
            if subject is None:
                continue
            g = groups.setdefault((kind, subject.pk), {"kind": kind, "subject": subject, "facilities": set(),
                                                       "mobilised": 0.0, "expected": 0.0, "measured": 0.0,
                                                       "cases": 0, "internal": True})
            g["cases"] += 1
            g["facilities"].add(c.facility_id or f"park{c.park_id}")
            g["internal"] = g["internal"] and c.pk in internal
            if c.stage in FINANCED_STAGES:
                g["mobilised"] += float(c.amount or 0)
            g["expected"] += c.figure("savings_per_year") or 0.0
            g["measured"] += measured.get(c.pk, 0.0)
    rows = [g for g in groups.values() if g["kind"] == "facility" or g["internal"] or len(g["facilities"]) >= MIN_FACILITIES]
    withheld = len(groups) - len(rows)
    return render(request, "interventions/pipeline.html", {
        "columns": columns, "rows": sorted(rows, key=lambda g: (g["kind"] != "park", g["subject"].name)),
        "withheld": withheld, "financier": "financier_viewer" in policy.roles(request.user),
        "total": {"count": len(cases),
                  "mobilised": sum(float(c.amount or 0) for c in cases if c.stage in FINANCED_STAGES)},
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
