from django.urls import path

from loomlight.reporting import views

app_name = "reporting"
urlpatterns = [
    path("facilities/<int:pk>/", views.facility_year, name="facility"),
    path("facilities/<int:pk>/<int:year>/", views.facility_year, name="facility_year"),
    path("facilities/<int:pk>/dashboard/", views.facility_dashboard, name="dashboard"),
    path("facilities/<int:pk>/dashboard/<int:year>/", views.facility_dashboard, name="dashboard_year"),
    path("facilities/<int:pk>/<int:year>/<int:month>/<str:action>/", views.period_transition, name="transition"),
]
