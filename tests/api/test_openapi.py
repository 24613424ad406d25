"""The OpenAPI document, the offline reference page, /me, and the envelope everywhere under /api/."""

from __future__ import annotations

import json
import re

from django.db import IntegrityError

from loomlight.api.errors import ErrorCode
from loomlight.registry import selectors, services
from tests.api.conftest import NOT_FOUND, error

V1_PATHS = {
    "/api/v1/me": {"get"},
    "/api/v1/organisations": {"get", "post"},
    "/api/v1/organisations/{organisation_id}": {"get", "patch"},
    "/api/v1/parks": {"get", "post"},
    "/api/v1/parks/{park_id}": {"get", "patch"},
    "/api/v1/facilities": {"get", "post"},
    "/api/v1/facilities/{facility_id}": {"get", "patch"},
    "/api/v1/parks/{park_id}/shared-facilities": {"get", "post"},
    "/api/v1/shared-facilities/{shared_id}": {"patch"},
    "/api/v1/consents": {"get"},
    "/api/v1/facilities/{facility_id}/consents": {"post"},
    "/api/v1/consents/{consent_id}/revoke": {"post"},
    "/api/v1/metrics": {"get"},
    "/api/v1/facilities/{facility_id}/values": {"get", "post"},
    "/api/v1/facilities/{facility_id}/periods": {"get"},
    "/api/v1/facilities/{facility_id}/periods/{period}/submit": {"post"},
    "/api/v1/facilities/{facility_id}/periods/{period}/verify": {"post"},
    "/api/v1/facilities/{facility_id}/periods/{period}/return": {"post"},
    "/api/v1/facilities/{facility_id}/periods/{period}/reopen": {"post"},
    "/api/v1/facilities/{facility_id}/periods/submit-complete": {"post"},
    "/api/v1/periods/verify": {"post"},
    "/api/v1/periods/return": {"post"},
    "/api/v1/periods/reopen": {"post"},
    "/api/v1/facilities/{facility_id}/wastewater/events": {"get", "post"},
    "/api/v1/shared-facilities/{shared_id}/wastewater/events": {"post"},
    "/api/v1/wastewater/events/{event_id}/results/{parameter}": {"put", "delete"},
    "/api/v1/wastewater/events/{event_id}": {"delete"},
    "/api/v1/facilities/{facility_id}/wastewater/exceedances": {"get"},
    "/api/v1/parks/{park_id}/wastewater/exceedances": {"get"},
    "/api/v1/facilities/{facility_id}/wastewater/discharge": {"get", "post"},
    "/api/v1/facilities/{facility_id}/wastewater/permits": {"post"},
    "/api/v1/wastewater/permits/{permit_id}": {"delete"},
    "/api/v1/shared-facilities/{shared_id}/wastewater/intake-limits": {"get", "post"},
    "/api/v1/facilities/{facility_id}/chemicals": {"get"},
    "/api/v1/facilities/{facility_id}/chemicals/products": {"post"},
    "/api/v1/chemicals/products/{product_id}": {"patch"},
    "/api/v1/chemicals/products/{product_id}/uses/{period}": {"put", "delete"},
    "/api/v1/facilities/{facility_id}/evidence": {"get", "post"},
    "/api/v1/facilities/{facility_id}/inventory": {"get"},
    "/api/v1/facilities/{facility_id}/target": {"put"},
    "/api/v1/inventory/summary": {"get"},
    "/api/v1/assessments": {"get", "post"},
    "/api/v1/assessments/{assessment_id}": {"get"},
    "/api/v1/assessments/{assessment_id}/answers": {"get", "put"},
    "/api/v1/assessments/{assessment_id}/answers/{question}/files": {"post"},
    "/api/v1/assessments/{assessment_id}/answers/{question}/review": {"post"},
    "/api/v1/assessments/{assessment_id}/submit": {"post"},
    "/api/v1/assessments/{assessment_id}/return": {"post"},
    "/api/v1/assessments/{assessment_id}/verify": {"post"},
    "/api/v1/assessments/{assessment_id}/reopen": {"post"},
    "/api/v1/assessments/{assessment_id}/actions": {"get", "post"},
    "/api/v1/actions/{action_id}/report": {"post"},
    "/api/v1/actions/{action_id}/verify": {"post"},
    "/api/v1/frameworks": {"get"},
    "/api/v1/frameworks/{framework_id}/{version}/questions": {"get"},
    "/api/v1/cases": {"get", "post"},
    "/api/v1/cases/pipeline": {"get"},
    "/api/v1/cases/curve": {"get"},
    "/api/v1/cases/{case_id}": {"get", "patch", "delete"},
    "/api/v1/cases/{case_id}/stage": {"post"},
    "/api/v1/cases/{case_id}/measured-savings": {"post"},
    "/api/v1/interventions": {"get"},
    "/api/v1/biomass/streams": {"get"},
    "/api/v1/biomass/streams/{stream_id}": {"get"},
    "/api/v1/biomass/streams/{stream_id}/chain": {"get"},
    "/api/v1/biomass/streams/{stream_id}/screenings": {"post"},
    "/api/v1/biomass/screenings/{screening_id}": {"get", "patch"},
    "/api/v1/biomass/screenings/{screening_id}/complete": {"post"},
    "/api/v1/facilities/{facility_id}/biomass/supply": {"get"},
}


