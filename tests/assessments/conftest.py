"""Fixtures of the assessments tests: the test framework published, and a complete set of answers to it."""

from __future__ import annotations

from pathlib import Path

import pytest

MINI = Path(__file__).parents[1] / "calc" / "frameworks" / "mini.yaml"

#: A complete self-assessment of tests/calc/frameworks/mini.yaml for a dyehouse (wet processing: the water
#: section applies). Hand-scored:
#:   ems: foundational policy 10/10 = 1; intermediate targets 10/10 = 1 (target_year earns nothing);
#:        aspirational certified 6/10 = 0.6 -> (25 × 1 + 50 × 1 + 25 × 0.6) / 100 = 90 %
#:   water: metered 10/10, recycled 35 % ≥ 30 -> 10/10, sources 5/5 -> 100 %
#:   total, weights ems 1 and water 3: (1 × 90 + 3 × 100) / 4 = 97.5 %; level reached intermediate (the
#:   aspirational certified earns 6 of 10).
COMPLETE = {
    "ems.policy": "yes",
    "ems.targets": "all",
    "ems.target_year": "2025-03-01",
    "ems.certified": "iso14001",
    "water.metered": "yes",
    "water.recycled": "35",
    "water.sources": [{"source": "ground", "volume": "1000"}],
}


@pytest.fixture
def mini(db):
    from loomlight.assessments.services import framework_publish

    return framework_publish(text=MINI.read_text(encoding="utf-8"), file_name="mini.yaml")


@pytest.fixture
def pdf_file():
    from django.core.files.uploadedfile import SimpleUploadedFile

    def make(name="policy.pdf"):
        return SimpleUploadedFile(name, b"%PDF-1.4\n% signed policy\n", content_type="application/pdf")
    return make
