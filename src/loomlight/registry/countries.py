"""ISO 3166-1 alpha-2 country codes shipped in reference/countries.csv."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from django.utils.translation import gettext


@cache
def country_names() -> dict[str, str]:
    """{code: English short name}, read once from the reference file."""
    with resources.files("loomlight.reference").joinpath("countries.csv").open(encoding="utf-8") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}


def country_name(code: str) -> str:
    """The country's name in the active language (catalogues translate the English name)."""
    english = country_names().get(code)
    return gettext(english) if english else code


def country_choices() -> list[tuple[str, str]]:
    return sorted(((code, country_name(code)) for code in country_names()), key=lambda pair: pair[1])


def is_country(code: str) -> bool:
    return code in country_names()