def test_openapi_document(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert re.fullmatch(r"3\.\d+\.\d+", document["openapi"])
    assert {path: set(ops) for path, ops in document["paths"].items()} == V1_PATHS
    assert document["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}
    envelope = document["components"]["schemas"]["ErrorBody"]
    assert document["components"]["schemas"]["ErrorCode"]["enum"] == [c.value for c in ErrorCode]
    assert set(envelope["properties"]) == {"code", "message", "fields"}
    # input schemas refuse unknown fields; output schemas are separate
    assert document["components"]["schemas"]["FacilityPatch"]["additionalProperties"] is False
    assert "programme" not in document["components"]["schemas"]["FacilityOut"]["properties"]
    operation_ids = [op["operationId"] for ops in document["paths"].values() for op in ops.values()]
    assert len(operation_ids) == len(set(operation_ids)) and "facility_list" in operation_ids


def test_docs_page_is_interactive_and_works_offline(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/api/openapi.json" in html
    # no script or stylesheet from another host
    assert re.findall(r'(?:src|href)="(?:https?:)?//[^"]*"', html) == []
    assert client.get("/static/ninja/swagger-ui-bundle.js").status_code == 200


def test_error_codes():
    assert [c.value for c in ErrorCode] == [
        "not_authenticated", "permission_denied", "not_found", "validation_error", "conflict", "bad_request", "server_error",
        "too_many_requests"]


def test_unknown_address_under_api_is_the_envelope(client, db):
    for url in ("/api/v2/facilities", "/api/v1/", "/api/v1/facilities/"):
        response = client.get(url)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert client.get("/api/")["Location"] == "/api/docs"


def test_me(api, world):
    assert api.get("group_manager", "/me").json() == {
        "id": world.users["group_manager"].pk, "username": "group_manager", "first_name": "", "last_name": "", "email": "",
        "is_operator": False,
        "memberships": [{"id": world.users["group_manager"].memberships.get().pk, "role": "facility_manager",
                         "scope_type": "organisation", "scope_id": world.group.pk, "scope_name": "Saigon Knit Group"}],
    }
    operator = api.get("operator", "/me").json()
    assert (operator["is_operator"], operator["memberships"]) == (True, [])


def test_a_server_error_is_logged_and_answered_in_the_envelope(api, world, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "facility_list", broken)
    response = api.get("manager", "/facilities")
    assert (response.status_code, response.json()) == (
        500, error("server_error", "Something went wrong on the server. The error was logged."))
    assert [(r.name, r.levelname, r.exc_info[1].args) for r in caplog.records if r.exc_info] == [("django.request", "ERROR", ("boom",))]


def test_a_database_conflict_is_409(api, world, monkeypatch):
    def racing(**kwargs):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(services, "facility_update", racing)
    response = api.patch("manager", f"/facilities/{world.own.pk}", {"name": "Renamed"})
    assert (response.status_code, response.json()) == (409, error("conflict", "This conflicts with an existing record."))


def test_no_two_api_schemas_share_a_name():
    # django-ninja names an OpenAPI component by the class name: a second schema of the same name silently takes the
    # first one's place in the document (a case's subject once replaced an assessment's, found by schemathesis)
    import importlib
    import inspect
    import pkgutil

    from ninja import Schema

    import loomlight.api

    seen: dict[str, str] = {}
    for info in pkgutil.iter_modules(loomlight.api.__path__):
        module = importlib.import_module(f"loomlight.api.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Schema) and obj.__module__ == module.__name__:
                assert name not in seen, f"{name} in {module.__name__} and {seen[name]}"
                seen[name] = module.__name__
    assert {"CaseSubjectOut", "SubjectOut"} <= set(seen)
