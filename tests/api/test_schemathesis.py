"""The whole OpenAPI document fuzzed by schemathesis: reads and writes, valid and invalid input.

Given the `world` (every role, two parks, four facilities, a central plant) with a month of values, a
sampling event with a result, a chemical product with its use and a piece of evidence, and the
operator's bearer token (the one user who may read and write everything, so that writes get past the
policy and reach the rules), when schemathesis sends its examples, coverage and fuzzing cases (valid
and invalid) to every operation of /api/openapi.json, then no answer is a server error and every
answer conforms to the document: a documented status, content type and body; a request the document
calls invalid refused; and one it calls valid accepted, unless it breaks a rule of the data that a
schema cannot state (RULES_OF_THE_DATA, each with its reason).

Path ids are mapped onto the world's records (and a missing one) so that cases reach real rows instead
of answering 404. Each operation gets MAX_EXAMPLES fuzzed cases per generation mode (SCHEMATHESIS_MAX_EXAMPLES
for a deeper run), derandomised so that a failure reproduces.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
from collections import Counter

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from loomlight.api.schemas import PERIOD_PATH
from loomlight.api.services import api_token_issue
from loomlight.reference.wastewater import parameters

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", 25))   # more for a deeper run: the variable
MISSING = 987654

#: Refusals of schema-valid requests that are rules of the data, not of the request's shape: they depend on
#: other records, on the state of a month, on today's date, or on several fields at once. A refusal with any
#: other message is a document that says less than the API checks, and fails the test.
RULES_OF_THE_DATA = [re.compile(p) for p in (
    r"already exists|already registered|already in the inventory|already in an earlier|already has this role",  # unique
    r"^Unknown id: ",                                        # a record that does not exist or that the caller cannot see
    r"organisation; choose an? |cannot change its kind",    # the kind of the organisation referred to (issue 13, point 6)
    r"in a park in another country|are not in .*: ",        # the park's country; the park's facilities
    r"is in the future\.$|date is in the future",           # months and days move with today
    r"already revoked|Nothing has been reported|^\d{4}-\d{2} is ",  # the state of a consent or of a month
    r"^Unknown unit|measures .* but this value is|is ambiguous|No unit given|too large: in ",  # units: calc.units
    r"^Give this parameter in |concentration cannot be negative|detection limit",  # a lab result's parameter, its limit
    r"conformance level needs the declaration",             # a declared level needs its declaration
    r"consent ends before it starts",                       # valid_until after valid_from
    r"calorific value|needs its density",                   # a fuel by mass or volume: the facility's fuel properties
    r"^Give the reduction a year|target year must come after|There is no inventory for|needs output",  # targets
    r"Choose the programme to enrol",                       # who administers several programmes
    r"files are not accepted|not what its name says|file is empty|the limit is|must be UTF-8",  # judged on the bytes
    r"^Give a maximum, a minimum, or both|minimum is above the maximum",  # a limit's two bounds, together
    r"central plant|cannot expire before|^Give the permit's number|^Name the body",  # a route's plant; a permit's days
    r"already in an earlier limit",                          # a permit's limits, one per parameter
    r"^Consent can be given to a brand or a financier only",  # the grantee's kind (found at 60 examples a route)
    # assessments (issue 17): the framework versions published, the cycle's state, the answers a question's type
    # takes (calc.assessment.check_answers), and the fields the workflow needs together
    r"^Unknown framework or version|does not assess this kind of subject|^Choose a year from 2000 to|cycle of this framework is already open",
    r"^This assessment is |^Only (a submitted|a verified|an assessment in progress)|^Answer this question|^Attach the evidence",
    r"^Ask for evidence on at least one|^You answered or submitted|^Evidence is still requested for",
    r"[Nn]ot a question of|^answer |^unknown choice|is not a number|is negative|cannot be answered not applicable|^a table is answered|^unknown column|the unit is",
    r"^Say why, for the facility|^Say what is still missing|^Say how it was done",
    r"^This requirement is met|^Choose an organisation you can see|^This action is |^Only a completed action|^You reported this action",
    # business cases (issue 18): the catalogue's codes, the subject, the pipeline's order and what each stage needs,
    # measured savings on the facility's months (the document's own rules: fields document.*, below)
    r"^Not an intervention of the catalogue|^Give a facility or a park, not both|^A verified case can no longer",
    r"^Move the case forward one stage|^The case is already at this stage|^Say why the case moves back|^A case is verified by",
    r"^Name the financier or the instrument|^Give the amount financed|^Give the date it was implemented|^The date it was implemented",
    r"^The amount is too large|^Only a case at the idea or feasibility|^Savings are measured|^No month (before|after) the implementation",
    r"^The baseline cannot be fitted|^The savings cannot be measured|^Give the number of the facility, park or programme",
    # biomass sourcing (issue 19): one draft screening of a stream at a time, a completed one is locked
    r"^A screening of this stream is already in progress|^A completed screening cannot be changed|^The screening date cannot be in the future",
)]


@pytest.fixture
def fuzz_world(world):
    """The world, with one record of each kind of data the API reads and writes."""
    from loomlight.chemicals import services as chemicals
    from loomlight.evidence.services import evidence_attach
    from loomlight.reporting import services as reporting
    from loomlight.wastewater import services as wastewater

    entry = world.users["data_entry"]
    reporting.activity_value_set(by=entry, facility=world.own, period=datetime.date(2025, 3, 1), metric="electricity_grid",
                                 value=42, unit="MWh")
    event = wastewater.sampling_event_create(by=entry, facility=world.own, sampled_on=datetime.date(2025, 6, 12),
                                             sampling_point="discharge", discharge_type="direct", laboratory="Lab A",
                                             results=[{"parameter": "cod", "value": "120", "unit": "mg/L"}])
    product = chemicals.chemical_product_save(by=entry, facility=world.own, data={"name": "Salt", "supplier": "SaltCo"})
    chemicals.chemical_use_set(by=entry, product=product, period=datetime.date(2025, 5, 1), value=400, unit="kg")
    evidence_attach(by=entry, facility=world.own, kind="utility_bill", uploaded=SimpleUploadedFile("bill.pdf", b"%PDF-1.4 a bill"))
    assessment, action = _assessment(world)
    from loomlight.interventions.models import BusinessCase

    case = BusinessCase.objects.create(facility=world.own, intervention="led_lighting", title="LED lighting",
                                       created_by=world.users["manager"], result={"npv": 1.0},
                                       document={"country": "VN", "year": 2023, "capex": 1000, "lifetime_years": 5,
                                                 "discount_rate": 0.1, "savings": [{"money": 300}]})
    from loomlight.biomass import services as biomass

    supplier = biomass.supplier_create(by=world.users["manager"], facility=world.own, data={"name": "Husk Co"})
    stream = biomass.stream_create(by=world.users["manager"], facility=world.own, data={"supplier": supplier, "biomass_type": "rice_husk"})
    screening = biomass.screening_start(by=world.users["manager"], stream=stream)
    world.records = {"event": event, "product": product, "assessment": assessment, "action": action, "case": case,
                     "stream": stream, "screening": screening}
    return world


def _assessment(world):
    """Own Dyehouse's 2025 cycle of the mini framework, partly answered by its manager, with an open action."""
    from loomlight.assessments import services as assessments
    from tests.assessments.conftest import MINI

    manager = world.users["manager"]
    mini = assessments.framework_publish(text=MINI.read_text(encoding="utf-8"), file_name="mini.yaml")
    assessment = assessments.assessment_start(by=manager, framework=mini, subject=world.own, year=2025)
    assessments.answers_save(by=manager, assessment=assessment, answers={"ems.policy": "yes", "ems.targets": "some"})
    action = assessments.action_create(by=manager, owner=world.group, title="Set targets", due_date=datetime.date(2026, 6, 30),
                                       assessment=assessment, question="ems.targets")
    return assessment, action


