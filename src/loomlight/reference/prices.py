"""Electricity tariffs, fuel and water prices by country and year, shipped in energy_prices.csv (no Django).

These are editable defaults for business cases: the platform shows them with their source and lets the user replace
them with the facility's own bill. Each row is in local currency, with the exchange rate to US dollars where a sourced
rate of the year exists (otherwise ``usd_rate`` and ``usd_per_unit`` are None: a gap, never a guess). A country may
ship several rows for a year (a price that changed during the year, a region, a tariff category); ``default`` marks
the one ``price()`` answers with (the price in force at the end of the year, for the country's usual industrial case).

``price(country, metric, year)``: that year's default row; else the latest earlier year's, flagged "proxy_year";
None when nothing is shipped for the country and metric up to that year (a gap, never 0).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources

FILE = "energy_prices.csv"

PROXY_YEAR = "proxy_year"   # an earlier year's price answered for the year asked
CONFIDENCES = ("high", "medium", "low")
VERIFIED = ("primary", "transcription")


@dataclass(frozen=True)
class Price:
    country: str              # ISO 3166-1 alpha-2
    metric: str               # metric code of reference/metrics.csv
    year: int                 # the year the price applies to (took effect in)
    value: float              # in ``unit``
    unit: str                 # e.g. "VND/kWh"
    currency: str             # ISO 4217
    per_unit: str             # e.g. "kWh"
    usd_per_unit: float | None   # value / usd_rate; None without a sourced rate
    usd_rate: float | None    # currency units per USD
    rate_source: str
    source: str
    table: str
    verified: str             # one of VERIFIED
    checked: str
    confidence: str           # one of CONFIDENCES
    note: str
    flags: tuple[str, ...] = ()
    # added to the fixed interface:
    valid_from: date | None = None   # the day the price took effect, where the source gives it
    tariff: str = ""                 # the tariff or price it is (e.g. "average retail price, all customers, excluding VAT")
    region: str = ""                 # where within the country, when the tariff differs by region
    default: bool = True             # the row price() answers with for its year

    def citation(self) -> str:
        return f"{self.source}, {self.table}" if self.table else self.source


class PriceFileError(ValueError):
    """A row of energy_prices.csv is not valid; the message names the line and the column."""


def _text() -> str:
    return resources.files("loomlight.reference").joinpath(FILE).read_text(encoding="utf-8")


def _parse(row: dict, line: int, metric_codes: frozenset[str]) -> Price:
    def fail(column: str, message: str):
        raise PriceFileError(f"{FILE} line {line}, column {column}: {message}")

    for column in ("country", "metric", "year", "value", "unit", "currency", "per_unit", "source", "verified",
                   "checked", "confidence", "default"):
        if not (row.get(column) or "").strip():
            fail(column, "is empty")
    if row["metric"] not in metric_codes:
        fail("metric", f"unknown metric code {row['metric']!r}")
    if row["unit"] != f"{row['currency']}/{row['per_unit']}":
        fail("unit", f"{row['unit']!r} is not currency/per_unit ({row['currency']}/{row['per_unit']})")
    if row["verified"] not in VERIFIED:
        fail("verified", f"{row['verified']!r} is not one of {', '.join(VERIFIED)}")
    if row["confidence"] not in CONFIDENCES:
        fail("confidence", f"{row['confidence']!r} is not one of {', '.join(CONFIDENCES)}")
    if row["default"] not in ("true", "false"):
        fail("default", "is not true or false")
    try:
        year, value = int(row["year"]), float(row["value"])
    except ValueError:
        fail("year", "year or value is not a number")
    if value <= 0:
        fail("value", "a price is positive")
    rate = None
    if (row.get("usd_rate") or "").strip():
        try:
            rate = float(row["usd_rate"])
        except ValueError:
            fail("usd_rate", f"{row['usd_rate']!r} is not a number")
        if rate <= 0:
            fail("usd_rate", "is not positive")
        if not (row.get("rate_source") or "").strip():
            fail("rate_source", "an exchange rate needs its source")
    valid_from = None
    if (row.get("valid_from") or "").strip():
        try:
            valid_from = date.fromisoformat(row["valid_from"])
        except ValueError:
            fail("valid_from", f"{row['valid_from']!r} is not a date (YYYY-MM-DD)")
        if valid_from.year != year:
            fail("valid_from", "is not in the row's year")
    return Price(
        country=row["country"], metric=row["metric"], year=year, value=value, unit=row["unit"], currency=row["currency"],
        per_unit=row["per_unit"], usd_per_unit=value / rate if rate else None, usd_rate=rate,
        rate_source=row.get("rate_source") or "", source=row["source"], table=row.get("table") or "",
        verified=row["verified"], checked=row["checked"], confidence=row["confidence"], note=row.get("note") or "",
        valid_from=valid_from, tariff=row.get("tariff") or "", region=row.get("region") or "",
        default=row["default"] == "true",
    )


def parse(text: str, metric_codes: frozenset[str] | None = None) -> tuple[Price, ...]:
    """Validate and read a price file in the format of energy_prices.csv (file order kept).

    Raises PriceFileError naming the line and column of the first bad row, or of a second default row for the same
    country, metric and year.
    """
    if metric_codes is None:
        from loomlight.reference.metrics import metrics
        metric_codes = frozenset(metrics())
    rows = tuple(_parse(row, line, metric_codes) for line, row in enumerate(csv.DictReader(text.splitlines()), start=2))
    seen: set[tuple[str, str, int]] = set()
    for line, p in enumerate(rows, start=2):
        if p.default:
            key = (p.country, p.metric, p.year)
            if key in seen:
                raise PriceFileError(f"{FILE} line {line}, column default: a second default row for {key}")
            seen.add(key)
    return rows


@cache
def _rows() -> tuple[Price, ...]:
    return parse(_text())


def prices() -> list[Price]:
    """Every shipped price row, in file order (default and other rows)."""
    return list(_rows())


def price(country: str, metric: str, year: int) -> Price | None:
    """The default price of ``metric`` in ``country`` for ``year``.

    That year's default row; else the latest earlier year's default row, flagged "proxy_year"; None when the country
    has no row for the metric up to that year (a later year's price never answers for an earlier one).
    """
    rows = sorted((p for p in _rows() if p.default and p.country == country and p.metric == metric and p.year <= year),
                  key=lambda p: p.year)
    if not rows:
        return None
    found = rows[-1]
    return found if found.year == year else replace(found, flags=(PROXY_YEAR,))


def data_version() -> str:
    """The file name and the start of its content hash, recorded with every result that used a shipped price."""
    return f"{FILE}@{hashlib.sha256(_text().encode('utf-8')).hexdigest()[:12]}"
