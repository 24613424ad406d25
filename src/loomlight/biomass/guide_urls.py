"""The routes of the public biomass guideline pages (``/biomass/guide/``) and of the facility's fuel-switch page
(``/biomass/switch/?facility=<id>``, login), included from biomass/urls.py."""

from django.urls import path

from loomlight.biomass import guide_views, switch_views

urlpatterns = [
    path("guide/", guide_views.guide_index, name="guide"),
    path("guide/<slug:code>/", guide_views.guide_type, name="guide_type"),
    path("switch/", switch_views.switch_page, name="switch"),
]
