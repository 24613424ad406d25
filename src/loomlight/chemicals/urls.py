from django.urls import path

from loomlight.chemicals import views

app_name = "chemicals"
urlpatterns = [
    path("facilities/<int:pk>/", views.facility_chemicals, name="facility"),
    path("facilities/<int:pk>/<int:year>/", views.facility_chemicals, name="facility_year"),
]
