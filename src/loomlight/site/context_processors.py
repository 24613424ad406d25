from django.conf import settings


def loomlight(request):
    return {"DEMO_MODE": settings.DEMO_MODE, "LOOMLIGHT_ENV": settings.LOOMLIGHT_ENV}
