"""A site's discharge route, permits and a central plant's intake limits: the services' rules, access, and
compliance of results against every set that applies (national, permit, intake, ZDHC) on the pages."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.calc.wastewater import Outcome
from loomlight.registry.models import Consent, SharedFacility
from loomlight.wastewater import selectors, services
from loomlight.wastewater.models import Discharge, DischargePermit, IntakeLimit, PermitLimit

BEFORE = datetime.date(2025, 6, 12)   # QCVN 13-MT:2015 in force
AFTER = datetime.date(2025, 10, 7)    # QCVN 40:2025 in force (since 2025-09-01)


def _event(world, day, results, *, point="discharge", site=None):
    event = services.sampling_event_create(by=world.users["data_entry"], facility=site or world.own, sampled_on=day,
                                           sampling_point=point, discharge_type="indirect", laboratory="Lab A")
    for parameter, value, unit in results:
        services.lab_result_set(by=world.users["data_entry"], event=event, parameter=parameter, value=value, unit=unit)
    return event


def _to_cetp(world, **kw):
    return services.discharge_set(by=world.users["manager"], facility=world.own, valid_from=datetime.date(2020, 1, 1),
                                  route="cetp", cetp=world.cetp, operating_since=datetime.date(2012, 5, 1), **kw)


# --- the discharge route ---------------------------------------------------------------------------------

def test_a_route_to_a_central_plant_names_a_plant_of_the_facilitys_own_park(world):
    other = SharedFacility.objects.create(park=world.other_park, kind="cetp", name="River Park CETP")
    solar = SharedFacility.objects.create(park=world.park, kind="rooftop_solar", name="Green Park Solar")
    for cetp in (None, other, solar):
        with pytest.raises(ValidationError) as exc_info:
            services.discharge_set(by=world.users["manager"], facility=world.own, valid_from=datetime.date(2020, 1, 1),
                                   route="cetp", cetp=cetp)
        assert "cetp" in exc_info.value.message_dict
    with pytest.raises(ValidationError) as exc_info:
        services.discharge_set(by=world.users["manager"], facility=world.own, valid_from=datetime.date(2020, 1, 1),
                               route="surface", cetp=world.cetp)
    assert "cetp" in exc_info.value.message_dict
    assert not Discharge.objects.exists()
    row = _to_cetp(world)
    assert (row.route, row.cetp, row.operating_since) == ("cetp", world.cetp, datetime.date(2012, 5, 1))
    assert AuditEvent.objects.filter(object_type="wastewater.discharge", object_id=str(row.pk)).count() == 1


@pytest.mark.parametrize("user", ["data_entry", "brand", "assessor", "park_operator", "neighbour_manager"])
def test_only_the_facilitys_manager_or_programme_admin_records_its_route_and_permits(world, user):
    with pytest.raises(PermissionDenied):
        services.discharge_set(by=world.users[user], facility=world.own, valid_from=datetime.date(2020, 1, 1), route="sewer")
    with pytest.raises(PermissionDenied):
        services.permit_save(by=world.users[user], facility=world.own, number="1/GP", issuing_body="DONRE",
                             issued_on=datetime.date(2024, 1, 1))
    assert not Discharge.objects.exists() and not DischargePermit.objects.exists()


def test_the_route_of_the_sample_day_is_used(world):
    """The facility sent its wastewater to a river until 2024-12-31 and to the park's plant from 2025-01-01."""
    services.discharge_set(by=world.users["admin"], facility=world.own, valid_from=datetime.date(2020, 1, 1),
                           route="surface", receiving_water="Đồng Nai river", receiving_class="B")
    services.discharge_set(by=world.users["admin"], facility=world.own, valid_from=datetime.date(2025, 1, 1),
                           route="cetp", cetp=world.cetp)
    rules = selectors.rules_for(_event(world, datetime.date(2024, 12, 31), []))
    assert rules.discharge_on(datetime.date(2024, 12, 31)).route == "surface"
    assert rules.discharge_on(datetime.date(2025, 1, 1)).route == "cetp"
    assert rules.discharge_on(datetime.date(2019, 12, 31)) is None


