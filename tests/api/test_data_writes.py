"""Lab results, chemical products and their monthly use, and evidence written through the API: the same
services as the pages, bearer token only, unknown fields refused, one error envelope; 404 for a facility
whose data of that kind the caller may not read, 403 for one they may read but not write; and every
refusal changes nothing."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from loomlight.assessments.models import Action, Answer, AnswerFile, Assessment
from loomlight.audit.models import AuditEvent
from loomlight.biomass.models import Screening
from loomlight.chemicals import services as chemicals
from loomlight.chemicals.models import ChemicalProduct, ChemicalUse
from loomlight.evidence.models import Evidence
from loomlight.interventions.models import BusinessCase, MeasuredSavings, StageChange
from loomlight.reporting.models import ActivityValue, ApplicableMetrics, ReportingPeriod
from loomlight.wastewater import services as wastewater
from loomlight.wastewater.models import Discharge, DischargePermit, IntakeLimit, LabResult, PermitLimit, SamplingEvent
from tests.api.conftest import FORBIDDEN, INVALID, NOT_FOUND, UNAUTHENTICATED, error
from tests.assessments.conftest import COMPLETE, MINI

ROLES = ["operator", "admin", "assessor", "park_operator", "manager", "group_manager", "data_entry",
         "neighbour_manager", "brand", "other_brand", "financier", "nobody", None]
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def data(world):
    """A sampling event of the facility and one of the park's central plant, each with a COD result,
    and a chemical product of the facility used in May 2025."""
    entry = world.users["data_entry"]
    event = wastewater.sampling_event_create(by=entry, facility=world.own, sampled_on=datetime.date(2025, 6, 12),
                                             sampling_point="discharge", discharge_type="direct", laboratory="Lab A",
                                             results=[{"parameter": "cod", "value": "120", "unit": "mg/L"}])
    plant = wastewater.sampling_event_create(by=world.users["park_operator"], shared_facility=world.cetp,
                                             sampled_on=datetime.date(2025, 6, 12), sampling_point="cetp_outflow",
                                             discharge_type="direct", laboratory="Lab B",
                                             results=[{"parameter": "cod", "value": "60", "unit": "mg/L"}])
    product = chemicals.chemical_product_save(by=entry, facility=world.own, data={"name": "Salt", "supplier": "SaltCo"})
    chemicals.chemical_use_set(by=entry, product=product, period=datetime.date(2025, 5, 1), value=400, unit="kg")
    permit = wastewater.permit_save(by=world.users["manager"], facility=world.own, number="1/GP", issuing_body="DONRE",
                                    issued_on=datetime.date(2024, 1, 1))
    # a complete January 2025 (its one applicable metric reported), for the route that submits complete months
    ApplicableMetrics.objects.create(facility=world.own, metrics=["electricity_grid"])
    ActivityValue.objects.create(facility=world.own, period=datetime.date(2025, 1, 1), metric="electricity_grid", value=1000,
                                 unit="kWh", original_value=1000, original_unit="kWh", source="form")
    return {"event": event, "plant": plant, "product": product, "permit": permit}


@pytest.fixture
def cycles(world):
    """Own Dyehouse's cycles of the mini framework (tests/calc/frameworks/mini.yaml), each answered completely by
    its manager, in each state a route starts from: 2025 in progress (with an open action and one reported
    completed), 2024 submitted, 2023 submitted with evidence asked on one answer, 2022 verified."""
    from loomlight.assessments import services as assessments

    manager, assessor = world.users["manager"], world.users["assessor"]
    mini = assessments.framework_publish(text=MINI.read_text(encoding="utf-8"), file_name="mini.yaml")

    def cycle(year):
        a = assessments.assessment_start(by=manager, framework=mini, subject=world.own, year=year)
        assessments.answers_save(by=manager, assessment=a, answers=COMPLETE)
        assessments.answer_file_attach(by=manager, assessment=a, question="ems.policy",
                                       uploaded=SimpleUploadedFile("policy.pdf", PDF, content_type="application/pdf"))
        return a

    draft, submitted, returnable, verified = cycle(2025), cycle(2024), cycle(2023), cycle(2022)
    for a in (submitted, returnable, verified):
        assessments.assessment_submit(by=manager, assessment=a)
    assessments.answer_review(by=assessor, assessment=returnable, question="ems.targets", decision="evidence_requested",
                              comment="Attach the targets.")
    assessments.assessment_verify(by=assessor, assessment=verified, mode="remote")
    due = datetime.date(2026, 6, 30)
    opened = assessments.action_create(by=assessor, owner=world.group, title="Certify to ISO 50001", due_date=due,
                                       assessment=draft, question="ems.certified")
    done = assessments.action_create(by=assessor, owner=world.group, title="Meter the boiler", due_date=due, assessment=draft)
    assessments.action_report(by=manager, action=done, status="completed", note="Meter fitted.")
    return {"draft": draft, "submitted": submitted, "returnable": returnable, "verified": verified,
            "action": opened, "done": done}


def _state() -> dict:
    """Every stored row of the data the routes write, and the audit trail's length."""
    return {
        "events": list(SamplingEvent.objects.order_by("pk").values()),
        "results": list(LabResult.objects.order_by("pk").values()),
        "products": list(ChemicalProduct.objects.order_by("pk").values()),
        "uses": list(ChemicalUse.objects.order_by("pk").values()),
        "evidence": list(Evidence.objects.order_by("pk").values()),
        "intake": list(IntakeLimit.objects.order_by("pk").values()),
        "discharges": list(Discharge.objects.order_by("pk").values()),
        "permits": list(DischargePermit.objects.order_by("pk").values()),
        "permit limits": list(PermitLimit.objects.order_by("pk").values()),
        "months": list(ReportingPeriod.objects.order_by("pk").values()),
        "assessments": list(Assessment.objects.order_by("pk").values()),
        "answers": list(Answer.objects.order_by("pk").values()),
        "answer files": list(AnswerFile.objects.order_by("pk").values()),
        "actions": list(Action.objects.order_by("pk").values()),
        "business cases": list(BusinessCase.objects.order_by("pk").values()),
        "stage changes": list(StageChange.objects.order_by("pk").values()),
        "measured savings": list(MeasuredSavings.objects.order_by("pk").values()),
        "biomass screenings": list(Screening.objects.order_by("pk").values()),
        "audit": AuditEvent.objects.count(),
    }


