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
    """Given no coal price anywhere (no dated, citable price found) and no tariff for Ethiopia, then None."""
    assert price("VN", "coal_bituminous", 2025) is None
    assert price("ET", "electricity_grid", 2025) is None
    assert price("TH", "fuel_fuel_oil", 2025) is None          # Thai fuel oil not transcribed
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


# --- exchange rates (World Bank WDI PA.NUS.FCRF, yearly average of the row's year) -------------------------------------

def test_a_local_tariff_converts_at_the_wdi_yearly_average_of_its_year():
    """Given Viet Nam 2024 (2,103.11 VND/kWh) and the WDI official rate 2024, 24,164.8858 VND per USD (period average),
    when 2024 is asked, then USD 2,103.11 / 24,164.8858 = 0.08703 per kWh."""
    p = price("VN", "electricity_grid", 2024)
    assert p.usd_rate == 24164.8858 and "PA.NUS.FCRF" in p.rate_source
    assert round(p.usd_per_unit, 5) == round(2103.11 / 24164.8858, 5) == 0.08703


def test_the_thai_rate_agrees_with_the_federal_reserve_yearly_average():
    """WDI 2025: 32.8828 THB per USD; the Federal Reserve H.10 yearly average 2025: 32.8619 (both read in their
    datahub.io copies): within 0.1 %."""
    p = price("TH", "electricity_grid", 2025)
    assert p.usd_rate == 32.8828 and "32.8619" in p.rate_source
    assert abs(p.usd_rate - 32.8619) / 32.8619 < 0.001


def test_one_currency_and_year_has_one_rate_in_every_row():
    rates: dict[tuple[str, int], set] = {}
    for p in prices():
        rates.setdefault((p.currency, p.year), set()).add(p.usd_rate)
    assert all(len(v) == 1 for v in rates.values()), rates
    assert rates[("VND", 2023)] == {23787.3192} and rates[("THB", 2023)] == {34.8022} and rates[("KES", 2024)] == {134.8225}


def test_every_local_row_has_a_rate_except_the_dong_in_2025():
    """The WDI copy read has no 2025 value for Viet Nam: those rows have no USD value and say why; every other row has one."""
    missing = {(p.country, p.metric, p.year) for p in prices() if p.usd_rate is None}
    assert missing == {("VN", "electricity_grid", 2025), ("VN", "fuel_diesel", 2025), ("VN", "fuel_fuel_oil", 2025),
                       ("VN", "fuel_lpg", 2025)}
    assert all("exchange rate" in p.note for p in prices() if p.usd_rate is None)


# --- fuels: the price in force on 31 December (the last announcement of the year) ---------------------------------------

def test_viet_nam_fuels_are_the_last_announcement_of_the_year():
    """MoIT-MoF announcement of 28 December 2023: diesel 0.05S 19,788 VND/L, mazut 180CST 3.5S 15,685 VND/kg
    (VietnamPlus, SGGP); of 31 December 2025: diesel 17,255 VND/L, mazut 13,345 VND/kg (five reports)."""
    d23, fo23 = price("VN", "fuel_diesel", 2023), price("VN", "fuel_fuel_oil", 2023)
    assert (d23.value, d23.unit, d23.valid_from) == (19788, "VND/L", date(2023, 12, 28))
    assert (fo23.value, fo23.unit, fo23.per_unit) == (15685, "VND/kg", "kg")
    assert (price("VN", "fuel_diesel", 2025).value, price("VN", "fuel_fuel_oil", 2025).value) == (17255, 13345)
    assert price("VN", "fuel_diesel", 2024).confidence == "low"       # one report only


def test_a_derived_price_is_the_stated_arithmetic():
    """Petrolimex Gas, Hanoi, December 2025: 1,646,000 VND per 48 kg industrial cylinder (VAT included) -> per kg;
    Thailand's frozen cooking gas, 423 baht per 15 kg cylinder (2023) -> 28.2 baht per kg."""
    assert price("VN", "fuel_lpg", 2025).value == round(1_646_000 / 48, 2) == 34291.67
    assert price("TH", "fuel_lpg", 2023).value == round(423 / 15, 2) == 28.2


def test_a_later_year_of_a_fuel_is_a_flagged_proxy():
    """Thai diesel is shipped for 2023 only (29.94 baht/L under the freeze from 20 September 2023): 2025 is answered by
    it, flagged proxy_year."""
    p = price("TH", "fuel_diesel", 2025)
    assert (p.year, p.value, p.flags) == (2023, 29.94, (PROXY_YEAR,))


# --- water ----------------------------------------------------------------------------------------------------------

def test_industrial_water_tariffs_and_their_proxy_years():
    """Ho Chi Minh City, production units, 12,100 VND/m3 from 1 January 2022 (Decision 25/2019/QD-UBND, last step);
    Bangkok MWA type 2 above 200 m3 a month, 15.81 baht/m3 excluding VAT (mwa.co.th, in force since December 1999)."""
    hcm = price("VN", "water_municipal", 2024)
    assert (hcm.year, hcm.value, hcm.unit, hcm.region, hcm.flags) == (2022, 12100, "VND/m³", "Ho Chi Minh City", (PROXY_YEAR,))
    assert round(hcm.usd_per_unit, 4) == round(12100 / 23271.2125, 4) == 0.52
    mwa = price("TH", "water_municipal", 2023)
    assert (mwa.value, mwa.verified, mwa.flags) == (15.81, "primary", ())
    assert price("VN", "water_municipal", 2021) is None


# --- other countries ---------------------------------------------------------------------------------------------------

def test_indonesia_default_is_the_medium_voltage_industrial_group():
    """PLN 2025: I-3/TM (above 200 kVA) Rp 1,114.74/kWh is the default; I-4/TT (30,000 kVA and above) Rp 996.74 is not."""
    p = price("ID", "electricity_grid", 2025)
    assert (p.value, p.usd_rate) == (1114.74, 16477.8652) and "I-3" in p.tariff
    assert [q.value for q in prices() if q.country == "ID" and q.year == 2025 and not q.default] == [996.74]


def test_kenya_energy_charge_by_financial_year_and_its_limits_said():
    """EPRA-approved code C12 energy charge: 13.08, 12.44, 12.16 KSh/kWh for 2023/24, 2024/25, 2025/26 (Tuko)."""
    assert [price("KE", "electricity_grid", y).value for y in (2023, 2024, 2025)] == [13.08, 12.44, 12.16]
    p = price("KE", "electricity_grid", 2024)
    assert p.confidence == "low" and "fuel energy cost" in p.note