# --- permits -------------------------------------------------------------------------------------------

def test_permit_limits_are_stored_in_the_parameters_unit_and_refused_when_wrong(world):
    permit = services.permit_save(by=world.users["manager"], facility=world.own, number="123/GP-UBND",
                                  issuing_body="People's Committee of Bình Dương Province", issued_on=datetime.date(2024, 3, 1),
                                  valid_until=datetime.date(2029, 2, 28))
    row = services.permit_limit_set(by=world.users["manager"], permit=permit, parameter="zinc", limit_max="500", unit="µg/L")
    assert (row.limit_max, row.unit) == (pytest.approx(0.5), "mg/L")
    for kwargs, field in [({"parameter": "cod", "unit": "mg/L"}, "limit_max"),
                          ({"parameter": "cod", "limit_max": "-1", "unit": "mg/L"}, "limit_max"),
                          ({"parameter": "ph", "limit_min": "9", "limit_max": "6", "unit": "pH"}, "limit_min"),
                          ({"parameter": "cod", "limit_max": "lots", "unit": "mg/L"}, "limit_max"),
                          ({"parameter": "cod", "limit_max": "100", "unit": "kWh"}, "unit"),
                          ({"parameter": "nope", "limit_max": "1", "unit": "mg/L"}, "parameter")]:
        with pytest.raises(ValidationError) as exc_info:
            services.permit_limit_set(by=world.users["manager"], permit=permit, **kwargs)
        assert field in exc_info.value.message_dict, kwargs
    assert list(PermitLimit.objects.values_list("parameter", flat=True)) == ["zinc"]
    with pytest.raises(ValidationError) as exc_info:
        services.permit_save(by=world.users["manager"], permit=permit, number="123/GP-UBND", issuing_body="x",
                             issued_on=datetime.date(2024, 3, 1), valid_until=datetime.date(2024, 2, 1))
    assert "valid_until" in exc_info.value.message_dict


def test_a_permit_stricter_than_zdhc_judges_beside_it(world):
    """COD 120 mg/L on 2025-06-12 under permit COD ≤ 100 mg/L: exceeds the permit, meets ZDHC foundational
    (≤ 150 mg/L, ZDHC Wastewater Guidelines V2.2 Table 3, direct discharge), exceeds progressive (≤ 80)."""
    services.discharge_set(by=world.users["manager"], facility=world.own, valid_from=datetime.date(2020, 1, 1),
                           route="surface", receiving_class="B")
    permit = services.permit_save(by=world.users["manager"], facility=world.own, number="7/GP", issuing_body="DONRE",
                                  issued_on=datetime.date(2024, 1, 1))
    services.permit_limit_set(by=world.users["manager"], permit=permit, parameter="cod", limit_max="100", unit="mg/L")
    c = selectors.compliance(_event(world, BEFORE, [("cod", "120", "mg/L")]))
    cells = c["rows"][0]["cells"]
    assert cells[f"permit:{permit.pk}"]["outcome"] == Outcome.FAIL
    assert cells["zdhc:foundational"]["outcome"] == Outcome.PASS
    assert cells["zdhc:progressive"]["outcome"] == Outcome.FAIL
    assert c["legal"] == Outcome.FAIL
    assert "Permit 7/GP, issued by DONRE on 2024-01-01." in [s.why for s in c["sets"]]


# --- intake limits ---------------------------------------------------------------------------------------

def test_the_park_operator_sets_intake_limits_for_its_park_only(world):
    other = SharedFacility.objects.create(park=world.other_park, kind="cetp", name="River Park CETP")
    row = services.intake_limit_set(by=world.users["park_operator"], cetp=world.cetp, parameter="cod", limit_max="500",
                                    unit="mg/L", valid_from=datetime.date(2024, 1, 1))
    assert AuditEvent.objects.filter(object_type="wastewater.intakelimit", object_id=str(row.pk),
                                     actor=world.users["park_operator"]).count() == 1
    for user, plant in [("park_operator", other), ("manager", world.cetp), ("brand", world.cetp), ("assessor", world.cetp)]:
        with pytest.raises(PermissionDenied):
            services.intake_limit_set(by=world.users[user], cetp=plant, parameter="cod", limit_max="1", unit="mg/L",
                                      valid_from=datetime.date(2024, 1, 1))
    assert list(IntakeLimit.objects.values_list("cetp_id", "limit_max")) == [(world.cetp.pk, 500.0)]


