"""Answers from data (issue 17, 3): each source's value for a subject and a year, computed from what the platform
stores, with its basis in words; a gap is a gap (None and a reason, never 0); like with like; a fixed number of
queries.

The clock is frozen on 10 April 2026 (deadline the 20th): 2025 is over (12 months expected); of 2026, January and
February are due (March is due on 20 April).
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from loomlight.assessments.from_data import KINDS, FromData, values_for
from loomlight.calc.assessment.tree import DATA_SOURCES
from loomlight.chemicals.models import ChemicalProduct, ChemicalUse
from loomlight.inventories import services as inventories
from loomlight.reporting.models import PeriodStatus, ReportingPeriod
from loomlight.wastewater import services as wastewater
from tests.april_2026 import april_2026, store_values  # noqa: F401 (april_2026: the frozen clock, autouse)

ALL = tuple(DATA_SOURCES)
FACILITY_SOURCES = tuple(s for s, (_u, kinds) in DATA_SOURCES.items() if "facility" in kinds)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def verify(facility, year, months):
    """The months of ``year`` marked verified (the month records as the review leaves them)."""
    ReportingPeriod.objects.bulk_create([ReportingPeriod(facility=facility, period=datetime.date(year, m, 1),
                                                         status=PeriodStatus.VERIFIED) for m in months])


def one(subject, year, source) -> FromData:
    return values_for(subject, year, [source])[source]


def inventory_values(facility, rows):
    store_values(facility, rows)
    inventories.recompute(facility, sorted({y for y, *_ in rows}))


# --- injury rates ---------------------------------------------------------------------------------------------

def safety_2025(facility, *, lost_time_months=range(1, 13)):
    """50,000 hours worked in each month of 2025 (600,000 h); lost-time injuries 1 in March and 2 in July (0 in the
    other months of ``lost_time_months``); recordable injuries 1 in each of Feb, Mar, Jul, Aug, Oct, Nov (6)."""
    rows = [(2025, range(1, 13), "hours_worked", 50_000, "hour")]
    lost = {3: 1, 7: 2}
    rows += [(2025, (m,), "injuries_lost_time", lost.get(m, 0), "count") for m in lost_time_months]
    rows += [(2025, (m,), "injuries_recordable", 1 if m in (2, 3, 7, 8, 10, 11) else 0, "count") for m in range(1, 13)]
    store_values(facility, rows)


def test_injury_rates_per_200000_and_per_million_hours(world):
    # given 600,000 hours worked in 2025, 3 lost-time and 6 recordable injuries; January to October verified
    safety_2025(world.own)
    verify(world.own, 2025, range(1, 11))
    # when the four rates are asked
    got = values_for(world.own, 2025, ["ltifr_200k", "ltifr_1m", "trir_200k", "trir_1m"])
    # then LTIFR = 3 x 200,000 / 600,000 = 1.0 and 3 x 1,000,000 / 600,000 = 5.0;
    #      TRIR  = 6 x 200,000 / 600,000 = 2.0 and 6 x 1,000,000 / 600,000 = 10.0
    assert {s: v.value for s, v in got.items()} == {"ltifr_200k": pytest.approx(1.0, rel=1e-12),
                                                     "ltifr_1m": pytest.approx(5.0, rel=1e-12),
                                                     "trir_200k": pytest.approx(2.0, rel=1e-12),
                                                     "trir_1m": pytest.approx(10.0, rel=1e-12)}
    ltifr = got["ltifr_200k"]
    assert (ltifr.unit, ltifr.months, ltifr.months_expected, ltifr.complete, ltifr.reason) == ("1", 12, 12, True, None)
    assert ltifr.basis == ("2025: 600,000 hours worked, 3 lost-time injuries (12 of 12 months reported); "
                           "3 × 200,000 / 600,000 = 1; 10 of 12 months verified")
    assert got["trir_1m"].basis == ("2025: 600,000 hours worked, 6 recordable injuries (12 of 12 months reported); "
                                    "6 × 1,000,000 / 600,000 = 10; 10 of 12 months verified")
    assert ltifr.months_verified == 10


def test_the_basis_is_written_with_the_readers_number_format(world):
    safety_2025(world.own)
    with translation.override("vi"):
        basis = one(world.own, 2025, "ltifr_1m").basis
    # Vietnamese groups thousands with "." (CLDR)
    assert "600.000" in basis and "1.000.000" in basis


def test_a_month_with_hours_but_no_injury_count_is_left_out_of_both_sums(world):
    # given hours in every month of 2025 but no lost-time injury count for December
    safety_2025(world.own, lost_time_months=range(1, 12))
    got = one(world.own, 2025, "ltifr_200k")
    # then December is not read as 0 injuries: 3 x 200,000 / (11 x 50,000 = 550,000) = 1.090909...
    assert got.value == pytest.approx(3 * 200_000 / 550_000, rel=1e-12)
    assert (got.months, got.months_expected, got.complete) == (11, 12, False)
    assert got.basis == ("Jan–Nov 2025: 550,000 hours worked, 3 lost-time injuries (11 of 12 months reported); "
                         "3 × 200,000 / 550,000 = 1.09; 1 month with hours worked but no count of lost-time injuries "
                         "left out of both sums; 0 of 11 months verified")


def test_no_hours_worked_is_a_gap_not_a_rate_of_zero(world):
    # given injury counts but no hours worked in 2025
    store_values(world.own, [(2025, range(1, 13), "injuries_lost_time", 0, "count")])
    got = one(world.own, 2025, "ltifr_200k")
    assert (got.value, got.reason, got.months, got.complete) == (None, "no hours worked reported in 2025", 0, False)


def test_hours_without_any_injury_count_is_a_gap(world):
    store_values(world.own, [(2025, range(1, 4), "hours_worked", 50_000, "hour")])
    got = one(world.own, 2025, "trir_200k")
    assert got.value is None
    assert got.reason == "no count of recordable injuries reported for the months of 2025 with hours worked"
    assert got.basis == "3 months with hours worked but no count of recordable injuries left out of both sums"


def test_a_subject_kind_the_source_does_not_know_gets_no_value(world):
    # given a park and a shared facility with no injury rate of their own
    for subject in (world.park, world.cetp):
        got = one(subject, 2025, "ltifr_200k")
        assert (got.value, got.reason) == (None, "ltifr_200k is computed only for facilities.")
    got = one(world.own, 2025, "cetp_compliance")
    assert (got.value, got.reason) == (None, "cetp_compliance is computed only for industrial parks, shared facilities.")


def test_the_tenants_shares_count_their_verified_facility_environmental_assessments(world):
    from loomlight.assessments.models import Assessment, FrameworkVersion

    # given Green Park's two tenants: Own Dyehouse verified at the intermediate level in 2025, Neighbour Sewing with
    # a 2025 self-assessment not yet verified (it does not count), and a verified 2024 cycle (another year)
    version = FrameworkVersion.objects.create(framework_id="facility_env", version="t", content_hash="0" * 64,
                                              source="", file_name="t.yaml")
    Assessment.objects.create(framework=version, framework_code="facility_env", facility=world.own, year=2025,
                              status="verified", level_reached="intermediate", percent=70.0)
    Assessment.objects.create(framework=version, framework_code="facility_env", facility=world.neighbour, year=2025,
                              status="submitted", level_reached="aspirational", percent=95.0)
    Assessment.objects.create(framework=version, framework_code="facility_env", facility=world.neighbour, year=2024,
                              status="verified", level_reached="foundational", percent=40.0)
    got = values_for(world.park, 2025, ["park_tenants_foundational", "park_tenants_intermediate"])
    # then 1 of 2 tenants meets each level: 50 %; not complete, since one tenant has no verified assessment
    assert {s: (v.value, v.unit, v.complete) for s, v in got.items()} == {
        "park_tenants_foundational": (50.0, "percent", False), "park_tenants_intermediate": (50.0, "percent", False)}
    assert got["park_tenants_intermediate"].basis == (
        "2025: 1 of 2 tenant facilities reached the intermediate level in their verified facility environmental "
        "assessments (1 verified) = 50.0 %")
    # and a park without tenants has no share
    from loomlight.registry.models import IndustrialPark
    empty = IndustrialPark.objects.create(name="Empty Park", country="VN")
    assert values_for(empty, 2025, ["park_tenants_foundational"])["park_tenants_foundational"].reason == (
        "the park has no tenant facility recorded")


# --- the share of women ---------------------------------------------------------------------------------------

def test_the_share_of_women_is_of_the_latest_month_that_reports_both(world):
    # given June 2025: 300 women, 200 men; November: 330 women, 270 men; December: women only (340)
    store_values(world.own, [(2025, (6,), "headcount_female", 300, "person"), (2025, (6,), "headcount_male", 200, "person"),
                             (2025, (11,), "headcount_female", 330, "person"), (2025, (11,), "headcount_male", 270, "person"),
                             (2025, (12,), "headcount_female", 340, "person")])
    got = one(world.own, 2025, "women_share")
    # then November: 330 / (330 + 270 = 600) = 55 %
    assert got.value == pytest.approx(55.0, rel=1e-12)
    assert (got.unit, got.months) == ("percent", 2)
    assert got.basis == ("Nov 2025, the latest month of 2025 that reports both: 330 women, 270 men; 330 / 600 = 55 %; "
                         "0 of 2 months verified")


def test_no_headcount_by_sex_is_a_gap(world):
    store_values(world.own, [(2025, (12,), "headcount_female", 340, "person")])
    got = one(world.own, 2025, "women_share")
    assert (got.value, got.reason) == (None, "no month of 2025 reports both women and men employed")
    store_values(world.neighbour, [(2025, (12,), "headcount_female", 0, "person"), (2025, (12,), "headcount_male", 0, "person")])
    got = one(world.neighbour, 2025, "women_share")
    assert (got.value, got.reason) == (None, "Dec 2025 reports no one employed")


# --- energy and water intensity and their trend ---------------------------------------------------------------

@pytest.fixture
def output_by_mass(world):
    """Own Dyehouse, 1,000 kg of output a month: 2024 10 GJ of diesel and 100 m³ of water a month; 2025 12 GJ a
    month in Jan-Mar and 8 GJ in Apr-Dec, 120 m³ a month (January to June verified); 2026 Jan-Mar 9 GJ a month, no
    water reported."""
    verify(world.own, 2025, range(1, 7))
    inventory_values(world.own, [
        (2024, range(1, 13), "fuel_diesel", 10, "GJ"), (2024, range(1, 13), "water_municipal", 100, "m³"),
        (2024, range(1, 13), "production_kg", 1000, "kg"),
        (2025, range(1, 4), "fuel_diesel", 12, "GJ"), (2025, range(4, 13), "fuel_diesel", 8, "GJ"),
        (2025, range(1, 13), "water_municipal", 120, "m³"), (2025, range(1, 13), "production_kg", 1000, "kg"),
        (2026, range(1, 4), "fuel_diesel", 9, "GJ"), (2026, range(1, 4), "production_kg", 1000, "kg")])
    return world


def test_intensities_per_kg_of_output(output_by_mass):
    world = output_by_mass
    got = values_for(world.own, 2025, ["energy_intensity", "water_intensity"])
    # energy: (3 x 12 + 9 x 8 = 108 GJ) / 12,000 kg = 0.009 GJ/kg = 9 MJ/kg; water: 1,440 m³ / 12,000 kg = 120 L/kg
    assert got["energy_intensity"].value == pytest.approx(9.0, rel=1e-12)
    assert got["water_intensity"].value == pytest.approx(120.0, rel=1e-12)
    assert (got["energy_intensity"].unit, got["water_intensity"].unit) == ("MJ/kg", "L/kg")
    assert got["energy_intensity"].basis == ("2025: 108 GJ of energy over 12,000 kg of output (12 of 12 months with "
                                             "both) = 9 MJ/kg; 6 of 12 months verified")
    assert got["water_intensity"].basis == ("2025: 1,440 m³ of water withdrawn over 12,000 kg of output (12 of 12 "
                                            "months with both) = 120 L/kg; 6 of 12 months verified")
    assert got["energy_intensity"].complete is True


def test_the_trend_of_a_complete_year_is_against_the_whole_year_before(output_by_mass):
    world = output_by_mass
    got = values_for(world.own, 2025, ["energy_intensity_reduction", "water_intensity_reduction"])
    # energy: 2024 10 MJ/kg, 2025 9 MJ/kg: (10 - 9) / 10 = 10 %; water: 100 -> 120 L/kg: (100 - 120) / 100 = -20 %
    assert got["energy_intensity_reduction"].value == pytest.approx(10.0, rel=1e-12)
    assert got["water_intensity_reduction"].value == pytest.approx(-20.0, rel=1e-12)
    assert got["water_intensity_reduction"].basis == (
        "2025 against 2024: 120 L/kg (12 months) against 100 L/kg (12 months); (100 − 120) / 100 = -20 % "
        "(the intensity rose); 6 of 12 months verified")
    assert got["energy_intensity_reduction"].complete is True


def test_the_trend_of_an_incomplete_year_compares_the_same_months(output_by_mass):
    world = output_by_mass
    got = one(world.own, 2026, "energy_intensity_reduction")
    # Jan-Mar 2026: 27 GJ / 3,000 kg = 9 MJ/kg against Jan-Mar 2025: 36 GJ / 3,000 kg = 12 MJ/kg: (12 - 9) / 12 = 25 %
    # (against the whole of 2025, 9 MJ/kg, it would have read 0 %)
    assert got.value == pytest.approx(25.0, rel=1e-12)
    assert (got.months, got.months_expected) == (3, 3)
    assert got.basis == ("Jan–Mar 2026 against Jan–Mar 2025: 9 MJ/kg (3 months) against 12 MJ/kg (3 months); "
                         "(12 − 9) / 12 = 25 %; 0 of 3 months verified")


def test_a_month_missing_this_year_is_left_out_of_the_year_before_too(world):
    # given 2025: January 10, February 20, March 10 GJ; 2026: January and March 9 GJ, February not reported; 1,000 kg
    # of output in each month with data
    inventory_values(world.neighbour, [(2025, (1, 3), "fuel_diesel", 10, "GJ"), (2025, (2,), "fuel_diesel", 20, "GJ"),
                                       (2025, (1, 2, 3), "production_kg", 1000, "kg"),
                                       (2026, (1, 3), "fuel_diesel", 9, "GJ"), (2026, (1, 3), "production_kg", 1000, "kg")])
    got = one(world.neighbour, 2026, "energy_intensity_reduction")
    # then January and March of both years: 18 GJ / 2,000 kg = 9 MJ/kg against 20 GJ / 2,000 kg = 10 MJ/kg: 10 %
    # (with February 2025 in the year before: 40 / 3,000 = 13.33 MJ/kg and 32.5 %, which no month of 2026 supports)
    assert got.value == pytest.approx(10.0, rel=1e-12)
    assert (got.months, got.months_expected, got.complete) == (2, 3, False)
    assert got.basis == ("Jan–Mar 2026 against Jan–Mar 2025: 9 MJ/kg (2 months) against 10 MJ/kg (2 months); "
                         "(10 − 9) / 10 = 10 %; 0 of 2 months verified")


def test_water_not_reported_is_a_gap_in_the_intensity_and_its_trend(output_by_mass):
    world = output_by_mass
    got = values_for(world.own, 2026, ["water_intensity", "water_intensity_reduction"])
    assert got["water_intensity"].value is None
    assert got["water_intensity"].reason == "no month of 2026 reports both output in kg and water withdrawn"
    assert got["water_intensity_reduction"].value is None
    assert got["water_intensity_reduction"].reason == ("Jan–Mar 2026 against Jan–Mar 2025: no month of 2026 reports "
                                                       "both output in kg and water withdrawn")


def test_no_year_before_means_no_trend(output_by_mass):
    world = output_by_mass
    got = one(world.own, 2024, "energy_intensity_reduction")
    assert (got.value, got.reason) == (None, "2024 against 2023: no inventory months stored for 2023")


def test_output_in_pieces_says_why_there_is_no_intensity_per_kg(world):
    inventory_values(world.neighbour, [(2025, range(1, 13), "electricity_grid", 1000, "kWh"),
                                       (2025, range(1, 13), "production_pieces", 5000, "piece")])
    got = one(world.neighbour, 2025, "energy_intensity")
    assert got.value is None
    assert got.reason == "no output by mass (kg) reported in 2025: output in pieces, which an intensity per kg cannot use"


# --- wastewater -----------------------------------------------------------------------------------------------

def _event(world, day, results, *, point="discharge", facility=None, shared=None, by="data_entry"):
    site = {"shared_facility": shared} if shared is not None else {"facility": facility or world.own}
    return wastewater.sampling_event_create(
        by=world.users[by], sampled_on=day, sampling_point=point, discharge_type="direct", laboratory="Lab A",
        results=[{"parameter": p, "value": v, "unit": u} for p, v, u in results], **site)


def test_zdhc_compliance_is_the_share_of_results_within_the_foundational_limit(world):
    # given two discharge samples of 2025 (ZDHC WWG V2.2 foundational, direct discharge: COD 150, TSS 50, BOD5 30 mg/L,
    # pH 6-9) and a raw sample, which leaves no site and is not counted
    _event(world, datetime.date(2025, 3, 12), [("cod", 120, "mg/L"), ("ph", 7, "pH"), ("tss", 80, "mg/L")])
    _event(world, datetime.date(2025, 9, 3), [("cod", 200, "mg/L"), ("bod5", 20, "mg/L")])
    _event(world, datetime.date(2025, 9, 3), [("cod", 900, "mg/L")], point="raw")
    got = one(world.own, 2025, "zdhc_wastewater_compliance")
    # then COD 120 in, pH 7 in, TSS 80 out, COD 200 out, BOD5 20 in: 3 of 5 = 60 %
    assert got.value == pytest.approx(60.0, rel=1e-12)
    assert (got.unit, got.months, got.complete) == ("percent", 2, True)
    assert got.basis == ("2025: 3 of 5 results meet the ZDHC foundational limit (2 samples in 2 months) = 60 %")


def test_no_sample_is_a_gap_in_zdhc_compliance(world):
    _event(world, datetime.date(2024, 3, 12), [("cod", 120, "mg/L")])
    got = one(world.own, 2025, "zdhc_wastewater_compliance")
    assert (got.value, got.reason) == (None, "no wastewater result recorded in 2025")


@pytest.fixture
def plant_samples(world):
    """Green Park CETP's outflow in 2025: COD 100 and TSS 70 mg/L in May; COD 140 mg/L in October, and its inflow
    (COD 900), which is not what the plant discharges."""
    for day, results, point in ((datetime.date(2025, 5, 6), [("cod", 100, "mg/L"), ("tss", 70, "mg/L")], "cetp_outflow"),
                                (datetime.date(2025, 10, 6), [("cod", 140, "mg/L")], "cetp_outflow"),
                                (datetime.date(2025, 10, 6), [("cod", 900, "mg/L")], "cetp_inflow")):
        _event(world, day, results, point=point, shared=world.cetp, by="park_operator")
    return world


def test_cetp_compliance_of_a_park_and_of_its_plant(plant_samples):
    world = plant_samples
    # COD 100 in, TSS 70 out (ZDHC foundational 50 mg/L; Viet Nam's national tables are not shipped, no permit),
    # COD 140 in: 2 of 3 = 66.7 %
    for subject in (world.park, world.cetp):
        got = one(subject, 2025, "cetp_compliance")
        assert got.value == pytest.approx(200.0 / 3, rel=1e-12)
        assert got.basis == ("2025: 2 of 3 results meet every limit that binds the plant and the ZDHC foundational "
                             "limit (2 samples in 2 months) = 66.7 %")
    got = one(world.cetp, 2025, "zdhc_wastewater_compliance")
    assert got.value == pytest.approx(200.0 / 3, rel=1e-12)


def test_a_plants_permit_binds_its_cetp_compliance_but_not_the_zdhc_share(plant_samples, django_assert_num_queries):
    world = plant_samples
    # given the plant's permit: COD at most 120 mg/L
    permit = wastewater.permit_save(by=world.users["park_operator"], shared_facility=world.cetp, number="9/GP",
                                    issuing_body="DONRE", issued_on=datetime.date(2024, 1, 1))
    wastewater.permit_limit_set(by=world.users["park_operator"], permit=permit, parameter="cod", limit_max="120",
                                unit="mg/L")
    # then COD 100 in, TSS 70 out (ZDHC), COD 140 out (the permit; within ZDHC's 150): 1 of 3 = 33.3 %
    # (5 queries, and the permit's limits and evidence: 2 more)
    with django_assert_num_queries(CETP_QUERIES + 2):
        got = one(world.park, 2025, "cetp_compliance")
    assert got.value == pytest.approx(100.0 / 3, rel=1e-12)
    # ZDHC's foundational level alone: still 2 of 3
    assert one(world.cetp, 2025, "zdhc_wastewater_compliance").value == pytest.approx(200.0 / 3, rel=1e-12)


def test_a_result_that_cannot_be_judged_is_left_out_and_said(world):
    # given COD below a detection limit of 200 mg/L (ZDHC foundational 150: cannot say) and TSS 30 mg/L (within 50)
    event = _event(world, datetime.date(2025, 4, 2), [("tss", 30, "mg/L")])
    wastewater.lab_result_set(by=world.users["data_entry"], event=event, parameter="cod", unit="mg/L",
                              detection_limit=200, below_detection_limit=True)
    got = one(world.own, 2025, "zdhc_wastewater_compliance")
    assert got.value == pytest.approx(100.0, rel=1e-12)
    assert got.basis == ("2025: 1 of 1 result meets the ZDHC foundational limit (1 sample in 1 month) = 100 %; "
                         "1 result not judged (inconclusive or no limit)")


def test_a_park_without_a_plant_has_no_cetp_compliance(world):
    got = one(world.other_park, 2025, "cetp_compliance")
    assert (got.value, got.reason) == (None, "the park has no central effluent treatment plant recorded")
    from loomlight.registry.models import SharedFacility

    solar = SharedFacility.objects.create(park=world.park, kind="rooftop_solar", name="Green Park Solar")
    got = one(solar, 2025, "cetp_compliance")
    assert (got.value, got.reason) == (None, "this shared facility is not a central effluent treatment plant")


@pytest.mark.parametrize("year", [0, 1989, 2101, "2025", True, None])
def test_a_year_no_record_may_name_is_refused(world, year):
    with pytest.raises(ValueError, match="year must be a year from 1990 to 2100"):
        values_for(world.own, year, ["ltifr_200k"])


# --- chemicals ------------------------------------------------------------------------------------------------

def test_mrsl_conformance_counts_only_declarations_valid_at_the_years_end(world):
    def product(name, level, reference, until, uses):
        p = ChemicalProduct.objects.create(facility=world.own, name=name, supplier="S", mrsl_level=level,
                                           declaration_reference=reference, declaration_valid_until=until)
        for period, kg in uses:
            ChemicalUse.objects.create(product=p, period=period, quantity_kg=kg, original_value=kg, original_unit="kg")

    # given four products used in 2025: A level 1, valid to June 2026; B level 2, expired June 2025; C no level;
    # D level 1 without a declaration on file; and E, conformant but used only in 2024
    product("A", 1, "GW-1", datetime.date(2026, 6, 30), [(datetime.date(2025, 2, 1), 60), (datetime.date(2025, 8, 1), 40)])
    product("B", 2, "GW-2", datetime.date(2025, 6, 30), [(datetime.date(2025, 2, 1), 200)])
    product("C", 0, "", None, [(datetime.date(2025, 5, 1), 300)])
    product("D", 1, "", None, [(datetime.date(2025, 5, 1), 400)])
    product("E", 3, "GW-5", datetime.date(2027, 1, 1), [(datetime.date(2024, 5, 1), 999)])
    got = one(world.own, 2025, "mrsl_conformance")
    # then 1 of 4 products = 25 %; by mass 100 / 1,000 kg = 10 %
    assert got.value == pytest.approx(25.0, rel=1e-12)
    assert got.months == 3
    assert got.basis == ("2025: 1 of 4 products used are declared ZDHC MRSL conformant with a declaration valid on "
                         "Dec. 31, 2025 = 25 %; 1 declaration expired, not counted as conformant; 1 product claims a "
                         "level without a declaration on file, not counted; by mass: 10 %")
    assert (one(world.own, 2026, "mrsl_conformance").reason) == "no chemical use recorded in 2026"


# --- gaps and queries -----------------------------------------------------------------------------------------

def test_a_facility_without_data_has_no_value_and_a_reason_for_every_source(world):
    got = values_for(world.outside, 2025, FACILITY_SOURCES)
    assert set(got) == set(FACILITY_SOURCES)
    assert all(v.value is None and v.reason for v in got.values())


def test_every_source_says_the_data_kinds_it_is_made_of(world):
    assert set(KINDS) == set(DATA_SOURCES)
    got = values_for(world.own, 2025, ["ltifr_200k", "zdhc_wastewater_compliance", "mrsl_conformance"])
    assert {s: v.kinds for s, v in got.items()} == {"ltifr_200k": {"environmental"},
                                                     "zdhc_wastewater_compliance": {"wastewater"},
                                                     "mrsl_conformance": {"chemicals"}}
    assert one(world.park, 2025, "park_tenants_foundational").kinds == {"assessments"}


def test_an_unknown_source_is_said(world):
    got = one(world.own, 2025, "carbon_price")
    assert (got.value, got.reason) == (None, "carbon_price is not a source of data the platform knows.")


def test_only_the_sources_asked_are_read(world, django_assert_num_queries):
    safety_2025(world.own)
    with django_assert_num_queries(2):     # the workforce values and the verified months, once for the five
        values_for(world.own, 2025, ["ltifr_200k", "ltifr_1m", "trir_200k", "trir_1m", "women_share"])
    with django_assert_num_queries(0):
        values_for(world.own, 2025, ["park_tenants_foundational"])


def _more(world, year):
    """A year of everything: monthly workforce and inventory values, two samples, two chemical products."""
    inventory_values(world.own, [(year, range(1, 13), "fuel_diesel", 10, "GJ"), (year, range(1, 13), "production_kg", 1000, "kg"),
                                 (year, range(1, 13), "water_municipal", 100, "m³"),
                                 (year, range(1, 13), "hours_worked", 50_000, "hour"),
                                 (year, range(1, 13), "injuries_lost_time", 1, "count"),
                                 (year, range(1, 13), "injuries_recordable", 1, "count"),
                                 (year, range(1, 13), "headcount_female", 300, "person"),
                                 (year, range(1, 13), "headcount_male", 200, "person")])
    for month in (3, 9):
        _event(world, datetime.date(year, month, 5), [("cod", 120, "mg/L"), ("tss", 30, "mg/L")])
    for name in (f"X{year}", f"Y{year}"):
        p = ChemicalProduct.objects.create(facility=world.own, name=name, supplier="S", mrsl_level=1,
                                           declaration_reference="GW", declaration_valid_until=datetime.date(2030, 1, 1))
        ChemicalUse.objects.create(product=p, period=datetime.date(year, 4, 1), quantity_kg=10, original_value=10,
                                   original_unit="kg")


# A facility's every source: workforce values 1, their verified months 1, inventories 1, the site's rules 2 (discharge routes, permits), the
# samples and their results 2, chemical uses 1. (A site with permits adds their limits and evidence, one with a route
# to a central plant that plant's intake limits: 3 more at most, whatever the number of permits, limits or samples.)
FACILITY_QUERIES = 8
# A park's CETP compliance: its plants 1, the plants' rules 2, the samples and their results 2.
CETP_QUERIES = 5
# Its tenants' share: the tenants counted 1, their verified assessments' levels 1.
PARK_QUERIES = CETP_QUERIES + 2


def test_the_number_of_queries_does_not_grow_with_months_or_records(world, django_assert_num_queries, plant_samples):
    _more(world, 2025)
    with django_assert_num_queries(FACILITY_QUERIES):
        first = values_for(world.own, 2025, FACILITY_SOURCES)
    # one more year of everything and more samples of 2025: the same number of queries
    _more(world, 2024)
    for day in (1, 2, 3, 4):
        _event(world, datetime.date(2025, 6, day), [("cod", 160, "mg/L")])
        _event(world, datetime.date(2025, 6, day), [("cod", 100, "mg/L")], point="cetp_outflow", shared=world.cetp,
               by="park_operator")
    with django_assert_num_queries(FACILITY_QUERIES):
        second = values_for(world.own, 2025, FACILITY_SOURCES)
    assert first["ltifr_200k"].value == pytest.approx(12 * 200_000 / 600_000, rel=1e-12)
    assert second["energy_intensity_reduction"].value == pytest.approx(0.0, abs=1e-12)
    with django_assert_num_queries(PARK_QUERIES):
        values_for(world.park, 2025, ["cetp_compliance", "park_tenants_foundational"])


def test_the_reason_is_in_the_readers_language(world, settings, tmp_path):
    from tests.site.catalogues import install

    # a catalogue made for this test (the translators add the shipped words)
    install(settings, tmp_path, "vi", {"no hours worked reported in %(year)s": "chưa báo cáo giờ làm việc năm %(year)s"})
    with translation.override("vi"):
        got = one(world.own, 2025, "ltifr_1m")
    assert got.reason == "chưa báo cáo giờ làm việc năm 2025"