# --- the access matrix --------------------------------------------------------------------------

#: who may write a facility's wastewater or chemical data (enter its data); who may read it but not write
FACILITY_WRITERS = {"operator", "manager", "group_manager", "data_entry"}
FACILITY_READERS = {"admin", "assessor"}
#: who keeps a facility's discharge route and permits (edit it); who reads its wastewater data but may not
FACILITY_EDITORS = {"operator", "admin", "manager", "group_manager"}
FACILITY_VIEWERS = {"assessor", "data_entry"}
#: who may write the park's central plant (edit it); who sees it but may not write
PLANT_WRITERS = {"operator", "admin", "park_operator"}
PLANT_VIEWERS = {"assessor", "manager", "group_manager", "data_entry", "neighbour_manager", "brand"}
#: who reads the plant's results but may not write them: a brand reads them only by the park operator's consent
#: (never through a tenant's), so an event of the plant is not found for it (404)
PLANT_READERS = PLANT_VIEWERS - {"brand"}


#: who answers Own Dyehouse's assessments (its people); who verifies them (the programme's assessors and admins)
ANSWERERS = {"operator", "manager", "group_manager", "data_entry"}
VERIFIERS = {"operator", "admin", "assessor"}
#: who opens a cycle for the facility (its people and its verifiers); who sees the facility but may not
ASSESSMENT_STARTERS = ANSWERERS | VERIFIERS
FACILITY_SEERS = {"park_operator", "brand"}