def test_a_tenant_is_judged_by_its_plants_intake_limits_of_the_day(world):
    """Intake COD ≤ 500 mg/L from 2024-01-01, ≤ 400 from 2025-09-01: a tenant's COD 450 meets it on 2025-06-12
    and exceeds it on 2025-10-07; the national regulation does not govern a discharge to a central plant."""
    _to_cetp(world)
    for limit, day in (("500", datetime.date(2024, 1, 1)), ("400", datetime.date(2025, 9, 1))):
        services.intake_limit_set(by=world.users["park_operator"], cetp=world.cetp, parameter="cod", limit_max=limit,
                                  unit="mg/L", valid_from=day)
    key = f"intake:{world.cetp.pk}"
    early = selectors.compliance(_event(world, BEFORE, [("cod", "450", "mg/L")]))
    late = selectors.compliance(_event(world, AFTER, [("cod", "450", "mg/L")]))
    assert (early["rows"][0]["cells"][key]["limit"], early["rows"][0]["cells"][key]["outcome"]) == ("≤ 500 mg/L", Outcome.PASS)
    assert (late["rows"][0]["cells"][key]["limit"], late["rows"][0]["cells"][key]["outcome"]) == ("≤ 400 mg/L", Outcome.FAIL)
    assert [n.why for n in late["notes"]] == [
        "QCVN 13-MT:2015/BTNMT does not govern a discharge to a park's central plant: the plant's intake limits apply."]


def test_raw_wastewater_is_judged_by_zdhc_only(world):
    _to_cetp(world)
    services.intake_limit_set(by=world.users["park_operator"], cetp=world.cetp, parameter="cod", limit_max="500",
                              unit="mg/L", valid_from=datetime.date(2024, 1, 1))
    c = selectors.compliance(_event(world, BEFORE, [("cod", "900", "mg/L")], point="raw"))
    assert [s.kind for s in c["sets"]] == ["zdhc", "zdhc", "zdhc"] and c["legal"] is None


# --- pages and access -------------------------------------------------------------------------------------

def test_the_pages_show_each_limit_and_why_it_applies(client, world):
    services.discharge_set(by=world.users["manager"], facility=world.own, valid_from=datetime.date(2020, 1, 1),
                           route="surface", receiving_water="Đồng Nai river", receiving_class="B",
                           operating_since=datetime.date(2012, 5, 1))
    permit = services.permit_save(by=world.users["manager"], facility=world.own, number="7/GP", issuing_body="DONRE",
                                  issued_on=datetime.date(2024, 1, 1))
    services.permit_limit_set(by=world.users["manager"], permit=permit, parameter="cod", limit_max="100", unit="mg/L")
    event = _event(world, AFTER, [("cod", "120", "mg/L")])
    client.force_login(world.users["manager"])
    page = client.get(reverse("wastewater:event", args=[event.pk])).content.decode()
    assert "Permit 7/GP" in page and "≤ 100 mg/L" in page
    assert "superseded, but kept until 2031-12-31 for a site operating since before 2025-09-01 (this one since 2012-05-01)" in page
    site = client.get(reverse("wastewater:facility", args=[world.own.pk])).content.decode()
    assert 'data-testid="exceedances"' in site and "Đồng Nai river" in site and "120 mg/L" in site
    assert client.get(reverse("wastewater:permit", args=[permit.pk])).status_code == 200
    assert client.get(reverse("wastewater:facility_discharge", args=[world.own.pk])).status_code == 200
    assert client.get(reverse("wastewater:park", args=[world.park.pk])).status_code == 200


