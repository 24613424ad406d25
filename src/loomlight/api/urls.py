from django.urls import path, re_path
from django.views.generic import RedirectView

from loomlight.api.api import api
from loomlight.api.errors import not_found

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="api:openapi-view")),  # /api/ -> the reference
    path("", api.urls),
    re_path(r"", not_found),  # anything else under /api/: the error envelope, not an HTML page
]
