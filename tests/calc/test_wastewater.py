"""Lab results against limits; below-detection-limit results are never zero by accident."""

import pytest

from loomlight.calc.wastewater import Limit, Outcome, Result, applicable, assess, overall

COD = Limit("cod", "foundational", None, 150.0, "mg/L", "direct")
PH = Limit("ph", "foundational", 6.0, 9.0, "pH", "direct")
DO = Limit("dissolved_oxygen", "foundational", 4.0, None, "mg/L", "direct")
CD = Limit("cadmium", "foundational", None, 0.1, "mg/L", "all")


@pytest.mark.parametrize("result,limit,expected", [
    (Result("cod", 149.9, "mg/L"), COD, Outcome.PASS),
    (Result("cod", 150.0, "mg/L"), COD, Outcome.PASS),      # at the limit meets it
    (Result("cod", 150.1, "mg/L"), COD, Outcome.FAIL),
    (Result("ph", 5.9, "pH"), PH, Outcome.FAIL),
    (Result("ph", 9.1, "pH"), PH, Outcome.FAIL),
    (Result("ph", 7.2, "pH"), PH, Outcome.PASS),
    # below a detection limit of 0.05 mg/L: the true value is under 0.05 <= 0.1, so it passes
    (Result("cadmium", None, "mg/L", 0.05, True), CD, Outcome.PASS),
    # below a detection limit of 0.2 mg/L: the true value may be 0.15 > 0.1: cannot tell
    (Result("cadmium", None, "mg/L", 0.2, True), CD, Outcome.INCONCLUSIVE),
    # dissolved oxygen must be at least 4 mg/L: "< 2 mg/L" fails, "< 5 mg/L" cannot tell
    (Result("dissolved_oxygen", None, "mg/L", 2.0, True), DO, Outcome.FAIL),
    (Result("dissolved_oxygen", None, "mg/L", 5.0, True), DO, Outcome.INCONCLUSIVE),
    (Result("cod", 80, "mg/L"), None, Outcome.NO_LIMIT),
])
def test_assess(result, limit, expected):
    assert assess(result, limit) == expected


def test_unit_mismatch_and_missing_detection_limit_are_errors():
    with pytest.raises(ValueError, match="convert at the door"):
        assess(Result("cod", 80, "g/m3"), COD)
    with pytest.raises(ValueError, match="needs the detection limit"):
        assess(Result("cadmium", None, "mg/L", None, True), CD)


def test_indirect_dischargers_meet_only_limits_for_all():
    limits = [COD, CD]
    assert set(applicable(limits, direct_discharge=True)) == {("cod", "foundational"), ("cadmium", "foundational")}
    assert set(applicable(limits, direct_discharge=False)) == {("cadmium", "foundational")}


def test_overall_verdict():
    assert overall([Outcome.PASS, Outcome.NO_LIMIT]) == Outcome.PASS
    assert overall([Outcome.PASS, Outcome.INCONCLUSIVE]) == Outcome.INCONCLUSIVE
    assert overall([Outcome.INCONCLUSIVE, Outcome.FAIL]) == Outcome.FAIL
    assert overall([Outcome.NO_LIMIT]) is None


def test_shipped_limits_load_with_their_version():
    from loomlight.reference.wastewater import limits, parameters, version

    assert version() == "2.2"
    assert all(l.parameter in parameters() for l in limits())
    cod = {l.level: l.limit_max for l in limits() if l.parameter == "cod"}
    assert cod == {"foundational": 150.0, "progressive": 80.0, "aspirational": 40.0}  # ZDHC WWG V2.2 Table 3
