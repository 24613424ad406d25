"""The shipped tariffs and prices (reference/energy_prices.csv) and price(): the exact year, an earlier year as a
proxy, and a gap as None (never 0); every row sourced, in a known metric, with a coherent unit."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date
from importlib import resources

import pytest

from loomlight.reference import prices as module
from loomlight.reference.metrics import metrics
from loomlight.reference.prices import PROXY_YEAR, PriceFileError, parse, price, prices

with resources.files("loomlight.reference").joinpath("energy_prices.csv").open(encoding="utf-8") as fh:
    TEXT = fh.read()
ROWS = list(csv.DictReader(TEXT.splitlines()))
HEADER = TEXT.splitlines()[0]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['country']}-{r['metric']}-{r['year']}-{r['region'] or r['valid_from']}")
def test_every_row_has_source_year_unit_and_a_known_metric(row):
    assert row["source"] and row["checked"] and row["year"].isdigit()
    assert row["unit"] == f"{row['currency']}/{row['per_unit']}"
    assert row["metric"] in metrics()
    assert row["verified"] in module.VERIFIED and row["confidence"] in module.CONFIDENCES


def test_exact_year_answers_with_that_years_default_row():
    """Given Viet Nam's average retail price from 11 October 2024 (2,006.79 -> 2,103.11 VND/kWh excl. VAT, +4.8 %,
    EVN), when 2024 is asked, then that row, without flags."""
    p = price("VN", "electricity_grid", 2024)
    assert (p.value, p.unit, p.currency, p.per_unit, p.flags) == (2103.11, "VND/kWh", "VND", "kWh", ())
    assert p.valid_from == date(2024, 10, 11)
    assert round(2006.79 * 1.048, 1) == round(p.value, 1)


def test_the_default_row_of_a_year_with_two_prices_is_the_later_one():
    """Thailand 2025: 4.15 THB/kWh for January-April (base 3.78 + Ft 0.3672), 3.98 from May (ERC); price() gives 3.98."""
    assert price("TH", "electricity_grid", 2025).value == 3.98
    jan = [p for p in prices() if p.country == "TH" and p.year == 2025 and not p.default]
    assert [p.value for p in jan] == [4.15] and round(3.78 + 0.3672, 2) == 4.15


def test_a_later_year_is_answered_by_the_latest_earlier_one_flagged_proxy_year():
    p = price("VN", "electricity_grid", 2027)
    assert p.year == 2025 and p.value == 2204.0655 and p.flags == (PROXY_YEAR,)
    assert price("VN", "electricity_grid", 2025).flags == ()


def test_nothing_shipped_is_none_never_zero():
    """Given no coal price anywhere (no dated, citable price found) and no tariff for Kenya, then None."""
    assert price("VN", "coal_bituminous", 2025) is None
    assert price("KE", "electricity_grid", 2025) is None
    assert price("VN", "electricity_grid", 2022) is None     # a later year's price never answers for an earlier one


def test_a_usd_tariff_converts_at_one_and_a_local_one_without_a_sourced_rate_has_no_usd_value():
    """Cambodia's category-2 industrial MV tariff, Phnom Penh, 2020: USD 0.164/kWh (announced 17 Dec 2018)."""
    kh = price("KH", "electricity_grid", 2020)
    assert (kh.value, kh.usd_rate, kh.usd_per_unit, kh.region) == (0.164, 1.0, 0.164, "Phnom Penh")
    vn = price("VN", "electricity_grid", 2025)
    assert vn.usd_rate is None and vn.usd_per_unit is None and "exchange rate" in vn.note


def test_prices_keeps_file_order_and_data_version_is_the_content_hash():
    assert [(p.country, p.year, p.value) for p in prices()] == [(r["country"], int(r["year"]), float(r["value"])) for r in ROWS]
    assert module.data_version().startswith("energy_prices.csv@") and len(module.data_version()) == len("energy_prices.csv@") + 12


def _text(*rows: dict) -> str:
    """The header and ``rows``, as CSV text."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=HEADER.split(","), lineterminator="\n")
    w.writerows(rows)
    return HEADER + "\n" + out.getvalue().rstrip("\n")


@pytest.mark.parametrize(("changes", "column"), [
    ({"metric": "electricity_magic"}, "metric"),
    ({"unit": "VND/MWh"}, "unit"),
    ({"source": ""}, "source"),
    ({"usd_rate": "25000", "rate_source": ""}, "rate_source"),
    ({"valid_from": "2019-01-01"}, "valid_from"),
    ({"value": "0"}, "value"),
])
def test_a_bad_row_is_refused_naming_the_line_and_column(changes, column):
    with pytest.raises(PriceFileError, match=rf"line 2, column {column}"):
        parse(_text(dict(ROWS[0]) | changes))


def test_two_default_rows_for_one_year_are_refused():
    row = dict(ROWS[0]) | {"default": "true"}
    with pytest.raises(PriceFileError, match="line 3, column default"):
        parse(_text(row, row))


def test_the_loaders_load_no_django():
    """The catalogue and the prices are read by the CLI and loomlight.calc, so reading them loads no Django."""
    code = ("import sys\nfrom loomlight.reference import interventions, prices\n"
            "interventions.interventions(); prices.prices(); prices.price('VN', 'electricity_grid', 2025)\n"
            "print(','.join(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
