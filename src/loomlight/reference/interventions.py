"""The intervention catalogue shipped in interventions.csv (no Django).

One row per intervention a programme can propose to a facility: energy efficiency, renewable energy, fuel switching,
water, chemicals, waste, and social and governance measures. Each row names the metrics of reference/metrics.csv the
measure acts on, the expected saving where a source gives one, capex per unit of size, lifetime and the payback the
source reports, and for social measures the expected outcomes in words. Every number carries its source, table and
year, and how it was checked; a field the sources do not give is empty (None), never zero (docs/data-sources.md).

A programme adds or edits an intervention by editing the CSV file (docs/architecture.md); the loader validates every
row when it is read, so a bad edit fails loudly, naming the row and the column.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources

FILE = "interventions.csv"

CATEGORIES = ("efficiency", "renewable", "fuel_switch", "water", "chemicals", "waste", "social")
CONFIDENCES = ("high", "medium", "low", "none")      # "none": no figure shipped
VERIFIED = ("primary", "transcriptions", "definition", "none")
#: the largest yearly degradation the loader accepts, as a fraction per year: field studies of PV report medians of
#: 0.5-0.9 %/year (docs/data-sources.md), so a value above 0.1 is a slip (0.5 typed for 0.5 %, i.e. 0.005)
MAX_DEGRADATION = 0.1
#: the process codes of registry.models.Process (kept equal by a test; this module stays free of Django)
PROCESSES = ("spinning", "weaving", "knitting", "dyeing", "printing", "finishing", "cut_make_trim", "laundry",
             "footwear_assembly", "tannery")


@dataclass(frozen=True)
class Intervention:
    code: str
    name: str                        # English; the lead makes it translatable
    category: str                    # one of CATEGORIES
    metrics: tuple[str, ...]         # metric codes of reference/metrics.csv the measure acts on
    saving_low: float | None         # fractions of ``saving_basis`` (by default the metric's yearly use); None = not given
    saving_typical: float | None
    saving_high: float | None
    capex_low: float | None          # in ``capex_unit`` (per ``size_unit``), money of ``capex_currency`` and ``capex_year``
    capex_typical: float | None
    capex_high: float | None
    capex_unit: str                  # e.g. "USD/kWp", "USD", "USD/kW", "USD per trap"
    size_unit: str                   # what the capex is per, e.g. "kWp", "trap", "facility"
    lifetime_years: float | None
    payback_years_reported: float | None   # simple payback as the source reports it (often an upper bound: see note)
    applies_to: tuple[str, ...]      # process codes; empty = every facility
    outcomes: str                    # social measures: the expected outcomes in words, with their source
    source: str
    year: int
    confidence: str                  # one of CONFIDENCES
    note: str
    # added to the fixed interface:
    saving_basis: str = ""           # what the saving fractions are of, when not the metric's whole yearly use
    capex_currency: str = ""         # ISO 4217 of the capex figures
    capex_year: int | None = None    # money of which year
    table: str = ""                  # table / page / paragraph of the source
    verified: str = "none"           # one of VERIFIED
    checked: str = ""                # how the figures were checked
    degradation_per_year: float | None = None   # yearly loss of output as a fraction (PV: the module's yearly decline)

    @property
    def has_figures(self) -> bool:
        """True when the row ships a saving, a capex, a lifetime, a payback or a degradation rate (else it is a
        catalogue entry only)."""
        return any(v is not None for v in (self.saving_low, self.saving_typical, self.saving_high, self.capex_low,
                                           self.capex_typical, self.capex_high, self.lifetime_years,
                                           self.payback_years_reported, self.degradation_per_year))

    def citation(self) -> str:
        return f"{self.source}, {self.table}" if self.table else self.source


class CatalogueError(ValueError):
    """A row of interventions.csv is not valid; the message names the row and the column."""


def _text() -> str:
    return resources.files("loomlight.reference").joinpath(FILE).read_text(encoding="utf-8")


def _number(row: dict, column: str, line: int) -> float | None:
    raw = (row.get(column) or "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise CatalogueError(f"{FILE} line {line} ({row.get('code') or '?'}), column {column}: {raw!r} is not a number") from None


def _codes(raw: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in (raw or "").split(";") if c.strip())


def _parse(row: dict, line: int, metric_codes: frozenset[str]) -> Intervention:
    def fail(column: str, message: str):
        raise CatalogueError(f"{FILE} line {line} ({row.get('code') or '?'}), column {column}: {message}")

    for column in ("code", "name", "category", "source", "year", "confidence", "size_unit", "capex_unit", "verified"):
        if not (row.get(column) or "").strip():
            fail(column, "is empty")
    if row["category"] not in CATEGORIES:
        fail("category", f"{row['category']!r} is not one of {', '.join(CATEGORIES)}")
    if row["confidence"] not in CONFIDENCES:
        fail("confidence", f"{row['confidence']!r} is not one of {', '.join(CONFIDENCES)}")
    if row["verified"] not in VERIFIED:
        fail("verified", f"{row['verified']!r} is not one of {', '.join(VERIFIED)}")
    if not row["year"].strip().isdigit():
        fail("year", f"{row['year']!r} is not a year")
    metrics = _codes(row["metrics"])
    unknown = [m for m in metrics if m not in metric_codes]
    if unknown:
        fail("metrics", f"unknown metric code(s) {', '.join(unknown)}")
    applies_to = _codes(row["applies_to"])
    if any(p not in PROCESSES for p in applies_to):
        fail("applies_to", f"unknown process in {row['applies_to']!r}")
    values = {c: _number(row, c, line) for c in ("saving_low", "saving_typical", "saving_high", "capex_low", "capex_typical",
                                                  "capex_high", "lifetime_years", "payback_years_reported", "capex_year",
                                                  "degradation_per_year")}
    for prefix in ("saving", "capex"):
        given = [values[f"{prefix}_{k}"] for k in ("low", "typical", "high") if values[f"{prefix}_{k}"] is not None]
        if given != sorted(given):
            fail(f"{prefix}_low", f"{prefix} range is not ordered low <= typical <= high")
        if any(v < 0 for v in given):
            fail(f"{prefix}_low", "is negative")
    if any(values[f"saving_{k}"] is not None and values[f"saving_{k}"] > 1 for k in ("low", "typical", "high")):
        fail("saving_high", "a saving is a fraction of use: at most 1")
    degradation = values["degradation_per_year"]
    if degradation is not None and not 0 <= degradation <= MAX_DEGRADATION:
        fail("degradation_per_year", f"a yearly degradation is a fraction between 0 and {MAX_DEGRADATION}")
    has_figure = any(values[c] is not None for c in values if c != "capex_year")
    if has_figure and row["confidence"] == "none":
        fail("confidence", "a row with figures needs a confidence")
    if has_figure and not (row.get("checked") or "").strip():
        fail("checked", "a row with figures must say how they were checked")
    if any(values[c] is not None for c in ("capex_low", "capex_typical", "capex_high")) and not (
            row.get("capex_currency") and values["capex_year"] is not None):
        fail("capex_currency", "capex needs its currency and the year of its money")
    if row["category"] != "social" and (row.get("outcomes") or "").strip():
        fail("outcomes", "outcomes in words are for social measures")
    return Intervention(
        code=row["code"], name=row["name"], category=row["category"], metrics=metrics,
        saving_low=values["saving_low"], saving_typical=values["saving_typical"], saving_high=values["saving_high"],
        capex_low=values["capex_low"], capex_typical=values["capex_typical"], capex_high=values["capex_high"],
        capex_unit=row["capex_unit"], size_unit=row["size_unit"], lifetime_years=values["lifetime_years"],
        payback_years_reported=values["payback_years_reported"], applies_to=applies_to, outcomes=row.get("outcomes") or "",
        source=row["source"], year=int(row["year"]), confidence=row["confidence"], note=row.get("note") or "",
        saving_basis=row.get("saving_basis") or "", capex_currency=row.get("capex_currency") or "",
        capex_year=int(values["capex_year"]) if values["capex_year"] is not None else None, table=row.get("table") or "",
        verified=row["verified"], checked=row.get("checked") or "", degradation_per_year=degradation,
    )


def parse(text: str, metric_codes: frozenset[str] | None = None) -> dict[str, Intervention]:
    """Validate and read a catalogue in the CSV format of interventions.csv (file order kept).

    Raises CatalogueError naming the line and column of the first bad row, or of a repeated code.
    """
    if metric_codes is None:
        from loomlight.reference.metrics import metrics
        metric_codes = frozenset(metrics())
    catalogue: dict[str, Intervention] = {}
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        item = _parse(row, line, metric_codes)
        if item.code in catalogue:
            raise CatalogueError(f"{FILE} line {line}, column code: {item.code!r} is repeated")
        catalogue[item.code] = item
    return catalogue


@cache
def _catalogue() -> dict[str, Intervention]:
    return parse(_text())


def interventions() -> dict[str, Intervention]:
    """Every shipped intervention by code, in file order."""
    return dict(_catalogue())


def intervention(code: str) -> Intervention:
    """The intervention of ``code``; KeyError for an unknown code."""
    return _catalogue()[code]


def data_version() -> str:
    """The file name and the start of its content hash, recorded with every result that used the catalogue."""
    return f"{FILE}@{hashlib.sha256(_text().encode('utf-8')).hexdigest()[:12]}"
