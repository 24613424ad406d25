"""Which discharge limits apply on a sample's day, and why (calc.discharge, pure).

The regulations are the shipped ones (reference/discharge_regulations.csv): Viet Nam's QCVN 13-MT:2015/BTNMT,
superseded on 2025-09-01 by QCVN 40:2025/BTNMT (Circular 06/2025/TT-BTNMT), with QCVN 13-MT:2015 kept until
2031-12-31 for facilities operating before 2025-09-01; the columns and limits are the test's own, so that the
rules are checked whatever the shipped tables hold."""

from __future__ import annotations

import datetime

import pytest

from loomlight.calc import discharge as calc
from loomlight.calc.wastewater import Limit
from loomlight.reference import discharge as reference

OLD, NEW = "vn_qcvn_13mt_2015", "vn_qcvn_40_2025"
CUTOFF = datetime.date(2025, 9, 1)
COLUMNS = (
    calc.Column(OLD, "A", "surface", "A", "domestic water supply"),
    calc.Column(OLD, "B", "surface", "B", "other waters"),
    calc.Column(NEW, "B", "surface", "B", "class B"),
)
LIMITS = {(OLD, "B"): {"cod": Limit("cod", "B", None, 150.0, "mg/L", "all")},
          (OLD, "A"): {"cod": Limit("cod", "A", None, 75.0, "mg/L", "all")},
          (NEW, "B"): {"cod": Limit("cod", "B", None, 100.0, "mg/L", "all")}}


def _codes(found):
    return [(r.code, basis) for r, basis in found]


def test_the_shipped_regulations_carry_the_circulars_dates():
    old, new = reference.regulation(OLD), reference.regulation(NEW)
    assert (old.in_force_until, old.existing_before, old.existing_until) == (CUTOFF, CUTOFF, datetime.date(2031, 12, 31))
    assert (new.in_force_from, new.issued_on) == (CUTOFF, datetime.date(2025, 2, 28))


@pytest.mark.parametrize("day,operating,expected", [
    # before the change every facility meets QCVN 13-MT:2015
    (datetime.date(2025, 8, 31), datetime.date(2010, 1, 1), [(OLD, calc.Basis.IN_FORCE)]),
    (datetime.date(2025, 8, 31), None, [(OLD, calc.Basis.IN_FORCE)]),
    # from 2025-09-01 a facility operating before keeps it (transition), a newer one meets QCVN 40:2025
    (CUTOFF, datetime.date(2010, 1, 1), [(OLD, calc.Basis.TRANSITION)]),
    (CUTOFF, datetime.date(2025, 10, 1), [(NEW, calc.Basis.IN_FORCE)]),
    (CUTOFF, CUTOFF, [(NEW, calc.Basis.IN_FORCE)]),            # "before" the day: the day itself is new
    # the transition ends with 2031-12-31 (inclusive)
    (datetime.date(2031, 12, 31), datetime.date(2010, 1, 1), [(OLD, calc.Basis.TRANSITION)]),
    (datetime.date(2032, 1, 1), datetime.date(2010, 1, 1), [(NEW, calc.Basis.IN_FORCE)]),
    # not recorded when it began operating: both, each on its condition, nothing guessed
    (datetime.date(2026, 3, 1), None, [(OLD, calc.Basis.IF_EXISTING), (NEW, calc.Basis.IF_NEW)]),
])
def test_the_regulation_in_force_on_the_sample_day(day, operating, expected):
    assert _codes(calc.regulations_on(reference.regulations(), "VN", day, operating)) == expected


def test_a_country_without_shipped_regulations_has_none():
    assert calc.regulations_on(reference.regulations(), "ET", datetime.date(2026, 1, 1), None) == []


def test_the_same_result_before_and_after_the_change():
    """COD 120 mg/L to a class B river: within QCVN 13-MT:2015 column B (150, the test's value) on 2025-08-31,
    over QCVN 40:2025 column B (100) on 2025-09-02 for a facility operating since 2025-09-01; an older facility
    keeps 150 within its transition."""
    regs = reference.regulations()
    new_site = calc.Site("VN", "surface", "B", "Đồng Nai river", CUTOFF)
    old_site = calc.Site("VN", "surface", "B", "Đồng Nai river", datetime.date(2012, 5, 1))
    before = calc.national_sets(regs, COLUMNS, LIMITS, new_site, datetime.date(2025, 8, 31))
    after = calc.national_sets(regs, COLUMNS, LIMITS, new_site, datetime.date(2025, 9, 2))
    kept = calc.national_sets(regs, COLUMNS, LIMITS, old_site, datetime.date(2025, 9, 2))
    assert [(s.key, s.limits["cod"].limit_max) for s in before] == [(f"national:{OLD}:B", 150.0)]
    assert [(s.key, s.limits["cod"].limit_max) for s in after] == [(f"national:{NEW}:B", 100.0)]
    assert [(s.key, s.why.basis, s.why.until) for s in kept] == [(f"national:{OLD}:B", calc.Basis.TRANSITION, datetime.date(2031, 12, 31))]