@pytest.fixture
def business_cases(world):
    """Own Dyehouse's business cases in the states a route starts from: an idea, and one implemented on
    2024-01-15 with 2023-01 … 2024-12 of production and grid electricity (10 % less from February 2024)."""
    def case(**fields):
        return BusinessCase.objects.create(facility=world.own, intervention="led_lighting", title="LED lighting",
                                           created_by=world.users["manager"], result={"npv": 1.0},
                                           document={"country": "VN", "year": 2023, "capex": 1000, "lifetime_years": 5,
                                                     "discount_rate": 0.1, "savings": [{"metric": "electricity_grid",
                                                     "quantity": 1000, "unit": "kWh", "price": 0.1}]}, **fields)

    for i in range(24):
        month = datetime.date(2023 + i // 12, i % 12 + 1, 1)
        production = 10000.0 + 1000.0 * ((i * 7) % 11)
        use = (0.9 if i >= 13 else 1.0) * (5000.0 + 2.0 * production) + (40 if i % 2 else -40)
        for metric, value, unit in (("production_kg", production, "kg"), ("electricity_grid", use, "kWh")):
            ActivityValue.objects.create(facility=world.own, period=month, metric=metric, value=value, unit=unit,
                                         original_value=value, original_unit=unit, source="form")
    return {"idea": case(), "implemented": case(stage="implemented", implemented_on=datetime.date(2024, 1, 15))}


#: who changes Own Dyehouse's business cases; who reads them but may not (interventions.access; the brand's
#: consent does not name business cases: 404)
CASE_WRITERS = {"operator", "admin", "manager", "group_manager"}
CASE_READERS = {"assessor", "park_operator", "data_entry"}


@pytest.fixture
def biomass(world):
    """Own Dyehouse's rice-husk stream with a draft screening, and a sawdust stream not screened yet."""
    from loomlight.biomass import services as biomass

    manager = world.users["manager"]
    supplier = biomass.supplier_create(by=manager, facility=world.own, data={"name": "Husk Co"})
    stream = biomass.stream_create(by=manager, facility=world.own, data={"supplier": supplier, "biomass_type": "rice_husk"})
    other = biomass.stream_create(by=manager, facility=world.own, data={"supplier": supplier, "biomass_type": "sawdust"})
    return {"stream": other, "screening": biomass.screening_start(by=manager, stream=stream)}


#: who records Own Dyehouse's biomass sourcing and answers its screenings (biomass.access); who completes them;
#: who reads them but may not (the brand's consent does not name biomass, the park operator reads no tenant's: 404)
BIOMASS_WRITERS = {"operator", "admin", "manager", "group_manager", "data_entry"}
BIOMASS_COMPLETERS = BIOMASS_WRITERS - {"data_entry"}
BIOMASS_READERS = {"assessor"}


@dataclass
class Route:
    method: str
    path: str                   # formatted with world and data
    status: int                 # when allowed
    writers: set
    readers: set                # see it, may not write: 403
    body: dict | None = None
    files: dict = field(default_factory=dict)   # multipart uploads
    cycles: bool = False        # needs the ``cycles`` fixture (assessments in each state)
    cases: bool = False         # needs the ``business_cases`` fixture
    biomass: bool = False       # needs the ``biomass`` fixture
    unknown_field: str = "subject_id"   # the field an outsider's unknown id is refused on (422)
    outsider: int = 404         # the status of a caller who sees nothing of it


ROUTES = {
    "wastewater event": Route("post", "/facilities/{own}/wastewater/events", 201, FACILITY_WRITERS, FACILITY_READERS, {
        "sampled_on": "2025-07-01", "sampling_point": "treated", "discharge_type": "direct", "laboratory": "Lab C",
        "results": [{"parameter": "ph", "value": 7.2, "unit": "pH"}]}),
    "intake limit": Route("post", "/shared-facilities/{cetp}/wastewater/intake-limits", 201, PLANT_WRITERS, PLANT_VIEWERS, {
        "parameter": "cod", "limit_max": 500, "unit": "mg/L", "valid_from": "2025-01-01"}),
    "discharge route": Route("post", "/facilities/{own}/wastewater/discharge", 201, FACILITY_EDITORS, FACILITY_VIEWERS, {
        "valid_from": "2024-01-01", "route": "cetp", "cetp": "{cetp}", "operating_since": "2012-05-01"}),
    "permit": Route("post", "/facilities/{own}/wastewater/permits", 201, FACILITY_EDITORS, FACILITY_VIEWERS, {
        "number": "2/GP", "issuing_body": "DONRE", "issued_on": "2024-02-01",
        "limits": [{"parameter": "cod", "limit_max": 100, "unit": "mg/L"}]}),
    "permit removed": Route("delete", "/wastewater/permits/{permit}", 204, FACILITY_EDITORS, FACILITY_VIEWERS),
    "plant event": Route("post", "/shared-facilities/{cetp}/wastewater/events", 201, PLANT_WRITERS, PLANT_VIEWERS, {
        "sampled_on": "2025-07-01", "sampling_point": "cetp_inflow", "discharge_type": "indirect", "laboratory": "Lab C"}),
    "lab result": Route("put", "/wastewater/events/{event}/results/bod5", 200, FACILITY_WRITERS, FACILITY_READERS,
                        {"value": "25", "unit": "mg/L"}),
    "plant lab result": Route("put", "/wastewater/events/{plant}/results/bod5", 200, PLANT_WRITERS, PLANT_READERS,
                              {"value": "25", "unit": "mg/L"}),
    "lab result removed": Route("delete", "/wastewater/events/{event}/results/cod", 204, FACILITY_WRITERS, FACILITY_READERS),
    "wastewater event removed": Route("delete", "/wastewater/events/{event}", 204, FACILITY_WRITERS, FACILITY_READERS),
    "chemical product": Route("post", "/facilities/{own}/chemicals/products", 201, FACILITY_WRITERS, FACILITY_READERS,
                              {"name": "Soda ash", "supplier": "ChemCo"}),
    "chemical product corrected": Route("patch", "/chemicals/products/{product}", 200, FACILITY_WRITERS, FACILITY_READERS,
                                        {"hazard_statements": "H319"}),
    "chemical use": Route("put", "/chemicals/products/{product}/uses/2025-06", 200, FACILITY_WRITERS, FACILITY_READERS,
                          {"value": "0.5", "unit": "t"}),
    "chemical use removed": Route("delete", "/chemicals/products/{product}/uses/2025-05", 204, FACILITY_WRITERS, FACILITY_READERS),
    # the complete months of a year, submitted month by month (reporting.bulk); the brand's consent names
    # environmental data, so it sees the facility (403)
    "complete months submitted": Route("post", "/facilities/{own}/periods/submit-complete", 200, FACILITY_WRITERS,
                                       FACILITY_READERS | {"brand"}, {"year": 2025}),
    # evidence backs environmental data: the brand's consent names it, so the brand sees the facility (403)
    "evidence": Route("upload", "/facilities/{own}/evidence", 201, FACILITY_WRITERS, FACILITY_READERS | {"brand"},
                      {"kind": "utility_bill", "period": "2025-03"}, {"file": ("bill.pdf", PDF)}),
    # assessments (assessments.access): the facility's people answer, the programme's assessors verify; each reads
    # what the other does (403); a brand or financier sees them only with a consent naming "assessments" (404)
    "assessment started": Route("post", "/assessments", 201, ASSESSMENT_STARTERS, FACILITY_SEERS, {
        "framework": "test_mini", "version": "2026.1", "subject_type": "facility", "subject_id": "{own}", "year": 2021},
        cycles=True, outsider=422),   # a facility the caller cannot see is an unknown id
    "answers saved": Route("put", "/assessments/{draft}/answers", 200, ANSWERERS, VERIFIERS,
                           {"answers": {"ems.targets": "some"}, "comments": {"ems.targets": "For energy and water."}}, cycles=True),
    "answer file": Route("upload", "/assessments/{draft}/answers/ems.targets/files", 201, ANSWERERS, VERIFIERS, {},
                         {"file": ("targets.pdf", PDF)}, cycles=True),
    "assessment submitted": Route("post", "/assessments/{draft}/submit", 200, ANSWERERS, VERIFIERS, cycles=True),
    "answer reviewed": Route("post", "/assessments/{submitted}/answers/water.recycled/review", 200, VERIFIERS, ANSWERERS - {"operator"},
                             {"decision": "adjusted", "value": "20", "comment": "The meter log shows 20 %."}, cycles=True),
    "assessment returned": Route("post", "/assessments/{returnable}/return", 200, VERIFIERS, ANSWERERS - {"operator"},
                                 {"comment": "See the targets."}, cycles=True),
    "assessment verified": Route("post", "/assessments/{submitted}/verify", 200, VERIFIERS, ANSWERERS - {"operator"},
                                 {"mode": "on_site"}, cycles=True),
    "assessment reopened": Route("post", "/assessments/{verified}/reopen", 200, VERIFIERS, ANSWERERS - {"operator"},
                                 {"reason": "The meter was found faulty."}, cycles=True),
    "action created": Route("post", "/assessments/{draft}/actions", 201, ANSWERERS | VERIFIERS, set(), {
        "owner": "{group}", "title": "Fit sub-meters", "due_date": "2026-09-30", "question": "ems.certified"}, cycles=True),
    "action reported": Route("post", "/actions/{action}/report", 200, ANSWERERS, VERIFIERS - {"operator"},
                             {"status": "in_progress", "note": "Quotes asked."}, cycles=True),
    "action verified": Route("post", "/actions/{done}/verify", 200, VERIFIERS, ANSWERERS - {"operator"},
                             {"accept": True}, cycles=True),
    # business cases (interventions.access): a facility the caller cannot see is an unknown id
    "case created": Route("post", "/cases", 201, CASE_WRITERS, CASE_READERS | {"brand"}, {
        "facility": "{own}", "intervention": "led_lighting", "title": "LED lighting", "document": {
            "year": 2023, "capex": 1000, "lifetime_years": 5, "discount_rate": 0.1,
            "savings": [{"metric": "electricity_grid", "quantity": 1000, "unit": "kWh", "price": 0.1}]}},
        outsider=422, unknown_field="facility"),
    "case renamed": Route("patch", "/cases/{idea}", 200, CASE_WRITERS, CASE_READERS, {"title": "LED lights"}, cases=True),
    "case shared": Route("patch", "/cases/{idea}", 200, CASE_WRITERS - {"admin"}, CASE_READERS | {"admin"},
                         {"shared_with_financiers": True}, cases=True),
    "case stage": Route("post", "/cases/{idea}/stage", 200, CASE_WRITERS, CASE_READERS, {"stage": "feasibility"}, cases=True),
    "case deleted": Route("delete", "/cases/{idea}", 204, CASE_WRITERS, CASE_READERS, cases=True),
    "savings measured": Route("post", "/cases/{implemented}/measured-savings", 201, CASE_WRITERS, CASE_READERS,
                              {"metric": "electricity_grid"}, cases=True),
    "biomass screening started": Route("post", "/biomass/streams/{stream}/screenings", 201, BIOMASS_WRITERS, BIOMASS_READERS,
                                       biomass=True),
    "biomass screening answered": Route("patch", "/biomass/screenings/{screening}", 200, BIOMASS_WRITERS, BIOMASS_READERS,
                                        {"answers": {"labour.safety": "managed"}}, biomass=True),
    "biomass screening completed": Route("post", "/biomass/screenings/{screening}/complete", 200, BIOMASS_COMPLETERS,
                                         BIOMASS_READERS | {"data_entry"}, {}, biomass=True),
}


def _expected(route: Route, who: str | None) -> int:
    if who is None:
        return 401
    if who in route.writers:
        return route.status
    return 403 if who in route.readers else route.outsider


def _call(api, world, data, route: Route, who):
    ids = {name: row.pk for name, row in data.items()}
    path = route.path.format(own=world.own.pk, cetp=world.cetp.pk, **ids)
    if route.method == "upload":
        fields = {**route.body, **{name: SimpleUploadedFile(n, content) for name, (n, content) in route.files.items()}}
        return api.upload(who, path, fields)
    if route.method == "delete":
        return api.delete(who, path)
    references = {"{cetp}": world.cetp.pk, "{own}": world.own.pk, "{group}": world.group.pk}
    body = {k: references.get(v, v) if isinstance(v, str) else v for k, v in route.body.items()} if route.body else route.body
    return getattr(api, route.method)(who, path, body)


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("name", ROUTES)
def test_access_matrix(api, world, data, name, who, request):
    route = ROUTES[name]
    if route.cycles:
        data = {**data, **request.getfixturevalue("cycles")}
    if route.cases:
        data = {**data, **request.getfixturevalue("business_cases")}
    if route.biomass:
        data = {**data, **request.getfixturevalue("biomass")}
    if who:
        api.token(who)  # issuing a token is audited: before the state is taken
    before = _state()
    response = _call(api, world, data, route, who)
    expected = _expected(route, who)
    assert response.status_code == expected, (name, who, response.content)
    if expected == 422:   # an outsider's id is unknown (v1: looked up only among what the caller may see)
        assert response.json()["error"]["code"] == "validation_error" and set(response.json()["error"]["fields"]) == {route.unknown_field}
        assert _state() == before
    elif expected >= 400:
        assert response.json() == {401: UNAUTHENTICATED, 403: FORBIDDEN, 404: NOT_FOUND}[expected]
        assert _state() == before
    else:
        after = _state()
        assert after != before and after["audit"] > before["audit"]
        assert AuditEvent.objects.order_by("-pk").first().via == "api"


#: who reads the facility's evidence (of at least one kind: the brand's consent names environmental data)
EVIDENCE_READERS = FACILITY_WRITERS | FACILITY_READERS | {"brand"}


@pytest.mark.parametrize("who", ROLES)
def test_access_matrix_of_the_evidence_list(api, world, data, who):
    response = api.get(who, f"/facilities/{world.own.pk}/evidence")
    expected = 401 if who is None else 200 if who in EVIDENCE_READERS else 404
    assert response.status_code == expected, (who, response.content)
    if expected == 404:
        assert response.json() == NOT_FOUND


def test_a_session_may_read_but_never_write(client, world, data):
    client.force_login(world.users["data_entry"])
    before = _state()
    response = client.post(f"/api/v1/facilities/{world.own.pk}/chemicals/products", {"name": "X", "supplier": "Y"},
                           content_type="application/json")
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)
    assert _state() == before
    assert client.get(f"/api/v1/facilities/{world.own.pk}/evidence").status_code == 200


