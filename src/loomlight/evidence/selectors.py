"""Reading evidence: what a piece of evidence backs decides who may read it (the page's download and the API alike)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from loomlight.evidence.models import Evidence
from loomlight.registry import policy
from loomlight.registry.models import DataKind

#: the data kinds evidence can back, and the rows of each
KIND_OF = {
    DataKind.WASTEWATER: Q(sampling_event__isnull=False) | Q(discharge_permit__isnull=False),
    DataKind.CHEMICALS: Q(sampling_event__isnull=True, discharge_permit__isnull=True, chemical_product__isnull=False),
    DataKind.ENVIRONMENTAL: Q(sampling_event__isnull=True, discharge_permit__isnull=True, chemical_product__isnull=True),
}


def data_kind(evidence: Evidence) -> str:
    """The kind of data a piece of evidence backs: a sampling event's or a discharge permit's is wastewater
    data, a chemical product's chemical data, any other (a bill, a value, a month) environmental data."""
    if evidence.sampling_event_id or evidence.discharge_permit_id:
        return DataKind.WASTEWATER
    if evidence.chemical_product_id:
        return DataKind.CHEMICALS
    return DataKind.ENVIRONMENTAL


def readable_kinds(user, facility) -> list[str]:
    """The kinds of the facility's evidence the user may read."""
    return [kind for kind in KIND_OF if policy.can_view_data(user, facility, kind)]


def evidence_readable(user, facility) -> QuerySet[Evidence]:
    """The facility's evidence the user may read, newest first."""
    q = Q(pk__in=[])
    for kind in readable_kinds(user, facility):
        q |= KIND_OF[kind]
    return facility.evidence.filter(q).order_by("-uploaded_at", "-pk")
