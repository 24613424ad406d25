from django.urls import path

from loomlight.interventions import views

app_name = "interventions"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("facility/<int:pk>/", views.facility_cases, name="facility"),
    path("curve/", views.curve, name="curve"),
    path("curve.<str:fmt>", views.curve_download, name="curve_download"),
    path("pipeline/", views.pipeline, name="pipeline"),
    path("pipeline/financier.xlsx", views.financier_export, name="financier_export"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/stage/", views.case_stage, name="stage"),
    path("<int:pk>/share/", views.case_share, name="share"),
]
