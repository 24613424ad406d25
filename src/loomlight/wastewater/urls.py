from django.urls import path

from loomlight.wastewater import views

app_name = "wastewater"
urlpatterns = [
    path("facilities/<int:pk>/", views.facility_wastewater, name="facility"),
    path("shared/<int:pk>/", views.shared_wastewater, name="shared"),
    path("events/<int:pk>/", views.event_detail, name="event"),
]