def test_brands_see_compliance_only_with_consent_naming_wastewater(client, world):
    _to_cetp(world)
    permit = services.permit_save(by=world.users["manager"], facility=world.own, number="7/GP", issuing_body="DONRE",
                                  issued_on=datetime.date(2024, 1, 1))
    event = _event(world, BEFORE, [("cod", "120", "mg/L")])
    client.force_login(world.users["brand"])   # consent names profile and environmental, not wastewater
    urls = [reverse("wastewater:facility", args=[world.own.pk]), reverse("wastewater:event", args=[event.pk]),
            reverse("wastewater:permit", args=[permit.pk])]
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]
    park = client.get(reverse("wastewater:park", args=[world.park.pk]))
    assert park.status_code in (200, 404) and b"120 mg/L" not in park.content
    Consent.objects.filter(facility=world.own, grantee=world.brand).update(data_kinds=["profile", "wastewater"])
    assert [client.get(u).status_code for u in urls] == [200, 200, 200]
    assert client.post(reverse("wastewater:permit", args=[permit.pk]), {"form": "delete"}).status_code == 403
    assert DischargePermit.objects.filter(pk=permit.pk).exists()


def test_intake_page_is_set_by_the_operator_and_refused_to_tenants(client, world):
    url = reverse("wastewater:intake", args=[world.cetp.pk])
    client.force_login(world.users["manager"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"form": "intake", "parameter": "cod", "limit_max": "1", "unit": "mg/L", "valid_from": "2024-01-01"}).status_code == 403
    client.force_login(world.users["park_operator"])
    response = client.post(url, {"form": "intake", "parameter": "cod", "limit_max": "500", "unit": "mg/L", "valid_from": "2024-01-01"})
    assert response.status_code == 302
    assert list(IntakeLimit.objects.values_list("limit_max", flat=True)) == [500.0]
    bad = client.post(url, {"form": "intake", "parameter": "cod", "limit_max": "x", "unit": "mg/L", "valid_from": "2024-01-01"})
    assert bad.status_code == 200 and list(IntakeLimit.objects.values_list("limit_max", flat=True)) == [500.0]



# --- a shipped table, hand-checked --------------------------------------------------------------------------

def test_thai_results_against_the_ministry_of_industry_table(world):
    """Thailand, Notification of the Ministry of Industry on factory effluent discharge control standards B.E. 2560
    (2017), clause 5 (reference/discharge_limits.csv, th_moi_2560, column "general"), for a factory discharging to a
    river on 2025-06-12. Hand-checked: pH 9.2 is outside 5.5–9.0 (5.1); temperature 41 °C is over 40 (5.2); colour
    280 ADMI is within 300 (5.3); TSS 50 mg/L equals its limit of 50 and meets it (5.5); BOD5 21 is over 20 (5.6);
    COD 118 is within 120 (5.7); Cr(VI) below a detection limit of 0.3 mg/L cannot be told against 0.25 (5.16(2));
    AOX has no limit in this table."""
    from loomlight.registry.models import Facility

    mill = Facility.objects.create(name="Ayutthaya Dye Works", country="TH", tier=2, processes=["dyeing"])
    world.users["manager"].memberships.create(role="facility_manager", facility=mill)
    world.users["data_entry"].memberships.create(role="facility_data_entry", facility=mill)
    services.discharge_set(by=world.users["manager"], facility=mill, valid_from=datetime.date(2020, 1, 1), route="surface",
                           receiving_water="Chao Phraya river")
    event = services.sampling_event_create(by=world.users["data_entry"], facility=mill, sampled_on=BEFORE,
                                           sampling_point="discharge", discharge_type="direct", laboratory="Lab T")
    for parameter, value, unit in [("ph", "9.2", "pH"), ("temperature", "41", "°C"), ("colour_admi", "280", "ADMI"),
                                   ("tss", "50", "mg/L"), ("bod5", "21", "mg/L"), ("cod", "118", "mg/L"), ("aox", "0.4", "mg/L")]:
        services.lab_result_set(by=world.users["data_entry"], event=event, parameter=parameter, value=value, unit=unit)
    services.lab_result_set(by=world.users["data_entry"], event=event, parameter="chromium_vi", unit="mg/L",
                            below_detection_limit=True, detection_limit="0.3")
    c = selectors.compliance(event)
    key = "national:th_moi_2560:general"
    got = {row["parameter"]: (row["cells"][key]["limit"], row["cells"][key]["outcome"]) for row in c["rows"]}
    assert got == {
        "ph": ("5.5–9", Outcome.FAIL), "temperature": ("≤ 40 °C", Outcome.FAIL), "colour_admi": ("≤ 300 ADMI", Outcome.PASS),
        "tss": ("≤ 50 mg/L", Outcome.PASS), "bod5": ("≤ 20 mg/L", Outcome.FAIL), "cod": ("≤ 120 mg/L", Outcome.PASS),
        "chromium_vi": ("≤ 0.25 mg/L", Outcome.INCONCLUSIVE), "aox": ("", Outcome.NO_LIMIT)}
    assert c["overall"][key] == Outcome.FAIL and c["legal"] == Outcome.FAIL
    (national,) = [s for s in c["sets"] if s.kind == "national"]
    assert national.title == "MoI effluent standards B.E. 2560"   # one table: no column named
    assert national.why == ("MoI effluent standards B.E. 2560: discharge to surface water (Chao Phraya river); in force "
                            "since 2017-06-07.")


