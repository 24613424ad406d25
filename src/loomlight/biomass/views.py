"""Pages of biomass sourcing: a facility's supply (the tonnes-weighted rating first), its suppliers and streams,
a stream's value chain and screening history, the screening form and its result, and the portfolio across
facilities (brands, programmes).

Thin: authorise (``biomass.access``: 404 for what the reader may not see, 403 for what they read but may not do),
parse, call the service, render. Every rating comes from the risk engine through the services.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loomlight.biomass import access, chain, selectors, services
from loomlight.biomass.models import (
    ChainStep, Rating, Screening, ScreeningStatus, Supplier, SupplierRole, SupplyStream, TransportMode,
)
from loomlight.calc.assessment.tree import text_in


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    """The messages by field; those of no field under "form" (a template cannot read "__all__")."""
    if hasattr(exc, "error_dict"):
        return {("form" if f == "__all__" else f): [str(m) for m in ms] for f, ms in exc.message_dict.items()}
    return {"form": [str(m) for m in exc.messages]}


def _an_id(value: str) -> bool:
    """An id a database can look up (digits, at most nine: a longer number overflows SQLite's integer)."""
    return value.isascii() and value.isdigit() and len(value) <= 9


def _facility(user, pk):
    facility = access.facilities_readable(user).filter(pk=pk).first()
    if facility is None:
        raise Http404
    return facility


def _stream(user, pk) -> SupplyStream:
    stream = (SupplyStream.objects.filter(pk=pk, facility__in=access.facilities_readable(user).values("pk"))
              .select_related("facility", "supplier").first())
    if stream is None:
        raise Http404
    return stream


def _screening(user, pk) -> Screening:
    found = (Screening.objects.filter(pk=pk, stream__facility__in=access.facilities_readable(user).values("pk"))
             .select_related("stream__facility", "stream__supplier", "by").first())
    if found is None:
        raise Http404
    return found


def _type_name(code: str) -> str:
    from loomlight.reference.biomass import UnknownBiomassType, name

    try:
        return name(code, _language())
    except UnknownBiomassType:
        return code


def _type_choices():
    from loomlight.reference.biomass import name, types

    return [(t.code, name(t.code, _language()), t.metric) for t in types()]


def _typical_risks(code: str, stages) -> list[dict]:
    """The catalogue's typical risks of the type at ``stages`` (reference.biomass.risks)."""
    from loomlight.reference.biomass import UnknownBiomassType, risks

    try:
        found = risks(code)
    except UnknownBiomassType:
        return []
    language = _language()
    return [{"stage": r.stage, "level": r.level, "text": r.text.get(language) or r.text.get("en", ""), "source": r.source}
            for r in found if r.stage in stages]


# --- a facility's supply --------------------------------------------------------------------------------------

@login_required
def supply_home(request):
    """The facilities whose biomass sourcing the viewer reads, each with its supply at a glance."""
    facilities = list(access.facilities_readable(request.user).order_by("name")[:500])
    writable = set(access.facilities_writable(request.user).values_list("pk", flat=True))
    return render(request, "biomass/home.html", {"facilities": facilities, "writable": writable})


@login_required
def facility_supply(request, pk):
    facility = _facility(request.user, pk)
    supply = selectors.supply_risk(facility, request.user)
    context = {
        "facility": facility, "supply": supply, "type_names": {s.stream.pk: _type_name(s.stream.biomass_type) for s in supply.streams},
        "buckets": [(b, supply.by_rating[b]) for b in selectors.BUCKETS],
        "writable": access.can_write(request.user, facility),
        "internal": access.can_read_internal(request.user, facility),
        "suppliers": facility.biomass_suppliers.order_by("name"),
        "inactive": facility.biomass_streams.filter(active=False).select_related("supplier"),
    }
    return render(request, "biomass/facility.html", context)


def _writable_facility(user, pk):
    facility = _facility(user, pk)
    if not access.can_write(user, facility):
        raise PermissionDenied
    return facility


SUPPLIER_FIELDS = ("name", "country", "province", "role", "notes")
STREAM_FIELDS = ("supplier", "biomass_type", "metric", "share", "available_t_per_year", "certification_scheme",
                 "certificate_number", "certificate_valid_until")
STEP_FIELDS = ("role", "name", "country", "province", "distance_km", "mode", "notes")


def _posted(request, names) -> dict:
    return {n: request.POST.get(n, "") for n in names if n in request.POST}


def _supplier_form(request, facility, supplier=None):
    errors, values = {}, {n: getattr(supplier, n, "") for n in SUPPLIER_FIELDS} if supplier else {"role": SupplierRole.TRADER}
    if request.method == "POST":
        data = _posted(request, SUPPLIER_FIELDS)
        values.update(data)
        try:
            if supplier is None:
                services.supplier_create(by=request.user, facility=facility, data=data)
                messages.success(request, _("Supplier added."))
            else:
                services.supplier_update(by=request.user, supplier=supplier, data=data)
                messages.success(request, _("Supplier saved."))
            return redirect("biomass:facility", facility.pk)
        except ValidationError as exc:
            errors = _errors(exc)
    return render(request, "biomass/supplier_form.html", {"facility": facility, "supplier": supplier, "values": values,
                                                         "errors": errors, "roles": SupplierRole.choices},
                  status=400 if errors else 200)


@login_required
def supplier_new(request, pk):
    return _supplier_form(request, _writable_facility(request.user, pk))


@login_required
def supplier_edit(request, pk):
    supplier = Supplier.objects.filter(pk=pk, facility__in=access.facilities_readable(request.user).values("pk")).first()
    if supplier is None:
        raise Http404
    return _supplier_form(request, _writable_facility(request.user, supplier.facility_id), supplier)


def _stream_data(request, facility) -> dict:
    data = _posted(request, STREAM_FIELDS)
    if "supplier" in data:
        sid = data["supplier"]
        data["supplier"] = facility.biomass_suppliers.filter(pk=int(sid)).first() if _an_id(sid) else None
    if request.POST.get("has_active"):
        data["active"] = bool(request.POST.get("active"))
    return data


def _stream_form(request, facility, stream=None):
    errors = {}
    values = ({n: getattr(stream, n if n != "supplier" else "supplier_id", "") for n in STREAM_FIELDS} | {"active": stream.active}
              if stream else {"supplier": request.GET.get("supplier", ""), "active": True})
    if request.method == "POST":
        data = _stream_data(request, facility)
        values.update(_posted(request, STREAM_FIELDS))
        try:
            if stream is None:
                stream = services.stream_create(by=request.user, facility=facility, data=data)
                messages.success(request, _("Supply stream added: describe its chain from the origin."))
            else:
                stream = services.stream_update(by=request.user, stream=stream, data=data)
                messages.success(request, _("Supply stream saved."))
            return redirect("biomass:stream", stream.pk)
        except ValidationError as exc:
            errors = _errors(exc)
    from loomlight.reference.metrics import metrics

    fuels = [(m.code, _(m.name)) for m in metrics().values() if m.category == "fuel"]
    return render(request, "biomass/stream_form.html", {
        "facility": facility, "stream": stream, "values": values, "errors": errors,
        "suppliers": facility.biomass_suppliers.order_by("name"), "types": _type_choices(), "fuels": fuels},
        status=400 if errors else 200)


@login_required
def stream_new(request, pk):
    return _stream_form(request, _writable_facility(request.user, pk))


@login_required
def stream_edit(request, pk):
    stream = _stream(request.user, pk)
    return _stream_form(request, _writable_facility(request.user, stream.facility_id), stream)


# --- a stream and its chain -----------------------------------------------------------------------------------

@dataclass
class StepView:
    step: ChainStep
    stages: tuple
    risks: list = field(default_factory=list)


@login_required
def stream_detail(request, pk, step_errors=None, status=200):
    stream = _stream(request.user, pk)
    facility = stream.facility
    steps = [StepView(s, chain.stages_of(s.role), _typical_risks(stream.biomass_type, chain.stages_of(s.role)))
             for s in stream.steps.order_by("position")]
    screenings = list(stream.screenings.select_related("by").order_by("-created_at", "-pk"))
    return render(request, "biomass/stream.html", {
        "facility": facility, "stream": stream, "type_name": _type_name(stream.biomass_type), "steps": steps,
        "factory_risks": _typical_risks(stream.biomass_type, ("combustion",)),
        "rollup": services.stream_rollup(stream), "screenings": screenings,
        "draft": next((s for s in screenings if s.status == ScreeningStatus.DRAFT), None),
        "writable": access.can_write(request.user, facility), "internal": access.can_read_internal(request.user, facility),
        "roles": SupplierRole.choices, "modes": TransportMode.choices, "step_errors": step_errors or {},
        "step_values": request.POST if step_errors else {},
    }, status=status)


def _writable_step(user, pk) -> ChainStep:
    step = (ChainStep.objects.filter(pk=pk, stream__facility__in=access.facilities_readable(user).values("pk"))
            .select_related("stream__facility").first())
    if step is None:
        raise Http404
    if not access.can_write(user, step.stream.facility):
        raise PermissionDenied
    return step


def _step_data(request) -> dict:
    data = _posted(request, STEP_FIELDS)
    data["known"] = bool(request.POST.get("known"))
    return data


@login_required
@require_POST
def step_add(request, pk):
    stream = _stream(request.user, pk)
    if not access.can_write(request.user, stream.facility):
        raise PermissionDenied
    position = request.POST.get("position", "")
    try:
        services.step_add(by=request.user, stream=stream, data=_step_data(request),
                          position=int(position) if _an_id(position) else (position or None))
    except ValidationError as exc:
        return stream_detail(request, pk, step_errors=_errors(exc), status=400)
    messages.success(request, _("Step added."))
    return redirect("biomass:stream", stream.pk)


@login_required
def step_edit(request, pk):
    step = _writable_step(request.user, pk)
    errors, values = {}, {n: getattr(step, n) for n in (*STEP_FIELDS, "known")}
    if request.method == "POST":
        values.update(_step_data(request))
        try:
            services.step_update(by=request.user, step=step, data=_step_data(request))
            messages.success(request, _("Step saved."))
            return redirect("biomass:stream", step.stream_id)
        except ValidationError as exc:
            errors = _errors(exc)
    return render(request, "biomass/step_form.html", {"step": step, "stream": step.stream, "facility": step.stream.facility,
                                                     "values": values, "errors": errors, "roles": SupplierRole.choices,
                                                     "modes": TransportMode.choices}, status=400 if errors else 200)


@login_required
@require_POST
def step_remove(request, pk):
    step = _writable_step(request.user, pk)
    stream_id = step.stream_id
    services.step_remove(by=request.user, step=step)
    messages.success(request, _("Step removed."))
    return redirect("biomass:stream", stream_id)


@login_required
@require_POST
def step_move(request, pk):
    step = _writable_step(request.user, pk)
    try:
        services.step_move(by=request.user, step=step, offset=-1 if request.POST.get("direction") == "up" else 1)
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in _errors(exc).values() for m in ms))
    return redirect("biomass:stream", step.stream_id)


