""""How was this computed?": it starts from what was reported, writes formulas for people, names the data in words,
shows each flag once with markers on the months it concerns, and speaks the reader's language (issue 14, 6 and 7).

The month of the issue, hand-computed (factors: src/loomlight/reference/*.csv):
- 1,500 L of diesel: 1,500 L ÷ 1,149 L/t (UN Statistics Division, Energy Statistics Yearbook) × 43 GJ/t
  (IPCC 2006 Vol 2 Table 1.2, Gas/Diesel Oil) = 56.13577 GJ;
  CO2 56.13577 × 74,100 kg/TJ ÷ 1,000 ÷ 1,000 = 4.159661 t; CH4 × 3 kg/TJ = 0.000168407 t, × 28 = 0.00471540 t CO2e;
  N2O × 0.6 kg/TJ = 0.0000336815 t, × 265 = 0.00892559 t CO2e; scope 1 = 4.173302 t CO2e (the issue's 4.173 t);
- 310,000 kWh of grid electricity in Viet Nam, 2025: the latest official factor, 0.6592 t CO2/MWh (DCC 2023, combined
  margin, flagged "proxy year"); 310 MWh × 0.6592 = 204.352 t (the issue's 204.352 t).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from loomlight.accounting.inventory import FacilityMonth, facility_month
from loomlight.inventories import explain, services
from loomlight.inventories.models import Inventory
from tests.inventories.test_inventories import enter
from tests.site.catalogues import install

JAN, FEB, MAR = (datetime.date(2025, m, 1) for m in (1, 2, 3))
ISSUE_MONTH = [(JAN, "fuel_diesel", 1500, "L"), (JAN, "electricity_grid", 310_000, "kWh")]


def fragment(client, world, month=1, year=2025) -> str:
    response = client.get(reverse("inventories:explanation", args=[world.own.pk, year, month]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def visible(html: str) -> str:
    """The text a reader sees at first: without the folded data version and without tooltips."""
    html = re.sub(r'<details class="data-version">.*?</details>', "", html, flags=re.S)
    return re.sub(r'\stitle="[^"]*"', "", html)


def test_the_explanation_starts_from_the_litres_reported_with_density_and_calorific_value(client, world,
                                                                                         django_capture_on_commit_callbacks):
    # given January's 1,500 L of diesel and 310,000 kWh, entered as on a bill
    enter(world, django_capture_on_commit_callbacks, ISSUE_MONTH)
    client.force_login(world.users["manager"])
    # when the manager asks how January was computed
    html = fragment(client, world)
    # then it starts from what was reported: the litres, then their conversion with both factors and their sources
    assert '<span data-testid="reported">1,500 L</span>' in html
    assert "1,500 L ÷ 1,149 L/t × 43 GJ/t = 56.1358 GJ" in html
    assert re.search(r"density: 1,149 L/t — UN Statistics Division, Energy Statistics Yearbook[^<]*: Gas diesel oil", html)
    assert re.search(r"net calorific value: 43 GJ/t — IPCC \(2006\)[^<]*Table 1\.2[^<]*: Gas/Diesel Oil", html)
    assert '<span data-testid="reported">310,000 kWh</span>' in html
    # and the diesel's 56.136 GJ is no longer the first thing shown of it
    assert html.index("1,500 L") < html.index("56.1358 GJ ×")


def test_formulas_and_results_are_written_for_people_in_one_number_format(client, world, django_capture_on_commit_callbacks):
    enter(world, django_capture_on_commit_callbacks, ISSUE_MONTH)
    client.force_login(world.users["manager"])
    html = fragment(client, world)
    # every step: the formula's numbers and its result by the same formatter, six significant digits
    assert "56.1358 GJ × 74,100 kg/TJ ÷ 1,000 GJ/TJ ÷ 1,000 kg/t = 4.15966 t CO2" in html
    assert "0.000168407 t CH4 × 28 t CO2e/t CH4 = 0.0047154 t CO2e" in html
    assert "4.15966 t CO2e + 0.0047154 t CO2e + 0.00892559 t CO2e = 4.1733 t CO2e" in html
    assert "310,000 kWh ÷ 1,000 kWh/MWh = 310 MWh" in html
    # the formula writes the factor in its own unit, as the factor list does: CO2 only, t CO2/MWh
    assert "310 MWh × 0.6592 t CO2/MWh = 204.352 t CO2" in html
    assert "0.6592 t CO2/MWh — Viet Nam Ministry of Natural Resources and Environment" in html
    assert "t CO2e/MWh" not in html
    # no number with an exponent anywhere, and no " x " of the analysts' formulas
    assert not re.search(r"\d[eE][+-]?\d", visible(html))
    assert " x " not in html


def test_the_factor_data_are_named_in_words_with_the_hashes_behind_them(client, world, django_capture_on_commit_callbacks):
    enter(world, django_capture_on_commit_callbacks, ISSUE_MONTH)
    client.force_login(world.users["manager"])
    html = fragment(client, world)
    row = Inventory.objects.get(facility=world.own, period=JAN)
    assert ("calorific values and densities of fuels (IPCC 2006, UN energy statistics); emission factors of fuels "
            "(IPCC 2006); global warming potentials (IPCC AR4, AR5, AR6); grid emission factors (national authorities, "
            "Ember)") in html
    assert "IPCC Fifth Assessment Report (AR5), 100-year values" in html
    # the file versions are there, folded away and in the tooltip, never in the text read first
    files = row.factors_version.replace("+", "; ")
    assert f"<code>{files}</code>" in html and f'title="{files}"' in html
    assert "csv@" not in visible(html)


def test_each_flag_is_shown_once_with_a_marker_on_the_months_it_concerns(client, world, django_capture_on_commit_callbacks):
    # given January and February with electricity (grid flags) and March with coal only (no flag)
    enter(world, django_capture_on_commit_callbacks, [
        (JAN, "electricity_grid", 310_000, "kWh"), (FEB, "electricity_grid", 300_000, "kWh"), (MAR, "coal_bituminous", 10, "t")])
    client.force_login(world.users["manager"])
    # when the year's page is opened
    page = client.get(reverse("inventories:facility_year", args=[world.own.pk, 2025])).content.decode()
    # then each flag is written once, below the table, in words, with the months it concerns
    residual = ("No residual mix is published for this grid: the market-based scope 2 counts the electricity not covered "
                "by instruments at the location-based factor (combined margin) too.")
    proxy = "No grid factor of Viet Nam for 2025 is shipped: the latest earlier one, of 2023, is used."
    assert page.count(residual) == 1 and page.count(proxy) == 1
    assert "no residual mix for this grid" not in page      # the analysts' English text, once on every row, is gone
    notes = page.split('data-testid="flag-notes"')[1].split("</ul>")[0]
    assert re.findall(r'<li id="flag-(\d)">', notes) == ["1", "2", "3", "4"]
    assert notes.count("(2025-01, 2025-02)") == 4             # none concerns March
    # and the rows carry only their markers: January and February all four, March none
    cells = re.findall(r'<td class="flag-markers" data-testid="flag-markers">(.*?)</td>', page)
    markers = [re.findall(r'href="#flag-(\d)"', c) for c in cells]
    assert markers == [["1", "2", "3", "4"], ["1", "2", "3", "4"], []]
    # and the explanation of February uses the same markers, each flag once
    html = fragment(client, world, month=2)
    assert html.count(residual) == 1 and html.count(proxy) == 1
    assert re.findall(r'<span class="marker">(\d)</span> ', html.split('data-testid="explanation-flags"')[1]) == ["1", "2", "3", "4"]


def test_the_explanation_opens_in_a_row_under_the_month_clicked_and_without_javascript(client, world,
                                                                                     django_capture_on_commit_callbacks):
    enter(world, django_capture_on_commit_callbacks, ISSUE_MONTH)
    client.force_login(world.users["manager"])
    page = client.get(reverse("inventories:facility_year", args=[world.own.pk, 2025])).content.decode()
    url = reverse("inventories:explanation", args=[world.own.pk, 2025, 1])
    # the link targets the row right after its own, and is a plain link without JavaScript
    link, after = page.split(f'<a href="{url}" hx-get="{url}"', 1)
    assert 'hx-target="#explanation-2025-01" hx-swap="innerHTML show:top"' in after.split(">", 1)[0]
    assert re.match(r'[^<]*</a></td>\s*</tr><tr class="explanation-slot"><td colspan="\d+" id="explanation-2025-01"',
                    after.split(">", 1)[1])
    assert 'id="explanation"' not in page                  # the one box far below the table is gone
    full = client.get(url)
    assert full.status_code == 200 and "<html" in full.content.decode() and 'data-testid="explanation"' in full.content.decode()


def test_the_flag_wording_matches_the_factor():
    # Viet Nam: a combined margin in t CO2/MWh; Thailand 2026: TGO's average of the generation in t CO2e/MWh
    vn = facility_month(FacilityMonth("A", "VN", datetime.date(2023, 1, 1), grid_kwh=1000.0), gwp_set="AR5")
    th = facility_month(FacilityMonth("B", "TH", datetime.date(2026, 1, 1), grid_kwh=1000.0), gwp_set="AR5")
    with translation.override("en"):
        vn_text = {f["code"]: explain.flag_text(f) for f in vn["flag_codes"]}
        th_text = {f["code"]: explain.flag_text(f) for f in th["flag_codes"]}
    assert "location-based factor (combined margin)" in vn_text["no_residual_mix"]
    assert "location-based factor (average of the generation)" in th_text["no_residual_mix"]
    assert "average" not in vn_text["no_residual_mix"]          # "the grid's average factor" beside a combined margin
    assert vn_text["co2_only"].startswith("The grid factor counts CO2 only (t CO2/MWh, as published)")
    assert "co2_only" not in th_text and "margin_factor" not in th_text
    # the analysts' command keeps its English flags, reworded where they were wrong
    assert "no residual mix for this grid: the location-based grid factor is used" in vn["flags"]
    assert "the grid's average factor" not in vn["flags"]


def test_the_steps_factors_and_flags_are_in_the_readers_language(client, world, settings, tmp_path,
                                                               django_capture_on_commit_callbacks):
    # given Vietnamese words for a step, a factor, a flag and a heading (the shipped catalogues get theirs from the
    # project's translators; this test proves they reach the page), and a Vietnamese reader
    install(settings, tmp_path, "vi", {
        "%(gas)s from %(fuel)s": "%(gas)s từ %(fuel)s",
        "%(gas)s emission factor of %(fuel)s": "Hệ số phát thải %(gas)s của %(fuel)s",
        "No grid factor of %(country)s for %(asked)s is shipped: the latest earlier one, of %(year)s, is used.":
            "Chưa có hệ số lưới của %(country)s cho năm %(asked)s: dùng hệ số gần nhất, năm %(year)s.",
        "What was reported": "Số liệu đã báo cáo",
        ("fuel property", "density"): "khối lượng riêng",
    })
    enter(world, django_capture_on_commit_callbacks, ISSUE_MONTH)
    client.force_login(world.users["manager"])
    client.cookies["django_language"] = "vi"
    html = fragment(client, world)
    # then the words are Vietnamese (the metric's name from the shipped catalogue) and the numbers are too:
    # a decimal comma, groups with a point, in the formula and its result alike
    assert "Số liệu đã báo cáo" in html
    assert "CO2 từ Dầu diesel (DO)" in html
    assert "Hệ số phát thải CO2 của Dầu diesel (DO) = 74.100 kg/TJ" in html
    assert "Chưa có hệ số lưới của Việt Nam cho năm 2025: dùng hệ số gần nhất, năm 2023." in html
    assert "khối lượng riêng: 1.149 L/t" in html
    assert "1.500 L ÷ 1.149 L/t × 43 GJ/t = 56,1358 GJ" in html
    assert "56,1358 GJ × 74.100 kg/TJ ÷ 1.000 GJ/TJ ÷ 1.000 kg/t = 4,15966 t CO2" in html
    assert "310 MWh × 0,6592 t CO2/MWh = 204,352 t CO2" in html
    assert "CO2 from Dầu diesel (DO)</span>" not in html and "1,000" not in html


def test_explanations_stored_before_they_carried_codes_are_stale_and_recomputed(world, django_capture_on_commit_callbacks):
    # given a month whose explanation was stored in the earlier shape (no version, inputs without what was reported)
    enter(world, django_capture_on_commit_callbacks, ISSUE_MONTH)
    row = Inventory.objects.get(facility=world.own, period=JAN)
    row.explanation = {"gwp_set": "AR5", "inputs": [{"metric": "fuel_diesel", "value": 56.1, "unit": "GJ"}],
                       "calculations": {}}
    row.save()
    # then it is stale, and recomputing gives the current shape with the litres reported
    assert (world.own.pk, 2025) in services.stale()
    services.recompute_stale()
    row = Inventory.objects.get(facility=world.own, period=JAN)
    assert row.explanation["version"] == services.EXPLANATION_VERSION
    diesel = next(i for i in row.explanation["inputs"] if i["metric"] == "fuel_diesel")
    assert (diesel["reported_value"], diesel["reported_unit"]) == (1500, "L")
    assert diesel["conversion"]["density"]["value"] == 1149 and diesel["conversion"]["ncv"]["value"] == 43.0
    assert (world.own.pk, 2025) not in services.stale()


def test_a_month_stored_in_the_earlier_shape_is_still_shown_while_it_waits(world):
    # given a row of the earlier shape (English text, no terms or codes): shown as stored, never a 500
    row = {"period": JAN, "gwp_set": "AR5", "factors_version": "grid_factors.csv@abc", "computed_at": None,
           "flags": "margin factor; proxy year",
           "explanation": {"inputs": [{"metric": "electricity_grid", "value": 1000.0, "unit": "kWh"}],
                           "calculations": {"scope2": {"steps": [{"what": "scope 2, location-based",
                                                                  "formula": "1 MWh x 0.6592 t CO2e/MWh",
                                                                  "value": 0.6592, "unit": "t CO2e"}],
                                                       "factors": [{"name": "grid factor VN 2023 (combined_margin)",
                                                                    "value": 0.6592, "unit": "t CO2/MWh", "source": "DCC"}]}}}}
    with translation.override("en"):
        shown = explain.month(row)
    assert shown["inputs"][0]["reported"] == "1,000 kWh"
    assert shown["sections"][0]["steps"] == [{"what": "scope 2, location-based", "formula": "1 MWh x 0.6592 t CO2e/MWh = 0.6592 t CO2e"}]
    assert [n.text for n in shown["flags"]] == ["margin factor", "proxy year"]


@pytest.mark.parametrize("kinds_named", [["profile", "ghg"]])
def test_a_brand_with_ghg_consent_reads_the_explanation_with_its_fuel_inputs_only(client, world, kinds_named,
                                                                                django_capture_on_commit_callbacks):
    from loomlight.registry.models import Consent

    enter(world, django_capture_on_commit_callbacks, [*ISSUE_MONTH, (JAN, "water_municipal", 777, "m³")])
    consent = Consent.objects.get(facility=world.own, grantee=world.brand)
    consent.data_kinds = kinds_named
    consent.save()
    client.force_login(world.users["brand"])
    html = fragment(client, world)
    # the GHG inputs as reported, never the month's water (environmental data: issue 13's rule kept)
    assert "1,500 L" in html and "310,000 kWh" in html
    assert "777" not in html and "water" not in html.lower()


def test_a_facilitys_own_calorific_value_is_named_as_such_and_any_unit_still_reads_as_a_formula(
        client, world, django_capture_on_commit_callbacks):
    from tests.reporting.test_fuel_properties import _property

    # given the facility's own NCVs from January (backed by evidence): coal 22 GJ/t, natural gas 36 MJ/m³
    _property(world, metric="coal_bituminous", valid_from=JAN, ncv_value="22.0", ncv_unit="GJ/t")
    _property(world, metric="fuel_natural_gas", valid_from=JAN, ncv_value="36.0", ncv_unit="MJ/m³")
    enter(world, django_capture_on_commit_callbacks, [(JAN, "coal_bituminous", 10, "t"), (JAN, "fuel_natural_gas", 1000, "m³")])
    client.force_login(world.users["manager"])
    html = fragment(client, world)
    # then coal reads 10 t × 22 GJ/t = 220 GJ, its NCV named as the facility's own
    assert "10 t × 22 GJ/t = 220 GJ" in html
    assert "net calorific value: 22 GJ/t — this facility&#x27;s own value, valid from 2025-01, backed by its evidence" in html
    # and gas, whose NCV is in MJ/m³, as the energy of one m³: 1,000 m³ × 0.036 GJ/m³ = 36 GJ
    assert "1,000 m³ × 0.036 GJ/m³ = 36 GJ" in html
    assert "net calorific value: 36 MJ/m³ — this facility&#x27;s own value" in html
