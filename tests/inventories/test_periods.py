"""The emissions pages as a new user meets them in April 2026 (the clock frozen on 10 April 2026; deadline the
20th): they open where the data are, compare like with like, show unreported water and waste as not reported,
and judge target progress only on complete years.

Hand-computed values (AR5, IPCC 2006 factors of diesel: CO2 74,100, CH4 3, N2O 0.6 kg/TJ; CH4 28, N2O 265):
10 GJ of diesel a month = 0.01 TJ x (74,100 + 3 x 28 + 0.6 x 265 = 74,343) kg/TJ = 0.74343 t CO2e a month.
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from loomlight.inventories import selectors, services
from loomlight.inventories.models import Inventory, InventoryYear
from tests.april_2026 import april_2026, store_values  # noqa: F401 (april_2026: the frozen clock, autouse)

MONTHLY = 0.74343          # t CO2e of 10 GJ of diesel


def values(facility, rows):
    store_values(facility, rows)
    services.recompute(facility, sorted({y for y, *_ in rows}))


@pytest.fixture
def three_months_of_2026(world):
    """Own Dyehouse: 10 GJ of diesel and 100 m³ of water in every month of 2024 and 2025; January to March 2026,
    10 GJ of diesel a month and no water."""
    values(world.own, [(y, range(1, 13), metric, value, unit) for y in (2024, 2025)
                       for metric, value, unit in (("fuel_diesel", 10, "GJ"), ("water_municipal", 100, "m³"))]
           + [(2026, (1, 2, 3), "fuel_diesel", 10, "GJ")])
    return world


def test_the_facility_page_compares_a_partial_year_with_the_same_months(client, three_months_of_2026):
    world = three_months_of_2026
    client.force_login(world.users["manager"])
    response = client.get(reverse("inventories:facility_year", args=[world.own.pk, 2026]))
    data = response.context["data"]
    # Jan-Mar 2026: 3 x 0.74343 = 2.23029 t against Jan-Mar 2025, the same: 0 %.
    # Before, 2.23029 t was set against the whole of 2025 (8.92116 t): "Scope 1 -75 %".
    assert data["this"]["scope1_tco2e"] == pytest.approx(3 * MONTHLY, rel=1e-9)
    assert data["last"]["scope1_tco2e"] == pytest.approx(3 * MONTHLY, rel=1e-9)
    assert data["change"]["scope1_tco2e"] == pytest.approx(0.0, abs=1e-12)
    assert "Jan–Mar 2026 against Jan–Mar 2025" in response.content.decode()
    # the trailing 12 months: April 2025 - March 2026 (12 months) against April 2024 - March 2025 (12 months)
    ttm = client.get(reverse("inventories:facility_year", args=[world.own.pk, 2026]) + "?compare=ttm")
    assert ttm.context["data"]["this"]["scope1_tco2e"] == pytest.approx(12 * MONTHLY, rel=1e-9)
    assert ttm.context["data"]["change"]["scope1_tco2e"] == pytest.approx(0.0, abs=1e-12)
    assert "Apr 2025–Mar 2026 against Apr 2024–Mar 2025" in ttm.content.decode()


def test_water_not_reported_in_a_month_is_not_reported_never_zero(client, three_months_of_2026):
    world = three_months_of_2026
    row = Inventory.objects.get(facility=world.own, period=datetime.date(2026, 1, 1))
    assert row.reported == "energy" and row.water_withdrawn_m3 == 0.0       # stored as the engine sums it
    assert InventoryYear.objects.get(facility=world.own, year=2025).reported == "energy water"
    client.force_login(world.users["manager"])
    response = client.get(reverse("inventories:facility_year", args=[world.own.pk, 2026]))
    months = response.context["data"]["months"]
    assert months[0]["water_withdrawn_m3"] is None and months[0]["waste_kg"] is None
    assert set(months[0]["not_reported"]) >= {"water_withdrawn_m3", "waste_kg"}
    table = response.content.decode()
    table = table[table.index('data-testid="inventory-months"'):]
    first = table[table.index("2026-01"):]
    first = first[:first.index("</tr>")]
    # energy 10 GJ is shown; water and waste are not reported (before: "0" and "0")
    assert first.count("not reported") == 2 and "<td>10.0</td>" in first
    # the download leaves them empty and the API answers null
    body = client.get(reverse("inventories:facility_download", args=[world.own.pk, 2026, "csv"])).content.decode("utf-8-sig")
    header, jan = list(csv.reader(io.StringIO(body)))[:2]
    assert jan[header.index("water withdrawn [m³]")] == "" and jan[header.index("energy used [GJ]")] == "10.0"
    api = client.get(f"/api/v1/facilities/{world.own.pk}/inventory?year=2026").json()
    assert api["months"][0]["values"]["water_withdrawn_m3"] is None
    # 2025, with water every month, shows it
    assert client.get(reverse("inventories:facility_year", args=[world.own.pk, 2025])).context["data"]["months"][0][
        "water_withdrawn_m3"] == 100.0


def test_the_emissions_pages_open_on_the_last_year_that_is_over(client, three_months_of_2026):
    world = three_months_of_2026
    client.force_login(world.users["manager"])
    page = client.get(reverse("inventories:facility", args=[world.own.pk]))
    assert page.context["data"]["year"] == 2025
    assert "Showing 2025, the latest year with data that is over." in page.content.decode()
    assert page.context["choice"].years == [2026, 2025, 2024]
    client.force_login(world.users["admin"])
    park = client.get(reverse("inventories:park", args=[world.park.pk]))
    assert park.context["data"]["year"] == 2025 and park.context["choice"].years == [2026, 2025, 2024]


def test_a_facility_with_only_earlier_years_opens_on_them(client, world):
    values(world.own, [(2023, range(1, 13), "fuel_diesel", 10, "GJ")])
    client.force_login(world.users["manager"])
    page = client.get(reverse("inventories:facility", args=[world.own.pk]))
    assert page.context["data"]["year"] == 2023 and page.context["data"]["months"]
    assert page.context["choice"].years == [2026, 2023]


def test_the_park_page_compares_the_same_months(client, three_months_of_2026):
    world = three_months_of_2026
    client.force_login(world.users["admin"])
    page = client.get(reverse("inventories:park_year", args=[world.park.pk, 2026]))
    data = page.context["data"]
    # the park's only facility with data: Jan-Mar 2026, 2.23029 t, against Jan-Mar 2025, the same
    assert data["this"]["scope1_tco2e"] == pytest.approx(3 * MONTHLY, rel=1e-9)
    assert data["last"]["scope1_tco2e"] == pytest.approx(3 * MONTHLY, rel=1e-9)
    assert data["this"]["water_withdrawn_m3"] is None and data["last"]["water_withdrawn_m3"] == pytest.approx(300)
    body = page.content.decode()
    assert "Jan–Mar 2026 against Jan–Mar 2025" in body and "not reported" in body


def test_target_progress_waits_for_a_complete_year(client, three_months_of_2026):
    world = three_months_of_2026
    client.force_login(world.users["manager"])
    t = client.get(reverse("inventories:facility_year", args=[world.own.pk, 2026])).context["data"]["trajectory"]
    # no target: the reference path from the first complete year, 2024 (8.92116 t); 2025 is 8.92116 t too,
    # and the path in 2025 is 8.92116 x (1 - 0.042) = 8.54647 t: 0.37469 t CO2e above the path
    assert t["base_year"] == 2024 and t["base_complete"]
    assert t["progress_year"] == 2025 and not t["progress"].on_track
    assert t["progress"].gap == pytest.approx(12 * MONTHLY * 0.042, rel=1e-9)
    # the projection is fitted on the complete years 2024 and 2025 alone: flat, never plunging towards 0 because
    # 2026 has 3 months (before: fitted through 2.23 t in 2026, reaching 0 within years)
    assert t["fitted_on"] == [2024, 2025] and t["slope"] == pytest.approx(0.0, abs=1e-9)
    assert t["projection"][t["years"].index(2029)] == pytest.approx(12 * MONTHLY, rel=1e-9)
    # 2026 is shown annualised: 2.23029 x 12 / 3 = 8.92116 t a year, against the 2026 path 8.92116 x 0.916 = 8.17178
    assert t["partial"]["months"] == 3 and t["partial"]["annualised"] == pytest.approx(12 * MONTHLY, rel=1e-9)
    assert t["actual"][t["years"].index(2026)] is None
    body = client.get(reverse("inventories:facility_year", args=[world.own.pk, 2026])).content.decode()
    assert "On track" not in body and "on the path" not in body
    assert "2025, a complete year: 0.4 t CO2e above the path." in body     # 0.37469 t to 0.1 t
    assert "2026 is not complete" in body and "no verdict is given until the year is complete" in body
    assert "through the complete years 2024–2025 (2 years)" in body


def test_a_target_is_never_called_on_track_on_a_partial_year(client, world):
    # one complete year (2025) and three low months of 2026: with a target from 2025, 2026 gets no verdict,
    # before or after the target is set
    values(world.own, [(2025, range(1, 13), "fuel_diesel", 10, "GJ"), (2026, (1, 2, 3), "fuel_diesel", 1, "GJ")])
    client.force_login(world.users["manager"])
    url = reverse("inventories:facility_year", args=[world.own.pk, 2026])
    for _ in range(2):
        response = client.get(url)
        t = response.context["data"]["trajectory"]
        assert t["progress"] is None or t["progress_year"] == 2025
        assert "On track for this year" not in response.content.decode()
        client.post(reverse("inventories:target", args=[world.own.pk, 2026]),
                    {"base_year": "2025", "target_year": "2030", "annual_rate_percent": "10", "basis": "absolute",
                     "boundary": "location"})
    t = client.get(url).context["data"]["trajectory"]
    # the base year 2025 is the only complete year: it is judged against itself (on the path, 0 below); 2026's
    # 3 x 0.074343 = 0.223029 t annualised: 0.892116 t a year, below the 2026 path 8.92116 x 0.9 = 8.029044 t
    assert t["target"] is not None and t["progress_year"] == 2025 and t["fitted_on"] == []
    assert t["partial"]["annualised"] == pytest.approx(4 * 3 * MONTHLY / 10, rel=1e-9)
    assert t["partial"]["path"] == pytest.approx(12 * MONTHLY * 0.9, rel=1e-9)


def test_years_record_what_their_months_reported(world):
    values(world.own, [(2025, (1,), "fuel_diesel", 10, "GJ"), (2025, (2,), "waste_hazardous_landfilled", 5, "kg"),
                       (2025, (3,), "production_kg", 100, "kg")])
    assert dict(Inventory.objects.filter(facility=world.own).values_list("period__month", "reported")) == {
        1: "energy", 2: "waste", 3: "output"}
    assert InventoryYear.objects.get(facility=world.own, year=2025).reported == "energy waste output"
    # a month stored before this was recorded (None) blanks nothing: unknown is not "not reported"
    Inventory.objects.filter(facility=world.own, period__month=2).update(reported=None)
    services.store_years([world.own.pk], [2025])
    assert InventoryYear.objects.get(facility=world.own, year=2025).reported is None
    feb = selectors.month_row(Inventory.objects.get(facility=world.own, period__month=2), kinds={"ghg", "environmental"})
    assert feb["not_reported"] == [] and feb["water_withdrawn_m3"] == 0.0


@pytest.mark.parametrize("query", ["", "?compare=ttm", "?compare=%00", "?compare=year&compare=ttm"])
def test_a_year_without_data_is_an_honest_empty_page(client, three_months_of_2026, query):
    world = three_months_of_2026
    client.force_login(world.users["admin"])
    for name, pk in (("inventories:facility_year", world.own.pk), ("inventories:park_year", world.park.pk),
                     ("inventories:programme_year", world.programme.pk), ("reporting:dashboard_year", world.own.pk),
                     ("reporting:facility_year", world.own.pk)):
        response = client.get(reverse(name, args=[pk, 2021]) + query)
        assert response.status_code in (200, 400), name      # a NUL in the query string is refused by the middleware
        if response.status_code == 200:
            assert "2021" in response.content.decode()
    page = client.get(reverse("inventories:facility_year", args=[world.own.pk, 2021]))
    assert 'data-testid="no-inventory"' in page.content.decode() and page.context["choice"].years == [2026, 2025, 2024, 2021]
    park = client.get(reverse("inventories:park_year", args=[world.park.pk, 2021]))
    assert park.context["data"]["this"] is None and "No inventory for 2021." in park.content.decode()


def test_an_intensity_of_a_partial_year_is_not_scaled_by_twelve(client, world):
    # 2025: 10 GJ of diesel and 1,000 kg of output a month; 2026, January to March: 10 GJ and 2,000 kg a month
    values(world.own, [(2025, range(1, 13), "fuel_diesel", 10, "GJ"), (2025, range(1, 13), "production_kg", 1000, "kg"),
                       (2026, (1, 2, 3), "fuel_diesel", 10, "GJ"), (2026, (1, 2, 3), "production_kg", 2000, "kg")])
    client.force_login(world.users["manager"])
    client.post(reverse("inventories:target", args=[world.own.pk, 2026]),
                {"base_year": "2025", "target_year": "2030", "annual_rate_percent": "10", "basis": "intensity",
                 "boundary": "location"})
    t = client.get(reverse("inventories:facility_year", args=[world.own.pk, 2026])).context["data"]["trajectory"]
    # 2026's intensity is 3 x 0.74343 t / 6,000 kg = 0.000371715 t/kg, a rate: not x 12/3
    assert t["unit"] == "kg" and not t["partial"]["scaled"]
    assert t["partial"]["annualised"] == pytest.approx(3 * MONTHLY / 6000, rel=1e-9)
    # the path in 2026: 12 x 0.74343 / 12,000 x (1 - 0.1) = 0.000669087 t/kg; the 3 months are below it
    assert t["partial"]["path"] == pytest.approx(MONTHLY / 1000 * 0.9, rel=1e-9) and t["partial"]["gap"] < 0


def test_downloads_and_the_api_summary_leave_what_was_not_reported_empty(client, three_months_of_2026):
    world = three_months_of_2026
    # the neighbour reports diesel only in 2025: its water is not reported, own's 1,200 m³ is
    values(world.neighbour, [(2025, range(1, 13), "fuel_diesel", 1, "GJ")])
    client.force_login(world.users["admin"])
    body = client.get(reverse("inventories:park_download", args=[world.park.pk, 2025, "csv"])).content.decode("utf-8-sig")
    rows = {r[1]: r for r in csv.reader(io.StringIO(body))}
    header = rows.pop("facility")
    water = header.index("water_withdrawn_m3")
    assert rows["Own Dyehouse"][water] == "1200.0" and rows["Neighbour Sewing"][water] == ""
    api = client.get(f"/api/v1/inventory/summary?year=2025&park={world.park.pk}&by=facility").json()["rows"]
    assert {r["facility"]: r["water_withdrawn_m3"] for r in api} == {"Own Dyehouse": 1200.0, "Neighbour Sewing": None}
    # no facility reported waste: not 0 in the total either
    total = client.get(f"/api/v1/inventory/summary?year=2025&park={world.park.pk}&by=total").json()["rows"][0]
    assert total["waste_kg"] is None and total["water_withdrawn_m3"] == 1200.0
