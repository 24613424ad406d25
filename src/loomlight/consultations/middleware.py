"""The public comment form's request body is capped before anything reads it.

A POST to a comment form (``/consultations/<period>/``) whose Content-Length exceeds
``settings.CONSULTATION_MAX_BODY_BYTES`` is not read: it is answered here with the form and its error (413,
``views.period_too_large``), and nothing is stored. It sits before every middleware that reads a form
(site.middleware.RefuseUnstorableText, CSRF: no CSRF check is needed for an answer that changes nothing). The default, 64 KiB,
holds the largest valid comment: 5,000 characters of Thai or Khmer are 15,000 bytes of UTF-8 and 45,000 once
percent-encoded, and the optional fields 5,400 more. Every other form keeps Django's
DATA_UPLOAD_MAX_MEMORY_SIZE (5 MB).
"""

from __future__ import annotations

import re

from django.conf import settings

FORM_PATH = re.compile(r"^/consultations/(\d+)/$")


def _length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class CapCommentBody:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = FORM_PATH.match(request.path_info) if request.method == "POST" else None
        if match and _length(request) > settings.CONSULTATION_MAX_BODY_BYTES:
            from loomlight.consultations.views import period_too_large

            return period_too_large(request, int(match.group(1)))
        return self.get_response(request)
