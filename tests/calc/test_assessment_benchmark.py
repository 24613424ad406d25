"""Percentile rank and distribution of a score among its peers (calc.assessment.benchmark)."""

import pytest

from loomlight.calc.assessment.benchmark import distribution, percentile, size_band


def test_mid_rank_percentile_by_hand():
    # 2 peers below 61, 1 equal, 2 above: (2 + 0.5 × 1) / 5 = 50 % (Hyndman & Fan 1996, definition 5)
    assert percentile(61.0, [40.0, 55.0, 61.0, 70.0, 90.0]) == 50.0
    # above all five: 5 / 5 = 100 %; below all: 0 %
    assert percentile(95.0, [40.0, 55.0, 61.0, 70.0, 90.0]) == 100.0
    assert percentile(10.0, [40.0, 55.0, 61.0, 70.0, 90.0]) == 0.0
    # six peers, 3 below and 2 equal: (3 + 1) / 6 = 66.67 %
    assert percentile(50.0, [10.0, 20.0, 30.0, 50.0, 50.0, 80.0]) == pytest.approx(400 / 6)


def test_no_benchmark_below_five_peers():
    assert percentile(61.0, [40.0, 55.0, 70.0, 90.0]) is None
    assert distribution([40.0, 55.0, 70.0, 90.0]) == ()


def test_distribution_counts_each_bin_and_puts_100_in_the_last():
    bins = distribution([0.0, 9.99, 10.0, 55.0, 100.0, 99.0])
    assert len(bins) == 10
    assert [n for _lo, _hi, n in bins] == [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]
    assert bins[0][:2] == (0.0, 10.0) and bins[-1][:2] == (90.0, 100.0)


@pytest.mark.parametrize("headcount, band", [(0, None), (None, None), (1, "small"), (499, "small"), (500, "medium"),
                                             (1999, "medium"), (2000, "large"), (12000, "large")])
def test_size_bands(headcount, band):
    assert size_band(headcount) == band