# --- lab results ------------------------------------------------------------------------------------

def test_a_laboratory_pushes_an_event_with_its_results(api, world, data):
    response = api.post("data_entry", f"/facilities/{world.own.pk}/wastewater/events", {
        "sampled_on": "2025-07-01", "sampling_point": "discharge", "discharge_type": "direct", "laboratory": "Lab C",
        "results": [{"parameter": "cod", "value": 0.2, "unit": "g/L", "method": "ISO 6060"},
                    {"parameter": "cadmium", "unit": "mg/L", "below_detection_limit": True, "detection_limit": "0.01"}]})
    assert response.status_code == 201, response.content
    body = response.json()
    results = {r["parameter"]: r for r in body["results"]}
    # 0.2 g/L = 200 mg/L: above the foundational limit of 150 mg/L (ZDHC WWG V2.2, Table 3)
    assert (results["cod"]["value"], results["cod"]["unit"], results["cod"]["outcomes"]["foundational"]) == (200.0, "mg/L", "fail")
    assert (results["cadmium"]["value"], results["cadmium"]["detection_limit"]) == (None, 0.01)
    event = SamplingEvent.objects.get(pk=body["id"])
    assert (event.facility, event.laboratory, event.created_by) == (world.own, "Lab C", world.users["data_entry"])
    audited = AuditEvent.objects.filter(via="api").order_by("pk").values_list("object_type", "action")
    assert list(audited) == [("wastewater.samplingevent", "create"), ("wastewater.labresult", "create"),
                             ("wastewater.labresult", "create")]


