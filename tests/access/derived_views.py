"""Every route of the platform, classified: the ones that show data derived from a facility's or a shared
facility's data (walked by test_data_kinds.py as every kind of consent), and the others (forms, actions,
documentation), each with the reason it is not walked.

A new page, partial, download or API route fails ``test_every_route_is_classified`` until it is added here:
to ``DERIVED`` with how to build its URL from the canary world's ids (``Ids``), or to ``NOT_DERIVED`` with a
reason. A GET operation of the OpenAPI document counts as a route.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

YEAR = 2025
MONTH = 3


@dataclass(frozen=True)
class Ids:
    facility: int
    park: int
    programme: int
    organisation: int
    shared: int
    event: int
    shared_event: int
    evidence: int
    job: int
    permit: int
    assessment: int = 0   # Own Dyehouse's facility environmental assessment (its comment is the assessments canary)
    case: int = 0         # Own Dyehouse's business case (its title is the business cases canary)
    stream: int = 0       # Own Dyehouse's biomass supply stream (its supplier's name is the biomass canary)
    screening: int = 0    # that stream's completed screening


@dataclass(frozen=True)
class View:
    """A derived view: a URL name with its kwargs (from the ids), an optional query string and headers, and the
    format of its body: html, csv, xlsx, json or file (a download checked as text)."""

    name: str
    kwargs: Callable[[Ids], dict] = lambda ids: {}
    query: str = ""
    fmt: str = "html"
    headers: dict = field(default_factory=dict)

    def label(self) -> str:
        return f"{self.name}{'?' + self.query if self.query else ''}{' (htmx)' if self.headers else ''}"


def _facility(ids, **extra):
    return {"pk": ids.facility, **extra}


HTMX = {"HTTP_HX_REQUEST": "true"}

DERIVED: list[View] = [
    # the site and the registry
    View("home"),
    View("account"),
    View("notifications:list"),   # sentences about months (environmental) and consents (profile) of the reader's own notifications
    View("audit:list"),
    View("audit:download", fmt="csv"),
    View("registry:facilities"),
    View("registry:facility", lambda i: _facility(i)),
    View("registry:parks"),
    View("registry:park", lambda i: {"pk": i.park}),
    View("registry:organisations"),
    View("registry:organisation", lambda i: {"pk": i.organisation}),
    View("registry:consents"),
    View("registry:map"),
    View("registry:map_data", fmt="json"),
    # monthly data, imports and evidence
    View("reporting:facility", lambda i: _facility(i)),
    View("reporting:facility_year", lambda i: _facility(i, year=YEAR)),
    View("reporting:dashboard", lambda i: _facility(i)),
    View("reporting:dashboard_year", lambda i: _facility(i, year=YEAR)),
    View("reporting:review"),
    View("reporting:review", query="state=verified"),
    View("reporting:import_template", lambda i: _facility(i, year=YEAR), fmt="xlsx"),
    View("reporting:import", lambda i: _facility(i, year=YEAR)),
    View("reporting:import_job", lambda i: _facility(i, job=i.job)),
    View("reporting:import_errors", lambda i: _facility(i, job=i.job, fmt="csv"), fmt="csv"),
    View("reporting:import_errors", lambda i: _facility(i, job=i.job, fmt="xlsx"), fmt="xlsx"),
    View("evidence:download", lambda i: {"pk": i.evidence}, fmt="file"),
    # the reporting rate: months' states and metric counts of environmental data (programme teams, park operators)
    View("reporting:rate"),
    View("reporting:rate_download", lambda i: {"fmt": "csv"}, fmt="csv"),
    View("reporting:rate_download", lambda i: {"fmt": "xlsx"}, fmt="xlsx"),
    # wastewater and chemicals
    View("wastewater:facility", lambda i: _facility(i)),
    View("wastewater:event", lambda i: {"pk": i.event}),
    View("wastewater:shared", lambda i: {"pk": i.shared}),
    View("wastewater:event", lambda i: {"pk": i.shared_event}),
    View("wastewater:permit", lambda i: {"pk": i.permit}),
    View("wastewater:park", lambda i: {"pk": i.park}),
    View("wastewater:intake", lambda i: {"pk": i.shared}),
    View("chemicals:facility", lambda i: _facility(i)),
    View("chemicals:facility_year", lambda i: _facility(i, year=YEAR)),
    # emissions
    View("inventories:facility", lambda i: _facility(i)),
    View("inventories:facility_year", lambda i: _facility(i, year=YEAR)),
    View("inventories:explanation", lambda i: _facility(i, year=YEAR, month=MONTH)),
    View("inventories:explanation", lambda i: _facility(i, year=YEAR, month=MONTH), headers=HTMX),
    View("inventories:facility_download", lambda i: _facility(i, year=YEAR, fmt="csv"), fmt="csv"),
    View("inventories:facility_download", lambda i: _facility(i, year=YEAR, fmt="xlsx"), fmt="xlsx"),
    View("inventories:park", lambda i: {"pk": i.park}),
    View("inventories:park_year", lambda i: {"pk": i.park, "year": YEAR}),
    View("inventories:park_download", lambda i: {"pk": i.park, "year": YEAR, "fmt": "csv"}, fmt="csv"),
    View("inventories:park_download", lambda i: {"pk": i.park, "year": YEAR, "fmt": "xlsx"}, fmt="xlsx"),
    View("inventories:programme", lambda i: {"pk": i.programme}),
    View("inventories:programme_year", lambda i: {"pk": i.programme, "year": YEAR}),
    View("inventories:programme_download", lambda i: {"pk": i.programme, "year": YEAR, "fmt": "csv"}, fmt="csv"),
    View("inventories:programme_download", lambda i: {"pk": i.programme, "year": YEAR, "fmt": "xlsx"}, fmt="xlsx"),
    # the API's reads
    View("api:me", fmt="json"),
    View("api:organisation_list", fmt="json"),
    View("api:organisation_detail", lambda i: {"organisation_id": i.organisation}, fmt="json"),
    View("api:park_list", fmt="json"),
    View("api:park_detail", lambda i: {"park_id": i.park}, fmt="json"),
    View("api:facility_list", fmt="json"),
    View("api:facility_detail", lambda i: {"facility_id": i.facility}, fmt="json"),
    View("api:shared_facility_list", lambda i: {"park_id": i.park}, fmt="json"),
    View("api:consent_list", fmt="json"),
    View("api:metric_list", fmt="json"),
    View("api:value_list", lambda i: {"facility_id": i.facility}, query=f"year={YEAR}", fmt="json"),
    View("api:period_list", lambda i: {"facility_id": i.facility}, query=f"year={YEAR}", fmt="json"),
    View("api:wastewater_event_list", lambda i: {"facility_id": i.facility}, fmt="json"),
    View("api:wastewater_exceedances", lambda i: {"facility_id": i.facility}, fmt="json"),
    View("api:park_wastewater_exceedances", lambda i: {"park_id": i.park}, fmt="json"),
    View("api:wastewater_discharge", lambda i: {"facility_id": i.facility}, fmt="json"),
    View("api:intake_limit_list", lambda i: {"shared_id": i.shared}, fmt="json"),
    View("api:chemical_inventory", lambda i: {"facility_id": i.facility}, query=f"year={YEAR}", fmt="json"),
    View("api:evidence_list", lambda i: {"facility_id": i.facility}, fmt="json"),
    View("api:facility_inventory", lambda i: {"facility_id": i.facility}, query=f"year={YEAR}", fmt="json"),
    View("api:facility_inventory", lambda i: {"facility_id": i.facility}, query=f"year={YEAR}&explain=true", fmt="json"),
    *(View("api:inventory_summary", query=f"year={YEAR}&by={by}", fmt="json")
      for by in ("facility", "park", "country", "process", "month", "total")),
    View("api:inventory_summary", query=f"year={YEAR}&by=facility&park=PARK", fmt="json"),
    View("api:inventory_summary", query=f"year={YEAR}&by=month&programme=PROGRAMME", fmt="json"),
    # assessments (issue 17): answers, scores and their explanation are of kind "assessments"; a value from data is
    # shown as an answer, what it was computed from only to the facility's people and the programme
    View("assessments:list"),
    View("assessments:detail", lambda i: {"pk": i.assessment}),
    View("assessments:actions"),
    View("assessments:park_tenants", lambda i: {"pk": i.park}),
    View("assessments:park_plans", lambda i: {"pk": i.park}),
    # assessments (issue 17): scores, answers and actions are of kind "assessments"
    View("api:assessment_list", fmt="json"),
    View("api:assessment_list", query="park=PARK", fmt="json"),
    View("api:assessment_detail", lambda i: {"assessment_id": i.assessment}, fmt="json"),
    View("api:assessment_detail", lambda i: {"assessment_id": i.assessment}, query="explain=true", fmt="json"),
    View("api:assessment_answers", lambda i: {"assessment_id": i.assessment}, fmt="json"),
    View("api:assessment_actions", lambda i: {"assessment_id": i.assessment}, fmt="json"),
    # business cases (issue 18): a case is made of business cases, environmental and GHG data (its baseline's
    # monthly use, its avoided emissions): read through consent only with all three named (interventions.access)
    View("api:case_list", fmt="json"),
    View("api:case_list", query="park=PARK", fmt="json"),
    View("api:case_detail", lambda i: {"case_id": i.case}, fmt="json"),
    View("api:case_pipeline", fmt="json"),
    View("api:case_curve", query="scope=park&id=PARK", fmt="json"),
    View("api:case_curve", query="scope=programme&id=PROGRAMME", fmt="json"),
    View("api:case_curve", query="scope=country&id=VN", fmt="json"),
    # the fuel-switch page (issue 19): the facility's boiler fuel (environmental) and its scope 1 (ghg), for who may
    # create a business case for the facility (interventions.access.can_create: 403 or 404 otherwise)
    View("biomass:switch", query="facility=FACILITY"),
    # the business-case pages (the same rule: interventions.access)
    View("interventions:list"),
    View("interventions:facility", lambda i: _facility(i)),
    View("interventions:detail", lambda i: {"pk": i.case}),
    View("interventions:curve", query="scope=facility&id=FACILITY"),
    View("interventions:curve", query="scope=park&id=PARK"),
    View("interventions:curve", query="scope=programme&id=PROGRAMME"),
    View("interventions:curve", query="scope=country&id=VN"),
    View("interventions:curve_download", lambda i: {"fmt": "csv"}, query="scope=facility&id=FACILITY", fmt="csv"),
    View("interventions:curve_download", lambda i: {"fmt": "xlsx"}, query="scope=programme&id=PROGRAMME", fmt="xlsx"),
    View("interventions:pipeline"),
    View("interventions:financier_export", fmt="xlsx"),
    # biomass sourcing (issue 19): suppliers, streams, chains and screenings are of kind "biomass"; the tonnes that
    # weight the supply come from the monthly fuel data (environmental): shown only with both (biomass.access)
    View("biomass:home"),
    View("biomass:facility", lambda i: _facility(i)),
    View("biomass:stream", lambda i: {"pk": i.stream}),
    View("biomass:screening", lambda i: {"pk": i.screening}),
    View("biomass:portfolio"),
    View("biomass:portfolio", query="rating=low"),
    View("api:biomass_stream_list", fmt="json"),
    View("api:biomass_stream_detail", lambda i: {"stream_id": i.stream}, fmt="json"),
    View("api:biomass_chain", lambda i: {"stream_id": i.stream}, fmt="json"),
    View("api:biomass_screening_detail", lambda i: {"screening_id": i.screening}, fmt="json"),
    View("api:biomass_supply", lambda i: {"facility_id": i.facility}, fmt="json"),
]

#: Routes that show no facility's derived data, and why.
NOT_DERIVED: dict[str, str] = {
    "assessments:transition": "POST: submit, return, verify or reopen an assessment (assessments.services)",
    "assessments:review": "POST: an assessor's decision on one answer",
    "assessments:action_create": "POST: an action from a failed requirement",
    "assessments:file": "an evidence file attached to an answer, to the readers of its assessment (selectors.load, 404 otherwise)",
    "assessments:compare": "two cycles of assessments:detail side by side, through the same reader check (selectors.load) and sheet",
    "assessments:scorecard": "the PDF of assessments:detail's score and explanation, through the same reader check (tests/assessments/test_field.py)",
    "assessments:xlsform": "a framework's blank field form: questions, no facility's data",
    "assessments:import": "a form to upload field submissions; its report names rows and columns of the uploaded file",
    "assessments:action": "one action: its title, owner, dates and completion, to readers of assessments:actions",
    "assessments:action_file": "the evidence of an action's completion, to readers of assessments:actions",
    "assessments:plan": "one joint action plan's commitments, to readers of assessments:park_plans",
    "wastewater:facility_discharge": "the form for where a facility's wastewater goes: its manager and the programme admin only (403 otherwise)",
    "wastewater:shared_discharge": "the form for where a central plant's wastewater goes: its park's operator and the programme admin only",
    "wastewater:facility_permit_new": "the form to add a facility's permit: its manager and the programme admin only",
    "wastewater:shared_permit_new": "the form to add a central plant's permit: its park's operator and the programme admin only",
    "set_language": "POST: sets the language",
    "healthz": "the server's health, no data",
    "login": "the login form",
    "logout": "POST: ends the session",
    "password_change": "a form to change one's own password",
    "password_reset": "a form asking for an e-mail address",
    "password_reset_done": "says that a link was sent, if the address has an account",
    "password_reset_confirm": "a form to choose a new password, from an e-mailed link",
    "password_reset_complete": "says that the password is set",
    "javascript-catalog": "the translations of the scripts",
    "api:api-root": "redirects to the API reference",
    "api:openapi-json": "the API's description, no data",
    "api:openapi-view": "the API's interactive reference, no data",
    "registry:facility_new": "a form to register a facility (programme admins), no data",
    "registry:facility_edit": "a form of the facility's profile, for those who edit it",
    "registry:consent_grant": "a form for the facility's managers",
    "registry:consent_revoke": "POST: revokes a consent",
    "registry:park_new": "a form to register a park",
    "registry:park_edit": "a form of the park's profile, for those who edit it",
    "registry:shared_new": "a form to add a shared facility",
    "registry:shared_edit": "a form of a shared facility's profile",
    "registry:shared_consent_grant": "a form for the park's operator",
    "registry:shared_consent_revoke": "POST: revokes a consent",
    "registry:organisation_new": "a form to register an organisation",
    "registry:organisation_edit": "a form of an organisation's profile",
    "reporting:transition": "POST: submits, verifies, returns or reopens a month",
    "reporting:month": "the month form: for those who may enter the facility's data only (403 to other readers, 404 to the rest), "
                       "who read all its environmental data",
    "reporting:month_check": "the month form's live history check (JSON): for those who may enter the facility's data only",
    "reporting:fuel_property_add": "POST: records a fuel property",
    "reporting:submit_complete": "POST: submits a facility's complete months (its result is shown on reporting:facility_year)",
    "reporting:applicable_metrics": "POST: sets the metrics that apply to a facility (redirects; its 400 page is the monthly data page, walked as reporting:facility_year)",
    "evidence:upload": "POST: uploads evidence",
    "inventories:target": "POST: sets a target",
    "notifications:read": "POST: marks the user's own notifications read",
    "notifications:settings": "a form of the user's own notification settings, no data",
    "api:framework_list": "the frameworks an assessment answers (ids, versions, titles, counts of questions): no facility's data",
    "api:framework_questions": "a framework version's questions as published: no facility's data",
    "api:intervention_list": "the intervention catalogue (reference data, sourced): no facility's data",
    "biomass:guide": "the public biomass guideline: the catalogue of biomass types and the shipped emission factors (reference data, sourced), no facility's data",
    "biomass:guide_type": "one biomass type of the public guideline (reference data, sourced), no facility's data",
    "interventions:new": "the case builder: for who may create a case for the facility only (404/403 otherwise); "
                         "its figures are the facility's own year, to its own people",
    "interventions:edit": "the form of interventions:detail's inputs, for who may edit the case only (403 otherwise)",
    "interventions:stage": "POST: moves a case's stage",
    "interventions:share": "POST: shares a case with financiers, or stops",
    # public comments on guidelines (issue 19): no facility's data; a comment is read by the guideline's authors
    # alone, which tests/consultations/test_access.py proves over these routes and every view above
    "consultations:public": "the open comment periods of guidelines, public: titles and dates, no comment, no count",
    "consultations:period": "the public comment form: the guideline's sections, never a comment",
    "consultations:manage": "comment periods with their counts to the guideline's authors only (tests/consultations/test_access.py)",
    "consultations:period_new": "a form to open a comment period, for the programme's admins",
    "consultations:period_comments": "a period's comments: the guideline's authors only, 404 to everyone else (tests/consultations/test_access.py)",
    "consultations:export": "a period's comments as CSV or XLSX: the guideline's authors only (tests/consultations/test_access.py)",
    "consultations:period_close": "POST: closes a comment period",
    "consultations:comment_mark": "POST: marks a comment new, read or spam",
    "consultations:comment_redact": "POST: removes a comment's personal details",
    "biomass:supplier_new": "the form to add a supplier: for who records the facility's biomass sourcing only (403/404 otherwise)",
    "biomass:supplier_edit": "the form of a supplier: for who records the facility's biomass sourcing only (403/404 otherwise)",
    "biomass:stream_new": "the form to add a supply stream: for who records the facility's biomass sourcing only",
    "biomass:stream_edit": "the form of biomass:stream's stream: for who records the facility's biomass sourcing only",
    "biomass:step_add": "POST: adds a step to a stream's chain",
    "biomass:step_edit": "the form of one step of biomass:stream's chain: for who records the facility's biomass sourcing only",
    "biomass:step_remove": "POST: removes a step",
    "biomass:step_move": "POST: moves a step along the chain",
    "biomass:screening_new": "POST: starts a screening",
    "biomass:screening_edit": "the screening form of a draft: for who records the facility's biomass sourcing only "
                              "(403 otherwise; a completed one redirects to biomass:screening)",
}
