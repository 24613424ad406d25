"""Chemical inventory KPIs: the share of chemical mass covered by a valid ZDHC MRSL
conformance declaration, and the products whose declaration is missing or expired."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class DeclarationState(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    MISSING = "missing"      # a conformance level is claimed without a declaration on file
    NONE = "none"            # no conformance claimed


@dataclass(frozen=True)
class ProductUse:
    product: str
    quantity_kg: float                 # used in the period [kg]
    mrsl_level: int                    # 0 = no conformance declared, 1..3 = declared level
    declaration_on_file: bool
    declaration_valid_until: datetime.date | None


def declaration_state(use: ProductUse, on: datetime.date) -> DeclarationState:
    if use.mrsl_level == 0:
        return DeclarationState.NONE
    if not use.declaration_on_file or use.declaration_valid_until is None:
        return DeclarationState.MISSING
    return DeclarationState.VALID if on <= use.declaration_valid_until else DeclarationState.EXPIRED


def conformant_share(uses: Iterable[ProductUse], on: datetime.date) -> float | None:
    """Mass share [0..1] of the chemicals used that have an MRSL conformance level of 1 or more
    backed by a declaration valid on ``on``; None when no mass was used.

    share = Σ quantity_kg (valid declaration) / Σ quantity_kg
    """
    uses = list(uses)
    total = sum(u.quantity_kg for u in uses)
    if total == 0:
        return None
    covered = sum(u.quantity_kg for u in uses if declaration_state(u, on) == DeclarationState.VALID)
    return covered / total