def test_the_column_follows_the_route_and_the_class():
    regs, day = reference.regulations(), datetime.date(2025, 1, 10)
    (a,) = calc.national_sets(regs, COLUMNS, LIMITS, calc.Site("VN", "surface", "a"), day)   # the class is read case-blind
    assert (a.why.column.column, a.limits["cod"].limit_max) == ("A", 75.0)
    (unknown,) = calc.national_sets(regs, COLUMNS, LIMITS, calc.Site("VN", "surface", "C"), day)
    (none,) = calc.national_sets(regs, COLUMNS, LIMITS, calc.Site("VN", "surface", ""), day)
    (cetp,) = calc.national_sets(regs, COLUMNS, LIMITS, calc.Site("VN", "cetp"), day)
    (sewer,) = calc.national_sets(regs, COLUMNS, LIMITS, calc.Site("VN", "sewer"), day)
    (nowhere,) = calc.national_sets(regs, COLUMNS, LIMITS, calc.Site("VN", None), day)
    assert [(s.why.gap, dict(s.limits)) for s in (unknown, none, cetp, sewer, nowhere)] == [
        (calc.Gap.CLASS_UNKNOWN, {}), (calc.Gap.CLASS_NEEDED, {}), (calc.Gap.ROUTE_NOT_COVERED, {}),
        (calc.Gap.ROUTE_NOT_COVERED, {}), (calc.Gap.NO_ROUTE, {})]


def test_a_regulation_in_force_without_shipped_values_says_so():
    (s,) = calc.national_sets(reference.regulations(), COLUMNS, {}, calc.Site("VN", "surface", "B"), datetime.date(2025, 1, 10))
    assert (s.why.gap, s.why.column.column, dict(s.limits)) == (calc.Gap.NOT_SHIPPED, "B", {})


def _permit(key, issued, until, cod):
    return calc.Permit(key, f"{key}/GP", "People's Committee", issued, until, {"cod": Limit("cod", "permit", None, cod, "mg/L", "all")})


def test_the_permit_valid_on_the_day_is_used():
    permits = [_permit("1", datetime.date(2020, 1, 1), datetime.date(2024, 12, 31), 90.0),
               _permit("2", datetime.date(2025, 1, 1), None, 60.0)]
    assert calc.permit_set(permits, datetime.date(2019, 12, 31)) is None
    assert calc.permit_set(permits, datetime.date(2024, 12, 31)).limits["cod"].limit_max == 90.0
    assert calc.permit_set(permits, datetime.date(2025, 1, 1)).limits["cod"].limit_max == 60.0


def test_intake_limits_change_on_their_day_per_parameter():
    rows = [calc.IntakeLimit("cod", datetime.date(2024, 1, 1), Limit("cod", "intake", None, 500.0, "mg/L", "all")),
            calc.IntakeLimit("cod", datetime.date(2026, 1, 1), Limit("cod", "intake", None, 400.0, "mg/L", "all")),
            calc.IntakeLimit("tss", datetime.date(2024, 1, 1), Limit("tss", "intake", None, 200.0, "mg/L", "all"))]
    assert calc.intake_set("9", "Plant", rows, datetime.date(2023, 12, 31)) is None
    late = calc.intake_set("9", "Plant", rows, datetime.date(2025, 12, 31))
    now = calc.intake_set("9", "Plant", rows, datetime.date(2026, 1, 1))
    assert {p: l.limit_max for p, l in late.limits.items()} == {"cod": 500.0, "tss": 200.0}
    assert {p: l.limit_max for p, l in now.limits.items()} == {"cod": 400.0, "tss": 200.0}
    assert now.why.since == datetime.date(2026, 1, 1)


def test_stricter_compares_maxima_and_minima_in_one_unit():
    def lim(lo, hi, unit="mg/L"):
        return Limit("x", "l", lo, hi, unit, "all")
    assert calc.stricter(lim(None, 60), lim(None, 100))
    assert not calc.stricter(lim(None, 100), lim(None, 100))
    assert calc.stricter(lim(6.0, 9.0, "pH"), lim(5.5, 9.0, "pH"))
    assert not calc.stricter(lim(None, 60), lim(None, 100, "°C"))
    assert not calc.stricter(lim(None, 60), None)
