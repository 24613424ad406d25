"""History and peer flags, completeness, hand-computed."""

import pytest

from loomlight.calc.validation import (
    HIGH_FACTOR,
    LAST_YEAR,
    LOW_FACTOR,
    MIN_HISTORY,
    MIN_PEERS,
    MONTHS,
    WINDOW_MONTHS,
    Comparison,
    HistoryCheck,
    completeness,
    history_check,
    missing_months,
    month_index,
    peer_flag,
)

JUNE = month_index(2025, 6)
TWELVE = [100, 110, 90, 100, 105, 95, 100, 100, 120, 80, 100, 100]  # median = 100


def before(month: int, values: list[float]) -> dict[int, float]:
    """{month index: value} for ``values``, the last one the month just before ``month``."""
    return {month - len(values) + i: v for i, v in enumerate(values)}


def test_the_rule_and_its_defaults():
    # Loomlight's own rule, stated in calc/validation.py and docs/data-sources.md
    assert (HIGH_FACTOR, LOW_FACTOR, MIN_HISTORY, WINDOW_MONTHS) == (3.0, 1 / 3, 3, 12)


@pytest.mark.parametrize("value,expected", [
    (300, ""),       # 3.0 x median: at the bound, not above it
    (300.1, "high"),
    (34, ""),        # 0.34 x median: above 1/3 (33.33...)
    (33, "low"),
    (0, "low"),
    (100, ""),
])
def test_against_the_median_of_the_earlier_months(value, expected):
    # the same month last year (TWELVE[0] = 100) agrees with the median: both comparisons say the same
    check = history_check(value, JUNE, before(JUNE, TWELVE))
    assert check.flag == expected
    assert check.comparisons[0] == Comparison(MONTHS, 100, 12, expected)


def test_only_the_twelve_months_before_count():
    history = before(month_index(2024, 6), [10_000] * 24) | before(JUNE, TWELVE)   # an old level does not shift the median
    assert history_check(250, JUNE, history).flag == ""
    assert history_check(301, JUNE, history).flag == "high"
    assert history_check(301, JUNE, history | {JUNE: 301, JUNE + 1: 5}).comparisons[0].count == 12  # the month itself and later ones are ignored


def test_the_unit_trap_after_five_months_is_flagged():
    # given five months of diesel of about 56 GJ (1,500 L / 1,149 L/t x 43 GJ/t = 56.1 GJ, the month)
    history = before(JUNE, [56.1, 55.0, 57.3, 56.8, 54.9])
    # when 1,500 is stored as GJ (typed as litres, with the unit left at GJ)
    check = history_check(1500, JUNE, history)
    # then it is flagged high against the median of the five, 56.1 GJ (1,500 / 56.1 = 26.7 times)
    assert check == HistoryCheck("high", (Comparison(MONTHS, 56.1, 5, "high"),))
    # and 1,500 L converted (56.1 GJ) is not
    assert history_check(56.1, JUNE, history).flag == ""


def test_three_earlier_months_are_enough_two_are_not():
    assert history_check(10_000, JUNE, before(JUNE, [1, 1])) == HistoryCheck("", ())
    assert history_check(10_000, JUNE, before(JUNE, [1, 1, 1])) == HistoryCheck("high", (Comparison(MONTHS, 1, 3, "high"),))
    # gaps do not matter: three months reported among the twelve before
    assert history_check(10_000, JUNE, {JUNE - 11: 1, JUNE - 5: 1, JUNE - 2: 1}).flag == "high"
    assert history_check(10_000, JUNE, {JUNE - 13: 1, JUNE - 5: 1, JUNE - 2: 1}).flag == ""   # 13 months back: outside


def test_thirty_times_the_same_month_last_year_with_that_one_value():
    # given only June 2024 reported (200 m³)
    history = {month_index(2024, 6): 200.0}
    # when June 2025 is 30 times it
    check = history_check(6000, JUNE, history)
    # then the seasonal comparison flags it, alone
    assert check == HistoryCheck("high", (Comparison(LAST_YEAR, 200.0, 1, "high"),))
    assert history_check(600, JUNE, history).flag == ""       # 3 x: at the bound
    assert history_check(66, JUNE, history).flag == "low"     # below 1/3 (66.7)
    assert history_check(6000, JUNE, {month_index(2024, 5): 200.0}).flag == ""   # May is not the same month


def test_with_both_comparisons_both_must_find_the_value_far():
    # a strongly seasonal series: 1,000 every June, 100 the other months
    history = before(JUNE, [1000] + [100] * 11)
    # far from the median of the twelve months, like last June: seasonal, not flagged
    assert history_check(1000, JUNE, history) == HistoryCheck(
        "", (Comparison(MONTHS, 100, 12, "high"), Comparison(LAST_YEAR, 1000, 1, "")))
    # last June was typed 30 times too large: this June, like the recent months, is not flagged against it
    assert history_check(300, JUNE, before(JUNE, [9000] + [300] * 11)) == HistoryCheck(
        "", (Comparison(MONTHS, 300, 12, ""), Comparison(LAST_YEAR, 9000, 1, "low")))
    # far from both: flagged, in the direction of the months' comparison
    assert history_check(27_000, JUNE, before(JUNE, [1000] + [100] * 11)) == HistoryCheck(
        "high", (Comparison(MONTHS, 100, 12, "high"), Comparison(LAST_YEAR, 1000, 1, "high")))
    assert history_check(1000, JUNE, before(JUNE, [10_000] + [100] * 11)).flag == "high"   # 10 x and 1/10: far from both


def test_zero_median_and_zero_last_year():
    assert history_check(5, JUNE, before(JUNE, [0] * 12)).flag == "high"
    assert history_check(0, JUNE, before(JUNE, [0] * 12)).flag == ""
    # a fuel not used last June is no reference for this June: no seasonal comparison
    assert history_check(5, JUNE, {month_index(2024, 6): 0.0}) == HistoryCheck("", ())


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
