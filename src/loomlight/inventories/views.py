"""Emissions pages: a facility's year (months, sources, energy mix, peers, trajectory, and behind
each month "how was this computed?"), a park's and a programme's year, and their downloads.

Every page reads through the policy: a facility's inventory needs the right to its GHG data
(a brand's consent must name it); a park's or programme's page sums only the facilities whose
GHG data the user may read, and says how many those are.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loomlight.analytics import kinds as column_kinds
from loomlight.inventories import explain, selectors, services
from loomlight.inventories.forms import TargetForm
from loomlight.inventories.models import Inventory
from loomlight.reference.metrics import metrics
from loomlight.reporting import verification
from loomlight.registry import policy
from loomlight.registry.models import DataKind, Facility
from loomlight.registry.policy import Action
from loomlight.site.forms import errors_onto_form
from loomlight.site import periods as clock
from loomlight.site.lookups import data_year, facility_with_data
from loomlight.site.tables import table_csv, table_xlsx

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


#: Series reported apart from the scopes (GHG Protocol: biogenic CO2 of combustion is reported outside scopes 1-3): the
#: charts draw them as a line of their own, never stacked on the scopes (dashboard.js reads ``apart``).
APART = ("biogenic",)


def chart_names() -> dict[str, str]:
    names = {code: _(m.name) for code, m in metrics().items()}
    names.update({"scope1": _("Scope 1"), "scope2_market": _("Scope 2 (market-based)"),
                  "biogenic": _("Biogenic CO2, reported apart (not in the stack)"),
                  "scope2": _("Purchased electricity (scope 2, market-based)"), "fossil_fuels": _("Fossil fuels"),
                  "renewable": _("Renewable (biomass, on-site solar)"), "grid": _("Grid electricity"),
                  "actual": _("Actual (scope 1 + 2, location-based)"),
                  # xgettext:no-python-format
                  "path": _("Reference path: 4.2 % of the base year less each year"),
                  "projection": _("Projection (least-squares trend of the complete years)"),
                  "annualised": _("Year in progress, annualised from its months")})
    return names


class Column(NamedTuple):
    """A column of a page's table: the derived column it shows (``analytics.kinds`` knows its kinds), its
    heading and its number format (a ``floatformat`` argument, grouped: "1g" writes 4,442.7 in English and 4.442,7
    in Vietnamese)."""

    name: str
    label: str
    digits: str = "3g"


#: The headings of the derived columns the pages' tables show.
LABELS = {
    "scope1_tco2e": gettext_lazy("scope 1 [t CO2e]"), "scope2_location_tco2e": gettext_lazy("scope 2, location [t CO2e]"),
    "scope2_market_tco2e": gettext_lazy("scope 2, market [t CO2e]"), "biogenic_co2_t": gettext_lazy("biogenic CO2 [t]"),
    "energy_gj": gettext_lazy("energy [GJ]"), "water_withdrawn_m3": gettext_lazy("water [m³]"),
    "waste_kg": gettext_lazy("waste [kg]"), "renewable_share": gettext_lazy("renewable share"),
    "total_location_tco2e": gettext_lazy("scope 1 + 2, location [t CO2e]"),
    "tco2e_per_kg": gettext_lazy("t CO2e per kg of output"), "energy_gj_per_kg": gettext_lazy("GJ per kg of output"),
    "water_m3_per_kg": gettext_lazy("m³ of water per kg of output"),
}


def _columns(**digits: str) -> tuple[Column, ...]:
    """Columns by name, each with its ``floatformat`` argument ("%" for a share shown as a percentage)."""
    return tuple(Column(name, LABELS[name], d) for name, d in digits.items())


MONTH_COLUMNS = _columns(scope1_tco2e="3g", scope2_location_tco2e="3g", scope2_market_tco2e="3g", biogenic_co2_t="3g",
                         energy_gj="1g", water_withdrawn_m3="0g", waste_kg="0g")
FACILITY_COLUMNS = _columns(scope1_tco2e="1g", scope2_location_tco2e="1g", scope2_market_tco2e="1g", biogenic_co2_t="1g",
                            renewable_share="%")
PROCESS_COLUMNS = _columns(total_location_tco2e="1g", tco2e_per_kg="6g", energy_gj_per_kg="4g", water_m3_per_kg="4g")


def readable(columns, kinds) -> list[Column]:
    return [c for c in columns if column_kinds.allowed(c.name, kinds)]


@login_required
def facility_emissions(request, pk, year=None, target_form=None):
    facility = facility_with_data(request.user, pk, DataKind.GHG)
    choice = clock.page_year(year, selectors.years_with_data(Facility.objects.filter(pk=facility.pk)), compares=True)
    year = choice.year
    kinds = policy.data_kinds(request.user, facility)
    kind = clock.comparison_kind(request)
    basis = verification.basis(request)
    data = selectors.facility_year(facility, year, kinds=kinds, kind=kind, today=clock.today(),
                                   deadline_day=clock.deadline_day(), verified_only=basis == verification.VERIFIED)
    data["charts"].update(names=chart_names(), apart=list(APART))
    if data["trajectory"]["target"]:
        data["charts"]["names"]["path"] = _("Target path")
    t = data["trajectory"]
    data["charts"]["trajectory"] = {"actual": t["actual"], "path": t["path"], "projection": t["projection"]}
    if any(v is not None for v in t["annualised"]):
        data["charts"]["trajectory"]["annualised"] = t["annualised"]
    data["charts"]["trajectory_years"] = t["years"]
    can_set_target = policy.can(request.user, Action.EDIT, facility)
    target = data["trajectory"]["target"]
    if can_set_target and target_form is None:
        initial = ({"base_year": target.base_year, "target_year": target.target_year, "basis": target.basis,
                    "boundary": target.boundary, "annual_rate_percent": round(target.annual_rate * 100, 3)} if target else
                   {"base_year": data["trajectory"]["base_year"], "target_year": 2030, "annual_rate_percent": "4.2"})
        target_form = TargetForm(initial=initial)
    return render(request, "inventories/facility.html", {
        "facility": facility, "data": data, "choice": choice, "kind": kind, "basis": basis, **_labels(data),
        "columns": readable(MONTH_COLUMNS, kinds),
        "target_form": target_form if can_set_target else None},
        status=400 if target_form is not None and target_form.is_bound else 200)


def _labels(data) -> dict:
    """The words of the periods a page compares: "Jan–Mar 2026 against Jan–Mar 2025"."""
    return {"comparison": clock.comparison_label(data["shown"], data["before"]),
            "shown_label": clock.period_label(data["shown"]), "before_label": clock.period_label(data["before"])}


@login_required
@require_POST
def target_set(request, pk, year):
    """Set or replace the facility's emissions target (facility managers and programme admins)."""
    facility = facility_with_data(request.user, pk, DataKind.GHG, action=Action.EDIT)
    year = data_year(year)
    form = TargetForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.target_set(by=request.user, facility=facility, base_year=data["base_year"],
                                target_year=data["target_year"], annual_rate=float(data["annual_rate_percent"]) / 100,
                                basis=data["basis"], boundary=data["boundary"])
        except ValidationError as exc:
            errors_onto_form(form, ValidationError({"annual_rate_percent" if field == "annual_rate" else field: errors
                                                    for field, errors in exc.message_dict.items()}))
        else:
            messages.success(request, _("Target saved."))
            return redirect("inventories:facility_year", pk=facility.pk, year=year)
    return facility_emissions(request, facility.pk, year, target_form=form)


