"""Text that no database can store is refused at the door.

A NUL character (PostgreSQL's text cannot hold it) or an unpaired surrogate (not encodable as UTF-8)
in a query string or a posted form field is answered before any view runs, naming the field: 422 in
the API's error envelope under /api/, a 400 page elsewhere. The rule is registry.validators.text_problem,
the same that the API's input schemas apply to JSON bodies and the Excel import to its text cells.
"""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from loomlight.api.errors import ErrorCode, envelope
from loomlight.registry.validators import text_problem

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _problem(data) -> tuple[str, str] | None:
    for name, values in data.lists():
        for text in (name, *values):
            if isinstance(text, str) and (problem := text_problem(text)):
                return name, problem
    return None


class RefuseUnstorableText:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = _problem(request.GET)
        if found is None and request.method == "POST" and request.content_type in FORM_TYPES:
            found = _problem(request.POST)
        if found is None:
            return self.get_response(request)
        field, problem = found
        if request.path.startswith("/api/"):
            return JsonResponse(envelope(ErrorCode.VALIDATION_ERROR, _("The input is not valid."), {field: [problem]}), status=422)
        return render(request, "400.html", {"field": field, "problem": problem}, status=400)
