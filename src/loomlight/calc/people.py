"""Workforce figures disaggregated by sex."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Headcount:
    """Headcount by sex [persons]. ``other`` counts people who record neither."""

    female: int
    male: int
    other: int = 0

    @property
    def total(self) -> int:
        return self.female + self.male + self.other

    def share_female(self) -> float | None:
        """Women's share of the workforce [fraction 0..1]; None when nobody is counted."""
        return None if self.total == 0 else self.female / self.total


def total_headcount(counts: list[Headcount]) -> Headcount:
    """Sum headcounts by sex across facilities, keeping the disaggregation."""
    return Headcount(
        female=sum(c.female for c in counts),
        male=sum(c.male for c in counts),
        other=sum(c.other for c in counts),
    )
