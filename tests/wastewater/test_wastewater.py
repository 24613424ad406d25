"""Lab results: units at the door, detection limits said explicitly, compliance against ZDHC V2.2, access."""

from __future__ import annotations

import datetime
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from loomlight.audit.models import AuditEvent
from loomlight.wastewater import selectors, services
from loomlight.wastewater.models import LabResult
from tests.calc.test_units import HOSTILE_UNITS

DAY = datetime.date(2025, 6, 12)


@pytest.fixture
def event(world):
    return services.sampling_event_create(by=world.users["data_entry"], facility=world.own, sampled_on=DAY,
                                          sampling_point="discharge", discharge_type="direct", laboratory="Lab A")


def _result(world, event, **kw):
    args = {"parameter": "cod", "value": "120", "unit": "mg/L"}
    args.update(kw)
    return services.lab_result_set(by=world.users["data_entry"], event=event, **args)


def test_result_in_another_mass_concentration_unit_is_converted(world, event):
    row = _result(world, event, parameter="zinc", value="450", unit="µg/L")
    assert (row.value, row.unit) == (pytest.approx(0.45), "mg/L")
    assert AuditEvent.objects.filter(object_type="wastewater.labresult", object_id=str(row.pk)).count() == 1


def test_below_detection_limit_is_explicit_and_never_zero(world, event):
    row = _result(world, event, parameter="cadmium", value="", below_detection_limit=True, detection_limit="0.01")
    assert (row.value, row.detection_limit, row.below_detection_limit) == (None, 0.01, True)
    with pytest.raises(ValidationError) as exc_info:
        _result(world, event, parameter="lead", value="", unit="mg/L")
    assert "value" in exc_info.value.message_dict
    with pytest.raises(ValidationError) as exc_info:
        _result(world, event, parameter="lead", value="", below_detection_limit=True)
    assert "detection_limit" in exc_info.value.message_dict
    with pytest.raises(ValidationError):
        _result(world, event, parameter="lead", value="0.2", below_detection_limit=True, detection_limit="0.1")
    assert not LabResult.objects.filter(parameter="lead").exists()


@pytest.mark.parametrize("kwargs,field", [
    ({"parameter": "unobtainium"}, "parameter"),
    ({"value": "-3"}, "value"),
    ({"value": "lots"}, "value"),
    ({"unit": "kWh"}, "unit"),
    ({"parameter": "ph", "value": "7", "unit": "mg/L"}, "unit"),
])
def test_bad_results_are_refused_naming_the_field(world, event, kwargs, field):
    with pytest.raises(ValidationError) as exc_info:
        _result(world, event, **kwargs)
    assert field in exc_info.value.message_dict
    assert not LabResult.objects.exists()


@pytest.mark.parametrize("user", ["brand", "assessor", "park_operator", "neighbour_manager"])
def test_only_facility_staff_record_results(world, event, user):
    with pytest.raises(PermissionDenied):
        services.lab_result_set(by=world.users[user], event=event, parameter="cod", value="1", unit="mg/L")


def test_park_operator_records_central_plant_results_only_at_its_points(world):
    with pytest.raises(ValidationError):
        services.sampling_event_create(by=world.users["park_operator"], shared_facility=world.cetp, sampled_on=DAY,
                                       sampling_point="discharge", discharge_type="direct", laboratory="Lab B")
    cetp = services.sampling_event_create(by=world.users["park_operator"], shared_facility=world.cetp, sampled_on=DAY,
                                          sampling_point="cetp_outflow", discharge_type="direct", laboratory="Lab B")
    assert cetp.shared_facility == world.cetp
    with pytest.raises(PermissionDenied):
        services.sampling_event_create(by=world.users["manager"], shared_facility=world.cetp, sampled_on=DAY,
                                       sampling_point="cetp_inflow", discharge_type="direct", laboratory="Lab B")


def test_compliance_per_level_and_overall(world, event):
    # ZDHC WWG V2.2 Table 3 (textile): COD 150 / 80 / 40 mg/L; pH 6-9 at every level
    _result(world, event, parameter="cod", value="120")
    _result(world, event, parameter="ph", value="7.5", unit="pH")
    # ZDHC V2.2 Table 2: cadmium limit 0.1 / 0.05 / 0.01 mg/L as shipped; "< 0.02" meets the first two only
    _result(world, event, parameter="cadmium", value="", below_detection_limit=True, detection_limit="0.02")
    table = selectors.event_compliance(event)
    by_parameter = {row["parameter"]: row["outcomes"] for row in table["rows"]}
    assert by_parameter["cod"] == {"foundational": "pass", "progressive": "fail", "aspirational": "fail"}
    assert by_parameter["ph"] == {"foundational": "pass", "progressive": "pass", "aspirational": "pass"}
    assert by_parameter["cadmium"] == {"foundational": "pass", "progressive": "pass", "aspirational": "inconclusive"}
    assert table["overall"]["foundational"] == "pass"
    assert table["overall"]["progressive"] == "fail"
    assert table["version"] == "2.2"


