from django.urls import path

from loomlight.registry import views

app_name = "registry"
urlpatterns = [
    path("facilities/", views.facility_list, name="facilities"),
    path("facilities/new/", views.facility_edit, name="facility_new"),
    path("facilities/<int:pk>/", views.facility_detail, name="facility"),
    path("facilities/<int:pk>/edit/", views.facility_edit, name="facility_edit"),
    path("facilities/<int:pk>/consents/new/", views.consent_grant, name="consent_grant"),
    path("consents/", views.consent_list, name="consents"),
    path("consents/<int:pk>/revoke/", views.consent_revoke, name="consent_revoke"),
    path("parks/", views.park_list, name="parks"),
    path("parks/new/", views.park_edit, name="park_new"),
    path("parks/<int:pk>/", views.park_detail, name="park"),
    path("parks/<int:pk>/edit/", views.park_edit, name="park_edit"),
    path("parks/<int:park_pk>/shared/new/", views.shared_facility_edit, name="shared_new"),
    path("parks/<int:park_pk>/shared/<int:pk>/edit/", views.shared_facility_edit, name="shared_edit"),
    path("parks/<int:park_pk>/shared/<int:pk>/consents/new/", views.shared_consent_grant, name="shared_consent_grant"),
    path("shared-consents/<int:pk>/revoke/", views.shared_consent_revoke, name="shared_consent_revoke"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/new/", views.organisation_edit, name="organisation_new"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("map/", views.map_page, name="map"),
    path("map/data.geojson", views.map_data, name="map_data"),
]
