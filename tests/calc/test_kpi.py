"""KPIs, hand-computed."""

import pytest

from loomlight.calc.kpi import energy_gj, intensity, renewable_electricity_share, share, yoy_change


def test_energy_in_gj():
    assert energy_gj(1000, "kWh") == pytest.approx(3.6)  # 1 kWh = 3.6 MJ (SI Brochure 9th ed.)
    assert energy_gj(2.5, "GJ") == 2.5


def test_intensity_and_share_refuse_a_zero_base():
    assert intensity(150_000, 60_000) == 2.5
    assert intensity(1, 0) is None and intensity(None, 5) is None
    assert share(25, 100) == 0.25


def test_year_on_year():
    assert yoy_change(90, 100) == pytest.approx(-0.10)
    assert yoy_change(5, 0) is None


def test_renewable_share():
    # 15,000 kWh solar of 15,000 + 85,000 kWh used = 15 %
    assert renewable_electricity_share({"electricity_grid": 85_000, "electricity_solar_self_consumed": 15_000}) == pytest.approx(0.15)
    assert renewable_electricity_share({}) is None
