"""The API's one error envelope, for every error:

    {"error": {"code": "<ErrorCode>", "message": "<human text>", "fields": {"<field>": ["<message>", ...]}}}

``fields`` names the input fields at fault (empty when the error is about no
field in particular). A hidden object answers exactly like a missing one (404).
"""

from __future__ import annotations

import logging
from enum import StrEnum

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError


class ErrorCode(StrEnum):
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    VALIDATION_ERROR = "validation_error"
    CONFLICT = "conflict"
    BAD_REQUEST = "bad_request"
    SERVER_ERROR = "server_error"
    TOO_MANY_REQUESTS = "too_many_requests"


class ErrorBody(Schema):
    code: ErrorCode
    message: str
    fields: dict[str, list[str]]


class ErrorOut(Schema):
    error: ErrorBody


logger = logging.getLogger("django.request")

#: The code and the default message of each status the API answers with.
_STATUSES = {
    400: (ErrorCode.BAD_REQUEST, gettext_lazy("The request could not be processed.")),
    401: (ErrorCode.NOT_AUTHENTICATED, gettext_lazy("Authentication required: send “Authorization: Bearer <token>” with a valid API token.")),
    403: (ErrorCode.PERMISSION_DENIED, gettext_lazy("You may not do this.")),
    404: (ErrorCode.NOT_FOUND, gettext_lazy("Not found.")),
    409: (ErrorCode.CONFLICT, gettext_lazy("This conflicts with an existing record.")),
    422: (ErrorCode.VALIDATION_ERROR, gettext_lazy("The input is not valid.")),
    429: (ErrorCode.TOO_MANY_REQUESTS, gettext_lazy("Too many failed attempts from your address. Try again after the time in the Retry-After header (seconds).")),
    500: (ErrorCode.SERVER_ERROR, gettext_lazy("Something went wrong on the server. The error was logged.")),
}


def envelope(code: ErrorCode, message: str, fields: dict[str, list[str]] | None = None) -> dict:
    return {"error": {"code": str(code), "message": str(message), "fields": fields or {}}}


# --- translating exceptions -------------------------------------------------

def _pydantic_message(error: dict) -> str:
    known = {
        "extra_forbidden": _("Unknown field."),
        "missing": _("This field is required."),
    }
    return str(known.get(error.get("type"), error.get("msg", "")))


def _field_name(loc) -> str:
    """("body", "payload", "latitude") -> "latitude"; ("query", "page_size") -> "page_size"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[2:]  # the location and the name of the body parameter
    elif parts:
        parts = parts[1:]
    return parts[0] if parts else NON_FIELD_ERRORS


def fields_from_pydantic(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        fields.setdefault(_field_name(error.get("loc", ())), []).append(_pydantic_message(error))
    return fields


def fields_from_django(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {NON_FIELD_ERRORS: [str(m) for m in exc.messages]}


def validation_response(api, request: HttpRequest, fields: dict[str, list[str]]) -> HttpResponse:
    """422: field errors under ``fields``; errors about no one field become the message."""
    general = fields.pop(NON_FIELD_ERRORS, [])
    message = " ".join(general) if general else _STATUSES[422][1]
    return api.create_response(request, envelope(ErrorCode.VALIDATION_ERROR, message, fields), status=422)


def error_response(api, request: HttpRequest, status: int) -> HttpResponse:
    code, message = _STATUSES.get(status, _STATUSES[400])
    response = api.create_response(request, envelope(code, message), status=status)
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def install(api) -> None:
    """Register one handler per kind of failure on the NinjaAPI."""

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return error_response(api, request, 401)

    @api.exception_handler(Throttled)
    def _throttled(request, exc):
        response = error_response(api, request, 429)
        if exc.wait:
            response["Retry-After"] = str(exc.wait)
        return response

    @api.exception_handler(HttpError)
    def _http_error(request, exc):
        # ninja's own refusals (a failed CSRF check, throttling): keep the status, use the envelope
        return error_response(api, request, exc.status_code)

    @api.exception_handler(NinjaValidationError)
    def _invalid_input(request, exc):
        return validation_response(api, request, fields_from_pydantic(exc.errors))

    @api.exception_handler(DjangoValidationError)
    def _invalid_data(request, exc):
        return validation_response(api, request, fields_from_django(exc))

    @api.exception_handler(PermissionDenied)
    def _denied(request, exc):
        return error_response(api, request, 403)

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return error_response(api, request, 404)

    @api.exception_handler(IntegrityError)
    def _conflict(request, exc):
        return error_response(api, request, 409)

    @api.exception_handler(Exception)
    def _server_error(request, exc):
        logger.error("Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500, "request": request})
        return error_response(api, request, 500)


def not_found(request, *args, **kwargs) -> JsonResponse:
    """Any other address under /api/: the envelope rather than an HTML page."""
    return JsonResponse(envelope(*_STATUSES[404]), status=404)
