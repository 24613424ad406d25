"""Every number a template writes is grouped in the reader's format: ``floatformat`` with the "g" suffix (Django's
format modules, fed from CLDR: site/numbers.py) or ``|number``; "4442.7" was written ungrouped in every language."""

from __future__ import annotations

import re
from pathlib import Path

import loomlight
from loomlight.inventories.views import FACILITY_COLUMNS, MONTH_COLUMNS, PROCESS_COLUMNS

TEMPLATES = sorted(Path(loomlight.__file__).parent.glob("**/templates/**/*.html"))


def test_every_literal_floatformat_of_a_template_groups_digits():
    ungrouped = [f"{path.name}: {m.group(0)}" for path in TEMPLATES
                 for m in re.finditer(r'floatformat:("?)(-?\d+)\1(?!g)', path.read_text(encoding="utf-8"))
                 if not m.group(0).endswith('g"')]
    assert len(TEMPLATES) > 20 and ungrouped == []


def test_the_emissions_tables_columns_group_digits():
    digits = [c.digits for c in (*MONTH_COLUMNS, *FACILITY_COLUMNS, *PROCESS_COLUMNS)]
    assert [d for d in digits if d != "%" and not d.endswith("g")] == []
