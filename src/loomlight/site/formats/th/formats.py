"""Numbers in the pages in this language: CLDR's separators and grouping (site.numbers); dates stay Django's."""
from loomlight.site.numbers import django_formats

_CLDR = django_formats("th")
DECIMAL_SEPARATOR = _CLDR["DECIMAL_SEPARATOR"]
THOUSAND_SEPARATOR = _CLDR["THOUSAND_SEPARATOR"]
NUMBER_GROUPING = _CLDR["NUMBER_GROUPING"]
