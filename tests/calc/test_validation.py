"""History and peer flags, completeness, hand-computed."""

import pytest

from loomlight.calc.validation import MIN_PEERS, completeness, history_flag, missing_months, peer_flag

TWELVE = [100, 110, 90, 100, 105, 95, 100, 100, 120, 80, 100, 100]  # median = 100


@pytest.mark.parametrize("value,expected", [
    (300, ""),       # 3.0 x median: at the bound, not above it
    (300.1, "high"),
    (34, ""),        # 0.34 x median: above 1/3 (33.33...)
    (33, "low"),
    (0, "low"),
    (100, ""),
])
def test_history_flag_against_the_trailing_median(value, expected):
    assert history_flag(value, TWELVE) == expected


def test_only_the_last_twelve_months_count():
    history = [10_000] * 24 + TWELVE  # an old, very different level does not shift the median
    assert history_flag(250, history) == ""
    assert history_flag(301, history) == "high"


def test_too_little_history_gives_no_flag():
    assert history_flag(10_000, [1, 1, 1, 1, 1]) == ""
    assert history_flag(10_000, [1, 1, 1, 1, 1, 1]) == "high"


def test_zero_median():
    assert history_flag(5, [0] * 12) == "high"
    assert history_flag(0, [0] * 12) == ""


def test_completeness_and_missing_months():
    reported = {(2025, m) for m in (1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12)} | {(2024, 4)}
    assert completeness(reported, 2025) == pytest.approx(11 / 12)
    assert missing_months(reported, 2025) == [4]
    assert completeness(reported, 2025, through_month=3) == 1.0
    with pytest.raises(ValueError):
        completeness(reported, 2025, through_month=13)


# --- intensity against peers ---------------------------------------------------


@pytest.mark.parametrize("value,expected", [
    (3.0, ""),      # peers 0.5, 1, 1, 2, 4: median 1; 3 = 3 x median is not above it
    (3.01, "high"),
    (1 / 3, ""),
    (0.33, "low"),  # below 1/3 of the median
])
def test_peer_flag_against_the_peers_median(value, expected):
    assert peer_flag(value, [0.5, 1.0, 1.0, 2.0, 4.0]) == expected


def test_too_few_peers_or_no_value_gives_no_flag():
    assert MIN_PEERS == 5
    assert peer_flag(100.0, [1.0] * (MIN_PEERS - 1)) == ""
    assert peer_flag(None, [1.0] * 10) == ""
    assert peer_flag(100.0, [1.0] * MIN_PEERS) == "high"


def test_peer_zero_median_flags_only_positive_values():
    assert peer_flag(0.1, [0.0] * 6) == "high"
    assert peer_flag(0.0, [0.0] * 6) == ""
