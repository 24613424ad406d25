"""What the emissions pages' charts and tables say: biogenic CO2 apart from the scopes, countries by name, numbers
grouped in the reader's language, no raw formula of calc.targets.

Hand-computed: 10,000 MWh of grid electricity in Viet Nam in 2024 x 0.6592 t CO2/MWh (the latest official factor,
2023, tests/inventories/test_inventories.py) = 6,592 t of scope 2, location- and market-based alike (no instruments).
"""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.urls import reverse

from tests.inventories.test_inventories import enter

YEAR = 2024
BIG = [(datetime.date(YEAR, 1, 1), "electricity_grid", 10_000, "MWh")]


def chart_data(response) -> dict:
    body = response.content.decode()
    return json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', body, re.S).group(1))


@pytest.mark.parametrize("url", ["inventories:programme_year", "inventories:park_year", "inventories:facility_year"])
def test_biogenic_co2_is_drawn_apart_from_the_stacked_scopes(client, world, django_capture_on_commit_callbacks, url):
    # given a month of data; when the programme admin opens a page with the scopes chart
    enter(world, django_capture_on_commit_callbacks, BIG)
    client.force_login(world.users["admin"])
    pk = {"inventories:programme_year": world.programme.pk, "inventories:park_year": world.park.pk}.get(url, world.own.pk)
    charts = chart_data(client.get(reverse(url, args=[pk, YEAR])))
    # then biogenic CO2 is a series of the chart, named as reported apart, and listed as not stacked (dashboard.js
    # draws the series of "apart" as a line outside the stack)
    assert set(charts["scopes"]) == {"scope1", "scope2_market", "biogenic"}
    assert charts["apart"] == ["biogenic"]
    assert charts["names"]["biogenic"] == "Biogenic CO2, reported apart (not in the stack)"


@pytest.mark.parametrize("language,name", [("en", "Viet Nam"), ("vi", "Việt Nam")])
def test_countries_are_named_in_the_readers_language_with_the_code_kept(client, world, django_capture_on_commit_callbacks,
                                                                        language, name):
    enter(world, django_capture_on_commit_callbacks, BIG)
    client.force_login(world.users["admin"])
    client.cookies["django_language"] = language
    body = client.get(reverse("inventories:programme_year", args=[world.programme.pk, YEAR])).content.decode()
    table = re.search(r'<table data-testid="by-country">.*?</table>', body, re.S).group(0)
    assert f'<td><span title="VN">{name}</span></td>' in table
    assert "<td>VN</td>" not in table


@pytest.mark.parametrize("language,total,month", [("en", "6,592.0", "6,592.000"), ("vi", "6.592,0", "6.592,000"),
                                                  ("km", "6,592.0", "6,592.000"), ("th", "6,592.0", "6,592.000")])
def test_table_numbers_are_grouped_in_the_readers_format(client, world, django_capture_on_commit_callbacks, language,
                                                          total, month):
    """CLDR 49 (Babel 2.19): vi groups with "." and writes "," for decimals; km and th write as English does."""
    enter(world, django_capture_on_commit_callbacks, BIG)
    client.force_login(world.users["admin"])
    client.cookies["django_language"] = language
    programme = client.get(reverse("inventories:programme_year", args=[world.programme.pk, YEAR])).content.decode()
    by_facility = re.search(r'<table data-testid="by-facility">.*?</table>', programme, re.S).group(0)
    own = re.search(r"Own Dyehouse</a></td>(.*?)</tr>", by_facility, re.S).group(1)
    # scope 1, scope 2 location, scope 2 market, biogenic, ... (renewable share: not shown without environmental
    # data of every facility)
    assert re.findall(r"<td>([^<]*)</td>", own)[:3] == ["0" + ("," if language == "vi" else ".") + "0", total, total]
    facility = client.get(reverse("inventories:facility_year", args=[world.own.pk, YEAR])).content.decode()
    months = re.search(r'<table data-testid="inventory-months">.*?</table>', facility, re.S).group(0)
    assert f"<td>{month}</td>" in months and "6592" not in months


def test_the_trajectory_shows_no_raw_formula(client, world, django_capture_on_commit_callbacks):
    """calc.targets writes "value(y) = 1.25496e+06 + -618.748 x y": for analysts, never on a page."""
    # given two complete years (100 MWh a month in 2022, 110 in 2023): a reference path and a projection
    rows = [(datetime.date(y, m, 1), "electricity_grid", 100 if y == 2022 else 110, "MWh")
            for y in (2022, 2023) for m in range(1, 13)]
    enter(world, django_capture_on_commit_callbacks, rows)
    client.force_login(world.users["manager"])
    client.cookies["django_language"] = "vi"
    response = client.get(reverse("inventories:facility_year", args=[world.own.pk, 2023]))
    trajectory = response.context["data"]["trajectory"]
    assert trajectory["fitted_on"] == [2022, 2023]
    # then the selector hands no formula to the page, and the page writes none, nor a number with an exponent
    assert not [k for k in trajectory if "formula" in k]
    body = response.content.decode()
    assert "value(y)" not in body and not re.search(r"\de[+-]\d", body)
    # and the projection is worded with its slope in the reader's format: 1,200 MWh x 0.6766 t CO2/MWh (Viet Nam's
    # official 2022 factor) = 811.92 t, 1,320 MWh x 0.6592 (2023) = 870.144 t; a line through two points has their
    # difference as its slope, 58.224 t CO2e a year, written "58,2" in Vietnamese
    assert trajectory["actual"][:2] == pytest.approx([811.92, 870.144], rel=1e-12)
    assert trajectory["slope"] == pytest.approx(58.224, rel=1e-9)
    assert "58,2 t CO2e" in body
