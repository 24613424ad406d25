"""calc's messages (pure, English) in the reader's language at the edge: site/calc_messages.py (issue 14, 7).

calc's errors carry an English text for the analysts' command and a key with parameters for the platform; the
platform's English must be calc's own word for word, and its translations must reach the form, the API and the
Excel import alike.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from loomlight.calc.fuels import FuelError, Property, energy_per_unit, fuel_energy, property_quantity
from loomlight.calc.units import UnitError, parse_number, parse_unit, to_canonical
from loomlight.reporting import services as reporting
from loomlight.reporting.models import ActivityValue
from loomlight.site.calc_messages import calc_message
from tests.site.catalogues import install

NCV = Property(43.0, "GJ/t")

#: Every message of calc.units and calc.fuels that reaches a reader, raised as calc raises it.
RAISED = [
    lambda: parse_unit("furlongs"),
    lambda: parse_unit("m**5"),
    lambda: parse_unit("k" * 40),
    lambda: parse_unit("   "),
    lambda: parse_unit("tons"),
    lambda: parse_number(True),
    lambda: parse_number("abc"),
    lambda: parse_number(object()),
    lambda: parse_number("inf"),
    lambda: to_canonical(-3, "kWh", "kWh"),
    lambda: to_canonical(5, "kg", "kWh"),
    lambda: property_quantity(Property(-1, "GJ/t"), "ncv"),
    lambda: property_quantity(Property(0, "kg/L"), "density"),
    lambda: property_quantity(Property(1, "kg"), "ncv"),
    lambda: property_quantity(Property(1, "GJ"), "density"),
    lambda: energy_per_unit("kWh", ncv=NCV),
    lambda: energy_per_unit("L", ncv=NCV),
    lambda: fuel_energy(-2.5, "t", ncv=NCV),
]


@pytest.mark.parametrize("raise_it", RAISED)
def test_the_platforms_english_is_calcs_own_word_for_word(raise_it):
    with pytest.raises((UnitError, FuelError)) as caught:
        raise_it()
    with translation.override("en"):
        assert calc_message(caught.value) == str(caught.value)
        assert caught.value.key != "" and calc_message(caught.value) != ""


def test_a_value_too_large_once_converted_names_it_without_309_digits():
    with pytest.raises(UnitError) as caught:
        to_canonical(1e308, "MWh", "kWh")
    with translation.override("en"):
        assert calc_message(caught.value) == "1E308 MWh is too large: in kWh it is beyond the largest number stored."


def test_the_form_api_and_import_path_speaks_the_readers_language(world, settings, tmp_path):
    # given Vietnamese words for two of calc's messages and the dimensions they name
    install(settings, tmp_path, "vi", {
        "“%(value)s” is not a number: write digits with a point for decimals, e.g. %(example)s.":
            "“%(value)s” không phải là số: viết chữ số, dùng dấu chấm cho phần thập phân, ví dụ %(example)s.",
        "“%(unit)s” measures %(measures)s, but this value is %(expected)s (in %(canonical)s).":
            "“%(unit)s” đo %(measures)s, nhưng giá trị này là %(expected)s (tính bằng %(canonical)s).",
        ("dimension", "mass"): "khối lượng", ("dimension", "energy"): "năng lượng",
    })
    month = datetime.date(2025, 1, 1)
    with translation.override("vi"):
        # when a Vietnamese reader enters "abc", then kilograms of electricity (the service every path calls)
        with pytest.raises(ValidationError) as number:
            reporting.activity_value_set(by=world.users["manager"], facility=world.own, period=month,
                                         metric="electricity_grid", value="abc", unit="kWh")
        with pytest.raises(ValidationError) as unit:
            reporting.activity_value_set(by=world.users["manager"], facility=world.own, period=month,
                                         metric="electricity_grid", value="5", unit="kg")
    # then both are refused in Vietnamese, naming the field, and nothing is stored
    assert number.value.message_dict == {"value": [
        "“abc” không phải là số: viết chữ số, dùng dấu chấm cho phần thập phân, ví dụ 1234.5."]}
    assert unit.value.message_dict == {"unit": ["“kg” đo khối lượng, nhưng giá trị này là năng lượng (tính bằng kWh)."]}
    assert not ActivityValue.objects.filter(facility=world.own).exists()


def test_units_in_words_are_in_the_readers_language(settings, tmp_path):
    from loomlight.site.units import unit_label

    install(settings, tmp_path, "vi", {("unit", "person"): "người", ("unit", "piece"): "chiếc", ("unit", "hour"): "giờ"})
    with translation.override("vi"):
        assert [unit_label(u) for u in ("person", "hour", "t CO2e/piece", "kWh", "m³")] == [
            "người", "giờ", "t CO2e/chiếc", "kWh", "m³"]
    with translation.override("en"):
        assert unit_label("person") == "person"
