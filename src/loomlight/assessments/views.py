"""Pages of assessments: the list and a new cycle, one assessment (answer, review, score explained), two cycles
compared, a park's tenants, actions and joint action plans.

Thin: authorise (``access``: 404 for what the reader may not see, 403 for what they may read but not do), parse,
call the service, render. Every write answers with a redirect (or the page again with every error named and
nothing saved).
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from loomlight.assessments import access, selectors, services
from loomlight.assessments.models import (
    Action, ActionStatus, AnswerFile, Assessment, AssessmentStatus, FrameworkVersion, JointActionPlan, VerificationMode,
)
from loomlight.calc.assessment.tree import text_in
from loomlight.registry import policy
from loomlight.registry.models import Facility, IndustrialPark, SharedFacility

MAX_TABLE_ROWS = 50   # rows a posted table may carry (more are a forged post, refused)


def _language() -> str:
    return (get_language() or "en").split("-")[0]


def _title(framework: FrameworkVersion) -> str:
    return text_in(framework.tree().title, _language())


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages_] for field, messages_ in exc.message_dict.items()}


# --- the list and a new cycle --------------------------------------------------------------------------------

def _startable_subjects(user) -> list[tuple[str, str]]:
    """(value "facility:12", label) of every subject the user may open a cycle for."""
    out = []
    facilities = (policy.facilities_enterable(user) | policy.facilities_verifiable(user)).distinct().order_by("name")
    out += [(f"facility:{f.pk}", f.name) for f in facilities]
    parks = [p for p in policy.parks_visible(user).order_by("name") if access.can_start(user, p)]
    out += [(f"park:{p.pk}", p.name) for p in parks]
    shared = SharedFacility.objects.filter(park__in=[p.pk for p in parks]).select_related("park").order_by("park__name", "name")
    out += [(f"shared_facility:{s.pk}", f"{s.name} ({s.park.name})") for s in shared]
    return out


def _subject(value: str):
    kind, _sep, pk = (value or "").partition(":")
    model = {"facility": Facility, "park": IndustrialPark, "shared_facility": SharedFacility}.get(kind)
    if model is None or not pk.isdigit():
        return None
    return model.objects.filter(pk=int(pk)).first()


@login_required
def assessment_list(request):
    frameworks = services.frameworks_current()
    queryset = (access.assessments_visible(request.user)
                .select_related("framework", "facility", "park", "shared_facility", "shared_facility__park"))
    status = request.GET.get("status", "")
    if status in AssessmentStatus.values:
        queryset = queryset.filter(status=status)
    framework = request.GET.get("framework", "")
    if framework:
        queryset = queryset.filter(framework_code=framework)
    year = request.GET.get("year", "")
    if year.isdigit():
        queryset = queryset.filter(year=int(year))
    rows = list(queryset.order_by("-year", "framework_code", "pk")[:200])
    subjects = _startable_subjects(request.user)
    today = timezone.localdate()
    form = {"framework": request.POST.get("framework", ""), "subject": request.POST.get("subject", ""),
            "year": request.POST.get("year", str(today.year - 1))}
    errors = {}
    if request.method == "POST":
        version = FrameworkVersion.objects.filter(pk=form["framework"]).first() if form["framework"].isdigit() else None
        subject = _subject(form["subject"])
        if version is None:
            errors["framework"] = [_("Choose a framework.")]
        if subject is None or form["subject"] not in dict(subjects):
            errors["subject"] = [_("Choose what is assessed.")]
        if not form["year"].isdigit():
            errors["year"] = [_("Choose a year from 2000 to %(year)s.") % {"year": today.year}]
        if not errors:
            try:
                created = services.assessment_start(by=request.user, framework=version, subject=subject, year=int(form["year"]))
            except PermissionDenied:
                errors["subject"] = [_("You cannot open a cycle for it.")]
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                return redirect("assessments:detail", created.pk)
    titles = {f.framework_id: _title(f) for f in frameworks}
    return render(request, "assessments/list.html", {
        "collector": bool(subjects),
        "rows": [(a, titles.get(a.framework_code) or a.framework_code) for a in rows],
        "frameworks": [(f.pk, f.framework_id, titles[f.framework_id], f.version, sorted(f.subject_kinds())) for f in frameworks],
        "subjects": subjects, "form": form, "errors": errors,
        "statuses": AssessmentStatus.choices, "status": status, "framework": framework, "year": year,
        "years": list(range(today.year, 1999, -1))[:10],
    })


# --- one assessment ------------------------------------------------------------------------------------------

def _assessment(request, pk) -> Assessment:
    assessment = selectors.load(pk, request.user)
    if assessment is None:
        raise Http404
    return assessment


def _previous(assessment: Assessment, user) -> Assessment | None:
    kind = assessment.subject_kind
    return (access.assessments_visible(user).filter(framework_code=assessment.framework_code, year__lt=assessment.year,
                                                    **{f"{kind}_id": getattr(assessment, f"{kind}_id")})
            .order_by("-year").first())


def _posted_answers(request, sections) -> tuple[dict, dict, dict]:
    """(answers, comments, files) of the questions shown on the form (each marks itself with ``p-<id>``)."""
    answers, comments, files = {}, {}, {}
    post = request.POST
    for section in sections:
        for row in section.rows:
            q = row.question
            if f"p-{q.id}" not in post:
                continue
            comments[q.id] = post.get(f"c-{q.id}", "")
            if post.get(f"na-{q.id}"):
                answers[q.id] = "na"
            elif q.type == "multiple_choice":
                answers[q.id] = ";".join(post.getlist(f"q-{q.id}"))
            elif q.type == "table":
                rows = []
                for i in range(MAX_TABLE_ROWS):
                    cells = {c.id: post.get(f"t-{q.id}-{i}-{c.id}", "").strip() for c in q.columns}
                    if not any(f"t-{q.id}-{i}-{c.id}" in post for c in q.columns):
                        break
                    if any(cells.values()):
                        rows.append({k: v for k, v in cells.items() if v})
                answers[q.id] = rows or None
            elif q.type == "evidence":
                upload = request.FILES.get(f"f-{q.id}")
                if upload is not None:
                    files[q.id] = upload
                    answers[q.id] = upload.name
            else:
                answers[q.id] = post.get(f"q-{q.id}", "")
    return answers, comments, files


def _form_values(sections, posted) -> None:
    """Give each row what its fields show: the posted values after a refused save (nothing was stored), else the
    stored answer."""
    for section in sections:
        for row in section.rows:
            q, answer = row.question, row.answer
            if posted is not None and f"p-{q.id}" in posted:
                row.form_na = bool(posted.get(f"na-{q.id}"))
                row.form_value = posted.get(f"q-{q.id}", "")
                row.form_values = posted.getlist(f"q-{q.id}")
                row.form_comment = posted.get(f"c-{q.id}", "")
                rows = []
                for i in range(MAX_TABLE_ROWS):
                    if not any(f"t-{q.id}-{i}-{c.id}" in posted for c in q.columns):
                        break
                    rows.append({c.id: posted.get(f"t-{q.id}-{i}-{c.id}", "") for c in q.columns})
                row.form_rows = rows
            else:
                value = answer.value if answer else None
                row.form_na = value == "na"
                row.form_value = "" if value is None or value == "na" or isinstance(value, list) else (
                    f"{value:g}" if isinstance(value, float) else str(value))
                row.form_values = list(value) if isinstance(value, list) and q.type == "multiple_choice" else []
                row.form_comment = answer.comment if answer else ""
                row.form_rows = [dict(r) for r in row.table_rows]
            if q.type == "table":
                row.form_rows = row.form_rows + [{} for _ in range(2)]


def _histogram(benchmark) -> list[dict]:
    if benchmark is None or not benchmark.bins:
        return []
    most = max(n for _lo, _hi, n, _own in benchmark.bins) or 1
    bars = []
    for i, (low, high, count, own) in enumerate(benchmark.bins):
        height = round(100 * count / most, 1)
        bars.append({"low": low, "high": high, "count": count, "own": own, "x": 2 + i * 30, "y": round(102 - height, 1),
                     "height": height})
    return bars


@login_required
def assessment_detail(request, pk):
    assessment = _assessment(request, pk)
    user = request.user
    language = _language()
    answers_for = access.can_answer(user, assessment)      # the reader's rights, asked once each
    verifies = access.can_verify(user, assessment)
    own = verifies and services._own(user, assessment)
    can_answer = answers_for and assessment.status in services.EDITABLE
    can_verify = verifies
    errors: dict[str, list[str]] = {}
    posted = None
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied
        _result, sections = selectors.sheet(assessment, language)
        answers, comments, files = _posted_answers(request, sections)
        for qid in request.FILES:
            if qid.startswith("e-") and qid[2:] in assessment.framework.tree().questions:
                files.setdefault(qid[2:], request.FILES[qid])
        try:
            with transaction.atomic():
                services.answers_save(by=user, assessment=assessment, answers=answers, comments=comments)
                for qid, upload in files.items():
                    services.answer_file_attach(by=user, assessment=assessment, question=qid, uploaded=upload)
        except ValidationError as exc:
            errors = _errors(exc)
            posted = request.POST
        else:
            messages.success(request, _("Saved. The score below is recomputed from your answers."))
            return redirect(reverse("assessments:detail", args=[assessment.pk]) + "#score")
        assessment = _assessment(request, pk)
    result, sections = selectors.sheet(assessment, language)
    _form_values(sections, posted)
    framework = assessment.framework.tree()
    benchmark = selectors.benchmark(assessment) if assessment.status == AssessmentStatus.VERIFIED else None
    gains = [(g, text_in(framework.questions[g.question].text, language)) for g in result.raise_most[:10]]
    previous = _previous(assessment, user)
    missing = dict(services.missing_for_submission(assessment)) if can_answer else {}
    return render(request, "assessments/detail.html", {
        "assessment": assessment, "framework": framework, "title": text_in(framework.title, language),
        "result": result, "sections": sections, "gains": gains, "errors": errors, "posted": posted,
        "can_answer": can_answer, "can_verify": can_verify and assessment.status == AssessmentStatus.SUBMITTED and not own,
        "own": own,
        "can_reopen": can_verify and assessment.status == AssessmentStatus.VERIFIED,
        "missing": missing, "previous": previous,
        # what a value from data was computed from (hours, injuries, water, lab results) is the facility's data of
        # other kinds: shown to its people and the programme, not to a brand reading through an "assessments" consent
        "names_people": answers_for or verifies, "who": _who(user, assessment, answers_for or verifies),
        "benchmark": benchmark, "histogram": _histogram(benchmark),
        "actions": list(selectors.actions_for(user, assessment=assessment)),
        "can_create_action": answers_for or verifies,
        "owners": list(policy.organisations_visible(user).order_by("name")) if (answers_for or verifies) and gains else [],
        "modes": VerificationMode.choices, "today": timezone.localdate(),
        "level_label": selectors.level_label(result.level_reached),
    })


@login_required
@require_POST
def assessment_transition(request, pk, action):
    assessment = _assessment(request, pk)
    calls = {
        "submit": lambda: services.assessment_submit(by=request.user, assessment=assessment),
        "return": lambda: services.assessment_return(by=request.user, assessment=assessment, comment=request.POST.get("comment", "")),
        "verify": lambda: services.assessment_verify(by=request.user, assessment=assessment, mode=request.POST.get("mode", ""),
                                                     comment=request.POST.get("comment", "")),
        "reopen": lambda: services.assessment_reopen(by=request.user, assessment=assessment, reason=request.POST.get("reason", "")),
    }
    if action not in calls:
        raise Http404
    done = {"submit": _("Submitted for verification."), "return": _("Returned for the evidence asked for."),
            "verify": _("Verified: the assessment is locked."), "reopen": _("Reopened: the reason is kept with the assessment.")}
    try:
        calls[action]()
    except ValidationError as exc:
        for field, problems in _errors(exc).items():
            for problem in problems:
                messages.error(request, problem if field in ("__all__", "mode", "reason", "comment") else f"{field}: {problem}")
    else:
        messages.success(request, done[action])
    return redirect("assessments:detail", assessment.pk)


@login_required
@require_POST
def answer_review(request, pk, question):
    assessment = _assessment(request, pk)
    try:
        services.answer_review(by=request.user, assessment=assessment, question=question,
                               decision=request.POST.get("decision", ""), value=request.POST.get("value", ""),
                               comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        for problems in _errors(exc).values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, _("Review saved."))
    return redirect(reverse("assessments:detail", args=[assessment.pk]) + f"#q-{question}")


@login_required
def answer_file(request, pk, file_pk):
    assessment = _assessment(request, pk)
    stored = AnswerFile.objects.filter(pk=file_pk, answer__assessment=assessment).first()
    if stored is None:
        raise Http404
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name,
                        content_type=stored.content_type)


@login_required
def assessment_compare(request, pk, other):
    first, second = _assessment(request, other), _assessment(request, pk)
    if (first.framework_code, first.subject) != (second.framework_code, second.subject):
        raise Http404
    if first.year > second.year:
        first, second = second, first
    totals, changes = selectors.compare(first, second, _language())
    return render(request, "assessments/compare.html", {
        "first": first, "second": second, "title": _title(second.framework), "totals": totals,
        "changes": [c for c in changes if c.changed], "unchanged": sum(1 for c in changes if not c.changed),
    })


def _names_people(user, assessment: Assessment) -> bool:
    """Whether the reader sees who answered, submitted and verified: the subject's people and the programme, not a
    brand or financier reading through a consent (as the API's consents withhold the facility's usernames)."""
    return access.can_answer(user, assessment) or access.can_verify(user, assessment)


def _who(user, assessment: Assessment, named: bool) -> dict[str, str]:
    """Who submitted, verified and reopened: usernames for the subject's people and the programme (``named``); in
    words for a brand or financier."""

    def name(person, anonymous):
        if person is None:
            return "—"
        return person.username if named else str(anonymous)
    return {"submitted": name(assessment.submitted_by, _("the assessed")),
            "verified": name(assessment.verified_by, _("an assessor")),
            "reopened": name(assessment.reopened_by, _("an assessor"))}


@login_required
def assessment_scorecard(request, pk):
    """The scorecard as a PDF in the reader's language: scores by section and level, actions, and the point-by-point
    explanation as an appendix; a score not yet verified says so on its first line."""
    from django.http import HttpResponse

    from loomlight.assessments.scorecard import ScorecardAction, scorecard_pdf

    assessment = _assessment(request, pk)
    language = _language()
    named = _names_people(request.user, assessment)
    actions = [ScorecardAction(a.title, a.owner.name, a.due_date, a.get_status_display())
               for a in selectors.actions_for(request.user, assessment=assessment)]
    verified = assessment.status == AssessmentStatus.VERIFIED
    pdf = scorecard_pdf(framework=assessment.framework.tree(), result=assessment.result(), subject_name=assessment.subject.name,
                        year=assessment.year, language=language, status_label=assessment.get_status_display(),
                        verified_by=(assessment.verified_by.username if named and assessment.verified_by else
                                     (_("an assessor") if verified else None)),
                        verified_at=assessment.verified_at if verified else None, actions=actions)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"scorecard-{assessment.framework_code}-{assessment.year}-{assessment.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- field collection -------------------------------------------------------------------------------------------

def _collector(user) -> bool:
    """Who takes field forms and imports submissions: whoever may open a cycle for some subject."""
    return bool(_startable_subjects(user))


@login_required
def framework_xlsform(request, pk):
    from django.http import HttpResponse

    from loomlight.assessments.field import xlsform_bytes

    if not _collector(request.user):
        raise PermissionDenied
    version = FrameworkVersion.objects.filter(pk=pk).first()
    if version is None:
        raise Http404
    subject = request.GET.get("subject") or None
    if subject not in (None, *sorted(version.subject_kinds())):
        raise Http404
    data = xlsform_bytes(version, subject)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{version.framework_id}-{version.version}{"-" + subject if subject else ""}.xlsx"'
    return response


MAX_IMPORT_BYTES = 10 * 1024 * 1024


@login_required
def framework_import(request, pk):
    from loomlight.assessments.field import ImportRefused, submissions_import

    if not _collector(request.user):
        raise PermissionDenied
    version = FrameworkVersion.objects.filter(pk=pk).first()
    if version is None:
        raise Http404
    kinds = sorted(version.subject_kinds())
    context = {"version": version, "title": _title(version), "kinds": kinds, "errors": None, "imported": None,
               "problem": "", "kind": request.POST.get("kind", kinds[0] if kinds else "facility")}
    if request.method == "POST":
        upload = request.FILES.get("file")
        if context["kind"] not in kinds:
            context["problem"] = _("Choose what the form assessed.")
        elif upload is None:
            context["problem"] = _("Choose the file exported from KoboToolbox or ODK Central.")
        elif upload.size > MAX_IMPORT_BYTES:
            context["problem"] = _("The file is larger than %(mb)s MB.") % {"mb": MAX_IMPORT_BYTES // 1024 // 1024}
        else:
            try:
                context["imported"] = submissions_import(by=request.user, version=version, data=upload.read(),
                                                         filename=upload.name, subject_kind=context["kind"])
            except ImportRefused as exc:
                context["errors"] = exc.errors
    return render(request, "assessments/import.html", context)


# --- parks: tenants and joint action plans ---------------------------------------------------------------------

def _park(request, pk) -> IndustrialPark:
    park = policy.parks_visible(request.user).filter(pk=pk).first()
    if park is None:
        raise Http404
    return park


@login_required
def park_tenants(request, pk):
    park = _park(request, pk)
    if access.tenant_scores_visible(request.user, park).query.is_empty():
        raise PermissionDenied
    rows = selectors.tenants(park, request.user)
    titles = {}
    for a in rows:
        titles.setdefault(a.framework_code, _title(a.framework))
    return render(request, "assessments/tenants.html", {"park": park, "rows": [(a, titles[a.framework_code]) for a in rows]})


@login_required
def park_plans(request, pk):
    park = _park(request, pk)
    visible = access.plans_visible(request.user).filter(park=park)
    editable = access.plans_editable(request.user).filter(pk=park.pk).exists()
    if not editable and not visible.exists():
        raise PermissionDenied
    errors, form = {}, {"title": "", "year": str(timezone.localdate().year), "description": ""}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = {k: request.POST.get(k, "").strip() for k in form}
        try:
            plan = services.plan_create(by=request.user, park=park, title=form["title"],
                                        year=int(form["year"]) if form["year"].isdigit() else timezone.localdate().year,
                                        description=form["description"])
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect("assessments:plan", plan.pk)
    plans = list(visible.prefetch_related("actions", "actions__owner").order_by("-year", "title"))
    return render(request, "assessments/plans.html", {"park": park, "plans": plans, "editable": editable,
                                                      "errors": errors, "form": form, "today": timezone.localdate()})


@login_required
def plan_detail(request, pk):
    plan = access.plans_visible(request.user).select_related("park").filter(pk=pk).first()
    if plan is None:
        raise Http404
    editable = access.plans_editable(request.user).filter(pk=plan.park_id).exists()
    errors, form = {}, {"owner": "", "title": "", "due_date": "", "description": ""}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form = {k: request.POST.get(k, "").strip() for k in form}
        owner = policy.organisations_visible(request.user).filter(pk=form["owner"]).first() if form["owner"].isdigit() else None
        try:
            due = datetime.date.fromisoformat(form["due_date"]) if form["due_date"] else None
        except ValueError:
            due = None
        try:
            services.action_create(by=request.user, plan=plan, owner=owner, title=form["title"], due_date=due,
                                   description=form["description"])
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Commitment added."))
            return redirect("assessments:plan", plan.pk)
    actions = list(plan.actions.select_related("owner").order_by("due_date", "pk"))
    return render(request, "assessments/plan.html", {
        "plan": plan, "actions": actions, "editable": editable, "errors": errors, "form": form,
        "owners": policy.organisations_visible(request.user).order_by("name") if editable else [],
        "today": timezone.localdate(), "owners_count": len({a.owner_id for a in actions}),
    })


# --- actions -----------------------------------------------------------------------------------------------------

@login_required
def action_list(request):
    today = timezone.localdate()
    queryset = selectors.actions_for(request.user)
    state = request.GET.get("state", "")
    if state == "overdue":
        queryset = queryset.filter(status__in=("open", "in_progress"), due_date__lt=today)
    elif state in ActionStatus.values:
        queryset = queryset.filter(status=state)
    mine = request.GET.get("mine") == "1"
    if mine:
        queryset = queryset.filter(owner__in=access.organisations_answering(request.user).values("pk"))
    return render(request, "assessments/actions.html", {
        "actions": list(queryset[:300]), "today": today, "state": state, "mine": mine, "states": ActionStatus.choices,
    })


@login_required
@require_POST
def action_from_question(request, pk):
    assessment = _assessment(request, pk)
    owner = policy.organisations_visible(request.user).filter(pk=request.POST.get("owner") or 0).first() \
        if (request.POST.get("owner") or "").isdigit() else None
    try:
        due = datetime.date.fromisoformat(request.POST.get("due_date", ""))
    except ValueError:
        due = None
    question = request.POST.get("question", "")
    try:
        services.action_create(by=request.user, assessment=assessment, question=question, owner=owner,
                               title=request.POST.get("title", ""), due_date=due,
                               description=request.POST.get("description", ""))
    except PermissionDenied:
        raise
    except ValidationError as exc:
        for problems in _errors(exc).values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, _("Action created."))
    return redirect(reverse("assessments:detail", args=[assessment.pk]) + "#actions")


@login_required
def action_detail(request, pk):
    action = selectors.actions_for(request.user).filter(pk=pk).first()
    if action is None:
        raise Http404
    can_report = access.can_report_action(request.user, action) and action.status in ("open", "in_progress")
    can_verify = access.can_verify_action(request.user, action) and action.status == "completed" \
        and action.completed_by_id != request.user.pk
    if request.method == "POST":
        try:
            if request.POST.get("do") == "verify":
                if not can_verify:
                    raise PermissionDenied
                services.action_verify(by=request.user, action=action, accept=request.POST.get("accept") == "1",
                                       comment=request.POST.get("comment", ""))
            else:
                if not access.can_report_action(request.user, action):
                    raise PermissionDenied
                services.action_report(by=request.user, action=action, status=request.POST.get("status", ""),
                                       note=request.POST.get("note", ""), uploaded=request.FILES.get("file"))
        except ValidationError as exc:
            for problems in _errors(exc).values():
                for problem in problems:
                    messages.error(request, problem)
        else:
            messages.success(request, _("Saved."))
        return redirect("assessments:action", action.pk)
    question_text = ""
    if action.assessment_id and action.question:
        question = action.assessment.framework.tree().questions.get(action.question)
        question_text = text_in(question.text, _language()) if question else action.question
    return render(request, "assessments/action.html", {
        "action": action, "can_report": can_report, "can_verify": can_verify, "today": timezone.localdate(),
        "question_text": question_text,
        "assessment_visible": bool(action.assessment_id and access.can_view(request.user, action.assessment)),
        "plan_visible": bool(action.plan_id and access.plans_visible(request.user).filter(pk=action.plan_id).exists()),
    })


@login_required
def action_file(request, pk):
    action = selectors.actions_for(request.user).filter(pk=pk).first()
    if action is None or not action.completion_file:
        raise Http404
    return FileResponse(action.completion_file.open("rb"), as_attachment=True,
                        filename=action.completion_file_name or "evidence")