def test_the_pages_queries_do_not_grow_with_the_samples(client, world):
    """SiteRules reads a site's facts once: the facility page and the park page make as many queries with
    12 samples as with 3."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _to_cetp(world)
    services.intake_limit_set(by=world.users["park_operator"], cetp=world.cetp, parameter="cod", limit_max="400",
                              unit="mg/L", valid_from=datetime.date(2024, 1, 1))
    permit = services.permit_save(by=world.users["manager"], facility=world.own, number="7/GP", issuing_body="DONRE",
                                  issued_on=datetime.date(2024, 1, 1))
    services.permit_limit_set(by=world.users["manager"], permit=permit, parameter="cod", limit_max="500", unit="mg/L")
    client.force_login(world.users["admin"])
    urls = [reverse("wastewater:facility", args=[world.own.pk]), reverse("wastewater:park", args=[world.park.pk])]

    def counts():
        out = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    for month in (1, 2, 3):
        _event(world, datetime.date(2025, month, 10), [("cod", "450", "mg/L"), ("tss", "40", "mg/L")])
    few = counts()
    for month in range(4, 13):
        _event(world, datetime.date(2025, month, 10), [("cod", "450", "mg/L"), ("tss", "40", "mg/L")])
    assert counts() == few


def test_the_park_page_counts_non_compliant_samples_by_month_and_set(client, world):
    """Two tenant samples in October 2025 against intake COD ≤ 400 mg/L: 450 fails, 300 meets: "1 of 2"; one in
    June 2025 at 300 meets: "0 of 1"."""
    _to_cetp(world)
    services.intake_limit_set(by=world.users["park_operator"], cetp=world.cetp, parameter="cod", limit_max="400",
                              unit="mg/L", valid_from=datetime.date(2024, 1, 1))
    _event(world, datetime.date(2025, 10, 7), [("cod", "450", "mg/L")])
    _event(world, datetime.date(2025, 10, 21), [("cod", "300", "mg/L")])
    _event(world, BEFORE, [("cod", "300", "mg/L")])
    client.force_login(world.users["admin"])
    response = client.get(reverse("wastewater:park", args=[world.park.pk]))
    monthly = response.context["monthly"]
    assert [(r["month"], r["cells"]["intake"]) for r in monthly["rows"]] == [("2025-10", [2, 1]), ("2025-06", [1, 0])]
    assert "1 of 2" in response.content.decode()
    # the park's operator reads its plant's results, not its tenants' (their data are theirs): nothing of Own's
    client.force_login(world.users["park_operator"])
    assert client.get(reverse("wastewater:park", args=[world.park.pk])).context["monthly"]["rows"] == []


# --- the permission matrix of the new pages ---------------------------------------------------------------

ROLES = ["operator", "admin", "assessor", "park_operator", "manager", "group_manager", "data_entry", "neighbour_manager",
         "brand", "other_brand", "financier", "nobody"]
#: who edits Own Dyehouse (its route and permits); who reads its wastewater data but may not edit them
OWN_EDITORS = {"operator", "admin", "manager", "group_manager"}
OWN_READERS = {"assessor", "data_entry"}
#: who edits the park's central plant (route, permits, intake limits); who reads its results without editing
PLANT_EDITORS = {"operator", "admin", "park_operator"}
PLANT_READERS = {"assessor", "manager", "group_manager", "data_entry", "neighbour_manager"}


@pytest.mark.parametrize("who", ROLES)
def test_who_opens_and_writes_the_discharge_pages(client, world, who):
    """GET: editors 200, readers 403 on the forms, everyone else 404 (as for a missing page); POST by a reader or
    an outsider changes nothing."""
    permit = services.permit_save(by=world.users["manager"], facility=world.own, number="7/GP", issuing_body="DONRE",
                                  issued_on=datetime.date(2024, 1, 1))
    plant_permit = services.permit_save(by=world.users["park_operator"], shared_facility=world.cetp, number="8/GP",
                                        issuing_body="DONRE", issued_on=datetime.date(2024, 1, 1))
    client.force_login(world.users[who])

    def expected(editors, readers, *, form):
        if who in editors:
            return 200
        if who in readers:
            return 403 if form else 200
        return 404

    pages = [
        (reverse("wastewater:facility_discharge", args=[world.own.pk]), expected(OWN_EDITORS, OWN_READERS, form=True)),
        (reverse("wastewater:facility_permit_new", args=[world.own.pk]), expected(OWN_EDITORS, OWN_READERS, form=True)),
        (reverse("wastewater:permit", args=[permit.pk]), expected(OWN_EDITORS, OWN_READERS, form=False)),
        (reverse("wastewater:shared_discharge", args=[world.cetp.pk]), expected(PLANT_EDITORS, PLANT_READERS, form=True)),
        (reverse("wastewater:shared_permit_new", args=[world.cetp.pk]), expected(PLANT_EDITORS, PLANT_READERS, form=True)),
        (reverse("wastewater:permit", args=[plant_permit.pk]), expected(PLANT_EDITORS, PLANT_READERS, form=False)),
    ]
    assert [(url, client.get(url).status_code) for url, _ in pages] == [(url, status) for url, status in pages]
    def state():
        return list(Discharge.objects.values()), list(DischargePermit.objects.values()), list(PermitLimit.objects.values())

    writes = [
        (reverse("wastewater:facility_discharge", args=[world.own.pk]), {"valid_from": "2024-01-01", "route": "sewer"},
         OWN_EDITORS, OWN_READERS),
        (reverse("wastewater:permit", args=[permit.pk]), {"form": "limit", "limit-parameter": "cod", "limit-limit_max": "90",
                                                          "limit-unit": "mg/L"}, OWN_EDITORS, OWN_READERS),
        (reverse("wastewater:permit", args=[plant_permit.pk]), {"form": "delete"}, PLANT_EDITORS, PLANT_READERS),
    ]
    for url, body, editors, readers in writes:
        before = state()
        status = client.post(url, body).status_code
        assert status == (302 if who in editors else 403 if who in readers else 404), (url, status)
        if who not in editors:
            assert state() == before, url


def test_links_only_to_what_the_viewer_may_open(client, world):
    """The permit's upload is offered to those who enter the facility's data, not to the programme admin (who edits
    the permit but attaches no evidence); the park page links its exceedances only for readers of some results."""
    permit = services.permit_save(by=world.users["manager"], facility=world.own, number="7/GP", issuing_body="DONRE",
                                  issued_on=datetime.date(2024, 1, 1))
    url = reverse("wastewater:permit", args=[permit.pk])
    for who, offered in (("manager", True), ("admin", False)):
        client.force_login(world.users[who])
        assert ('value="evidence"' in client.get(url).content.decode()) is offered, who
    park = reverse("registry:park", args=[world.park.pk])
    exceedances = reverse("wastewater:park", args=[world.park.pk])
    for who, linked in (("admin", True), ("manager", True), ("other_brand", False)):
        client.force_login(world.users[who])
        response = client.get(park)
        if response.status_code == 200:
            assert (exceedances in response.content.decode()) is linked, who
