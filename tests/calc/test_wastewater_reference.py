"""The shipped wastewater limits: every row sourced and verified, and internally consistent.

Spot values are checked against ZDHC Wastewater Guidelines V2.2 (September 2024),
Table 3 (conventional parameters, textile, direct discharge) and Table 2 (metals),
as recorded in docs/sources/wastewater-limits.md.
"""

from __future__ import annotations

import csv
from importlib import resources

import pytest

LEVEL_ORDER = {"zdhc_wwg": ["foundational", "progressive", "aspirational"]}


def _rows(name):
    with resources.files("loomlight.reference").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


LIMITS = _rows("wastewater_limits.csv")
PARAMETERS = {row["code"]: row for row in _rows("wastewater_parameters.csv")}


def _limit(standard, level, parameter):
    [row] = [r for r in LIMITS if (r["standard"], r["level"], r["parameter"]) == (standard, level, parameter)]
    return row


def test_every_limit_is_sourced_verified_and_refers_to_a_known_parameter():
    assert LIMITS
    for row in LIMITS:
        assert row["source"] and row["table"] and row["year"].isdigit(), row
        assert row["verified"] == "primary", row
        assert row["parameter"] in PARAMETERS, row
        assert row["unit"] == PARAMETERS[row["parameter"]]["unit"], row
        assert row["limit_min"] or row["limit_max"], row
        for bound in ("limit_min", "limit_max"):
            if row[bound]:
                float(row[bound])


def test_one_limit_per_standard_version_level_parameter_and_applicability():
    keys = [(r["standard"], r["version"], r["level"], r["parameter"], r["applies_to"]) for r in LIMITS]
    assert len(keys) == len(set(keys))


def test_stricter_levels_are_never_looser():
    for standard, levels in LEVEL_ORDER.items():
        for parameter in {r["parameter"] for r in LIMITS if r["standard"] == standard}:
            maxima = [_limit(standard, level, parameter)["limit_max"] for level in levels]
            if all(maxima):
                values = [float(v) for v in maxima]
                assert values == sorted(values, reverse=True), (parameter, values)


@pytest.mark.parametrize("level,parameter,limit_max", [
    # ZDHC WWG V2.2 Table 3 (textile): COD 150 / 80 / 40 mg/L; BOD5 30 / 15 / 8 mg/L; TSS 50 / 15 / 5 mg/L
    ("foundational", "cod", 150), ("progressive", "cod", 80), ("aspirational", "cod", 40),
    ("foundational", "bod5", 30), ("aspirational", "bod5", 8),
    ("foundational", "tss", 50), ("aspirational", "tss", 5),
    # ZDHC WWG V2.2 Table 2: zinc 5 / 1 / 0.5 mg/L
    ("foundational", "zinc", 5), ("progressive", "zinc", 1), ("aspirational", "zinc", 0.5),
])
def test_zdhc_spot_values(level, parameter, limit_max):
    assert float(_limit("zdhc_wwg", level, parameter)["limit_max"]) == limit_max


def test_ph_is_a_range():
    row = _limit("zdhc_wwg", "foundational", "ph")
    assert (float(row["limit_min"]), float(row["limit_max"])) == (6.0, 9.0)
