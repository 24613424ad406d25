from django.urls import include, path

from loomlight.biomass import views

app_name = "biomass"

urlpatterns = [
    path("", include("loomlight.biomass.guide_urls")),   # the public guideline pages and the fuel-switch page (bweb)
    path("", views.supply_home, name="home"),
    path("facility/<int:pk>/", views.facility_supply, name="facility"),
    path("facility/<int:pk>/suppliers/new/", views.supplier_new, name="supplier_new"),
    path("facility/<int:pk>/streams/new/", views.stream_new, name="stream_new"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("suppliers/<int:pk>/edit/", views.supplier_edit, name="supplier_edit"),
    path("streams/<int:pk>/", views.stream_detail, name="stream"),
    path("streams/<int:pk>/edit/", views.stream_edit, name="stream_edit"),
    path("streams/<int:pk>/steps/", views.step_add, name="step_add"),
    path("steps/<int:pk>/edit/", views.step_edit, name="step_edit"),
    path("steps/<int:pk>/remove/", views.step_remove, name="step_remove"),
    path("steps/<int:pk>/move/", views.step_move, name="step_move"),
    path("streams/<int:pk>/screenings/new/", views.screening_new, name="screening_new"),
    path("screenings/<int:pk>/", views.screening_detail, name="screening"),
    path("screenings/<int:pk>/edit/", views.screening_edit, name="screening_edit"),
]
