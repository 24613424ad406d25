"""One locale-aware number formatter (site/numbers.py), from the Unicode CLDR through Babel.

Expected values are CLDR 49's (Babel 2.19, pinned): the "latn" number symbols of
https://github.com/unicode-org/cldr/blob/release-49/common/main/{vi,km,th,en}.xml: Vietnamese decimal "," and
group "."; Khmer, Thai and English decimal "." and group ","; all four the pattern #,##0.### (groups of three).
Django's own formats for vi and km (django/conf/locale/{vi,km}/formats.py) set no NUMBER_GROUPING, so
``floatformat:"0g"`` wrote 12118877 there, and give Khmer "," for decimals: the pages take CLDR's.
"""

from __future__ import annotations

import json

import pytest
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation

from loomlight.site.numbers import chart_format, month_names, number

#: language: (12,118,877 grouped; 29.504261 with six decimals; the separators)
CLDR = {
    "en": ("12,118,877", "29.504261", ".", ","),
    "vi": ("12.118.877", "29,504261", ",", "."),
    "km": ("12,118,877", "29.504261", ".", ","),
    "th": ("12,118,877", "29.504261", ".", ","),
}


@pytest.mark.parametrize("language", CLDR)
def test_numbers_are_grouped_and_separated_as_cldr_writes_them(language):
    grouped, decimals, decimal, group = CLDR[language]
    # given the one formatter and Django's floatformat (fed from the same CLDR data), in each language
    with translation.override(language):
        # then both write a large number with groups and a fraction with the language's decimal separator
        assert number(12118877) == grouped
        assert floatformat(12118877.4, "0g") == grouped
        assert number(29.504261, max_decimals=6) == decimals
        assert floatformat(29.504261, "-6g") == decimals
        assert chart_format()["decimal"] == decimal and chart_format()["group"] == group


@pytest.mark.parametrize("value,written", [
    (1254960.4, "1,254,960"),      # six significant digits, yet every integer digit: never 1.25496e+06
    (-618.74832, "-618.748"),
    (0.0011435759999, "0.00114358"),   # never 1.14358e-03
    (29.5042608, "29.5043"),
    (1000.0, "1,000"),
    (0.0, "0"),
    (-0.00000000000001, "0"),      # rounds to zero: never "-0"
    (2.5e-13, "0"),                # below the twelfth decimal
    (1e308, "1E308"),              # 10^15 and more: an exponent (only messages about values too large to store)
])
def test_the_default_is_six_significant_digits_without_an_exponent(value, written):
    assert number(value, language="en") == written


def test_fixed_and_at_most_decimals_round_half_up():
    # 204.35 to one decimal is 204.4 (half up, as by hand; Python's round() would give 204.3 for the binary 204.35)
    assert number(204.35, decimals=1, language="en") == "204.4"
    assert number(2.5, decimals=0, language="vi") == "3"
    assert number(3.1, decimals=3, language="vi") == "3,100"
    assert number(3.1, max_decimals=3, language="vi") == "3,1"
    assert number(None) == ""


def test_month_names_are_cldr_abbreviations_in_each_language():
    # CLDR 49 gregorian months, format context, abbreviated
    assert month_names("en")[:3] == ["Jan", "Feb", "Mar"]
    assert month_names("vi")[0] == "thg 1"
    assert month_names("km")[:3] == ["មករា", "កុម្ភៈ", "មីនា"]   # not English, as Chromium's own tables gave
    assert month_names("th")[0] == "ม.ค."


def test_every_page_gives_its_charts_the_number_format_and_month_names(client, world):
    # given a Khmer reader on a page with charts
    client.force_login(world.users["manager"])
    client.cookies["django_language"] = "km"
    body = client.get(reverse("reporting:dashboard", args=[world.own.pk])).content.decode()
    # then the page carries CLDR's separators and Khmer month names for dashboard.js
    block = body.split('<script id="number-format" type="application/json">')[1].split("</script>")[0]
    data = json.loads(block)
    assert (data["language"], data["decimal"], data["group"]) == ("km", ".", ",")
    assert data["months"][0] == "មករា" and len(data["months"]) == 12
