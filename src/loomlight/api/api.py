"""The one NinjaAPI: OpenAPI 3 at /api/openapi.json, interactive docs (Swagger UI)
at /api/docs, routes under /api/v1/.

Swagger UI's files come from the django-ninja package (``ninja`` is an installed
app, so they are served as our own static files): the docs work offline."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Swagger

from loomlight.api import errors, v1, v1_assessments, v1_biomass, v1_cases, v1_chemicals, v1_environment, v1_evidence, v1_inventories, v1_reporting
from loomlight.api.auth import BearerToken, SessionRead


class LoomlightAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__  # unique within v1: facility_list, consent_grant, ...

    def get_openapi_schema(self, *args, **kwargs):
        """The document, saying also of multipart bodies (a file and its fields) what the routes check:
        no field besides those named (ninja merges the file and the form into one schema, open)."""
        document = super().get_openapi_schema(*args, **kwargs)
        for operations in document["paths"].values():
            for operation in operations.values():
                form = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data")
                if form:
                    form["schema"]["additionalProperties"] = False
                    for name, field in form["schema"]["properties"].items():
                        if field.get("format") == "binary":
                            field["minLength"] = 1   # an empty file is no file (Django drops it: "required")
        return document


api = LoomlightAPI(
    title="Loomlight API",
    version="1",
    description=_("The registry of a sustainable-manufacturing programme: organisations, industrial parks, facilities, shared facilities and consent."),
    urls_namespace="api",
    auth=[BearerToken(), SessionRead()],
    docs=Swagger(settings={"persistAuthorization": False, "tryItOutEnabled": True}),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("/v1/", v1.router)
api.add_router("/v1/", v1_reporting.router)
api.add_router("/v1/", v1_environment.router)
api.add_router("/v1/", v1_chemicals.router)
api.add_router("/v1/", v1_evidence.router)
api.add_router("/v1/", v1_inventories.router)
api.add_router("/v1/", v1_assessments.router)
api.add_router("/v1/", v1_cases.router)
api.add_router("/v1/", v1_biomass.router)
