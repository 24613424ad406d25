"""Targets, progress, projections and reductions, hand-computed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loomlight.calc.targets import TargetError, linear_target, progress, projection, reductions


def test_linear_path_at_4_2_percent_a_year():
    # base 2020: 1,000 t; 4.2 % of the base a year: 2025 = 1,000 x (1 - 0.042 x 5) = 790 t; 2030 = 580 t
    path = linear_target(2020, 1000, 0.042, 2030)
    assert path.values[2020] == 1000
    assert path.values[2025] == pytest.approx(790)
    assert path.values[2030] == pytest.approx(580)
    assert "0.042" in path.formula


def test_path_never_goes_below_zero():
    # 10 % a year reaches zero after 10 years and stays there
    path = linear_target(2020, 500, 0.10, 2035)
    assert path.values[2030] == pytest.approx(0) and path.values[2035] == 0


def test_progress_against_the_path():
    path = linear_target(2020, 1000, 0.042, 2030)
    # 2025: target 790; actual 850 is 60 t behind; planned reduction 210, made 150: 71.4 %
    p = progress(path, 2025, 850)
    assert (p.target, p.gap, p.on_track) == (pytest.approx(790), pytest.approx(60), False)
    assert p.achieved == pytest.approx(150 / 210)
    assert progress(path, 2025, 780).on_track
    # the base year plans no reduction yet: nothing to achieve
    assert progress(path, 2020, 1000).achieved is None


def test_projection_is_the_least_squares_line():
    # 2021: 100, 2022: 90, 2023: 80 lie on a line: -10 a year; 2026 = 50
    p = projection({2021: 100, 2022: 90, 2023: 80}, 2026)
    assert p.slope == pytest.approx(-10)
    assert p.values[2026] == pytest.approx(50)
    # 2021: 100, 2022: 80, 2023: 90: slope = sum((x - 2022)(y - 90)) / sum((x - 2022)^2) = (-10 + 0) / 2 = -5
    assert projection({2021: 100, 2022: 80, 2023: 90}, 2024).slope == pytest.approx(-5)
    # floored at zero
    assert projection({2021: 20, 2022: 10}, 2025).values[2025] == 0


def test_reductions_over_a_programme_period():
    # a frozen baseline of 1,000 t a year against 950, 900, 850 t: 50 + 100 + 150 = 300 t reduced
    r = reductions({2026: 1000, 2027: 1000, 2028: 1000, 2029: 1000}, {2026: 950, 2027: 900, 2028: 850})
    assert r.by_year == {2026: 50, 2027: 100, 2028: 150}
    assert r.total == 300


@pytest.mark.parametrize("args", [(2020, -1, 0.042, 2030), (2020, 100, 0, 2030), (2020, 100, 1.5, 2030), (2020, 100, 0.04, 2019)])
def test_bad_targets_are_refused(args):
    with pytest.raises(TargetError):
        linear_target(*args)


def test_bad_projections_are_refused():
    with pytest.raises(TargetError):
        projection({2021: 1}, 2030)
    with pytest.raises(TargetError):
        reductions({2020: 1}, {2021: 1})


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False), st.floats(min_value=0.001, max_value=0.2))
def test_path_scales_with_the_base_value(base, rate):
    one, two = linear_target(2020, base, rate, 2030), linear_target(2020, 2 * base, rate, 2030)
    assert all(two.values[y] == pytest.approx(2 * one.values[y]) for y in one.values)
