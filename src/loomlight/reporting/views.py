"""Monthly data pages. Thin: parse, authorise (policy), call a service or selector, render."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from loomlight.calc import periods as calc_periods
from loomlight.evidence.models import EvidenceKind
from loomlight.registry import policy
from loomlight.registry.models import DataKind
from loomlight.registry.policy import Action
from loomlight.reporting import review_views, selectors, services, verification
from loomlight.reporting.models import PeriodStatus
from loomlight.reference import fuel_properties
from loomlight.reference.metrics import metrics
from loomlight.reporting.flags import amount_text, flag_reasons
from loomlight.reporting.forms import ApplicableMetricsForm, CommentForm, FuelPropertyForm, ValueForm
from loomlight.site import periods as clock
from loomlight.site.forms import errors_onto_form
from loomlight.site.lookups import data_year, facility_with_data


#: how well a shipped default represents a facility's fuel (reference/fuel_properties.csv, column confidence)
CONFIDENCE = {"high": gettext_lazy("high"), "medium": gettext_lazy("medium"), "low": gettext_lazy("low: prefer your supplier's value")}


def _facility_with_data(request, pk, *, action=None):
    return facility_with_data(request.user, pk, DataKind.ENVIRONMENTAL, action=action)


@login_required
def facility_year(request, pk, year=None):
    facility = _facility_with_data(request, pk)
    today = clock.today()
    choice = clock.page_year(year, selectors.years_with_data(facility))
    year = choice.year
    can_enter = policy.can(request.user, Action.ENTER_DATA, facility)
    form = ValueForm(request.POST or None, initial={"month": today.month if year == today.year else 12, **_value_asked(request.GET)})
    if request.method == "POST":
        if not can_enter:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                row = services.activity_value_set(
                    by=request.user, facility=facility, period=datetime.date(year, data["month"], 1), metric=data["metric"],
                    value=data["value"], unit=data["unit"], qualifier=data["qualifier"].strip(), via="form",
                )
            except ValidationError as exc:
                errors_onto_form(form, exc)
            else:
                messages.success(request, _("Saved."))
                if row.flag:
                    _flag_message(request, facility, row)
                # "Saved." is said again beside the form and the cell it changed, not only at the top of the page
                request.session[SAVED_KEY] = {"facility": facility.pk, "year": year, "month": row.period.month,
                                              "metric": row.metric, "qualifier": row.qualifier}
                return redirect(f"{reverse('reporting:facility_year', args=[facility.pk, year])}#report-value")
    saved = transition = None
    if request.method == "GET":
        saved, transition = request.session.pop(SAVED_KEY, None), request.session.pop(TRANSITION_KEY, None)
    if saved and (saved.get("facility"), saved.get("year")) != (facility.pk, year):
        saved = None
    if transition and (transition.get("facility"), transition.get("year")) != (facility.pk, year):
        transition = None
    return _render_year(request, facility, year, form=form, can_enter=can_enter, choice=choice, saved=saved,
                        transition=transition)


SAVED_KEY = "value_saved"
TRANSITION_KEY = "month_transition"


def _flag_message(request, facility, row) -> None:
    """Say why a value just saved is flagged (the history check), so that a unit typed wrong is seen at once."""
    check = services.activity_value_check(facility=facility, period=row.period, metric=row.metric, qualifier=row.qualifier,
                                          value=row.value)
    reasons = flag_reasons(check.comparisons, value=row.value, unit=row.unit, period=f"{row.period:%Y-%m}")
    messages.warning(request, _("%(value)s is far from this facility's own history: %(reasons)s Please check it, above "
                                "all its unit; it is stored and flagged for review.") % {
        "value": amount_text(row.original_value, row.original_unit), "reasons": " ".join(reasons)})


def _value_asked(query) -> dict:
    """The month, metric and qualifier a link asks the value form to show (an import's flagged values link here);
    anything that is not a month number, a catalogue metric or a qualifier that fits is left out."""
    asked = {}
    month = query.get("month", "")
    if month.isascii() and month.isdigit() and 1 <= int(month) <= 12:
        asked["month"] = int(month)
    if query.get("metric") in metrics():
        asked["metric"] = query["metric"]
        qualifier = query.get("qualifier", "").strip()
        if 0 < len(qualifier) <= 64:
            asked["qualifier"] = qualifier
    return asked


def _show_stored(form, grid) -> None:
    """An unbound form asked for a month and metric shows the value stored there as it was reported, to correct it."""
    if form.is_bound or "metric" not in form.initial or "month" not in form.initial:
        return
    for row in grid.rows:
        if (row["metric"], row["qualifier"]) == (form.initial["metric"], form.initial.get("qualifier", "")):
            stored = row["cells"][form.initial["month"] - 1]
            if stored is not None:
                value = stored.original_value
                form.initial.update(value=str(int(value)) if value.is_integer() else repr(value), unit=stored.original_unit)
            return


def _render_year(request, facility, year, *, form, can_enter, fuel_form=None, choice=None, metrics_form=None, saved=None,
                 transition=None):
    today = clock.today()
    grid = selectors.year_grid(facility, year, today=today)
    _show_stored(form, grid)
    can_verify = policy.can(request.user, Action.VERIFY, facility)
    can_set_metrics = policy.can(request.user, Action.EDIT, facility)
    applicable, applicable_saved = selectors.applicable_metrics(facility)
    if can_set_metrics and metrics_form is None:
        metrics_form = ApplicableMetricsForm(initial={"metrics": applicable})
    context = {
        "facility": facility,
        "grid": grid,
        "choice": choice or clock.page_year(year, selectors.years_with_data(facility)),
        "applicable_names": [gettext(metrics()[c].name) for c in applicable if c in metrics()],
        "applicable_saved": applicable_saved,
        "metrics_form": metrics_form if can_set_metrics else None,
        "deadline_day": clock.deadline_day(),
        "enter_months": _enter_months(grid, today) if can_enter else [],
        "saved": saved,
        "transition": transition,
        "saved_key": (saved["metric"], saved["qualifier"]) if saved else None,
        "form": form,
        "can_enter": can_enter,
        "can_verify": can_verify,
        "verify_refusals": _verify_refusals(request.user, facility, grid) if can_verify else {},
        "comment_form": CommentForm(),
        "evidence": facility.evidence.filter(period__year=year).select_related("uploaded_by"),
        "evidence_kinds": EvidenceKind.choices,
        "fuel_properties": facility.fuel_properties.select_related("evidence", "created_by"),
        "fuel_form": fuel_form if fuel_form is not None else (FuelPropertyForm(facility=facility) if can_enter else None),
        "fuel_defaults": [{"name": gettext(metrics()[code].name), "ncv": props.get("ncv"), "density": props.get("density"),
                           "confidence": CONFIDENCE.get(props["ncv"].confidence) if "ncv" in props else ""}
                          for code, props in fuel_properties.defaults().items()],
        "fuel_names": {m.code: gettext(m.name) for m in metrics().values() if m.also_accepts},
    }
    context.update(review_views.submit_complete_context(request, facility, year, can_enter))
    return render(request, "reporting/facility_year.html", context)


def _enter_months(grid, today) -> list[dict]:
    """The months of the grid's year that can be entered (up to this month), each with its state: its status when it
    has one, else "due" (deadline passed) or "not due yet"."""
    entries = []
    for m in grid.months:
        if m > today.replace(day=1):
            break
        row = grid.statuses.get(m.month)
        if row is not None:
            state, label = row.status, row.get_status_display()
        elif m.month in grid.due:
            state, label = "returned", _("due")
        elif calc_periods.is_due(m.year, m.month, today, clock.deadline_day()):
            state, label = "none", _("not reported")
        else:
            state, label = "draft", _("not due yet")
        entries.append({"month": m, "state": state, "label": label})
    return entries


def _verify_refusals(user, facility, grid) -> dict[int, str]:
    """{month number: why ``user`` may not verify it} for the submitted months of the grid they entered or submitted."""
    submitted = [p.period for p in grid.statuses.values() if p.status == PeriodStatus.SUBMITTED]
    if not submitted:
        return {}
    written = selectors.months_written_by(user, facility, submitted)
    return {p.month: selectors.verify_refusal(how, p) for p, how in written.items()}


@login_required
@require_POST
def fuel_property_add(request, pk, year):
    """Record the facility's own calorific value or density of a fuel; errors are shown beside the fields."""
    facility = _facility_with_data(request, pk, action=Action.ENTER_DATA)
    year = data_year(year)
    fuel_form = FuelPropertyForm(request.POST, facility=facility)
    if fuel_form.is_valid():
        try:
            services.fuel_property_create(by=request.user, facility=facility, via="web", **fuel_form.cleaned_data)
        except ValidationError as exc:
            errors_onto_form(fuel_form, exc)
        else:
            messages.success(request, _("Fuel property recorded. Values of this fuel from %(month)s, in months neither "
                                        "submitted nor verified, were converted again with it.") % {
                "month": f"{fuel_form.cleaned_data['valid_from']:%Y-%m}"})
            return redirect("reporting:facility_year", pk=facility.pk, year=year)
    today = clock.today()
    form = ValueForm(initial={"month": today.month if year == today.year else 12})
    return _render_year(request, facility, year, form=form, can_enter=True, fuel_form=fuel_form)


@login_required
@require_POST
def applicable_metrics_save(request, pk, year):
    """Set the metrics that apply to the facility (its managers and programme admins); completeness counts them."""
    facility = _facility_with_data(request, pk, action=Action.EDIT)
    year = data_year(year)
    metrics_form = ApplicableMetricsForm(request.POST)
    if metrics_form.is_valid():
        try:
            services.applicable_metrics_set(by=request.user, facility=facility, metrics=metrics_form.cleaned_data["metrics"],
                                            via="web")
        except ValidationError as exc:
            errors_onto_form(metrics_form, exc)
        else:
            messages.success(request, _("Saved: completeness now counts these metrics."))
            return redirect(f"{reverse('reporting:facility_year', args=[facility.pk, year])}#applicable-metrics")
    today = clock.today()
    form = ValueForm(initial={"month": today.month if year == today.year else 12})
    response = _render_year(request, facility, year, form=form, can_enter=policy.can(request.user, Action.ENTER_DATA, facility),
                            metrics_form=metrics_form)
    response.status_code = 400
    return response


TRANSITIONS = {
    "submit": (Action.ENTER_DATA, lambda by, f, p, c: services.period_submit(by=by, facility=f, period=p)),
    "verify": (Action.VERIFY, lambda by, f, p, c: services.period_verify(by=by, facility=f, period=p)),
    "return": (Action.VERIFY, lambda by, f, p, c: services.period_return(by=by, facility=f, period=p, comment=c)),
    "reopen": (Action.VERIFY, lambda by, f, p, c: services.period_reopen(by=by, facility=f, period=p, reason=c)),
}


@login_required
@require_POST
def period_transition(request, pk, year, month, action):
    facility = _facility_with_data(request, pk)
    year = data_year(year)   # a year outside 1990..this year is no page: 404, never a date that cannot be built
    if action not in TRANSITIONS or not 1 <= month <= 12:
        raise Http404
    needed, call = TRANSITIONS[action]
    if not policy.can(request.user, needed, facility):
        raise PermissionDenied
    try:
        call(request.user, facility, datetime.date(year, month, 1), request.POST.get("comment", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        # said again in the month's column, beside the button that was pressed
        request.session[TRANSITION_KEY] = {"facility": facility.pk, "year": year, "month": month, "ok": False,
                                           "messages": exc.messages}
    else:
        messages.success(request, _("Done."))
        request.session[TRANSITION_KEY] = {"facility": facility.pk, "year": year, "month": month, "ok": True, "messages": []}
    return redirect("reporting:facility_year", pk=facility.pk, year=year)


@login_required
def facility_dashboard(request, pk, year=None):
    from loomlight.reporting.dashboard import facility_dashboard as build

    facility = _facility_with_data(request, pk)
    choice = clock.page_year(year, selectors.years_with_data(facility), compares=True)
    year = choice.year
    kind = clock.comparison_kind(request)
    basis = verification.basis(request)
    data = build(facility, year, kind=kind, today=clock.today(), verified_only=basis == verification.VERIFIED)
    context = {"facility": facility, "data": data, "choice": choice, "kind": kind, "basis": basis,
               "comparison": clock.comparison_label(data["shown"], data["before"]),
               "shown_label": clock.period_label(data["shown"]), "before_label": clock.period_label(data["before"])}
    # Wastewater and chemicals are data kinds of their own: shown only to those who may read them.
    if policy.facilities_with_data(request.user, DataKind.WASTEWATER).filter(pk=facility.pk).exists():
        from loomlight.wastewater import selectors as wastewater
        from loomlight.wastewater.models import SamplingPoint
        from loomlight.wastewater.rules import SiteRules

        points = [SamplingPoint.DISCHARGE, SamplingPoint.TREATED]
        events = facility.sampling_events.all()
        rules = SiteRules(facility=facility)
        context["wastewater"] = [(e, wastewater.compliance(e, rules)) for e in wastewater.latest_events(events, points)]
        context["trend"] = wastewater.rules_trend(events, points, rules)
    if policy.facilities_with_data(request.user, DataKind.CHEMICALS).filter(pk=facility.pk).exists():
        from loomlight.chemicals.selectors import inventory

        context["chemicals"] = inventory(facility, year)
    return render(request, "reporting/dashboard.html", context)
