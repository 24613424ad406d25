from django.conf import settings


def loomlight(request):
    return {"DEMO_MODE": settings.DEMO_MODE, "LOOMLIGHT_ENV": settings.LOOMLIGHT_ENV}


def number_format(request):
    """The page's number format and month names for its charts (base.html puts them in a JSON block)."""
    from loomlight.site.numbers import chart_format

    return {"NUMBER_FORMAT": chart_format()}
