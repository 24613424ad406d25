"""A small programme, built by hand on the shared ``world`` (tests/conftest.py), with the clock frozen on
10 April 2026 (tests/april_2026.py; deadline day 20, so February 2026 is the latest month due and March 2026 is
due on 20 April).

Own Dyehouse (dyeing, in Green Park; registered 15 November 2025, first month on record October 2025):
    Oct 2025 verified, Nov 2025 submitted (a value flagged low), Dec 2025 returned "Electricity looks doubled"
    (a value flagged high), Jan 2026 draft (water only), Feb and Mar 2026 nothing; no wastewater sample;
    a chemical whose declaration expired on 31 March 2026 and one valid until December.
Neighbour Sewing (cut-make-trim, in Green Park; registered 5 January 2026): Feb 2026 submitted on 5 March.
Outside Laundry (laundry, no park; registered 10 January 2024): nothing reported; last sampled 1 March 2025.
Stranger Mill (not in the programme): Jan 2026 submitted.
Green Park CETP: outflow sampled 15 March 2026 (COD 250 mg/L) and 2 February 2026 (COD 60 mg/L).
Consents to Brand A: Own Dyehouse (the world's, granted today: newly shared), Neighbour Sewing (granted
1 February, revoked 25 March 2026: withdrawn), Outside Laundry (valid until 1 April 2026: expired), Stranger
Mill (revoked in 2025: too old to show); Stranger Mill to Brand B, granted today.
"""

from __future__ import annotations

import datetime

from loomlight.reporting.models import ActivityValue, ReportingPeriod

UTC = datetime.UTC


def _at(y, m, d) -> datetime.datetime:
    return datetime.datetime(y, m, d, 8, 0, tzinfo=UTC)


def value(facility, period, metric, v, unit, flag=""):
    return ActivityValue(facility=facility, period=period, metric=metric, value=v, unit=unit, original_value=v,
                         original_unit=unit, source="form", flag=flag)


def build(world):
    from loomlight.chemicals.models import ChemicalProduct
    from loomlight.registry.models import Consent, Facility
    from loomlight.wastewater.models import LabResult, SamplingEvent

    own, neighbour, outside, stranger = world.own, world.neighbour, world.outside, world.stranger
    for f, when in ((own, _at(2025, 11, 15)), (neighbour, _at(2026, 1, 5)), (outside, _at(2024, 1, 10)),
                    (stranger, _at(2025, 6, 1))):
        Facility.objects.filter(pk=f.pk).update(created_at=when)
        f.refresh_from_db()
    D = datetime.date
    ReportingPeriod.objects.bulk_create([
        ReportingPeriod(facility=own, period=D(2025, 10, 1), status="verified", verified_at=_at(2025, 11, 25)),
        ReportingPeriod(facility=own, period=D(2025, 11, 1), status="submitted", submitted_at=_at(2025, 12, 10)),
        ReportingPeriod(facility=own, period=D(2025, 12, 1), status="returned", comment="Electricity looks doubled"),
        ReportingPeriod(facility=own, period=D(2026, 1, 1), status="draft"),
        ReportingPeriod(facility=neighbour, period=D(2026, 2, 1), status="submitted", submitted_at=_at(2026, 3, 5)),
        ReportingPeriod(facility=stranger, period=D(2026, 1, 1), status="submitted", submitted_at=_at(2026, 2, 10)),
    ])
    ActivityValue.objects.bulk_create([
        value(own, D(2025, 10, 1), "electricity_grid", 300000, "kWh", flag="high"),   # verified: nothing to do
        value(own, D(2025, 11, 1), "electricity_grid", 90000, "kWh", flag="low"),
        value(own, D(2025, 12, 1), "electricity_grid", 640000, "kWh", flag="high"),
        value(own, D(2026, 1, 1), "water_municipal", 4200, "m³"),
        value(neighbour, D(2026, 2, 1), "electricity_grid", 120000, "kWh"),
        value(stranger, D(2026, 1, 1), "electricity_grid", 5, "kWh", flag="low"),
    ])
    ChemicalProduct.objects.create(facility=own, name="Levafix Blue", supplier="Dystar", declaration_reference="GW-123",
                                   declaration_valid_until=D(2026, 3, 31))
    ChemicalProduct.objects.create(facility=own, name="Sera Fast", supplier="Dystar", declaration_valid_until=D(2026, 12, 31))
    ChemicalProduct.objects.create(facility=stranger, name="Old Softener", supplier="X", declaration_valid_until=D(2025, 1, 1))
    laundry = SamplingEvent.objects.create(facility=outside, sampled_on=D(2025, 3, 1), sampling_point="discharge",
                                           discharge_type="direct", laboratory="Lab")
    LabResult.objects.create(event=laundry, parameter="cod", value=90, unit="mg/L")
    high = SamplingEvent.objects.create(shared_facility=world.cetp, sampled_on=D(2026, 3, 15), sampling_point="cetp_outflow",
                                        discharge_type="direct", laboratory="Lab")
    LabResult.objects.create(event=high, parameter="cod", value=250, unit="mg/L")
    low = SamplingEvent.objects.create(shared_facility=world.cetp, sampled_on=D(2026, 2, 2), sampling_point="cetp_outflow",
                                       discharge_type="direct", laboratory="Lab")
    LabResult.objects.create(event=low, parameter="cod", value=60, unit="mg/L")
    manager = world.users["manager"]
    Consent.objects.create(facility=neighbour, grantee=world.brand, data_kinds=["profile"], valid_from=D(2026, 2, 1),
                           granted_by=manager, granted_at=_at(2026, 2, 1), revoked_at=_at(2026, 3, 25))
    Consent.objects.create(facility=outside, grantee=world.brand, data_kinds=["profile", "ghg"], valid_from=D(2025, 1, 1),
                           valid_until=D(2026, 4, 1), granted_by=manager, granted_at=_at(2025, 1, 1))
    Consent.objects.create(facility=stranger, grantee=world.brand, data_kinds=["profile"], valid_from=D(2025, 1, 1),
                           granted_by=manager, granted_at=_at(2025, 1, 1), revoked_at=_at(2025, 6, 1))
    Consent.objects.create(facility=stranger, grantee=world.other_brand, data_kinds=["profile"], valid_from=D(2026, 4, 1),
                           granted_by=manager)
    return {"high_event": high, "low_event": low}