# --- screenings -----------------------------------------------------------------------------------------------

@login_required
@require_POST
def screening_new(request, pk):
    stream = _stream(request.user, pk)
    if not access.can_write(request.user, stream.facility):
        raise PermissionDenied
    try:
        screening = services.screening_start(by=request.user, stream=stream)
    except ValidationError as exc:
        messages.error(request, " ".join(m for ms in _errors(exc).values() for m in ms))
        return redirect("biomass:stream", stream.pk)
    return redirect("biomass:screening_edit", screening.pk)


# --- the reasoning, in the reader's language --------------------------------------------------------------------

def _rating_words() -> dict[str, str]:
    """The ratings as the badges read them (the same msgids as biomass/_rating.html)."""
    return {"low": _("Low risk"), "medium": _("Medium risk"), "high": _("High risk"),
            "unknown": _("Unknown: information missing")}


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _band_words(question, value) -> str:
    """The band of the number question's bands that holds ``value``: "up to 50 km", "50 to 200 km", "more than 200 km"."""
    unit = question.unit if question.unit not in (None, "1") else ""
    low = None
    for band in question.bands:
        if band.at_most is None or value <= band.at_most:
            if band.at_most is None:
                return (_("more than %(limit)s %(unit)s") % {"limit": _number(low), "unit": unit}).strip() if low is not None else ""
            if low is None:
                return (_("up to %(limit)s %(unit)s") % {"limit": _number(band.at_most), "unit": unit}).strip()
            return (_("%(low)s to %(high)s %(unit)s") % {"low": _number(low), "high": _number(band.at_most), "unit": unit}).strip()
        low = band.at_most
    return ""


