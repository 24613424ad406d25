"""What the pages of several apps look up the same way, through the one policy.

An object the user may not see is answered exactly like a missing one (404); one they
may read but not change, with 403 (docs/architecture.md, "One policy").
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404

from loomlight.registry import policy
from loomlight.registry.validators import FIRST_YEAR, year_in_range  # noqa: F401 (FIRST_YEAR: named here for the pages)


def facility_with_data(user, pk, kind: str, *, action: str | None = None):
    """The facility ``pk`` when ``user`` may read its data of ``kind`` (404 otherwise); with
    ``action``, also allowed to do it (403 otherwise)."""
    facility = policy.facilities_with_data(user, kind).filter(pk=pk).first()
    if facility is None:
        raise Http404
    if action is not None and not policy.can(user, action, facility):
        raise PermissionDenied
    return facility


def data_year(year: int | None) -> int:
    """``year``, or this year when None; 404 outside FIRST_YEAR..this year."""
    year = datetime.date.today().year if year is None else year   # 0 is a year outside the range, not "this year"
    if not year_in_range(year):
        raise Http404
    return year