@pytest.mark.parametrize("results, fields", [
    ([{"parameter": "cod", "value": "120", "unit": "mg/L"}, {"parameter": "ph", "value": "7", "unit": "mg/L"}],
     {"results.1.unit": ["Give this parameter in pH."]}),
    ([{"parameter": "cod", "value": "-5", "unit": "mg/L"}], {"results.0.value": ["A concentration cannot be negative."]}),
    ([{"parameter": "cod", "unit": "mg/L", "below_detection_limit": True}],
     {"results.0.detection_limit": ["Give the laboratory's detection limit."]}),
    ([{"parameter": "cod", "value": "1", "unit": "mg/L"}, {"parameter": "cod", "value": "2", "unit": "mg/L"}],
     {"results.1.parameter": ["This parameter is already in an earlier result."]}),
])
def test_an_event_with_a_bad_result_is_refused_whole(api, world, data, results, fields):
    api.token("data_entry")
    before = _state()
    response = api.post("data_entry", f"/facilities/{world.own.pk}/wastewater/events", {
        "sampled_on": "2025-07-01", "sampling_point": "discharge", "discharge_type": "direct", "laboratory": "Lab C",
        "results": results})
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, fields))
    assert _state() == before


@pytest.mark.parametrize("body, fields", [
    ({"sampling_point": "cetp_inflow"}, {"sampling_point": ["Inflow and outflow points belong to a central plant."]}),
    ({"sampled_on": "2999-01-01"}, {"sampled_on": ["Give a date from 1990-01-01 to 2100-12-31."]}),
    ({"sampled_on": "0001-01-01"}, {"sampled_on": ["Give a date from 1990-01-01 to 2100-12-31."]}),
    ({"sampled_on": "2025-13-01"}, {"sampled_on": ["Input should be a valid date or datetime, month value is outside expected range of 1-12"]}),
    ({"laboratory": ""}, {"laboratory": ["This field cannot be blank."]}),
    ({"laboratory": "Lab\x00"}, {"laboratory": ["Remove the NUL character (U+0000): text cannot hold it."]}),
    ({"colour": "brown"}, {"colour": ["Unknown field."]}),
])
def test_an_event_refused_names_the_field(api, world, data, body, fields):
    api.token("data_entry")
    before = _state()
    response = api.post("data_entry", f"/facilities/{world.own.pk}/wastewater/events", {
        "sampled_on": "2025-07-01", "sampling_point": "discharge", "discharge_type": "direct", "laboratory": "Lab C", **body})
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, fields))
    assert _state() == before