def reason_text(tree, row: dict, language: str) -> str:
    """Why a question of a stored result is rated as it is, in ``language``: the framework's own reason for the
    answer when it gives one; else the answer as the reader reads it (the choice's label; a number with its unit and
    band) and the rating. Display only: the stored result keeps the engine's reason."""
    from loomlight.calc.assessment.risk import _outcome

    question = tree.questions.get(row["id"]) if tree is not None else None
    stored = row.get("reason") or {}
    if question is None:   # the framework is no longer shipped as answered: the stored words
        return stored.get(language) or stored.get("en", "")
    words, answer = _rating_words(), row.get("answer")
    if answer is None:
        gate = question.when.question if question.when is not None else None
        if gate is not None and (gate_q := tree.questions.get(gate)) is not None and stored.get("en", "").startswith("not known whether"):
            return _("Not known whether it applies: first answer «%(question)s».") % {"question": text_in(gate_q.text, language)}
        return _("Not answered.")
    try:
        outcome = _outcome(question, tuple(answer) if isinstance(answer, list) else answer)
    except (KeyError, StopIteration, TypeError):   # an answer the framework no longer knows: the stored words
        return stored.get(language) or stored.get("en", "")
    if outcome.reason:
        return text_in(outcome.reason, language)
    rating = words.get(row.get("rating"), row.get("rating", ""))
    labels = {c.code: text_in(c.label, language) for c in question.choices}
    if question.type == "yes_no":
        said = {"yes": _("yes"), "no": _("no")}.get(answer, str(answer))
    elif question.type in ("single_choice", "multiple_choice"):
        codes = answer if isinstance(answer, (list, tuple)) else [answer]
        said = ", ".join(f"«{labels.get(code, code)}»" for code in codes)
    elif question.type == "number":
        unit = f" {question.unit}" if question.unit not in (None, "1") else ""
        band = _band_words(question, answer)
        said = f"{_number(answer)}{unit}" + (f" ({band})" if band else "")
    else:
        said = str(answer)
    return f"{said} → {rating}"


