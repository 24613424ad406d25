"""The public biomass guideline pages: the overview and every type's page render for anyone (no login) in English
and Vietnamese; a value the catalogue does not ship reads "not shipped", never 0; the curve of heating value
against moisture is calc.biomass.lhv_as_received's own values; the factors are the inventories' own."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from django.urls import reverse

from loomlight.biomass import guide
from loomlight.calc.biomass import lhv_as_received, lhv_dry
from loomlight.reference import biomass
from loomlight.reference.ghg_factors import emission_factors

pytestmark = pytest.mark.django_db


def _chart(body: str) -> dict:
    found = re.search(r'<script id="biomass-chart-data" type="application/json">(.*?)</script>', body, re.S)
    assert found, "the page carries the chart's JSON"
    return json.loads(found.group(1))


def test_the_overview_is_public_and_lists_every_type_and_section(client):
    # given no login; when the overview is asked for
    response = client.get(reverse("biomass:guide"))
    body = response.content.decode()
    # then it answers, with an anchor for each section code and a row per catalogue type linking to its page
    assert response.status_code == 200
    for code in guide.SECTIONS:
        assert f'id="{code}"' in body and f'href="#{code}"' in body
    rows = re.findall(r'<tr data-type="([a-z_]+)">', body)
    assert rows == [t.code for t in biomass.types()] and len(rows) == 15
    for kind in biomass.types():
        assert reverse("biomass:guide_type", args=[kind.code]) in body


@pytest.mark.parametrize("language", ["en", "vi"])
def test_every_type_page_renders_in_english_and_vietnamese(client, language):
    for kind in biomass.types():
        response = client.get(reverse("biomass:guide_type", args=[kind.code]), HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, kind.code
        body = response.content.decode()
        assert f'<html lang="{language}">' in body
        assert biomass.name(kind.code, language) in body
        # one row per value-chain stage at least (a risk, or "not shipped" where the file has none)
        assert set(re.findall(r'data-stage="([a-z]+)"', body)) == set(biomass.STAGES)


def test_an_unknown_type_is_404(client):
    assert client.get(reverse("biomass:guide_type", args=["unobtainium"])).status_code == 404


def test_a_value_not_shipped_reads_not_shipped_never_zero(client, monkeypatch):
    # given rice husk with no heating value, moisture or ash shipped (a gap in the catalogue)
    bare = replace(biomass.biomass_type("rice_husk"), lhv_ar_gj_per_t=None, moisture_ar=None, ash_db=None,
                   lhv_db_gj_per_t=None)
    monkeypatch.setattr(biomass, "biomass_type", lambda code: bare)
    # when its page is read
    body = client.get(reverse("biomass:guide_type", args=["rice_husk"])).content.decode()
    # then every value card says "not shipped", no curve is drawn and no 0 stands in for the gap
    cards = re.findall(r'<div class="card" data-value="([a-z_]+)"><div class="number">(.*?)</div>', body, re.S)
    assert [c for c, _text in cards] == ["lhv_ar", "moisture_ar", "ash_db", "lhv_db"]
    assert all("not shipped" in text and "0" not in re.sub(r"<[^>]+>", "", text) for _c, text in cards)
    assert 'data-testid="no-curve"' in body and "biomass-chart-data" not in body


def test_the_curve_is_lhv_as_received_of_the_dry_value_at_every_moisture(client, monkeypatch):
    # given wood at a dry LHV of 18.5 GJ/t (the reference note's example, ghg-roi-biomass.md §1.5)
    wood = replace(biomass.biomass_type("wood_chips"), lhv_db_gj_per_t=18.5, lhv_ar_gj_per_t=None, moisture_ar=None)
    monkeypatch.setattr(biomass, "biomass_type", lambda code: wood)
    chart = _chart(client.get(reverse("biomass:guide_type", args=["wood_chips"])).content.decode())
    # then the points are 0, 5, ... 60 % and the function's values there, exactly
    assert [m for m, _v in chart["points"]] == list(range(0, 61, 5))
    assert chart["points"] == [[m, lhv_as_received(18.5, m / 100)] for m in range(0, 61, 5)]
    # hand-worked: at 45 % moisture 18.5 × 0.55 − 2.443 × 0.45 = 10.175 − 1.09935 = 9.07565 GJ/t
    assert chart["points"][9] == [45, pytest.approx(9.07565, abs=1e-9)]
    assert chart["marker"] is None


def test_without_a_dry_value_the_curve_starts_from_the_as_received_value(client, monkeypatch):
    # given only an as-received LHV of 14.0 GJ/t at 10 % moisture
    husk = replace(biomass.biomass_type("rice_husk"), lhv_db_gj_per_t=None, lhv_ar_gj_per_t=14.0, moisture_ar=0.10)
    monkeypatch.setattr(biomass, "biomass_type", lambda code: husk)
    body = client.get(reverse("biomass:guide_type", args=["rice_husk"])).content.decode()
    chart = _chart(body)
    dry = lhv_dry(14.0, 0.10)      # (14.0 + 0.2443) / 0.9 = 15.8270 GJ/t
    assert dry == pytest.approx(15.827, abs=1e-3)
    assert chart["points"] == [[m, lhv_as_received(dry, m / 100)] for m in range(0, 61, 5)]
    assert chart["points"][2][1] == pytest.approx(14.0, abs=1e-9)      # back at 10 %: the shipped value
    assert chart["marker"] == [10.0, 14.0]
    assert "computed from the catalogue&#x27;s value as received" in body or "computed from the catalogue's value as received" in body


def test_the_factors_are_the_inventories_own_with_biogenic_co2_apart(client):
    kind = biomass.biomass_type("rice_husk")
    found = emission_factors()[kind.metric]
    body = client.get(reverse("biomass:guide_type", args=["rice_husk"])).content.decode()
    ch4 = re.search(r'<tr data-gas="CH4">.*?<td class="num">(.*?)</td>', body, re.S).group(1)
    co2 = re.search(r'<tr data-gas="CO2">.*?</tr>', body, re.S).group(0)
    assert ch4 == "30"                                                                # IPCC 2006 Table 2.3: 30 kg/TJ
    assert found["CH4"].value_kg_per_tj == 30.0
    assert "reported apart from the scopes" in co2 and "100,000" in co2               # Table 1.4: 100,000 kg/TJ


def test_vietnamese_numbers_use_the_vietnamese_separators(client):
    body = client.get(reverse("biomass:guide_type", args=["rice_husk"]), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    co2 = re.search(r'<tr data-gas="CO2">.*?</tr>', body, re.S).group(0)
    assert "100.000" in co2          # CLDR vi groups with a point


def test_schemes_follow_the_woody_flag(client):
    body = client.get(reverse("biomass:guide_type", args=["rice_husk"])).content.decode()
    assert re.findall(r'data-scheme="([A-Z]+)"', body) == ["RSB", "GGL"]
    body = client.get(reverse("biomass:guide_type", args=["wood_pellets"])).content.decode()
    assert re.findall(r'data-scheme="([A-Z]+)"', body) == ["SBP", "FSC", "PEFC", "RSB", "GGL"]


def _open_period(world, *, opens, closes):
    from loomlight.consultations import services

    admin = world.users["admin"]
    guideline = services.biomass_guideline_seed(by=admin, programme=world.programme, authors=[admin])
    return services.period_create(by=admin, guideline=guideline, title="Public comment 2026", opens_at=opens,
                                  closes_at=closes)


def test_each_section_links_to_the_open_comment_period_on_that_section(client, world):
    import datetime

    from django.utils import timezone

    # given an open comment period on the biomass guideline
    now = timezone.now()
    period = _open_period(world, opens=now - datetime.timedelta(days=1), closes=now + datetime.timedelta(days=30))
    form = reverse("consultations:period", args=[period.pk])
    # then every section of the overview links to its form, on that section
    body = client.get(reverse("biomass:guide")).content.decode()
    for code in guide.SECTIONS:
        assert f'href="{form}?section={code}" data-testid="comment-{code}"' in body
    # and a type's page on the type's own section
    body = client.get(reverse("biomass:guide_type", args=["rice_husk"])).content.decode()
    assert f'href="{form}?section=rice_husk" data-testid="comment-rice_husk"' in body


def test_without_an_open_period_no_comment_link_is_shown(client, world):
    import datetime

    from django.utils import timezone

    # given a period that closed yesterday
    now = timezone.now()
    _open_period(world, opens=now - datetime.timedelta(days=30), closes=now - datetime.timedelta(days=1))
    assert "Comment on this section" not in client.get(reverse("biomass:guide")).content.decode()
    assert "Comment on this section" not in client.get(reverse("biomass:guide_type", args=["rice_husk"])).content.decode()
