"""reference/biomass_schemes.csv: every scheme sourced, scopes valid, the woody flag selecting them, a bad edit
refused naming the line and the column."""

from __future__ import annotations

import pytest

from loomlight.reference import biomass_schemes
from loomlight.reference.biomass_schemes import SchemeFileError, _parse

HEADER = "code,name,applies_to,what,source,year,checked"


def test_the_five_schemes_of_the_issue_are_shipped_each_with_a_source_and_year():
    schemes = biomass_schemes.schemes()
    assert [s.code for s in schemes] == ["SBP", "FSC", "PEFC", "RSB", "GGL"]
    assert all(s.source and s.year >= 2014 and s.checked for s in schemes)


def test_woody_biomass_may_hold_every_scheme_and_other_biomass_only_those_for_any():
    assert [s.code for s in biomass_schemes.for_type(True)] == ["SBP", "FSC", "PEFC", "RSB", "GGL"]
    assert [s.code for s in biomass_schemes.for_type(False)] == ["RSB", "GGL"]


@pytest.mark.parametrize("row, message", [
    ("X,Name,wood,,Some source,2023,read", "line 2, column applies_to: 'wood' is not one of ('woody', 'any')"),
    ("X,Name,any,,,2023,read", "line 2, column source: empty"),
    ("X,Name,any,,Some source,twenty,read", "line 2, column year: 'twenty' is not a year"),
])
def test_a_bad_edit_is_refused_naming_the_line_and_column(row, message):
    with pytest.raises(SchemeFileError) as refused:
        _parse(f"{HEADER}\n{row}\n")
    assert str(refused.value) == f"biomass_schemes.csv, {message}"
