from django.urls import path

from loomlight.wastewater import views

app_name = "wastewater"
urlpatterns = [
    path("facilities/<int:pk>/", views.facility_wastewater, name="facility"),
    path("facilities/<int:pk>/discharge/", views.facility_discharge, name="facility_discharge"),
    path("facilities/<int:pk>/permits/new/", views.facility_permit_new, name="facility_permit_new"),
    path("shared/<int:pk>/", views.shared_wastewater, name="shared"),
    path("shared/<int:pk>/discharge/", views.shared_discharge, name="shared_discharge"),
    path("shared/<int:pk>/permits/new/", views.shared_permit_new, name="shared_permit_new"),
    path("shared/<int:pk>/intake/", views.intake_limits, name="intake"),
    path("permits/<int:pk>/", views.permit_detail, name="permit"),
    path("parks/<int:pk>/", views.park_exceedances, name="park"),
    path("events/<int:pk>/", views.event_detail, name="event"),
]
