"""Downloads of business cases: the curve as CSV and XLSX and the financier's XLSX, headers translated and values
as numbers; the case page's outputs named with their units."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
from django.urls import reverse
from django.utils import translation

from loomlight.registry.models import Consent
from tests.interventions.test_pages import RESULT, _case, _login


def test_the_curve_csv_has_its_headers_and_the_bar(client, world):
    case = _case(world.own, "LED at Own")
    other = _case(world.own, "Boiler at Own", intervention="boiler_economiser",
                  result={**RESULT, "eac": 1000.0, "tco2e_per_year": 10.0})
    response = _login(client, world, "admin").get(
        reverse("interventions:curve_download", args=["csv"]) + f"?scope=programme&id={world.programme.pk}")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == ["rank", "measure", "category", "t CO2e avoided a year", "equivalent annual cost [USD a year]",
                       "cost per t CO2e [USD/t]", "cumulative t CO2e a year", "no regret", "cases"]
    # sorted by cost per t: −2,500 / 65.92 = −37.925… USD/t first (no regret), then 1,000 / 10 = 100 USD/t
    assert [r[1] for r in rows[1:]] == [case.title, other.title]
    assert rows[1][3:7] == ["65.92", "-2500.0", repr(-2500 / 65.92), "65.92"]
    assert rows[2][3:7] == ["10.0", "1000.0", "100.0", repr(65.92 + 10.0)]
    assert [rows[1][7], rows[2][7], rows[1][8]] == ["yes", "no", "1"]


def test_the_curve_xlsx_headers_are_in_the_readers_language(client, world):
    _case(world.own, "LED at Own")
    client = _login(client, world, "manager")
    with translation.override("en"):
        response = client.get(reverse("interventions:curve_download", args=["xlsx"]) + f"?scope=facility&id={world.own.pk}")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Abatement-cost curve"
    assert [c.value for c in sheet[1]][:4] == ["rank", "measure", "category", "t CO2e avoided a year"]
    assert sheet.cell(row=2, column=2).value == "LED at Own" and sheet.cell(row=2, column=4).value == 65.92


def test_the_financier_export_holds_only_the_shared_cases(client, world):
    shared = _case(world.own, "LED at Own", shared_with_financiers=True)
    _case(world.own, "Not shared at Own", shared_with_financiers=False)
    Consent.objects.create(facility=world.own, grantee=world.financier, data_kinds=["profile", "business_cases", "environmental", "ghg"],
                           valid_from=datetime.date(2020, 1, 1), granted_by=world.users["manager"])
    response = _login(client, world, "financier").get(reverse("interventions:financier_export"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("case", "facility", "country", "intervention", "stage", "currency", "investment",
                       "net present value", "internal rate of return [%]", "simple payback [years]",
                       "t CO2e avoided a year", "abatement cost [per t CO2e]", "computed from the year")
    assert len(rows) == 2
    assert rows[1][:6] == (shared.pk, "Own Dyehouse", "VN", "Efficient lighting (LED)", "Seeking finance", "USD")
    assert rows[1][6:] == (20000, 12345.6, 23.4, 2.5, 65.92, -37.925, 2025)


def test_the_case_page_names_each_output_with_its_unit_and_the_grid_factor(client, world):
    case = _case(world.own, "LED at Own")
    body = _login(client, world, "manager").get(reverse("interventions:detail", args=[case.pk])).content.decode()
    assert "12,346" in body and "Net present value (the factory&#x27;s) [USD]" in body
    assert "23.4" in body and "Internal rate of return (project) [%]" in body
    # irr_equity None: a gap, said so, never 0
    assert body.count("not computed") >= 2
    assert ("Avoided emissions at 0.6592 t CO2e/MWh, the factor of the facility&#x27;s inventory (2023)." in body
            and "MONRE" in body)
    assert "How was this computed?" in body and 'data-testid="stage-form"' in body