def _choices(world) -> dict[str, list]:
    """For each path parameter, the values a case may take: the world's records and a missing id."""
    return {
        "facility_id": [world.own.pk, world.neighbour.pk, world.outside.pk, world.stranger.pk, MISSING],
        "park_id": [world.park.pk, world.other_park.pk, MISSING],
        "organisation_id": [world.brand.pk, world.group.pk, world.park_operator_org.pk, MISSING],
        "shared_id": [world.cetp.pk, MISSING],
        "consent_id": [world.own.consents.get().pk, MISSING],
        "event_id": [world.records["event"].pk, MISSING],
        "product_id": [world.records["product"].pk, MISSING],
        "period": ["2025-03", "2025-05", f"{datetime.date.today():%Y-%m}", "1990-01"],
        "parameter": ["cod", "ph", "cadmium"],
        "assessment_id": [world.records["assessment"].pk, MISSING],
        "action_id": [world.records["action"].pk, MISSING],
        "case_id": [world.records["case"].pk, MISSING],
        "stream_id": [world.records["stream"].pk, MISSING],
        "screening_id": [world.records["screening"].pk, MISSING],
        "question": ["ems.policy", "ems.targets", "water.recycled", "water.sources", "unknown"],
        "framework_id": ["test_mini", "unknown"],
        "version": ["2026.1", "1.0"],
    }