def test_indirect_discharger_is_held_to_the_limits_for_all_dischargers_only(world):
    event = services.sampling_event_create(by=world.users["data_entry"], facility=world.own, sampled_on=DAY,
                                           sampling_point="discharge", discharge_type="indirect", laboratory="Lab A")
    _result(world, event, parameter="cod", value="900")  # COD limits are for direct discharge only
    table = selectors.event_compliance(event)
    assert table["rows"][0]["outcomes"]["foundational"] == "no_limit"
    assert table["overall"]["foundational"] is None


@pytest.mark.parametrize("user,status", [("manager", 200), ("assessor", 200), ("brand", 404), ("park_operator", 404),
                                         ("neighbour_manager", 404)])
def test_who_sees_the_wastewater_pages(client, world, event, user, status):
    client.force_login(world.users[user])
    assert client.get(reverse("wastewater:facility", args=[world.own.pk])).status_code == status
    assert client.get(reverse("wastewater:event", args=[event.pk])).status_code == status


def test_result_form_and_page(client, world, event):
    client.force_login(world.users["data_entry"])
    url = reverse("wastewater:event", args=[event.pk])
    response = client.post(url, {"parameter": "cod", "value": "200", "unit": "mg/L"})
    assert response.status_code == 302
    body = client.get(reverse("wastewater:facility", args=[world.own.pk])).content.decode()
    assert 'data-set="zdhc:foundational"' in body and "outcome-fail" in body
    response = client.post(url, {"parameter": "cod", "value": "200", "unit": "kWh"})
    assert "unit" in response.context["form"].errors
    client.force_login(world.users["assessor"])
    assert client.post(url, {"parameter": "cod", "value": "1", "unit": "mg/L"}).status_code == 403


def test_compliance_trend_oldest_first_with_exceedances_and_the_worst_ratio(world):
    def sample(day, cod, tss):
        e = services.sampling_event_create(by=world.users["data_entry"], facility=world.own, sampled_on=day,
                                           sampling_point="discharge", discharge_type="direct", laboratory="Lab A")
        _result(world, e, parameter="cod", value=str(cod))
        _result(world, e, parameter="tss", value=str(tss))
        return e

    sample(datetime.date(2025, 3, 1), 300, 20)   # COD 300 > 150 (foundational, ZDHC WWG V2.2 Table 3)
    sample(datetime.date(2025, 6, 1), 120, 10)   # meets foundational; COD 120 > 80 progressive
    trend = selectors.rules_trend(world.own.sampling_events.all(), ["discharge"], selectors.rules_for(world.own.sampling_events.first()))
    assert [f for f, _label in trend["families"]] == ["zdhc:foundational", "zdhc:progressive", "zdhc:aspirational"]
    first, second = trend["rows"]
    assert first["event"].sampled_on == datetime.date(2025, 3, 1)
    assert (first["cells"]["zdhc:foundational"]["outcome"], second["cells"]["zdhc:foundational"]["outcome"]) == ("fail", "pass")
    assert second["cells"]["zdhc:progressive"]["outcome"] == "fail"
    assert first["failing"] == [selectors.parameters()["cod"].name] and second["failing"] == []
    # the worst result against its foundational limit: COD 300/150 = 2.0, then COD 120/150 = 0.8 (TSS 10/50 = 0.2)
    assert first["worst"]["ratio"] == pytest.approx(2.0)
    assert second["worst"]["ratio"] == pytest.approx(0.8)


@pytest.mark.parametrize("user,shown", [("manager", True), ("admin", True), ("brand", False)])
def test_dashboard_shows_wastewater_and_chemicals_only_to_who_may_read_them(client, world, event, user, shown):
    _result(world, event, parameter="cod", value="300")
    client.force_login(world.users[user])
    body = client.get(reverse("reporting:dashboard_year", args=[world.own.pk, 2025])).content.decode()
    assert ('data-testid="wastewater-trend"' in body) is shown
    assert ('data-testid="conformant-share"' in body) is shown