def test_a_sampling_day_in_the_future_is_the_services_rule_for_form_and_api(api, client, world, data):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    api.token("data_entry")
    before = _state()
    response = api.post("data_entry", f"/facilities/{world.own.pk}/wastewater/events", {
        "sampled_on": tomorrow, "sampling_point": "discharge", "discharge_type": "direct", "laboratory": "Lab C"})
    assert (response.status_code, response.json()["error"]["fields"]) == (422, {"sampled_on": ["The sampling date is in the future."]})
    client.force_login(world.users["data_entry"])
    page = client.post(f"/wastewater/facilities/{world.own.pk}/", {
        "sampled_on": tomorrow, "sampling_point": "discharge", "discharge_type": "direct", "laboratory": "Lab C"})
    assert page.context["form"].errors == {"sampled_on": ["The sampling date is in the future."]}
    assert _state() == before


def test_a_result_is_corrected_and_resending_it_records_nothing(api, world, data):
    url = f"/wastewater/events/{data['event'].pk}/results/cod"
    response = api.put("data_entry", url, {"value": 90, "unit": "mg/L"})
    assert response.status_code == 200
    assert [(r["parameter"], r["value"], r["outcomes"]["progressive"]) for r in response.json()["results"]] == [("cod", 90.0, "fail")]
    count = AuditEvent.objects.count()
    assert api.put("data_entry", url, {"value": 90, "unit": "mg/L"}).status_code == 200
    assert AuditEvent.objects.count() == count
    assert LabResult.objects.get(event=data["event"], parameter="cod").value == 90.0


def test_removing_a_result_and_an_event_is_audited(api, world, data):
    event = data["event"]
    assert api.delete("data_entry", f"/wastewater/events/{event.pk}/results/bod5").json() == NOT_FOUND  # none recorded
    assert api.delete("data_entry", f"/wastewater/events/{event.pk}/results/cod").status_code == 204
    assert not LabResult.objects.filter(event=event).exists()
    assert api.delete("manager", f"/wastewater/events/{event.pk}").status_code == 204
    assert not SamplingEvent.objects.filter(pk=event.pk).exists()
    assert list(AuditEvent.objects.filter(via="api").order_by("pk").values_list("object_type", "action", "actor__username")) == [
        ("wastewater.labresult", "delete", "data_entry"), ("wastewater.samplingevent", "delete", "manager")]


def test_a_plant_is_sampled_at_its_inflow_or_outflow(api, world, data):
    response = api.post("park_operator", f"/shared-facilities/{world.cetp.pk}/wastewater/events", {
        "sampled_on": "2025-07-01", "sampling_point": "discharge", "discharge_type": "direct", "laboratory": "Lab C"})
    assert (response.status_code, response.json()["error"]["fields"]) == (
        422, {"sampling_point": ["A central plant is sampled at its inflow or outflow."]})


# --- chemicals ---------------------------------------------------------------------------------------

