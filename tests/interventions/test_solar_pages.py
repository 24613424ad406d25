"""Rooftop-solar inputs on the case pages (issue 18, point 4): an uploaded weather file and hourly load on a
facility's case, and a park's group rooftop solar built from the park with its generation divided among tenants.

The weather file of these tests is a tiny EPW written here (as tests/calc/test_solar.py does): 500 W/m² of
diffuse light (GHI = DHI = 500, DNI = 0) in the 9 hours ending 08:00 to 16:00 of every day, 25 °C, 1 m/s. On a
horizontal array (tilt 0) Hay-Davies with DNI = 0 puts exactly the DHI on the plane: POA = 500 W/m² in
9 × 365 = 3,285 hours, whatever the sun's position. The yield is then computed by hand (``EXPECTED_KWH``).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loomlight.interventions.models import BusinessCase
from loomlight.reporting.models import ActivityValue

KWP = 50.0
SUNNY_HOURS = 9 * 365
#: SAPM close-mount glass/glass (a = −2.98, b = −0.0471, ΔT = 1 °C) at 500 W/m², 25 °C, 1 m/s:
#: T_cell = 500 · exp(−2.98 − 0.0471 · 1) + 25 + 500/1000 · 1 = 49.73 °C;
#: AC per sunny hour = 50 kWp · 0.5 · (1 − 0.004 · (T_cell − 25)) · (1 − 0.14) · 0.96 = 18.60 kWh (PVWatts).
T_CELL = 500 * math.exp(-2.98 - 0.0471 * 1.0) + 25.0 + 0.5 * 1.0
KWH_PER_SUNNY_HOUR = KWP * 0.5 * (1 - 0.004 * (T_CELL - 25.0)) * 0.86 * 0.96
EXPECTED_KWH = KWH_PER_SUNNY_HOUR * SUNNY_HOURS        # 61,096 kWh a year


def _epw(rows: int = 8760) -> bytes:
    out = io.StringIO()
    out.write("LOCATION,Thu Dau Mot,BD,VNM,test,489000,11.05,106.66,7.0,10.0\n")
    out.write("DESIGN CONDITIONS,0\nTYPICAL/EXTREME PERIODS,0\nGROUND TEMPERATURES,0\n")
    out.write("HOLIDAYS/DAYLIGHT SAVINGS,No,0,0,0\nCOMMENTS 1,test fixture\nCOMMENTS 2,\n")
    out.write("DATA PERIODS,1,1,Data,Wednesday, 1/ 1,12/31\n")
    i = 0
    for month, days in enumerate([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], start=1):
        for day in range(1, days + 1):
            for hour in range(1, 25):
                if i >= rows:
                    break
                light = 500 if 8 <= hour <= 16 else 0
                fields = [2021, month, day, hour, 60, "?", 25.0, 20.0, 70, 101000, 0, 0, 400, light, 0, light,
                          0, 0, 0, 0, 180, 1.0, 5, 5, 10, 77777, 9, 999999999, 40, 0.1, 0, 88, 0.2, 0, 0]
                out.write(",".join(str(f) for f in fields) + "\n")
                i += 1
    return out.getvalue().encode()


EPW = _epw()


def _form(world, **extra):
    return {"facility": world.own.pk, "intervention": "rooftop_solar_pv", "title": "Solar", "capex": "40000",
            "lifetime_years": "20", "discount_rate": "10", "escalation": "0", "grid_factor": "inventory",
            "currency": "USD", "kwp": "50", "tilt_deg": "0", "azimuth_deg": "180", "export_price": "0",
            "line-0-price": "0.08", **extra}


def _login(client, world, name):
    client.force_login(world.users[name])
    return client


def _electricity(facility, kwh_a_month):
    for month in range(1, 13):
        ActivityValue.objects.create(facility=facility, period=datetime.date(2025, month, 1), metric="electricity_grid",
                                     value=kwh_a_month, unit="kWh", original_value=kwh_a_month, original_unit="kWh",
                                     source="form")


@pytest.fixture
def electricity(world):
    """Own Dyehouse 10,000 kWh of grid electricity a month in 2025 (120,000 a year), Neighbour Sewing 5,000 (60,000)."""
    _electricity(world.own, 10000.0)
    _electricity(world.neighbour, 5000.0)


NEW = reverse("interventions:new")


# --- a facility's case: the uploads --------------------------------------------------------------------------

def test_an_uploaded_epw_gives_the_yield_and_the_page_names_the_file(client, world, electricity):
    """Given the EPW (its format recognised from its first line), when the manager saves a 50 kWp flat array,
    then the yield is the hand-computed 61,096 kWh (not the clear sky's), the case keeps the file's name, hash,
    format and rows but not its bytes, and the page says it comes from the uploaded file."""
    client = _login(client, world, "manager")
    response = client.post(f"{NEW}?facility={world.own.pk}&intervention=rooftop_solar_pv",
                           _form(world, weather_file=SimpleUploadedFile("thu-dau-mot.epw", EPW)))
    assert response.status_code == 302, response.content.decode()[-2000:]
    case = BusinessCase.objects.get(facility=world.own)
    made = case.document["solar"]["yield"]
    assert made["annual_kwh"] == pytest.approx(EXPECTED_KWH, rel=1e-9)
    assert made["scaled_to"] == "weather_file" and "solar_clear_sky" not in made["flags"]
    assert case.document["solar"]["weather_file"] == {"name": "thu-dau-mot.epw", "format": "epw", "rows": 8760,
                                                      "sha256": hashlib.sha256(EPW).hexdigest()}
    assert "LOCATION" not in str(case.document)
    page = client.get(reverse("interventions:detail", args=[case.pk])).content.decode()
    assert "From the uploaded weather file thu-dau-mot.epw." in page and 'data-testid="solar-clear-sky"' not in page

    # "Edit" says the file must be given again; saved without it, the case falls back to the clear sky
    edit = reverse("interventions:edit", args=[case.pk])
    body = client.get(edit).content.decode()
    assert "Computed with the uploaded file thu-dau-mot.epw: upload it again to keep it." in body
    assert client.post(edit, _form(world)).status_code == 302
    case.refresh_from_db()
    assert case.document["solar"]["yield"]["scaled_to"] == "clear_sky" and "weather_file" not in case.document["solar"]


def test_an_uploaded_hourly_load_caps_self_consumption_hour_by_hour(client, world, electricity):
    """Given a load of 5 kWh in every hour (a header line, 8760 values) and the EPW's 18.60 kWh in each sunny hour,
    then 5 kWh are used in each of the 3,285 sunny hours: 16,425 kWh, the rest exported, and the page says so."""
    load = ("kWh\n" + "5\n" * 8760).encode()
    client = _login(client, world, "manager")
    response = client.post(f"{NEW}?facility={world.own.pk}&intervention=rooftop_solar_pv", _form(
        world, weather_file=SimpleUploadedFile("site.epw", EPW), weather_format="epw",
        hourly_load=SimpleUploadedFile("load.csv", load)))
    assert response.status_code == 302, response.content.decode()[-2000:]
    case = BusinessCase.objects.get(facility=world.own)
    made = case.document["solar"]["yield"]
    assert made["load_basis"] == "hourly_profile"
    assert made["self_consumed_kwh"] == pytest.approx(5.0 * SUNNY_HOURS, rel=1e-12)
    assert made["exported_kwh"] == pytest.approx(EXPECTED_KWH - 5.0 * SUNNY_HOURS, rel=1e-9)
    assert case.document["savings"][0]["quantity"] == pytest.approx(16425.0, rel=1e-12)
    assert case.document["solar"]["hourly_load"] == {"name": "load.csv", "rows": 8760,
                                                     "sha256": hashlib.sha256(load).hexdigest()}
    page = client.get(reverse("interventions:detail", args=[case.pk])).content.decode()
    assert "Self-consumption from the uploaded hourly load." in page


@pytest.mark.parametrize("extra, field, message", [
    ({"weather_file": ("junk.txt", b"not a weather file")}, "weather_file",
     "The file&#x27;s format is not recognised: choose it."),
    ({"weather_file": ("junk.epw", b"not a weather file"), "weather_format": "epw"}, "weather_file",
     "Weather file (TMY3, EPW, PVGIS TMY): cannot be used (could not be read as a EPW file"),
    ({"weather_file": ("short.epw", _epw(rows=100)), "weather_format": "epw"}, "weather_file",
     "one row per hour of a year (8760), got 100 rows"),
    ({"hourly_load": ("load.csv", b"5\n" * 100)}, "hourly_load",
     "Give 8760 hourly values (8784 in a leap year): 100 given."),
    ({"hourly_load": ("load.csv", b"5\n" * 8784)}, "hourly_load",
     "needs 8760 hourly values, one per hour of the year (got 8784)"),
    ({"hourly_load": ("load.csv", b"5\nfive\n" + b"5\n" * 8758)}, "hourly_load", "Line 2 is not a number."),
])
def test_a_bad_upload_is_refused_at_its_field_and_nothing_is_saved(client, world, electricity, extra, field, message):
    files = {k: SimpleUploadedFile(*v) if isinstance(v, tuple) else v for k, v in extra.items()}
    response = _login(client, world, "manager").post(f"{NEW}?facility={world.own.pk}&intervention=rooftop_solar_pv",
                                                     _form(world, **files))
    body = response.content.decode()
    assert response.status_code == 200 and f'data-testid="error-{field}"' in body and message in body
    assert not BusinessCase.objects.exists()


def test_a_file_above_5_mb_is_refused(client, world, electricity):
    big = SimpleUploadedFile("big.epw", b"LOCATION," + b"0" * (5 * 1024 * 1024))
    body = _login(client, world, "manager").post(f"{NEW}?facility={world.own.pk}&intervention=rooftop_solar_pv",
                                                 _form(world, weather_file=big)).content.decode()
    assert "The file is larger than 5 MB." in body and not BusinessCase.objects.exists()


# --- a park's group rooftop solar ----------------------------------------------------------------------------

def _park_url(world):
    return f"{NEW}?park={world.park.pk}&intervention=park_group_rooftop_solar"


def _park_form(world, **extra):
    return {"park": world.park.pk, "intervention": "park_group_rooftop_solar", "title": "Green Park solar",
            "capex": "40000", "lifetime_years": "25", "discount_rate": "10", "escalation": "0",
            "grid_factor": "inventory", "currency": "USD", "kwp": "50", "tilt_deg": "0", "azimuth_deg": "180",
            "export_price": "0", "sale_price": "0.07", "rule": "consumption",
            f"share-{world.own.pk}": "120000", f"share-{world.neighbour.pk}": "60000",
            "weather_file": SimpleUploadedFile("park.epw", EPW), **extra}


def test_the_park_operator_builds_a_group_case_divided_by_consumption(client, world, electricity):
    """Given Green Park's tenants using 120,000 and 60,000 kWh of grid electricity in 2025, when the park's
    operator saves 50 kWp on the EPW, then the 61,096 kWh are divided 2 : 1 in whole kWh summing exactly to the
    generation, and the case page shows the table and the rule."""
    client = _login(client, world, "park_operator")
    form = client.get(_park_url(world)).content.decode()
    assert f'name="share-{world.own.pk}" value="120000"' in form           # pre-filled from each tenant's 2025
    assert f'name="share-{world.neighbour.pk}" value="60000"' in form
    response = client.post(_park_url(world), _park_form(world))
    assert response.status_code == 302, response.content.decode()[-2000:]
    case = BusinessCase.objects.get(park=world.park)
    park = case.document["solar"]["park"]
    total = round(EXPECTED_KWH)                                             # 61,096
    kwh = {row["facility"]: row["kwh"] for row in park["allocation"]}
    assert park["rule"] == "consumption" and park["annual_kwh"] == total
    assert sum(kwh.values()) == total
    assert kwh[world.own.pk] == round(total * 2 / 3) and kwh[world.neighbour.pk] == total - round(total * 2 / 3)
    # the tenants' 15,000 kWh a month spread over their two shifts (06:00-22:00, Monday to Saturday) is about
    # 36 kWh an hour, above the array's 18.60: all of it is sold to them at 0.07 but on the 52 Sundays of 2025
    # (1 January was a Wednesday), when it is exported: 52 × 9 × 18.60 = 8,704 kWh
    sundays = 52 * 9 * KWH_PER_SUNNY_HOUR
    assert case.document["savings"] == [
        {"metric": "electricity_solar_self_consumed", "unit": "kWh", "price": 0.07,
         "quantity": pytest.approx(EXPECTED_KWH - sundays, rel=1e-9)},
        {"metric": "electricity_exported", "unit": "kWh", "price": 0.0, "quantity": pytest.approx(sundays, rel=1e-9)}]
    page = client.get(reverse("interventions:detail", args=[case.pk])).content.decode()
    assert "Computed from the tenants' data of 2025." in page
    assert 'data-testid="allocation" data-rule="consumption"' in page and "Rule: by consumption [kWh a year]." in page
    assert f"<td>Own Dyehouse</td><td class=\"num\">120,000</td><td class=\"num\">{kwh[world.own.pk]:,}</td>" in page

    # the case is edited too: equal shares, recomputed without the file (not given again)
    edit = reverse("interventions:edit", args=[case.pk])
    assert "upload it again to keep it" in client.get(edit).content.decode()
    form = _park_form(world, rule="equal")
    del form["weather_file"]
    assert client.post(edit, form).status_code == 302
    case.refresh_from_db()
    made = case.document["solar"]["yield"]["annual_kwh"]
    kwh = [row["kwh"] for row in case.document["solar"]["park"]["allocation"]]
    assert case.document["solar"]["park"]["rule"] == "equal" and sum(kwh) == round(made) and abs(kwh[0] - kwh[1]) <= 1


def test_the_park_page_offers_the_case_to_who_may_build_it_only(client, world):
    park = reverse("registry:park", args=[world.park.pk])
    assert 'data-testid="new-park-solar"' in _login(client, world, "park_operator").get(park).content.decode()
    assert 'data-testid="new-park-solar"' not in _login(client, world, "manager").get(park).content.decode()


def test_a_programme_admin_may_build_the_park_case(client, world, electricity):
    assert _login(client, world, "admin").get(_park_url(world)).status_code == 200


def test_a_tenants_manager_may_not_build_the_park_case_and_nothing_is_saved(client, world, electricity):
    client = _login(client, world, "manager")
    assert client.get(_park_url(world)).status_code == 403
    assert client.post(_park_url(world), _park_form(world)).status_code == 403
    assert _login(client, world, "neighbour_manager").post(_park_url(world), _park_form(world)).status_code == 403
    assert _login(client, world, "brand").get(_park_url(world)).status_code == 403   # reads the park, may not build
    assert not BusinessCase.objects.exists()


def test_shares_that_are_all_zero_are_refused_at_the_rule(client, world, electricity):
    response = _login(client, world, "park_operator").post(_park_url(world), _park_form(
        world, **{f"share-{world.own.pk}": "0", f"share-{world.neighbour.pk}": ""}))
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="error-rule"' in body and "Give each tenant&#x27;s share." in body
    assert not BusinessCase.objects.exists()