def with_colon(text: str) -> str:
    """A question's text as a label before its rating: a colon after it, unless it ends in a question mark."""
    text = text.rstrip()
    return text if text.endswith(("?", "？", ":")) else f"{text}:"


def not_applicable(tree, answers: dict) -> set[str] | None:
    """The ids of the rated questions the risk engine leaves out for ``answers`` (a ``when:`` not met, "na"): they
    do not apply and are not unknown. None when the answers cannot be rated as they stand."""
    from loomlight.calc.assessment.risk import rate

    try:
        result = rate(tree, answers)
    except (ValueError, KeyError, TypeError):   # AnswersInvalid, WrongKind are ValueErrors
        return None
    kept = {q.id for c in result.criteria for q in c.questions}
    return {qid for qid, q in tree.questions.items() if q.rated and qid not in kept}


@dataclass
class QuestionView:
    question: object
    text: str
    guidance: str
    value: object
    from_chain: bool
    chain_unknown: bool
    choices: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    applies: bool = True    # False: the engine leaves it out for the saved answers (a ``when:`` not met)


def _form_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _sections(tree, screening, posted=None, errors=None):
    language = _language()
    _given, _ids, unknown = chain.prefill(tree, services.stream_rollup(screening.stream))
    left_out = not_applicable(tree, screening.answers) or set()
    out = []
    for section in tree.sections:
        rows = []
        for q in section.questions:
            value = posted.get(f"q-{q.id}", "") if posted is not None and f"q-{q.id}" in posted else screening.answers.get(q.id)
            rows.append(QuestionView(q, text_in(q.text, language), text_in(q.guidance, language) if q.guidance else "",
                                     value if q.type == "multiple_choice" and isinstance(value, list) else _form_value(value),
                                     q.id in screening.from_chain, q.id in unknown,
                                     [(c.code, text_in(c.label, language)) for c in q.choices],
                                     (errors or {}).get(q.id, []), q.id not in left_out))
        out.append({"id": section.id, "title": text_in(section.title, language), "rows": rows})
    return out


