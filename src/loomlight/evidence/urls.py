from django.urls import path

from loomlight.evidence import views

app_name = "evidence"
urlpatterns = [
    path("<int:pk>/download/", views.evidence_download, name="download"),
    path("facilities/<int:facility_pk>/upload/", views.evidence_upload, name="upload"),
]