@login_required
def month_explanation(request, pk, year, month):
    facility = facility_with_data(request.user, pk, DataKind.GHG)
    year = data_year(year)
    if not 1 <= month <= 12:
        raise Http404
    rows = selectors.month_rows(facility, year, kinds=policy.data_kinds(request.user, facility))
    row = next((r for r in rows if r["period"] == datetime.date(year, month, 1)), None)
    if row is None:
        raise Http404
    # the year's flags numbered once, as the months table marks them
    explained = explain.month(row, explain.year_flags(rows))
    template = "_explanation.html" if request.headers.get("HX-Request") == "true" else "explanation.html"
    return render(request, f"inventories/{template}", {"facility": facility, "x": explained})


def _month_headers(numbers) -> list[str]:
    return [_("facility"), _("month"), _("GWP set"), *(str(Inventory._meta.get_field(n).verbose_name) for n in numbers),
            _("flags"), _("factor data version"), _("verification")]


def _download(content_rows, headers, name: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    body = table_csv(headers, content_rows) if fmt == "csv" else table_xlsx(_("inventory"), headers, content_rows)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def facility_emissions_download(request, pk, year, fmt):
    facility = facility_with_data(request.user, pk, DataKind.GHG)
    year = data_year(year)
    kinds = policy.data_kinds(request.user, facility)
    numbers = column_kinds.readable(selectors.NUMBERS, kinds)
    verified_only = verification.basis(request) == verification.VERIFIED
    rows = ([facility.name, f"{r['period']:%Y-%m}", r["gwp_set"], *(r[n] for n in numbers), r["flags"],
             r["factors_version"], r["status"]] for r in selectors.facility_year(facility, year, kinds=kinds,
                                                                    verified_only=verified_only)["months"])
    return _download(rows, _month_headers(numbers), f"inventory-facility-{facility.pk}-{year}", fmt)


# --- parks and programmes ----------------------------------------------------------

def _park(request, pk):
    park = policy.parks_visible(request.user).filter(pk=pk).first()
    if park is None:
        raise Http404
    return park, policy.facilities_with_data(request.user, DataKind.GHG).filter(park=park)


def _programme(request, pk):
    programme = policy.programmes_visible(request.user).filter(pk=pk).first()
    if programme is None:
        raise Http404
    facilities = policy.facilities_with_data(request.user, DataKind.GHG).filter(
        pk__in=policy.facilities_in_programme(programme.pk).values("pk"))
    return programme, facilities


SCOPES = {"park": _park, "programme": _programme}


@login_required
def portfolio_emissions(request, scope, pk, year=None):
    subject, facilities = SCOPES[scope](request, pk)
    choice = clock.page_year(year, selectors.years_with_data(facilities), compares=True)
    year = choice.year
    kinds = policy.common_data_kinds(request.user, facilities)
    kind = clock.comparison_kind(request)
    basis = verification.basis(request)
    data = selectors.portfolio_year(facilities, year, kinds=kinds, kind=kind, verified_only=basis == verification.VERIFIED)
    charts = {"months": list(range(1, 13)), "names": chart_names(), "apart": list(APART), "scopes": {"scope1": [None] * 12,
              "scope2_market": [None] * 12, "biogenic": [None] * 12}}
    for r in data["by_month"]:
        i = r["period"].month - 1
        charts["scopes"]["scope1"][i] = r["scope1_tco2e"]
        charts["scopes"]["scope2_market"][i] = r["scope2_market_tco2e"]
        charts["scopes"]["biogenic"][i] = r["biogenic_co2_t"]
    context = {"scope": scope, "subject": subject, "data": data, "charts": charts, "choice": choice, "kind": kind,
               "basis": basis,
               "year_url": f"inventories:{scope}_year", **_labels(data),
               "facility_columns": readable(FACILITY_COLUMNS, kinds), "process_columns": readable(PROCESS_COLUMNS, kinds),
               "withheld": DataKind.ENVIRONMENTAL not in kinds, "rate_link": _rate_link(request.user)}
    return render(request, "inventories/portfolio.html", context)


def _rate_link(user) -> bool:
    from loomlight.reporting.rate import may_open   # the reporting rate of the park's or programme's facilities

    return may_open(user)


PORTFOLIO_COLUMNS = ("scope1_tco2e", "scope2_location_tco2e", "scope2_market_tco2e", "biogenic_co2_t", "co2_fossil_t",
                     "ch4_t", "n2o_t", "energy_gj", "renewable_gj", "renewable_share", "grid_kwh", "water_withdrawn_m3",
                     "wastewater_m3", "waste_kg", "diversion_rate", "production_kg", "production_m", "production_pieces",
                     "production_pairs", "tco2e_per_kg", "tco2e_per_m", "tco2e_per_piece", "tco2e_per_pair",
                     "facility_months")


@login_required
def portfolio_download(request, scope, pk, year, fmt):
    subject, facilities = SCOPES[scope](request, pk)
    year = data_year(year)
    kinds = policy.common_data_kinds(request.user, facilities)
    verified_only = verification.basis(request) == verification.VERIFIED
    states = verification.Tally()
    rows = selectors.summary(facilities, year, ["facility_id", "facility", "park", "country", "process"], kinds=kinds,
                             verified_only=verified_only, tally=states)
    columns = column_kinds.readable(PORTFOLIO_COLUMNS, kinds)
    verified, submitted, draft = states.verified, states.submitted, states.draft
    headers = [_("facility id"), _("facility"), _("industrial park"), _("country"), _("process class"), *columns,
               _("months verified"), _("months submitted"), _("months draft")]
    content = ([r["facility_id"], r["facility"], r["park"], r["country"], r["process"],
                *(r[c] for c in columns), verified.get(r["facility_id"], 0), submitted.get(r["facility_id"], 0),
                draft.get(r["facility_id"], 0)] for r in rows)
    return _download(content, headers, f"inventory-{scope}-{subject.pk}-{year}", fmt)
