"""Demo monthly data: deterministic, production-driven, seasonal, with gaps and anomalies to find."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter

from loomlight.demo.generator import plan
from loomlight.demo.monthly import FacilityProfile, plan_monthly

PROFILES = [
    FacilityProfile("Dye A", "VN", ("dyeing", "finishing"), 300, 200, cetp=True),
    FacilityProfile("Sew B", "KH", ("cut_make_trim",), 1800, 400, cetp=False),
    FacilityProfile("Shoe C", "VN", ("footwear_assembly",), 3000, 900, cetp=False),
]


def _series(rows, facility, metric):
    return {r.period: r.value for r in rows if r.facility == facility and r.metric == metric}


def test_same_seed_same_data_other_seed_other_data():
    assert plan_monthly(PROFILES, 1) == plan_monthly(PROFILES, 1)
    assert plan_monthly(PROFILES, 1) != plan_monthly(PROFILES, 2)


def test_three_years_of_months_with_output_in_the_right_unit():
    rows = plan_monthly(PROFILES, 2026)
    assert {r.period.year for r in rows} == {2023, 2024, 2025}
    assert {r.metric for r in rows if r.facility == "Sew B"} >= {"production_pieces", "electricity_grid", "hours_worked"}
    assert {r.metric for r in rows if r.facility == "Shoe C"} >= {"production_pairs"}
    assert {r.metric for r in rows if r.facility == "Dye A"} >= {"production_kg", "wastewater_cetp", "waste_hazardous_landfilled"}
    assert all(r.value >= 0 for r in rows)


def test_energy_follows_production():
    rows = plan_monthly(PROFILES, 2026)
    output = _series(rows, "Dye A", "production_kg")
    water = _series(rows, "Dye A", "water_municipal") or _series(rows, "Dye A", "water_groundwater")
    months = sorted(set(output) & set(water))
    assert statistics.correlation([output[m] for m in months], [water[m] for m in months]) > 0.8


def test_tet_holiday_dips_viet_nam_output_in_february():
    rows = plan_monthly(PROFILES, 2026)
    output = _series(rows, "Shoe C", "production_pairs")
    for year in (2023, 2024, 2025):
        feb, jan = output.get(datetime.date(year, 2, 1)), output.get(datetime.date(year, 1, 1))
        if feb and jan:
            assert feb < jan


def test_the_demo_has_gaps_and_anomalies_to_find():
    demo = plan()
    profiles = [FacilityProfile(f.name, f.country, f.processes, f.headcount_female, f.headcount_male, cetp=False)
                for f in demo.facilities]
    rows = plan_monthly(profiles, demo.seed)
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

    load_demo()
    facilities = Facility.objects.count()
    assert ActivityValue.objects.values("facility").distinct().count() == facilities
    assert ActivityValue.objects.filter(flag="high").exists()
    assert set(ReportingPeriod.objects.values_list("status", flat=True)) == {"verified", "submitted", "draft"}
    assert not ReportingPeriod.objects.filter(period__gte=datetime.date(2025, 10, 1), status="verified").exists()


def test_loaded_demo_has_lab_results_and_chemical_inventories(db):
    from loomlight.chemicals.models import ChemicalProduct, ChemicalUse
    from loomlight.demo.generator import load_demo
    from loomlight.wastewater.models import LabResult, SamplingEvent
    from loomlight.wastewater.selectors import event_compliance

    load_demo()
    points = set(SamplingEvent.objects.values_list("sampling_point", flat=True))
    assert points == {"discharge", "cetp_inflow", "cetp_outflow"}
    assert LabResult.objects.filter(below_detection_limit=True, value__isnull=True, detection_limit__isnull=False).exists()
    verdicts = {event_compliance(e)["overall"]["foundational"]
                for e in SamplingEvent.objects.filter(sampling_point="discharge", discharge_type="direct")[:40]}
    assert {"pass", "fail"} <= verdicts  # some plants meet the foundational limits, some do not
    assert ChemicalProduct.objects.filter(mrsl_level__gte=1, declaration_valid_until__lt=datetime.date(2025, 6, 30)).exists()
    # twelve months of 2025 for each product, but from October for the plant that began operating on 2025-10-01
    (late,) = plan().discharge.starts()
    months = Counter(ChemicalUse.objects.filter(period__year=2025).values_list("product__facility__name", "product_id"))
    assert {(name == late, count) for (name, _product), count in months.items()} == {(False, 12), (True, 3)}
    assert len(months) == ChemicalProduct.objects.count()
