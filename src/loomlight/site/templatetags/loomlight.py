from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import gettext as _

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
