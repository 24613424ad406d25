"""Chemical conformance share, hand-computed."""

import datetime

import pytest

from loomlight.calc.chemicals import DeclarationState, ProductUse, conformant_share, declaration_state

ON = datetime.date(2025, 6, 30)
USES = [
    ProductUse("Reactive Red", 600.0, 2, True, datetime.date(2026, 1, 31)),   # valid
    ProductUse("Softener X", 250.0, 1, True, datetime.date(2025, 3, 31)),     # expired
    ProductUse("Levelling agent", 100.0, 3, False, None),                    # claimed, no declaration on file
    ProductUse("Salt", 50.0, 0, False, None),                                # no conformance claimed
]


def test_states():
    assert [declaration_state(u, ON) for u in USES] == [
        DeclarationState.VALID, DeclarationState.EXPIRED, DeclarationState.MISSING, DeclarationState.NONE]


def test_share_by_mass():
    # 600 kg of 1,000 kg used carry a valid declaration: 60 %
    assert conformant_share(USES, ON) == pytest.approx(0.6)
    # on 2025-03-31 the softener's declaration is still valid: (600 + 250) / 1,000
    assert conformant_share(USES, datetime.date(2025, 3, 31)) == pytest.approx(0.85)
    assert conformant_share([], ON) is None
