from django import template

from loomlight.notifications.selectors import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def notifications_unread(context) -> int:
    """The unread count of the page's user (one query; 0 for a visitor)."""
    request = context.get("request")
    return unread_count(request.user) if request is not None else 0