def test_a_product_and_its_use_through_the_api(api, world, data):
    created = api.post("data_entry", f"/facilities/{world.own.pk}/chemicals/products", {
        "name": "Reactive Red 195", "supplier": "ChemCo", "mrsl_level": 2, "declaration_reference": "GW-123",
        "declaration_valid_until": "2026-01-31", "hazard_statements": "H315, H319"})
    assert created.status_code == 201, created.content
    product_id = created.json()["id"]
    assert created.json() == {"id": product_id, "facility": world.own.pk, "name": "Reactive Red 195", "supplier": "ChemCo",
                              "use_area": "production", "hazard_statements": "H315, H319", "mrsl_level": 2,
                              "declaration_reference": "GW-123", "declaration_valid_until": "2026-01-31"}
    use = api.put("data_entry", f"/chemicals/products/{product_id}/uses/2025-05", {"value": "0.6", "unit": "t"})
    assert use.json() == {"product": product_id, "period": "2025-05", "quantity_kg": 600.0, "original_value": 0.6, "original_unit": "t"}
    inventory = api.get("manager", f"/facilities/{world.own.pk}/chemicals", year=2025).json()
    # 600 kg with a valid declaration (until 2026-01-31) of 1,000 kg used (400 kg of salt): 60 %
    assert (inventory["total_kg"], inventory["conformant_share"]) == (pytest.approx(1000.0), pytest.approx(0.6))
    assert {p["id"]: p["product"] for p in inventory["products"]} == {data["product"].pk: "Salt", product_id: "Reactive Red 195"}


@pytest.mark.parametrize("body, fields", [
    ({"mrsl_level": 2}, {"declaration_reference": ["A conformance level needs the declaration: its reference and the date it is valid until."]}),
    ({"name": "Salt", "supplier": "SaltCo"}, {"__all__": ["This product of this supplier is already in the inventory."]}),
    ({"hazard_statements": "toxic"}, {"hazard_statements": ["List GHS hazard statements as codes separated by commas, e.g. H315, H319."]}),
    ({"declaration_valid_until": "0001-01-01"}, {"declaration_valid_until": ["Give a date from 1990-01-01 to 2100-12-31."]}),
    ({"facility": 3}, {"facility": ["Unknown field."]}),
])
def test_a_product_refused_names_the_field_and_changes_nothing(api, world, data, body, fields):
    api.token("data_entry")
    before = _state()
    response = api.post("data_entry", f"/facilities/{world.own.pk}/chemicals/products", {"name": "Dye", "supplier": "ChemCo", **body})
    general = fields.pop("__all__", None)
    assert (response.status_code, response.json()) == (
        422, error("validation_error", general[0] if general else INVALID, fields))
    assert _state() == before


def test_the_page_and_the_api_refuse_a_level_without_its_declaration_alike(api, client, world, data):
    api.token("data_entry")
    before = _state()
    response = api.post("data_entry", f"/facilities/{world.own.pk}/chemicals/products", {"name": "Dye", "supplier": "ChemCo", "mrsl_level": 1})
    client.force_login(world.users["data_entry"])
    page = client.post(f"/chemicals/facilities/{world.own.pk}/2025/", {"name": "Dye", "supplier": "ChemCo", "use_area": "production", "mrsl_level": 1})
    assert page.context["product_form"].errors["declaration_reference"] == response.json()["error"]["fields"]["declaration_reference"]
    assert _state() == before


@pytest.mark.parametrize("period, body, status, fields", [
    ("2999-01", {"value": 1, "unit": "kg"}, 422, {"period": ["2999-01 is in the future."]}),
    ("1989-12", {"value": 1, "unit": "kg"}, 422, {"period": ["1989-12 is before 1990."]}),
    ("0000-01", {"value": 1, "unit": "kg"}, 422, {"period": ["0000-01 is before 1990."]}),
    ("2025-6", {"value": 1, "unit": "kg"}, 422, {"period": ["Give the month as YYYY-MM."]}),
    ("٢٠٢٥-06", {"value": 1, "unit": "kg"}, 422, {"period": ["Give the month as YYYY-MM."]}),
    ("2025-06", {"value": 1, "unit": "L"}, 422, {"unit": ["“L” measures volume, but this value is mass (in kg)."]}),
    ("2025-06", {"value": "-3", "unit": "kg"}, 422, {"value": ["-3 is negative: report amounts as zero or more."]}),
    ("2025-06", {"value": "1,5", "unit": "kg"}, 422, {"value": ["Give a number, with a point for decimals, e.g. 1234.5."]}),
])
def test_a_use_refused_names_the_field_and_changes_nothing(api, world, data, period, body, status, fields):
    api.token("data_entry")
    before = _state()
    response = api.put("data_entry", f"/chemicals/products/{data['product'].pk}/uses/{period}", body)
    assert (response.status_code, response.json()) == (status, error("validation_error", INVALID, fields))
    assert _state() == before


def test_a_product_of_a_facility_the_caller_cannot_read_is_not_found(api, world, data):
    other = chemicals.chemical_product_save(by=world.users["neighbour_manager"], facility=world.neighbour,
                                            data={"name": "Bleach", "supplier": "X"})
    api.token("manager")
    before = _state()
    for response in (api.patch("manager", f"/chemicals/products/{other.pk}", {"name": "Mine"}),
                     api.put("manager", f"/chemicals/products/{other.pk}/uses/2025-05", {"value": 1, "unit": "kg"}),
                     api.patch("manager", "/chemicals/products/987654", {"name": "Mine"})):
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert _state() == before


# --- evidence --------------------------------------------------------------------------------------------

