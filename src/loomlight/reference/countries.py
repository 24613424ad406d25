"""The countries Loomlight knows: ISO 3166-1 alpha-2 codes and English short names in countries.csv (no Django).

The registry (names translated, choices) and ``loomlight ghg`` (which refuses other codes) both read it here.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

FILE = "countries.csv"


@cache
def country_names() -> dict[str, str]:
    """{code: English short name}, in file order, read once."""
    with resources.files("loomlight.reference").joinpath(FILE).open(encoding="utf-8") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}


def is_country(code: str) -> bool:
    return code in country_names()