@login_required
def screening_edit(request, pk):
    screening = _screening(request.user, pk)
    facility = screening.stream.facility
    if screening.status != ScreeningStatus.DRAFT:
        return redirect("biomass:screening", screening.pk)
    if not access.can_write(request.user, facility):
        raise PermissionDenied
    try:
        tree = services.framework_of(screening)
    except ValidationError as exc:   # the shipped version no longer gives its hash: a new screening is needed
        messages.error(request, " ".join(m for ms in _errors(exc).values() for m in ms))
        return redirect("biomass:stream", screening.stream_id)
    errors, posted = {}, None
    if request.method == "POST":
        posted = request.POST
        answers = {}
        for q in tree.questions.values():
            if f"q-{q.id}" in request.POST or f"p-{q.id}" in request.POST:
                answers[q.id] = (";".join(request.POST.getlist(f"q-{q.id}")) if q.type == "multiple_choice"
                                 else request.POST.get(f"q-{q.id}", ""))
        complete = request.POST.get("action") == "complete"
        if complete and not access.can_complete(request.user, facility):
            raise PermissionDenied
        try:
            with transaction.atomic():   # the answers and the completion together, or neither
                services.screening_answer(by=request.user, screening=screening, answers=answers)
                if complete:
                    services.screening_complete(by=request.user, screening=screening,
                                                screened_on=request.POST.get("screened_on") or None)
            if complete:
                messages.success(request, _("Screening completed."))
                return redirect("biomass:screening", screening.pk)
            messages.success(request, _("Draft saved."))
            return redirect("biomass:screening_edit", screening.pk)
        except ValidationError as exc:
            errors = _errors(exc)
        screening.refresh_from_db()
    return render(request, "biomass/screening_form.html", {
        "screening": screening, "stream": screening.stream, "facility": facility, "title": text_in(tree.title, _language()),
        "type_name": _type_name(screening.stream.biomass_type),
        "sections": _sections(tree, screening, posted, errors), "errors": errors,
        "can_complete": access.can_complete(request.user, facility),
    }, status=400 if errors else 200)


@login_required
def screening_detail(request, pk):
    screening = _screening(request.user, pk)
    facility = screening.stream.facility
    if screening.status == ScreeningStatus.DRAFT and access.can_write(request.user, facility):
        return redirect("biomass:screening_edit", screening.pk)
    language = _language()
    result, texts, tree = screening.result, {}, None
    try:
        tree = services.framework_of(screening)
        texts = {qid: text_in(q.text, language) for qid, q in tree.questions.items()}
        if screening.status != ScreeningStatus.COMPLETED:
            result = services.rate(screening)   # a draft's rating as it stands, for a reader who does not answer
    except ValidationError:   # the version it answered is no longer shipped as it was: the stored result, ids for texts
        tree = None

    def pick(text):
        return (text or {}).get(language) or (text or {}).get("en", "")

    criteria = [{"id": c["id"], "title": pick(c["title"]), "rating": c["rating"],
                 "questions": [{**q, "text": with_colon(texts.get(q["id"], q["id"])),
                                "reason": reason_text(tree, q, language),
                                "mitigation": pick(q["mitigation"])} for q in c["questions"]]}
                for c in result.get("criteria", [])]
    return render(request, "biomass/screening.html", {
        "screening": screening, "stream": screening.stream, "facility": facility, "criteria": criteria,
        "type_name": _type_name(screening.stream.biomass_type),
        "overall": result.get("overall"), "missing": [(qid, texts.get(qid, qid)) for qid in result.get("missing", [])],
        "knockouts": result.get("knockouts", []), "internal": access.can_read_internal(request.user, facility),
    })


# --- the portfolio --------------------------------------------------------------------------------------------

@login_required
def portfolio(request):
    filters = {}
    country = request.GET.get("country", "")
    if len(country) == 2 and country.isalpha():
        filters["country"] = country.upper()
    rating = request.GET.get("rating", "")
    if rating in (*Rating.values, "not_screened"):
        filters["rating"] = rating
    programme = request.GET.get("programme", "")
    if _an_id(programme):
        filters["programme"] = int(programme)
    found = selectors.portfolio(request.user, filters)
    return render(request, "biomass/portfolio.html", {
        "portfolio": found, "filters": filters, "ratings": [*Rating.choices, ("not_screened", _("Not screened"))],
        "type_names": {s.stream.pk: _type_name(s.stream.biomass_type) for r in found.rows for s in r.streams},
        "buckets": selectors.BUCKETS,
    })