def _upload(api, world, who="data_entry", name="bill.pdf", content=PDF, **fields):
    return api.upload(who, f"/facilities/{world.own.pk}/evidence",
                      {"kind": "utility_bill", **fields, "file": SimpleUploadedFile(name, content)})


def test_evidence_uploaded_is_checked_on_its_content_and_listed(api, world, data):
    response = _upload(api, world, period="2025-03", note="March bill", sampling_event=str(data["event"].pk))
    assert response.status_code == 201, response.content
    body = response.json()
    evidence = Evidence.objects.get(pk=body.pop("id"))
    assert body.pop("uploaded_at").startswith(evidence.uploaded_at.strftime("%Y-%m-%dT%H:%M"))
    assert body == {"facility": world.own.pk, "kind": "utility_bill", "period": "2025-03", "sampling_event": data["event"].pk,
                    "chemical_product": None, "discharge_permit": None, "original_name": "bill.pdf", "content_type": "application/pdf", "size": len(PDF),
                    "sha256": hashlib.sha256(PDF).hexdigest(), "note": "March bill"}
    assert evidence.file.read() == PDF
    plain = _upload(api, world).json()["id"]
    # backing a sampling event, the first is wastewater data: the brand, whose consent names environmental data only, sees the second
    assert [e["id"] for e in api.get("manager", f"/facilities/{world.own.pk}/evidence").json()["results"]] == [plain, evidence.pk]
    assert [e["id"] for e in api.get("brand", f"/facilities/{world.own.pk}/evidence").json()["results"]] == [plain]
    assert api.get("park_operator", f"/facilities/{world.own.pk}/evidence").json() == NOT_FOUND


def test_a_permits_file_is_wastewater_evidence(api, world, data):
    """A permit's file backs wastewater data: listed for the manager, not for a brand whose consent names
    environmental data only; a permit of another facility is not found."""
    permit = wastewater.permit_save(by=world.users["manager"], facility=world.own, number="9/GP", issuing_body="DONRE",
                                    issued_on=datetime.date(2024, 1, 1))
    other = wastewater.permit_save(by=world.users["neighbour_manager"], facility=world.neighbour, number="10/GP",
                                   issuing_body="DONRE", issued_on=datetime.date(2024, 1, 1))
    response = _upload(api, world, kind="permit", name="permit.pdf", discharge_permit=str(permit.pk))
    assert response.status_code == 201, response.content
    assert response.json()["discharge_permit"] == permit.pk
    assert [e["id"] for e in api.get("manager", f"/facilities/{world.own.pk}/evidence").json()["results"]] == [response.json()["id"]]
    assert api.get("brand", f"/facilities/{world.own.pk}/evidence").json()["results"] == []
    refused = _upload(api, world, kind="permit", name="permit.pdf", discharge_permit=str(other.pk))
    assert refused.json()["error"]["fields"] == {"discharge_permit": [f"Unknown id: {other.pk}."]}


@pytest.mark.parametrize("upload, fields", [
    (dict(name="bill.pdf", content=b"\x89PNG\r\n\x1a\n..."), {"file": ["The file's content is not what its name says (.pdf)."]}),
    (dict(name="bill.exe", content=b"MZ"), {"file": ["Upload a PDF, PNG, JPEG, XLSX or CSV file; “.exe” files are not accepted."]}),
    (dict(kind="selfie"), {"kind": ["Unknown kind of evidence."]}),
    (dict(period="2999-01"), {"period": ["2999-01 is in the future."]}),
    (dict(period="２０２５-03"), {"period": ["Give the month as YYYY-MM."]}),
    (dict(note="x" * 301), {"note": ["Ensure this value has at most 300 characters (it has 301)."]}),
    (dict(colour="red"), {"colour": ["Unknown field."]}),
    (dict(sampling_event="987654"), {"sampling_event": ["Unknown id: 987654."]}),
    (dict(discharge_permit="987654"), {"discharge_permit": ["Unknown id: 987654."]}),
])
def test_evidence_refused_names_the_field_and_stores_nothing(api, world, data, upload, fields):
    api.token("data_entry")
    before = _state()
    response = _upload(api, world, **upload)
    assert (response.status_code, response.json()) == (422, error("validation_error", INVALID, fields))
    assert _state() == before


def test_evidence_above_the_size_limit_is_refused_as_on_the_page(api, client, world, data, settings):
    settings.EVIDENCE_MAX_MB = 1
    big = b"%PDF-" + b"0" * (1024 * 1024 + 1)
    api.token("data_entry")
    before = _state()
    response = _upload(api, world, content=big)
    assert (response.status_code, response.json()["error"]["fields"]) == (422, {"file": ["The file is 1.0 MB; the limit is 1 MB."]})
    client.force_login(world.users["data_entry"])
    page = client.post(f"/evidence/facilities/{world.own.pk}/upload/", {"kind": "utility_bill", "file": SimpleUploadedFile("bill.pdf", big),
                                                                        "next": "/"}, follow=True)
    assert [str(m) for m in page.context["messages"]] == ["The file is 1.0 MB; the limit is 1 MB."]
    assert _state() == before
