from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import gettext as _

from loomlight.registry.countries import country_name
from loomlight.site.numbers import number as format_number
from loomlight.site.units import unit_label

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ mapping|get_item:key }}``: a dict lookup with a variable key."""
    return mapping.get(key) if mapping else None


@register.filter
def figure(value, digits="1g"):
    """``{{ value|figure:"1g" }}``: a derived figure in ``floatformat``'s format, or "not counted" when it could not be
    computed (None: a missing factor), never a blank that reads as nothing or a 0 that reads as none."""
    if value is None:
        return format_html('<span class="not-counted">{}</span>', _("not counted"))
    return floatformat(value, digits)


@register.filter
def unit(value):
    """``{{ row.unit|unit }}``: a unit with its words ("person", "hour", "piece") in the reader's language."""
    return unit_label(value)


@register.filter
def number(value, decimals=None):
    """``{{ value|number }}`` (six significant digits) or ``{{ value|number:1 }}`` (one decimal): the one
    locale-aware formatter (site/numbers.py)."""
    return format_number(value, decimals=int(decimals) if decimals not in (None, "") else None)


@register.filter
def share(value, decimals=0):
    """``{{ fraction|share }}``: a fraction 0..1 as a percentage in the reader's format ("45 %"); "—" for None."""
    if value is None:
        return "—"
    return f"{format_number(value * 100, decimals=int(decimals))} %"


@register.filter
def country(code):
    """``{{ row.country|country }}``: a country's name in the reader's language, its ISO 3166-1 code in the title
    (tables and downloads of the analytics engine group by the code)."""
    if not code:
        return ""
    return format_html('<span title="{}">{}</span>', code, country_name(code))


@register.inclusion_tag("_facility_nav.html", takes_context=True)
def facility_nav(context, facility, year=None, current=None, buttons=False):
    """``{% facility_nav facility year current="emissions" %}``: the facility's name and the links to its data pages
    the viewer may open (``site.nav.facility_links``), the current one marked."""
    from loomlight.site.nav import facility_links

    return {"facility": facility, "buttons": buttons,
            "links": facility_links(context["request"].user, facility, year=year, current=current)}