def _valid(name: str, value) -> bool:
    if name == "framework_id" or name in ("question", "version"):
        return isinstance(value, str)
    if name.endswith("_id"):
        return type(value) is int and value >= 1
    if name == "period":
        return isinstance(value, str) and re.fullmatch(PERIOD_PATH, value) is not None
    return isinstance(value, str) and value in parameters()


def _rule_of_the_data(failure, response) -> bool:
    if type(failure).__name__ != "RejectedPositiveData" or response.status_code != 422:
        return False
    body = response.json()["error"]
    # a business case's document: its schema is the `loomlight case` document's (README), checked by its own code
    fields = {f: ms for f, ms in body["fields"].items() if f != "document" and not f.startswith("document.")}
    if body["fields"] and not fields:
        return True
    messages = [m for ms in fields.values() for m in ms] or [body["message"]]
    return all(any(rule.search(m) for rule in RULES_OF_THE_DATA) for m in messages)


@pytest.fixture
def api_schema(fuzz_world, request, settings):
    from django.core.wsgi import get_wsgi_application

    # schemathesis sends bogus tokens on purpose (its auth checks): unthrottled here, so that every case reaches the
    # API's rules instead of a 429 (the throttle itself: tests/api/test_token_throttle.py)
    settings.TOKEN_FAILURES_PER_ADDRESS = 10**9

    # schemathesis 4.32's pytest wrapper reads and renames ``node._nodeid``, which pytest 9.2 no longer sets
    request.node._nodeid = request.node.nodeid
    _token, raw = api_token_issue(user=fuzz_world.users["operator"], name="schemathesis")
    config = SchemathesisConfig.from_dict({"auth": {"openapi": {"BearerToken": {"bearer": raw}}}})
    # Django's application inside the test's transaction: as the test client does, the connection is not
    # closed at the end of each request (it holds the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        app = get_wsgi_application()   # (sets logging up again: quieten it after)
        logging.getLogger("django.request").setLevel(logging.ERROR)   # thousands of 4xx are expected; a 5xx is logged
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app, config=config)
        choices = _choices(fuzz_world)

        @schema.hook
        def map_path_parameters(context, path_parameters):
            """A valid value becomes, four times in five, one of the world's (an invalid one stays invalid)."""
            mapped = dict(path_parameters or {})
            for name, value in mapped.items():
                known = choices.get(name)
                if not known or not _valid(name, value):
                    continue
                index = value if isinstance(value, int) else len(value)
                if index % 5 != 4:
                    mapped[name] = known[index % len(known)]
            return mapped

        @schema.hook
        def filter_failure(context, failure, case, response):
            return not _rule_of_the_data(failure, response)

        yield schema
    finally:
        logging.getLogger("django.request").setLevel(logging.NOTSET)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_log():
    """The cases sent and the statuses answered, printed at the end (pytest -s shows them)."""
    log = {"cases": 0, "statuses": Counter(), "server_errors": Counter()}
    yield log
    print(f"\nschemathesis: {log['cases']} cases; statuses {dict(sorted(log['statuses'].items()))}; "
          f"server errors {sum(log['server_errors'].values())} {dict(log['server_errors'])}")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented_and_never_500(case, fuzz_log):
    response = case.call()
    fuzz_log["cases"] += 1
    fuzz_log["statuses"][response.status_code] += 1
    assert response.status_code != 429, "the token throttle stopped the fuzzing: the cases no longer reach the API"
    if response.status_code >= 500:
        fuzz_log["server_errors"][f"{case.method} {case.operation.path}"] += 1
    case.validate_response(response)
