"""The demo's discharge routes, permits, a central plant's intake limits and the lab results judged by them.

Given the demo loaded with the default seed (once for the module, rolled back after it), the tests read what
was written through the wastewater and evidence services. Every limit named here is one of the demo's invented
values (src/loomlight/demo/discharge.py: DEMO_LIMITS_*, DEMO_INTAKE); ZDHC's are ZDHC Wastewater Guidelines
V2.2, Table 3, as shipped in reference/wastewater_limits.csv (COD foundational 150 mg/L)."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.db import transaction
from django.db.models import Min

from loomlight.audit.models import AuditEvent
from loomlight.calc import discharge as calc_discharge
from loomlight.calc.wastewater import Limit, Outcome, Result, applicable, assess
from loomlight.demo.discharge import DischargeDemo, LabScenario, permit_pdf, plan_discharge
from loomlight.demo.generator import load_demo, plan
from loomlight.demo.labs import plan_labs, quarterly_days
from loomlight.evidence.models import Evidence, EvidenceKind
from loomlight.reference import discharge as reference_discharge
from loomlight.reference import wastewater as reference_wastewater
from loomlight.registry.models import Facility, SharedFacility
from loomlight.reporting.models import ActivityValue
from loomlight.wastewater.models import Discharge, DischargePermit, IntakeLimit, LabResult, SamplingEvent
from tests.demo.helpers import on_build_day, user

PLANT = "Song Xanh Central Effluent Treatment Plant"
TRANSITION_CUTOFF = datetime.date(2025, 9, 1)  # QCVN 40:2025/BTNMT in force; discharge_regulations.csv


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), on_build_day():  # its tests run on that day too
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(_loaded_once, db):
    return _loaded_once


def _discharge(site) -> Discharge:
    """The one discharge record of a demo site."""
    field = "facility" if isinstance(site, Facility) else "shared_facility"
    (row,) = Discharge.objects.filter(**{field: site})
    return row


def _result(row: LabResult) -> Result:
    return Result(row.parameter, row.value, row.unit, row.detection_limit, row.below_detection_limit)


def _limit(row, level: str) -> Limit:
    return Limit(row.parameter, level, row.limit_min, row.limit_max, row.unit, "all")


def _zdhc_foundational(direct: bool) -> dict[str, Limit]:
    chosen = applicable(reference_wastewater.limits(), direct_discharge=direct)
    return {parameter: limit for (parameter, level), limit in chosen.items() if level == "foundational"}


def _intake_on(plant: SharedFacility, day: datetime.date) -> calc_discharge.LimitSet | None:
    rows = [calc_discharge.IntakeLimit(r.parameter, r.valid_from, _limit(r, "intake")) for r in plant.intake_limits.all()]
    return calc_discharge.intake_set(str(plant.pk), plant.name, rows, day)


# --- the plan (pure) -----------------------------------------------------------------

def test_the_routes_follow_place_and_kind_for_every_seed():
    # given two seeds (other names, the same places and kinds), when planned, then the same stories are told
    for seed in (2026, 7):
        demo = plan(seed)
        assert isinstance(demo.discharge, DischargeDemo)
        by_site = {(d.site, d.central): d for d in demo.discharge.discharges}
        facilities = {f.name: f for f in demo.facilities}
        stories = {(facilities[d.site].place, facilities[d.site].profile): d
                   for (site, central), d in by_site.items() if not central and facilities[site].country == "VN"
                   and facilities[site].park is None}
        assert stories[("Nam Định", "woven_mill")].operating_since == datetime.date(2012, 5, 1)
        assert stories[("Đức Hòa", "laundry")].valid_from == stories[("Đức Hòa", "laundry")].operating_since \
            == datetime.date(2025, 10, 1)
        assert stories[("Từ Sơn", "sportswear")].route == "sewer"
        assert by_site[(PLANT, True)].receiving_class == "A"
        assert demo.discharge.starts() == {stories[("Đức Hòa", "laundry")].site: datetime.date(2025, 10, 1)}
    assert plan(2026).discharge == plan(2026).discharge


def test_a_pinned_value_on_a_day_not_sampled_is_refused():
    scenario = LabScenario(pinned=((datetime.date(2025, 1, 1), "cod", 99.0),))
    with pytest.raises(ValueError, match=r"Mill: values pinned on days it is not sampled: \[datetime.date\(2025, 1, 1\)\]"):
        plan_labs([("Mill", True)], [], 2026, {"Mill": scenario})


def test_a_pinned_value_replaces_the_draw_and_moves_no_other():
    # given the same facility with and without a pin, then only the pinned result differs
    day = quarterly_days()[2]
    plain = plan_labs([("Mill", True)], [], 2026)
    pinned = plan_labs([("Mill", True)], [], 2026, {"Mill": LabScenario(pinned=((day, "cod", 123.0),))})
    assert [e.sampled_on for e in pinned] == list(quarterly_days())
    for before, after in zip(plain, pinned, strict=True):
        changed = [(a, b) for a, b in zip(before.results, after.results, strict=True) if a != b]
        if before.sampled_on == day:
            assert [b for _a, b in changed] == [("cod", 123.0, "mg/L", None, False)]
        else:
            assert changed == []


def test_the_permit_pdf_is_a_valid_one_page_pdf():
    demo = plan(2026)
    permit = next(p for p in demo.discharge.permits if p.number == "214/GP-UBND")
    data = permit_pdf(permit)
    assert data.startswith(b"%PDF-1.4\n") and data.endswith(b"%%EOF\n")
    # the cross-reference table points at each object: "N 0 obj" starts exactly at its offset
    xref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert data[xref:xref + 4] == b"xref"
    offsets = [int(line[:10]) for line in data[xref:].split(b"\n")[3:8]]
    assert [data[o:o + 8] for o in offsets] == [f"{n} 0 obj\n".encode() for n in range(1, 6)]
    stream = data.split(b"\nstream\n", 1)[1].split(b"\nendstream", 1)[0]
    assert f"/Length {len(stream)} ".encode() in data
    assert b"(DEMO - fictional discharge permit No. 214/GP-UBND) '" in stream
    assert b"People's Committee of Nam Dinh Province" in stream  # diacritics dropped for the standard font


# --- routes --------------------------------------------------------------------------

def test_viet_nam_facilities_discharge_by_each_route(demo):
    plant = SharedFacility.objects.get(name=PLANT)
    vietnamese = Discharge.objects.filter(facility__country="VN").select_related("facility", "cetp")
    tenants = [d for d in vietnamese if d.route == "cetp"]
    assert len(tenants) == 13 and {d.cetp for d in tenants} == {plant}
    assert all(d.facility.park_id == plant.park_id for d in tenants)
    surface = sorted((d.facility.name, d.receiving_water, d.receiving_class, d.operating_since)
                     for d in vietnamese if d.route == "surface")
    assert surface == [
        ("Duc Thinh Weaving Mill", "Đào river", "B", datetime.date(2012, 5, 1)),
        ("Mai Anh Washing", "Vàm Cỏ Đông river", "B", datetime.date(2025, 10, 1)),
        ("Ngoc Lan Denim", "Vàm Cỏ Đông river", "B", None),
    ]
    assert [(d.facility.name, d.receiving_water) for d in vietnamese if d.route == "sewer"] == [
        ("Orchid Crest Sportswear No. 4", "Từ Sơn public sewer")]
    own = _discharge(plant)
    assert (own.route, own.receiving_water, own.receiving_class, own.operating_since) == (
        "surface", "Đồng Nai river", "A", datetime.date(2009, 6, 1))


def test_every_site_with_lab_results_has_a_route_from_before_its_first_sample(demo):
    first = SamplingEvent.objects.values("facility", "shared_facility").annotate(first=Min("sampled_on"))
    sites = 0
    for row in first:
        if row["facility"]:
            discharge = Discharge.objects.get(facility_id=row["facility"])
        else:
            plant = SharedFacility.objects.get(pk=row["shared_facility"])
            if plant.name == "Ziway Zero-Liquid-Discharge Treatment Plant":  # discharges nothing: no route
                assert not Discharge.objects.filter(shared_facility=plant).exists()
                continue
            discharge = _discharge(plant)
        assert discharge.valid_from < row["first"], discharge
        sites += 1
    assert sites == 35 + 3  # the wet facilities, and the central plants but Ziway's
    # a tenant's samples are of an indirect discharge, as is a sewer's; a river's are direct
    assert set(SamplingEvent.objects.filter(facility__name="Orchid Crest Sportswear No. 4")
               .values_list("discharge_type", flat=True)) == {"indirect"}
    assert set(SamplingEvent.objects.filter(facility__name="Duc Thinh Weaving Mill")
               .values_list("discharge_type", flat=True)) == {"direct"}


def test_the_transition_facilities(demo):
    # given the weaving mill operating since 2012 and the laundry since 2025-10-01
    old = Facility.objects.get(name="Duc Thinh Weaving Mill")
    new = Facility.objects.get(name="Mai Anh Washing")
    old_days = list(SamplingEvent.objects.filter(facility=old).values_list("sampled_on", flat=True))
    assert any(d < TRANSITION_CUTOFF for d in old_days) and any(d >= TRANSITION_CUTOFF for d in old_days)
    new_days = sorted(SamplingEvent.objects.filter(facility=new).values_list("sampled_on", flat=True))
    # monthly from its first month: its own three days of 2025, then the 15th up to the build day (2026-04-10)
    assert new_days == [datetime.date(2025, 10, 15), datetime.date(2025, 11, 13), datetime.date(2025, 12, 15),
                        datetime.date(2026, 1, 15), datetime.date(2026, 2, 15), datetime.date(2026, 3, 15)]
    assert _discharge(new).valid_from == datetime.date(2025, 10, 1)
    # its monthly data begin with its first month
    assert ActivityValue.objects.filter(facility=new).aggregate(first=Min("period"))["first"] == datetime.date(2025, 10, 1)

    # when the regulations in force are asked for 2025-11-13 (calc.discharge, the shipped regulations)
    def regulations(facility, day):
        d = _discharge(facility)
        return [(r.code, basis) for r, basis in calc_discharge.regulations_on(
            reference_discharge.regulations(), "VN", day, d.operating_since)]

    # then the old mill keeps QCVN 13-MT:2015 in its transition; the new laundry meets QCVN 40:2025
    day = datetime.date(2025, 11, 13)
    assert regulations(old, day) == [("vn_qcvn_13mt_2015", calc_discharge.Basis.TRANSITION)]
    assert regulations(new, day) == [("vn_qcvn_40_2025", calc_discharge.Basis.IN_FORCE)]
    assert regulations(old, datetime.date(2025, 8, 14)) == [("vn_qcvn_13mt_2015", calc_discharge.Basis.IN_FORCE)]
    # and the denim plant, whose start is not recorded, gets both, each with its condition
    denim = Facility.objects.get(name="Ngoc Lan Denim")
    assert regulations(denim, day) == [("vn_qcvn_13mt_2015", calc_discharge.Basis.IF_EXISTING),
                                       ("vn_qcvn_40_2025", calc_discharge.Basis.IF_NEW)]


# --- permits ---------------------------------------------------------------------------

def test_permits_with_evidence_and_limits(demo):
    permits = {p.number: p for p in DischargePermit.objects.select_related("facility", "shared_facility")}
    assert {number: str(p.site) for number, p in permits.items()} == {
        "214/GP-UBND": "Duc Thinh Weaving Mill", "1032/GP-UBND": "Mai Anh Washing", "2785/GP-UBND": "Ngoc Lan Denim",
        "58/GP-SNNMT": "Orchid Crest Sportswear No. 4", "1187/GP-BTNMT": PLANT}
    old = permits["214/GP-UBND"]
    assert (old.issuing_body, old.issued_on, old.valid_until) == (
        "People's Committee of Nam Định Province", datetime.date(2021, 6, 15), datetime.date(2031, 6, 14))
    assert sorted((l.parameter, l.limit_min, l.limit_max, l.unit) for l in old.limits.all()) == [
        ("ammonium_n", None, 5.0, "mg/L"), ("bod5", None, 30.0, "mg/L"), ("cod", None, 75.0, "mg/L"),
        ("colour_436", None, 6.0, "m-1"), ("ph", 6.0, 9.0, "pH"), ("total_nitrogen", None, 20.0, "mg/L"),
        ("tss", None, 50.0, "mg/L")]
    assert permits["58/GP-SNNMT"].issuing_body == "Department of Agriculture and Environment of Bắc Ninh Province"
    # each facility's permit has its file; the central plant's cannot (evidence belongs to a facility)
    for number, permit in permits.items():
        files = list(Evidence.objects.filter(discharge_permit=permit))
        assert len(files) == (0 if permit.shared_facility_id else 1), number
        for evidence in files:
            assert (evidence.kind, evidence.facility_id, evidence.content_type) == (
                EvidenceKind.PERMIT, permit.facility_id, "application/pdf")
            with evidence.file.open("rb") as fh:
                data = fh.read()
            assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == evidence.sha256
            assert f"No. {number}".encode() in data
    # one permit is stricter than ZDHC foundational on COD: 75 mg/L < 150 mg/L
    cod = _limit(old.limits.get(parameter="cod"), "permit")
    assert calc_discharge.stricter(cod, _zdhc_foundational(direct=True)["cod"])


def test_intake_limits_set_and_audited_by_the_park_operator(demo):
    plant = SharedFacility.objects.get(name=PLANT)
    park = user("park")
    rows = sorted((r.parameter, r.valid_from, r.limit_min, r.limit_max, r.unit, r.created_by.username)
                  for r in IntakeLimit.objects.filter(cetp=plant))
    assert rows == [
        ("bod5", datetime.date(2024, 1, 1), None, 250.0, "mg/L", "park"),
        ("cod", datetime.date(2024, 1, 1), None, 500.0, "mg/L", "park"),
        ("cod", datetime.date(2026, 1, 1), None, 400.0, "mg/L", "park"),
        ("colour_436", datetime.date(2024, 1, 1), None, 50.0, "m-1", "park"),
        ("ph", datetime.date(2024, 1, 1), 5.5, 9.0, "pH", "park"),
        ("tss", datetime.date(2024, 1, 1), None, 200.0, "mg/L", "park"),
    ]
    audited = AuditEvent.objects.filter(object_type="wastewater.intakelimit", via="demo")
    assert sorted(audited.values_list("actor__username", "action", "object_id")) == sorted(
        ("park", "create", str(pk)) for pk in IntakeLimit.objects.values_list("pk", flat=True))
    assert not IntakeLimit.objects.exclude(cetp=plant).exists()  # the other parks' operators have no login
    # the COD in force: 500 mg/L through 2025, 400 mg/L from 2026-01-01
    assert _intake_on(plant, datetime.date(2025, 12, 31)).limits["cod"].limit_max == 500.0
    assert _intake_on(plant, datetime.date(2026, 1, 1)).limits["cod"].limit_max == 400.0
    assert _intake_on(plant, datetime.date(2023, 12, 31)) is None
    # the central plant's own route and permit were recorded by the park operator too
    # (besides the park's business case: tests/demo/test_cases.py)
    assert set(AuditEvent.objects.filter(actor=park, via="demo").exclude(object_type__startswith="interventions.")
               .values_list("object_type", flat=True)) == {
        "registry.sharedfacilityconsent", "wastewater.discharge", "wastewater.dischargepermit",
        "wastewater.permitlimit", "wastewater.intakelimit"}


# --- results against the limits ---------------------------------------------------------------

def _cod(facility: str, day: datetime.date) -> LabResult:
    return LabResult.objects.get(event__facility__name=facility, event__sampled_on=day, parameter="cod")


def test_a_result_over_its_permit_and_within_zdhc(demo):
    # given the weaving mill's permit (COD at most 75 mg/L) and ZDHC foundational for a direct discharger (150)
    permit = DischargePermit.objects.get(number="214/GP-UBND")
    permit_cod = _limit(permit.limits.get(parameter="cod"), "permit")
    zdhc_cod = _zdhc_foundational(direct=True)["cod"]
    assert (permit_cod.limit_max, zdhc_cod.limit_max) == (75.0, 150.0)
    # when its COD of 2025-08-14 (112 mg/L) is judged: 112 > 75, 112 <= 150
    before = _cod("Duc Thinh Weaving Mill", datetime.date(2025, 8, 14))
    assert before.value == 112.0
    assert assess(_result(before), permit_cod) == Outcome.FAIL
    assert assess(_result(before), zdhc_cod) == Outcome.PASS
    # and its COD of 2025-11-13, after the change (64 mg/L <= 75): within both
    after = _cod("Duc Thinh Weaving Mill", datetime.date(2025, 11, 13))
    assert after.value == 64.0
    assert assess(_result(after), permit_cod) == assess(_result(after), zdhc_cod) == Outcome.PASS


def test_a_tenant_over_the_intake_cod_and_one_within_every_limit(demo):
    plant = SharedFacility.objects.get(name=PLANT)
    # given the dye house that only pretreats: COD 612 mg/L on 2025-05-15 against the plant's 500
    over = _cod("Phuc Lam Dyeing & Finishing", datetime.date(2025, 5, 15))
    intake = _intake_on(plant, over.event.sampled_on)
    assert over.value == 612.0 and intake.limits["cod"].limit_max == 500.0
    assert assess(_result(over), intake.limits["cod"]) == Outcome.FAIL
    # and its 455 mg/L on 2026-02-14: within 2025's 500, over the stricter 400 in force from 2026-01-01
    stricter = _cod("Phuc Lam Dyeing & Finishing", datetime.date(2026, 2, 14))
    intake_2026 = _intake_on(plant, stricter.event.sampled_on)
    assert stricter.value == 455.0 and intake_2026.limits["cod"].limit_max == 400.0
    assert assess(_result(stricter), intake_2026.limits["cod"]) == Outcome.FAIL
    assert assess(_result(stricter), intake.limits["cod"]) == Outcome.PASS
    # given the knitting mill that treats well: every result within the intake limits and ZDHC foundational
    # (for an indirect discharger ZDHC's limits marked "all": the five metals)
    zdhc = _zdhc_foundational(direct=False)
    results = list(LabResult.objects.filter(event__facility__name="Vinh An Knitting Mill").select_related("event"))
    assert len(results) == 9 * 13  # quarterly from 2024-02-14 to 2026-02-14
    judged = set()
    for row in results:
        limits = _intake_on(plant, row.event.sampled_on).limits
        for limit in (limits.get(row.parameter), zdhc.get(row.parameter)):
            outcome = assess(_result(row), limit)
            assert outcome in (Outcome.PASS, Outcome.NO_LIMIT), (row, limit)
            judged.add((row.parameter, outcome))
    assert {p for p, o in judged if o == Outcome.PASS} == {"cod", "bod5", "tss", "ph", "colour_436", "cadmium", "lead"}


def test_the_demo_writes_are_audited_by_who_made_them(demo):
    events = AuditEvent.objects.filter(via="demo", object_type__startswith="wastewater.")
    assert sorted(set(events.values_list("action", flat=True))) == ["create"]
    counts = {(t, a): 0 for t in ("wastewater.discharge", "wastewater.dischargepermit", "wastewater.permitlimit",
                                  "wastewater.intakelimit") for a in ("operator", "manager", "park")}
    for object_type, actor in events.values_list("object_type", "actor__username"):
        counts[(object_type, actor)] += 1
    assert {k: v for k, v in counts.items() if v} == {
        ("wastewater.discharge", "operator"): 36, ("wastewater.discharge", "manager"): 1,  # the manager's own plant
        ("wastewater.discharge", "park"): 1, ("wastewater.dischargepermit", "operator"): 4,
        ("wastewater.dischargepermit", "park"): 1, ("wastewater.permitlimit", "operator"): 28,
        ("wastewater.permitlimit", "park"): 7, ("wastewater.intakelimit", "park"): 6,
    }
    assert Discharge.objects.count() == 38 and DischargePermit.objects.count() == 5
    assert AuditEvent.objects.filter(via="demo", object_type="evidence.evidence", actor__username="operator").count() == 4
    manager_facility = Facility.objects.get(name="Hung Phat Sportswear")
    assert _discharge(manager_facility).created_by == user("manager")


def test_plan_discharge_without_a_park_login_sets_no_intake_limits():
    demo = plan(2026)
    users = [u for u in demo.users if u.username != "park"]
    bare = plan_discharge(demo.facilities, demo.shared_facilities, users)
    assert bare.intake_limits == () and all(p.site != PLANT for p in bare.permits)
    assert {d.by for d in bare.discharges if d.site == PLANT} == {"operator"}
