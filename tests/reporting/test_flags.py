"""The words of a history flag (reporting/flags.py): the sentences beside a flagged value, hand-computed."""

from __future__ import annotations

import pytest
from django.utils import translation

from loomlight.calc.validation import Comparison
from loomlight.reporting.flags import comparison_lines, comparison_text, flag_reasons, ratio_text


@pytest.mark.parametrize("value,reference,expected", [
    (1500, 56.136, "27"),      # 26.72: two significant digits, none after the point from 10 on
    (1500, 1.2, "1,250"),      # grouped
    (3.6, 1, "3.6"),
    (3.0, 1, "3"),
    (0.037, 1, "0.037"),
    (0.05, 1, "0.05"),         # not 0.050
    (0, 5, "0"),
])
def test_ratio_has_two_significant_digits(value, reference, expected):
    with translation.override("en"):
        assert ratio_text(value, reference) == expected


def test_each_basis_in_words():
    with translation.override("en"):
        assert comparison_text(Comparison("months", 56.136, 5, "high"), value=1500, unit="GJ") == (
            "27 × the median of the 5 earlier months (56.14 GJ).")
        assert comparison_text({"basis": "last_year", "reference": 200.0, "count": 1, "flag": "high"}, value=6000,
                               unit="m³", period="2025-06") == "30 × the same month last year (200 m³ in 2024-06)."
        assert comparison_text(Comparison("months", 0.0, 3, "high"), value=5, unit="GJ") == (
            "The median of the 3 earlier months is 0 GJ.")
        with pytest.raises(ValueError, match="unknown basis 'peers'"):
            comparison_text(Comparison("peers", 1.0, 5, "high"), value=5, unit="GJ")


def test_only_the_comparisons_that_flagged_are_reasons():
    checked = [Comparison("months", 100.0, 12, "high"), Comparison("last_year", 1000.0, 1, "")]
    with translation.override("en"):
        assert comparison_lines(checked, value=1000, unit="kWh", period="2025-06") == [
            ("10 × the median of the 12 earlier months (100 kWh).", True),
            ("1 × the same month last year (1,000 kWh in 2024-06).", False)]
        assert flag_reasons(checked, value=1000, unit="kWh", period="2025-06") == [
            "10 × the median of the 12 earlier months (100 kWh)."]
