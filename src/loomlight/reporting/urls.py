from django.urls import path

from loomlight.reporting import import_views, month_views, rate_views, review_views, views

app_name = "reporting"
urlpatterns = [
    path("facilities/<int:pk>/", views.facility_year, name="facility"),
    path("facilities/<int:pk>/<int:year>/", views.facility_year, name="facility_year"),
    path("facilities/<int:pk>/dashboard/", views.facility_dashboard, name="dashboard"),
    path("facilities/<int:pk>/dashboard/<int:year>/", views.facility_dashboard, name="dashboard_year"),
    path("facilities/<int:pk>/<int:year>/<int:month>/", month_views.month_form, name="month"),
    path("facilities/<int:pk>/<int:year>/<int:month>/check", month_views.month_check, name="month_check"),
    path("facilities/<int:pk>/<int:year>/<int:month>/<str:action>/", views.period_transition, name="transition"),
    path("facilities/<int:pk>/<int:year>/submit-complete/", review_views.submit_complete, name="submit_complete"),
    path("review/", review_views.review, name="review"),
    path("facilities/<int:pk>/<int:year>/metrics/", views.applicable_metrics_save, name="applicable_metrics"),
    path("facilities/<int:pk>/<int:year>/fuel-properties/", views.fuel_property_add, name="fuel_property_add"),
    path("facilities/<int:pk>/<int:year>/template.xlsx", import_views.import_template, name="import_template"),
    path("facilities/<int:pk>/<int:year>/import", import_views.import_upload, name="import"),
    path("facilities/<int:pk>/imports/<int:job>/", import_views.import_job, name="import_job"),
    path("facilities/<int:pk>/imports/<int:job>/errors.<str:fmt>", import_views.import_errors, name="import_errors"),
    path("rate/", rate_views.reporting_rate, name="rate"),
    path("rate.<str:fmt>", rate_views.reporting_rate_download, name="rate_download"),
]