@pytest.mark.parametrize("unit", HOSTILE_UNITS, ids=["9**9**9", "10**2500001", "kg**99999999", "10000-chars", "1e999999"])
@pytest.mark.parametrize("parameter", ["cod", "ph"])   # converted through calc.units (mg/L), or compared with its spellings
def test_a_hostile_unit_is_refused_at_once_naming_the_field(world, event, unit, parameter):
    # when a lab result is given in a unit built to make pint compute
    started = time.perf_counter()
    with pytest.raises(ValidationError) as exc_info:
        _result(world, event, parameter=parameter, value="7", unit=unit)
    # then it is refused on "unit" at once (before the allow-list: minutes for kWh*9**9**9), and nothing is stored
    assert time.perf_counter() - started < 2.0
    assert list(exc_info.value.message_dict) == ["unit"]
    message = exc_info.value.message_dict["unit"][0]
    assert len(message) < 400
    if parameter == "cod":
        assert message.startswith("Unknown unit “")
    else:
        assert message == "Give this parameter in pH."
    assert not LabResult.objects.exists()
    assert not AuditEvent.objects.filter(object_type="wastewater.labresult").exists()


def test_result_form_refuses_a_hostile_unit_beside_the_field(client, world, event):
    client.force_login(world.users["data_entry"])
    response = client.post(reverse("wastewater:event", args=[event.pk]), {"parameter": "cod", "value": "200", "unit": "kWh*9**9**9"})
    assert response.status_code == 200
    assert response.context["form"].errors["unit"][0].startswith("Unknown unit “kWh*9**9**9”: use a unit such as kWh")
    assert not LabResult.objects.exists()


def test_results_are_written_as_measured_beside_the_limit_they_are_judged_against(client, world, event):
    # given a pH of 6.9, COD of 120 mg/L and cadmium below a detection limit of 0.02 mg/L (ZDHC WWG V2.2: pH 6-9 at
    # every level; COD 150 / 80 / 40 mg/L; cadmium 0.1 / 0.05 / 0.01 mg/L)
    _result(world, event, parameter="ph", value="6.9", unit="pH")
    _result(world, event, parameter="cod", value="120")
    _result(world, event, parameter="cadmium", value="", below_detection_limit=True, detection_limit="0.02")
    rows = {row["parameter"]: row for row in selectors.event_compliance(event)["rows"]}
    # then each result reads as measured, a pH without a unit after it and without trailing zeros
    assert {p: r["shown"] for p, r in rows.items()} == {"ph": "6.9", "cod": "120 mg/L", "cadmium": "< 0.02 mg/L"}
    # and each level names its limit: a range for pH, a maximum for the others
    assert rows["ph"]["limits"] == {"foundational": "6–9", "progressive": "6–9", "aspirational": "6–9"}
    assert rows["cod"]["limits"] == {"foundational": "≤ 150 mg/L", "progressive": "≤ 80 mg/L", "aspirational": "≤ 40 mg/L"}
    assert rows["cadmium"]["limits"]["aspirational"] == "≤ 0.01 mg/L"
    # and the page shows them, in Vietnamese with a decimal comma
    client.force_login(world.users["data_entry"])
    client.cookies["django_language"] = "vi"
    body = client.get(reverse("wastewater:event", args=[event.pk])).content.decode()
    assert '<td data-testid="result">6,9</td>' in body and "6,9000" not in body and "6.9 pH" not in body
    assert '<span class="limit" data-testid="limit">≤ 0,01 mg/L</span>' in body


def test_a_parameter_without_a_limit_says_so_and_the_badges_are_explained(client, world):
    # given an indirect discharge, whose COD the guideline limits only at a direct outfall
    event = services.sampling_event_create(by=world.users["data_entry"], facility=world.own, sampled_on=DAY,
                                           sampling_point="discharge", discharge_type="indirect", laboratory="Lab A")
    _result(world, event, parameter="cod", value="900")
    client.force_login(world.users["data_entry"])
    body = client.get(reverse("wastewater:event", args=[event.pk])).content.decode()
    table = body[body.index('data-testid="limits-table"'):body.index("</table>")]
    # then each level says "no limit" (with why in its title), never a bare dash, and the verdict "nothing to judge"
    assert table.count(">no limit</span>") == 3 and ">—<" not in table
    assert 'title="this set has no limit for this parameter and this kind of discharge"' in table
    assert table.count(">nothing to judge</span>") == 3
    # and a legend under the table says what every badge means, and why an indirect discharge has fewer limits
    legend = body[body.index('data-testid="outcome-legend"'):]
    for words in ("meets", "exceeds", "cannot tell", "no limit", "an indirect discharge"):
        assert words in legend
