"""The routes of the public biomass guideline pages (``/biomass/guide/``), included from biomass/urls.py."""

from django.urls import path

from loomlight.biomass import guide_views

urlpatterns = [
    path("guide/", guide_views.guide_index, name="guide"),
    path("guide/<slug:code>/", guide_views.guide_type, name="guide_type"),
]
