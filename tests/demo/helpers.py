"""Reading the demo back from the database, to compare it with its plan."""

from __future__ import annotations

import datetime
import hashlib
from contextlib import contextmanager

import time_machine

from django.contrib.auth import get_user_model
from django.db import transaction

from loomlight.demo.generator import DemoLogin, load_demo
from loomlight.registry.models import Consent, Facility

#: The day the module-wide demos of tests/demo are built on (and their tests run on): the last complete month is
#: March 2026, not due until 20 April.
BUILD_DAY = datetime.datetime(2026, 4, 10, 9, 0, tzinfo=datetime.UTC)


@contextmanager
def on_build_day():
    with time_machine.travel(BUILD_DAY, tick=False):
        yield


#: The logins of the demo made with the default seed (2026).
EXPECTED_LOGINS = (
    DemoLogin("operator", "operator", "the whole installation (superuser)"),
    DemoLogin("admin", "programme_admin", "Mekong Clean Apparel Alliance"),
    DemoLogin("assessor", "assessor", "Mekong Clean Apparel Alliance"),
    DemoLogin("park", "park_operator", "Song Xanh Eco-Industrial Park"),
    DemoLogin("manager", "facility_manager", "Hung Phat Sportswear"),
    DemoLogin("dataentry", "facility_data_entry", "Hung Phat Sportswear"),
    DemoLogin("brand", "brand_viewer", "Verdalia Apparel"),
    DemoLogin("financier", "financier_viewer", "Lotus Bridge Climate Finance"),
)


def facility_rows_from_db() -> list[tuple]:
    return sorted(
        (f.name, f.name_local, f.organisation.name if f.organisation else None, f.address, f.country, f.latitude,
         f.longitude, f.park.name if f.park else None, f.tier, tuple(f.processes), tuple(f.product_types),
         f.headcount_female, f.headcount_male, f.os_hub_id)
        for f in Facility.objects.select_related("organisation", "park")
    )


def facility_rows_from_plan(demo) -> list[tuple]:
    return sorted(
        (f.name, f.name_local, f.organisation, f.address, f.country, f.latitude, f.longitude, f.park, f.tier,
         f.processes, f.product_types, f.headcount_female, f.headcount_male, f.os_hub_id)
        for f in demo.facilities
    )


def consent_rows_from_db() -> list[tuple]:
    return sorted(
        (c.facility.name, c.grantee.name, tuple(c.data_kinds), c.valid_from, c.valid_until, c.granted_by.username,
         c.revoked_at is not None)
        for c in Consent.objects.select_related("facility", "grantee", "granted_by")
    )


def consent_rows_from_plan(demo) -> list[tuple]:
    return sorted(
        (c.facility, c.grantee, c.data_kinds, c.valid_from, c.valid_until, c.granted_by, c.revoked)
        for c in demo.consents
    )


def series_rows_from_db() -> list[tuple]:
    """The dated series, by name and day (no ids): months, values, their audit events, samples, chemical uses."""
    from loomlight.audit.models import AuditEvent
    from loomlight.chemicals.models import ChemicalUse
    from loomlight.reporting.models import ActivityValue, ReportingPeriod
    from loomlight.wastewater.models import LabResult

    months = {str(r.pk): (r.facility.name, r.period) for r in ReportingPeriod.objects.select_related("facility")}
    return [
        sorted((r.facility.name, r.period, r.status, getattr(r.submitted_by, "username", None), r.submitted_at,
                getattr(r.verified_by, "username", None), r.verified_at, r.comment)
               for r in ReportingPeriod.objects.select_related("facility", "submitted_by", "verified_by")),
        sorted((v.facility.name, v.period, v.metric, v.value, v.unit, v.flag, v.entered_at)
               for v in ActivityValue.objects.select_related("facility")),
        sorted((months[e.object_id], e.at, e.actor.username, e.after["status"])
               for e in AuditEvent.objects.filter(object_type="reporting.reportingperiod").select_related("actor")),
        sorted((str(r.event.facility or r.event.shared_facility), r.event.sampled_on, r.event.sampling_point, r.parameter,
                r.value) for r in LabResult.objects.select_related("event__facility", "event__shared_facility")),
        sorted((u.product.facility.name, u.product.name, u.period, u.quantity_kg)
               for u in ChemicalUse.objects.select_related("product__facility")),
    ]


def digest(rows) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()


class _Rollback(Exception):
    """Raised to roll back the load once it has been read."""


def load_in_fresh_database(seed: int, **kwargs):
    """Load into the (empty) test database, read what was written, then roll it all back.
    Returns (summary, digest of the facilities, digest of the consents, digest of the dated series)."""
    result = None
    try:
        with transaction.atomic():
            summary = load_demo(seed=seed, **kwargs)
            result = (summary, digest(facility_rows_from_db()), digest(consent_rows_from_db()),
                      digest(series_rows_from_db()))
            raise _Rollback
    except _Rollback:
        pass
    return result


def user(username: str):
    return get_user_model().objects.get(username=username)
