"""ISO 3166-1 alpha-2 country codes shipped in reference/countries.csv."""

from __future__ import annotations

from django.utils.translation import gettext

from loomlight.reference.countries import country_names, is_country

__all__ = ["country_choices", "country_name", "country_names", "is_country"]


def country_name(code: str) -> str:
    """The country's name in the active language (catalogues translate the English name)."""
    english = country_names().get(code)
    return gettext(english) if english else code


def country_choices() -> list[tuple[str, str]]:
    return sorted(((code, country_name(code)) for code in country_names()), key=lambda pair: pair[1])
