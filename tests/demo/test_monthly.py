"""Demo monthly data: deterministic, production-driven, seasonal, with gaps and anomalies to find; a month's
values the same whatever the window they are planned in."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter

from loomlight.demo.generator import plan
from loomlight.demo.monthly import FacilityProfile, plan_monthly, window
from tests.demo.helpers import on_build_day

#: The window of a demo built on 2026-04-10: April 2023 to March 2026.
MONTHS = window(datetime.date(2026, 4, 10))

PROFILES = [
    FacilityProfile("Dye A", "VN", ("dyeing", "finishing"), 300, 200, cetp=True),
    FacilityProfile("Sew B", "KH", ("cut_make_trim",), 1800, 400, cetp=False),
    FacilityProfile("Shoe C", "VN", ("footwear_assembly",), 3000, 900, cetp=False),
]


def _series(rows, facility, metric):
    return {r.period: r.value for r in rows if r.facility == facility and r.metric == metric}


def test_same_seed_same_data_other_seed_other_data():
    assert plan_monthly(PROFILES, 1, MONTHS) == plan_monthly(PROFILES, 1, MONTHS)
    assert plan_monthly(PROFILES, 1, MONTHS) != plan_monthly(PROFILES, 2, MONTHS)


def test_a_months_values_do_not_depend_on_the_window():
    # given the window of 2026-04-10 and the one of a build 45 days later (May 2023 to April 2026)
    later = window(datetime.date(2026, 5, 25))
    assert (MONTHS[0], MONTHS[-1], later[0], later[-1]) == (
        datetime.date(2023, 4, 1), datetime.date(2026, 3, 1), datetime.date(2023, 5, 1), datetime.date(2026, 4, 1))
    # then the months they share hold the same values
    shared = set(MONTHS) & set(later)
    first = [r for r in plan_monthly(PROFILES, 2026, MONTHS) if r.period in shared]
    second = [r for r in plan_monthly(PROFILES, 2026, later) if r.period in shared]
    assert first == second and len({r.period for r in first}) >= 33


def test_three_years_of_months_with_output_in_the_right_unit():
    rows = plan_monthly(PROFILES, 2026, MONTHS)
    assert {r.period.year for r in rows} == {2023, 2024, 2025, 2026}
    assert len({r.period for r in rows}) <= 36
    assert {r.metric for r in rows if r.facility == "Sew B"} >= {"production_pieces", "electricity_grid", "hours_worked"}
    assert {r.metric for r in rows if r.facility == "Shoe C"} >= {"production_pairs"}
    assert {r.metric for r in rows if r.facility == "Dye A"} >= {"production_kg", "wastewater_cetp", "waste_hazardous_landfilled"}
    assert all(r.value >= 0 for r in rows)


def test_energy_follows_production():
    rows = plan_monthly(PROFILES, 2026, MONTHS)
    output = _series(rows, "Dye A", "production_kg")
    water = _series(rows, "Dye A", "water_municipal") or _series(rows, "Dye A", "water_groundwater")
    months = sorted(set(output) & set(water))
    assert statistics.correlation([output[m] for m in months], [water[m] for m in months]) > 0.8


def test_tet_holiday_dips_viet_nam_output_in_february():
    rows = plan_monthly(PROFILES, 2026, MONTHS)
    output = _series(rows, "Shoe C", "production_pairs")
    for year in (2024, 2025, 2026):
        feb, jan = output.get(datetime.date(year, 2, 1)), output.get(datetime.date(year, 1, 1))
        if feb and jan:
            assert feb < jan


def test_the_demo_has_gaps_and_anomalies_to_find():
    demo = plan()
    profiles = [FacilityProfile(f.name, f.country, f.processes, f.headcount_female, f.headcount_male, cetp=False)
                for f in demo.facilities]
    rows = plan_monthly(profiles, demo.seed, MONTHS)
    months = {(r.facility, r.period) for r in rows}
    assert len(months) < len(profiles) * 36  # some months are missing
    electricity = [r for r in rows if r.metric == "electricity_grid"]
    by_facility: dict[str, list[float]] = {}
    for r in electricity:
        by_facility.setdefault(r.facility, []).append(r.value)
    spikes = [name for name, values in by_facility.items() if max(values) > 5 * statistics.median(values)]
    assert spikes  # at least one tenfold typing error to flag


def test_loaded_demo_has_monthly_data_for_every_facility(db):
    from loomlight.demo.generator import load_demo
    from loomlight.registry.models import Facility
    from loomlight.reporting.models import ActivityValue, ReportingPeriod

    with on_build_day():
        load_demo()
    facilities = Facility.objects.count()
    assert ActivityValue.objects.values("facility").distinct().count() == facilities
    assert ActivityValue.objects.filter(flag="high").exists()
    assert set(ReportingPeriod.objects.values_list("status", flat=True)) == {"verified", "submitted", "draft", "returned"}
    # the last complete month is March 2026: its month before (February) is verified nowhere (monthly.PATTERNS)
    assert not ReportingPeriod.objects.filter(period__gte=datetime.date(2026, 2, 1), status="verified").exists()


def test_loaded_demo_has_lab_results_and_chemical_inventories(db):
    from loomlight.chemicals.models import ChemicalProduct, ChemicalUse
    from loomlight.demo.generator import load_demo
    from loomlight.wastewater.models import LabResult, SamplingEvent
    from loomlight.wastewater.selectors import event_compliance

    with on_build_day():
        load_demo()
    points = set(SamplingEvent.objects.values_list("sampling_point", flat=True))
    assert points == {"discharge", "cetp_inflow", "cetp_outflow"}
    assert LabResult.objects.filter(below_detection_limit=True, value__isnull=True, detection_limit__isnull=False).exists()
    verdicts = {event_compliance(e)["overall"]["foundational"]
                for e in SamplingEvent.objects.filter(sampling_point="discharge", discharge_type="direct")[:40]}
    assert {"pass", "fail"} <= verdicts  # some plants meet the foundational limits, some do not
    # declarations that ran out on 2025-08-31 (eight months before the build), run out on 2026-07-31, run to 2027-04-30
    assert set(ChemicalProduct.objects.filter(mrsl_level__gte=1).values_list("declaration_valid_until", flat=True)) == {
        datetime.date(2025, 8, 31), datetime.date(2026, 7, 31), datetime.date(2027, 4, 30)}
    # twelve months of 2025 for each product, but from October for the plant that began operating on 2025-10-01
    (late,) = plan().discharge.starts()
    months = Counter(ChemicalUse.objects.filter(period__year=2025).values_list("product__facility__name", "product_id"))
    assert {(name == late, count) for (name, _product), count in months.items()} == {(False, 12), (True, 3)}
    assert len(months) == ChemicalProduct.objects.count()
    # and the months of 2026 up to the last complete one (March)
    assert set(ChemicalUse.objects.filter(period__year=2026).values_list("period", flat=True)) == {
        datetime.date(2026, m, 1) for m in (1, 2, 3)}
